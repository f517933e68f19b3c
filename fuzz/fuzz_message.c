/*
 * NAME
 *	fuzz_message - the whole pipeline: kaeru_parser_parse and the writers
 * DESCRIPTION
 *	One parser lives across inputs, as in real use, so state carried
 *	from mail to mail (arena, flat buffer, iconv cache) is exercised too.
 *	Every record must have non-NULL strings, names from the enums, and
 *	JSON, CSV and field values that are valid UTF-8 (each record's
 *	output is checked on its own, in one reused buffer).
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include "util/codec.h"

#include <string.h>

static kaeru_parser *parser;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kaeru_record *rec;
	size_t		    n, i;
	kaeru_buf	    out = KAERU_BUF_INIT, v = KAERU_BUF_INIT;

	if (parser == NULL) {
		kaeru_parse_opts o = KAERU_PARSE_OPTS_INIT;
		/* Small limits so that the fuzzer reaches them. */
		o.max_depth = 12;
		o.max_parts = 200;
		o.max_header_len = 8192;
		o.max_decoded = 256 << 10;
		o.max_records = 32;
		if (kaeru_parser_new(&parser, &o) != 0)
			abort();
	}
	FUZZ_CHECK(kaeru_parser_parse(parser, (const char *)data, size, "fuzz", &rec, &n) == 0);
	FUZZ_CHECK(n == 0 || rec != NULL);
	FUZZ_CHECK(n <= 32);
	for (i = 0; i < n; i++) {
		const kaeru_record *r = &rec[i];
		const char *const *f;

		FUZZ_CHECK(r->recipient != NULL && r->reason != NULL && r->rule != NULL);
		FUZZ_CHECK(kaeru_reason_name(r->reason_id) != NULL);
		FUZZ_CHECK(strcmp(kaeru_reason_name(r->reason_id), r->reason) == 0);
		FUZZ_CHECK(r->category != NULL && r->action_hint != NULL);
		/* Each record's JSON and CSV, checked and dropped (one buffer reused). */
		out.size = 0;
		FUZZ_CHECK(kaeru_record_json(r, 0, &out) == 0);
		FUZZ_CHECK(kaeru_record_csv(r, &out) == 0);
		FUZZ_CHECK(kc_utf8_valid(out.ptr ? out.ptr : "", out.size));
		for (f = kaeru_record_fields(); *f != NULL; f++) {
			FUZZ_CHECK(kaeru_record_field(r, *f, &v) == 0);
			FUZZ_CHECK(kc_utf8_valid(v.ptr ? v.ptr : "", v.size));
		}
	}
	kaeru_buf_dispose(&v);
	kaeru_buf_dispose(&out);
	return 0;
}

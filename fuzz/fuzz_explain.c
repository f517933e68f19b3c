/*
 * NAME
 *	fuzz_explain - kaeru_explain and its iterator on any text
 * DESCRIPTION
 *	The first byte picks the language (NULL, "en", "ja", locale names,
 *	and two that must be refused), the rest up to a NUL is the code as a
 *	user would type it (a code, or a reason name). An answer must be
 *	whole: every string set and valid UTF-8, names that agree with their
 *	ids (a reason explained under its own name), a severity that
 *	agrees with the code's class, and JSON and a line that are valid
 *	UTF-8. The normalised code, asked again, must be explained too. The
 *	iterator over the providers' readings of the code must end, with
 *	whole answers (the first eight rendered too).
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include "util/codec.h"

#include <string.h>

/* whole - check one explanation; b: also its JSON and line */
static void
whole(const kaeru_explanation *e, kaeru_buf *b)
{
	FUZZ_CHECK(memchr(e->code, '\0', sizeof(e->code)) != NULL);
	FUZZ_CHECK(memchr(e->entry, '\0', sizeof(e->entry)) != NULL);
	FUZZ_CHECK(kc_utf8_valid(e->code, strlen(e->code)));
	FUZZ_CHECK(e->kind_name != NULL && e->lang != NULL && e->source != NULL);
	FUZZ_CHECK(e->provider != NULL && e->meaning != NULL && e->class_meaning != NULL);
	FUZZ_CHECK(e->severity != NULL && e->reason != NULL && e->category != NULL);
	FUZZ_CHECK(e->action_hint != NULL && e->advice != NULL);
	FUZZ_CHECK(strcmp(e->lang, "en") == 0 || strcmp(e->lang, "ja") == 0);
	FUZZ_CHECK(strcmp(e->severity, "success") == 0 || strcmp(e->severity, "transient") == 0 ||
	    strcmp(e->severity, "permanent") == 0);
	FUZZ_CHECK(kaeru_reason_name(e->reason_id) != NULL &&
	    strcmp(kaeru_reason_name(e->reason_id), e->reason) == 0);
	FUZZ_CHECK(strcmp(kaeru_category_name(e->category_id), e->category) == 0);
	FUZZ_CHECK(strcmp(kaeru_action_hint_name(e->hint_id), e->action_hint) == 0);
	FUZZ_CHECK(e->kind == KAERU_CODE_REPLY || e->kind == KAERU_CODE_STATUS ||
	    e->kind == KAERU_CODE_PROVIDER || e->kind == KAERU_CODE_REASON);
	/* A reason is explained under its own name. */
	if (e->kind == KAERU_CODE_REASON)
		FUZZ_CHECK(strcmp(e->kind_name, "reason") == 0 && strcmp(e->code, e->reason) == 0 &&
		    strncmp(e->entry, "reason:", 7) == 0 && strcmp(e->entry + 7, e->reason) == 0);
	/* A code of class 2 or 5 reads as success or permanent failure. */
	if (e->kind == KAERU_CODE_STATUS || e->kind == KAERU_CODE_REPLY) {
		if (e->code[0] == '2')
			FUZZ_CHECK(strcmp(e->severity, "success") == 0);
		if (e->code[0] == '5')
			FUZZ_CHECK(strcmp(e->severity, "permanent") == 0);
	}
	if (b == NULL)
		return;
	b->size = 0;
	FUZZ_CHECK(kaeru_explanation_json(e, 0, b) == 0);
	FUZZ_CHECK(kaeru_explanation_line(e, b) == 0);
	FUZZ_CHECK(kc_utf8_valid(b->ptr ? b->ptr : "", b->size));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The last two are refused; "" and "C" are English, as locale names are. */
	static const char *const langs[] = { NULL, "en", "ja", "ja_JP.UTF-8", "", "C", "fr", "de_DE" };
	const char	  *lang;
	char		   code[512];
	size_t		   n, k = 0;
	kaeru_explanation  e, e2;
	kaeru_explain_iter it;
	kaeru_buf	   b = KAERU_BUF_INIT;
	int		   rc;

	if (size == 0)
		return 0;
	lang = langs[data[0] % 8];
	n = size - 1 < sizeof(code) - 1 ? size - 1 : sizeof(code) - 1;
	memcpy(code, data + 1, n);
	code[n] = '\0';

	rc = kaeru_explain(code, lang, &e);
	if (data[0] % 8 >= 6)
		FUZZ_CHECK(rc == KAERU_EINVAL);
	else if (rc != 0)
		FUZZ_CHECK(rc == KAERU_ENOTFOUND);
	else {
		whole(&e, &b);
		/* The code as normalised is a code too. */
		FUZZ_CHECK(kaeru_explain(e.code, lang, &e2) == 0);
		whole(&e2, &b);
	}
	if (rc != KAERU_EINVAL) {
		kaeru_explain_iter_init(&it, lang, code);
		/* The whole registry (code "") is hundreds of entries: JSON for a few. */
		while ((rc = kaeru_explain_next(&it, &e)) == 1) {
			whole(&e, k < 8 ? &b : NULL);
			FUZZ_CHECK(++k < 10000);
		}
		FUZZ_CHECK(rc == 0);
	}
	kaeru_buf_dispose(&b);
	return 0;
}

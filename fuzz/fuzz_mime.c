/*
 * NAME
 *	fuzz_mime - km_parse(): newlines, headers, the MIME walk, flat text
 * DESCRIPTION
 *	Checks the promises of message.h: the flat text is NUL-terminated
 *	LF text without CR or NUL, every section lies inside it, decoded
 *	header values are valid UTF-8, the returned headers lie inside the
 *	mail.
 */
#include "fuzz.h"

#include "lib/mime/message.h"
#include "util/codec.h"

static kcharset *cs;
static karena	 arena;
static kstr	 flat;
static kstr	 scratch[3];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct klimits lim = { 1 << 20, 12, 200, 8192, 256 << 10 };
	struct kmsg m;
	const char *v;
	unsigned    i;
	size_t	    k;

	if (cs == NULL) {
		cs = kcs_new();
		ka_init(&arena, 0);
		ks_init(&flat);
	}
	ka_reset(&arena);
	memset(&m, 0, sizeof(m));
	m.a = &arena;
	m.cs = cs;
	m.lim = &lim;
	m.flat = &flat;
	m.scratch = scratch;
	if (km_parse(&m, (const char *)data, size) != 0)
		return 0;
	FUZZ_CHECK(flat.len == 0 || flat.p[flat.len] == '\0');
	FUZZ_CHECK(flat.len <= lim.max_decoded + 4096);
	FUZZ_CHECK(memchr(ks_str(&flat), '\r', flat.len) == NULL);
	FUZZ_CHECK(strlen(ks_str(&flat)) == flat.len);
	FUZZ_CHECK(m.nsect <= KM_MAX_SECTS);
	for (i = 0; i < m.nsect; i++)
		FUZZ_CHECK(m.sect[i].off + m.sect[i].len <= flat.len);
	for (k = 0; k < m.hdr.n; k++) {
		const struct khdr *h = &m.hdr.v[k];
		FUZZ_CHECK(h->name >= m.raw && h->val + h->vlen <= m.raw + m.rawlen);
	}
	if (m.orig != NULL)
		FUZZ_CHECK(m.origlen <= lim.max_decoded + size);
	v = kh_get_decoded(&m, &m.hdr, "subject");
	FUZZ_CHECK(v != NULL && kc_utf8_valid(v, strlen(v)));
	v = kh_get_decoded(&m, &m.hdr, "from");
	FUZZ_CHECK(v != NULL && kc_utf8_valid(v, strlen(v)));
	if (m.orig != NULL) {
		v = kh_get_decoded(&m, &m.orighdr, "subject");
		FUZZ_CHECK(v != NULL && kc_utf8_valid(v, strlen(v)));
	}
	return 0;
}

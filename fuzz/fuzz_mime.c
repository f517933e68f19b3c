/*
 * NAME
 *	fuzz_mime - km_parse(): newlines, headers, the MIME walk, flat text
 * DESCRIPTION
 *	Checks the promises of message.h: the flat text is NUL-terminated
 *	LF text without CR or NUL, every section lies inside it, decoded
 *	header values are valid UTF-8, the returned headers lie inside the
 *	mail. Then the mail goes through the elider (mail/elide.c) in a
 *	window of 64 to 1084 bytes, as the reader's skip_attachments reads
 *	it, and km_parse() of what it keeps must give the same flat text,
 *	sections and returned headers.
 */
#include "fuzz.h"

#include "lib/mail/elide.h"
#include "lib/mime/message.h"
#include "util/codec.h"

#include <stdlib.h>

static kcharset *cs;
static karena	 arena;
static kstr	 flat;
static kstr	 scratch[3];
static kstr	 flat2, kept;
static const struct klimits lim = { 1 << 20, 12, 200, 8192, 256 << 10, 10000 };
static struct kelide el;
static char	*win;

#define WIN_MAX 1084

/* elide - data through the elider as the reader streams it, into kept */
static void
elide(const uint8_t *data, size_t size, size_t w)
{
	struct kel_mem src = { (const char *)data, size };

	ks_clear(&kept);
	kel_stream(&el, &kept, win, w, kel_mem_fill, &src);
}

/* msg - a kmsg for km_parse() that writes its flat text to fl */
static void
msg(struct kmsg *m, kstr *fl)
{
	memset(m, 0, sizeof(*m));
	m->a = &arena;
	m->cs = cs;
	m->lim = &lim;
	m->flat = fl;
	m->scratch = scratch;
}

/* same_hdrs - two header indexes with the same fields */
static int
same_hdrs(const struct khdrs *a, const struct khdrs *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].nlen != b->v[i].nlen || a->v[i].vlen != b->v[i].vlen ||
		    memcmp(a->v[i].name, b->v[i].name, a->v[i].nlen) != 0 ||
		    memcmp(a->v[i].val, b->v[i].val, a->v[i].vlen) != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmsg m;
	const char *v;
	unsigned    i;
	size_t	    k;

	if (cs == NULL) {
		cs = kcs_new();
		ka_init(&arena, 0);
		ks_init(&flat);
		kel_init(&el, lim.max_header_len);
		if ((win = malloc(WIN_MAX)) == NULL)
			abort();
	}
	ka_reset(&arena);
	msg(&m, &flat);
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

	/* What the elider keeps reads the same. */
	elide(data, size, 64 + (size > 0 ? data[size / 2] * 4u : 0));
	FUZZ_CHECK(kept.len + el.elided <= size);
	if (el.elided > 0) {
		/* m stays as it was: m2 has a flat text of its own. */
		struct kmsg m2;

		msg(&m2, &flat2);
		FUZZ_CHECK(km_parse(&m2, ks_str(&kept), kept.len) == 0);
		FUZZ_CHECK(flat2.len == flat.len && memcmp(ks_str(&flat2), ks_str(&flat), flat.len) == 0);
		FUZZ_CHECK(m2.nsect == m.nsect && m2.truncated == m.truncated && m2.nparts == m.nparts);
		for (i = 0; i < m.nsect && i < KM_MAX_SECTS; i++)
			FUZZ_CHECK(m2.sect[i].off == m.sect[i].off && m2.sect[i].len == m.sect[i].len &&
			    m2.sect[i].type == m.sect[i].type);
		FUZZ_CHECK((m2.orig != NULL) == (m.orig != NULL));
		if (m.orig != NULL)
			FUZZ_CHECK(same_hdrs(&m.orighdr, &m2.orighdr));
	}
	return 0;
}

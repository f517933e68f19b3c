/*
 * NAME
 *	header - RFC 5322 header fields and RFC 2047 encoded words
 * DESCRIPTION
 *	kh_parse() indexes a header block in one pass without copying: each
 *	field is a name slice and a raw value slice that still holds its
 *	folding. Values are unfolded or decoded only when a caller asks, into
 *	the arena. A line that is neither a field nor a continuation ends the
 *	header block, as does an empty line; a field longer than the limit is
 *	cut and the mail marked truncated.
 */
#include "message.h"
#include "../../util/codec.h"

#include <stdlib.h>

/*
 * Fields are keyed by kh_name_key() (message.h): length, first and last
 * letter of the name, any case. Cheap to make at parse time and at
 * lookup; it tells almost every pair of real field names apart, and the
 * names are compared anyway.
 */

/* slot_of - home slot of a key in a khdrs table */
static unsigned
slot_of(uint32_t key)
{
	return (key * 2654435761u) >> 25;	/* 7 bits: KH_SLOTS */
}

/*
 * index_fields - fill the lookup table: each name's first field
 *	Open addressing; a header block of more than KH_SLOTS / 2 fields is
 *	searched linearly instead.
 */
static void
index_fields(struct khdrs *h)
{
	size_t i;

	memset(h->slot, 0, sizeof(h->slot));
	if (h->n > KH_SLOTS / 2)
		return;
	for (i = 0; i < h->n; i++) {
		const struct khdr *f = &h->v[i];
		unsigned	   s = slot_of(f->key);

		for (;; s = (s + 1) % KH_SLOTS) {
			const struct khdr *g;
			if (h->slot[s] == 0) {
				h->slot[s] = (uint16_t)(i + 1);
				break;
			}
			g = &h->v[h->slot[s] - 1];
			if (g->key == f->key && g->nlen == f->nlen && k_memeq_ci(g->name, f->name, f->nlen))
				break;	/* an earlier field of the same name holds the slot */
		}
	}
}

/*
 * kh_bigrams - the set of adjacent byte pairs of a short lower-case text
 *	A 512-bit sketch: a needle whose first pair is not in it cannot
 *	occur in the text, which settles most of the decoders' subject and
 *	From tests without a search.
 */
void
kh_bigrams(const char *lc, size_t n, uint64_t set[8])
{
	size_t i;

	memset(set, 0, 8 * sizeof(set[0]));
	for (i = 0; i + 1 < n; i++) {
		unsigned k = KH_BIGRAM((unsigned char)lc[i], (unsigned char)lc[i + 1]);
		set[k >> 6] |= (uint64_t)1 << (k & 63);
	}
}

/* push - append one field, doubling the array in the arena */
static int
push(karena *a, struct khdrs *h, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 32;
		struct khdr *nv = ka_grow(a, h->v, h->n * sizeof(*nv), ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		h->v = nv;
		h->cap = ncap;
	}
	h->v[h->n].name = name;
	h->v[h->n].nlen = (uint32_t)nlen;
	h->v[h->n].val = val;
	h->v[h->n].vlen = (uint32_t)vlen;
	h->v[h->n].key = kh_name_key(name, nlen);
	h->v[h->n].unfolded = NULL;
	h->v[h->n].decoded = NULL;
	h->n++;
	return 0;
}

/*
 * field_name_len - kh_field_name_len(), inline for parse_fields(): it
 *	runs once per line of every header block
 */
static inline size_t
field_name_len(const char *p, size_t n)
{
	/* RFC 5322 ftext: printable ASCII but the colon */
#define R4(c) F(c) F(c + 1) F(c + 2) F(c + 3)
#define R16(c) R4(c) R4(c + 4) R4(c + 8) R4(c + 12)
#define F(c) ((c) > ' ' && (c) < 127 && (c) != ':'),
	static const unsigned char ftext[256] = {
		R16(0) R16(16) R16(32) R16(48) R16(64) R16(80) R16(96) R16(112)
	};
#undef F
#undef R16
#undef R4
	size_t i = 0;

#if defined(__SSE2__)
	/* Sixteen at a time: ftext is 0x21..0x7e but ':' (signed compares put 0x80.. below). */
	while (i + 16 <= n) {
		__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i	 ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')),
		    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(' ')), _mm_cmplt_epi8(x, _mm_set1_epi8(127))));
		unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xffff;
		if (bad != 0) {
			i += (size_t)__builtin_ctz(bad);
			goto stop;
		}
		i += 16;
	}
#endif
	while (i < n && ftext[(unsigned char)p[i]])
		i++;
#if defined(__SSE2__)
stop:
#endif
	if (i == 0 || i == n || p[i] != ':')
		return 0;
	return i;
}

/* kh_field_name_len - length of "Name" when the line starts "Name:", else 0 */
size_t
kh_field_name_len(const char *p, size_t n)
{
	return field_name_len(p, n);
}

/*
 * kh_parse - index the header block at p[0..n)
 *	*bodyoff receives the offset of the body (after the empty line), or
 *	n when the block runs to the end. Returns -1 on ENOMEM.
 */
static int
parse_fields(karena *a, const char *p, size_t n, size_t maxlen,
    struct khdrs *out, size_t *bodyoff, unsigned *truncated)
{
	const char *cur = p, *end = p + n;

	out->v = NULL;
	out->n = out->cap = 0;
	while (cur < end) {
		const char *nl = k_find_nl(cur, (size_t)(end - cur));
		const char *lend = nl ? nl : end;
		size_t	    llen = (size_t)(lend - cur), nlen;
		const char *v, *vend;

		if (llen == 0) {
			*bodyoff = (size_t)(lend - p) + (nl ? 1 : 0);
			return 0;
		}
		if ((nlen = field_name_len(cur, llen)) == 0) {
			/* Not a field: the header block ended without a blank line. */
			if (k_isblank((unsigned char)*cur) && out->n > 0) {
				/* Continuation of a field we cut: skip. */
				cur = nl ? nl + 1 : end;
				continue;
			}
			*bodyoff = (size_t)(cur - p);
			return 0;
		}
		v = cur + nlen + 1;
		/* Extend over continuation lines. */
		vend = lend;
		while (nl != NULL && nl + 1 < end && k_isblank((unsigned char)nl[1])) {
			const char *nn = k_find_nl(nl + 1, (size_t)(end - nl - 1));
			/* A line of blanks only is a continuation too. */
			vend = nn ? nn : end;
			nl = nn;
		}
		{
			size_t vlen = (size_t)(vend - v);
			size_t nl2 = nlen;
			if (vlen > maxlen) {
				vlen = maxlen;
				*truncated = 1;
			}
			if (vlen > UINT32_MAX)
				vlen = UINT32_MAX;
			if (push(a, out, cur, nl2, v, vlen) != 0)
				return -1;
		}
		cur = nl ? nl + 1 : end;
	}
	*bodyoff = n;
	return 0;
}

int
kh_parse(karena *a, const char *p, size_t n, size_t maxlen,
    struct khdrs *out, size_t *bodyoff, unsigned *truncated)
{
	if (parse_fields(a, p, n, maxlen, out, bodyoff, truncated) != 0)
		return -1;
	index_fields(out);
	return 0;
}

/* name_eq - case-insensitive compare of a field name with z (key zk) */
static int
name_eq(const struct khdr *f, const char *z, size_t zn, uint32_t zk)
{
	return f->key == zk && f->nlen == zn && k_memeq_ci(f->name, z, zn);
}

/* kh_find_n - first field called name (zn bytes, key zk), or NULL */
const struct khdr *
kh_find_n(const struct khdrs *h, const char *name, size_t zn, uint32_t zk)
{
	unsigned s;

	if (h->n > KH_SLOTS / 2)
		return kh_find_next_n(h, NULL, name, zn, zk);
	for (s = slot_of(zk); h->slot[s] != 0; s = (s + 1) % KH_SLOTS) {
		const struct khdr *f = &h->v[h->slot[s] - 1];
		if (name_eq(f, name, zn, zk))
			return f;
	}
	return NULL;
}

/* kh_find_next_n - next field called name (zn bytes, key zk) after the given one, or NULL */
const struct khdr *
kh_find_next_n(const struct khdrs *h, const struct khdr *after, const char *name, size_t zn, uint32_t zk)
{
	size_t i = after ? (size_t)(after - h->v) + 1 : 0;

	for (; i < h->n; i++)
		if (name_eq(&h->v[i], name, zn, zk))
			return &h->v[i];
	return NULL;
}

/* kh_count - number of fields called name */
size_t
kh_count(const struct khdrs *h, const char *name)
{
	size_t	 i, c = 0, zn = strlen(name);
	uint32_t zk = kh_name_key(name, zn);

	for (i = 0; i < h->n; i++)
		if (name_eq(&h->v[i], name, zn, zk))
			c++;
	return c;
}

/*
 * kh_unfold - NUL-terminated value: folds become one space, runs of
 *	blanks collapse, both ends trimmed. In the arena; NULL on ENOMEM.
 */
char *
kh_unfold(karena *a, const char *v, size_t n)
{
	char  *o, *q;
	size_t i;
	int    sp = 0;

	k_trim(&v, &n);
	if ((o = ka_alloc(a, n + 1)) == NULL)
		return NULL;
	q = o;
	for (i = 0; i < n; i++) {
		char c;
#if defined(__SSE2__)
		/*
		 * Sixteen bytes with no fold, no tab and no two blanks in a
		 * row (none at the end, where the next bytes could add one)
		 * are copied as they are.
		 */
		while (!sp && i + 16 <= n) {
			__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
			unsigned ws = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
			unsigned sps = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
			if (ws != 0 || (sps & (sps >> 1)) != 0 || (sps & 0x8000) != 0)
				break;
			_mm_storeu_si128((__m128i *)(void *)q, x);
			q += 16;
			i += 16;
		}
		/*
		 * The last bytes (under sixteen) the same way, from the sixteen
		 * that end the value, the ones already copied shifted out. The
		 * byte before them is no blank (sp is clear), and the value is
		 * trimmed, so it does not end in one.
		 */
		if (!sp && i + 16 > n && n >= 16 && i < n) {
			__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(v + n - 16));
			unsigned sh = (unsigned)(16 - (n - i));
			unsigned ws = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')))) >> sh;
			unsigned sps = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))) >> sh;
			if (ws == 0 && (sps & (sps >> 1)) == 0) {
				memcpy(q, v + i, n - i);
				q += n - i;
				break;
			}
		}
		if (i >= n)
			break;
#endif
		c = v[i];
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			sp = 1;
			continue;
		}
		if (sp && q != o)
			*q++ = ' ';
		sp = 0;
		*q++ = c;
	}
	*q = '\0';
	return o;
}

/*
 * memo - the field as a writable entry
 *	The index lives in the message's arena and belongs to the message;
 *	kh_get() and kh_get_decoded() memoise their answers in it, which
 *	does not change what any lookup returns.
 */
static struct khdr *
memo(const struct khdrs *h, const struct khdr *f)
{
	return &((struct khdr *)h->v)[f - h->v];
}

/* kh_field_get - unfolded raw value of field f of h (NULL: none), or "" */
const char *
kh_field_get(struct kmsg *m, const struct khdrs *h, const struct khdr *f)
{
	struct khdr *w;

	if (f == NULL)
		return "";
	w = memo(h, f);
	if (w->unfolded == NULL)
		w->unfolded = kh_unfold(m->a, f->val, f->vlen);
	return w->unfolded ? w->unfolded : "";
}

/* kh_field_get_decoded - field f's value with encoded words decoded to UTF-8, or "" */
const char *
kh_field_get_decoded(struct kmsg *m, const struct khdrs *h, const struct khdr *f)
{
	struct khdr *w;
	kstr	     s = KSTR_INIT;
	const char  *v;
	size_t	     vn;

	if (f == NULL)
		return "";
	w = memo(h, f);
	if (w->decoded != NULL)
		return w->decoded;
	v = kh_field_get(m, h, f);
	vn = strlen(v);
	if (kc_is_plain(v, vn, '=')) {
		/* Plain ASCII, no encoded word: the unfolded value is the answer. */
		w->decoded = (char *)v;
		return v;
	}
	kh_decode_words(m->cs, v, vn, &s);
	w->decoded = ks_ok(&s) ? ka_strndup(m->a, ks_str(&s), s.len) : NULL;
	ks_dispose(&s);
	return w->decoded ? w->decoded : "";
}

/*
 * parse_word - recognise "=?charset?E?text?=" at s[0..n); fills the
 *	parts and returns its length, or 0 when s does not start one.
 */
static size_t
parse_word(const char *s, size_t n, const char **cs, size_t *csn, int *enc,
    const char **tx, size_t *txn)
{
	size_t i = 2, j;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (j = i; j < n && s[j] != '?'; j++)
		if (s[j] == ' ' || s[j] == '\n')
			return 0;
	if (j + 3 >= n || j == i)
		return 0;
	*cs = s + i;
	*csn = j - i;
	/* RFC 2231 language suffix: charset*lang */
	{
		const char *star = memchr(*cs, '*', *csn);
		if (star != NULL)
			*csn = (size_t)(star - *cs);
	}
	*enc = k_lower((unsigned char)s[j + 1]);
	if ((*enc != 'b' && *enc != 'q') || s[j + 2] != '?')
		return 0;
	i = j + 3;
	for (j = i; j + 1 < n; j++) {
		if (s[j] == '?' && s[j + 1] == '=')
			break;
		if (s[j] == '\n')
			return 0;
	}
	if (j + 1 >= n)
		return 0;
	*tx = s + i;
	*txn = j - i;
	return j + 2;
}

/* flush - convert pending raw bytes of one charset and append */
static void
flush(kcharset *cs, const char *charset, size_t csn, kstr *raw, kstr *out)
{
	if (raw->len == 0)
		return;
	kcs_to_utf8(cs, charset, csn, raw->p, raw->len, out);
	ks_clear(raw);
}

/*
 * kh_decode_words - decode RFC 2047 encoded words in s[0..n), appending
 *	UTF-8 to out. Blanks between adjacent encoded words are dropped, and
 *	adjacent words in one charset are joined before conversion so that a
 *	multibyte character split across two words survives. Text outside
 *	encoded words that is not UTF-8 is converted from a guessed charset.
 */
void
kh_decode_words(kcharset *cs, const char *s, size_t n, kstr *out)
{
	kstr	    raw = KSTR_INIT;
	const char *pcs = NULL;
	size_t	    pcsn = 0, i = 0, plain = 0;
	int	    prev_word = 0;

	if (memchr(s, '=', n) == NULL) {
		kcs_to_utf8(cs, "utf-8", 5, s, n, out);
		return;
	}
	while (i < n) {
		const char *c, *t;
		size_t	    cn, tn, wl, k;
		int	    enc, blank = 1;

		if (s[i] != '=' || (wl = parse_word(s + i, n - i, &c, &cn, &enc, &t, &tn)) == 0) {
			i++;
			continue;
		}
		for (k = plain; k < i && blank; k++)
			blank = k_isspace((unsigned char)s[k]);
		if (!(prev_word && blank)) {
			/* Text between words is kept, in its own right. */
			flush(cs, pcs, pcsn, &raw, out);
			if (i > plain)
				kcs_to_utf8(cs, "utf-8", 5, s + plain, i - plain, out);
		}
		if (pcs != NULL && (pcsn != cn || !k_strncaseeq(pcs, c, cn)))
			flush(cs, pcs, pcsn, &raw, out);
		pcs = c;
		pcsn = cn;
		if (enc == 'b')
			kc_base64_decode(&raw, t, tn);
		else
			kc_qp_decode(&raw, t, tn, 1);
		i += wl;
		plain = i;
		prev_word = 1;
	}
	flush(cs, pcs, pcsn, &raw, out);
	if (plain < n)
		kcs_to_utf8(cs, "utf-8", 5, s + plain, n - plain, out);
	ks_dispose(&raw);
}

/* kh_media_type - "type/subtype" in lower case into buf ("" if none) */
void
kh_media_type(const char *v, size_t n, char *buf, size_t bufsize)
{
	size_t i = 0, j = 0;

	while (i < n && k_isspace((unsigned char)v[i]))
		i++;
	for (; i < n && j + 1 < bufsize; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == ';' || k_isspace(c) || c == '"')
			break;
		buf[j++] = (char)k_lower(c);
	}
	buf[j] = '\0';
	if (memchr(buf, '/', j) == NULL)
		buf[0] = '\0';
}

/*
 * kh_param - find parameter name in a Content-Type style value
 *	*val points into v (unquoted slice) or into the arena when the value
 *	had escapes. Returns 1 when found.
 */
int
kh_param(const char *v, size_t n, const char *name, const char **val,
    size_t *vlen, karena *a)
{
	size_t zn = strlen(name), i = 0;

	/* Skip the media type. */
	while (i < n && v[i] != ';')
		i++;
	while (i < n) {
		size_t ks, ke;

		i++;				/* past ';' */
		while (i < n && (k_isspace((unsigned char)v[i]) || v[i] == ';'))
			i++;
		ks = i;
		while (i < n && v[i] != '=' && v[i] != ';' && !k_isspace((unsigned char)v[i]))
			i++;
		ke = i;
		while (i < n && k_isspace((unsigned char)v[i]))
			i++;
		if (i >= n || v[i] != '=') {
			while (i < n && v[i] != ';')
				i++;
			continue;
		}
		i++;
		while (i < n && k_isspace((unsigned char)v[i]))
			i++;
		{
			int match = (ke - ks == zn && k_strncaseeq(v + ks, name, zn)) ||
			    (ke - ks == zn + 1 && k_strncaseeq(v + ks, name, zn) && v[ks + zn] == '*') ||
			    (ke - ks == zn + 2 && k_strncaseeq(v + ks, name, zn) && v[ks + zn] == '*' && v[ks + zn + 1] == '0');

			if (i < n && v[i] == '"') {
				size_t s0 = ++i;
				int    esc = 0;
				while (i < n && v[i] != '"') {
					if (v[i] == '\\' && i + 1 < n) {
						esc = 1;
						i++;
					}
					i++;
				}
				if (match) {
					if (!esc || a == NULL) {
						*val = v + s0;
						*vlen = i - s0;
					} else {
						char  *o = ka_alloc(a, i - s0 + 1);
						size_t k, m = 0;
						if (o == NULL)
							return 0;
						for (k = s0; k < i; k++) {
							if (v[k] == '\\' && k + 1 < i)
								k++;
							o[m++] = v[k];
						}
						o[m] = '\0';
						*val = o;
						*vlen = m;
					}
					return 1;
				}
				if (i < n)
					i++;
			} else {
				size_t s0 = i;
				while (i < n && v[i] != ';' && !k_isspace((unsigned char)v[i]))
					i++;
				if (match) {
					*val = v + s0;
					*vlen = i - s0;
					/* RFC 2231 charset'lang'value: keep the value */
					if (v[ks + zn] == '*' && *vlen > 0) {
						const char *q = memchr(*val, '\'', *vlen);
						if (q && (q = memchr(q + 1, '\'', *vlen - (size_t)(q + 1 - *val))) != NULL) {
							*vlen -= (size_t)(q + 1 - *val);
							*val = q + 1;
						}
					}
					return 1;
				}
			}
		}
		while (i < n && v[i] != ';')
			i++;
	}
	return 0;
}

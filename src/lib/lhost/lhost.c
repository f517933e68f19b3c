/*
 * NAME
 *	lhost - the decoder dispatcher and the helpers decoders share
 * DESCRIPTION
 *	lhost_decode() tries the families whose subject patterns match the
 *	mail first (order.c), then every family in the order of
 *	lhost_list.h, then the standard readers: RFC 3464 reports, ARF
 *	feedback reports, RFC 3834 auto-replies, and last the generic reader
 *	for MTAs nobody has written a decoder for. The first that returns
 *	records wins. Each decoder checks cheap header facts before it reads
 *	the body, so that a miss costs little.
 */
#include "lhost.h"

#include <stdlib.h>

/*
 * The memos of lh_fill_codes() and lh_phrase() copy the texts they keep up
 * to LH_MEMO_MAX bytes. A longer text (a notice that thousands of records
 * share) is kept by its address, length and a 64-bit hash of its bytes,
 * so that it is neither copied once per record nor read again in full.
 */
#define LH_MEMO_MAX 4096

/* text_hash - a 64-bit hash of s[0..n), eight bytes a step; never 0 */
static uint64_t
text_hash(const char *s, size_t n)
{
	const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
	uint64_t       h = (uint64_t)n * k, w;
	size_t	       i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * k;
	return (h ^ (h >> 32)) | 1;
}

/*
 * memo_same - is s[0..n) the text of a memo entry (copy text, or address
 *	at and hash for a long one, len bytes); *h caches s's hash (0: not
 *	yet computed)
 */
static int
memo_same(const char *text, const char *at, uint64_t hash, size_t len, const char *s, size_t n, uint64_t *h)
{
	if (len != n)
		return 0;
	if (text != NULL)
		return memcmp(text, s, n) == 0;
	if (at == NULL || at != s)
		return 0;
	if (*h == 0)
		*h = text_hash(s, n);
	return hash == *h;
}

/*
 * memo_keep - fill a memo entry's text, at and hash for s[0..n): a copy,
 *	or for a long text its address and hash (h when already computed)
 */
static void
memo_keep(struct kmsg *m, const char **text, const char **at, uint64_t *hash,
    const char *s, size_t n, uint64_t h)
{
	if (n > LH_MEMO_MAX) {
		*text = NULL;
		*at = s;
		*hash = h != 0 ? h : text_hash(s, n);
	} else {
		*text = ka_strndup(m->a, s, n);
		*at = NULL;
	}
}

/* text_len - the bytes of a record's text that count (km_text_cap, as kf_build) */
static size_t
text_len(const struct kmsg *m, const char *s)
{
	return strnlen(s, km_text_cap(m->lim));
}

#define KAERU_LHOST(x) extern const struct klhost lhost_##x;
#include "lhost_list.h"
#undef KAERU_LHOST

static const struct klhost *const families[] = {
#define KAERU_LHOST(x) &lhost_##x,
#include "lhost_list.h"
#undef KAERU_LHOST
};

#define NFAMILY (sizeof(families) / sizeof(families[0]))

/* Standard readers, tried after the families (rfc/ and generic.c). */
extern const struct klhost lhost_rfc3464;
extern const struct klhost lhost_arf;
extern const struct klhost lhost_rfc3834;
extern const struct klhost lhost_generic;

static const struct klhost *const standards[] = {
	&lhost_rfc3464, &lhost_arf, &lhost_rfc3834, &lhost_generic,
};

/* mda.c */
int	mda_apply(struct kmsg *m, struct kbounce *b);

/* attempt - run one decoder on a clean kbounce; >0 when it decoded */
static int
attempt(const struct klhost *l, struct kmsg *m, struct kbounce *b)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->kind = KAERU_KIND_BOUNCE;
	r = l->decode(m, b);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	kb_drop_empty(b);
	if (b->n == 0)
		return 0;
	if (b->overflow)
		m->truncated = 1;	/* recipients past max_records were left out */
	if (b->decodedby == NULL)
		b->decodedby = l->name;
	/* A family decoder knows its MTA's wrapping; a standard reader does not. */
	if ((l == &lhost_rfc3464 || l == &lhost_generic) && mda_apply(m, b) < 0)
		return -1;
	return 1;
}

/*
 * lhost_decode - find the decoder that reads this mail
 *	Returns 1 with b filled, 0 when no decoder recognised the mail, -1
 *	on ENOMEM.
 */
int
lhost_decode(struct kmsg *m, struct kbounce *b)
{
	const struct klhost *first[16];
	unsigned char tried[NFAMILY > 0 ? NFAMILY : 1];
	int	    nfirst, i, r;
	size_t	    k;

	memset(tried, 0, sizeof(tried));
	nfirst = m->only_standard ? 0 : lhost_order(m, first, 16);
	for (i = 0; i < nfirst; i++) {
		const struct klhost *l = first[i];
		for (k = 0; k < NFAMILY; k++)
			if (families[k] == l) {
				tried[k] = 1;
				break;
			}
		if ((r = attempt(l, m, b)) != 0)
			return r;
	}
	/*
	 * An RFC 5965 report says so in its media type: the ARF reader takes
	 * it before the families that do not name themselves.
	 */
	if (!m->only_standard && m->ctype != NULL && strstr(m->ctype, "multipart/report") != NULL) {
		const char *ct = lh_header(m, "content-type");
		if (k_strstr_ci(ct, strlen(ct), "feedback-report") != NULL && (r = attempt(&lhost_arf, m, b)) != 0)
			return r;
	}
	for (k = 0; k < NFAMILY && !m->only_standard; k++) {
		if (tried[k])
			continue;
		if ((r = attempt(families[k], m, b)) != 0)
			return r;
	}
	for (k = 0; k < sizeof(standards) / sizeof(standards[0]); k++)
		if ((r = attempt(standards[k], m, b)) != 0)
			return r;
	memset(b, 0, sizeof(*b));
	return 0;
}

/*
 * lc_has - does a lower-cased text hold needle, in any case
 *	Decoders ask this of the subject and From dozens of times per mail;
 *	the text is lowered once by the parser and the needle here, so the
 *	search is one memmem.
 */
static int
lc_has_n(const char *lc, size_t n, const uint64_t bi[8], const char *needle, size_t k)
{
	size_t	    j, h;
	const char *p = lc, *end;
	int	    c0;

	if (lc == NULL || k > n)
		return 0;
	/* Its first, middle and last pairs must all be in the text. */
	if (k >= 2) {
		h = k / 2 - (k >= 3);
		if (!kh_bigram_in(bi, k_lower((unsigned char)needle[0]), k_lower((unsigned char)needle[1])) ||
		    !kh_bigram_in(bi, k_lower((unsigned char)needle[k - 2]), k_lower((unsigned char)needle[k - 1])) ||
		    !kh_bigram_in(bi, k_lower((unsigned char)needle[h]), k_lower((unsigned char)needle[h + 1])))
			return 0;
	}
	if (k == 0)
		return 1;
	c0 = k_lower((unsigned char)needle[0]);
	end = lc + n - k + 1;
	while (p < end && (p = memchr(p, c0, (size_t)(end - p))) != NULL) {
		for (j = 1; j < k && (unsigned char)p[j] == k_lower((unsigned char)needle[j]); j++)
			;
		if (j == k)
			return 1;
		p++;
	}
	return 0;
}

static int
lc_has(const char *lc, size_t n, const uint64_t bi[8], const char *needle)
{
	return lc_has_n(lc, n, bi, needle, strlen(needle));
}

/* lh_subject_has_n - lh_subject_has() with the needle's length known */
int
lh_subject_has_n(const struct kmsg *m, const char *needle, size_t k)
{
	return lc_has_n(m->subject_lc, m->subject_len, m->subject_bi, needle, k);
}

/*
 * lh_prepare_tests - the lower-cased copies of m->subject and m->from and
 *	their bigram sketches, which the subject and From tests read; the
 *	parser and the generic reader's nested mail both call it once the
 *	two are set. Returns -1 on ENOMEM.
 */
int
lh_prepare_tests(struct kmsg *m)
{
	char *sl = ka_strdup(m->a, m->subject), *fl = ka_strdup(m->a, m->from);

	if (sl == NULL || fl == NULL)
		return -1;
	m->subject_len = strlen(sl);
	m->from_len = strlen(fl);
	k_lowercase(sl, m->subject_len);
	k_lowercase(fl, m->from_len);
	m->subject_lc = sl;
	m->from_lc = fl;
	kh_bigrams(sl, m->subject_len, m->subject_bi);
	kh_bigrams(fl, m->from_len, m->from_bi);
	return 0;
}

/* lh_subject_has - case-insensitive substring test on the decoded subject */
int
(lh_subject_has)(const struct kmsg *m, const char *needle)
{
	return lc_has(m->subject_lc, m->subject_len, m->subject_bi, needle);
}

/* lh_subject_starts - case-insensitive prefix test (after blanks) */
int
lh_subject_starts(const struct kmsg *m, const char *prefix)
{
	const char *s = m->subject;

	if (s == NULL)
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	return k_startswith_ci(s, strlen(s), prefix);
}

/* lh_from_has - case-insensitive substring test on the decoded From */
int
(lh_from_has)(const struct kmsg *m, const char *needle)
{
	return lc_has(m->from_lc, m->from_len, m->from_bi, needle);
}

/* lh_from_has_n - lh_from_has() with the needle's length known */
int
lh_from_has_n(const struct kmsg *m, const char *needle, size_t k)
{
	return lc_has_n(m->from_lc, m->from_len, m->from_bi, needle, k);
}

/* lh_flat - the whole flat text */
const char *
lh_flat(const struct kmsg *m, size_t *n)
{
	*n = m->flat->len;
	return ks_str(m->flat);
}

/* lh_notice - the flat text before the returned message */
void
lh_notice(const struct kmsg *m, const char **p, size_t *n)
{
	*p = ks_str(m->flat);
	*n = m->rfc822_off != SIZE_MAX ? m->rfc822_off : m->flat->len;
}

/* lh_find - case-sensitive substring search */
const char *
lh_find(const char *p, size_t n, const char *needle)
{
	return k_memmem(p, n, needle, strlen(needle));
}

/* line_start - first place prefix starts a line of p[0..n), in any case with ci */
static const char *
line_start(const char *p, size_t n, const char *prefix, int ci)
{
	size_t	    pn = strlen(prefix);
	const char *q = p, *end = p + n;

	while (q < end) {
		const char *h = ci ? k_memmem_ci(q, (size_t)(end - q), prefix, pn) :
		    k_memmem(q, (size_t)(end - q), prefix, pn);
		if (h == NULL)
			return NULL;
		if (h == p || h[-1] == '\n')
			return h;
		q = h + 1;
	}
	return NULL;
}

/* lh_find_line - first line that starts with prefix; returns the line */
const char *
lh_find_line(const char *p, size_t n, const char *prefix)
{
	return line_start(p, n, prefix, 0);
}

/*
 * lh_find_field - first line that starts with the field name, in any
 *	case ("final-recipient:" is "Final-Recipient:"); returns the line
 */
const char *
lh_find_field(const char *p, size_t n, const char *name)
{
	return line_start(p, n, name, 1);
}

/* lh_line_has - case-insensitive substring test on one line */
int
lh_line_has(const char *line, size_t len, const char *needle)
{
	return k_strstr_ci(line, len, needle) != NULL;
}

/*
 * lh_talking_to - does the line open a session of sendmail's transcript:
 *	"While talking to host:" (V5), "... while talking to host.:" (8.x)
 */
int
lh_talking_to(const char *line, size_t len)
{
	while (len > 0 && (*line == '.' || k_isblank((unsigned char)*line)))
		line++, len--;
	return k_startswith_ci(line, len, "while talking to ");
}

/*
 * lh_orig_at - take p[0..n) of the flat text as the returned message's
 *	header block (unless the MIME walk already found one)
 */
int
lh_orig_at(struct kmsg *m, const char *p, size_t n)
{
	size_t	 bo;
	unsigned tr = 0;
	struct khdrs h;

	if (m->orig != NULL)
		return 1;
	while (n > 0 && (*p == '\n' || *p == ' '))
		p++, n--;
	if (kh_parse(m->a, p, n, m->lim->max_header_len, &h, &bo, &tr) != 0 || h.n == 0)
		return 0;
	m->orighdr = h;
	m->orig = p;
	m->origlen = bo;
	return 1;
}

/* lh_orig_after - the returned message starts after the line holding marker */
int
lh_orig_after(struct kmsg *m, const char *marker)
{
	size_t	    n;
	const char *f = lh_flat(m, &n), *h, *nl;

	if ((h = lh_find(f, n, marker)) == NULL)
		return 0;
	if ((nl = memchr(h, '\n', (size_t)(f + n - h))) == NULL)
		return 0;
	if (m->rfc822_off == SIZE_MAX || (size_t)(h - f) < m->rfc822_off)
		m->rfc822_off = (size_t)(h - f);
	return lh_orig_at(m, nl + 1, (size_t)(f + n - nl - 1));
}

/* lh_addr - the address in s, as an arena string, or NULL */
const char *
lh_addr(struct kmsg *m, const char *s, size_t n)
{
	return kb_addr(m, s, n);
}

/* lh_same_addr - case-insensitive equality of two addresses */
int
lh_same_addr(const char *a, const char *b)
{
	size_t an, bn;

	if (a == NULL || b == NULL)
		return 0;
	an = strlen(a);
	bn = strlen(b);
	return an == bn && k_strncaseeq(a, b, an);
}

/* fill - copy src into *dst when dst is unset */
static void
fill(const char **dst, const char *src)
{
	if ((*dst == NULL || **dst == '\0') && src != NULL && *src != '\0')
		*dst = src;
}

/* generic_status - is a code absent or of the form X.0.0 */
static int
generic_status(const char *s)
{
	return s == NULL || s[0] == '\0' || (strlen(s) == 5 && s[2] == '0' && s[4] == '0');
}

/*
 * lh_merge - complete the report's records with what the text said
 *	Each record of dsn takes, from the text record of the same recipient
 *	(or the only text record, when both sides have one), the fields it
 *	lacks; a specific status from the text replaces a generic X.0.0.
 *	With no report records, the text records are used as they are.
 *	Returns the number of records in dsn afterwards.
 */
int
lh_merge(struct kmsg *m, struct kbounce *dsn, const struct kbounce *text)
{
	size_t i, j;

	if (dsn->n == 0) {
		for (j = 0; j < text->n; j++) {
			struct kds *d = kb_add(m, dsn);
			if (d == NULL)
				return -1;
			*d = text->ds[j];
		}
		return (int)dsn->n;
	}
	for (i = 0; i < dsn->n; i++) {
		struct kds	 *d = &dsn->ds[i];
		const struct kds *t = NULL;

		for (j = 0; j < text->n; j++)
			if (lh_same_addr(text->ds[j].recipient, d->recipient) ||
			    lh_same_addr(text->ds[j].recipient, d->alias) ||
			    lh_same_addr(text->ds[j].alias, d->recipient)) {
				t = &text->ds[j];
				break;
			}
		if (t == NULL && text->n == 1 && dsn->n == 1)
			t = &text->ds[0];
		if (t == NULL)
			continue;
		fill(&d->alias, t->alias);
		fill(&d->diagnosis, t->diagnosis);
		fill(&d->command, t->command);
		fill(&d->replycode, t->replycode);
		fill(&d->rhost, t->rhost);
		fill(&d->reason, t->reason);
		fill(&d->spec, t->spec);
		if (generic_status(d->status) && !generic_status(t->status))
			d->status = t->status;
	}
	return (int)dsn->n;
}

/* lh_recipient_from_orig - recipients from the returned message's To: */
void
lh_recipient_from_orig(struct kmsg *m, struct kbounce *b)
{
	const struct khdr *f;
	const char	  *a;

	if (m->orig == NULL || (f = kh_find(&m->orighdr, "to")) == NULL)
		return;
	if ((a = lh_addr(m, f->val, f->vlen)) == NULL)
		return;
	{
		size_t i;
		for (i = 0; i < b->n; i++)
			if (b->ds[i].recipient == NULL)
				b->ds[i].recipient = a;
	}
}

/* lh_fill_codes - status and reply code from the diagnosis when unset */
void
lh_fill_codes(struct kmsg *m, struct kds *d)
{
	char			 st[SMTP_STATUS_MAX], rc[4];
	size_t			 n, k;
	const char		*status_in = d->status, *reply;
	struct kcodes_memo	*e;
	uint64_t		 h = 0;

	if (d->diagnosis == NULL)
		return;
	n = text_len(m, d->diagnosis);
	/* The same text and status as a recent call: the same answers. */
	for (k = 0; k < 4; k++) {
		const struct kcodes_memo *c = &m->codes_memo[k];
		if ((c->status_in == d->status ||
		    (c->status_in != NULL && d->status != NULL && strcmp(c->status_in, d->status) == 0)) &&
		    memo_same(c->text, c->at, c->hash, c->len, d->diagnosis, n, &h)) {
			if (c->status_out != NULL && c->status_out != c->status_src)
				d->status = c->status_out;	/* a code found in the text */
			if (d->replycode == NULL)
				d->replycode = c->reply;
			return;
		}
	}
	if (generic_status(d->status) && smtp_status_find(d->diagnosis, n, st))
		if (!generic_status(st) || d->status == NULL)
			d->status = kb_str(m, st, strlen(st));
	reply = smtp_reply_find(d->diagnosis, n, rc) ? kb_str(m, rc, 3) : NULL;
	if (d->replycode == NULL)
		d->replycode = reply;
	e = &m->codes_memo[m->codes_next++ % 4];
	e->reply = reply;
	memo_keep(m, &e->text, &e->at, &e->hash, d->diagnosis, n, h);
	e->len = n;
	e->status_in = status_in ? ka_strdup(m->a, status_in) : NULL;
	e->status_out = d->status;
	e->status_src = status_in;
}

#include "../reason/phrase.h"
#include "lhost_phrases.inc"

/* squeezed - text[0..n) with each run of white space made one space, in the arena; NULL on ENOMEM */
static const char *
squeezed(struct kmsg *m, const char *text, size_t n, size_t *len)
{
	char *t;

	if ((t = ka_alloc(m->a, n + 1)) == NULL)
		return NULL;
	*len = k_squeeze_ws(t, text, n);
	t[*len] = '\0';
	return t;
}

/* family_index - the index of a family's table in ph_families, or PH_FAMILIES */
static unsigned
family_index(const char *family)
{
	unsigned i;

	for (i = 0; i < PH_FAMILIES; i++)
		if (ph_families[i].family[0] == family[0] && strcmp(ph_families[i].family, family) == 0)
			break;
	return i;
}

/* lh_family_table - a family's phrase table (data/lhost/<family>.txt), or NULL */
const struct ph_automaton *
lh_family_table(const char *family)
{
	unsigned i = family_index(family);

	return i == PH_FAMILIES ? NULL : ph_families[i].a;
}

/*
 * phrase - the reason a family's own table gives a text (its runs of
 *	white space squeezed to one space first when squeeze), or NULL
 *	The memo is keyed by the text as given, so that the records sharing
 *	a notice hit it whether or not it is squeezed.
 */
static const char *
phrase(struct kmsg *m, const char *family, const char *text, int squeeze)
{
	struct ph_result r;
	unsigned	 i, t, best = 0, key;
	int32_t		 bestrule = -1;
	size_t		 n, k, sn;
	const char	*res = NULL, *s;
	uint64_t	 h = 0;

	if (text == NULL || (i = family_index(family)) == PH_FAMILIES)
		return NULL;
	key = i << 1 | (squeeze != 0);
	n = text_len(m, text);
	/* The recipients of one notice often share a text: match it once. */
	for (k = 0; k < 4; k++)
		if (m->phrase_memo[k].family == key && memo_same(m->phrase_memo[k].text, m->phrase_memo[k].at,
		    m->phrase_memo[k].hash, m->phrase_memo[k].len, text, n, &h))
			return m->phrase_memo[k].result;
	s = text;
	sn = n;
	if (squeeze && k_needs_squeeze(text, n) && (s = squeezed(m, text, n, &sn)) == NULL) {
		s = text;	/* out of memory: the text as it is */
		sn = n;
	}
	ph_match(ph_families[i].a, s, sn, &r);
	if (r.tags != 0) {
		for (t = 0; t < PH_MAX_TAGS; t++)
			if (r.rule[t] >= 0 && (bestrule < 0 || r.rule[t] < bestrule)) {
				bestrule = r.rule[t];
				best = t;
			}
		res = kaeru_reason_name((kaeru_reason)best);
	}
	/* A copy: the caller's text may live in a buffer it reuses. */
	k = m->phrase_next++ % 4;
	memo_keep(m, &m->phrase_memo[k].text, &m->phrase_memo[k].at, &m->phrase_memo[k].hash, text, n, h);
	m->phrase_memo[k].len = n;
	m->phrase_memo[k].family = key;
	m->phrase_memo[k].result = res;
	return res;
}

/*
 * lh_phrase - the reason a family's own table gives a text, or NULL
 *	The tables are data/lhost/<family>.txt; when several entries match,
 *	the one written first in the table wins.
 */
const char *
lh_phrase(struct kmsg *m, const char *family, const char *text)
{
	return phrase(m, family, text, 0);
}

/* lh_has_report - does the mail hold a message/delivery-status part */
int
lh_has_report(const struct kmsg *m)
{
	unsigned i;

	for (i = 0; i < m->nsect && i < KM_MAX_SECTS; i++)
		if (m->sect[i].type == KP_DSN)
			return 1;
	return 0;
}

/* lh_quotes_failure - does l[0..n) quote a 4xx or 5xx reply or status code */
int
lh_quotes_failure(const char *l, size_t n)
{
	char st[SMTP_STATUS_MAX], rc[4];

	return (smtp_status_find(l, n, st) && (st[0] == '4' || st[0] == '5')) ||
	    (smtp_reply_find(l, n, rc) && (rc[0] == '4' || rc[0] == '5'));
}

/*
 * field_has - case-insensitive substring test on a top-level field's
 *	value. A field folded where the needle has a blank ("(MAILFOUNDRY)"
 *	at a line's end, "id" on the next) is searched again unfolded; a
 *	needle without blanks cannot be cut by folding, and most fields
 *	match or fail on their raw value.
 */
static int
field_has(struct kmsg *m, const struct khdr *h, const char *needle)
{
	const char *u, *c, *w = NULL;
	size_t	    wn = 0, k;

	if (k_strstr_ci(h->val, h->vlen, needle) != NULL)
		return 1;
	if (strchr(needle, ' ') == NULL || memchr(h->val, '\n', h->vlen) == NULL)
		return 0;
	/* The needle's longest word must be there for folding to have cut it. */
	for (c = needle; *c != '\0'; c += k + (c[k] != '\0')) {
		k = strcspn(c, " ");
		if (k > wn) {
			w = c;
			wn = k;
		}
	}
	if (wn > 0 && k_memmem_ci(h->val, h->vlen, w, wn) == NULL)
		return 0;
	u = kh_field_get(m, &m->hdr, h);
	return k_strstr_ci(u, strlen(u), needle) != NULL;
}

/* lh_received_has - case-insensitive substring test on any top-level Received */
int
lh_received_has(struct kmsg *m, const char *needle)
{
	const struct khdr *h = NULL;

	while ((h = kh_find_next(&m->hdr, h, "received")) != NULL)
		if (field_has(m, h, needle))
			return 1;
	return 0;
}

/*
 * lh_failed_recipients - one record per address of X-Failed-Recipients
 *	Returns the number of records added, -1 on ENOMEM.
 */
int
lh_failed_recipients(struct kmsg *m, struct kbounce *b)
{
	const char *x = lh_header(m, "x-failed-recipients"), *q = x;
	int	    added = 0;

	while (*q != '\0') {
		const char *c = strchr(q, ','), *a;
		size_t	    k = c ? (size_t)(c - q) : strlen(q), an;
		struct kds *d;

		if (addr_find(q, k, &a, &an)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, a, an);
			added++;
		}
		q += k + (c ? 1 : 0);
	}
	return added;
}

/*
 * lh_quoted_reply - put a relayed server reply first in a diagnosis
 *	Services that give up on a message (Amazon SES, WorkMail) write
 *	their own code and words, then quote the last reply of the remote
 *	server in angle brackets: "554 4.4.7 Message expired: unable to
 *	deliver in 840 minutes.<421 4.4.2 Connection timed out>". The
 *	remote server's words come first in the result, the service's
 *	after them in parentheses, and the reply and status of the record
 *	are the remote server's. Returns 1 when it rewrote d.
 */
int
lh_quoted_reply(struct kmsg *m, struct kds *d)
{
	const char *s = d->diagnosis, *lt, *gt;
	char	    st[SMTP_STATUS_MAX], *o;
	size_t	    in, out;

	if (s == NULL || (lt = strrchr(s, '<')) == NULL || (gt = strchr(lt, '>')) == NULL)
		return 0;
	in = (size_t)(gt - lt - 1);
	if (in < 5 || !(lt[1] == '4' || lt[1] == '5') || !k_isdigit((unsigned char)lt[2]) ||
	    !k_isdigit((unsigned char)lt[3]) || lt[4] != ' ')
		return 0;
	out = (size_t)(lt - s);
	while (out > 0 && k_isspace((unsigned char)s[out - 1]))
		out--;
	if ((o = ka_alloc(m->a, in + out + 4)) == NULL)
		return 0;
	memcpy(o, lt + 1, in);
	if (out > 0) {
		o[in] = ' ';
		o[in + 1] = '(';
		memcpy(o + in + 2, s, out);
		o[in + out + 2] = ')';
		o[in + out + 3] = '\0';
	} else
		o[in] = '\0';
	d->diagnosis = o;
	d->replycode = kb_str(m, lt + 1, 3);
	if (smtp_status_find(lt + 1, in, st))
		d->status = kb_str(m, st, strlen(st));
	return 1;
}

/*
 * lh_dsn_anywhere - the report's records: its delivery-status parts, or
 *	else report fields written into the notice's text
 */
int
lh_dsn_anywhere(struct kmsg *m, struct kbounce *b)
{
	const char *p;
	size_t	    n;
	int	    r;

	if ((r = dsn_collect_sections(m, b)) != 0)
		return r;
	lh_notice(m, &p, &n);
	return dsn_collect(m, b, p, n, DSN_ANYWHERE);
}

/* lh_header_has - does a top-level header's raw value hold needle (any case) */
int
lh_header_has(struct kmsg *m, const char *name, const char *needle)
{
	const struct khdr *h = kh_find(&m->hdr, name);

	return h != NULL && field_has(m, h, needle);
}

/*
 * lh_line_addr - the line is one address and nothing else ("a@b", "<a@b>",
 *	with blanks around); returns it as an arena string, or NULL
 */
const char *
lh_line_addr(struct kmsg *m, const char *l, size_t n)
{
	k_trim(&l, &n);
	if (n > 2 && l[0] == '<' && l[n - 1] == '>')
		l++, n -= 2;
	if (!addr_valid(l, n))
		return NULL;
	return kb_str(m, l, n);
}

/*
 * lh_phrase_sq - lh_phrase() on text whose runs of white space are
 *	squeezed to one space first, as the reason tables expect
 */
const char *
lh_phrase_sq(struct kmsg *m, const char *family, const char *text)
{
	return phrase(m, family, text, 1);
}

/*
 * lh_merge_judge - lh_merge(), then each record's verdict from the
 *	family's table (data/lhost/<family>.txt) over its diagnosis; the
 *	common end of a decoder that reads a notice beside a report.
 *	Returns the number of records, -1 on ENOMEM.
 */
int
lh_merge_judge(struct kmsg *m, struct kbounce *b, const struct kbounce *text,
    const char *family)
{
	size_t i;

	if (lh_merge(m, b, text) < 0)
		return -1;
	for (i = 0; i < b->n; i++)
		if (b->ds[i].diagnosis != NULL)
			b->ds[i].reason = lh_phrase_sq(m, family, b->ds[i].diagnosis);
	return (int)b->n;
}

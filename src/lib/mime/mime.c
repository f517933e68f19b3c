/*
 * NAME
 *	mime - MIME walk and the flat text view of a mail
 * DESCRIPTION
 *	km_parse() is the only entry. The walk is recursive with an explicit
 *	depth limit; each multipart body is split on its boundary lines with
 *	memmem, so that a part costs one search no matter how large it is.
 *	Tolerances, each seen in real bounces:
 *	- a missing closing boundary ends the last part at the end of its
 *	  parent; a multipart with no boundary parameter takes the first
 *	  "--" line of its body as the boundary; a multipart whose boundary
 *	  never appears is read as one text part;
 *	- a boundary line may carry trailing blanks; a longer boundary that
 *	  starts with the parent's does not end the parent's part;
 *	- parts without Content-Type are text/plain (message/rfc822 inside
 *	  multipart/digest); upper-case types and parameters are fine.
 *	Only parts that can hold bounce information are decoded (text,
 *	delivery-status, feedback-report, and the header block of the
 *	returned message); everything else is skipped unread.
 */
#include "message.h"
#include "../../util/codec.h"

#include <stdint.h>
#include <stdio.h>

/* Marker lines written into the flat text before non-text sections. */
#define MARK_DSN	"Content-Type: message/delivery-status\n"
#define MARK_FBR	"Content-Type: message/feedback-report\n"
#define MARK_RFC822	"Content-Type: message/rfc822\n"
#define MARK_HEADERS	"Content-Type: text/rfc822-headers\n"

/*
 * clean_prefix - how many bytes from the start of s[0..n) append_clean()
 *	may copy as they are: those before the first CR, NUL or newline
 *	after a blank, or n. Sixteen bytes at a time, each with the byte
 *	before it. s[0] is a line start or the start of the text, where a
 *	newline has no blank to trim.
 */
static size_t
clean_prefix(const char *s, size_t n)
{
	size_t i = 1, bad = n;

	if (n == 0 || s[0] == '\r' || s[0] == '\0')
		return 0;
#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i	 b = _mm_loadu_si128((const __m128i *)(const void *)(s + i - 1));
		__m128i	 blank = _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(b, _mm_set1_epi8('\t')));
		__m128i	 stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
		    _mm_cmpeq_epi8(x, _mm_setzero_si128())), _mm_and_si128(blank, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);
		if (m != 0) {
			bad = i + (size_t)__builtin_ctz(m);
			break;
		}
	}
	if (bad == n)
#endif
		for (; i < n; i++)
			if (s[i] == '\r' || s[i] == '\0' || (s[i] == '\n' && k_isblank((unsigned char)s[i - 1]))) {
				bad = i;
				break;
			}
	return bad;
}

/*
 * append_clean - append text with LF newlines (CRLF and a lone CR become
 *	LF), no blanks at the end of a line, NUL bytes made spaces
 *	What clean_prefix() passes is copied in one piece; the line it stops
 *	in is finished here (the blanks to trim are already in the output),
 *	then the search goes on after it.
 */
static void
append_clean(struct kmsg *m, const char *s, size_t n)
{
	kstr	   *f = m->flat;
	size_t	    room, k;
	char	   *o, *base;
	const char *p, *end;

	if (n == 0)
		return;
	if (f->len >= m->lim->max_decoded) {
		m->truncated = 1;
		return;
	}
	room = m->lim->max_decoded - f->len;
	if (n > room) {
		n = room;
		m->truncated = 1;
	}
	if (ks_reserve(f, n + 1) != 0)
		return;
	base = f->p + f->len;
	o = base;
	p = s;
	end = s + n;
	while (p < end) {
		const char *q;
		size_t	    len;

		k = clean_prefix(p, (size_t)(end - p));
		memcpy(o, p, k);
		o += k;
		p += k;
		/* One line, up to its newline (a NUL is made a space on the way). */
		while (p < end) {
			q = k_find3(p, (size_t)(end - p), '\n', '\r', '\0');
			len = (size_t)((q != NULL ? q : end) - p);
			memcpy(o, p, len);
			o += len;
			if (q == NULL) {
				p = end;
				break;
			}
			p = q + 1;
			if (*q == '\0') {
				*o++ = ' ';
				continue;
			}
			if (*q == '\r' && p < end && *p == '\n')
				continue;	/* CRLF: its LF ends the line */
			while (o > base && (o[-1] == ' ' || o[-1] == '\t'))
				o--;
			*o++ = '\n';
			break;
		}
	}
	while (o > base && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	f->len = (size_t)(o - f->p);
	/* Every section ends with a newline. */
	if (f->len > 0 && f->p[f->len - 1] != '\n')
		f->p[f->len++] = '\n';
	f->p[f->len] = '\0';
}

/* begin_sect - open a flat-text section of the given type */
static void
begin_sect(struct kmsg *m, enum kpart_type t, const char *marker)
{
	if (marker != NULL) {
		if (t == KP_RFC822 || t == KP_HEADERS) {
			if (m->rfc822_off == SIZE_MAX)
				m->rfc822_off = m->flat->len;
		}
		ks_adds(m->flat, marker);
	}
	if (m->nsect < KM_MAX_SECTS) {
		m->sect[m->nsect].off = m->flat->len;
		m->sect[m->nsect].len = 0;
		m->sect[m->nsect].type = t;
	}
}

/* end_sect - close the section begun last */
static void
end_sect(struct kmsg *m)
{
	if (m->nsect < KM_MAX_SECTS) {
		m->sect[m->nsect].len = m->flat->len - m->sect[m->nsect].off;
		m->nsect++;
	}
}

/* decode_body - transfer-decode a part body into tmp; returns the bytes to use */
static void
decode_body(enum kcte cte, const char *b, size_t n, kstr *tmp, const char **out,
    size_t *outn)
{
	switch (cte) {
	case CTE_BASE64:
		ks_clear(tmp);
		kc_base64_decode(tmp, b, n);
		*out = ks_str(tmp);
		*outn = tmp->len;
		return;
	case CTE_QP:
		ks_clear(tmp);
		kc_qp_decode(tmp, b, n, 0);
		*out = ks_str(tmp);
		*outn = tmp->len;
		return;
	default:
		*out = b;
		*outn = n;
	}
}

/* km_cte - Content-Transfer-Encoding of a part */
enum kcte
km_cte(const struct khdrs *h)
{
	const struct khdr *f = kh_find(h, "content-transfer-encoding");
	const char *v;
	size_t	    n;

	if (f == NULL)
		return CTE_7BIT;
	v = f->val;
	n = f->vlen;
	k_trim(&v, &n);
	if (k_startswith_ci(v, n, "base64"))
		return CTE_BASE64;
	if (k_startswith_ci(v, n, "quoted-printable"))
		return CTE_QP;
	if (k_startswith_ci(v, n, "8bit"))
		return CTE_8BIT;
	if (k_startswith_ci(v, n, "binary"))
		return CTE_BINARY;
	return CTE_7BIT;
}

/* param_is - does the Content-Type field ct have parameter name equal to value (any case) */
static int
param_is(const struct khdr *ct, const char *name, const char *value)
{
	const char *v = NULL;
	size_t	    vn = 0;

	kh_param(ct->val, ct->vlen, name, &v, &vn, NULL);
	return v != NULL && vn == strlen(value) && k_strncaseeq(v, value, vn);
}

/* is_flowed - a text/plain part in format=flowed (RFC 3676) */
static int
is_flowed(const struct khdr *ct)
{
	/* Most parts have no such parameter: one search before parsing them. */
	return k_memmem_ci(ct->val, ct->vlen, "flowed", 6) != NULL && param_is(ct, "format", "flowed");
}

/* has_markup - does s hold a tag ("<" then a letter, "/", "!" or "?") */
static int
has_markup(const char *s, size_t n)
{
	const char *end = s + n, *lt;

	while ((lt = memchr(s, '<', (size_t)(end - s))) != NULL && lt + 1 < end) {
		unsigned char c = (unsigned char)lt[1];
		if (k_isalpha(c) || c == '/' || c == '!' || c == '?')
			return 1;
		s = lt + 1;
	}
	return 0;
}

/* add_text - a text part: decode, convert to UTF-8, append */
static void
add_text(struct kmsg *m, const struct khdr *ct, enum kcte cte, int html,
    const char *b, size_t n)
{
	kstr	   *tmp = &m->scratch[0], *utf = &m->scratch[1], *txt = &m->scratch[2];
	const char *d, *u, *cs = NULL;
	size_t	    dn, un, csn = 0;

	if (n > m->lim->max_decoded) {
		n = m->lim->max_decoded;
		m->truncated = 1;
	}
	ks_clear(tmp);
	ks_clear(utf);
	ks_clear(txt);
	decode_body(cte, b, n, tmp, &d, &dn);
	if (ct != NULL)
		kh_param(ct->val, ct->vlen, "charset", &cs, &csn, NULL);
	u = kcs_utf8_view(m->cs, cs, csn, d, dn, utf, &un);
	/*
	 * "text/html" over text without a single tag (Yahoo's old notices):
	 * its line ends are the MTA's lines, which HTML would run together.
	 */
	if (html && !has_markup(u, un))
		html = 0;
	begin_sect(m, html ? KP_HTML : KP_TEXT, NULL);
	if (html) {
		km_html_text(u, un, txt);
		append_clean(m, ks_str(txt), txt->len);
	} else if (ct != NULL && is_flowed(ct)) {
		/* Soft line breaks joined: the lines the MTA wrote, whatever the width it sent. */
		kc_unflow(txt, u, un, param_is(ct, "delsp", "yes"));
		append_clean(m, ks_str(txt), txt->len);
	} else
		append_clean(m, u, un);
	end_sect(m);
}

/* set_orig - remember the returned message's header block and index it */
static void
set_orig(struct kmsg *m, const char *p, size_t n)
{
	size_t	 bodyoff;
	unsigned tr = 0;

	if (m->orig != NULL)
		return;
	/* A blank line or two may precede the headers. */
	while (n > 0 && *p == '\n')
		p++, n--;
	if (kh_parse(m->a, p, n, m->lim->max_header_len, &m->orighdr, &bodyoff, &tr) != 0)
		return;
	if (m->orighdr.n == 0)
		return;
	m->orig = p;
	m->origlen = bodyoff;
}

/* add_message - a returned message: its header block only */
static void
add_message(struct kmsg *m, enum kpart_type t, enum kcte cte, const char *b, size_t n)
{
	kstr	    tmp = KSTR_INIT;
	const char *d;
	size_t	    dn, hend;

	if (cte == CTE_BASE64 || cte == CTE_QP) {
		if (n > m->lim->max_decoded)
			n = m->lim->max_decoded;
		decode_body(cte, b, n, &tmp, &d, &dn);
		/* Keep a copy: the scratch string dies here. */
		d = ka_strndup(m->a, d, dn);
		if (d == NULL) {
			ks_dispose(&tmp);
			return;
		}
	} else {
		d = b;
		dn = n;
	}
	/* Skip leading blank lines, then cut at the end of the header block. */
	while (dn > 0 && (*d == '\n' || *d == '\r'))
		d++, dn--;
	hend = k_blank_line(d, dn);
	begin_sect(m, t, t == KP_RFC822 ? MARK_RFC822 : MARK_HEADERS);
	append_clean(m, d, hend);
	end_sect(m);
	set_orig(m, d, hend);
	/* Where the part ends: a message read whole stops there (lhost/generic.c). */
	if (m->origend == NULL && m->orig >= b && m->orig <= b + n)
		m->origend = b + n;
	ks_dispose(&tmp);
}

/* add_report - a delivery-status or feedback-report part */
static void
add_report(struct kmsg *m, enum kpart_type t, const struct khdr *ct,
    enum kcte cte, const char *b, size_t n)
{
	kstr	   *tmp = &m->scratch[0], *utf = &m->scratch[1];
	const char *d, *u, *cs = NULL;
	size_t	    dn, un, csn = 0;

	if (n > m->lim->max_decoded) {
		n = m->lim->max_decoded;
		m->truncated = 1;
	}
	ks_clear(tmp);
	ks_clear(utf);
	decode_body(cte, b, n, tmp, &d, &dn);
	if (ct != NULL)
		kh_param(ct->val, ct->vlen, "charset", &cs, &csn, NULL);
	u = kcs_utf8_view(m->cs, cs, csn, d, dn, utf, &un);
	begin_sect(m, t, t == KP_DSN ? MARK_DSN : MARK_FBR);
	append_clean(m, u, un);
	end_sect(m);
}

/* km_part_type - classify a lower-case media type */
enum kpart_type
km_part_type(const char *mt)
{
	const char *sub;

	if (mt[0] == '\0')
		return KP_TEXT;
	/* By the top-level type first: a part's type is looked up once per part of every mail. */
	if (strncmp(mt, "text/", 5) == 0) {
		sub = mt + 5;
		if (strcmp(sub, "plain") == 0)
			return KP_TEXT;
		if (strcmp(sub, "html") == 0)
			return KP_HTML;
		if (strcmp(sub, "rfc822-headers") == 0 || strcmp(sub, "rfc822-header") == 0)
			return KP_HEADERS;
		if (strcmp(sub, "calendar") == 0 || strcmp(sub, "x-vcard") == 0 ||
		    strcmp(sub, "vcard") == 0 || strcmp(sub, "csv") == 0)
			return KP_OTHER;
		return KP_TEXT;
	}
	if (strncmp(mt, "multipart/", 10) == 0)
		return KP_MULTIPART;
	if (strncmp(mt, "message/", 8) == 0) {
		sub = mt + 8;
		if (strcmp(sub, "delivery-status") == 0 || strcmp(sub, "global-delivery-status") == 0 ||
		    strcmp(sub, "x-delivery-status") == 0)
			return KP_DSN;
		if (strcmp(sub, "feedback-report") == 0)
			return KP_FEEDBACK;
		if (strcmp(sub, "rfc822") == 0 || strcmp(sub, "global") == 0 || strcmp(sub, "partial") == 0)
			return KP_RFC822;
		if (strcmp(sub, "global-headers") == 0)
			return KP_HEADERS;
	}
	return KP_OTHER;
}

/* is_attachment - Content-Disposition: attachment on a non-message text part */
static int
is_attachment(const struct khdrs *h)
{
	const struct khdr *f = kh_find(h, "content-disposition");
	const char *v;
	size_t	    n;

	if (f == NULL)
		return 0;
	v = f->val;
	n = f->vlen;
	k_trim(&v, &n);
	return k_startswith_ci(v, n, "attachment");
}

/*
 * find_delim - next boundary line "--B" in [p, end) that starts a line;
 *	returns its start or NULL, and sets *close and *next (start of the
 *	line after it).
 */
static const char *
find_delim(const char *start, const char *p, const char *end, const char *b,
    size_t bl, int *close, const char **next)
{
	const char *l, *nl;
	char	    needle[256];
	size_t	    nn = bl + 3;

	/*
	 * The line starts at or after p - 2 (the delimiter's "--" may sit
	 * just before p): start itself, then one after each newline. With
	 * a boundary of sane length, lines that begin "--B" are found by
	 * searching for "\n--B" (a long needle: the search skips most of an
	 * attachment); otherwise each line is looked at.
	 */
	if (nn <= sizeof(needle)) {
		needle[0] = '\n';
		needle[1] = needle[2] = '-';
		memcpy(needle + 3, b, bl);
	}
	if (p - start <= 2)
		l = start;
	else if ((nl = k_find_nl(p - 3, (size_t)(end - (p - 3)))) != NULL)
		l = nl + 1;
	else
		return NULL;
	for (;;) {
		const char *r;

		if ((size_t)(end - l) >= bl + 2 && l[0] == '-' && l[1] == '-' &&
		    memcmp(l + 2, b, bl) == 0) {
			r = l + 2 + bl;
			*close = 0;
			if (r + 1 < end && r[0] == '-' && r[1] == '-') {
				*close = 1;
				r += 2;
			}
			/* Only blanks may follow on the line. */
			while (r < end && (*r == ' ' || *r == '\t'))
				r++;
			if (r >= end || *r == '\n') {
				*next = r < end ? r + 1 : end;
				return l;
			}
		}
		if (nn <= sizeof(needle))
			nl = k_memmem(l, (size_t)(end - l), needle, nn);
		else
			nl = memchr(l, '\n', (size_t)(end - l));
		if (nl == NULL)
			return NULL;
		l = nl + 1;
	}
}

static void walk(struct kmsg *m, const char *p, size_t n, int depth,
    const char *deftype, int skip_html);

/* guess_boundary - the first "--xxx" line of a body, for a multipart without one */
static int
guess_boundary(const char *b, size_t n, const char **bd, size_t *bl)
{
	const char *p = b, *end = b + n, *line;
	size_t	    len;

	while (km_nextline(&p, end, &line, &len)) {
		if (len > 2 && line[0] == '-' && line[1] == '-' && len < 200) {
			*bd = line + 2;
			*bl = len - 2;
			while (*bl > 0 && k_isblank((unsigned char)(*bd)[*bl - 1]))
				(*bl)--;
			return *bl > 0;
		}
	}
	return 0;
}

/* walk_multipart - split a multipart body and walk each part */
static void
walk_multipart(struct kmsg *m, const struct khdr *ct, const char *mt,
    const char *b, size_t n, int depth)
{
	const char *bd = NULL, *end = b + n, *cur, *d, *next;
	size_t	    bl = 0;
	int	    close = 0, alternative, digest, nchild = 0;
	const char *childs[256];
	size_t	    childn[256];
	int	    has_plain = 0, i;

	if (ct == NULL || !kh_param(ct->val, ct->vlen, "boundary", &bd, &bl, m->a) || bl == 0) {
		if (!guess_boundary(b, n, &bd, &bl)) {
			add_text(m, NULL, CTE_7BIT, 0, b, n);
			return;
		}
	}
	alternative = strcmp(mt, "multipart/alternative") == 0;
	digest = strcmp(mt, "multipart/digest") == 0;
	d = find_delim(b, b, end, bd, bl, &close, &next);
	if (d == NULL) {
		/* The boundary never appears: read the body as text. */
		add_text(m, NULL, CTE_7BIT, 0, b, n);
		return;
	}
	cur = next;
	while (!close && cur < end) {
		const char *d2 = find_delim(b, cur, end, bd, bl, &close, &next);
		const char *pe = d2 ? d2 : end;
		size_t	    pn = (size_t)(pe - cur);

		/* The newline before a delimiter belongs to the delimiter. */
		if (d2 != NULL && pn > 0 && cur[pn - 1] == '\n')
			pn--;
		if (m->nparts >= m->lim->max_parts) {
			m->truncated = 1;
			break;
		}
		m->nparts++;
		if (nchild < (int)(sizeof(childs) / sizeof(childs[0]))) {
			childs[nchild] = cur;
			childn[nchild] = pn;
			nchild++;
		} else {
			walk(m, cur, pn, depth + 1, digest ? "message/rfc822" : "", 0);
		}
		if (d2 == NULL)
			break;
		cur = next;
	}
	if (alternative) {
		/* Prefer text/plain: note whether a plain twin exists. */
		for (i = 0; i < nchild; i++) {
			struct khdrs h;
			size_t	     bo;
			unsigned     tr = 0;
			char	     t[64];
			const struct khdr *f;

			if (kh_parse(m->a, childs[i], childn[i], m->lim->max_header_len, &h, &bo, &tr) != 0)
				continue;
			f = kh_find(&h, "content-type");
			if (f == NULL) {
				has_plain = 1;
				continue;
			}
			kh_media_type(f->val, f->vlen, t, sizeof(t));
			if (t[0] == '\0' || strcmp(t, "text/plain") == 0)
				has_plain = 1;
		}
	}
	for (i = 0; i < nchild; i++)
		walk(m, childs[i], childn[i], depth + 1, digest ? "message/rfc822" : "",
		    alternative && has_plain);
}

/* walk - one MIME entity (header block and body) */
static void
walk(struct kmsg *m, const char *p, size_t n, int depth, const char *deftype,
    int skip_html)
{
	struct khdrs	   h;
	size_t		   bo;
	const struct khdr *ct;
	char		   mt[80];
	enum kpart_type	   t;
	enum kcte	   cte;

	if ((unsigned)depth > m->lim->max_depth) {
		m->truncated = 1;
		return;
	}
	if ((unsigned)depth > m->depth_seen)
		m->depth_seen = (unsigned)depth;
	if (kh_parse(m->a, p, n, m->lim->max_header_len, &h, &bo, &m->truncated) != 0)
		return;
	ct = kh_find(&h, "content-type");
	if (ct != NULL)
		kh_media_type(ct->val, ct->vlen, mt, sizeof(mt));
	else
		k_cat(mt, sizeof(mt), deftype, (char *)NULL);
	t = km_part_type(mt);
	cte = km_cte(&h);
	p += bo;
	n -= bo;
	switch (t) {
	case KP_MULTIPART:
		walk_multipart(m, ct, mt, p, n, depth);
		break;
	case KP_TEXT:
		if (!is_attachment(&h) || h.n == 0)
			add_text(m, ct, cte, 0, p, n);
		break;
	case KP_HTML:
		if (!skip_html && !is_attachment(&h))
			add_text(m, ct, cte, 1, p, n);
		break;
	case KP_DSN:
	case KP_FEEDBACK:
		add_report(m, t, ct, cte, p, n);
		break;
	case KP_RFC822:
	case KP_HEADERS:
		add_message(m, t, cte, p, n);
		break;
	case KP_OTHER:
		break;
	}
}

/*
 * km_normalise - LF newlines (CR and CRLF become LF); copies into the
 *	arena only when a CR is present. After the first CR, the text is
 *	copied sixteen bytes a step with SSE2, each step stored whole and
 *	then cut at the CR it holds, so a line costs one step or a few
 *	rather than a memchr() and a memcpy() call. NULL on ENOMEM.
 */
const char *
km_normalise(karena *a, const char *buf, size_t *len)
{
	const char *cr = memchr(buf, '\r', *len);
	char	   *o, *q;
	size_t	    i, n = *len;

	if (cr == NULL)
		return buf;
	if ((o = ka_alloc(a, n + 16)) == NULL)	/* a step may store fifteen bytes past the end */
		return NULL;
	i = (size_t)(cr - buf);
	memcpy(o, buf, i);
	q = o + i;
	while (i < n) {
		/* buf[i] is a CR: write LF for CR or CRLF, then copy up to the next CR. */
		*q++ = '\n';
		if (++i < n && buf[i] == '\n')
			i++;
#if defined(__SSE2__)
		for (; i + 16 <= n; i += 16, q += 16) {
			__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
			_mm_storeu_si128((__m128i *)(void *)q, x);
			if (m != 0) {
				unsigned k = (unsigned)__builtin_ctz(m);
				i += k;
				q += k;
				break;
			}
		}
		if (i < n && buf[i] == '\r')
			continue;
#endif
		while (i < n && buf[i] != '\r')
			*q++ = buf[i++];
	}
	*q = '\0';
	*len = (size_t)(q - o);
	return o;
}

/*
 * km_parse - read one mail into m (whose a, cs, lim and flat are set)
 *	Returns 0, or -1 when the arena ran out of memory.
 */
int
km_parse(struct kmsg *m, const char *buf, size_t len)
{
	size_t	    bo;
	const char *p;
	const struct khdr *ct;
	char	    mt[80];

	m->orig = NULL;
	m->origlen = 0;
	m->origend = NULL;
	m->orighdr.n = 0;
	m->orighdr.v = NULL;
	memset(m->orighdr.slot, 0, sizeof(m->orighdr.slot));
	m->rfc822_off = SIZE_MAX;
	m->nsect = 0;
	m->nparts = 0;
	m->depth_seen = 0;
	m->unixfrom = NULL;
	m->unixfromlen = 0;
	ks_clear(m->flat);
	if (len > m->lim->max_mail_size) {
		len = m->lim->max_mail_size;
		m->truncated = 1;
	}
	if ((p = km_normalise(m->a, buf, &len)) == NULL)
		return -1;
	m->raw = p;
	m->rawlen = len;
	/* mbox "From " line */
	if (len > 5 && memcmp(p, "From ", 5) == 0) {
		const char *nl = memchr(p, '\n', len);
		size_t	    k = nl ? (size_t)(nl - p) : len;
		m->unixfrom = p;
		m->unixfromlen = k;
		p += nl ? k + 1 : k;
		len -= nl ? k + 1 : k;
	}
	if (kh_parse(m->a, p, len, m->lim->max_header_len, &m->hdr, &bo, &m->truncated) != 0)
		return -1;
	m->body = p + bo;
	m->bodylen = len - bo;
	ct = kh_find(&m->hdr, "content-type");
	mt[0] = '\0';
	if (ct != NULL)
		kh_media_type(ct->val, ct->vlen, mt, sizeof(mt));
	if ((m->ctype = ka_strdup(m->a, mt)) == NULL)
		return -1;
	switch (km_part_type(mt)) {
	case KP_MULTIPART:
		walk_multipart(m, ct, mt, m->body, m->bodylen, 0);
		break;
	case KP_HTML:
		add_text(m, ct, km_cte(&m->hdr), 1, m->body, m->bodylen);
		break;
	case KP_DSN:
	case KP_FEEDBACK:
		add_report(m, km_part_type(mt), ct, km_cte(&m->hdr), m->body, m->bodylen);
		break;
	case KP_RFC822:
	case KP_HEADERS:
		add_message(m, km_part_type(mt), km_cte(&m->hdr), m->body, m->bodylen);
		break;
	default:
		/* text/plain, or an unknown type: bounce text may hide anywhere. */
		add_text(m, ct, km_cte(&m->hdr), 0, m->body, m->bodylen);
		break;
	}
	return ks_ok(m->flat) ? 0 : -1;
}

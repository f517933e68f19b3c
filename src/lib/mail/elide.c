/*
 * NAME
 *	elide - stream a mail, leaving out the bodies of base64 attachments
 * DESCRIPTION
 *	See elide.h. The states:
 *
 *	KEL_HEAD  a header block: the mail's, a part's, or that of a message
 *		  returned inside a message/rfc822 part. Its lines are copied
 *		  and, when it ends, parsed as km_parse() parses it to choose
 *		  the state of the body that follows.
 *	KEL_COPY  a body that is kept; only the lines that start "--" are
 *		  looked at, for a delimiter of an open multipart.
 *	KEL_SKIP  the body of a base64 attachment: as KEL_COPY, but the
 *		  bytes up to the next delimiter are left out.
 *	KEL_OFF   everything is copied (also past KEL_MAXPARTS parts: following
 *		  a million empty parts cost six times as long as copying them).
 *
 *	Bodies are crossed with memchr() for '-' at a line start, so a
 *	base64 attachment (whose alphabet has no '-') is crossed at memory
 *	speed without looking at its lines.
 */
#include "elide.h"

#include <kaeru/parse.h>

#include "../mime/message.h"

#include <string.h>

enum { KEL_HEAD, KEL_COPY, KEL_SKIP, KEL_OFF };
enum { KEL_TOP, KEL_PART, KEL_MSG };

#define KEL_MAXHDR ((size_t)256 << 10)	/* a header block longer than this: stop */
#define KEL_MAXPARTS 4096		/* parts followed; the parser reads 1,024 by default */

void
kel_init(struct kelide *e, size_t max_header_len)
{
	memset(e, 0, sizeof(*e));
	ka_init(&e->a, 0);
	ks_init(&e->hdr);
	ks_init(&e->bds);
	e->maxhdr = max_header_len ? max_header_len : KAERU_DEFAULT_MAX_HEADER_LEN;
	e->st = KEL_OFF;
}

void
kel_dispose(struct kelide *e)
{
	ka_dispose(&e->a);
	ks_dispose(&e->hdr);
	ks_dispose(&e->bds);
}

/* start_head - a header block begins at the end of out */
static void
start_head(struct kelide *e, const kstr *out, int parent)
{
	e->st = KEL_HEAD;
	e->parent = parent;
	e->lead = 1;
	e->nfields = 0;
	e->hoff = out->len;
}

void
kel_begin(struct kelide *e, const kstr *out)
{
	ks_clear(&e->bds);
	e->nbd = 0;
	e->nparts = 0;
	e->bol = 1;
	e->elided = 0;
	e->unsafe = 0;
	start_head(e, out, KEL_TOP);
}

void
kel_off(struct kelide *e)
{
	e->st = KEL_OFF;
}

/* pop_to - keep the k outermost multiparts open */
static void
pop_to(struct kelide *e, int k)
{
	if (k < e->nbd) {
		e->bds.len = e->bd[k].off;
		e->nbd = k;
	}
}

/*
 * delim - the open multipart (outermost first, as km_parse() splits)
 *	whose delimiter the line l[0..n) is, or -1; *close tells "--B--".
 */
static int
delim(const struct kelide *e, const char *l, size_t n, int *close)
{
	const char *end = l + n;
	int	    i;

	if (n < 2 || l[0] != '-' || l[1] != '-')
		return -1;
	for (i = 0; i < e->nbd; i++) {
		const struct kel_bd *b = &e->bd[i];
		const char	    *r;

		if (n - 2 < b->n || memcmp(l + 2, e->bds.p + b->off, b->n) != 0)
			continue;
		r = l + 2 + b->n;
		*close = 0;
		if (r + 1 < end && r[0] == '-' && r[1] == '-') {
			*close = 1;
			r += 2;
		}
		while (r < end && (*r == ' ' || *r == '\t'))
			r++;
		if (r == end)
			return i;
	}
	return -1;
}

/* at_delim - out has the delimiter line of multipart lvl: go on after it */
static void
at_delim(struct kelide *e, const kstr *out, int lvl, int close)
{
	if (close) {
		/* Its epilogue: kept, and the multipart is over. */
		pop_to(e, lvl);
		e->st = KEL_COPY;
	} else if (++e->nparts > KEL_MAXPARTS) {
		/* A million empty parts cost more to follow than to keep. */
		e->st = KEL_OFF;
	} else {
		pop_to(e, lvl + 1);
		start_head(e, out, KEL_PART);
	}
}

/*
 * decide - the header block out[hoff..end) is whole: parse it as
 *	km_parse() would and choose what to do with the body. blank: the
 *	block ended at an empty line. km_parse() copies a returned message's
 *	text up to its first empty line whole, as its header block; when that
 *	block ended early, at a line that is not a field, the text copied
 *	runs on into the message's body, and an attachment there whose own
 *	header block also ended without an empty line lies inside it: such
 *	an attachment is kept.
 */
static void
decide(struct kelide *e, const kstr *out, size_t end, int blank)
{
	const char	  *s = ks_str(out) + e->hoff;
	size_t		   i, n = end - e->hoff, bo;
	unsigned	   tr = 0;
	struct khdrs	   h;
	const struct khdr *ct;
	const char	  *b;
	size_t		   bl;
	char		   mt[80];
	enum kcte	   cte;
	int		   parent = e->parent;

	e->st = KEL_COPY;
	if (parent == KEL_MSG && !blank)
		e->unsafe = 1;
	/* CRLF as LF (feed made sure that no other CR is left). */
	ks_clear(&e->hdr);
	if (ks_reserve(&e->hdr, n + 1) != 0) {
		e->st = KEL_OFF;
		return;
	}
	for (i = 0; i < n; i++)
		if (s[i] != '\r')
			e->hdr.p[e->hdr.len++] = s[i];
	e->hdr.p[e->hdr.len] = '\0';
	ka_reset(&e->a);
	if (kh_parse(&e->a, e->hdr.p, e->hdr.len, e->maxhdr, &h, &bo, &tr) != 0) {
		e->st = KEL_OFF;
		return;
	}
	if ((ct = kh_find(&h, "content-type")) == NULL)
		return;		/* text (or a digest's message): kept */
	kh_media_type(ct->val, ct->vlen, mt, sizeof(mt));
	cte = km_cte(&h);
	switch (km_part_type(mt)) {
	case KP_MULTIPART:
		/*
		 * Its parts are followed only with a boundary read as
		 * walk_multipart() reads it, on one line. Without one the
		 * parser guesses; nothing inside is then left out.
		 */
		if (e->nbd < KEL_DEPTH && kh_param(ct->val, ct->vlen, "boundary", &b, &bl, &e->a) &&
		    bl > 0 && memchr(b, '\n', bl) == NULL) {
			e->bd[e->nbd].off = e->bds.len;
			e->bd[e->nbd].n = bl;
			ks_add(&e->bds, b, bl);
			if (!ks_ok(&e->bds)) {
				e->st = KEL_OFF;
				return;
			}
			e->nbd++;
		}
		break;
	case KP_RFC822:
		/* A returned message: its own header block follows. */
		if (cte != CTE_BASE64 && cte != CTE_QP)
			start_head(e, out, KEL_MSG);
		break;
	case KP_OTHER:
		/* An attachment that nothing reads: only a multipart's part. */
		if (parent == KEL_PART && cte == CTE_BASE64 && (blank || !e->unsafe))
			e->st = KEL_SKIP;
		break;
	default:
		break;
	}
}

/* emit - a run of body bytes: kept, or left out in KEL_SKIP */
static void
emit(struct kelide *e, kstr *out, const char *p, size_t n)
{
	if (e->st == KEL_SKIP)
		e->elided += n;
	else
		ks_add(out, p, n);
}

/*
 * head_line - one line of a header block: l[0..len) without its line
 *	end, full bytes with it
 */
static void
head_line(struct kelide *e, kstr *out, const char *l, size_t len, size_t full)
{
	int close, lvl;

	if ((lvl = delim(e, l, len, &close)) >= 0) {
		/* A delimiter ends the part, header block and all. */
		ks_add(out, l, full);
		at_delim(e, out, lvl, close);
		return;
	}
	if (e->lead) {
		/* km_parse() skips the blank lines before a returned message, and a "From " line. */
		if (e->parent == KEL_MSG && len == 0) {
			ks_add(out, l, full);
			e->hoff = out->len;
			return;
		}
		e->lead = 0;
		if (e->parent != KEL_PART && len >= 5 && memcmp(l, "From ", 5) == 0) {
			ks_add(out, l, full);
			e->hoff = out->len;
			return;
		}
	}
	if (len == 0) {
		/* The blank line: the body follows it. */
		ks_add(out, l, full);
		e->unsafe = 0;
		decide(e, out, out->len, 1);
		return;
	}
	if (kh_field_name_len(l, len) == 0 && !(k_isblank((unsigned char)l[0]) && e->nfields > 0)) {
		/* Neither a field nor its continuation: the body starts here. */
		decide(e, out, out->len, 0);
		if (e->st == KEL_HEAD)
			head_line(e, out, l, len, full);
		else
			emit(e, out, l, full);
		return;
	}
	if (!k_isblank((unsigned char)l[0]))
		e->nfields++;
	ks_add(out, l, full);
	if (out->len - e->hoff > KEL_MAXHDR)
		e->st = KEL_OFF;
}

/*
 * line_at - the line that starts at p[pos]: *len bytes without its line
 *	end (LF or CRLF), the next one at *next. 0 when it has no end in
 *	p[0..n) and more bytes are to come.
 */
static int
line_at(const char *p, size_t n, size_t pos, int eof, size_t *len, size_t *next)
{
	const char *nl = memchr(p + pos, '\n', n - pos);

	if (nl == NULL && !eof)
		return 0;
	*next = nl ? (size_t)(nl - p) + 1 : n;
	*len = (nl ? (size_t)(nl - p) : n) - pos;
	if (*len > 0 && p[pos + *len - 1] == '\r')
		(*len)--;
	return 1;
}

size_t
kel_feed(struct kelide *e, kstr *out, const char *p, size_t n, int eof)
{
	size_t pos = 0;

	if (e->st != KEL_OFF) {
		/*
		 * A CR must end a CRLF: km_parse() ends a line at a CR alone,
		 * where lines here would run on. A CR at the end waits for
		 * the next bytes.
		 */
		const char *c = memchr(p, '\r', n);

		while (c != NULL) {
			size_t i = (size_t)(c - p);

			if (i + 1 == n) {
				if (!eof)
					n--;
				break;
			}
			if (p[i + 1] != '\n') {
				e->st = KEL_OFF;
				break;
			}
			c = memchr(c + 2, '\r', n - i - 2);
		}
	}
	while (pos < n) {
		const char *d;
		size_t	    next, len, q, cand;
		int	    close, lvl;

		if (e->st == KEL_OFF) {
			ks_add(out, p + pos, n - pos);
			pos = n;
			break;
		}
		if (e->st == KEL_HEAD) {
			if (!line_at(p, n, pos, eof, &len, &next))
				break;
			head_line(e, out, p + pos, len, next - pos);
			pos = next;
			continue;
		}
		/* A body: on to the next line that starts with '-'. */
		cand = n;
		for (q = pos; q < n && (d = memchr(p + q, '-', n - q)) != NULL; q = (size_t)(d - p) + 1) {
			size_t i = (size_t)(d - p);
			if (i == 0 ? e->bol : p[i - 1] == '\n') {
				cand = i;
				break;
			}
		}
		emit(e, out, p + pos, cand - pos);
		pos = cand;
		if (cand == n)
			break;
		if (!line_at(p, n, cand, eof, &len, &next))
			break;
		if ((lvl = delim(e, p + cand, len, &close)) >= 0) {
			ks_add(out, p + cand, next - cand);
			at_delim(e, out, lvl, close);
		} else
			emit(e, out, p + cand, next - cand);
		pos = next;
	}
	if (pos > 0)
		e->bol = p[pos - 1] == '\n';
	return pos;
}

/* kel_mem_fill - up to n bytes of a struct kel_mem, which moves past them */
size_t
kel_mem_fill(void *ctx, char *buf, size_t n)
{
	struct kel_mem *m = ctx;

	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return n;
}

void
kel_stream(struct kelide *e, kstr *out, char *win, size_t winsize,
    size_t (*fill)(void *ctx, char *buf, size_t n), void *ctx)
{
	size_t have = 0, used;
	int    eof = 0;

	kel_begin(e, out);
	for (;;) {
		if (!eof && have < winsize) {
			size_t want = winsize - have, k = fill(ctx, win + have, want);

			have += k;
			eof = k < want;
		}
		used = kel_feed(e, out, win, have, eof);
		if (used == 0 && have == winsize) {
			/* One line fills the window: copy the rest as it is. */
			kel_off(e);
			continue;
		}
		memmove(win, win + used, have - used);
		have -= used;
		if (eof && have == 0)
			break;
	}
}

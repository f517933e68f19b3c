/*
 * NAME
 *	clean - a mailing list in CSV, the mailable rows out
 * DESCRIPTION
 *	The suppressions in force and the flagged domains are loaded once
 *	into hash sets, then the CSV is read in one pass: each row's
 *	address is validated (address.c), normalised, and checked against
 *	the suppressions, the flagged domains and the addresses already
 *	kept (duplicates: the same key, so the same address in any case
 *	unless the store keeps the local part's case). Kept
 *	rows are written again (RFC 4180, CRLF) with a "did_you_mean"
 *	column; dropped rows go to the rejects with a "dropped" column.
 *
 *	Input: UTF-8 with or without a BOM; LF, CRLF and CR line ends, even
 *	mixed. Broken quoting, invalid UTF-8, NUL bytes and records longer
 *	than max_line fail the whole run with the line number, and the
 *	outputs are emptied, so that nothing half-cleaned is ever written.
 * OWNERSHIP
 *	The sets and scratch strings are freed before returning; out and
 *	rejects are the caller's.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"
#include "../../util/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)1 << 20)

/* set_add - add a string to a set: 1 when new, 0 when present, -1 out of memory */
static int
set_add(struct kmap *m, const char *str, size_t n)
{
	size_t v = 0;

	return kmap_add(m, str, n, &v);
}

/* One parsed record: unquoted fields packed in buf. */
struct rec {
	kstr	 buf;
	size_t	*start, *len;
	size_t	 n, cap;
	long	 line;
};

/* rec_field - start a new field */
static int
rec_field(struct rec *r)
{
	if (r->n == r->cap) {
		size_t	ncap = r->cap ? r->cap * 2 : 16;
		size_t *ns = realloc(r->start, ncap * sizeof(*ns));
		size_t *nl;
		if (ns == NULL)
			return -1;
		r->start = ns;
		if ((nl = realloc(r->len, ncap * sizeof(*nl))) == NULL)
			return -1;
		r->len = nl;
		r->cap = ncap;
	}
	r->start[r->n] = r->buf.len;
	r->len[r->n] = 0;
	r->n++;
	return 0;
}

struct csv {
	const char *d;
	size_t	    len, pos, max;
	long	    line;
};

/* eol - consume a line end (LF, CRLF, CR) at pos; 1 when there was one */
static int
eol(struct csv *c)
{
	if (c->pos < c->len && c->d[c->pos] == '\r') {
		c->pos++;
		if (c->pos < c->len && c->d[c->pos] == '\n')
			c->pos++;
		c->line++;
		return 1;
	}
	if (c->pos < c->len && c->d[c->pos] == '\n') {
		c->pos++;
		c->line++;
		return 1;
	}
	return 0;
}

/* read_rec - the next record into r; 1 with one, 0 at the end, < 0 on bad input */
static int
read_rec(struct csv *c, struct rec *r)
{
	size_t start = c->pos, v;

	ks_clear(&r->buf);
	r->n = 0;
	r->line = c->line;
	if (c->pos >= c->len)
		return 0;
	for (;;) {
		if (rec_field(r) != 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		if (c->pos < c->len && c->d[c->pos] == '"') {
			long opened = c->line;
			c->pos++;
			for (;;) {
				char ch;
				if (c->pos >= c->len)
					return kerr_set(KAERU_EPARSE, "line %ld: quoted field never closed "
					    "(opened on line %ld)", c->line, opened);
				if (c->pos - start > c->max)
					return kerr_set(KAERU_EPARSE, "line %ld: record longer than %zu bytes",
					    r->line, c->max);
				ch = c->d[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len && c->d[c->pos + 1] == '"') {
						ks_addc(&r->buf, '"');
						c->pos += 2;
						continue;
					}
					c->pos++;
					break;
				}
				if (ch == '\n' || (ch == '\r' && (c->pos + 1 >= c->len || c->d[c->pos + 1] != '\n')))
					c->line++;
				ks_addc(&r->buf, ch);
				c->pos++;
			}
			if (c->pos < c->len && c->d[c->pos] != ',' && c->d[c->pos] != '\r' &&
			    c->d[c->pos] != '\n')
				return kerr_set(KAERU_EPARSE, "line %ld: text after the closing quote of a field",
				    c->line);
		} else {
			size_t b = c->pos;
			while (c->pos < c->len && c->d[c->pos] != ',' && c->d[c->pos] != '\r' &&
			    c->d[c->pos] != '\n') {
				if (c->d[c->pos] == '"')
					return kerr_set(KAERU_EPARSE, "line %ld: quote inside an unquoted field "
					    "(quote the whole field and double the quote)", c->line);
				c->pos++;
				if (c->pos - start > c->max)
					return kerr_set(KAERU_EPARSE, "line %ld: record longer than %zu bytes",
					    r->line, c->max);
			}
			ks_add(&r->buf, c->d + b, c->pos - b);
		}
		r->len[r->n - 1] = r->buf.len - r->start[r->n - 1];
		if (c->pos - start > c->max)
			return kerr_set(KAERU_EPARSE, "line %ld: record longer than %zu bytes", r->line, c->max);
		if (c->pos < c->len && c->d[c->pos] == ',') {
			c->pos++;
			continue;
		}
		eol(c);
		break;
	}
	if (!ks_ok(&r->buf))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if ((v = kc_utf8_valid_prefix(c->d + start, c->pos - start)) < c->pos - start)
		return kerr_set(KAERU_EPARSE, "line %ld: invalid UTF-8 (byte %zu of the record)",
		    r->line, v + 1);
	if (memchr(c->d + start, '\0', c->pos - start) != NULL)
		return kerr_set(KAERU_EPARSE, "line %ld: NUL byte", r->line);
	return 1;
}

/* put_field - one CSV field, quoted when it must be */
static void
put_field(kstr *o, const char *s, size_t n)
{
	size_t i;
	int    q = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');

	for (i = 0; i < n && !q; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			q = 1;
	if (!q) {
		ks_add(o, s, n);
		return;
	}
	ks_addc(o, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			ks_addc(o, '"');
		ks_addc(o, s[i]);
	}
	ks_addc(o, '"');
}

/* put_row - the record's fields and one extra field, CRLF */
static void
put_row(kstr *o, const struct rec *r, const char *extra)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		put_field(o, r->buf.p + r->start[i], r->len[i]);
		ks_addc(o, ',');
	}
	put_field(o, extra, strlen(extra));
	ks_add(o, "\r\n", 2);
}

/* is_addr_header - a column name that holds addresses */
static int
is_addr_header(const char *s, size_t n)
{
	static const char *const names[] = { "email", "e-mail", "email_address",
		"emailaddress", "email address", "mail", "address", "recipient", "to", NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && k_strncaseeq(s, names[i], n))
			return 1;
	return 0;
}

/* pick_column - the address column and whether the first record is a header */
static int
pick_column(const struct rec *r, const char *want, size_t *col, int *header)
{
	size_t i;

	*col = 0;
	*header = 0;
	if (want != NULL && *want != '\0') {
		char *end;
		unsigned long v = strtoul(want, &end, 10);
		if (*end == '\0' && v > 0) {
			*col = v - 1;
			*header = *col >= r->n || memchr(r->buf.p + r->start[*col], '@', r->len[*col]) == NULL;
			return 0;
		}
		for (i = 0; i < r->n; i++)
			if (strlen(want) == r->len[i] && k_strncaseeq(r->buf.p + r->start[i], want, r->len[i])) {
				*col = i;
				*header = 1;
				return 0;
			}
		return kerr_set(KAERU_EINVAL, "line %ld: no column named \"%s\" in the header", r->line, want);
	}
	for (i = 0; i < r->n; i++)
		if (is_addr_header(r->buf.p + r->start[i], r->len[i])) {
			*col = i;
			*header = 1;
			return 0;
		}
	*header = r->n == 0 || memchr(r->buf.p, '@', r->len[0]) == NULL;
	return 0;
}

struct loadctx {
	struct kmap *supp, *dom;
};

static int
load_supp(void *arg, const kaeru_suppression *sp)
{
	struct loadctx *l = arg;

	return set_add(l->supp, sp->address, strlen(sp->address)) < 0 ?
	    kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

static int
load_dom(void *arg, const char *domain, int64_t since, const char *address)
{
	struct loadctx *l = arg;

	(void)since;
	(void)address;
	return set_add(l->dom, domain, strlen(domain)) < 0 ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

/* kaeru_clean - drop what must not be mailed, keep the rest */
int
kaeru_clean(kaeru_store *s, const char *data, size_t len, const kaeru_clean_opts *o,
    kaeru_buf *out, kaeru_buf *rejects, kaeru_clean_stats *st)
{
	kaeru_clean_opts  defo = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats dst;
	struct kmap	  supp, dom, seen;
	struct loadctx	  l = { &supp, &dom };
	struct rec	  r;
	struct csv	  c;
	kstr		  ko = KSTR_INIT, kr = KSTR_INIT, key = KSTR_INIT;
	size_t		  col = 0;
	int		  rc = 0, first = 1, header = 0;
	int		  fold = s == NULL || s->fold ? KADDR_FOLD : 0;

	if (out == NULL || (data == NULL && len > 0))
		return kerr_set(KAERU_EINVAL, "kaeru_clean: NULL argument");
	if (o == NULL)
		o = &defo;
	if (o->version != KAERU_CLEAN_OPTS_VERSION)
		return kerr_set(KAERU_EVERSION, "kaeru_clean_opts version %u, expected %u",
		    o->version, KAERU_CLEAN_OPTS_VERSION);
	if (st == NULL)
		st = &dst;
	memset(st, 0, sizeof(*st));
	memset(&supp, 0, sizeof(supp));
	memset(&dom, 0, sizeof(dom));
	memset(&seen, 0, sizeof(seen));
	memset(&r, 0, sizeof(r));
	c.d = data;
	c.len = len;
	c.pos = 0;
	c.line = 1;
	c.max = o->max_line ? o->max_line : DEFAULT_MAX_LINE;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c.pos = 3;
	if (s != NULL && ((rc = kaeru_store_suppressions(s, o->now, 0, load_supp, &l)) != 0 ||
	    (rc = kaeru_store_domains(s, load_dom, &l)) != 0))
		goto done;
	while ((rc = read_rec(&c, &r)) == 1) {
		const char *addr, *why = NULL, *drop = NULL, *typo = NULL, *at;
		size_t	    an;
		char	    hint[320];

		if (r.n == 1 && r.len[0] == 0)
			continue;	/* blank line */
		if (first) {
			first = 0;
			if ((rc = pick_column(&r, o->column, &col, &header)) != 0)
				goto done;
			if (header) {
				put_row(&ko, &r, "did_you_mean");
				put_row(&kr, &r, "dropped");
				continue;
			}
		}
		st->rows++;
		hint[0] = '\0';
		if (col >= r.n) {
			drop = "invalid: no address column";
			st->invalid++;
			goto put;
		}
		addr = r.buf.p + r.start[col];
		an = r.len[col];
		while (an > 0 && k_isspace((unsigned char)*addr)) {
			addr++;
			an--;
		}
		while (an > 0 && k_isspace((unsigned char)addr[an - 1]))
			an--;
		if (kaddr_norm(addr, an, &key, &why, KADDR_CHECK | fold) != 0) {
			if (!ks_ok(&key)) {
				rc = kerr_set(KAERU_ENOMEM, "out of memory");
				goto done;
			}
			snprintf(hint, sizeof(hint), "invalid: %s", why);
			drop = hint;
			st->invalid++;
			goto put;
		}
		at = strrchr(key.p, '@');
		if (kmap_find(&supp, key.p, key.len, NULL)) {
			drop = "suppressed";
			st->suppressed++;
		} else if (kmap_find(&dom, at + 1, strlen(at + 1), NULL)) {
			drop = "domain_does_not_exist";
			st->bad_domain++;
		} else {
			int a = set_add(&seen, key.p, key.len);
			if (a < 0) {
				rc = kerr_set(KAERU_ENOMEM, "out of memory");
				goto done;
			}
			if (a == 0) {
				drop = "duplicate";
				st->duplicate++;
			} else if ((typo = kaeru_domain_typo(at + 1)) != NULL) {
				/* The local part as written: the key may have folded its case. */
				const char *wat = addr + an;

				while (wat > addr && wat[-1] != '@')
					wat--;
				snprintf(hint, sizeof(hint), "%.*s%s", (int)(wat - addr), addr, typo);
				st->typos++;
			}
		}
put:
		if (drop != NULL) {
			if (rejects != NULL)
				put_row(&kr, &r, drop);
		} else {
			put_row(&ko, &r, hint);
			st->kept++;
		}
	}
done:
	if (rc == 0 && (!ks_ok(&ko) || !ks_ok(&kr)))
		rc = kerr_set(KAERU_ENOMEM, "out of memory");
	if (rc == 0) {
		kaeru_buf_dispose(out);
		out->ptr = ko.p;
		out->size = ko.len;
		out->asize = ko.cap;
		if (rejects != NULL) {
			kaeru_buf_dispose(rejects);
			rejects->ptr = kr.p;
			rejects->size = kr.len;
			rejects->asize = kr.cap;
		} else
			ks_dispose(&kr);
	} else {
		ks_dispose(&ko);
		ks_dispose(&kr);
		kaeru_buf_dispose(out);
		if (rejects != NULL)
			kaeru_buf_dispose(rejects);
	}
	ks_dispose(&key);
	ks_dispose(&r.buf);
	free(r.start);
	free(r.len);
	kmap_free(&supp);
	kmap_free(&dom);
	kmap_free(&seen);
	return rc;
}

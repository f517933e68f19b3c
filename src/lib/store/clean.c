/*
 * NAME
 *	clean - a mailing list in CSV, the mailable rows out
 * DESCRIPTION
 *	The suppressions in force and the flagged domains are loaded once
 *	into hash sets, then the CSV is read twice. The first pass decides:
 *	each row's address is validated (address.c), normalised, and
 *	checked against the suppressions, the flagged domains and the
 *	addresses already kept (duplicates: the same key, so the same
 *	address in any case unless the store keeps the local part's case);
 *	a verdict per row is kept (kept with a "did_you_mean" hint, or why
 *	dropped). Only when the whole input was good does the second pass
 *	hand each record and its verdict over (kaeru_clean_each); kaeru_clean
 *	writes them again as CSV (RFC 4180, CRLF) with a "did_you_mean"
 *	column, and the rejects with a "dropped" column.
 *
 *	Input: UTF-8 with or without a BOM (kaeru_list_to_utf8(), listenc.c,
 *	converts other encodings first); LF, CRLF and CR line ends, even
 *	mixed. The address column is the one named, else guessed from the
 *	first record (pick_column()). Broken quoting, invalid UTF-8, NUL bytes and records longer
 *	than max_line fail the whole run with the line number, and nothing
 *	is handed over (the outputs are emptied), so that nothing
 *	half-cleaned is ever written. kcsv_addresses() reads a list the same
 *	way for kaeru_store_list_import().
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
	/* Fields point into buf even when all are empty (",,"). */
	if (ks_reserve(&r->buf, 1) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
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

/*
 * put_field - one CSV field, quoted when it must be: a field that begins
 * with U+FEFF is quoted too, or a reader would take it, at the start of
 * the output, for a byte order mark and drop it
 */
static void
put_field(kstr *o, const char *s, size_t n)
{
	size_t i;
	int    q = n > 0 && (s[0] == ' ' || s[n - 1] == ' ' ||
	    (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0));

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

/*
 * addr_header - how surely a column name says addresses: 2 for a name
 *	that says nothing else (email, e-mail, メールアドレス, ...), 1 for one
 *	that holds "mail" or "メール" among other words (Work Email, PCメール),
 *	0 for none
 */
static int
addr_header(const char *s, size_t n)
{
	static const char *const names[] = { "email", "e-mail", "email_address",
		"emailaddress", "email address", "e-mail address", "mail", "mail address",
		"mailaddress", "mail_address", "address", "recipient", "to",
		"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9",	/* メールアドレス */
		"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab",		/* メール */
		"e\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab",		/* Eメール */
		"\xe9\x9b\xbb\xe5\xad\x90\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab",	/* 電子メール */
		"\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9",		/* アドレス */
		NULL };
	int i;

	while (n > 0 && k_isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && k_isspace((unsigned char)s[n - 1]))
		n--;
	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && k_strncaseeq(s, names[i], n))
			return 2;
	if (k_memmem_ci(s, n, "mail", 4) != NULL || k_memmem(s, n, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab", 9) != NULL ||
	    k_memmem(s, n, "\xef\xbe\x92\xef\xbd\xb0\xef\xbe\x99", 9) != NULL)	/* ﾒｰﾙ */
		return 1;
	return 0;
}

/* addr_like - a field that holds an '@' with something on each side */
static int
addr_like(const char *s, size_t n)
{
	const char *at = n > 2 ? memchr(s + 1, '@', n - 2) : NULL;

	return at != NULL;
}

/*
 * pick_column - the address column and whether the first record is a
 *	header. Unless the column is named (--column), a first record that
 *	holds an address is data, and its first field that holds one is the
 *	column; one that holds none is the header, and the column is the one
 *	it calls an address (email, メールアドレス, then Work Email), else the
 *	first. A data row whose note says "address" or "to" is no header,
 *	and cleaning the cleaned list again reads it as the first cleaning
 *	did (the header is written back; a headerless list's first kept row
 *	holds its address in the column, and only an address-like field in
 *	an earlier column of that row, absent from the first row, could move
 *	the guess).
 */
static int
pick_column(const struct rec *r, const char *want, size_t *col, int *header)
{
	size_t i, named = SIZE_MAX, addr = SIZE_MAX;
	int    best = 0;

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
	for (i = 0; i < r->n; i++) {
		int h = addr_header(r->buf.p + r->start[i], r->len[i]);

		if (h > best) {
			best = h;
			named = i;
		}
		if (addr == SIZE_MAX && addr_like(r->buf.p + r->start[i], r->len[i]))
			addr = i;
	}
	if (addr != SIZE_MAX) {
		*col = addr;
		return 0;
	}
	*header = 1;
	*col = named != SIZE_MAX ? named : 0;
	return 0;
}

/* What csv_rows() hands over: each record in turn. */
struct csvrow {
	const struct rec *r;
	int		  header;	/* the header record */
	const char	 *addr;		/* the address field, trimmed; NULL when the record has none */
	size_t		  an;
	size_t		  col;		/* the address column */
};

typedef int (*csvrow_fn)(void *arg, const struct csvrow *row);

/*
 * csv_rows - each record of a CSV list to fn, blank lines skipped, the
 * first record taken for a header as pick_column() decides; malformed
 * input fails with KAERU_EPARSE naming the line
 */
static int
csv_rows(const char *data, size_t len, const kaeru_clean_opts *o, csvrow_fn fn, void *arg)
{
	struct csv c;
	struct rec r;
	size_t	   col = 0;
	int	   rc, first = 1, header = 0;

	memset(&r, 0, sizeof(r));
	c.d = data;
	c.len = len;
	c.pos = 0;
	c.line = 1;
	c.max = o->max_line ? o->max_line : DEFAULT_MAX_LINE;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c.pos = 3;
	while ((rc = read_rec(&c, &r)) == 1) {
		struct csvrow row = { &r, 0, NULL, 0, 0 };

		if (r.n == 1 && r.len[0] == 0)
			continue;	/* blank line */
		if (first) {
			first = 0;
			if ((rc = pick_column(&r, o->column, &col, &header)) != 0)
				break;
			row.header = header;
		}
		row.col = col;
		if (!row.header && col < r.n) {
			row.addr = r.buf.p + r.start[col];
			row.an = r.len[col];
			while (row.an > 0 && k_isspace((unsigned char)*row.addr)) {
				row.addr++;
				row.an--;
			}
			while (row.an > 0 && k_isspace((unsigned char)row.addr[row.an - 1]))
				row.an--;
		}
		if ((rc = fn(arg, &row)) != 0)
			break;
	}
	ks_dispose(&r.buf);
	free(r.start);
	free(r.len);
	return rc;
}

/* A CSV list's addresses, for kcsv_addresses(). */
struct addrs_ctx {
	kcsv_fn fn;
	void	*arg;
};

static int
addrs_row(void *arg, const struct csvrow *row)
{
	struct addrs_ctx *x = arg;

	return row->header ? 0 : x->fn(x->arg, row->r->line, row->addr, row->an);
}

/* kcsv_addresses - each data row's address of a CSV list, read as kaeru_clean() reads it */
int
kcsv_addresses(const char *data, size_t len, const kaeru_clean_opts *o, kcsv_fn fn, void *arg)
{
	struct addrs_ctx x = { fn, arg };

	return csv_rows(data, len, o, addrs_row, &x);
}

/* The first pass of cleaning: a verdict per data row. */
struct verdict {
	int	kept;
	size_t	text;		/* did_you_mean or why dropped, in the pool */
};

struct decide {
	kaeru_clean_stats *st;
	struct kmap	   supp, dom, seen;
	kstr		   key, pool;
	struct verdict	  *v;
	size_t		   n, cap;
	int		   fold;
};

static int
load_supp(void *arg, const kaeru_suppression *sp)
{
	struct decide *d = arg;

	return set_add(&d->supp, sp->address, strlen(sp->address)) < 0 ?
	    kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

static int
load_dom(void *arg, const char *domain, int64_t since, const char *address)
{
	struct decide *d = arg;

	(void)since;
	(void)address;
	return set_add(&d->dom, domain, strlen(domain)) < 0 ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

/* decide_row - the verdict on one data row */
static int
decide_row(void *arg, const struct csvrow *row)
{
	struct decide  *d = arg;
	struct verdict *v;
	const char     *why = NULL, *drop = NULL, *typo = NULL, *at;
	char		hint[320];

	if (row->header)
		return 0;
	if (d->n == d->cap) {
		size_t		ncap = d->cap ? d->cap * 2 : 1024;
		struct verdict *nv = realloc(d->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		d->v = nv;
		d->cap = ncap;
	}
	v = &d->v[d->n++];
	d->st->rows++;
	hint[0] = '\0';
	if (row->addr == NULL) {
		drop = "invalid: no address column";
		d->st->invalid++;
	} else if (kaddr_norm(row->addr, row->an, &d->key, &why, KADDR_CHECK | d->fold) != 0) {
		if (!ks_ok(&d->key))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		snprintf(hint, sizeof(hint), "invalid: %s", why);
		drop = hint;
		d->st->invalid++;
	} else {
		at = strrchr(d->key.p, '@');
		if (kmap_find(&d->supp, d->key.p, d->key.len, NULL)) {
			drop = "suppressed";
			d->st->suppressed++;
		} else if (kmap_find(&d->dom, at + 1, strlen(at + 1), NULL)) {
			drop = "domain_does_not_exist";
			d->st->bad_domain++;
		} else {
			int a = set_add(&d->seen, d->key.p, d->key.len);
			if (a < 0)
				return kerr_set(KAERU_ENOMEM, "out of memory");
			if (a == 0) {
				drop = "duplicate";
				d->st->duplicate++;
			} else if ((typo = kaeru_domain_typo(at + 1)) != NULL) {
				/* The local part as written: the key may have folded its case. */
				const char *wat = row->addr + row->an;

				while (wat > row->addr && wat[-1] != '@')
					wat--;
				snprintf(hint, sizeof(hint), "%.*s%s", (int)(wat - row->addr), row->addr, typo);
				d->st->typos++;
			}
		}
	}
	v->kept = drop == NULL;
	if (v->kept)
		d->st->kept++;
	v->text = d->pool.len;
	ks_adds(&d->pool, drop != NULL ? drop : hint);
	ks_addc(&d->pool, '\0');
	return ks_ok(&d->pool) ? 0 : kerr_set(KAERU_ENOMEM, "out of memory");
}

/* The second pass: each record with its verdict to the callbacks. */
struct emit {
	const struct decide *d;
	kaeru_clean_cb	     kept, dropped;
	void		    *arg;
	size_t		     i;
	const char	   **fields;
	size_t		     nf;
};

static int
emit_row(void *arg, const struct csvrow *row)
{
	struct emit	   *e = arg;
	const struct rec   *r = row->r;
	kaeru_clean_row	    cr;
	size_t		    i;
	int		    rc;

	if (r->n > e->nf) {
		const char **nf = realloc(e->fields, r->n * sizeof(*nf));
		if (nf == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		e->fields = nf;
		e->nf = r->n;
	}
	for (i = 0; i < r->n; i++)
		e->fields[i] = r->buf.p + r->start[i];
	cr.line = r->line;
	cr.fields = e->fields;
	cr.lens = r->len;
	cr.n = r->n;
	cr.header = row->header;
	cr.column = row->col;
	if (row->header) {
		cr.extra = "did_you_mean";
		if (e->kept != NULL && (rc = e->kept(e->arg, &cr)) != 0)
			return rc;
		cr.extra = "dropped";
		return e->dropped != NULL ? e->dropped(e->arg, &cr) : 0;
	}
	cr.extra = e->d->pool.p + e->d->v[e->i].text;
	if (e->d->v[e->i++].kept)
		return e->kept != NULL ? e->kept(e->arg, &cr) : 0;
	return e->dropped != NULL ? e->dropped(e->arg, &cr) : 0;
}

/* kaeru_clean_each - the rows kept and dropped, once the whole input is known good */
int
kaeru_clean_each(kaeru_store *s, const char *data, size_t len, const kaeru_clean_opts *o,
    kaeru_clean_cb kept, kaeru_clean_cb dropped, void *arg, kaeru_clean_stats *st)
{
	kaeru_clean_opts  defo = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats dst;
	struct decide	  d;
	struct emit	  e;
	int		  rc = 0;

	if (data == NULL && len > 0)
		return kerr_set(KAERU_EINVAL, "kaeru_clean: NULL argument");
	if (o == NULL)
		o = &defo;
	if (o->version != KAERU_CLEAN_OPTS_VERSION)
		return kerr_set(KAERU_EVERSION, "kaeru_clean_opts version %u, expected %u",
		    o->version, KAERU_CLEAN_OPTS_VERSION);
	if (st == NULL)
		st = &dst;
	memset(st, 0, sizeof(*st));
	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	d.st = st;
	d.fold = s == NULL || s->fold ? KADDR_FOLD : 0;
	if (s != NULL && ((rc = kaeru_store_suppressions(s, o->now, 0, load_supp, &d)) != 0 ||
	    (rc = kaeru_store_domains(s, load_dom, &d)) != 0))
		goto done;
	if ((rc = csv_rows(data, len, o, decide_row, &d)) != 0)
		goto done;
	e.d = &d;
	e.kept = kept;
	e.dropped = dropped;
	e.arg = arg;
	rc = csv_rows(data, len, o, emit_row, &e);
done:
	kmap_free(&d.supp);
	kmap_free(&d.dom);
	kmap_free(&d.seen);
	ks_dispose(&d.key);
	ks_dispose(&d.pool);
	free(d.v);
	free(e.fields);
	return rc;
}

/* put_clean_row - a row back to CSV with its extra field */
static void
put_clean_row(kstr *o, const kaeru_clean_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		put_field(o, r->fields[i], r->lens[i]);
		ks_addc(o, ',');
	}
	put_field(o, r->extra, strlen(r->extra));
	ks_add(o, "\r\n", 2);
}

/* kaeru_clean_row_csv - one row as kaeru_clean() writes it, appended to out */
int
kaeru_clean_row_csv(const kaeru_clean_row *row, kaeru_buf *out)
{
	kstr k;

	if (row == NULL || out == NULL || (row->fields == NULL && row->n > 0) || row->extra == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_clean_row_csv: NULL argument");
	k = (kstr){ out->ptr, out->size, out->asize, 0 };
	put_clean_row(&k, row);
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	return ks_ok(&k) ? 0 : kerr_set(KAERU_ENOMEM, "out of memory");
}

static int
csv_kept(void *arg, const kaeru_clean_row *r)
{
	put_clean_row(&((kstr *)arg)[0], r);
	return 0;
}

static int
csv_dropped(void *arg, const kaeru_clean_row *r)
{
	put_clean_row(&((kstr *)arg)[1], r);
	return 0;
}

/* kaeru_clean - drop what must not be mailed, keep the rest, as CSV */
int
kaeru_clean(kaeru_store *s, const char *data, size_t len, const kaeru_clean_opts *o,
    kaeru_buf *out, kaeru_buf *rejects, kaeru_clean_stats *st)
{
	kstr k[2] = { KSTR_INIT, KSTR_INIT };
	int  rc;

	if (out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_clean: NULL argument");
	rc = kaeru_clean_each(s, data, len, o, csv_kept, rejects != NULL ? csv_dropped : NULL, k, st);
	if (rc == 0 && (!ks_ok(&k[0]) || !ks_ok(&k[1])))
		rc = kerr_set(KAERU_ENOMEM, "out of memory");
	kaeru_buf_dispose(out);
	if (rejects != NULL)
		kaeru_buf_dispose(rejects);
	if (rc != 0) {
		ks_dispose(&k[0]);
		ks_dispose(&k[1]);
		return rc;
	}
	out->ptr = k[0].p;
	out->size = k[0].len;
	out->asize = k[0].cap;
	if (rejects != NULL) {
		rejects->ptr = k[1].p;
		rejects->size = k[1].len;
		rejects->asize = k[1].cap;
	} else
		ks_dispose(&k[1]);
	return 0;
}

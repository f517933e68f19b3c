/*
 * NAME
 *	fuzz_csv - kaeru_clean: a CSV list in, the kept and dropped rows out
 * DESCRIPTION
 *	The first byte picks the options (the address column: guessed, by
 *	number or by name; the longest record: 1 MiB or a few bytes to a few
 *	KB), the rest is the list. Without a store, so no suppressions.
 *
 *	Malformed input must fail with KAERU_EPARSE (or KAERU_EINVAL for a
 *	column the header lacks) and hand nothing over. Good input must give
 *	counts that add up, valid UTF-8 out, and output that reads back: the
 *	kept CSV, cleaned again, keeps every row, and each row's fields read
 *	back as they were handed over with the did_you_mean column after
 *	them (the quoting of kaeru_clean's writer against its reader); the
 *	rows written one by one with kaeru_clean_row_csv() are kaeru_clean's
 *	output; the rejects are well-formed CSV too. Every row gives the
 *	same address column, and so does the second read. Before all that,
 *	kaeru_list_to_utf8() must leave UTF-8 alone and turn anything else
 *	into UTF-8 or refuse it naming the line.
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include "util/codec.h"

#include <string.h>

/* rows - fields of each row handed over, as length-prefixed bytes */
struct rows {
	kaeru_buf b;
	size_t	  n;
	int	  dropped_extra;	/* leave out the last field (the added column) */
	kaeru_buf csv;		/* the rows again, by kaeru_clean_row_csv() */
	size_t	  column;	/* the address column every row gave */
	int	  header;	/* a header row came */
};

static void
put(kaeru_buf *b, const void *p, size_t n)
{
	if (b->size + n + 1 > b->asize) {
		size_t na = b->asize ? b->asize : 256;
		while (na < b->size + n + 1)
			na *= 2;
		b->ptr = realloc(b->ptr, na);
		FUZZ_CHECK(b->ptr != NULL);
		b->asize = na;
	}
	if (n > 0)
		memcpy(b->ptr + b->size, p, n);
	b->size += n;
	b->ptr[b->size] = '\0';
}

static void
put_field(kaeru_buf *b, const char *s, size_t n)
{
	put(b, &n, sizeof(n));
	put(b, s, n);
}

/* keep - a row handed over: its fields, then the added column */
static int
keep(void *arg, const kaeru_clean_row *r)
{
	struct rows *x = arg;
	size_t	     i, nf = r->n;

	FUZZ_CHECK(r->fields != NULL || r->n == 0);
	FUZZ_CHECK(r->extra != NULL && r->line >= 1);
	FUZZ_CHECK(x->n == 0 || r->column == x->column);	/* one column for the whole list */
	x->column = r->column;
	x->header |= r->header;
	if (x->dropped_extra) {
		/* The second read: its own did_you_mean column is dropped. */
		put(&x->b, &nf, sizeof(nf));
		for (i = 0; i < nf; i++)
			put_field(&x->b, r->fields[i], r->lens[i]);
	} else {
		nf++;
		put(&x->b, &nf, sizeof(nf));
		for (i = 0; i < r->n; i++)
			put_field(&x->b, r->fields[i], r->lens[i]);
		put_field(&x->b, r->extra, strlen(r->extra));
		FUZZ_CHECK(kaeru_clean_row_csv(r, &x->csv) == 0);
	}
	x->n++;
	return 0;
}

/* drop_none - a dropped row when none may be: only the header comes */
static int
drop_none(void *arg, const kaeru_clean_row *r)
{
	(void)arg;
	FUZZ_CHECK(r->header);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const columns[] = { NULL, "1", "2", "email", "Address", "3" };
	kaeru_clean_opts  o = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats st, st2;
	kaeru_buf	  out = KAERU_BUF_INIT, rej = KAERU_BUF_INIT;
	struct rows	  first = { KAERU_BUF_INIT, 0, 0, KAERU_BUF_INIT, 0, 0 },
			  again = { KAERU_BUF_INIT, 0, 1, KAERU_BUF_INIT, 0, 0 };
	kaeru_buf	  u = KAERU_BUF_INIT;
	const char	 *d, *used;
	char		  col[24];
	int		  rc, rc2;

	if (size == 0)
		return 0;
	o.column = columns[data[0] % 6];
	if (data[0] & 0x80)
		o.max_line = 4 + (size_t)(data[0] & 0x70) * 8;
	d = (const char *)data + 1;
	size--;

	/*
	 * The list as UTF-8: valid UTF-8 stays as it is; anything else is
	 * converted whole, into UTF-8, or refused with the place named.
	 */
	rc = kaeru_list_to_utf8(d, size, NULL, &u, &used);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == KAERU_EPARSE);
	FUZZ_CHECK(rc != 0 || (u.size == 0 && kc_utf8_valid(d, size) && strcmp(used, "UTF-8") == 0));
	FUZZ_CHECK(rc != 1 || (used != NULL && kc_utf8_valid(u.ptr ? u.ptr : "", u.size)));
	FUZZ_CHECK(rc != KAERU_EPARSE || strncmp(kaeru_error_last(), "line ", 5) == 0);
	kaeru_buf_dispose(&u);

	rc = kaeru_clean(NULL, d, size, &o, &out, &rej, &st);
	if (rc != 0) {
		FUZZ_CHECK(rc == KAERU_EPARSE || rc == KAERU_EINVAL);
		FUZZ_CHECK(out.size == 0 && rej.size == 0);
		FUZZ_CHECK(kaeru_error_last() != NULL && kaeru_error_last()[0] != '\0');
		/* The row by row call agrees, and hands nothing over. */
		FUZZ_CHECK(kaeru_clean_each(NULL, d, size, &o, keep, keep, &first, NULL) == rc);
		FUZZ_CHECK(first.n == 0);
		goto done;
	}
	FUZZ_CHECK(st.suppressed == 0 && st.bad_domain == 0);
	FUZZ_CHECK(st.kept + st.invalid + st.duplicate == st.rows);
	FUZZ_CHECK(st.typos <= st.kept);
	FUZZ_CHECK(kc_utf8_valid(out.ptr ? out.ptr : "", out.size));
	FUZZ_CHECK(kc_utf8_valid(rej.ptr ? rej.ptr : "", rej.size));
	FUZZ_CHECK(out.size == 0 || (out.ptr[out.size - 2] == '\r' && out.ptr[out.size - 1] == '\n'));

	/* The kept rows as handed over, the header included. */
	FUZZ_CHECK(kaeru_clean_each(NULL, d, size, &o, keep, NULL, &first, &st2) == 0);
	FUZZ_CHECK(memcmp(&st, &st2, sizeof(st)) == 0);
	FUZZ_CHECK(first.n == st.kept || first.n == st.kept + 1);
	/* Row by row, kaeru_clean_row_csv() writes what kaeru_clean() wrote. */
	FUZZ_CHECK(first.csv.size == out.size && (out.size == 0 || memcmp(first.csv.ptr, out.ptr, out.size) == 0));

	/*
	 * The kept CSV read back, with the same options but no limit on a
	 * record's length: quoting can make a record longer.
	 */
	o.max_line = (size_t)-1;
	/*
	 * A guessed column past the first, in a list without a header, is
	 * read back by number: the first kept row may hold an address-like
	 * field before it that the first row did not (pick_column()).
	 */
	if (o.column == NULL && !first.header && first.column > 0) {
		snprintf(col, sizeof(col), "%zu", first.column + 1);
		o.column = col;
	}
	rc2 = kaeru_clean_each(NULL, out.ptr ? out.ptr : "", out.size, &o, keep, drop_none, &again, &st2);
	FUZZ_CHECK(rc2 == 0);
	FUZZ_CHECK(st2.rows == st.kept && st2.kept == st.kept && st2.typos == st.typos);
	FUZZ_CHECK(again.n == first.n);
	FUZZ_CHECK(again.n == 0 || again.column == first.column);
	FUZZ_CHECK(again.b.size == first.b.size);
	FUZZ_CHECK(first.b.size == 0 || memcmp(again.b.ptr, first.b.ptr, first.b.size) == 0);

	/* The rejects are CSV that reads. */
	FUZZ_CHECK(kaeru_clean_each(NULL, rej.ptr ? rej.ptr : "", rej.size, &o, NULL, NULL, NULL, &st2) == 0);
	FUZZ_CHECK(st2.rows + 1 >= st.rows - st.kept && st2.rows <= st.rows - st.kept);
done:
	kaeru_buf_dispose(&out);
	kaeru_buf_dispose(&rej);
	free(first.b.ptr);
	free(again.b.ptr);
	kaeru_buf_dispose(&first.csv);
	return 0;
}

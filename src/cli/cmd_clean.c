/*
 * NAME
 *	cmd_clean - kaeru clean: a CSV mailing list in, the mailable rows out
 * SYNOPSIS
 *	kaeru clean [--db URL] [--config FILE] [--column NAME|N] [--rejects FILE]
 *		    [--max-line BYTES] [--encoding NAME] [--output-encoding NAME|input]
 *		    [--no-store] [--format csv|table|jsonl|json] IN.csv|- > OUT
 * DESCRIPTION
 *	Drops suppressed addresses, addresses of domains flagged as not
 *	existing, invalid addresses and duplicates; kept rows get a
 *	"did_you_mean" column naming a likely typo (gmial.com -> gmail.com),
 *	the address itself is never rewritten. The store must exist (one
 *	made empty by a typo in --db would keep every suppressed address);
 *	--no-store reads none. --rejects writes the dropped
 *	rows with the reason. The input is read into memory (a snapshot: a
 *	file mapped instead could change between the two readings, and a
 *	verdict of the first would go to another row of the second) and
 *	checked whole before anything is written: malformed CSV fails with
 *	the line number and writes nothing (the rejects file is written to a
 *	temporary name and renamed). CSV goes out as the second reading
 *	hands each row over, not gathered first. A summary goes to standard
 *	error.
 *
 *	CSV is the default (clean is a filter: the list comes out as it went
 *	in, plus a column). --format table, jsonl or json carries the same
 *	columns: the header's names (column1, column2, ... without a header)
 *	and did_you_mean, or dropped in the rejects, which take the same
 *	format.
 *
 *	A list that is not UTF-8 is converted first (--encoding, or guessed
 *	and said: kaeru_list_to_utf8). The output is UTF-8, or with
 *	--output-encoding the list's own encoding ("input") or another, for
 *	a mailer that takes Shift_JIS: checked whole before the first row.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static void
clean_usage(FILE *f)
{
	fprintf(f, "usage: kaeru clean [--db URL] [--config FILE] [--column NAME|N] "
	    "[--rejects FILE] [--max-line BYTES] [--encoding NAME] [--output-encoding NAME|input] "
	    "[--no-store] [--format csv|table|jsonl|json] IN.csv|- > OUT\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "Writes the rows of a CSV list worth mailing: suppressed addresses, those of\n"
	    "domains flagged as not existing, invalid ones and duplicates are dropped;\n"
	    "kept rows get a did_you_mean column naming a likely typo (gmial.com). Malformed\n"
	    "CSV fails with its line number and writes nothing. A summary goes to stderr.\n"
	    "\n"
	    "  --column NAME|N     the address column (default: the one the header calls\n"
	    "                      email, mail, address, recipient, to, ..., else the first)\n"
	    "  --rejects FILE      also write the dropped rows, with the reason\n"
	    "  --max-line BYTES    the longest record (default 1 MiB)\n"
	    "  --encoding NAME     the list's encoding: CP932 (Shift_JIS), EUC-JP,\n"
	    "                      WINDOWS-1252, ... (default: UTF-8, else guessed and\n"
	    "                      said)\n"
	    "  --output-encoding NAME|input\n"
	    "                      CSV out (and rejects) in that encoding, or in the\n"
	    "                      list's own (default: UTF-8)\n"
	    "  --no-store          read no store: drop invalid addresses and duplicates\n"
	    "                      only (without it, a store that does not exist is an\n"
	    "                      error, not an empty one)\n");
	cli_store_help(f, "csv");
}

/* Rows kept in memory for --format table, jsonl or json. */
struct rows {
	char	**names;	/* the header's fields, then the added column's name */
	size_t	  nnames;
	char	***row;		/* each row: its fields, then the added column */
	size_t	 *n;		/* fields of each row, the added one included */
	size_t	  nrows, cap, most;
	int	  oom;
};

/* copy - fields[0..n) and extra as NUL-terminated strings; NULL out of memory */
static char **
copy(const kaeru_clean_row *r)
{
	char  **v = calloc(r->n + 1, sizeof(*v));
	size_t	i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < r->n; i++)
		if ((v[i] = strndup(r->fields[i], r->lens[i])) == NULL)
			break;
	if (i == r->n && (v[i] = strdup(r->extra)) != NULL)
		return v;
	while (i-- > 0)
		free(v[i]);
	free(v);
	return NULL;
}

/* keep_row - one row (or the header) into a struct rows */
static int
keep_row(void *arg, const kaeru_clean_row *r)
{
	struct rows *x = arg;
	char	   **v;

	if ((v = copy(r)) == NULL) {
		x->oom = 1;
		return KAERU_ENOMEM;
	}
	if (r->header) {
		x->names = v;
		x->nnames = r->n + 1;
		return 0;
	}
	if (x->nrows == x->cap) {
		size_t	 ncap = x->cap ? x->cap * 2 : 256;
		char  ***nr = realloc(x->row, ncap * sizeof(*nr));
		size_t	*nn;

		if (nr == NULL || (x->row = nr, nn = realloc(x->n, ncap * sizeof(*nn))) == NULL) {
			x->oom = 1;
			return KAERU_ENOMEM;
		}
		x->n = nn;
		x->cap = ncap;
	}
	x->row[x->nrows] = v;
	x->n[x->nrows++] = r->n + 1;
	if (r->n + 1 > x->most)
		x->most = r->n + 1;
	return 0;
}

/* The address column as the rows show it, and its name in the header. */
struct column {
	size_t	col;
	char	name[80];
};

/* column_seen - note the address column (and its header name) from a row */
static void
column_seen(struct column *c, const kaeru_clean_row *r)
{
	c->col = r->column;
	if (r->header && r->column < r->n) {
		size_t n = r->lens[r->column];
		if (n >= sizeof(c->name)) {
			n = sizeof(c->name) - 1;	/* cut at a character's start */
			while (n > 0 && (r->fields[r->column][n] & 0xc0) == 0x80)
				n--;
		}
		memcpy(c->name, r->fields[r->column], n);
		c->name[n] = '\0';
	}
}

/* The kept rows and the dropped ones, for kaeru_clean_each(). */
struct both {
	struct rows   kept, dropped;
	struct column column;
};

static int
keep_kept(void *arg, const kaeru_clean_row *r)
{
	column_seen(&((struct both *)arg)->column, r);
	return keep_row(&((struct both *)arg)->kept, r);
}

static int
keep_dropped(void *arg, const kaeru_clean_row *r)
{
	column_seen(&((struct both *)arg)->column, r);
	return keep_row(&((struct both *)arg)->dropped, r);
}

/* rows_free - release a struct rows */
static void
rows_free(struct rows *x)
{
	size_t i, j;

	for (i = 0; i < x->nrows; i++) {
		for (j = 0; j < x->n[i]; j++)
			free(x->row[i][j]);
		free(x->row[i]);
	}
	for (j = 0; j < x->nnames; j++)
		free(x->names[j]);
	free(x->names);
	free(x->row);
	free(x->n);
}

/*
 * rows_print - rows in a format on f: the header's names, "columnN" for
 * fields past them, the added column last (extra: its name)
 */
static int
rows_print(const struct rows *x, FILE *f, enum cli_format fmt, const char *extra)
{
	size_t	       nf = x->nnames > 0 ? x->nnames - 1 : 0, ncols, i, j;
	char	     **names;
	const char   **vals;
	struct cli_out o;
	int	       rc = 0;

	for (i = 0; i < x->nrows; i++)
		if (x->n[i] - 1 > nf)
			nf = x->n[i] - 1;
	ncols = nf + 1;
	names = calloc(ncols, sizeof(*names));
	vals = calloc(ncols, sizeof(*vals));
	if (names == NULL || vals == NULL) {
		free(names);
		free(vals);
		return -1;
	}
	for (i = 0; i < nf; i++) {
		if (x->nnames > 0 && i < x->nnames - 1)
			names[i] = strdup(x->names[i]);
		else if (asprintf(&names[i], "column%zu", i + 1) < 0)
			names[i] = NULL;
		if (names[i] == NULL)
			rc = -1;
	}
	names[nf] = strdup(extra);
	if (rc == 0 && names[nf] != NULL) {
		cli_out_open(&o, f, fmt, (const char *const *)names, ncols, 1);
		for (i = 0; rc == 0 && i < x->nrows; i++) {
			for (j = 0; j < nf; j++)
				vals[j] = j < x->n[i] - 1 ? x->row[i][j] : "";
			vals[nf] = x->row[i][x->n[i] - 1];
			rc = cli_out_row(&o, vals);
		}
		if (cli_out_end(&o) != 0)
			rc = -1;
	} else
		rc = -1;
	for (i = 0; i < ncols; i++)
		free(names[i]);
	free(names);
	free(vals);
	return rc;
}

/*
 * CSV as it comes: kaeru_clean_each() hands the rows over only once the
 * whole input was read and found good, so each is written at once,
 * through a buffer, and neither the input nor the output is held whole.
 */
struct sink {
	FILE	   *f;
	kaeru_buf   b;
	int	    failed;	/* a write failed */
	const char *enc;	/* --output-encoding: the bytes go out in it (NULL: UTF-8) */
	kaeru_buf   conv;
};

/*
 * sink_flush - the buffered bytes out (whole rows, so whole characters,
 *	converted when asked); -1 when the write failed
 */
static int
sink_flush(struct sink *k)
{
	const char *p = k->b.ptr;
	size_t	    n = k->b.size;

	if (k->f != NULL && n > 0 && k->enc != NULL) {
		k->conv.size = 0;
		/* The whole list was checked to convert before the first row. */
		if (kaeru_list_from_utf8(p, n, k->enc, &k->conv) != 0)
			k->failed = 1;
		p = k->conv.ptr;
		n = k->conv.size;
	}
	if (k->f != NULL && n > 0 && !k->failed && cli_write(k->f, p, n) != 0)
		k->failed = 1;
	k->b.size = 0;
	return k->failed ? -1 : 0;
}

static int
sink_row(struct sink *k, const kaeru_clean_row *r)
{
	if (kaeru_clean_row_csv(r, &k->b) != 0)
		return KAERU_ENOMEM;
	if (k->b.size >= 1 << 16 && sink_flush(k) != 0)
		return KAERU_EIO;
	return 0;
}

struct sinks {
	struct sink   kept, dropped;
	struct column column;
};

static int
sink_kept(void *arg, const kaeru_clean_row *r)
{
	column_seen(&((struct sinks *)arg)->column, r);
	return sink_row(&((struct sinks *)arg)->kept, r);
}

static int
sink_dropped(void *arg, const kaeru_clean_row *r)
{
	column_seen(&((struct sinks *)arg)->column, r);
	return sink_row(&((struct sinks *)arg)->dropped, r);
}

/* The rejects file: written under a temporary name, renamed when whole. */
struct rejfile {
	char  tmp[4096];
	FILE *f;
};

/* rej_open - create the temporary file for path; -1 (said) when it cannot be */
static int
rej_open(struct rejfile *x, const char *path)
{
	snprintf(x->tmp, sizeof(x->tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((x->f = fopen(x->tmp, "wb")) == NULL) {
		cli_warn("%s: %s", x->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* rej_close - close it and, when ok and it was written whole, rename it to path, else remove it */
static int
rej_close(struct rejfile *x, const char *path, int ok)
{
	int bad = ferror(x->f) != 0;

	if (fclose(x->f) != 0 || bad) {
		cli_warn("%s: cannot write", x->tmp);
		ok = 0;
	} else if (ok && rename(x->tmp, path) != 0) {
		cli_warn("%s: %s", path, strerror(errno));
		ok = 0;
	}
	x->f = NULL;
	if (!ok)
		unlink(x->tmp);
	return ok ? 0 : -1;
}

int
cmd_clean(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ "column", required_argument, NULL, 'k' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "output-encoding", required_argument, NULL, 'o' },
		{ "no-store", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_store_opts so = { NULL, NULL, FMT_CSV };
	const char	 *rejpath = NULL, *enc = NULL, *outenc = NULL, *read_as = "UTF-8";
	kaeru_clean_opts  o = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats st;
	struct both	  b;
	struct sinks	  k;
	struct rejfile	  rf;
	kaeru_buf	  in = KAERU_BUF_INIT;
	const char	 *data;
	kaeru_store	 *s = NULL;
	int		  c, rc, status = 0, nostore = 0;

	optind = 1;
	while ((c = cli_store_getopt(&so, argc, argv, "k:r:m:e:o:", longopts, clean_usage, &status)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return status;
		case 'e':
			enc = optarg;
			break;
		case 'o':
			outenc = optarg;
			break;
		case 'N':
			nostore = 1;
			break;
		case 'k':
			o.column = optarg;
			break;
		case 'r':
			rejpath = optarg;
			break;
		case 'm': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end != '\0' || v == 0) {
				cli_warn("--max-line wants a number of bytes");
				return EXIT_USAGE;
			}
			o.max_line = (size_t)v;
			break;
		}
		}
	}
	if (optind + 1 != argc) {
		clean_usage(stderr);
		return EXIT_USAGE;
	}
	if (outenc != NULL && so.fmt != FMT_CSV) {
		cli_warn("--output-encoding is for CSV output");
		return EXIT_USAGE;
	}
	if (nostore && (so.db != NULL || so.conf != NULL)) {
		cli_warn("--no-store reads no store: --db and --config do not go with it");
		return EXIT_USAGE;
	}
	memset(&rf, 0, sizeof(rf));
	if (cli_slurp(argv[optind], &in) != 0) {
		kaeru_buf_dispose(&in);
		return EXIT_INPUT;
	}
	if ((rc = cli_list_utf8(argv[optind], enc, &in, &read_as)) != 0) {
		kaeru_buf_dispose(&in);
		return rc;
	}
	/*
	 * --output-encoding: the list as it came (input), or as named. Every
	 * row goes out in it, so the whole list must convert before the
	 * first is written: a name the encoding cannot hold fails the run.
	 */
	if (outenc != NULL && strcmp(outenc, "input") == 0)
		outenc = read_as;
	if (outenc != NULL && strcasecmp(outenc, "UTF-8") == 0)
		outenc = NULL;
	if (outenc != NULL) {
		kaeru_buf chk = KAERU_BUF_INIT;
		rc = kaeru_list_from_utf8(in.ptr, in.size, outenc, &chk);
		kaeru_buf_dispose(&chk);
		if (rc != 0) {
			cli_warn("%s: --output-encoding %s: %s", argv[optind], outenc, kaeru_error_last());
			kaeru_buf_dispose(&in);
			return rc == KAERU_EINVAL ? EXIT_USAGE : rc == KAERU_EPARSE ? EXIT_INPUT : EXIT_FAILURE_;
		}
	}
	/*
	 * The store must exist: a list cleaned against an empty one made by a
	 * typo would keep every suppressed address, and nothing would say so.
	 */
	if (!nostore && (rc = cli_store_open(so.db, so.conf, 0,
	    "kaeru clean --no-store drops invalid addresses and duplicates only", &s)) != 0) {
		kaeru_buf_dispose(&in);
		return rc;
	}
	/*
	 * With a rejects file to finish or remove, a reader that goes away
	 * (| head) must make a write fail, not kill the process and leave
	 * the temporary file behind.
	 */
	if (rejpath != NULL)
		signal(SIGPIPE, SIG_IGN);
	if (rejpath != NULL && rej_open(&rf, rejpath) != 0) {
		kaeru_store_free(s);
		kaeru_buf_dispose(&in);
		return EXIT_FAILURE_;
	}
	o.now = (int64_t)time(NULL);
	data = in.ptr ? in.ptr : "";
	memset(&b, 0, sizeof(b));
	memset(&k, 0, sizeof(k));
	if (so.fmt == FMT_CSV) {
		k.kept.f = stdout;
		k.dropped.f = rf.f;
		k.kept.enc = k.dropped.enc = outenc;
		rc = kaeru_clean_each(s, data, in.size, &o, sink_kept, rejpath ? sink_dropped : NULL, &k, &st);
		if (rc == 0 && (sink_flush(&k.kept) != 0 || sink_flush(&k.dropped) != 0))
			rc = KAERU_EIO;
	} else
		rc = kaeru_clean_each(s, data, in.size, &o, keep_kept, rejpath ? keep_dropped : NULL,
		    &b, &st);
	kaeru_store_free(s);
	kaeru_buf_dispose(&in);
	kaeru_buf_dispose(&k.kept.b);
	kaeru_buf_dispose(&k.dropped.b);
	kaeru_buf_dispose(&k.kept.conv);
	kaeru_buf_dispose(&k.dropped.conv);
	if (rc != 0 && k.kept.failed) {
		cli_warn("cannot write the output");
		status = EXIT_FAILURE_;
	} else if (rc != 0 && k.dropped.failed) {
		cli_warn("%s: cannot write", rf.tmp);
		status = EXIT_FAILURE_;
	} else if (rc != 0) {
		cli_warn("%s: %s", argv[optind], kaeru_error_last());
		status = rc == KAERU_EPARSE || rc == KAERU_EINVAL ? EXIT_INPUT : EXIT_FAILURE_;
	} else if (so.fmt != FMT_CSV && rejpath != NULL &&
	    (rows_print(&b.dropped, rf.f, so.fmt, "dropped") != 0 || ferror(rf.f))) {
		cli_warn("%s: cannot write", rf.tmp);
		status = EXIT_FAILURE_;
	}
	if (status == 0 && ((so.fmt != FMT_CSV && rows_print(&b.kept, stdout, so.fmt, "did_you_mean") != 0) ||
	    fflush(stdout) != 0 || ferror(stdout))) {
		cli_warn("cannot write the output");
		status = EXIT_FAILURE_;
	}
	/* The rejects are kept only when everything was written. */
	if (rejpath != NULL && rej_close(&rf, rejpath, status == 0) != 0 && status == 0)
		status = EXIT_FAILURE_;
	rows_free(&b.kept);
	rows_free(&b.dropped);
	/* A guess other than the first column is said, with its header name. */
	if (status == 0 && o.column == NULL && (so.fmt == FMT_CSV ? &k.column : &b.column)->col > 0) {
		const struct column *c = so.fmt == FMT_CSV ? &k.column : &b.column;
		if (c->name[0] != '\0')
			fprintf(stderr, "kaeru: clean: the addresses are column %zu, \"%s\" (--column names another)\n",
			    c->col + 1, c->name);
		else
			fprintf(stderr, "kaeru: clean: the addresses are column %zu (--column names another)\n",
			    c->col + 1);
	}
	if (status == 0)
		fprintf(stderr, "kaeru: clean: %zu rows, %zu kept, %zu suppressed, %zu invalid, "
		    "%zu duplicates, %zu in dead domains, %zu likely typos\n", st.rows, st.kept,
		    st.suppressed, st.invalid, st.duplicate, st.bad_domain, st.typos);
	return status;
}

/*
 * NAME
 *	cli_store - what the store commands share: opening, dates, rows
 * DESCRIPTION
 *	cli_store_open() finds the database (--db, then $KAERU_DB, then the
 *	default file) and the policy (--config, then
 *	$XDG_CONFIG_HOME/kaeru/kaeru.conf or ~/.config/kaeru/kaeru.conf when
 *	it exists). cli_store_getopt() parses the options every store command
 *	takes. cli_out prints rows as a table, JSON lines, JSON or CSV; a
 *	table is kept in memory (its cells are strdup'ed and freed by
 *	cli_out_end) to size the columns.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * cli_store_getopt - the next option of a store command's own (own: its
 * short options), --db, --config, --format and --help taken care of;
 * CLI_OPT_END at the end, CLI_OPT_EXIT with *status after --help (usage
 * on stdout, 0) or a bad option (usage on stderr, EXIT_USAGE)
 */
int
cli_store_getopt(struct cli_store_opts *o, int argc, char **argv, const char *own,
    const struct option *longopts, void (*usage)(FILE *), int *status)
{
	char shortopts[64];
	int  c;

	snprintf(shortopts, sizeof(shortopts), "d:c:f:h%s", own);
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->db = optarg;
			break;
		case 'c':
			o->conf = optarg;
			break;
		case 'f':
			if (cli_format_opt(optarg, &o->fmt, "table, jsonl, json, csv") != 0) {
				*status = EXIT_USAGE;
				return CLI_OPT_EXIT;
			}
			break;
		case 'h':
			usage(stdout);
			*status = 0;
			return CLI_OPT_EXIT;
		case '?':
		case ':':
			usage(stderr);
			*status = EXIT_USAGE;
			return CLI_OPT_EXIT;
		default:
			return c;
		}
	}
	return CLI_OPT_END;
}

void
cli_store_help(FILE *f, const char *fmt)
{
	fprintf(f, "  --db URL            the store: a SQLite file or postgresql://... (default:\n"
	    "                      $KAERU_DB, else $XDG_DATA_HOME/kaeru/kaeru.db or\n"
	    "                      ~/.local/share/kaeru/kaeru.db)\n"
	    "  --config FILE       the policy (default: $XDG_CONFIG_HOME/kaeru/kaeru.conf\n"
	    "                      or ~/.config/kaeru/kaeru.conf when it exists)\n"
	    "  --format FMT        table, jsonl, json or csv (default %s)\n", fmt);
}

/*
 * cli_store_open - open the store the options name; prints the failure.
 *	create 0 for a command that only reads: a store that does not exist
 *	is said to be missing, where opening it would have made an empty one
 *	(--db with a typo gave "0 events" and left a new file behind).
 */
int
cli_store_open(const char *db, const char *conf, int create, const char *hint, kaeru_store **out)
{
	kaeru_policy pol;
	char	     path[4096];
	const char  *x, *home;
	int	     rc;

	kaeru_policy_defaults(&pol);
	if (conf == NULL) {
		path[0] = '\0';
		if ((x = getenv("XDG_CONFIG_HOME")) != NULL && *x == '/')
			snprintf(path, sizeof(path), "%s/kaeru/kaeru.conf", x);
		else if ((home = getenv("HOME")) != NULL && *home != '\0')
			snprintf(path, sizeof(path), "%s/.config/kaeru/kaeru.conf", home);
		if (path[0] != '\0' && access(path, R_OK) == 0)
			conf = path;
	}
	if (conf != NULL && kaeru_policy_load(&pol, conf) != 0) {
		cli_warn("%s", kaeru_error_last());
		return EXIT_USAGE;
	}
	if (db == NULL && (x = getenv("KAERU_DB")) != NULL && *x != '\0')
		db = x;
	if ((rc = create ? kaeru_store_open(out, db, &pol) : kaeru_store_open_existing(out, db, &pol)) != 0) {
		if (rc == KAERU_ENOTFOUND)
			cli_warn("%s: nothing was stored there yet (kaeru ingest, suppressions add or lists "
			    "create makes it; --db or $KAERU_DB names another)%s%s", kaeru_error_last(), hint ? "; " : "",
			    hint ? hint : "");
		else
			cli_warn("%s", kaeru_error_last());
		return rc == KAERU_ENOTFOUND ? EXIT_INPUT : EXIT_FAILURE_;
	}
	return 0;
}

/*
 * cli_list_utf8 - in (a list read from path) as UTF-8: converted from
 *	encoding, or from what kaeru_list_to_utf8() guessed, which is said on
 *	stderr (*used: the encoding read, as iconv names it); 0, or the exit
 *	status of a failure (said)
 */
int
cli_list_utf8(const char *path, const char *encoding, kaeru_buf *in, const char **usedp)
{
	kaeru_buf   u = KAERU_BUF_INIT;
	const char *used;
	int	    rc = kaeru_list_to_utf8(in->ptr, in->size, encoding, &u, &used);

	if (rc < 0) {
		cli_warn("%s: %s", path, kaeru_error_last());
		kaeru_buf_dispose(&u);
		return rc == KAERU_EINVAL ? EXIT_USAGE : rc == KAERU_EPARSE ? EXIT_INPUT : EXIT_FAILURE_;
	}
	if (rc == 1) {
		if (encoding == NULL)
			cli_warn("%s: not UTF-8: read as %s%s (--encoding names another)", path, used,
			    strcmp(used, "CP932") == 0 ? " (Shift_JIS)" : "");
		kaeru_buf_dispose(in);
		*in = u;
	}
	if (usedp != NULL)
		*usedp = used;
	return 0;
}

/* cli_slurp - a whole file (or standard input, "-") into b; prints the failure */
int
cli_slurp(const char *path, kaeru_buf *b)
{
	FILE  *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (b->asize - b->size < 65536) {
			size_t ncap = b->asize ? b->asize * 2 : 1 << 20;
			char  *np = realloc(b->ptr, ncap);
			if (np == NULL) {
				cli_warn("%s: out of memory", path);
				if (f != stdin)
					fclose(f);
				return -1;
			}
			b->ptr = np;
			b->asize = ncap;
		}
		n = fread(b->ptr + b->size, 1, b->asize - b->size - 1, f);
		b->size += n;
		if (n == 0)
			break;
	}
	b->ptr[b->size] = '\0';
	if (ferror(f)) {
		cli_warn("%s: read error", path);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* cli_date - YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS (UTC), Nd (N days ago) or seconds since the epoch */
int
cli_date(const char *s, int64_t *out)
{
	struct tm tm;
	char	 *end;
	long long v;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) != NULL && *end == '\0') {
		*out = (int64_t)timegm(&tm);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0') {
		*out = (int64_t)timegm(&tm);
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (end != s && v >= 0 && strcmp(end, "d") == 0) {
		*out = (int64_t)time(NULL) - (int64_t)v * 86400;
		return 0;
	}
	if (end != s && *end == '\0' && v >= 0) {
		*out = (int64_t)v;
		return 0;
	}
	return -1;
}

/* cli_time - ISO 8601 UTC, or "" for 0 */
void
cli_time(int64_t t, char buf[32])
{
	time_t	  tt = (time_t)t;
	struct tm tm;

	buf[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* colname - a column's printed name */
static const char *
colname(const char *c)
{
	return c[0] == '#' ? c + 1 : c;
}

/* csv_put - one CSV field */
static void
csv_put(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * cli_out_open - begin a listing on f; literal: the column names are
 * printed as they are (no '#' number columns: names from user data)
 */
void
cli_out_open(struct cli_out *o, FILE *f, enum cli_format fmt, const char *const *cols,
    size_t ncols, int literal)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = ncols;
	o->literal = literal;
}

/* head - the CSV header or the JSON array's opening, once, before the first row or at the end */
static void
head(struct cli_out *o)
{
	size_t i;

	if (o->started)
		return;
	o->started = 1;
	if (o->fmt == FMT_CSV) {
		for (i = 0; i < o->ncols; i++) {
			if (i)
				fputc(',', o->f);
			csv_put(o->f, o->literal ? o->cols[i] : colname(o->cols[i]));
		}
		fputs("\r\n", o->f);
	} else if (o->fmt == FMT_JSON)
		fputc('[', o->f);
}

/* cli_out_start - begin a listing on standard output */
void
cli_out_start(struct cli_out *o, enum cli_format fmt, const char *const *cols, size_t ncols)
{
	cli_out_open(o, stdout, fmt, cols, ncols, 0);
}

/* name - column i's printed name */
static const char *
name(const struct cli_out *o, size_t i)
{
	return o->literal ? o->cols[i] : colname(o->cols[i]);
}

/* cli_out_row - one row of ncols values */
int
cli_out_row(struct cli_out *o, const char *const *vals)
{
	kaeru_buf b = KAERU_BUF_INIT;
	size_t	  i;

	head(o);
	switch (o->fmt) {
	case FMT_CSV:
		for (i = 0; i < o->ncols; i++) {
			if (i)
				fputc(',', o->f);
			csv_put(o->f, vals[i]);
		}
		fputs("\r\n", o->f);
		break;
	case FMT_JSON:
	case FMT_JSONL:
		if (o->fmt == FMT_JSON)
			fputs(o->rows ? ",\n" : "\n", o->f);
		fputc('{', o->f);
		for (i = 0; i < o->ncols; i++) {
			b.size = 0;
			if (i)
				fputc(',', o->f);
			kaeru_json_string(name(o, i), strlen(name(o, i)), &b);
			cli_write(o->f, b.ptr, b.size);
			fputc(':', o->f);
			if (!o->literal && o->cols[i][0] == '#' && vals[i][0] != '\0')
				fputs(vals[i], o->f);
			else {
				b.size = 0;
				kaeru_json_string(vals[i], strlen(vals[i]), &b);
				cli_write(o->f, b.ptr, b.size);
			}
		}
		fputc('}', o->f);
		if (o->fmt == FMT_JSONL)
			fputc('\n', o->f);
		kaeru_buf_dispose(&b);
		break;
	case FMT_TABLE:
		if (o->rows == o->cap) {
			size_t ncap = o->cap ? o->cap * 2 : 64;
			char **nc = realloc(o->cells, ncap * o->ncols * sizeof(*nc));
			if (nc == NULL)
				return -1;
			o->cells = nc;
			o->cap = ncap;
		}
		for (i = 0; i < o->ncols; i++)
			if ((o->cells[o->rows * o->ncols + i] = strdup(vals[i])) == NULL) {
				while (i-- > 0)
					free(o->cells[o->rows * o->ncols + i]);
				return -1;
			}
		break;
	}
	o->rows++;
	return 0;
}

/* cli_out_abort - after a failure: print nothing more, free everything */
void
cli_out_abort(struct cli_out *o)
{
	size_t r;

	for (r = 0; o->fmt == FMT_TABLE && r < o->rows * o->ncols; r++)
		free(o->cells[r]);
	free(o->cells);
	o->cells = NULL;
	if (o->started && o->fmt == FMT_JSON)
		fputs("\n]\n", o->f);	/* rows went out: keep the JSON whole */
}

/* cli_out_end - print a table, close a JSON array, free everything */
int
cli_out_end(struct cli_out *o)
{
	size_t *w, i, r;

	head(o);
	if (o->fmt == FMT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->f);
	if (o->fmt != FMT_TABLE)
		return 0;
	if ((w = calloc(o->ncols, sizeof(*w))) == NULL)
		return -1;
	for (i = 0; i < o->ncols; i++)
		w[i] = cli_width(name(o, i));
	for (r = 0; r < o->rows; r++)
		for (i = 0; i < o->ncols; i++) {
			size_t x = cli_width(o->cells[r * o->ncols + i]);
			if (x > w[i])
				w[i] = x;
		}
	for (i = 0; i < o->ncols; i++)
		if (i + 1 < o->ncols)
			fprintf(o->f, "%-*s  ", (int)w[i], name(o, i));
		else
			fprintf(o->f, "%s\n", name(o, i));
	for (i = 0; i < o->ncols; i++) {
		size_t k;
		for (k = 0; k < w[i]; k++)
			fputc('-', o->f);
		fputs(i + 1 < o->ncols ? "  " : "\n", o->f);
	}
	for (r = 0; r < o->rows; r++)
		for (i = 0; i < o->ncols; i++) {
			const char *c = o->cells[r * o->ncols + i];
			fputs(c, o->f);
			if (i + 1 < o->ncols)
				fprintf(o->f, "%*s  ", (int)(w[i] - cli_width(c)), "");
			else
				fputc('\n', o->f);
		}
	for (r = 0; r < o->rows * o->ncols; r++)
		free(o->cells[r]);
	free(o->cells);
	free(w);
	o->cells = NULL;
	return 0;
}

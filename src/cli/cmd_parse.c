/*
 * NAME
 *	cmd_parse - kaeru parse: bounces in, one record per recipient out
 * SYNOPSIS
 *	kaeru parse [--format jsonl|json|csv|table] [--only bounces]
 *		    [--max-size BYTES] [--explain] [--lang en|ja] PATH...
 * DESCRIPTION
 *	PATH is a file, "-" for standard input, a directory, a Maildir or an
 *	mbox. Every record is printed, labelled by its kind (bounce,
 *	delivered, feedback, vacation); --only bounces keeps failures. A
 *	path that cannot be read gets one line on stderr naming it; the run
 *	goes on and the exit status is 1. --explain adds a field (a column)
 *	"explanation": what the record's status code means and what to do,
 *	from kaeru_explain() (the reply code when the status is a bare
 *	X.0.0), in the language of --lang or of the locale.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Columns of --format table. */
static const char *const table_fields[] = {
	"recipient", "reason", "deliverystatus", "replycode", "hardbounce",
	"action_hint", "origin",
};
#define NTABLE (sizeof(table_fields) / sizeof(table_fields[0]))

struct table {
	char  **cells;		/* rows * (NTABLE + 1) */
	size_t	rows;
	size_t	cap;
	size_t	ncols;		/* NTABLE, or NTABLE + 1 with the explanation */
	size_t	width[NTABLE + 1];
};

#define NCELLS (NTABLE + 1)

static void
parse_usage(FILE *f)
{
	fprintf(f, "usage: kaeru parse [--format jsonl|json|csv|table] [--only bounces] "
	    "[--max-size BYTES] [--explain] [--lang en|ja] PATH...\n");
}

/* display_width - columns a UTF-8 string takes (wide East Asian counted 2) */
static size_t
display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p < 0x80) {
			w++;
			p++;
		} else if ((*p & 0xe0) == 0xc0) {
			w++;
			p += 2;
		} else if ((*p & 0xf0) == 0xe0) {
			w += 2;
			p += 3;
		} else {
			w += 2;
			p += 4;
		}
	}
	return w;
}

static int
table_add(struct table *t, const kaeru_record *r, const char *explanation)
{
	kaeru_buf b = KAERU_BUF_INIT;
	size_t	  i;

	if (t->rows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cells, ncap * NCELLS * sizeof(*nc));
		if (nc == NULL)
			return -1;
		t->cells = nc;
		t->cap = ncap;
	}
	for (i = 0; i < NTABLE; i++) {
		char  *c;
		size_t w;
		if (kaeru_record_field(r, table_fields[i], &b) != 0 || (c = strdup(b.ptr ? b.ptr : "")) == NULL) {
			kaeru_buf_dispose(&b);
			return -1;
		}
		t->cells[t->rows * NCELLS + i] = c;
		if ((w = display_width(c)) > t->width[i])
			t->width[i] = w;
	}
	kaeru_buf_dispose(&b);
	t->cells[t->rows * NCELLS + NTABLE] = NULL;
	if (explanation != NULL && (t->cells[t->rows * NCELLS + NTABLE] = strdup(explanation)) == NULL) {
		for (i = 0; i < NTABLE; i++)
			free(t->cells[t->rows * NCELLS + i]);
		return -1;
	}
	t->rows++;
	return 0;
}

/* table_name - the heading of a column */
static const char *
table_name(size_t i)
{
	return i < NTABLE ? table_fields[i] : "explanation";
}

static void
table_print(struct table *t)
{
	size_t i, r, n = t->ncols;

	for (i = 0; i < n; i++)
		if (strlen(table_name(i)) > t->width[i])
			t->width[i] = strlen(table_name(i));
	for (i = 0; i < n; i++)
		if (i + 1 < n)
			printf("%-*s  ", (int)t->width[i], table_name(i));
		else
			printf("%s\n", table_name(i));
	for (i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < t->width[i]; k++)
			putchar('-');
		fputs(i + 1 < n ? "  " : "\n", stdout);
	}
	for (r = 0; r < t->rows; r++)
		for (i = 0; i < n; i++) {
			const char *c = t->cells[r * NCELLS + i];
			size_t	    pad;
			if (c == NULL)
				c = "";
			pad = t->width[i] - display_width(c);
			fputs(c, stdout);
			if (i + 1 < n)
				printf("%*s  ", (int)pad, "");
			else
				putchar('\n');
		}
	for (r = 0; r < t->rows * NCELLS; r++)
		free(t->cells[r]);
	free(t->cells);
}

/* explanation_of - the explanation line of a record's code into out ("" if none) */
static void
explanation_of(const kaeru_record *r, const char *lang, kaeru_buf *out)
{
	const char	 *code = r->deliverystatus;
	size_t		  n = strlen(code);
	kaeru_explanation e;

	out->size = 0;
	if ((n == 0 || (n > 4 && strcmp(code + n - 4, ".0.0") == 0)) && r->replycode[0] != '\0')
		code = r->replycode;
	if (code[0] == '\0' || kaeru_explain(code, lang, &e) != 0 || kaeru_explanation_line(&e, out) != 0)
		out->size = 0;
	if (out->ptr != NULL)
		out->ptr[out->size] = '\0';
}

/* add_json_field - turn a JSON object's closing brace into ,"explanation":... } */
static void
add_json_field(kaeru_buf *out, const kaeru_buf *text, int pretty)
{
	kaeru_buf v = KAERU_BUF_INIT;
	size_t	  close = pretty ? 2 : 1;

	if (out->size < close || kaeru_json_string(text->ptr ? text->ptr : "", text->size, &v) != 0) {
		kaeru_buf_dispose(&v);
		return;
	}
	out->size -= close;
	cli_write(stdout, out->ptr, out->size);
	fputs(pretty ? ",\n  \"explanation\": " : ",\"explanation\":", stdout);
	cli_write(stdout, v.ptr, v.size);
	fputs(pretty ? "\n}" : "}", stdout);
	kaeru_buf_dispose(&v);
}

/* csv_cell - one RFC 4180 cell, always quoted */
static void
csv_cell(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	putchar('"');
}

int
cmd_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "only", required_argument, NULL, 'o' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "explain", no_argument, NULL, 'x' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_format	  fmt = FMT_JSONL;
	int		  only_bounces = 0, c, i, status = 0, nrec = 0, explain = 0;
	const char	 *lang = NULL;
	kaeru_parse_opts  po = KAERU_PARSE_OPTS_INIT;
	kaeru_reader_opts ro = KAERU_READER_OPTS_INIT;
	kaeru_parser	 *p;
	kaeru_buf	  out = KAERU_BUF_INIT, text = KAERU_BUF_INIT;
	struct table	  tab;

	memset(&tab, 0, sizeof(tab));
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:m:xl:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_format(optarg, &fmt) != 0) {
				cli_warn("unknown format \"%s\" (jsonl, json, csv, table)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			if (strcmp(optarg, "bounces") != 0 && strcmp(optarg, "all") != 0) {
				cli_warn("--only takes \"bounces\" or \"all\"");
				return EXIT_USAGE;
			}
			only_bounces = strcmp(optarg, "bounces") == 0;
			break;
		case 'm': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end != '\0' || v == 0) {
				cli_warn("--max-size wants a number of bytes");
				return EXIT_USAGE;
			}
			po.max_mail_size = ro.max_mail_size = (size_t)v;
			break;
		}
		case 'x':
			explain = 1;
			break;
		case 'l':
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "ja") != 0) {
				cli_warn("unknown language \"%s\" (en, ja)", optarg);
				return EXIT_USAGE;
			}
			lang = optarg;
			break;
		case 'h':
			parse_usage(stdout);
			return 0;
		default:
			parse_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		parse_usage(stderr);
		return EXIT_USAGE;
	}
	if (kaeru_parser_new(&p, &po) != 0) {
		cli_warn("%s", kaeru_error_last());
		return EXIT_FAILURE_;
	}
	if (lang == NULL)
		lang = cli_lang();
	tab.ncols = explain ? NTABLE + 1 : NTABLE;
	if (fmt == FMT_CSV) {
		kaeru_record_csv_header(&out);
		if (explain && out.size >= 2) {
			out.size -= 2;	/* CRLF */
			cli_write(stdout, out.ptr, out.size);
			fputs(",explanation\r\n", stdout);
		} else
			cli_write(stdout, out.ptr, out.size);
	} else if (fmt == FMT_JSON)
		fputs("[", stdout);
	for (i = optind; i < argc; i++) {
		kaeru_reader *r;
		kaeru_mail    m;
		int	      rc;

		if (kaeru_reader_open(&r, argv[i], &ro) != 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_INPUT;
			continue;
		}
		while ((rc = kaeru_reader_next(r, &m)) != 0) {
			const kaeru_record *rec;
			size_t		    n, k;

			if (rc < 0) {
				cli_warn("%s", kaeru_error_last());
				status = EXIT_INPUT;
				continue;
			}
			if (kaeru_parser_parse(p, m.data, m.len, m.origin, &rec, &n) != 0) {
				cli_warn("%s: %s", m.origin, kaeru_error_last());
				status = EXIT_INPUT;
				continue;
			}
			for (k = 0; k < n; k++) {
				kaeru_record rr = rec[k];
				if (only_bounces && rr.kind != KAERU_KIND_BOUNCE)
					continue;
				if (m.truncated)
					rr.flags |= KAERU_RECORD_TRUNCATED;
				out.size = 0;
				if (explain)
					explanation_of(&rr, lang, &text);
				switch (fmt) {
				case FMT_JSONL:
					kaeru_record_json(&rr, 0, &out);
					if (explain)
						add_json_field(&out, &text, 0);
					else
						cli_write(stdout, out.ptr, out.size);
					putchar('\n');
					break;
				case FMT_JSON:
					fputs(nrec ? ",\n" : "\n", stdout);
					kaeru_record_json(&rr, KAERU_FORMAT_PRETTY, &out);
					if (explain)
						add_json_field(&out, &text, 1);
					else
						cli_write(stdout, out.ptr, out.size);
					break;
				case FMT_CSV:
					kaeru_record_csv(&rr, &out);
					if (explain && out.size >= 2) {
						cli_write(stdout, out.ptr, out.size - 2);
						putchar(',');
						csv_cell(text.ptr ? text.ptr : "", text.size);
						fputs("\r\n", stdout);
					} else
						cli_write(stdout, out.ptr, out.size);
					break;
				case FMT_TABLE:
					if (table_add(&tab, &rr, explain ? (text.ptr ? text.ptr : "") : NULL) != 0) {
						cli_warn("out of memory");
						status = EXIT_FAILURE_;
					}
					break;
				}
				nrec++;
			}
		}
		kaeru_reader_free(r);
	}
	if (fmt == FMT_JSON)
		fputs(nrec ? "\n]\n" : "]\n", stdout);
	else if (fmt == FMT_TABLE)
		table_print(&tab);
	kaeru_buf_dispose(&out);
	kaeru_buf_dispose(&text);
	kaeru_parser_free(p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

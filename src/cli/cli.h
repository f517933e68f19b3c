/*
 * NAME
 *	cli - shared pieces of the kaeru command
 * SUMMARY
 *	Each command is a cmd_<name>.c with one entry "int cmd_<name>(int
 *	argc, char **argv)" returning the process exit status. The CLI is
 *	thin: it parses options, calls libkaeru, prints.
 */
#ifndef KAERU_CLI_H
#define KAERU_CLI_H

#include <stdio.h>

#define EXIT_INPUT	1	/* some input could not be read */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_FAILURE_	3	/* the library failed (out of memory, database) */

int	cmd_parse(int argc, char **argv);
int	cmd_explain(int argc, char **argv);
int	cmd_ingest(int argc, char **argv);
int	cmd_suppressions(int argc, char **argv);
int	cmd_address(int argc, char **argv);
int	cmd_clean(int argc, char **argv);
int	cmd_stats(int argc, char **argv);
int	cmd_lists(int argc, char **argv);

void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	cli_write(FILE *f, const char *s, size_t n);

/* Output formats shared by the listing commands. */
enum cli_format { FMT_JSONL, FMT_JSON, FMT_CSV, FMT_TABLE };
int	cli_format(const char *s, enum cli_format *out);
int	cli_format_opt(const char *s, enum cli_format *out, const char *choices);
size_t	cli_width(const char *s);

/* cli_lang - "ja" when LC_ALL, LC_MESSAGES or LANG (the first set) starts with ja, else "en" */
const char *cli_lang(void);

/*
 * The limits on one mail, which kaeru parse and kaeru ingest take alike:
 * a command's option table holds CLI_LIMIT_OPTIONS, its short options
 * CLI_LIMIT_SHORT, and cli_limit_opt() takes each of them into the
 * parser's and the reader's options (--max-header goes to both, so that
 * the reader's elider reads part headers as the parser does).
 * cli_limit_help() prints their lines of a --help, with the defaults.
 */
#include <kaeru/parse.h>
#include <kaeru/reader.h>

#define CLI_LIMIT_OPTIONS \
	{ "max-size", required_argument, NULL, 'm' }, \
	{ "max-depth", required_argument, NULL, 'D' }, \
	{ "max-parts", required_argument, NULL, 'P' }, \
	{ "max-header", required_argument, NULL, 'H' }, \
	{ "max-records", required_argument, NULL, 'R' }
#define CLI_LIMIT_SHORT "m:D:P:H:R:"
#define CLI_LIMIT_USAGE "[--max-size BYTES] [--max-depth N] [--max-parts N] [--max-header BYTES] [--max-records N]"
/* What a mail cut before any record gets on stderr. */
#define CLI_TRUNCATED_NONE "the mail was cut before any record was found: a limit was reached " \
	"(see --max-size, --max-depth, --max-parts, --max-header, --max-records), or a read failed"

/* cli_limit_opt - option c of CLI_LIMIT_OPTIONS, value arg: 0 taken, -1 a bad value (said on stderr) */
int	cli_limit_opt(int c, const char *arg, kaeru_parse_opts *po, kaeru_reader_opts *ro);
void	cli_limit_help(FILE *f);
/* The store commands (cli_store.c). */
#include <getopt.h>
#include <kaeru/store.h>
#include <stdint.h>

/*
 * The options every store command takes. A command's option table starts
 * with CLI_STORE_OPTIONS; cli_store_getopt() handles them and hands back
 * the command's own. Set fmt to the command's default format first.
 */
struct cli_store_opts {
	const char	*db, *conf;
	enum cli_format	 fmt;
};

#define CLI_STORE_OPTIONS \
	{ "db", required_argument, NULL, 'd' }, \
	{ "config", required_argument, NULL, 'c' }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "help", no_argument, NULL, 'h' }
#define CLI_OPT_END	(-1)	/* no more options: optind is the first operand */
#define CLI_OPT_EXIT	(-2)	/* --help or a bad option: return *status */

int	cli_store_getopt(struct cli_store_opts *o, int argc, char **argv, const char *own,
	    const struct option *longopts, void (*usage)(FILE *), int *status);
/*
 * create 0: a command that only reads; a SQLite file that is missing is an
 * error, not made, and hint (or NULL) is said after the usual advice
 */
int	cli_store_open(const char *db, const char *conf, int create, const char *hint, kaeru_store **out);
/* cli_store_help - the --help lines of the options every store command takes; fmt its default format */
void	cli_store_help(FILE *f, const char *fmt);
int	cli_slurp(const char *path, kaeru_buf *b);
/* cli_list_utf8 - the list slurped from path, as UTF-8 (--encoding, or guessed and said); 0 or an exit status */
int	cli_list_utf8(const char *path, const char *encoding, kaeru_buf *in, const char **used);
int	cli_date(const char *s, int64_t *out);
void	cli_time(int64_t t, char buf[32]);

/*
 * Rows for --format table|jsonl|csv (json is jsonl in brackets). Column
 * names starting with '#' are numbers in JSON (the '#' is not printed),
 * unless the names are literal (cli_out_open: names from user data).
 * Nothing is printed before the first row or cli_out_end(), so that a
 * command failing at once (cli_out_abort) prints no empty listing.
 */
struct cli_out {
	FILE		   *f;
	enum cli_format	    fmt;
	const char *const  *cols;
	size_t		    ncols, rows, cap;
	char		  **cells;
	int		    literal;
	int		    started;	/* the CSV header or JSON '[' is out */
};
void	cli_out_start(struct cli_out *o, enum cli_format fmt, const char *const *cols, size_t ncols);
void	cli_out_open(struct cli_out *o, FILE *f, enum cli_format fmt, const char *const *cols,
	    size_t ncols, int literal);
int	cli_out_row(struct cli_out *o, const char *const *vals);
int	cli_out_end(struct cli_out *o);
void	cli_out_abort(struct cli_out *o);

#endif

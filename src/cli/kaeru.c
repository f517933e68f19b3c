/*
 * NAME
 *	kaeru - the command-line front end of libkaeru
 * SYNOPSIS
 *	kaeru <command> [options] [arguments]
 * DESCRIPTION
 *	Dispatches to the commands; "kaeru help" lists them.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int	  (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "parse",	cmd_parse,	"read bounces and print one record per failed recipient" },
	{ "explain",	cmd_explain,	"explain SMTP reply codes, enhanced status codes and provider codes" },
	{ "ingest",	cmd_ingest,	"store bounces and apply the suppression policy" },
	{ "suppressions", cmd_suppressions, "list, add, remove or export suppressions" },
	{ "address",	cmd_address,	"the state of an address and its history" },
	{ "clean",	cmd_clean,	"drop suppressed, invalid and duplicate addresses from a CSV list" },
	{ "stats",	cmd_stats,	"bounce counts and rates by day, domain or reason" },
	{ "lists",	cmd_lists,	"mailing lists: create, import, export the mailable, remove" },
};

/* cli_warn - "kaeru: message" on stderr */
void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kaeru: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * cli_write - write all bytes; -1 on error
 *	Without stdio's lock: the program writes its output from one thread
 *	(kaeru parse's helpers only parse), and the lock's atomic release
 *	was 1.3% of kaeru parse --jobs 1, one write a mail.
 */
int
cli_write(FILE *f, const char *s, size_t n)
{
	return fwrite_unlocked(s, 1, n, f) == n ? 0 : -1;
}

/* cli_format - parse a --format value */
int
cli_format(const char *s, enum cli_format *out)
{
	if (strcmp(s, "jsonl") == 0)
		*out = FMT_JSONL;
	else if (strcmp(s, "json") == 0)
		*out = FMT_JSON;
	else if (strcmp(s, "csv") == 0)
		*out = FMT_CSV;
	else if (strcmp(s, "table") == 0)
		*out = FMT_TABLE;
	else
		return -1;
	return 0;
}

/* cli_lang - the language of explanations from the locale of messages */
const char *
cli_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strncmp(v, "ja", 2) == 0 ? "ja" : "en";
	}
	return "en";
}

int
cli_limit_opt(int c, const char *arg, kaeru_parse_opts *po, kaeru_reader_opts *ro)
{
	char		  *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (c == 'm') {
		if (*end != '\0' || v == 0 || arg[0] == '-') {
			cli_warn("--max-size wants a number of bytes");
			return -1;
		}
		po->max_mail_size = ro->max_mail_size = (size_t)v;
		return 0;
	}
	if (*end != '\0' || v == 0 || v > UINT_MAX || arg[0] == '-') {
		cli_warn("--%s wants a positive number", c == 'D' ? "max-depth" :
		    c == 'P' ? "max-parts" : c == 'H' ? "max-header" : "max-records");
		return -1;
	}
	if (c == 'D')
		po->max_depth = (unsigned)v;
	else if (c == 'P')
		po->max_parts = (unsigned)v;
	else if (c == 'H')
		po->max_header_len = ro->max_header_len = (size_t)v;
	else
		po->max_records = (size_t)v;
	return 0;
}

void
cli_limit_help(FILE *f)
{
	fprintf(f, "Limits: past one, the mail is still classified from what was read, and its\n"
	    "records say \"truncated\".\n"
	    "  --max-size BYTES    bytes read of one mail (default %zu)\n"
	    "  --max-depth N       MIME nesting depth (default %u)\n"
	    "  --max-parts N       MIME parts of one mail (default %u)\n"
	    "  --max-header BYTES  bytes of one header field (default %zu)\n"
	    "  --max-records N     records of one mail (default %zu)\n",
	    KAERU_DEFAULT_MAX_MAIL_SIZE, KAERU_DEFAULT_MAX_DEPTH, KAERU_DEFAULT_MAX_PARTS,
	    KAERU_DEFAULT_MAX_HEADER_LEN, KAERU_DEFAULT_MAX_RECORDS);
}

/* cli_format_opt - cli_format() for an option: a bad value gets one line naming the choices */
int
cli_format_opt(const char *s, enum cli_format *out, const char *choices)
{
	if (cli_format(s, out) == 0)
		return 0;
	cli_warn("unknown format \"%s\" (%s)", s, choices);
	return -1;
}

/* cli_width - columns a UTF-8 string takes, wide characters (3- and 4-byte) counted 2 */
size_t
cli_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     w = 0;

	for (; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe0 ? 2 : 1;
	}
	return w;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kaeru <command> [options] [arguments]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "version", "print the version");
	fprintf(f, "\n\"kaeru <command> --help\" describes a command.\n");
}

/*
 * flushed - a command's status, once what it printed is out: a command
 * that succeeded fails when standard output could not be written (a full
 * disk, --help or version into /dev/full), as the commands that check
 * their own writes do.
 */
static int
flushed(int status)
{
	if ((fflush(stdout) != 0 || ferror(stdout)) && status == 0) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

int
main(int argc, char **argv)
{
	size_t i;

	/*
	 * The process, not the library, decides how malloc behaves: SQLite
	 * takes and frees a 64 KB statement journal for every statement, and
	 * glibc would hand that memory back to the system (and take it again)
	 * each time. Keep freed memory at the top of the heap instead.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return flushed(0);
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("kaeru %s\n", kaeru_version());
		return flushed(0);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return flushed(commands[i].run(argc - 1, argv + 1));
	cli_warn("unknown command \"%s\"", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

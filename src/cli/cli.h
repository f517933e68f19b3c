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

void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	cli_write(FILE *f, const char *s, size_t n);

/* Output formats shared by the listing commands. */
enum cli_format { FMT_JSONL, FMT_JSON, FMT_CSV, FMT_TABLE };
int	cli_format(const char *s, enum cli_format *out);

/* cli_lang - "ja" when LC_ALL, LC_MESSAGES or LANG (the first set) starts with ja, else "en" */
const char *cli_lang(void);

#endif

/*
 * NAME
 *	cmd_ingest - kaeru ingest: bounces into the store, through the policy
 * SYNOPSIS
 *	kaeru ingest [--db URL] [--config FILE] [--batch N]
 *		     [--format table|jsonl|json|csv] [--max-size BYTES] [--max-depth N]
 *		     [--max-parts N] [--max-header BYTES] [--max-records N] PATH...
 * DESCRIPTION
 *	Reads the same inputs as kaeru parse and stores every record. Records
 *	are gathered in batches of N (500), each stored in one transaction
 *	(kaeru_store_ingest_batch): a run killed at any point loses at most
 *	the open batch, and running it again stores exactly what was missing,
 *	since an event already stored is recognised by its token. A batch
 *	the store refuses (a full disk, a server gone) ends the run with exit
 *	status 3 and a line naming its records; the batches before it stay.
 *	A summary follows at the end; on a terminal, a progress line too.
 *	The limits on one mail are kaeru parse's (cli_limit_opt()), and a
 *	mail cut before any record gets the same line on stderr and exit
 *	status 1: nothing of it was stored.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ingest_usage - the usage line; for --help (on stdout) the options too */
static void
ingest_usage(FILE *f)
{
	fprintf(f, "usage: kaeru ingest [--db URL] [--config FILE] [--batch N] "
	    "[--format table|jsonl|json|csv] " CLI_LIMIT_USAGE " PATH...\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "Reads each PATH as kaeru parse does (files, Maildirs, mboxes, gzip'd ones,\n"
	    "pipes, - for standard input) and stores every record, through the policy.\n"
	    "\n"
	    "  --batch N           records stored per transaction (default 500)\n");
	cli_store_help(f, "table; the summary");
	fputc('\n', f);
	cli_limit_help(f);
}

struct counts {
	unsigned long long mails, records, stored, duplicates, skipped, suppressions, domains;
};

/*
 * not_stored - say which records a failed batch held, why, and that none
 *	of them is in the store, so that running the same ingest again (once
 *	the store can take them: a full disk, a server gone) is safe
 */
static void
not_stored(size_t n, const struct counts *c)
{
	cli_warn("records %llu to %llu of this run were not stored: %s (a batch is one "
	    "transaction: none of it is in the store, and the same ingest run again stores "
	    "what is missing)", c->records - n + 1, c->records, kaeru_error_last());
}

/* flush - store the batch in one transaction and count the results; 0 or -1 (reported) */
static int
flush(kaeru_store *s, kaeru_ingest_batch *b, kaeru_ingest_result *res, struct counts *c)
{
	size_t i, n = kaeru_ingest_batch_count(b);

	if (n == 0)
		return 0;
	if (kaeru_store_begin(s) != 0) {
		not_stored(n, c);
		return -1;
	}
	if (kaeru_store_ingest_batch(s, b, (int64_t)time(NULL), res) != 0) {
		not_stored(n, c);
		kaeru_store_rollback(s);
		return -1;
	}
	if (kaeru_store_commit(s) != 0) {
		not_stored(n, c);	/* the backend rolled it back */
		return -1;
	}
	for (i = 0; i < n; i++) {
		c->stored += (unsigned)res[i].stored;
		c->duplicates += (unsigned)res[i].duplicate;
		c->skipped += (unsigned)res[i].skipped;
		c->suppressions += (unsigned)res[i].new_suppression;
		c->domains += (unsigned)res[i].domain_flagged;
	}
	kaeru_ingest_batch_clear(b);
	return 0;
}

/* summary - the counts as one row */
static void
summary(enum cli_format fmt, const struct counts *c)
{
	static const char *const cols[] = { "#mails", "#records", "#stored", "#duplicates",
		"#skipped", "#new_suppressions", "#domains_flagged" };
	char	       v[7][24];
	const char    *vals[7];
	struct cli_out o;
	int	       i;

	snprintf(v[0], 24, "%llu", c->mails);
	snprintf(v[1], 24, "%llu", c->records);
	snprintf(v[2], 24, "%llu", c->stored);
	snprintf(v[3], 24, "%llu", c->duplicates);
	snprintf(v[4], 24, "%llu", c->skipped);
	snprintf(v[5], 24, "%llu", c->suppressions);
	snprintf(v[6], 24, "%llu", c->domains);
	for (i = 0; i < 7; i++)
		vals[i] = v[i];
	cli_out_start(&o, fmt, cols, 7);
	cli_out_row(&o, vals);
	cli_out_end(&o);
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ "batch", required_argument, NULL, 'b' },
		CLI_LIMIT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_store_opts so = { NULL, NULL, FMT_TABLE };
	kaeru_parse_opts po = KAERU_PARSE_OPTS_INIT;
	kaeru_reader_opts ro = KAERU_READER_OPTS_INIT;
	unsigned long	batch = 500;
	struct counts	cnt;
	kaeru_store    *s;
	kaeru_parser   *p = NULL;
	kaeru_ingest_batch *b = NULL;
	kaeru_ingest_result *res = NULL;
	int		c, i, status = 0, rc, tty = isatty(STDERR_FILENO);
	time_t		lastprog = 0;

	memset(&cnt, 0, sizeof(cnt));
	optind = 1;
	while ((c = cli_store_getopt(&so, argc, argv, "b:" CLI_LIMIT_SHORT, longopts, ingest_usage,
	    &status)) != CLI_OPT_END) {
		char *end;

		if (c == CLI_OPT_EXIT)
			return status;
		if (c != 'b') {
			if (cli_limit_opt(c, optarg, &po, &ro) != 0)
				return EXIT_USAGE;
			continue;
		}
		batch = strtoul(optarg, &end, 10);
		if (*end != '\0' || batch == 0 || batch > 1000000) {
			cli_warn("--batch wants a number from 1 to 1000000");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ingest_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_store_open(so.db, so.conf, 1, NULL, &s)) != 0)
		return rc;
	if ((res = calloc(batch, sizeof(*res))) == NULL) {
		cli_warn("out of memory");
		kaeru_store_free(s);
		return EXIT_FAILURE_;
	}
	if (kaeru_parser_new(&p, &po) != 0 || kaeru_ingest_batch_new(&b) != 0) {
		cli_warn("%s", kaeru_error_last());
		kaeru_parser_free(p);
		kaeru_store_free(s);
		free(res);
		return EXIT_FAILURE_;
	}
	ro.skip_attachments = 1;	/* large mails: base64 attachments are not kept */
	for (i = optind; i < argc && status != EXIT_FAILURE_; i++) {
		kaeru_reader *r;
		kaeru_mail    m;

		if (kaeru_reader_open(&r, argv[i], &ro) != 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_INPUT;
			continue;
		}
		while (status != EXIT_FAILURE_ && (rc = kaeru_reader_next(r, &m)) != 0) {
			const kaeru_record *rec;
			size_t		    n, k;

			if (rc < 0) {
				cli_warn("%s", kaeru_error_last());
				status = EXIT_INPUT;
				continue;
			}
			cnt.mails++;
			if (kaeru_parser_parse(p, m.data, m.len, m.origin, &rec, &n) != 0) {
				cli_warn("%s: %s", m.origin, kaeru_error_last());
				status = EXIT_INPUT;
				continue;
			}
			if (n == 0 && (m.truncated || kaeru_parser_truncated(p))) {
				/* Said, as kaeru parse says it: nothing of this mail was stored. */
				cli_warn("%s: %s", m.origin, CLI_TRUNCATED_NONE);
				status = EXIT_INPUT;
			}
			for (k = 0; k < n; k++) {
				cnt.records++;
				if (kaeru_ingest_batch_add(b, &rec[k]) != 0) {
					cli_warn("%s: %s", m.origin, kaeru_error_last());
					status = EXIT_FAILURE_;
					break;
				}
				if (kaeru_ingest_batch_count(b) >= batch && flush(s, b, res, &cnt) != 0) {
					status = EXIT_FAILURE_;
					break;
				}
			}
			if (tty && time(NULL) != lastprog) {
				lastprog = time(NULL);
				fprintf(stderr, "\rkaeru: %llu mails, %llu records, %llu new suppressions",
				    cnt.mails, cnt.records, cnt.suppressions);
			}
		}
		kaeru_reader_free(r);
	}
	if (status != EXIT_FAILURE_ && flush(s, b, res, &cnt) != 0)
		status = EXIT_FAILURE_;
	if (tty && lastprog != 0)
		fputc('\n', stderr);
	kaeru_parser_free(p);
	kaeru_ingest_batch_free(b);
	kaeru_store_free(s);
	free(res);
	summary(so.fmt, &cnt);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

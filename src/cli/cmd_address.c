/*
 * NAME
 *	cmd_address - kaeru address: what the store knows of one address
 * SYNOPSIS
 *	kaeru address [--db URL] [--config FILE] [--format table|jsonl|json|csv] ADDR
 * DESCRIPTION
 *	Prints one row with the state, the soft bounce score and the
 *	suppression in force, then the history, oldest first: each change
 *	with the rule behind it. As JSON the two are one document,
 *	{"summary": [row], "history": [rows]}. An address the store has
 *	never seen exits with status 1.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
address_usage(FILE *f)
{
	fprintf(f, "usage: kaeru address [--db URL] [--config FILE] "
	    "[--format table|jsonl|json|csv] ADDR\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "What the store knows of ADDR (any case): its state, soft bounce score and\n"
	    "suppression, then its history, oldest first, each change with the rule\n"
	    "behind it. An address the store has never seen exits with status 1.\n"
	    "\n");
	cli_store_help(f, "table");
}

/* hist_row - one change as a row */
static int
hist_row(void *arg, const kaeru_history *h)
{
	char	    t[32], ev[24];
	const char *vals[6];

	cli_time(h->ts, t);
	snprintf(ev, sizeof(ev), "%lld", (long long)h->event_id);
	vals[0] = t;
	vals[1] = h->old_state;
	vals[2] = h->new_state;
	vals[3] = h->reason;
	vals[4] = h->event_id ? ev : "";
	vals[5] = h->rule;
	return cli_out_row(arg, vals) != 0 ? KAERU_ENOMEM : 0;
}

int
cmd_address(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const cols[] = { "when", "from", "to", "reason", "#event", "rule" };
	struct cli_store_opts so = { NULL, NULL, FMT_TABLE };
	int		   c, rc, status = 0;
	kaeru_store	  *s;
	kaeru_address_info info;
	struct cli_out	   o;

	optind = 1;
	if ((c = cli_store_getopt(&so, argc, argv, "", longopts, address_usage, &status)) != CLI_OPT_END)
		return status;
	if (optind + 1 != argc) {
		address_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_store_open(so.db, so.conf, 0, NULL, &s)) != 0)
		return rc;
	/* The summary first (a row of its own), then the history. */
	{
		static const char *const scols[] = { "address", "state", "#score", "suppressed",
			"suppression_reason", "since", "until" };
		char	       score[16], since[32], until[32];
		const char    *vals[7];
		struct cli_out sum;

		rc = kaeru_store_address(s, argv[optind], (int64_t)time(NULL), &info, NULL, NULL);
		if (rc != 0) {
			cli_warn("%s", kaeru_error_last());
			kaeru_store_free(s);
			return rc == KAERU_ENOTFOUND || rc == KAERU_EINVAL ? EXIT_INPUT : EXIT_FAILURE_;
		}
		snprintf(score, sizeof(score), "%d", info.score);
		cli_time(info.supp_since, since);
		cli_time(info.supp_until, until);
		vals[0] = info.display;
		vals[1] = kaeru_addr_state_name(info.state);
		vals[2] = score;
		vals[3] = info.suppressed ? "yes" : "no";
		vals[4] = info.supp_reason;
		vals[5] = since;
		vals[6] = info.supp_reason[0] ? (info.supp_until ? until : "never") : "";
		/* JSON: one document, {"summary": [row], "history": [rows]}. */
		if (so.fmt == FMT_JSON)
			fputs("{\"summary\":", stdout);
		cli_out_start(&sum, so.fmt, scols, 7);
		cli_out_row(&sum, vals);
		cli_out_end(&sum);
	}
	if (so.fmt == FMT_TABLE)
		putchar('\n');
	if (so.fmt == FMT_JSON)
		fputs(",\"history\":", stdout);
	cli_out_start(&o, so.fmt, cols, 6);
	rc = kaeru_store_address(s, argv[optind], (int64_t)time(NULL), &info, hist_row, &o);
	cli_out_end(&o);
	if (so.fmt == FMT_JSON)
		fputs("}\n", stdout);
	if (rc != 0) {
		cli_warn("%s", kaeru_error_last());
		status = EXIT_FAILURE_;
	}
	kaeru_store_free(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

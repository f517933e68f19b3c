/*
 * NAME
 *	cmd_suppressions - kaeru suppressions: list, add, remove, export, domains
 * SYNOPSIS
 *	kaeru suppressions list [--all] [--db URL] [--format F]
 *	kaeru suppressions add [--reason R] [--until DATE] ADDR...
 *	kaeru suppressions remove ADDR...
 *	kaeru suppressions export [--format csv|jsonl|json|table]
 *	kaeru suppressions domains [--format F]
 * DESCRIPTION
 *	list shows the suppressions in force (--all: expired ones too);
 *	export prints them as CSV by default, for a mailer's block list;
 *	add suppresses by hand ("unsubscribe" and "feedback" never expire);
 *	remove lifts a suppression; domains lists the domains flagged as not
 *	existing and the addresses that showed it.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
supp_usage(FILE *f)
{
	fprintf(f, "usage: kaeru suppressions list|export|domains [--all] [--db URL] [--config FILE] "
	    "[--format table|jsonl|json|csv]\n"
	    "       kaeru suppressions add [--db URL] [--reason REASON] [--until DATE] ADDR...\n"
	    "       kaeru suppressions remove [--db URL] ADDR...\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "  list                the suppressions in force (--all: the expired ones too)\n"
	    "  export              the same as CSV by default, for a mailer's block list\n"
	    "  domains             the domains flagged as not existing, and the address\n"
	    "                      that showed it\n"
	    "  add ADDR...         suppress by hand (--reason: manual, the default;\n"
	    "                      unsubscribe; feedback, a complaint; or a bounce reason\n"
	    "                      such as userunknown; unsubscribe and feedback never\n"
	    "                      expire; --until YYYY-MM-DD ends the others)\n"
	    "  remove ADDR...      lift a suppression\n"
	    "\n");
	cli_store_help(f, "table; csv for export");
}

/* list_row - one suppression as a row */
static int
list_row(void *arg, const kaeru_suppression *sp)
{
	char	    since[32], until[32], ev[24];
	const char *vals[6];

	cli_time(sp->since, since);
	cli_time(sp->until, until);
	snprintf(ev, sizeof(ev), "%lld", (long long)sp->event_id);
	vals[0] = sp->display;
	vals[1] = sp->reason;
	vals[2] = sp->source;
	vals[3] = since;
	vals[4] = until;
	vals[5] = sp->event_id ? ev : "";
	return cli_out_row(arg, vals) != 0 ? KAERU_ENOMEM : 0;
}

/* domain_row - one flagged domain and address as a row */
static int
domain_row(void *arg, const char *domain, int64_t since, const char *address)
{
	char	    t[32];
	const char *vals[3];

	cli_time(since, t);
	vals[0] = domain;
	vals[1] = t;
	vals[2] = address;
	return cli_out_row(arg, vals) != 0 ? KAERU_ENOMEM : 0;
}

int
cmd_suppressions(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ "reason", required_argument, NULL, 'r' },
		{ "until", required_argument, NULL, 'u' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const cols[] = { "address", "reason", "source", "since", "until", "#event" };
	static const char *const dcols[] = { "domain", "since", "address" };
	struct cli_store_opts so = { NULL, NULL, FMT_TABLE };
	const char     *reason = "manual", *sub;
	int		all = 0, c, i, rc, status = 0;
	int64_t		until = 0, now = (int64_t)time(NULL);
	kaeru_store    *s;
	struct cli_out	o;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			supp_usage(stdout);
			return 0;
		}
		supp_usage(stderr);
		return EXIT_USAGE;
	}
	sub = argv[1];
	argc--;
	argv++;
	if (strcmp(sub, "export") == 0)
		so.fmt = FMT_CSV;	/* for a mailer's block list */
	optind = 1;
	while ((c = cli_store_getopt(&so, argc, argv, "r:u:a", longopts, supp_usage, &status)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return status;
		case 'r':
			reason = optarg;
			break;
		case 'u':
			if (cli_date(optarg, &until) != 0) {
				cli_warn("--until wants YYYY-MM-DD");
				return EXIT_USAGE;
			}
			break;
		case 'a':
			all = 1;
			break;
		}
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "export") != 0 && strcmp(sub, "domains") != 0 &&
	    strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0) {
		cli_warn("unknown suppressions command \"%s\"", sub);
		supp_usage(stderr);
		return EXIT_USAGE;
	}
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) && optind >= argc) {
		supp_usage(stderr);
		return EXIT_USAGE;
	}
	/* Before any store is opened or made. */
	if (strcmp(sub, "add") == 0 && kaeru_suppression_reason_check(reason) != 0) {
		cli_warn("%s", kaeru_error_last());
		return EXIT_USAGE;
	}
	if ((rc = cli_store_open(so.db, so.conf,
	    strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0, NULL, &s)) != 0)
		return rc;
	if (strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) {
		/* One transaction for all the addresses given. */
		if (kaeru_store_begin(s) != 0) {
			cli_warn("%s", kaeru_error_last());
			kaeru_store_free(s);
			return EXIT_FAILURE_;
		}
		for (i = optind; i < argc; i++) {
			rc = strcmp(sub, "add") == 0 ? kaeru_store_suppress(s, argv[i], reason, now, until)
			    : kaeru_store_unsuppress(s, argv[i], now);
			if (rc != 0) {
				cli_warn("%s", kaeru_error_last());
				status = rc == KAERU_ESTORE || rc == KAERU_EBUSY ? EXIT_FAILURE_ : EXIT_INPUT;
				if (status == EXIT_FAILURE_)
					break;
			}
		}
		if (status == EXIT_FAILURE_)
			kaeru_store_rollback(s);
		else if (kaeru_store_commit(s) != 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_FAILURE_;
		}
		kaeru_store_free(s);
		return status;
	}
	if (strcmp(sub, "domains") == 0) {
		cli_out_start(&o, so.fmt, dcols, 3);
		rc = kaeru_store_domains(s, domain_row, &o);
	} else {
		cli_out_start(&o, so.fmt, cols, 6);
		rc = kaeru_store_suppressions(s, now, all, list_row, &o);
	}
	cli_out_end(&o);
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

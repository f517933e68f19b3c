/*
 * NAME
 *	cmd_stats - kaeru stats: counts and bounce rates from the store
 * SYNOPSIS
 *	kaeru stats [--db URL] [--since DATE] [--by total|day|domain|reason|sender]
 *		    [--sent N] [--format table|jsonl|json|csv]
 * DESCRIPTION
 *	One row per key: events, hard and soft bounces (counted against
 *	recipients), sender-side failures, complaints, deliveries, auto
 *	replies, and the bounce rate: (hard + soft) / --sent when the number
 *	of mails sent is given, else (hard + soft) / (hard + soft +
 *	delivered), which means something only when the MTA reports
 *	successful deliveries too.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>

struct statctx {
	struct cli_out	o;
	unsigned long long sent;
};

static void
stats_usage(FILE *f)
{
	fprintf(f, "usage: kaeru stats [--db URL] [--since DATE] "
	    "[--by total|day|domain|reason|sender] [--sent N] [--format table|jsonl|json|csv]\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "Counts per key: events, hard and soft bounces, sender-side failures,\n"
	    "complaints, deliveries, auto-replies, and the bounce rate.\n"
	    "\n"
	    "  --since DATE        YYYY-MM-DD, Nd (the last N days) or seconds since the\n"
	    "                      epoch (default: everything stored)\n"
	    "  --by KEY            total (default), day, domain, reason or sender\n"
	    "  --sent N            mails sent: the rate is then (hard + soft) / N, else\n"
	    "                      (hard + soft) / (hard + soft + delivered)\n");
	cli_store_help(f, "table");
}

/* stat_row - one key's counts as a row */
static int
stat_row(void *arg, const kaeru_stats_row *r)
{
	struct statctx *c = arg;
	char		v[8][24], rate[24];
	const char     *vals[10];
	double		den = c->sent ? (double)c->sent : (double)(r->hard + r->soft + r->delivered);
	int		i;

	snprintf(v[0], 24, "%lld", (long long)r->events);
	snprintf(v[1], 24, "%lld", (long long)r->hard);
	snprintf(v[2], 24, "%lld", (long long)r->soft);
	snprintf(v[3], 24, "%lld", (long long)r->sender);
	snprintf(v[4], 24, "%lld", (long long)r->complaints);
	snprintf(v[5], 24, "%lld", (long long)r->delivered);
	snprintf(v[6], 24, "%lld", (long long)r->vacations);
	if (den > 0)
		snprintf(rate, sizeof(rate), "%.4f", (double)(r->hard + r->soft) / den);
	else
		rate[0] = '\0';
	vals[0] = r->key[0] ? r->key : "(none)";
	for (i = 0; i < 7; i++)
		vals[i + 1] = v[i];
	vals[8] = rate;
	return cli_out_row(&c->o, vals) != 0 ? KAERU_ENOMEM : 0;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ "since", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ "sent", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const bys[] = { "total", "day", "domain", "reason", "sender" };
	static const char *const cols[] = { "key", "#events", "#hard", "#soft", "#sender",
		"#complaints", "#delivered", "#auto_replies", "#bounce_rate" };
	struct cli_store_opts so = { NULL, NULL, FMT_TABLE };
	kaeru_stats_by	by = KAERU_STATS_TOTAL;
	int64_t		since = 0;
	struct statctx	ctx;
	kaeru_store    *s;
	int		c, rc, i, status = 0;

	memset(&ctx, 0, sizeof(ctx));
	optind = 1;
	while ((c = cli_store_getopt(&so, argc, argv, "s:b:n:", longopts, stats_usage, &status)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return status;
		case 's':
			if (cli_date(optarg, &since) != 0) {
				cli_warn("--since wants YYYY-MM-DD, Nd or seconds since the epoch");
				return EXIT_USAGE;
			}
			break;
		case 'b':
			for (i = 0; i < 5; i++)
				if (strcmp(optarg, bys[i]) == 0)
					break;
			if (i == 5) {
				cli_warn("--by takes total, day, domain, reason or sender");
				return EXIT_USAGE;
			}
			by = (kaeru_stats_by)i;
			break;
		case 'n': {
			char *end;
			ctx.sent = strtoull(optarg, &end, 10);
			if (*end != '\0' || ctx.sent == 0) {
				cli_warn("--sent wants a positive number");
				return EXIT_USAGE;
			}
			break;
		}
		}
	}
	if (optind != argc) {
		stats_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_store_open(so.db, so.conf, 0, NULL, &s)) != 0)
		return rc;
	cli_out_start(&ctx.o, so.fmt, cols, 9);
	rc = kaeru_store_stats(s, by, since, stat_row, &ctx);
	cli_out_end(&ctx.o);
	kaeru_store_free(s);
	if (rc != 0) {
		cli_warn("%s", kaeru_error_last());
		return EXIT_FAILURE_;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return 0;
}

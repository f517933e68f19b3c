/*
 * NAME
 *	cmd_stats - kaeru stats: counts and bounce rates from the store
 * SYNOPSIS
 *	kaeru stats [--db URL] [--since DATE] [--by total|day|domain|reason|sender]
 *		    [--sent N] [--format table|jsonl|json|csv]
 * DESCRIPTION
 *	One row per key: events, hard and soft bounces (counted against
 *	recipients), sender-side failures, complaints, deliveries, auto
 *	replies, and the bounce and complaint rates: over --sent when the
 *	number of mails sent is given, else over hard + soft + delivered
 *	when the MTA reports deliveries too, else none (kaeru_stats_rates).
 *	A rate past the policy's threshold (warn_bounce_rate 2%,
 *	warn_complaint_rate 0.1% in kaeru.conf) is named in the warning
 *	column and said on standard error, before a provider says it.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>

struct statctx {
	struct cli_out	o;
	unsigned long long sent;
	const kaeru_policy *pol;
	char	      **warned;	/* the warnings, said after the rows */
	size_t		nwarned;
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
	    "complaints, deliveries, auto-replies, and the bounce and complaint rates.\n"
	    "\n"
	    "  --since DATE        YYYY-MM-DD, Nd (the last N days) or seconds since the\n"
	    "                      epoch (default: everything stored)\n"
	    "  --by KEY            total (default), day, domain, reason or sender\n"
	    "  --sent N            mails sent: the rates are then over N, else over\n"
	    "                      hard + soft + delivered when deliveries are reported\n"
	    "\n"
	    "A bounce rate past warn_bounce_rate (2%%) or a complaint rate past\n"
	    "warn_complaint_rate (0.1%%), over at least warn_min_mails mails (100), is\n"
	    "named in the warning column and said on standard error (kaeru.conf).\n"
	    "\n");
	cli_store_help(f, "table");
}

/* warn - keep a line that says a rate passed its threshold */
static int
warn(struct statctx *c, const char *key, const char *what, double rate, int64_t mails,
    double limit, const char *knob, const char *why)
{
	char **nv = realloc(c->warned, (c->nwarned + 1) * sizeof(*nv));
	char   line[512];

	if (nv == NULL)
		return -1;
	c->warned = nv;
	snprintf(line, sizeof(line), "%s: %s rate %.2f%% of %lld mails is past %.2f%% (%s in kaeru.conf); %s",
	    key, what, rate * 100, (long long)mails, limit * 100, knob, why);
	if ((c->warned[c->nwarned] = strdup(line)) == NULL)
		return -1;
	c->nwarned++;
	return 0;
}

/* stat_row - one key's counts as a row */
static int
stat_row(void *arg, const kaeru_stats_row *r)
{
	struct statctx *c = arg;
	char		v[8][24], rate[24], crate[24];
	const char     *vals[12], *key = r->key[0] ? r->key : "(none)";
	kaeru_rates	rt;
	int		i;

	kaeru_stats_rates(r, (int64_t)c->sent, c->pol, &rt);

	snprintf(v[0], 24, "%lld", (long long)r->events);
	snprintf(v[1], 24, "%lld", (long long)r->hard);
	snprintf(v[2], 24, "%lld", (long long)r->soft);
	snprintf(v[3], 24, "%lld", (long long)r->sender);
	snprintf(v[4], 24, "%lld", (long long)r->complaints);
	snprintf(v[5], 24, "%lld", (long long)r->delivered);
	snprintf(v[6], 24, "%lld", (long long)r->vacations);
	rate[0] = crate[0] = '\0';
	if (rt.mails > 0) {
		snprintf(rate, sizeof(rate), "%.4f", rt.bounce);
		snprintf(crate, sizeof(crate), "%.4f", rt.complaint);
	}
	vals[0] = key;
	for (i = 0; i < 7; i++)
		vals[i + 1] = v[i];
	vals[8] = rate;
	vals[9] = crate;
	vals[10] = rt.warn == (KAERU_WARN_BOUNCE | KAERU_WARN_COMPLAINT) ? "bounce_rate complaint_rate" :
	    rt.warn == KAERU_WARN_BOUNCE ? "bounce_rate" : rt.warn == KAERU_WARN_COMPLAINT ? "complaint_rate" : "";
	if ((rt.warn & KAERU_WARN_BOUNCE) && warn(c, key, "bounce", rt.bounce, rt.mails,
	    c->pol->warn_bounce_rate, "warn_bounce_rate",
	    "Amazon SES reviews a sender past 5%, and mailbox providers slow down or refuse "
	    "one whose mail keeps bouncing: clean the list (kaeru clean)") != 0)
		return KAERU_ENOMEM;
	if ((rt.warn & KAERU_WARN_COMPLAINT) && warn(c, key, "complaint", rt.complaint, rt.mails,
	    c->pol->warn_complaint_rate, "warn_complaint_rate",
	    "Gmail and Yahoo ask bulk senders for under 0.1% and refuse them past 0.3%: "
	    "mail only those who asked, and make unsubscribing easy") != 0)
		return KAERU_ENOMEM;
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
		"#complaints", "#delivered", "#auto_replies", "#bounce_rate", "#complaint_rate", "warning" };
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
	ctx.pol = kaeru_store_policy(s);
	cli_out_start(&ctx.o, so.fmt, cols, 11);
	rc = kaeru_store_stats(s, by, since, stat_row, &ctx);
	cli_out_end(&ctx.o);
	kaeru_store_free(s);
	if (rc != 0)
		cli_warn("%s", rc == KAERU_ENOMEM ? "out of memory" : kaeru_error_last());
	else if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		rc = -1;
	}
	for (i = 0; i < (int)ctx.nwarned; i++) {
		if (rc == 0)
			cli_warn("stats: warning: %s", ctx.warned[i]);
		free(ctx.warned[i]);
	}
	free(ctx.warned);
	return rc != 0 ? EXIT_FAILURE_ : 0;
}

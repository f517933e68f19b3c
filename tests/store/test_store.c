/*
 * test_store - the store, the policy and list cleaning against one database
 *
 *	test_store LOCATION
 *
 * LOCATION is an SQLite file path or a postgresql:// URL; run.sh runs
 * this once for each, on an empty database. MIGRATION, another empty
 * database of the same kind, gets a store of schema 1 written with SQL
 * to test the migrations.
 */
#include "../unit/t.h"

#include <kaeru/kaeru.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY 86400
#define T0  1700000000LL	/* 2023-11-14 */

static int ntok;

/* rec - a record of the given reason, kind and hint */
static kaeru_record
rec(const char *rcpt, const char *reason, kaeru_kind kind, kaeru_action_hint hint, int64_t ts)
{
	static char   toks[4096][24];
	kaeru_record  r;
	const char   *at = strrchr(rcpt, '@');

	memset(&r, 0, sizeof(r));
	snprintf(toks[ntok % 4096], 24, "tok%d", ntok);
	r.token = toks[ntok++ % 4096];
	r.recipient = rcpt;
	r.destination = at ? at + 1 : "";
	r.reason = reason;
	kaeru_reason_from_name(reason, &r.reason_id);
	r.kind = kind;
	r.hint_id = hint;
	r.action_hint = kaeru_action_hint_name(hint);
	r.hardbounce = hint == KAERU_HINT_SUPPRESS && kind == KAERU_KIND_BOUNCE;
	r.timestamp = ts;
	r.senderdomain = "sender.example";
	r.rule = "test";
	return r;
}

struct hist { int n; char last[256]; };

static int
hist_cb(void *arg, const kaeru_history *h)
{
	struct hist *x = arg;

	x->n++;
	snprintf(x->last, sizeof(x->last), "%s", h->rule);
	return 0;
}

static int
count_cb(void *arg, const kaeru_suppression *sp)
{
	(void)sp;
	(*(int *)arg)++;
	return 0;
}

static int
dom_cb(void *arg, const char *domain, int64_t since, const char *address)
{
	(void)since;
	(void)address;
	if (strcmp(domain, "gone.example") == 0)
		(*(int *)arg)++;
	return 0;
}

static int
member_cb(void *arg, const kaeru_subscriber *m)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

struct statx { kaeru_stats_row total; int rows; int64_t sender; };

static int
sender_cb_s(void *arg, const kaeru_stats_row *r)
{
	if (strcmp(r->key, "s.sender.example") == 0)
		((struct statx *)arg)->sender = r->sender;
	return 0;
}

static int
sender_cb_b(void *arg, const kaeru_stats_row *r)
{
	if (strcmp(r->key, "b.sender.example") == 0)
		((struct statx *)arg)->sender = r->sender;
	return 0;
}

static int
stat_cb(void *arg, const kaeru_stats_row *r)
{
	struct statx *x = arg;

	x->rows++;
	x->total = *r;
	if (strcmp(r->key, "sender.example") == 0)
		x->sender = r->sender;
	return 0;
}

/* state - the state name of an address, "unknown" when the store never saw it */
static const char *
state(kaeru_store *s, const char *a, int64_t now, int *score)
{
	kaeru_address_info i;

	if (kaeru_store_address(s, a, now, &i, NULL, NULL) != 0)
		return "unknown";
	if (score)
		*score = i.score;
	return kaeru_addr_state_name(i.state);
}

static void
test_policy(kaeru_store *s)
{
	kaeru_ingest_result res;
	kaeru_record	    r;
	struct hist	    h = { 0, "" };
	int		    i, score = -1, n = 0;
	int64_t		    now = T0 + 100 * DAY;

	/* Hard bounce: suppressed at once; the same record again changes nothing. */
	r = rec("Hard@Example.COM", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.stored && res.new_suppression, "hard: stored, suppressed");
	T_EQ_INT(res.state, KAERU_ADDR_SUPPRESSED, "hard: state");
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.duplicate && !res.stored, "hard: duplicate");
	T_EQ_STR(state(s, "Hard@example.com", now, NULL), "suppressed", "domain case ignored");
	T_EQ_STR(state(s, "hard@example.com", now, NULL), "suppressed", "local part case ignored");
	{
		kaeru_address_info i;
		r = rec("HARD@example.com", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0 + DAY);
		T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.stored && !res.new_suppression,
		    "another spelling: the same address");
		T_OK(kaeru_store_address(s, "hArd@EXAMPLE.com", now, &i, NULL, NULL) == 0, "looked up in any case");
		T_EQ_STR(i.address, "hard@example.com", "the key");
		T_EQ_STR(i.display, "Hard@Example.COM", "shown as first seen");
	}
	T_OK(kaeru_store_address(s, "Hard@example.com", now, &(kaeru_address_info){0}, hist_cb, &h) == 0, "history");
	T_EQ_INT(h.n, 1, "one change");
	T_OK(strstr(h.last, "hard bounce") != NULL, "the rule is named");
	T_EQ_INT(kaeru_store_is_suppressed(s, "Hard@example.com", now), 1, "is suppressed");

	/* Soft: five distinct days within 30 suppress; the same day counts once. */
	for (i = 0; i < 4; i++) {
		r = rec("full@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + i * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	r = rec("full@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + 3 * DAY + 60);
	kaeru_store_ingest(s, &r, now, &res);
	T_EQ_STR(state(s, "full@example.com", now, &score), "soft_bouncing", "soft: 4 days");
	T_EQ_INT(score, 4, "soft: same day counted once");
	r = rec("full@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + 4 * DAY);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.new_suppression, "soft: fifth day suppresses");
	T_EQ_STR(state(s, "full@example.com", T0 + 10 * DAY, NULL), "suppressed", "soft: suppressed");
	/* mailboxfull expires after 90 days. */
	T_EQ_INT(kaeru_store_is_suppressed(s, "full@example.com", T0 + 4 * DAY + 89 * DAY), 1, "expiry: 89 days");
	T_EQ_INT(kaeru_store_is_suppressed(s, "full@example.com", T0 + 4 * DAY + 91 * DAY), 0, "expiry: 91 days");
	T_EQ_STR(state(s, "full@example.com", T0 + 200 * DAY, NULL), "active", "expired: active again");

	/* A quiet period forgets the score. */
	for (i = 0; i < 3; i++) {
		r = rec("quiet@example.com", "systemfull", KAERU_KIND_BOUNCE, KAERU_HINT_RETRY, T0 + i * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	r = rec("quiet@example.com", "systemfull", KAERU_KIND_BOUNCE, KAERU_HINT_RETRY, T0 + 20 * DAY);
	kaeru_store_ingest(s, &r, now, &res);
	state(s, "quiet@example.com", now, &score);
	T_EQ_INT(score, 1, "decay after a quiet period");

	/* Days older than the window do not count. */
	for (i = 0; i < 6; i++) {
		r = rec("slow@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + i * 7 * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	state(s, "slow@example.com", now, &score);
	T_EQ_INT(score, 5, "window: 6 weekly bounces, 5 within 30 days");
	T_EQ_STR(state(s, "slow@example.com", now, NULL), "suppressed", "window: suppressed at 5");

	/* A delivery resets the score. */
	for (i = 0; i < 3; i++) {
		r = rec("back@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + i * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	r = rec("back@example.com", "delivered", KAERU_KIND_DELIVERED, KAERU_HINT_IGNORE, T0 + 2 * DAY + 3600);
	kaeru_store_ingest(s, &r, now, &res);
	T_EQ_STR(state(s, "back@example.com", now, &score), "active", "delivered: active");
	T_EQ_INT(score, 0, "delivered: score reset");
	for (i = 3; i < 7; i++) {
		r = rec("back@example.com", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + i * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	T_EQ_STR(state(s, "back@example.com", now, &score), "soft_bouncing", "delivered: earlier days forgotten");
	T_EQ_INT(score, 4, "delivered: 4 days since");

	/* Complaints: suppressed for good; vacation: never counted. */
	r = rec("angry@example.com", "feedback", KAERU_KIND_FEEDBACK, KAERU_HINT_SUPPRESS, T0);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.new_suppression, "complaint suppresses");
	T_EQ_STR(state(s, "angry@example.com", now, NULL), "complained", "complained");
	T_EQ_INT(kaeru_store_is_suppressed(s, "angry@example.com", T0 + 5000 * DAY), 1, "complaint never expires");
	r = rec("away@example.com", "vacation", KAERU_KIND_VACATION, KAERU_HINT_IGNORE, T0);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.stored && !res.new_suppression, "vacation stored");
	T_EQ_STR(state(s, "away@example.com", now, NULL), "unknown", "vacation: no state");

	/* fix_sender: not against the recipient, counted per sending domain. */
	for (i = 0; i < 8; i++) {
		r = rec("fine@example.com", "blocked", KAERU_KIND_BOUNCE, KAERU_HINT_FIX_SENDER, T0 + i * DAY);
		kaeru_store_ingest(s, &r, now, &res);
	}
	T_EQ_STR(state(s, "fine@example.com", now, NULL), "unknown", "fix_sender: recipient untouched");
	{
		struct statx x;
		memset(&x, 0, sizeof(x));
		T_OK(kaeru_store_stats(s, KAERU_STATS_SENDER, 0, stat_cb, &x) == 0, "stats by sender");
		T_EQ_INT(x.sender, 8, "fix_sender counted for the sender");
		memset(&x, 0, sizeof(x));
		T_OK(kaeru_store_stats(s, KAERU_STATS_TOTAL, 0, stat_cb, &x) == 0 && x.rows == 1, "stats total");
		T_EQ_INT(x.total.hard, 2, "two hard bounces (one address, two spellings)");
		T_EQ_INT(x.total.complaints, 1, "one complaint");
		T_EQ_INT(x.total.vacations, 1, "one auto reply");
		memset(&x, 0, sizeof(x));
		T_OK(kaeru_store_stats(s, KAERU_STATS_DAY, T0 + 2 * DAY, stat_cb, &x) == 0 && x.rows > 1, "stats by day");
	}

	/* A domain that does not exist: flagged at the third address. */
	r = rec("a@gone.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	kaeru_store_ingest(s, &r, now, &res);
	r = rec("b@gone.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && !res.domain_flagged, "domain: two addresses");
	r = rec("c@gone.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.domain_flagged, "domain: flagged at three");
	T_OK(kaeru_store_domains(s, dom_cb, &n) == 0 && n == 3, "domain: its addresses reported");

	/* Manual suppression, unsubscribe, removal. */
	T_OK(kaeru_store_suppress(s, "bye@example.com", "unsubscribe", now, now + DAY) == 0, "unsubscribe");
	T_EQ_STR(state(s, "bye@example.com", now, NULL), "unsubscribed", "unsubscribed");
	T_EQ_INT(kaeru_store_is_suppressed(s, "bye@example.com", now + 10 * DAY), 1, "unsubscribe never expires");
	T_OK(kaeru_store_unsuppress(s, "bye@example.com", now) == 0, "remove");
	T_EQ_STR(state(s, "bye@example.com", now, NULL), "active", "removed: active");
	T_EQ_INT(kaeru_store_unsuppress(s, "nobody@example.com", now), KAERU_ENOTFOUND, "remove: not found");
	T_EQ_INT(kaeru_store_suppress(s, "no-at-sign", "manual", now, 0), KAERU_EINVAL, "bad address");
	/* A misspelt reason would be an ordinary suppression that never ends. */
	T_EQ_INT(kaeru_store_suppress(s, "typo@example.com", "unsubscibe", now, 0), KAERU_EINVAL, "reason: misspelt");
	T_OK(strstr(kaeru_error_last(), "did you mean \"unsubscribe\"") != NULL, "reason: the nearest word is named");
	T_EQ_STR(state(s, "typo@example.com", now, NULL), "unknown", "reason: nothing stored");
	T_EQ_INT(kaeru_suppression_reason_check("blorp"), KAERU_EINVAL, "reason: no word near");
	T_OK(strstr(kaeru_error_last(), "did you mean") == NULL, "reason: no suggestion when none is near");
	T_OK(kaeru_suppression_reason_check("manual") == 0 && kaeru_suppression_reason_check("feedback") == 0 &&
	    kaeru_suppression_reason_check("mailboxfull") == 0, "reason: manual, feedback, a reason name");
	T_EQ_INT(kaeru_suppression_reason_check(NULL), KAERU_EINVAL, "reason: NULL");

	n = 0;
	T_OK(kaeru_store_suppressions(s, now, 0, count_cb, &n) == 0, "list");
	T_EQ_INT(n, 6, "suppressions in force");	/* Hard, slow, angry, a, b, c: full expired */

	/* Lists. */
	n = 0;
	T_OK(kaeru_store_subscribe(s, "news", "m1@example.com", now) == 0 &&
	    kaeru_store_subscribe(s, "news", "m2@example.com", now) == 0 &&
	    kaeru_store_subscribe(s, "news", "m2@example.com", now) == 0, "subscribe");
	T_OK(kaeru_store_members(s, "news", now, 1, member_cb, &n) == 0 && n == 2, "members");
	T_OK(kaeru_store_unsubscribe(s, "news", "m2@example.com", now) == 0, "unsubscribe from list");
	n = 0;
	T_OK(kaeru_store_members(s, "news", now, 1, member_cb, &n) == 0 && n == 1, "one member left");
	T_EQ_STR(state(s, "m2@example.com", now, NULL), "unsubscribed", "list unsubscribe suppresses");

	/* Transactions: a rolled-back batch leaves nothing. */
	T_OK(kaeru_store_begin(s) == 0, "begin");
	r = rec("gone@example.net", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	kaeru_store_ingest(s, &r, now, &res);
	T_OK(kaeru_store_rollback(s) == 0, "rollback");
	T_EQ_STR(state(s, "gone@example.net", now, NULL), "unknown", "rolled back");
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.stored, "stored after the rollback");
}

/*
 * A scenario for the batch test: every policy path, an address seen
 * several times, a duplicate within the batch, a suppression that
 * expires between two records of the batch, a domain flagged at its
 * third address. pre names the addresses, domains and sender domain
 * (address formats take it twice).
 */
#define NSCEN 32

static size_t
scenario(kaeru_record *r, char (*addr)[64], const char *pre)
{
	static char sd[2][32];
	size_t	    n = 0;
	int	    i, which = pre[0] == 's';

	snprintf(sd[which], sizeof(sd[which]), "%s.sender.example", pre);
#define ADD(a, reason, kind, hint, ts) do { \
	snprintf(addr[n], 64, (a), pre, pre); \
	r[n] = rec(addr[n], reason, kind, hint, ts); \
	r[n].senderdomain = sd[which]; \
	n++; \
} while (0)
	for (i = 0; i < 6; i++)		/* suppressed at the fifth day; the sixth counted */
		ADD("%s-soft@%s.example", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 + i * DAY);
	ADD("%s-hard@%s.example", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	r[n] = r[n - 1];		/* the same record again: a duplicate */
	n++;
	ADD("%s-hard@%s.example", "feedback", KAERU_KIND_FEEDBACK, KAERU_HINT_SUPPRESS, T0 + DAY);
	ADD("%s-back@%s.example", "systemfull", KAERU_KIND_BOUNCE, KAERU_HINT_RETRY, T0);
	ADD("%s-back@%s.example", "systemfull", KAERU_KIND_BOUNCE, KAERU_HINT_RETRY, T0 + DAY);
	ADD("%s-back@%s.example", "delivered", KAERU_KIND_DELIVERED, KAERU_HINT_IGNORE, T0 + DAY + 60);
	ADD("%s-back@%s.example", "systemfull", KAERU_KIND_BOUNCE, KAERU_HINT_RETRY, T0 + 3 * DAY);
	for (i = 0; i < 5; i++)		/* long ago: suppressed, and expired by now */
		ADD("%s-old@%s.example", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0 - 300 * DAY + i * DAY);
	ADD("%s-old@%s.example", "mailboxfull", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS_AFTER_RETRIES, T0);
	ADD("%s-x@gone-%s.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	ADD("%s-y@gone-%s.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	ADD("%s-x@gone-%s.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0 + DAY);
	ADD("%s-z@gone-%s.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	ADD("%s-w@gone-%s.example", "hostunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	for (i = 0; i < 3; i++)
		ADD("%s-fine@%s.example", "blocked", KAERU_KIND_BOUNCE, KAERU_HINT_FIX_SENDER, T0 + i * DAY);
	ADD("%s-away@%s.example", "vacation", KAERU_KIND_VACATION, KAERU_HINT_IGNORE, T0);
	ADD("%s-Case@B-%s.example", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	snprintf(addr[n], 64, "no address");
	r[n] = rec(addr[n], "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
	n++;
#undef ADD
	return n;
}

struct hlog { char text[4096]; size_t len; };

static int
hlog_cb(void *arg, const kaeru_history *h)
{
	struct hlog *x = arg;
	int	     k = snprintf(x->text + x->len, sizeof(x->text) - x->len, "%lld %s>%s %s %s\n",
	    (long long)h->ts, h->old_state, h->new_state, h->reason, h->rule);

	if (k > 0 && (size_t)k < sizeof(x->text) - x->len)
		x->len += (size_t)k;
	return 0;
}

/* same_address - state, score, suppression and history of two addresses agree */
static void
same_address(kaeru_store *s, const char *a, const char *b, int64_t now)
{
	kaeru_address_info ia, ib;
	struct hlog	   ha, hb;
	char		   ra[64], what[200];
	int		   fa, fb;

	memset(&ha, 0, sizeof(ha));
	memset(&hb, 0, sizeof(hb));
	fa = kaeru_store_address(s, a, now, &ia, hlog_cb, &ha);
	snprintf(ra, sizeof(ra), "%s", fa == 0 ? ia.supp_reason : "");
	fb = kaeru_store_address(s, b, now, &ib, hlog_cb, &hb);
	snprintf(what, sizeof(what), "batch = one by one: %s", b);
	T_EQ_INT(fa, fb, what);
	if (fa != 0 || fb != 0)
		return;
	T_EQ_INT(ia.state, ib.state, what);
	T_EQ_INT(ia.score, ib.score, what);
	T_EQ_INT(ia.suppressed, ib.suppressed, what);
	T_EQ_STR(ra, ib.supp_reason, what);
	T_EQ_STR(ha.text, hb.text, what);
}

struct domcount { const char *domain; int n; };

static int
domcount_cb(void *arg, const char *domain, int64_t since, const char *address)
{
	struct domcount *d = arg;

	(void)since;
	(void)address;
	if (strcmp(domain, d->domain) == 0)
		d->n++;
	return 0;
}

/* The batch ingest gives what one record after the other gives. */
static void
test_batch(kaeru_store *s)
{
	static kaeru_record rs[NSCEN], rb[NSCEN];
	static char	    as[NSCEN][64], ab[NSCEN][64];
	kaeru_ingest_result res_s[NSCEN], res_b[NSCEN];
	kaeru_ingest_batch *b;
	int64_t		    now = T0 + 100 * DAY;
	size_t		    n, nb, i;
	struct domcount	    ds = { "gone-s.example", 0 }, db = { "gone-b.example", 0 };
	struct statx	    xs, xb;
	int		    hits = 0;

	n = scenario(rs, as, "s");
	nb = scenario(rb, ab, "b");
	T_EQ_INT(n, nb, "scenario");
	for (i = 0; i < n; i++)
		kaeru_store_ingest(s, &rs[i], now, &res_s[i]);
	T_OK(kaeru_ingest_batch_new(&b) == 0, "batch");
	for (i = 0; i < nb; i++)
		kaeru_ingest_batch_add(b, &rb[i]);
	T_EQ_INT(kaeru_ingest_batch_count(b), n, "batch count");
	T_OK(kaeru_store_begin(s) == 0 && kaeru_store_ingest_batch(s, b, now, res_b) == 0 &&
	    kaeru_store_commit(s) == 0, kaeru_error_last());
	for (i = 0; i < n; i++) {
		char what[120];

		snprintf(what, sizeof(what), "result of record %zu (%s)", i, ab[i]);
		T_OK(res_s[i].stored == res_b[i].stored && res_s[i].duplicate == res_b[i].duplicate &&
		    res_s[i].skipped == res_b[i].skipped &&
		    res_s[i].new_suppression == res_b[i].new_suppression &&
		    res_s[i].domain_flagged == res_b[i].domain_flagged &&
		    res_s[i].state == res_b[i].state, what);
		hits += res_b[i].domain_flagged;
	}
	T_EQ_INT(res_b[7].duplicate, 1, "a duplicate within the batch");
	T_EQ_INT(res_b[n - 1].skipped, 1, "no address: skipped");
	T_EQ_INT(hits, 1, "the domain is flagged once, at its third address");
	T_EQ_INT(res_b[4].new_suppression, 1, "suppressed at the fifth soft day");
	for (i = 0; i < n - 1; i++)
		if (i == 0 || strcmp(as[i], as[i - 1]) != 0)
			same_address(s, as[i], ab[i], now);
	T_EQ_STR(state(s, "b-old@b.example", now, NULL), "soft_bouncing", "expired within the batch, counted again");
	{
		struct hlog h;
		kaeru_address_info info;

		memset(&h, 0, sizeof(h));
		kaeru_store_address(s, "b-old@b.example", now, &info, hlog_cb, &h);
		T_OK(strstr(h.text, "the mailboxfull suppression expired") != NULL, h.text);
	}
	T_EQ_STR(state(s, "b-hard@b.example", now, NULL), "complained", "a complaint after a hard bounce");
	kaeru_store_domains(s, domcount_cb, &ds);
	kaeru_store_domains(s, domcount_cb, &db);
	T_EQ_INT(db.n, 4, "flagged domain: its four addresses");
	T_EQ_INT(ds.n, db.n, "flagged domain: same addresses");
	memset(&xs, 0, sizeof(xs));
	memset(&xb, 0, sizeof(xb));
	kaeru_store_stats(s, KAERU_STATS_SENDER, 0, sender_cb_s, &xs);
	kaeru_store_stats(s, KAERU_STATS_SENDER, 0, sender_cb_b, &xb);
	T_EQ_INT(xb.sender, 3, "sender faults counted per sending domain");
	T_EQ_INT(xs.sender, xb.sender, "sender faults: same count");
	/* The same batch again: every record a duplicate, nothing changes. */
	T_OK(kaeru_store_ingest_batch(s, b, now, res_b) == 0, "again, in its own transaction");
	for (i = hits = 0; i + 1 < n; i++)
		hits += res_b[i].duplicate;
	T_EQ_INT(hits, n - 1, "again: all duplicates");
	kaeru_ingest_batch_clear(b);
	T_EQ_INT(kaeru_ingest_batch_count(b), 0, "cleared");
	T_OK(kaeru_store_ingest_batch(s, b, now, NULL) == 0, "an empty batch");
	kaeru_ingest_batch_free(b);
	kaeru_ingest_batch_free(NULL);
}

/* raw - run SQL on a database, bypassing the store; the first column of the last row into *out */
static int
raw(const char *loc, const char *q, long long *out)
{
	int rc = -1;

	if (strncmp(loc, "postgres", 8) == 0) {
		PGconn	 *c = PQconnectdb(loc);
		PGresult *r = PQexec(c, q);
		int	  st = PQresultStatus(r);

		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			rc = 0;
			if (out != NULL && PQntuples(r) > 0)
				*out = strtoll(PQgetvalue(r, PQntuples(r) - 1, 0), NULL, 10);
		} else
			printf("raw: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3	     *db;
		sqlite3_stmt *st = NULL;
		const char   *rest = q;

		if (sqlite3_open(loc, &db) != SQLITE_OK)
			return -1;
		rc = 0;
		while (rc == 0 && *rest != '\0' && sqlite3_prepare_v2(db, rest, -1, &st, &rest) == SQLITE_OK &&
		    st != NULL) {
			int x;
			while ((x = sqlite3_step(st)) == SQLITE_ROW)
				if (out != NULL)
					*out = sqlite3_column_int64(st, 0);
			if (x != SQLITE_DONE) {
				printf("raw: %s\n", sqlite3_errmsg(db));
				rc = -1;
			}
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	}
	return rc;
}

/* Schema 1, as kaeru wrote it before migration 2 ("%s": the id column). */
static const char schema1[] =
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"
	"INSERT INTO schema_version (version) VALUES (1);"
	"CREATE TABLE events (id %s, token TEXT NOT NULL, recipient TEXT NOT NULL, ts BIGINT NOT NULL,"
	" reason TEXT NOT NULL, hardbounce INTEGER NOT NULL, category TEXT NOT NULL,"
	" action_hint TEXT NOT NULL, kind TEXT NOT NULL, senderdomain TEXT NOT NULL,"
	" destination TEXT NOT NULL, event_rule TEXT NOT NULL, deliverystatus TEXT NOT NULL,"
	" replycode TEXT NOT NULL, origin TEXT NOT NULL, ingested BIGINT NOT NULL,"
	" UNIQUE (token, recipient));"
	"CREATE INDEX events_ts ON events (ts);"
	"CREATE TABLE addresses (address TEXT PRIMARY KEY, domain TEXT NOT NULL, state TEXT NOT NULL,"
	" score INTEGER NOT NULL, reset_ts BIGINT NOT NULL, updated BIGINT NOT NULL);"
	"CREATE TABLE history (id %s, address TEXT NOT NULL, ts BIGINT NOT NULL,"
	" old_state TEXT NOT NULL, new_state TEXT NOT NULL, event_id BIGINT NOT NULL,"
	" reason TEXT NOT NULL, policy_rule TEXT NOT NULL);"
	"CREATE INDEX history_address ON history (address);"
	"CREATE TABLE suppressions (address TEXT PRIMARY KEY, reason TEXT NOT NULL, source TEXT NOT NULL,"
	" event_id BIGINT NOT NULL, since_ts BIGINT NOT NULL, until_ts BIGINT NOT NULL);"
	"CREATE TABLE bounce_days (address TEXT NOT NULL, day BIGINT NOT NULL, ts BIGINT NOT NULL,"
	" PRIMARY KEY (address, day));"
	"CREATE TABLE sender_issues (senderdomain TEXT NOT NULL, reason TEXT NOT NULL, n BIGINT NOT NULL,"
	" first_ts BIGINT NOT NULL, last_ts BIGINT NOT NULL, PRIMARY KEY (senderdomain, reason));"
	"CREATE TABLE domain_failures (domain TEXT NOT NULL, address TEXT NOT NULL, ts BIGINT NOT NULL,"
	" PRIMARY KEY (domain, address));"
	"CREATE TABLE domains (domain TEXT PRIMARY KEY, since_ts BIGINT NOT NULL);"
	"CREATE TABLE lists (id %s, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE subscribers (list_id BIGINT NOT NULL, address TEXT NOT NULL, added BIGINT NOT NULL,"
	" PRIMARY KEY (list_id, address));";

/* Its rows: Foo@ and foo@ (one soft bouncing, one suppressed), one event stored under two spellings. */
static const char data1[] =
	"INSERT INTO events (token, recipient, ts, reason, hardbounce, category, action_hint, kind,"
	" senderdomain, destination, event_rule, deliverystatus, replycode, origin, ingested) VALUES"
	" ('t1', 'Foo@example.com', 1700000000, 'mailboxfull', 0, 'mailbox_full',"
	"  'suppress_after_retries', 'bounce', 's.example', 'example.com', 'r', '4.2.2', '452', 'o', 1700000000),"
	" ('t2', 'foo@example.com', 1700086400, 'userunknown', 1, 'address_invalid', 'suppress',"
	"  'bounce', 's.example', 'example.com', 'r', '5.1.1', '550', 'o', 1700086400),"
	" ('t3', 'Baz@example.com', 1700000000, 'vacation', 0, 'auto_reply', 'ignore', 'vacation',"
	"  's.example', 'example.com', 'r', '', '', 'o', 1700000000),"
	" ('t3', 'baz@example.com', 1700000000, 'vacation', 0, 'auto_reply', 'ignore', 'vacation',"
	"  's.example', 'example.com', 'r', '', '', 'o', 1700000000),"
	" ('t4', 'Bar@example.com', 1700000000, 'userunknown', 1, 'address_invalid', 'suppress',"
	"  'bounce', 's.example', 'example.com', 'r', '5.1.1', '550', 'o', 1700000000);"
	"INSERT INTO addresses VALUES ('Foo@example.com', 'example.com', 'soft_bouncing', 1, 0, 1700000000),"
	" ('foo@example.com', 'example.com', 'suppressed', 0, 0, 1700086400),"
	" ('Bar@example.com', 'example.com', 'suppressed', 0, 0, 1700000000);"
	"INSERT INTO history (address, ts, old_state, new_state, event_id, reason, policy_rule) VALUES"
	" ('Foo@example.com', 1700000000, 'active', 'soft_bouncing', 1, 'mailboxfull', 'policy: soft'),"
	" ('foo@example.com', 1700086400, 'active', 'suppressed', 2, 'userunknown', 'policy: hard'),"
	" ('Bar@example.com', 1700000000, 'active', 'suppressed', 5, 'userunknown', 'policy: hard');"
	"INSERT INTO suppressions VALUES ('foo@example.com', 'userunknown', 'policy', 2, 1700086400, 0),"
	" ('Bar@example.com', 'userunknown', 'policy', 5, 1700000000, 0);"
	"INSERT INTO bounce_days VALUES ('Foo@example.com', 19675, 1700000000);"
	"INSERT INTO lists (name) VALUES ('news');"
	"INSERT INTO subscribers VALUES (1, 'Foo@example.com', 1700000000), (1, 'foo@example.com', 1700000000),"
	" (1, 'Bar@example.com', 1700000000), (1, 'other@example.com', 1700000000);";

struct members { int n; char all[512]; };

static int
members_cb(void *arg, const kaeru_subscriber *sub)
{
	struct members *m = arg;
	size_t		l = strlen(m->all);

	m->n++;
	snprintf(m->all + l, sizeof(m->all) - l, "%s:%s%s ", sub->address,
	    kaeru_addr_state_name(sub->state), sub->mailable ? "" : "!");
	return 0;
}

/* A store of schema 1 migrated: first kept case-sensitive, then folded, merging Foo@ and foo@. */
static void
test_migration(const char *loc)
{
	int		    pg = strncmp(loc, "postgres", 8) == 0;
	const char	   *id = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
	char		    ddl[sizeof(schema1) + 128];
	kaeru_policy	    keep;
	kaeru_store	   *s;
	kaeru_address_info  i;
	kaeru_record	    r;
	kaeru_ingest_result res;
	struct hlog	    h;
	struct members	    m;
	struct statx	    x;
	long long	    v = 0, n = 0;
	int64_t		    now = T0 + 10 * DAY;

	snprintf(ddl, sizeof(ddl), schema1, id, id, id);
	T_OK(raw(loc, ddl, NULL) == 0 && raw(loc, data1, NULL) == 0, "a store of schema 1");
	kaeru_policy_defaults(&keep);
	keep.local_part_case_sensitive = 1;
	T_OK(kaeru_store_open(&s, loc, &keep) == 0, kaeru_error_last());
	if (s == NULL)
		return;
	T_OK(raw(loc, "SELECT MAX(version) FROM schema_version", &v) == 0 && v == 2, "migrated to schema 2");
	T_EQ_STR(state(s, "Foo@example.com", now, NULL), "soft_bouncing", "case-sensitive: Foo@ as it was");
	T_EQ_STR(state(s, "foo@example.com", now, NULL), "suppressed", "case-sensitive: foo@ apart");
	T_OK(kaeru_store_address(s, "Foo@example.com", now, &i, NULL, NULL) == 0 &&
	    strcmp(i.display, "Foo@example.com") == 0, "schema 1 rows shown as keyed");
	memset(&m, 0, sizeof(m));
	T_OK(kaeru_store_members(s, "news", now, 1, members_cb, &m) == 0 && m.n == 4, "case-sensitive: four members");
	kaeru_store_free(s);

	/* The default policy folds the keys and merges, history included. */
	T_OK(kaeru_store_open(&s, loc, NULL) == 0, kaeru_error_last());
	if (s == NULL)
		return;
	memset(&h, 0, sizeof(h));
	T_OK(kaeru_store_address(s, "FOO@example.COM", now, &i, hlog_cb, &h) == 0, "merged address");
	T_EQ_STR(i.address, "foo@example.com", "merged: the folded key");
	T_EQ_STR(i.display, "Foo@example.com", "merged: shown as first seen");
	T_EQ_STR(kaeru_addr_state_name(i.state), "suppressed", "merged: the suppression's state");
	T_EQ_STR(i.supp_reason, "userunknown", "merged: the suppression kept");
	T_OK(strstr(h.text, "policy: soft") != NULL && strstr(h.text, "policy: hard") != NULL, h.text);
	T_OK(strstr(h.text, "migration: merged Foo@example.com and foo@example.com into foo@example.com") != NULL,
	    "merged: a line of history names the spellings");
	T_EQ_INT(kaeru_store_is_suppressed(s, "Foo@example.com", now), 1, "merged: Foo@ suppressed too");
	memset(&h, 0, sizeof(h));
	T_OK(kaeru_store_address(s, "bar@example.com", now, &i, hlog_cb, &h) == 0 &&
	    strcmp(i.display, "Bar@example.com") == 0 && i.suppressed, "a single spelling: moved");
	T_OK(strstr(h.text, "migration") == NULL, "a single spelling: no merge line");
	memset(&m, 0, sizeof(m));
	T_OK(kaeru_store_members(s, "news", now, 1, members_cb, &m) == 0 && m.n == 3, m.all);
	memset(&x, 0, sizeof(x));
	kaeru_store_stats(s, KAERU_STATS_TOTAL, 0, stat_cb, &x);
	T_EQ_INT(x.total.events, 4, "the event stored under two spellings counted once");
	T_OK(raw(loc, "SELECT COUNT(*) FROM bounce_days WHERE address = 'foo@example.com'", &n) == 0 && n == 1,
	    "bounce days moved");
	/* The same records again, in other spellings: duplicates. */
	r = rec("FOO@example.com", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0 + DAY);
	r.token = "t2";
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.duplicate, "an event of the old key: duplicate");
	r = rec("BAZ@example.com", "vacation", KAERU_KIND_VACATION, KAERU_HINT_IGNORE, T0);
	r.token = "t3";
	T_OK(kaeru_store_ingest(s, &r, now, &res) == 0 && res.duplicate, "the merged event: duplicate");
	kaeru_store_free(s);

	/* Folded keys cannot become case-sensitive again; opening again changes nothing. */
	T_EQ_INT(kaeru_store_open(&s, loc, &keep), KAERU_EINVAL, "a folded store refuses case-sensitive keys");
	T_OK(strstr(kaeru_error_last(), "local_part_case_sensitive") != NULL, kaeru_error_last());
	T_OK(kaeru_store_open(&s, loc, NULL) == 0, kaeru_error_last());
	memset(&h, 0, sizeof(h));
	kaeru_store_address(s, "foo@example.com", now, &i, hlog_cb, &h);
	{
		const char *a = strstr(h.text, "migration:");
		T_OK(a != NULL && strstr(a + 1, "migration:") == NULL, "reopened: merged once");
	}
	kaeru_store_free(s);
}

struct listcount { int lists; kaeru_list_info w; };

static int
lists_cb(void *arg, const kaeru_list_info *l)
{
	struct listcount *x = arg;

	x->lists++;
	if (strcmp(l->name, "weekly") == 0)
		x->w = *l;
	return 0;
}

/* Lists: create, import (all or nothing), counts, export, remove, unsubscribe. */
static void
test_lists(kaeru_store *s)
{
	static const char csv[] =
	    "\xef\xbb\xbf" "Name,E-mail\r\n"
	    "Mixed,Mixed@Example.org\r\n"
	    "\"Hard, Case\",hard@example.com\n"	/* suppressed by the policy test */
	    "Dead,z@gone.example\n"		/* a domain flagged as not existing */
	    "\n"
	    "Again,MIXED@example.org\n"		/* the same address */
	    "Plain,plain@example.org\n";
	static const char bad[] = "email\nok@example.org\nnot an address\nx@\n";
	kaeru_clean_opts   o = KAERU_CLEAN_OPTS_INIT;
	kaeru_import_stats st;
	kaeru_buf	   why = KAERU_BUF_INIT;
	struct members	   m;
	struct listcount   lc;
	int64_t		   now = T0 + 100 * DAY;

	o.now = now;
	T_OK(kaeru_store_list_create(s, "weekly") == 0, "create");
	T_EQ_INT(kaeru_store_list_create(s, "weekly"), KAERU_EINVAL, "create: taken");
	T_EQ_INT(kaeru_store_list_import(s, "nosuch", csv, strlen(csv), &o, NULL, &st), KAERU_ENOTFOUND,
	    "import into a list that does not exist");
	T_OK(kaeru_store_list_import(s, "weekly", csv, strlen(csv), &o, &why, &st) == 0, kaeru_error_last());
	T_OK(st.rows == 5 && st.added == 4 && st.present == 1 && st.invalid == 0, "import: counted");
	T_OK(kaeru_store_list_import(s, "weekly", csv, strlen(csv), &o, &why, &st) == 0 &&
	    st.added == 0 && st.present == 5, "import again: nothing new");
	/* A bad row or malformed CSV: nothing at all. */
	T_EQ_INT(kaeru_store_list_import(s, "weekly", bad, strlen(bad), &o, &why, &st), KAERU_EPARSE,
	    "import: invalid addresses");
	T_OK(st.invalid == 2 && st.added == 0, "import: two bad rows");
	T_OK(why.ptr != NULL && strstr(why.ptr, "line 3: not an address: ") != NULL &&
	    strstr(why.ptr, "line 4: x@: ") != NULL, why.ptr ? why.ptr : "(none)");
	T_OK(strstr(kaeru_error_last(), "2 rows without a valid address") != NULL, kaeru_error_last());
	T_EQ_INT(kaeru_store_list_import(s, "weekly", "email\nq@example.org\n\"open\n",
	    strlen("email\nq@example.org\n\"open\n"), &o, &why, &st),
	    KAERU_EPARSE, "import: malformed CSV");
	T_OK(strstr(kaeru_error_last(), "line 3") != NULL, kaeru_error_last());
	memset(&m, 0, sizeof(m));
	kaeru_store_members(s, "weekly", now, 1, members_cb, &m);
	T_EQ_INT(m.n, 4, "a failed import added nothing");
	T_EQ_STR(m.all, "hard@example.com:suppressed! Mixed@Example.org:active plain@example.org:active "
	    "z@gone.example:active! ", "every member: as first seen, with state and mailable");
	memset(&m, 0, sizeof(m));
	kaeru_store_members(s, "weekly", now, 0, members_cb, &m);
	T_EQ_STR(m.all, "Mixed@Example.org:active plain@example.org:active ", "mailable members");
	memset(&lc, 0, sizeof(lc));
	T_OK(kaeru_store_lists(s, NULL, now, lists_cb, &lc) == 0 && lc.lists == 2, "two lists");
	T_OK(lc.w.subscribers == 4 && lc.w.mailable == 2 && lc.w.state[KAERU_ADDR_SUPPRESSED] == 1 &&
	    lc.w.state[KAERU_ADDR_ACTIVE] == 3, "counts per state");
	memset(&lc, 0, sizeof(lc));
	T_OK(kaeru_store_lists(s, "weekly", now, lists_cb, &lc) == 0 && lc.lists == 1, "one list");
	T_EQ_INT(kaeru_store_lists(s, "nosuch", now, lists_cb, &lc), KAERU_ENOTFOUND, "no such list");

	/* A bounce later takes a member out of the export. */
	{
		kaeru_record	    r = rec("Plain@example.org", "userunknown", KAERU_KIND_BOUNCE, KAERU_HINT_SUPPRESS, T0);
		kaeru_ingest_result res;

		kaeru_store_ingest(s, &r, now, &res);
		memset(&m, 0, sizeof(m));
		kaeru_store_members(s, "weekly", now, 0, members_cb, &m);
		T_EQ_STR(m.all, "Mixed@Example.org:active ", "a bounce takes a member out");
	}
	/* remove: off the list only; unsubscribe: off the list and suppressed. */
	T_OK(kaeru_store_list_remove(s, "weekly", "MIXED@example.org") == 0, "remove");
	T_EQ_INT(kaeru_store_list_remove(s, "weekly", "mixed@example.org"), KAERU_ENOTFOUND, "remove: not on it");
	T_EQ_STR(state(s, "mixed@example.org", now, NULL), "unknown", "remove suppresses nothing");
	T_OK(kaeru_store_unsubscribe(s, "weekly", "z@gone.example", now) == 0, "unsubscribe");
	T_EQ_STR(state(s, "z@gone.example", now, NULL), "unsubscribed", "unsubscribed");
	memset(&lc, 0, sizeof(lc));
	kaeru_store_lists(s, "weekly", now, lists_cb, &lc);
	T_OK(lc.w.subscribers == 2 && lc.w.mailable == 0, "two left, none mailable");
	kaeru_buf_dispose(&why);
}

struct each { int header, kept, dropped; char hint[64]; };

static int
each_kept(void *arg, const kaeru_clean_row *r)
{
	struct each *x = arg;

	if (r->header)
		x->header += x->kept == 0 && x->dropped == 0;
	else {
		x->kept++;
		if (r->n == 2 && r->lens[0] == 3 && memcmp(r->fields[0], "Cat", 3) == 0)
			snprintf(x->hint, sizeof(x->hint), "%s", r->extra);
	}
	return 0;
}

static int
each_dropped(void *arg, const kaeru_clean_row *r)
{
	if (!r->header)
		((struct each *)arg)->dropped++;
	return 0;
}

static void
test_clean(kaeru_store *s)
{
	kaeru_clean_opts  o = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats st;
	kaeru_buf	  out = KAERU_BUF_INIT, rej = KAERU_BUF_INIT;
	static const char good[] =
	    "\xef\xbb\xbfname,Email\r\n"
	    "Neko,neko@gmial.com\n"
	    "Hard,Hard@EXAMPLE.com\r"
	    "Dup,neko@GMIAL.COM\r\n"
	    "Dup2,NEKO@gmial.com\r\n"
	    "Cat,Cat@hotmal.com\r\n"
	    "Bad,not an address\n"
	    "\"Quoted, name\",\"inu@例え.jp\"\n"
	    "Dead,x@gone.example\n"
	    "\n"
	    "Ok,ok@example.org";
	char		 *big;
	int		  rc;

	o.now = T0 + 100 * DAY;
	rc = kaeru_clean(s, good, strlen(good), &o, &out, &rej, &st);
	T_EQ_INT(rc, 0, "clean");
	T_EQ_INT(st.rows, 9, "rows");
	T_EQ_INT(st.kept, 4, "kept");
	T_EQ_INT(st.suppressed, 1, "suppressed");
	T_EQ_INT(st.duplicate, 2, "duplicates, the case of either part ignored");
	T_EQ_INT(st.invalid, 1, "invalid");
	T_EQ_INT(st.bad_domain, 1, "dead domain");
	T_EQ_INT(st.typos, 2, "typos");
	T_OK(out.ptr && strstr(out.ptr, "name,Email,did_you_mean\r\n") == out.ptr, "header kept, BOM gone");
	T_OK(out.ptr && strstr(out.ptr, "Neko,neko@gmial.com,neko@gmail.com\r\n") != NULL, "typo reported, address kept");
	T_OK(out.ptr && strstr(out.ptr, "Cat,Cat@hotmal.com,Cat@hotmail.com\r\n") != NULL, "typo: the local part as written");
	T_OK(out.ptr && strstr(out.ptr, "\"Quoted, name\",inu@例え.jp,\r\n") != NULL, "IDNA address kept as written");
	T_OK(rej.ptr && strstr(rej.ptr, "Hard,Hard@EXAMPLE.com,suppressed\r\n") != NULL, "rejects name the reason");

	{
		struct each x;

		memset(&x, 0, sizeof(x));
		T_OK(kaeru_clean_each(s, good, strlen(good), &o, each_kept, each_dropped, &x, &st) == 0, "clean row by row");
		T_OK(x.header == 1 && x.kept == 4 && x.dropped == 5, "the header first, then the rows kept and dropped");
		T_EQ_STR(x.hint, "Cat@hotmail.com", "a row's hint");
		memset(&x, 0, sizeof(x));
		T_EQ_INT(kaeru_clean_each(s, "email\na@b.example\n\"x\n", strlen("email\na@b.example\n\"x\n"), &o,
		    each_kept, each_dropped, &x, &st),
		    KAERU_EPARSE, "row by row: malformed");
		T_OK(x.header == 0 && x.kept == 0 && x.dropped == 0, "row by row: nothing handed over");
	}
	rc = kaeru_clean(s, "email\na@b.example\n\"broken,x\nc@d.example\n", strlen("email\na@b.example\n\"broken,x\nc@d.example\n"), &o, &out, NULL, &st);
	T_EQ_INT(rc, KAERU_EPARSE, "unterminated quote");
	T_OK(strstr(kaeru_error_last(), "opened on line 3") != NULL, kaeru_error_last());
	T_OK(out.ptr == NULL || out.size == 0, "nothing half-written");
	rc = kaeru_clean(s, "email\na@b.example\nx\"y@c.example\n", strlen("email\na@b.example\nx\"y@c.example\n"), &o, &out, NULL, &st);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 3"), "quote in an unquoted field");
	rc = kaeru_clean(s, "email\na@b.example\n\"a\"b,c\n", strlen("email\na@b.example\n\"a\"b,c\n"), &o, &out, NULL, &st);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 3"), "text after a closing quote");
	rc = kaeru_clean(s, "email\r\na@b.example\r\nbad\xff@c.example\r\n", strlen("email\r\na@b.example\r\nbad\xff@c.example\r\n"), &o, &out, NULL, &st);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 3") && strstr(kaeru_error_last(), "UTF-8"), "invalid UTF-8");
	big = malloc(10u << 20);
	memset(big, 'a', 10u << 20);
	memcpy(big, "email\nx@y.example\n", 18);
	rc = kaeru_clean(s, big, 10u << 20, &o, &out, NULL, &st);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 3") && strstr(kaeru_error_last(), "longer"), "10 MB line");
	free(big);
	kaeru_buf_dispose(&out);
	kaeru_buf_dispose(&rej);
}

/* column_of - the address column kaeru_clean_each() gives a list's rows */
static int
column_row(void *arg, const kaeru_clean_row *r)
{
	*(long *)arg = (long)r->column;
	return 0;
}

static long
column_of(const char *csv, int *kept)
{
	kaeru_clean_opts  o = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats st;
	long		  col = -1;

	if (kaeru_clean_each(NULL, csv, strlen(csv), &o, column_row, column_row, &col, &st) != 0)
		return -2;
	*kept = (int)st.kept;
	return col;
}

/*
 * test_encodings - lists as spreadsheets save them: Shift_JIS (CP932),
 *	EUC-JP, ISO-2022-JP, Windows-1252; the address column found by its
 *	Japanese or English name, or by the address in a list without a
 *	header
 */
static void
test_encodings(void)
{
	/* 名前,メールアドレス / 山田,yamada@example.jp in UTF-8, CP932, EUC-JP, ISO-2022-JP */
	static const char utf8[] = "\xe5\x90\x8d\xe5\x89\x8d,\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"
	    "\xe3\x82\xa2\xe3\x83\x89\xe3\x83\xac\xe3\x82\xb9\r\n\xe5\xb1\xb1\xe7\x94\xb0,yamada@example.jp\r\n";
	static const char sjis[] = "\x96\xbc\x91\x4f,\x83\x81\x81\x5b\x83\x8b\x83\x41\x83\x68\x83\x8c\x83\x58\r\n"
	    "\x8e\x52\x93\x63,yamada@example.jp\r\n";
	static const char euc[] = "\xcc\xbe\xc1\xb0,\xa5\xe1\xa1\xbc\xa5\xeb\xa5\xa2\xa5\xc9\xa5\xec\xa5\xb9\r\n"
	    "\xbb\xb3\xc5\xc4,yamada@example.jp\r\n";
	static const char jis[] = "\x1b$BL>A0\x1b(B,\x1b$B%a!<%k%\"%I%l%9\x1b(B\r\n"
	    "\x1b$B;3ED\x1b(B,yamada@example.jp\r\n";
	static const struct {
		const char *in, *enc, *used;
	} cases[] = {
		{ sjis, NULL, "CP932" }, { euc, NULL, "EUC-JP-MS" }, { jis, NULL, "ISO-2022-JP-3" },
		{ sjis, "SHIFT_JIS", "SHIFT_JIS" }, { sjis, "cp932", "cp932" }, { euc, "EUC-JP", "EUC-JP" },
	};
	kaeru_buf   b = KAERU_BUF_INIT;
	const char *used;
	size_t	    i;
	int	    rc, kept;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b.size = 0;
		rc = kaeru_list_to_utf8(cases[i].in, strlen(cases[i].in), cases[i].enc, &b, &used);
		T_EQ_INT(rc, 1, cases[i].used);
		T_EQ_STR(rc == 1 ? used : NULL, cases[i].used, "the encoding read");
		T_OK(rc == 1 && b.size == strlen(utf8) && memcmp(b.ptr, utf8, b.size) == 0, "the list in UTF-8");
	}
	b.size = 0;
	T_EQ_INT(kaeru_list_to_utf8(utf8, strlen(utf8), NULL, &b, &used), 0, "UTF-8 stays");
	T_OK(b.size == 0 && strcmp(used, "UTF-8") == 0, "UTF-8: nothing copied");
	T_EQ_INT(kaeru_list_to_utf8("M\xfcller,m@example.de\n", 20, NULL, &b, &used), 1, "Windows-1252");
	T_OK(strcmp(used, "WINDOWS-1252") == 0 && strcmp(b.ptr, "M\xc3\xbcller,m@example.de\n") == 0, b.ptr);
	/* Strict: a Shift_JIS list with a byte cut is refused where it breaks, not read as Windows-1252. */
	b.size = 0;
	rc = kaeru_list_to_utf8(sjis, 24, NULL, &b, &used);	/* line 2 ends in half of 田 */
	T_EQ_INT(rc, KAERU_EPARSE, "a Shift_JIS list cut inside a character");
	T_OK(strstr(kaeru_error_last(), "line 2") != NULL && strstr(kaeru_error_last(), "Shift_JIS") != NULL,
	    kaeru_error_last());
	T_OK(b.size == 0, "refused: nothing appended");
	rc = kaeru_list_to_utf8(sjis, strlen(sjis), "EUC-JP", &b, &used);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 1: not EUC-JP (byte ") != NULL, kaeru_error_last());
	T_EQ_INT(kaeru_list_to_utf8(sjis, strlen(sjis), "KLINGON", &b, &used), KAERU_EINVAL, "an unknown encoding");
	T_EQ_INT(kaeru_list_to_utf8("a\xffz", 3, "utf-8", &b, &used), KAERU_EPARSE, "UTF-8 named, and not");
	/* And back: each converted list written again as it came, byte for byte. */
	for (i = 0; i < 3; i++) {
		kaeru_buf back = KAERU_BUF_INIT;
		b.size = 0;
		T_EQ_INT(kaeru_list_to_utf8(cases[i].in, strlen(cases[i].in), NULL, &b, &used), 1, "to UTF-8");
		T_EQ_INT(kaeru_list_from_utf8(b.ptr, b.size, used, &back), 0, used);
		T_OK(back.size == strlen(cases[i].in) && memcmp(back.ptr, cases[i].in, back.size) == 0,
		    "the list written back as it came");
		kaeru_buf_dispose(&back);
	}
	b.size = 0;
	rc = kaeru_list_from_utf8("a\n\xf0\x9f\x90\xb8,b@example.jp\n", 20, "CP932", &b);
	T_OK(rc == KAERU_EPARSE && strstr(kaeru_error_last(), "line 2: a character that CP932 cannot hold (byte 1") != NULL,
	    kaeru_error_last());
	T_OK(b.size == 0, "a character CP932 cannot hold: nothing appended");
	T_EQ_INT(kaeru_list_from_utf8("a", 1, "KLINGON", &b), KAERU_EINVAL, "back to an unknown encoding");
	kaeru_buf_dispose(&b);

	/* The address column. */
	T_EQ_INT(column_of(utf8, &kept), 1, "メールアドレス names the column");
	T_EQ_INT(kept, 1, "メールアドレス: the row kept");
	T_EQ_INT(column_of("Name,Work Email,Email Opt Out\nA,a@example.org,0\n", &kept), 1, "a name holding Email");
	T_EQ_INT(column_of("id,address,mailable\n1,a@example.org,yes\n", &kept), 1, "an exact name before one holding mail");
	T_EQ_INT(column_of("Taro,taro@example.jp\nHanako,hanako@example.jp\n", &kept), 1,
	    "no header: the first field with an address");
	T_EQ_INT(kept, 2, "no header: the first row is data");
	T_EQ_INT(column_of("a@example.org,to\nb@example.org,x\n", &kept), 0, "a data row saying \"to\"");
	T_EQ_INT(kept, 2, "a data row saying \"to\": both rows kept");
	T_EQ_INT(column_of("name,phone\nA,123\n", &kept), 0, "a header naming no address column: the first");
}

static void
test_addresses(void)
{
	kaeru_buf   b = KAERU_BUF_INIT;
	const char *why;
	static const struct { const char *a; int ok; const char *norm; } cases[] = {
		{ "user@example.com", 1, "user@example.com" },
		{ "User.Name+tag@Example.COM", 1, "user.name+tag@example.com" },
		{ "\"john doe\"@example.com", 1, "\"john doe\"@example.com" },
		{ "inu@例え.jp", 1, "inu@xn--r8jz45g.jp" },
		{ "user@[192.0.2.1]", 1, "user@[192.0.2.1]" },
		{ "ユーザー@example.jp", 1, "ユーザー@example.jp" },
		{ "Ärger.ABC@Example.JP", 1, "Ärger.abc@example.jp" },	/* ASCII letters only */
		{ "user@localhost", 0, NULL },
		{ "user..x@example.com", 0, NULL },
		{ ".user@example.com", 0, NULL },
		{ "user@-example.com", 0, NULL },
		{ "user@example..com", 0, NULL },
		{ "us er@example.com", 0, NULL },
		{ "user@example.123", 0, NULL },
		{ "@example.com", 0, NULL },
		{ "user@", 0, NULL },
		{ "user", 0, NULL },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com", 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = kaeru_address_check(cases[i].a, strlen(cases[i].a), &b, &why);
		T_OK((rc == 0) == cases[i].ok, cases[i].a);
		if (rc == 0 && cases[i].norm)
			T_EQ_STR(b.ptr, cases[i].norm, cases[i].a);
	}
	{
		/*
		 * 153 octets in UTF-8, 263 with the domain as A-labels ("a\u3048"
		 * is "xn--a-97t"): too long for SMTP, though the domain alone fits.
		 */
		char a[256] = "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu@";
		int  k;

		for (k = 0; k < 22; k++)
			strcat(a, "a\xe3\x81\x88.");
		strcat(a, "jp");
		T_OK(kaeru_address_check(a, strlen(a), &b, &why) != 0 && strstr(why, "A-labels") != NULL,
		    "254 octets counted as A-labels");
		T_OK(kaeru_address_normalize(a, strlen(a), &b) == 0 && b.size == 263, "such an address still has a key");
	}
	T_EQ_STR(kaeru_domain_typo("gmial.com"), "gmail.com", "transposition");
	T_EQ_STR(kaeru_domain_typo("hotmal.com"), "hotmail.com", "deletion");
	T_EQ_STR(kaeru_domain_typo("gmail.con"), "gmail.com", "substitution");
	T_OK(kaeru_domain_typo("gmail.com") == NULL, "no typo");
	T_OK(kaeru_domain_typo("mail.com") == NULL, "a known domain is no typo");
	T_OK(kaeru_domain_typo("example.org") == NULL, "unrelated");
	kaeru_buf_dispose(&b);
}

static void
test_config(const char *dir)
{
	kaeru_policy p;
	char	     path[4096];
	FILE	    *f;

	kaeru_policy_defaults(&p);
	snprintf(path, sizeof(path), "%s.conf", dir);
	f = fopen(path, "w");
	fputs("# test\nsoft_threshold = 3\n\nexpire.mailboxfull=10\n", f);
	fclose(f);
	T_OK(kaeru_policy_load(&p, path) == 0, "config loads");
	T_EQ_INT(p.soft_threshold, 3, "soft_threshold");
	T_EQ_INT(p.expire_days[KAERU_REASON_MAILBOXFULL], 10, "expire.mailboxfull");
	f = fopen(path, "w");
	fputs("soft_threshold = 4\nexpire.feedback = 3\n", f);
	fclose(f);
	T_EQ_INT(kaeru_policy_load(&p, path), KAERU_EPARSE, "complaints cannot expire");
	T_OK(strstr(kaeru_error_last(), ":2:") != NULL, "the line is named");
	T_EQ_INT(p.soft_threshold, 3, "all or nothing");
	f = fopen(path, "w");
	fputs("colour = blue\n", f);
	fclose(f);
	T_EQ_INT(kaeru_policy_load(&p, path), KAERU_EPARSE, "unknown key");
	/* Every key the example documents, and the rates as percentages. */
	f = fopen(path, "w");
	fputs("local_part_case_sensitive = 1\nwarn_bounce_rate = 5%\nwarn_complaint_rate = 0.25%\n"
	    "warn_min_mails = 1000\n", f);
	fclose(f);
	T_OK(kaeru_policy_load(&p, path) == 0, kaeru_error_last());
	T_EQ_INT(p.local_part_case_sensitive, 1, "local_part_case_sensitive");
	T_OK(p.warn_bounce_rate > 0.0499 && p.warn_bounce_rate < 0.0501, "warn_bounce_rate 5%");
	T_OK(p.warn_complaint_rate > 0.00249 && p.warn_complaint_rate < 0.00251, "warn_complaint_rate 0.25%");
	T_EQ_INT((int)p.warn_min_mails, 1000, "warn_min_mails");
	{
		static const char *const bad[] = {
			"warn_bounce_rate = 5\n", "warn_bounce_rate = -1%\n", "warn_bounce_rate = 101%\n",
			"warn_bounce_rate = 1e1%\n", "warn_bounce_rate = nan%\n", "warn_bounce_rate = %\n",
			"warn_complaint_rate = 0.1.1%\n", "warn_complaint_rate = 0.1 %\n",
			"local_part_case_sensitive = 2\n",
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char what[128];
			f = fopen(path, "w");
			fputs(bad[i], f);
			fclose(f);
			snprintf(what, sizeof(what), "refused: %.*s", (int)strlen(bad[i]) - 1, bad[i]);
			T_EQ_INT(kaeru_policy_load(&p, path), KAERU_EPARSE, what);
		}
	}
	remove(path);
	/* The example in docs/ loads, and its values are the defaults, as it says. */
	if (getenv("KAERU_CONF_EXAMPLE") != NULL) {
		kaeru_policy d;
		kaeru_policy_defaults(&p);
		kaeru_policy_defaults(&d);
		T_OK(kaeru_policy_load(&p, getenv("KAERU_CONF_EXAMPLE")) == 0, kaeru_error_last());
		T_OK(memcmp(&p, &d, sizeof(p)) == 0, "docs/kaeru.conf.example: the defaults");
	}
}

/* test_rates - kaeru_stats_rates() over rows made up for it */
static void
test_rates(void)
{
	kaeru_stats_row r;
	kaeru_rates	rt;
	kaeru_policy	p;

	memset(&r, 0, sizeof(r));
	r.key = "total";
	r.hard = 30;
	r.soft = 10;
	r.complaints = 3;
	kaeru_stats_rates(&r, 0, NULL, &rt);
	T_OK(rt.mails == 0 && rt.bounce < 0 && rt.complaint < 0 && rt.warn == 0,
	    "no number sent, no delivery report: no rate, no warning");
	kaeru_stats_rates(&r, 1000, NULL, &rt);
	T_OK(rt.mails == 1000 && rt.bounce > 0.0399 && rt.bounce < 0.0401, "40 of 1000 sent: 4%");
	T_EQ_INT((int)rt.warn, (int)(KAERU_WARN_BOUNCE | KAERU_WARN_COMPLAINT), "4% and 0.3%: both warn");
	kaeru_stats_rates(&r, 5000, NULL, &rt);
	T_EQ_INT((int)rt.warn, 0, "40 and 3 of 5000: 0.8% and 0.06%, under the defaults");
	r.delivered = 960;
	kaeru_stats_rates(&r, 0, NULL, &rt);
	T_OK(rt.mails == 1000 && (rt.warn & KAERU_WARN_BOUNCE), "deliveries reported: over bounces and deliveries");
	r.delivered = 20;
	kaeru_stats_rates(&r, 0, NULL, &rt);
	T_OK(rt.mails == 60 && rt.warn == 0, "60 mails: under warn_min_mails, no warning");
	kaeru_policy_defaults(&p);
	p.warn_min_mails = 10;
	p.warn_bounce_rate = 0.9;
	kaeru_stats_rates(&r, 0, &p, &rt);
	T_EQ_INT((int)rt.warn, (int)KAERU_WARN_COMPLAINT, "the policy's thresholds: 67% under 90%, 5% past 0.1%");
}

/*
 * test_missing - kaeru_store_open_existing() of a SQLite file that is not
 *	there: KAERU_ENOTFOUND naming it, and nothing made, neither the file
 *	nor, at the default place, its folders; kaeru_store_open() makes it
 */
static void
test_missing(const char *near)
{
	char	     path[4096], home[4096];
	const char  *slash = strrchr(near, '/');
	kaeru_store *s = NULL;
	int	     n = slash ? (int)(slash - near) : 1;
	const char  *old_xdg = getenv("XDG_DATA_HOME");
	char	     saved_xdg[4096] = "";

	snprintf(path, sizeof(path), "%.*s/missing-store.db", n, slash ? near : ".");
	remove(path);
	T_EQ_INT(kaeru_store_open_existing(&s, path, NULL), KAERU_ENOTFOUND, "a missing store: not found");
	T_OK(s == NULL, "a missing store: no handle");
	T_OK(strstr(kaeru_error_last(), "no store at") != NULL && strstr(kaeru_error_last(), path) != NULL,
	    "a missing store: the error names it");
	T_OK(access(path, F_OK) != 0, "a missing store: not made");
	T_OK(kaeru_store_open(&s, path, NULL) == 0, "a missing store: made by kaeru_store_open");
	kaeru_store_free(s);
	s = NULL;
	T_OK(kaeru_store_open_existing(&s, path, NULL) == 0, "made: now it opens as existing");
	kaeru_store_free(s);
	remove(path);
	/* The default place: $XDG_DATA_HOME/kaeru/kaeru.db, its folder not made. */
	if (old_xdg != NULL)
		snprintf(saved_xdg, sizeof(saved_xdg), "%s", old_xdg);
	snprintf(home, sizeof(home), "%.*s/missing-xdg", n, slash ? near : ".");
	rmdir(home);
	setenv("XDG_DATA_HOME", home, 1);
	s = NULL;
	T_EQ_INT(kaeru_store_open_existing(&s, NULL, NULL), KAERU_ENOTFOUND, "no default store: not found");
	T_OK(access(home, F_OK) != 0, "no default store: its folder not made");
	if (old_xdg != NULL)
		setenv("XDG_DATA_HOME", saved_xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
}

int
main(int argc, char **argv)
{
	kaeru_store *s;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: test_store LOCATION [MIGRATION]\n");
		return 2;
	}
	T_OK(kaeru_store_open(&s, argv[1], NULL) == 0, kaeru_error_last());
	if (s == NULL)
		return t_done("store");
	printf("backend: %s\n", kaeru_store_backend(s));
	test_policy(s);
	test_clean(s);
	test_batch(s);
	test_lists(s);
	kaeru_store_free(s);
	/* Reopening migrates nothing and keeps everything. */
	T_OK(kaeru_store_open(&s, argv[1], NULL) == 0, "reopen");
	T_EQ_INT(kaeru_store_is_suppressed(s, "Hard@example.com", T0), 1, "kept across reopen");
	kaeru_store_free(s);
	/* A store that exists opens for a reader as for a writer. */
	T_OK(kaeru_store_open_existing(&s, argv[1], NULL) == 0, kaeru_error_last());
	T_EQ_INT(kaeru_store_is_suppressed(s, "Hard@example.com", T0), 1, "kept: opened as existing");
	kaeru_store_free(s);
	if (strncmp(argv[1], "postgres", 8) != 0)
		test_missing(argv[1]);
	kaeru_store_free(NULL);
	{
		kaeru_policy keep;

		kaeru_policy_defaults(&keep);
		keep.local_part_case_sensitive = 1;
		T_EQ_INT(kaeru_store_open(&s, argv[1], &keep), KAERU_EINVAL, "keys fold: case-sensitive refused");
	}
	test_addresses();
	test_encodings();
	test_rates();
	if (strncmp(argv[1], "postgres", 8) != 0)
		test_config(argv[1]);
	if (argc == 3)
		test_migration(argv[2]);
	return t_done("store");
}

/*
 * NAME
 *	ingest - records into the store, through the policy, a batch at a time
 * DESCRIPTION
 *	kaeru_store_ingest_batch() stores many records with a few statements
 *	for the whole batch instead of several per record; kaeru_store_ingest()
 *	is a batch of one. The steps:
 *
 *	1. each recipient is normalised (a record without one is skipped);
 *	   a record whose (token, recipient) came earlier in the batch is a
 *	   duplicate at once;
 *	2. the events are inserted with multi-row INSERT ... ON CONFLICT
 *	   (token, recipient) DO NOTHING RETURNING id, token, recipient: a
 *	   record whose event comes back is new, the others were stored
 *	   before and change nothing (idempotency, as for one record);
 *	3. what the policy reads is loaded for every address of the new
 *	   events at once: the address rows, the suppressions, the bounce
 *	   days in reach of the soft window and, for hostunknown bounces,
 *	   the failure counts and flags of their domains;
 *	4. the policy runs in memory over the new events in their order,
 *	   exactly as it would one record after the other (an address seen
 *	   twice in a batch sees its first event's effects);
 *	5. what changed is written back with multi-row statements: history
 *	   lines in order, the last state of each address, suppressions put
 *	   or lifted, bounce days, counters per sending domain, domain
 *	   failures and flags.
 *
 *	The writers' lock is held for the whole transaction, so nothing
 *	changes under the batch between step 3 and step 5. Batch statements
 *	cover 1, 2, 4 ... 128 rows (store.c), so a backend prepares each text
 *	once; on PostgreSQL the writes of step 5 are queued in the pipeline
 *	and travel with the next batch's first statement.
 * OWNERSHIP
 *	A kaeru_ingest_batch owns copies of the fields the store keeps. Every
 *	allocation of an ingest is freed before it returns.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a record that the store keeps (offsets into the batch's pool). */
enum { F_TOKEN, F_RECIPIENT, F_REASON, F_CATEGORY, F_HINT, F_SENDERDOMAIN, F_DESTINATION,
	F_RULE, F_STATUS, F_REPLYCODE, F_ORIGIN, F_COUNT };

struct brec {
	size_t		 f[F_COUNT];
	int64_t		 timestamp;
	int		 hardbounce;
	kaeru_reason	 reason_id;
	kaeru_kind	 kind;
	kaeru_action_hint hint_id;
};

struct kaeru_ingest_batch {
	kstr		 pool;
	struct brec	*r;
	size_t		 n, cap;
};

enum { E_SKIP, E_DUP, E_NEW, E_STORED };

/* One record of the batch. */
struct ent {
	const kaeru_record *r;
	size_t		 key;		/* the address key, in g->pool */
	int64_t		 ts, event;
	int		 status;
	enum kpol_effect eff;
	size_t		 st;		/* its address (applied events) */
};

struct day {
	int64_t	day, ts;
	int	dirty;
};

/* One address: its rows as loaded, then as the policy changes them. */
struct astate {
	size_t		 key, display;	/* display: the recipient as its first record has it */
	kaeru_addr_state state;
	int		 score;
	int64_t		 reset_ts;
	int		 soft;		/* has a soft bounce in the batch: load its days */
	int		 sp_found, sp_in_db, sp_dirty;
	size_t		 sp_reason, sp_source;
	int64_t		 sp_event, sp_since, sp_until;
	struct day	*days;
	size_t		 ndays, cdays;
};

struct hrow {
	size_t		 addr, reason, rule;
	int64_t		 ts, event;
	kaeru_addr_state from, to;
};

struct sender {
	size_t	sd, reason;
	int64_t	n, first, last;
};

struct dom {
	size_t	name;
	int64_t	count, since;
	int	flagged, isnew;
};

struct pair {
	size_t	dom, addr;
	int64_t	ts;
	int	exists, isnew;
};

struct dayref {
	size_t st, day;
};

/* The work of one ingest. */
struct ing {
	kaeru_store	*s;
	int64_t		 now;
	kstr		 pool, tmp;
	struct ent	*e;
	size_t		 n;
	struct astate	*st;
	size_t		 nst, cst;
	struct hrow	*h;
	size_t		 nh, ch;
	struct sender	*snd;
	size_t		 nsnd, csnd;
	struct dom	*dom;
	size_t		 ndom, cdom;
	struct pair	*pr;
	size_t		 npr, cpr;
	struct dayref	*dr;
	size_t		 ndr, cdr;
	size_t		*sel;		/* the items of the statement being built */
	struct kmap	 addrs, events, senders, doms, pairs;
	int		 oom;
};

#define S(g, off)	((g)->pool.p + (off))

/* grow - room for one more item in an array of size bytes each; -1 out of memory */
static int
grow(void *arrp, size_t *cap, size_t n, size_t size)
{
	void **arr = arrp;
	size_t ncap;
	void  *na;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((na = realloc(*arr, ncap * size)) == NULL)
		return -1;
	*arr = na;
	*cap = ncap;
	return 0;
}

/* put - a copy of z in the pool; its offset */
static size_t
put(struct ing *g, const char *z)
{
	size_t off = g->pool.len;

	ks_adds(&g->pool, z);
	ks_addc(&g->pool, '\0');
	if (!ks_ok(&g->pool))
		g->oom = 1;
	return off;
}

/* str - a record's string, "" for NULL */
static const char *
str(const char *z)
{
	return z != NULL ? z : "";
}

/* pair_key - "a\0b" into g->tmp */
static void
pair_key(struct ing *g, const char *a, const char *b)
{
	ks_clear(&g->tmp);
	ks_adds(&g->tmp, a);
	ks_addc(&g->tmp, '\0');
	ks_adds(&g->tmp, b);
	if (!ks_ok(&g->tmp))
		g->oom = 1;
}

typedef void (*fill_fn)(struct ing *g, size_t item, struct kparam *p);
typedef int (*row_fn)(struct ing *g);

/* From kstore_batch()'s row numbers to the items of g->sel. */
struct adapt {
	struct ing *g;
	fill_fn	    fill;
	row_fn	    row;
};

static void
adapt_fill(void *arg, size_t i, struct kparam *p)
{
	struct adapt *a = arg;

	a->fill(a->g, a->g->sel[i], p);
}

static int
adapt_row(void *arg)
{
	struct adapt *a = arg;

	return a->row(a->g);
}

/* batch - batch statement kind over the n items of g->sel (kstore_batch) */
static int
batch(struct ing *g, enum kbatch kind, const struct kparam *head, size_t nhead, size_t nrow,
    size_t n, fill_fn fill, row_fn row)
{
	struct adapt a = { g, fill, row };
	int	     rc;

	rc = kstore_batch(g->s, kind, head, nhead, nrow, n, adapt_fill, row != NULL ? adapt_row : NULL, &a);
	if (rc == 0 && g->oom)
		rc = kerr_set(KAERU_ENOMEM, "out of memory");
	return rc;
}

/* select_room - g->sel sized for n items */
static int
select_room(struct ing *g, size_t n)
{
	size_t *ns;

	if ((ns = realloc(g->sel, (n ? n : 1) * sizeof(*ns))) == NULL)
		return -1;
	g->sel = ns;
	return 0;
}

/* Step 2: the events. */

static void
fill_event(struct ing *g, size_t i, struct kparam *p)
{
	const struct ent   *e = &g->e[i];
	const kaeru_record *r = e->r;
	const char	   *kind = kaeru_kind_name(r->kind);
	struct kparam	    v[15] = {
		P_T(str(r->token)), P_T(S(g, e->key)), P_I(e->ts), P_T(str(r->reason)),
		P_I(r->hardbounce), P_T(str(r->category)), P_T(str(r->action_hint)),
		P_T(str(kind)), P_T(str(r->senderdomain)), P_T(str(r->destination)),
		P_T(str(r->rule)), P_T(str(r->deliverystatus)), P_T(str(r->replycode)),
		P_T(str(r->origin)), P_I(g->now),
	};

	memcpy(p, v, sizeof(v));
}

/* row_event - an inserted event: its record is new */
static int
row_event(struct ing *g)
{
	kaeru_store *s = g->s;
	size_t	     i;

	pair_key(g, s->ops->text(s, 1), s->ops->text(s, 2));
	if (!g->oom && kmap_find(&g->events, g->tmp.p, g->tmp.len, &i)) {
		g->e[i].event = s->ops->int64(s, 0);
		g->e[i].status = E_STORED;
	}
	return 0;
}

/* Step 3: what the policy reads. */

static void
fill_addr(struct ing *g, size_t i, struct kparam *p)
{
	p[0] = (struct kparam)P_T(S(g, g->st[i].key));
}

/* find_addr - the state of the address in column 0 */
static struct astate *
find_addr(struct ing *g)
{
	const char *a = g->s->ops->text(g->s, 0);
	size_t	    i;

	return kmap_find(&g->addrs, a, strlen(a), &i) ? &g->st[i] : NULL;
}

static int
row_addr(struct ing *g)
{
	kaeru_store   *s = g->s;
	struct astate *a = find_addr(g);

	if (a != NULL) {
		a->state = kstore_state(s->ops->text(s, 1));
		a->score = (int)s->ops->int64(s, 2);
		a->reset_ts = s->ops->int64(s, 3);
	}
	return 0;
}

static int
row_supp(struct ing *g)
{
	kaeru_store   *s = g->s;
	struct astate *a = find_addr(g);

	if (a != NULL) {
		a->sp_found = a->sp_in_db = 1;
		a->sp_reason = put(g, s->ops->text(s, 1));
		a->sp_source = put(g, s->ops->text(s, 2));
		a->sp_event = s->ops->int64(s, 3);
		a->sp_since = s->ops->int64(s, 4);
		a->sp_until = s->ops->int64(s, 5);
	}
	return 0;
}

/* day_set - day's latest bounce time for a, kept when loaded, raised when added */
static int
day_set(struct astate *a, int64_t day, int64_t ts, int dirty)
{
	size_t i;

	for (i = 0; i < a->ndays; i++)
		if (a->days[i].day == day) {
			if (ts > a->days[i].ts)
				a->days[i].ts = ts;
			a->days[i].dirty |= dirty;
			return 0;
		}
	if (grow(&a->days, &a->cdays, a->ndays, sizeof(*a->days)) != 0)
		return -1;
	a->days[a->ndays].day = day;
	a->days[a->ndays].ts = ts;
	a->days[a->ndays].dirty = dirty;
	a->ndays++;
	return 0;
}

static int
row_day(struct ing *g)
{
	kaeru_store   *s = g->s;
	struct astate *a = find_addr(g);

	if (a != NULL && day_set(a, s->ops->int64(s, 1), s->ops->int64(s, 2), 0) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	return 0;
}

static void
fill_dom(struct ing *g, size_t i, struct kparam *p)
{
	p[0] = (struct kparam)P_T(S(g, g->dom[i].name));
}

/* find_dom - the domain in column 0 */
static struct dom *
find_dom(struct ing *g)
{
	const char *d = g->s->ops->text(g->s, 0);
	size_t	    i;

	return kmap_find(&g->doms, d, strlen(d), &i) ? &g->dom[i] : NULL;
}

static int
row_domcount(struct ing *g)
{
	struct dom *d = find_dom(g);

	if (d != NULL)
		d->count = g->s->ops->int64(g->s, 1);
	return 0;
}

static int
row_domflag(struct ing *g)
{
	struct dom *d = find_dom(g);

	if (d != NULL)
		d->flagged = 1;
	return 0;
}

static void
fill_pair(struct ing *g, size_t i, struct kparam *p)
{
	p[0] = (struct kparam)P_T(S(g, g->pr[i].dom));
	p[1] = (struct kparam)P_T(S(g, g->pr[i].addr));
}

static int
row_pair(struct ing *g)
{
	kaeru_store *s = g->s;
	size_t	     i;

	pair_key(g, s->ops->text(s, 0), s->ops->text(s, 1));
	if (!g->oom && kmap_find(&g->pairs, g->tmp.p, g->tmp.len, &i))
		g->pr[i].exists = 1;
	return 0;
}

/* Step 4: the policy, in memory. */

/* hist - a line of history for a; reason is in the pool already */
static void
hist(struct ing *g, const struct astate *a, int64_t ts, kaeru_addr_state from,
    kaeru_addr_state to, int64_t event, size_t reason, const char *rule)
{
	struct hrow *h;

	if (grow(&g->h, &g->ch, g->nh, sizeof(*g->h)) != 0) {
		g->oom = 1;
		return;
	}
	h = &g->h[g->nh++];
	h->addr = a->key;
	h->ts = ts;
	h->from = from;
	h->to = to;
	h->event = event;
	h->reason = reason;
	h->rule = put(g, rule);
}

/* supp_set - suppress a */
static void
supp_set(struct ing *g, struct astate *a, const char *reason, const char *source,
    int64_t event, int64_t since, int64_t until)
{
	a->sp_found = a->sp_dirty = 1;
	a->sp_reason = put(g, reason);
	a->sp_source = put(g, source);
	a->sp_event = event;
	a->sp_since = since;
	a->sp_until = until;
}

/* cmp_desc - day numbers, newest first */
static int
cmp_desc(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? 1 : a > b ? -1 : 0;
}

/* soft_score - a's bounce days up to day within the window, after the last reset */
static int
soft_score(struct ing *g, const struct astate *a, int64_t day)
{
	int64_t days[512];
	size_t	i, n = 0;

	for (i = 0; i < a->ndays; i++) {
		const struct day *d = &a->days[i];
		if (d->day > day - g->s->pol.soft_window_days && d->day <= day &&
		    d->ts > a->reset_ts && n < sizeof(days) / sizeof(days[0]))
			days[n++] = d->day;
	}
	qsort(days, n, sizeof(days[0]), cmp_desc);
	return kpol_soft_score(&g->s->pol, days, n);
}

/* domain_check - count a hostunknown address of its domain; flag the domain at the threshold */
static void
domain_check(struct ing *g, const struct ent *e, kaeru_ingest_result *res)
{
	const char *key = S(g, e->key), *at = strrchr(key, '@');
	size_t	    di, pi;
	struct dom *d;

	if (at == NULL || at[1] == '\0' || !kmap_find(&g->doms, at + 1, strlen(at + 1), &di))
		return;
	d = &g->dom[di];
	pair_key(g, at + 1, key);
	if (g->oom || !kmap_find(&g->pairs, g->tmp.p, g->tmp.len, &pi))
		return;
	if (!g->pr[pi].exists) {
		g->pr[pi].exists = g->pr[pi].isnew = 1;
		g->pr[pi].ts = e->ts;
		d->count++;
	}
	if (d->count >= g->s->pol.domain_threshold && !d->flagged) {
		d->flagged = d->isnew = 1;
		d->since = e->ts;
		res->domain_flagged = 1;
	}
}

/* apply - the policy for the new event e of its address */
static int
apply(struct ing *g, const struct ent *e, kaeru_ingest_result *res)
{
	const kaeru_record *r = e->r;
	struct astate	   *a = &g->st[e->st];
	const char	   *reason = str(r->reason);
	kaeru_addr_state    before;
	char		    rule[1024];
	int64_t		    ts = e->ts;
	int		    changed = 0;

	/* A suppression whose time is over is lifted first, with a line of history. */
	if (a->sp_found && a->sp_until != 0 && a->sp_until <= g->now) {
		snprintf(rule, sizeof(rule), "policy: the %s suppression expired", S(g, a->sp_reason));
		hist(g, a, g->now, a->state, KAERU_ADDR_ACTIVE, 0, a->sp_reason, rule);
		a->state = KAERU_ADDR_ACTIVE;
		a->score = 0;
		a->reset_ts = a->sp_until;
		a->sp_found = 0;
		a->sp_dirty = 1;
	}
	before = a->state;
	switch (e->eff) {
	case KPOL_DELIVERED:
		if (a->score > 0 || a->state == KAERU_ADDR_SOFT_BOUNCING) {
			snprintf(rule, sizeof(rule), "policy: a delivery resets the soft bounce score (was %d)",
			    a->score);
			if (a->state == KAERU_ADDR_SOFT_BOUNCING)
				a->state = KAERU_ADDR_ACTIVE;
			changed = 1;
		}
		a->score = 0;
		if (ts > a->reset_ts)
			a->reset_ts = ts;
		break;
	case KPOL_HARD:
	case KPOL_COMPLAINT: {
		const char *why = e->eff == KPOL_HARD ? "a hard bounce suppresses at once"
		    : "a complaint suppresses at once, for good";
		int64_t	    until = kpol_until(&g->s->pol, reason, ts);
		int	    found = a->sp_found;

		/* A lasting suppression is never shortened by a passing one. */
		if (found && (a->sp_until == 0 || (until != 0 && until <= a->sp_until)) &&
		    !(e->eff == KPOL_COMPLAINT && !kpol_never_expires(S(g, a->sp_reason))))
			break;
		supp_set(g, a, e->eff == KPOL_COMPLAINT ? "feedback" : reason, "policy", e->event, ts,
		    e->eff == KPOL_COMPLAINT ? 0 : until);
		if (a->state != KAERU_ADDR_UNSUBSCRIBED)
			a->state = e->eff == KPOL_COMPLAINT ? KAERU_ADDR_COMPLAINED : KAERU_ADDR_SUPPRESSED;
		res->new_suppression = !found;
		snprintf(rule, sizeof(rule), "policy: %s (%s; %s)", why, reason, str(r->rule));
		changed = 1;
		break;
	}
	case KPOL_SOFT: {
		int64_t day = ts / 86400;
		int	score;

		if (day_set(a, day, ts, 1) != 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		score = soft_score(g, a, day);
		if (a->sp_found) {
			a->score = score;
			break;
		}
		if (score >= g->s->pol.soft_threshold) {
			supp_set(g, a, reason, "policy", e->event, ts, kpol_until(&g->s->pol, reason, ts));
			a->state = KAERU_ADDR_SUPPRESSED;
			res->new_suppression = 1;
			snprintf(rule, sizeof(rule), "policy: %d soft bounce days within %d days (threshold %d; %s)",
			    score, g->s->pol.soft_window_days, g->s->pol.soft_threshold, reason);
			changed = 1;
		} else if (score != a->score || a->state == KAERU_ADDR_ACTIVE) {
			a->state = KAERU_ADDR_SOFT_BOUNCING;
			snprintf(rule, sizeof(rule), "policy: soft bounce, score %d of %d (%s)",
			    score, g->s->pol.soft_threshold, reason);
			changed = 1;
		}
		a->score = score;
		break;
	}
	case KPOL_NONE:
	case KPOL_SENDER:
		break;
	}
	if (changed)
		hist(g, a, ts, before, a->state, e->event, put(g, reason), rule);
	res->state = a->state;
	if (r->reason_id == KAERU_REASON_HOSTUNKNOWN)
		domain_check(g, e, res);
	return g->oom ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

/* sender_count - a bounce the sender must fix, counted per sending domain and reason */
static int
sender_count(struct ing *g, const struct ent *e)
{
	const char *sd = e->r->senderdomain != NULL && e->r->senderdomain[0] ? e->r->senderdomain
	    : "(unknown)";
	size_t	    i = g->nsnd;
	int	    a;

	pair_key(g, sd, str(e->r->reason));
	if (g->oom || (a = kmap_add(&g->senders, g->tmp.p, g->tmp.len, &i)) < 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (a == 1) {
		if (grow(&g->snd, &g->csnd, g->nsnd, sizeof(*g->snd)) != 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		g->snd[i].sd = put(g, sd);
		g->snd[i].reason = put(g, str(e->r->reason));
		g->snd[i].n = 0;
		g->snd[i].first = g->snd[i].last = e->ts;
		g->nsnd++;
	}
	g->snd[i].n++;
	if (e->ts > g->snd[i].last)
		g->snd[i].last = e->ts;
	return 0;
}

/* Step 5: the writes. */

static void
fill_hist(struct ing *g, size_t i, struct kparam *p)
{
	const struct hrow *h = &g->h[i];
	struct kparam	   v[7] = { P_T(S(g, h->addr)), P_I(h->ts), P_T(kstore_state_names[h->from]),
		P_T(kstore_state_names[h->to]), P_I(h->event), P_T(S(g, h->reason)), P_T(S(g, h->rule)) };

	memcpy(p, v, sizeof(v));
}

static void
fill_addr_put(struct ing *g, size_t i, struct kparam *p)
{
	const struct astate *a = &g->st[i];
	const char	    *at = strrchr(S(g, a->key), '@');
	struct kparam	     v[7] = { P_T(S(g, a->key)), P_T(at ? at + 1 : ""), P_T(S(g, a->display)),
		P_T(kstore_state_names[a->state]), P_I(a->score), P_I(a->reset_ts), P_I(g->now) };

	memcpy(p, v, sizeof(v));
}

static void
fill_supp_put(struct ing *g, size_t i, struct kparam *p)
{
	const struct astate *a = &g->st[i];
	struct kparam	     v[6] = { P_T(S(g, a->key)), P_T(S(g, a->sp_reason)), P_T(S(g, a->sp_source)),
		P_I(a->sp_event), P_I(a->sp_since), P_I(a->sp_until) };

	memcpy(p, v, sizeof(v));
}

static void
fill_day(struct ing *g, size_t i, struct kparam *p)
{
	const struct astate *a = &g->st[g->dr[i].st];
	const struct day    *d = &a->days[g->dr[i].day];

	p[0] = (struct kparam)P_T(S(g, a->key));
	p[1] = (struct kparam)P_I(d->day);
	p[2] = (struct kparam)P_I(d->ts);
}

static void
fill_sender(struct ing *g, size_t i, struct kparam *p)
{
	const struct sender *x = &g->snd[i];
	struct kparam	     v[5] = { P_T(S(g, x->sd)), P_T(S(g, x->reason)), P_I(x->n),
		P_I(x->first), P_I(x->last) };

	memcpy(p, v, sizeof(v));
}

static void
fill_pair_put(struct ing *g, size_t i, struct kparam *p)
{
	fill_pair(g, i, p);
	p[2] = (struct kparam)P_I(g->pr[i].ts);
}

static void
fill_flag(struct ing *g, size_t i, struct kparam *p)
{
	p[0] = (struct kparam)P_T(S(g, g->dom[i].name));
	p[1] = (struct kparam)P_I(g->dom[i].since);
}

/* load - step 3 */
static int
load(struct ing *g)
{
	size_t	      i, k, nsoft = 0, nhu = 0;
	int64_t	      minday = INT64_MAX;
	int	      rc;

	for (i = 0; i < g->n; i++) {
		struct ent *e = &g->e[i];
		size_t	    v = g->nst;
		int	    a;

		if (e->status != E_STORED || e->eff == KPOL_NONE || e->eff == KPOL_SENDER)
			continue;
		if ((a = kmap_add(&g->addrs, S(g, e->key), strlen(S(g, e->key)), &v)) < 0 ||
		    (a == 1 && grow(&g->st, &g->cst, g->nst, sizeof(*g->st)) != 0))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		if (a == 1) {
			memset(&g->st[v], 0, sizeof(g->st[v]));
			g->st[v].key = e->key;
			g->st[v].display = put(g, e->r->recipient);
			g->nst++;
		}
		e->st = v;
		if (e->eff == KPOL_SOFT) {
			g->st[v].soft = 1;
			nsoft++;
			if (e->ts / 86400 < minday)
				minday = e->ts / 86400;
		}
		if (e->r->reason_id == KAERU_REASON_HOSTUNKNOWN) {
			const char *key = S(g, e->key), *at = strrchr(key, '@');
			size_t	    dv = g->ndom, pv = g->npr;

			if (at == NULL || at[1] == '\0')
				continue;
			nhu++;
			if ((a = kmap_add(&g->doms, at + 1, strlen(at + 1), &dv)) < 0 ||
			    (a == 1 && grow(&g->dom, &g->cdom, g->ndom, sizeof(*g->dom)) != 0))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			if (a == 1) {
				memset(&g->dom[dv], 0, sizeof(g->dom[dv]));
				g->dom[dv].name = e->key + (size_t)(at + 1 - key);
				g->ndom++;
			}
			pair_key(g, at + 1, key);
			if (g->oom || (a = kmap_add(&g->pairs, g->tmp.p, g->tmp.len, &pv)) < 0 ||
			    (a == 1 && grow(&g->pr, &g->cpr, g->npr, sizeof(*g->pr)) != 0))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			if (a == 1) {
				memset(&g->pr[pv], 0, sizeof(g->pr[pv]));
				g->pr[pv].dom = g->dom[dv].name;
				g->pr[pv].addr = e->key;
				g->npr++;
			}
		}
	}
	if (g->nst == 0)
		return 0;
	if (select_room(g, g->nst > g->npr ? g->nst : g->npr) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	for (k = 0; k < g->nst; k++)
		g->sel[k] = k;
	if ((rc = batch(g, SB_ADDR_GET, NULL, 0, 1, k, fill_addr, row_addr)) != 0 ||
	    (rc = batch(g, SB_SUPP_GET, NULL, 0, 1, k, fill_addr, row_supp)) != 0)
		return rc;
	if (nsoft > 0) {
		struct kparam head[] = { P_I(minday - g->s->pol.soft_window_days) };

		for (i = k = 0; i < g->nst; i++)
			if (g->st[i].soft)
				g->sel[k++] = i;
		if ((rc = batch(g, SB_DAYS_GET, head, 1, 1, k, fill_addr, row_day)) != 0)
			return rc;
	}
	if (nhu > 0) {
		for (k = 0; k < g->ndom; k++)
			g->sel[k] = k;
		if ((rc = batch(g, SB_DOMFAIL_COUNT, NULL, 0, 1, k, fill_dom, row_domcount)) != 0 ||
		    (rc = batch(g, SB_DOMAINS_GET, NULL, 0, 1, k, fill_dom, row_domflag)) != 0)
			return rc;
		for (k = 0; k < g->npr; k++)
			g->sel[k] = k;
		if ((rc = batch(g, SB_DOMFAIL_GET, NULL, 0, 2, k, fill_pair, row_pair)) != 0)
			return rc;
	}
	return 0;
}

/* save - step 5 */
static int
save(struct ing *g)
{
	size_t i, j, k, most;
	int    rc;

	for (i = 0; i < g->nst; i++)
		for (j = 0; j < g->st[i].ndays; j++)
			if (g->st[i].days[j].dirty) {
				if (grow(&g->dr, &g->cdr, g->ndr, sizeof(*g->dr)) != 0)
					return kerr_set(KAERU_ENOMEM, "out of memory");
				g->dr[g->ndr].st = i;
				g->dr[g->ndr++].day = j;
			}
	most = g->nh;
	if (g->nst > most)
		most = g->nst;
	if (g->ndr > most)
		most = g->ndr;
	if (g->nsnd > most)
		most = g->nsnd;
	if (g->npr > most)
		most = g->npr;
	if (g->ndom > most)
		most = g->ndom;
	if (select_room(g, most) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	for (k = 0; k < g->nh; k++)
		g->sel[k] = k;
	if ((rc = batch(g, SB_HIST_ADD, NULL, 0, 7, k, fill_hist, NULL)) != 0)
		return rc;
	for (k = 0; k < g->nst; k++)
		g->sel[k] = k;
	if ((rc = batch(g, SB_ADDR_PUT, NULL, 0, 7, k, fill_addr_put, NULL)) != 0)
		return rc;
	for (i = k = 0; i < g->nst; i++)
		if (g->st[i].sp_dirty && g->st[i].sp_found)
			g->sel[k++] = i;
	if ((rc = batch(g, SB_SUPP_PUT, NULL, 0, 6, k, fill_supp_put, NULL)) != 0)
		return rc;
	for (i = k = 0; i < g->nst; i++)
		if (g->st[i].sp_dirty && !g->st[i].sp_found && g->st[i].sp_in_db)
			g->sel[k++] = i;
	if ((rc = batch(g, SB_SUPP_DEL, NULL, 0, 1, k, fill_addr, NULL)) != 0)
		return rc;
	for (k = 0; k < g->ndr; k++)
		g->sel[k] = k;
	if ((rc = batch(g, SB_DAY_PUT, NULL, 0, 3, k, fill_day, NULL)) != 0)
		return rc;
	for (k = 0; k < g->nsnd; k++)
		g->sel[k] = k;
	if ((rc = batch(g, SB_SENDER_ADD, NULL, 0, 5, k, fill_sender, NULL)) != 0)
		return rc;
	for (i = k = 0; i < g->npr; i++)
		if (g->pr[i].isnew)
			g->sel[k++] = i;
	if ((rc = batch(g, SB_DOMFAIL_ADD, NULL, 0, 3, k, fill_pair_put, NULL)) != 0)
		return rc;
	for (i = k = 0; i < g->ndom; i++)
		if (g->dom[i].isnew)
			g->sel[k++] = i;
	return batch(g, SB_DOMAIN_FLAG, NULL, 0, 2, k, fill_flag, NULL);
}

/* ing_free - everything an ingest allocated */
static void
ing_free(struct ing *g)
{
	size_t i;

	for (i = 0; i < g->nst; i++)
		free(g->st[i].days);
	free(g->e);
	free(g->st);
	free(g->h);
	free(g->snd);
	free(g->dom);
	free(g->pr);
	free(g->dr);
	free(g->sel);
	ks_dispose(&g->pool);
	ks_dispose(&g->tmp);
	kmap_free(&g->addrs);
	kmap_free(&g->events);
	kmap_free(&g->senders);
	kmap_free(&g->doms);
	kmap_free(&g->pairs);
}

/* ingest - the n records of recs, res[i] for each (cleared first) */
static int
ingest(kaeru_store *s, const kaeru_record *recs, size_t n, int64_t now, kaeru_ingest_result *res)
{
	struct ing g;
	size_t	   i, k, work = 0;
	int	   rc, own;

	memset(&g, 0, sizeof(g));
	memset(res, 0, n * sizeof(*res));
	g.s = s;
	g.now = now;
	g.n = n;
	if (n == 0)
		return 0;
	if ((g.e = calloc(n, sizeof(*g.e))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	/* Step 1: the keys; a (token, recipient) seen earlier in the batch is a duplicate. */
	for (i = 0; i < n; i++) {
		struct ent	   *e = &g.e[i];
		const kaeru_record *r = &recs[i];
		size_t		    v = i;
		int		    a;

		e->r = r;
		if (r->recipient == NULL || strchr(r->recipient, '@') == NULL ||
		    kstore_norm(s, r->recipient) != 0) {
			e->status = E_SKIP;
			res[i].skipped = 1;
			continue;
		}
		e->key = put(&g, s->addr.p);
		e->ts = r->timestamp > 0 ? r->timestamp : now;
		e->eff = kpol_effect(r);
		pair_key(&g, str(r->token), s->addr.p);
		if (g.oom || (a = kmap_add(&g.events, g.tmp.p, g.tmp.len, &v)) < 0) {
			ing_free(&g);
			return kerr_set(KAERU_ENOMEM, "out of memory");
		}
		e->status = a == 1 ? E_NEW : E_DUP;
		work++;
	}
	if (work == 0) {
		ing_free(&g);
		return 0;
	}
	if ((rc = kstore_auto_begin(s, &own)) != 0) {
		ing_free(&g);
		return rc;
	}
	/* Step 2: the events. */
	if (select_room(&g, n) != 0)
		rc = kerr_set(KAERU_ENOMEM, "out of memory");
	else {
		for (i = k = 0; i < n; i++)
			if (g.e[i].status == E_NEW)
				g.sel[k++] = i;
		rc = batch(&g, SB_EV_INSERT, NULL, 0, 15, k, fill_event, row_event);
	}
	/* Steps 3 to 5. */
	if (rc == 0)
		rc = load(&g);
	for (i = 0; rc == 0 && i < n; i++) {
		struct ent *e = &g.e[i];

		if (e->status == E_NEW)
			e->status = E_DUP;	/* not inserted: stored before */
		if (e->status == E_DUP)
			res[i].duplicate = 1;
		if (e->status != E_STORED)
			continue;
		res[i].stored = 1;
		if (e->eff == KPOL_SENDER)
			rc = sender_count(&g, e);
		else if (e->eff != KPOL_NONE)
			rc = apply(&g, e, &res[i]);
	}
	if (rc == 0)
		rc = save(&g);
	ing_free(&g);
	return kstore_auto_end(s, own, rc);
}

/* kaeru_store_ingest - store one record once and apply the policy */
int
kaeru_store_ingest(kaeru_store *s, const kaeru_record *r, int64_t now, kaeru_ingest_result *res)
{
	kaeru_ingest_result dummy;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (s == NULL || r == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_ingest: NULL argument");
	return ingest(s, r, 1, now, res);
}

/* kaeru_ingest_batch_new - an empty batch */
int
kaeru_ingest_batch_new(kaeru_ingest_batch **out)
{
	if (out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_ingest_batch_new: NULL out");
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	return 0;
}

/* kaeru_ingest_batch_free - release a batch; accepts NULL */
void
kaeru_ingest_batch_free(kaeru_ingest_batch *b)
{
	if (b == NULL)
		return;
	ks_dispose(&b->pool);
	free(b->r);
	free(b);
}

/* kaeru_ingest_batch_count - the records in the batch */
size_t
kaeru_ingest_batch_count(const kaeru_ingest_batch *b)
{
	return b != NULL ? b->n : 0;
}

/* kaeru_ingest_batch_clear - empty the batch, keeping its memory */
void
kaeru_ingest_batch_clear(kaeru_ingest_batch *b)
{
	if (b == NULL)
		return;
	ks_clear(&b->pool);
	b->n = 0;
}

/* kaeru_ingest_batch_add - copy what the store keeps of a record */
int
kaeru_ingest_batch_add(kaeru_ingest_batch *b, const kaeru_record *r)
{
	const char *f[F_COUNT];
	struct brec *x;
	int	    i;

	if (b == NULL || r == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_ingest_batch_add: NULL argument");
	if (grow(&b->r, &b->cap, b->n, sizeof(*b->r)) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	f[F_TOKEN] = r->token;
	f[F_RECIPIENT] = r->recipient;
	f[F_REASON] = r->reason;
	f[F_CATEGORY] = r->category;
	f[F_HINT] = r->action_hint;
	f[F_SENDERDOMAIN] = r->senderdomain;
	f[F_DESTINATION] = r->destination;
	f[F_RULE] = r->rule;
	f[F_STATUS] = r->deliverystatus;
	f[F_REPLYCODE] = r->replycode;
	f[F_ORIGIN] = r->origin;
	x = &b->r[b->n];
	for (i = 0; i < F_COUNT; i++) {
		x->f[i] = b->pool.len;
		ks_adds(&b->pool, str(f[i]));
		ks_addc(&b->pool, '\0');
	}
	if (!ks_ok(&b->pool))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	x->timestamp = r->timestamp;
	x->hardbounce = r->hardbounce;
	x->reason_id = r->reason_id;
	x->kind = r->kind;
	x->hint_id = r->hint_id;
	b->n++;
	return 0;
}

/* kaeru_store_ingest_batch - the batch's records, as kaeru_store_ingest() one after the other */
int
kaeru_store_ingest_batch(kaeru_store *s, const kaeru_ingest_batch *b, int64_t now,
    kaeru_ingest_result *res)
{
	kaeru_record	    *recs;
	kaeru_ingest_result *own = NULL;
	size_t		     i;
	int		     rc;

	if (s == NULL || b == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_ingest_batch: NULL argument");
	if (b->n == 0)
		return 0;
	if ((recs = calloc(b->n, sizeof(*recs))) == NULL ||
	    (res == NULL && (res = own = calloc(b->n, sizeof(*res))) == NULL)) {
		free(recs);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	for (i = 0; i < b->n; i++) {
		const struct brec *x = &b->r[i];
		kaeru_record	  *r = &recs[i];

		r->token = b->pool.p + x->f[F_TOKEN];
		r->recipient = b->pool.p + x->f[F_RECIPIENT];
		r->reason = b->pool.p + x->f[F_REASON];
		r->category = b->pool.p + x->f[F_CATEGORY];
		r->action_hint = b->pool.p + x->f[F_HINT];
		r->senderdomain = b->pool.p + x->f[F_SENDERDOMAIN];
		r->destination = b->pool.p + x->f[F_DESTINATION];
		r->rule = b->pool.p + x->f[F_RULE];
		r->deliverystatus = b->pool.p + x->f[F_STATUS];
		r->replycode = b->pool.p + x->f[F_REPLYCODE];
		r->origin = b->pool.p + x->f[F_ORIGIN];
		r->timestamp = x->timestamp;
		r->hardbounce = x->hardbounce;
		r->reason_id = x->reason_id;
		r->kind = x->kind;
		r->hint_id = x->hint_id;
	}
	rc = ingest(s, recs, b->n, now, res);
	free(recs);
	free(own);
	return rc;
}

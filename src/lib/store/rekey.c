/*
 * NAME
 *	rekey - fold the case of the local parts of a store's keys
 * DESCRIPTION
 *	A store made before keys folded the local part's case (schema 1), or
 *	one kept with local_part_case_sensitive = 1, may hold Foo@example.com
 *	and foo@example.com as two addresses. kstore_rekey() gives every key
 *	the folded form (KADDR_FOLD) and merges what then agrees, in the
 *	caller's transaction (the migration's, under the writers' lock):
 *
 *	- history, events, bounce days, domain failures and subscriptions
 *	  move to the folded key; where two rows then collide (one event
 *	  stored under both spellings, a day counted twice, a subscription
 *	  twice) one is kept: nothing is summed twice;
 *	- the suppressions merge into the lasting one (never expiring, else
 *	  the latest end), and the address takes the state of the row that
 *	  suppression belongs to, else of the row changed last; it is shown
 *	  as first seen (the spelling with the oldest history);
 *	- an address merged from two rows or more gets a line of history
 *	  naming the spellings merged.
 *
 *	Only keys whose local part has upper case can change, and SQL's
 *	lower() finds them (a superset: lower() may fold more than ASCII).
 *	Each changed key costs a few statements: this runs once per store.
 * OWNERSHIP
 *	Everything allocated here is freed before return.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A spelling to fold: the key as stored and its folded form (offsets into the pool). */
struct var {
	size_t key, fold;
};

/* What one spelling holds. */
struct spell {
	const char	*key;
	int		 known, found, hist;
	kaeru_addr_state state;
	int		 score;
	int64_t		 reset_ts, updated, first_ts, first_id;
	int64_t		 event, since, until;
	char		*display, *reason, *source;
};

struct rk {
	kstr	    pool;
	struct var *v;
	size_t	    n, cap;
	struct kmap seen;
};

static const char *pooled(const struct rk *k, size_t off) { return k->pool.p + off; }

/* cmp_var - by folded key, then key */
static int
cmp_var(const void *x, const void *y, void *arg)
{
	const struct var *a = x, *b = y;
	const struct rk	 *k = arg;
	int		  c = strcmp(pooled(k, a->fold), pooled(k, b->fold));

	return c != 0 ? c : strcmp(pooled(k, a->key), pooled(k, b->key));
}

/* collect - the keys of one statement that folding changes */
static int
collect(kaeru_store *s, struct rk *k, int id)
{
	kstr	    f = KSTR_INIT;
	const char *why;
	int	    rc;

	if ((rc = s->ops->run(s, id, NULL, 0)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		const char *key = s->ops->text(s, 0);
		size_t	    v = 0, n = strlen(key);
		int	    a;

		if ((a = kmap_add(&k->seen, key, n, &v)) < 0) {
			rc = kerr_set(KAERU_ENOMEM, "out of memory");
			break;
		}
		if (a == 0 || kaddr_norm(key, n, &f, &why, KADDR_FOLD) != 0 || strcmp(f.p, key) == 0)
			continue;
		if (k->n == k->cap) {
			size_t	    ncap = k->cap ? k->cap * 2 : 64;
			struct var *nv = realloc(k->v, ncap * sizeof(*nv));
			if (nv == NULL) {
				rc = kerr_set(KAERU_ENOMEM, "out of memory");
				break;
			}
			k->v = nv;
			k->cap = ncap;
		}
		k->v[k->n].key = k->pool.len;
		ks_adds(&k->pool, key);
		ks_addc(&k->pool, '\0');
		k->v[k->n].fold = k->pool.len;
		ks_adds(&k->pool, f.p);
		ks_addc(&k->pool, '\0');
		k->n++;
		if (!ks_ok(&k->pool)) {
			rc = kerr_set(KAERU_ENOMEM, "out of memory");
			break;
		}
	}
	while (rc == 1)
		rc = s->ops->next(s);
	ks_dispose(&f);
	return rc < 0 ? rc : 0;
}

/* load - what spelling sp holds */
static int
load(kaeru_store *s, struct spell *sp)
{
	struct kparam p[] = { P_T(sp->key) };
	int	      rc;

	if ((rc = s->ops->run(s, ST_ADDR_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		sp->known = 1;
		sp->state = kstore_state(s->ops->text(s, 0));
		sp->score = (int)s->ops->int64(s, 1);
		sp->reset_ts = s->ops->int64(s, 2);
		sp->updated = s->ops->int64(s, 3);
		if ((sp->display = strdup(s->ops->text(s, 4)[0] ? s->ops->text(s, 4) : sp->key)) == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	if (rc < 0 || (rc = s->ops->run(s, ST_SUPP_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		sp->found = 1;
		sp->reason = strdup(s->ops->text(s, 0));
		sp->source = strdup(s->ops->text(s, 1));
		sp->event = s->ops->int64(s, 2);
		sp->since = s->ops->int64(s, 3);
		sp->until = s->ops->int64(s, 4);
		if (sp->reason == NULL || sp->source == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	if (rc < 0 || (rc = s->ops->run(s, ST_HIST_FIRST, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		sp->hist = 1;
		sp->first_ts = s->ops->int64(s, 0);
		sp->first_id = s->ops->int64(s, 1);
	}
	return rc;
}

/* lasting - 1 when suppression a outlasts b (never beats a date, a later end beats an earlier) */
static int
lasting(const struct spell *a, const struct spell *b)
{
	if ((a->until == 0) != (b->until == 0))
		return a->until == 0;
	if (a->until != b->until)
		return a->until > b->until;
	return a->since < b->since;
}

/* merge - the spellings sp[0..n) (sp[0]: the folded key itself) into sp[0].key */
static int
merge(kaeru_store *s, struct spell *sp, size_t n, int64_t now)
{
	const char     *f = sp[0].key, *at = strrchr(f, '@');
	struct spell   *win = NULL, *row = NULL, *first = NULL;
	kaeru_addr_state st = KAERU_ADDR_ACTIVE;
	size_t		i, rows = 0;
	int		rc;

	for (i = 0; i < n; i++) {
		if ((rc = load(s, &sp[i])) != 0)
			return rc;
		if (sp[i].found && (win == NULL || lasting(&sp[i], win)))
			win = &sp[i];
		if (sp[i].known) {
			rows++;
			if (row == NULL || sp[i].updated > row->updated)
				row = &sp[i];
			if (first == NULL || (sp[i].hist && (!first->hist || sp[i].first_ts < first->first_ts ||
			    (sp[i].first_ts == first->first_ts && sp[i].first_id < first->first_id))))
				first = &sp[i];
		}
	}
	if (win != NULL && win->known)
		row = win;
	if (row != NULL)
		st = row->state;
	if (win != NULL && (row == NULL || row != win))
		st = strcmp(win->reason, "feedback") == 0 ? KAERU_ADDR_COMPLAINED :
		    strcmp(win->reason, "unsubscribe") == 0 ? KAERU_ADDR_UNSUBSCRIBED : KAERU_ADDR_SUPPRESSED;
	for (i = 0; i < n; i++) {
		struct kparam k[] = { P_T(sp[i].key) }, fk[] = { P_T(f), P_T(sp[i].key), P_T(f) };

		if ((row != NULL && (rc = s->ops->send(s, ST_ADDR_DEL, k, 1)) != 0) ||
		    (win != NULL && (rc = s->ops->send(s, ST_SUPP_DEL, k, 1)) != 0))
			return rc;
		if (i == 0)
			continue;
		if ((rc = s->ops->send(s, ST_HIST_MOVE, fk, 2)) != 0 ||
		    (rc = s->ops->send(s, ST_EV_MOVE, fk, 3)) != 0 ||
		    (rc = s->ops->send(s, ST_EV_DROP, k, 1)) != 0 ||
		    (rc = s->ops->send(s, ST_DAYS_MOVE, fk, 2)) != 0 ||
		    (rc = s->ops->send(s, ST_DAYS_DROP, k, 1)) != 0 ||
		    (rc = s->ops->send(s, ST_DOMFAIL_MOVE, fk, 2)) != 0 ||
		    (rc = s->ops->send(s, ST_DOMFAIL_DROP, k, 1)) != 0 ||
		    (rc = s->ops->send(s, ST_SUB_MOVE, fk, 2)) != 0 ||
		    (rc = s->ops->send(s, ST_SUB_DROP, k, 1)) != 0)
			return rc;
	}
	if (row != NULL) {
		int64_t	      updated = 0;
		struct kparam p[7];

		for (i = 0; i < n; i++)
			if (sp[i].known && sp[i].updated > updated)
				updated = sp[i].updated;
		p[0] = (struct kparam)P_T(f);
		p[1] = (struct kparam)P_T(at != NULL ? at + 1 : "");
		p[2] = (struct kparam)P_T(first->display);
		p[3] = (struct kparam)P_T(kstore_state_names[st]);
		p[4] = (struct kparam)P_I(row->score);
		p[5] = (struct kparam)P_I(row->reset_ts);
		p[6] = (struct kparam)P_I(updated);
		if ((rc = s->ops->send(s, ST_ADDR_NEW, p, 7)) != 0)
			return rc;
	}
	if (win != NULL) {
		struct kparam p[] = { P_T(f), P_T(win->reason), P_T(win->source), P_I(win->event),
			P_I(win->since), P_I(win->until) };
		if ((rc = s->ops->send(s, ST_SUPP_PUT, p, 6)) != 0)
			return rc;
	}
	if (rows >= 2) {
		kstr	      rule = KSTR_INIT;
		struct kparam p[7];
		size_t	      shown = 0;

		/* The spellings, the first seen first. */
		ks_addf(&rule, "migration: merged %s", first->display);
		for (i = 0, shown = 1; i < n; i++)
			if (sp[i].known && &sp[i] != first)
				ks_addf(&rule, "%s %s", ++shown == rows ? " and" : ",", sp[i].display);
		ks_addf(&rule, " into %s: the case of a local part is not significant"
		    " (kaeru.conf local_part_case_sensitive = 0)", f);
		if (!ks_ok(&rule))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		p[0] = (struct kparam)P_T(f);
		p[1] = (struct kparam)P_I(now);
		p[2] = (struct kparam)P_T(kstore_state_names[st]);
		p[3] = (struct kparam)P_T(kstore_state_names[st]);
		p[4] = (struct kparam)P_I(0);
		p[5] = (struct kparam)P_T(win != NULL ? win->reason : "");
		p[6] = (struct kparam)P_T(rule.p);
		rc = s->ops->send(s, ST_HIST_ADD, p, 7);
		ks_dispose(&rule);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* kstore_rekey - fold the local part of every key, merging addresses that then agree */
int
kstore_rekey(kaeru_store *s, int64_t now)
{
	static const int cased[] = { ST_CASED_ADDR, ST_CASED_SUPP, ST_CASED_HIST, ST_CASED_DAYS,
		ST_CASED_DOMFAIL, ST_CASED_SUB, ST_CASED_EV };
	struct rk     k;
	struct spell *sp = NULL;
	size_t	      i, j, most = 0;
	int	      rc = 0;

	memset(&k, 0, sizeof(k));
	for (i = 0; rc == 0 && i < sizeof(cased) / sizeof(cased[0]); i++)
		rc = collect(s, &k, cased[i]);
	if (rc == 0 && k.n > 0) {
		qsort_r(k.v, k.n, sizeof(*k.v), cmp_var, &k);
		for (i = 0; i < k.n; i = j) {
			for (j = i; j < k.n && strcmp(pooled(&k, k.v[j].fold), pooled(&k, k.v[i].fold)) == 0; j++)
				;
			if (j - i + 1 > most)
				most = j - i + 1;
		}
		if ((sp = calloc(most, sizeof(*sp))) == NULL)
			rc = kerr_set(KAERU_ENOMEM, "out of memory");
	}
	for (i = 0; rc == 0 && i < k.n; i = j) {
		size_t m = 1, x;

		memset(sp, 0, most * sizeof(*sp));
		sp[0].key = pooled(&k, k.v[i].fold);
		for (j = i; j < k.n && strcmp(pooled(&k, k.v[j].fold), sp[0].key) == 0; j++)
			sp[m++].key = pooled(&k, k.v[j].key);
		rc = merge(s, sp, m, now);
		for (x = 0; x < m; x++) {
			free(sp[x].display);
			free(sp[x].reason);
			free(sp[x].source);
		}
	}
	free(sp);
	free(k.v);
	ks_dispose(&k.pool);
	kmap_free(&k.seen);
	return rc;
}

/*
 * NAME
 *	lists - mailing lists and their subscribers
 * DESCRIPTION
 *	A list is a name and its subscribers, each kept by the store's key
 *	of its address and shown as first seen. Whether a subscriber may be
 *	mailed is not stored with it: it follows from the address's state
 *	and suppression in force (kaeru_store_address's view) and from the
 *	domains flagged as not existing, read when the list is read, so a
 *	bounce ingested today changes what the list exports tomorrow.
 *
 *	An import reads a CSV list as kaeru_clean() does (kcsv_addresses),
 *	checks every row before writing anything, and subscribes the lot in
 *	one transaction with multi-row statements.
 * OWNERSHIP
 *	Strings handed to callbacks are borrowed for the callback; what an
 *	import allocates is freed before it returns.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* list_id - the id of a list, created when create is set */
static int
list_id(kaeru_store *s, const char *list, int create, int64_t *id)
{
	struct kparam p[] = { P_T(list) };
	int	      rc;

	if (list == NULL || *list == '\0')
		return kerr_set(KAERU_EINVAL, "a list needs a name");
	if (create && (rc = s->ops->send(s, ST_LIST_NEW, p, 1)) != 0)
		return rc;
	*id = 0;
	if ((rc = kstore_one_int(s, ST_LIST_ID, p, 1, id)) != 0)
		return rc;
	return *id == 0 ? kerr_set(KAERU_ENOTFOUND, "no list \"%s\"", list) : 0;
}

/* kaeru_store_list_create - a new, empty list */
int
kaeru_store_list_create(kaeru_store *s, const char *list)
{
	struct kparam p[] = { P_T(list) };
	int64_t	      id = 0;
	int	      rc, own;

	if (s == NULL || list == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_list_create: NULL argument");
	if (*list == '\0')
		return kerr_set(KAERU_EINVAL, "a list needs a name");
	if ((rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = kstore_one_int(s, ST_LIST_CREATE, p, 1, &id)) == 0 && id == 0)
		rc = kerr_set(KAERU_EINVAL, "the list \"%s\" exists already", list);
	return kstore_auto_end(s, own, rc);
}

/* kaeru_store_subscribe - add an address to a list (created on first use) */
int
kaeru_store_subscribe(kaeru_store *s, const char *list, const char *address, int64_t now)
{
	int64_t id;
	int	rc, own;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_subscribe: NULL store");
	if ((rc = kstore_norm(s, address)) != 0 || (rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = list_id(s, list, 1, &id)) == 0) {
		struct kparam p[] = { P_I(id), P_T(s->addr.p), P_I(now), P_T(address) };
		rc = s->ops->send(s, ST_SUB_ADD, p, 4);
	}
	return kstore_auto_end(s, own, rc);
}

/* leave - take s->addr off list id; KAERU_ENOTFOUND when it was not on it */
static int
leave(kaeru_store *s, const char *list, const char *address, int64_t id)
{
	struct kparam p[] = { P_I(id), P_T(s->addr.p) };
	int	      rc, gone = 0;

	if ((rc = s->ops->run(s, ST_SUB_DEL, p, 2)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1)
		gone = 1;
	if (rc < 0)
		return rc;
	return gone ? 0 : kerr_set(KAERU_ENOTFOUND, "%s is not on the list \"%s\"", address, list);
}

/* kaeru_store_list_remove - take an address off a list (nothing else changes) */
int
kaeru_store_list_remove(kaeru_store *s, const char *list, const char *address)
{
	int64_t id;
	int	rc, own;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_list_remove: NULL store");
	if ((rc = kstore_norm(s, address)) != 0 || (rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = list_id(s, list, 0, &id)) == 0)
		rc = leave(s, list, address, id);
	return kstore_auto_end(s, own, rc);
}

/* kaeru_store_unsubscribe - remove an address from a list and suppress it */
int
kaeru_store_unsubscribe(kaeru_store *s, const char *list, const char *address, int64_t now)
{
	int64_t id;
	int	rc, own;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_unsubscribe: NULL store");
	if ((rc = kstore_norm(s, address)) != 0 || (rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = list_id(s, list, 0, &id)) == 0 && (rc = leave(s, list, address, id)) == 0)
		rc = kaeru_store_suppress(s, address, "unsubscribe", now, 0);
	return kstore_auto_end(s, own, rc);
}

/* What reading a list needs: the flagged domains, and the callback. */
struct reading {
	struct kmap	dead;
	int64_t		now;
};

static int
load_dead(void *arg, const char *domain, int64_t since, const char *address)
{
	size_t v = 0;

	(void)since;
	(void)address;
	return kmap_add(&((struct reading *)arg)->dead, domain, strlen(domain), &v) < 0 ?
	    kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

/* member - the subscriber of the current row of ST_MEMBERS */
static void
member(kaeru_store *s, const struct reading *rd, kaeru_subscriber *m)
{
	const char *state = s->ops->text(s, 2), *key = s->ops->text(s, 6), *at = strrchr(key, '@');
	int	    found = (int)s->ops->int64(s, 3);
	int64_t	    until = s->ops->int64(s, 4);
	int	    in_force = found && (until == 0 || until > rd->now);
	int	    off;

	m->address = s->ops->text(s, 0);
	m->added = s->ops->int64(s, 1);
	m->state = state[0] != '\0' ? kstore_state(state) : KAERU_ADDR_ACTIVE;
	off = m->state == KAERU_ADDR_SUPPRESSED || m->state == KAERU_ADDR_UNSUBSCRIBED ||
	    m->state == KAERU_ADDR_COMPLAINED;
	if (in_force && !off) {
		const char *reason = s->ops->text(s, 5);

		m->state = strcmp(reason, "feedback") == 0 ? KAERU_ADDR_COMPLAINED :
		    strcmp(reason, "unsubscribe") == 0 ? KAERU_ADDR_UNSUBSCRIBED : KAERU_ADDR_SUPPRESSED;
		off = 1;
	} else if (!in_force && off) {
		m->state = KAERU_ADDR_ACTIVE;	/* the suppression expired */
		off = 0;
	}
	m->mailable = !off && (at == NULL || !kmap_find(&rd->dead, at + 1, strlen(at + 1), NULL));
}

/* each_member - every subscriber of list id, in key order, to fn */
static int
each_member(kaeru_store *s, struct reading *rd, int64_t id,
    int (*fn)(void *arg, const kaeru_subscriber *m), void *arg)
{
	struct kparam p[] = { P_I(id) };
	int	      rc;

	if ((rc = s->ops->run(s, ST_MEMBERS, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		kaeru_subscriber m;
		int		 r;

		member(s, rd, &m);
		if ((r = fn(arg, &m)) != 0)
			return r;
	}
	return rc;
}

/* Members to the caller, the mailable ones only unless all. */
struct pick {
	int		     all;
	kaeru_subscriber_cb  cb;
	void		    *arg;
};

static int
pick_member(void *arg, const kaeru_subscriber *m)
{
	struct pick *p = arg;

	return p->all || m->mailable ? p->cb(p->arg, m) : 0;
}

/* kaeru_store_members - a list's subscribers, each with its state at now */
int
kaeru_store_members(kaeru_store *s, const char *list, int64_t now, int all,
    kaeru_subscriber_cb cb, void *arg)
{
	struct reading rd;
	struct pick    pk = { all, cb, arg };
	int64_t	       id;
	int	       rc;

	if (s == NULL || cb == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_members: NULL argument");
	memset(&rd, 0, sizeof(rd));
	rd.now = now;
	if ((rc = list_id(s, list, 0, &id)) == 0 && (rc = kaeru_store_domains(s, load_dead, &rd)) == 0)
		rc = each_member(s, &rd, id, pick_member, &pk);
	kmap_free(&rd.dead);
	return rc;
}

static int
count_member(void *arg, const kaeru_subscriber *m)
{
	kaeru_list_info *l = arg;

	l->subscribers++;
	l->state[m->state]++;
	l->mailable += m->mailable;
	return 0;
}

/* kaeru_store_lists - each list (or the one named) with its subscribers counted */
int
kaeru_store_lists(kaeru_store *s, const char *list, int64_t now, kaeru_list_cb cb, void *arg)
{
	struct reading rd;
	struct kparam  p[] = { P_T(list) };
	kstr	       names = KSTR_INIT;
	int64_t	      *ids = NULL;
	size_t	       n = 0, cap = 0, i, off;
	int	       rc;

	if (s == NULL || cb == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_lists: NULL argument");
	memset(&rd, 0, sizeof(rd));
	rd.now = now;
	/* The lists first (one cursor at a time), then each one's members. */
	if ((rc = s->ops->run(s, list != NULL ? ST_LIST_ID : ST_LISTS, list != NULL ? p : NULL,
	    list != NULL ? 1 : 0)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		if (n == cap) {
			int64_t *ni = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ni));
			if (ni == NULL) {
				rc = kerr_set(KAERU_ENOMEM, "out of memory");
				break;
			}
			ids = ni;
		}
		ids[n++] = s->ops->int64(s, 0);
		ks_adds(&names, list != NULL ? list : s->ops->text(s, 1));
		ks_addc(&names, '\0');
	}
	while (rc == 1)
		rc = s->ops->next(s);
	if (rc == 0 && !ks_ok(&names))
		rc = kerr_set(KAERU_ENOMEM, "out of memory");
	if (rc == 0 && list != NULL && n == 0)
		rc = kerr_set(KAERU_ENOTFOUND, "no list \"%s\"", list);
	if (rc == 0)
		rc = kaeru_store_domains(s, load_dead, &rd);
	for (i = 0, off = 0; rc == 0 && i < n; i++) {
		kaeru_list_info l;

		memset(&l, 0, sizeof(l));
		l.name = names.p + off;
		off += strlen(l.name) + 1;
		if ((rc = each_member(s, &rd, ids[i], count_member, &l)) == 0)
			rc = cb(arg, &l);
	}
	free(ids);
	ks_dispose(&names);
	kmap_free(&rd.dead);
	return rc;
}

/* An import: the rows read, then subscribed. */
struct import {
	kaeru_store	   *s;
	kaeru_import_stats *st;
	int		    fold;
	kstr		    key, pool, bad;
	size_t		   *off;	/* key and display of each new subscriber, in pool */
	size_t		    n, cap;
	struct kmap	    seen;
	int64_t		    id, now;
};

/* import_row - check one row's address; keep it, or name it in bad */
static int
import_row(void *arg, long line, const char *addr, size_t an)
{
	struct import *im = arg;
	const char    *why = NULL;
	size_t	       v = 0;
	int	       a;

	im->st->rows++;
	if (addr == NULL || kaddr_norm(addr, an, &im->key, &why, KADDR_CHECK | im->fold) != 0) {
		if (addr != NULL && !ks_ok(&im->key))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		im->st->invalid++;
		if (addr == NULL)
			ks_addf(&im->bad, "line %ld: no address column\n", line);
		else
			ks_addf(&im->bad, "line %ld: %.*s: %s\n", line, an > 100 ? 100 : (int)an, addr, why);
		return ks_ok(&im->bad) ? 0 : kerr_set(KAERU_ENOMEM, "out of memory");
	}
	if ((a = kmap_add(&im->seen, im->key.p, im->key.len, &v)) < 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (a == 0) {
		im->st->present++;	/* twice in the file */
		return 0;
	}
	if (im->n == im->cap) {
		size_t	ncap = im->cap ? im->cap * 2 : 1024;
		size_t *no = realloc(im->off, ncap * 2 * sizeof(*no));
		if (no == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		im->off = no;
		im->cap = ncap;
	}
	im->off[2 * im->n] = im->pool.len;
	ks_add(&im->pool, im->key.p, im->key.len);
	ks_addc(&im->pool, '\0');
	im->off[2 * im->n + 1] = im->pool.len;
	ks_add(&im->pool, addr, an);
	ks_addc(&im->pool, '\0');
	im->n++;
	return ks_ok(&im->pool) ? 0 : kerr_set(KAERU_ENOMEM, "out of memory");
}

static void
fill_sub(void *arg, size_t i, struct kparam *p)
{
	struct import *im = arg;

	p[0] = (struct kparam)P_I(im->id);
	p[1] = (struct kparam)P_T(im->pool.p + im->off[2 * i]);
	p[2] = (struct kparam)P_I(im->now);
	p[3] = (struct kparam)P_T(im->pool.p + im->off[2 * i + 1]);
}

static int
row_sub(void *arg)
{
	((struct import *)arg)->st->added++;
	return 0;
}

/* kaeru_store_list_import - a CSV list's addresses subscribed to a list, all or nothing */
int
kaeru_store_list_import(kaeru_store *s, const char *list, const char *data, size_t len,
    const kaeru_clean_opts *o, kaeru_buf *bad, kaeru_import_stats *st)
{
	kaeru_clean_opts   defo = KAERU_CLEAN_OPTS_INIT;
	kaeru_import_stats dst;
	struct import	   im;
	int		   rc, own = 0;

	if (s == NULL || (data == NULL && len > 0))
		return kerr_set(KAERU_EINVAL, "kaeru_store_list_import: NULL argument");
	if (o == NULL)
		o = &defo;
	if (o->version != KAERU_CLEAN_OPTS_VERSION)
		return kerr_set(KAERU_EVERSION, "kaeru_clean_opts version %u, expected %u",
		    o->version, KAERU_CLEAN_OPTS_VERSION);
	if (st == NULL)
		st = &dst;
	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.s = s;
	im.st = st;
	im.fold = s->fold ? KADDR_FOLD : 0;
	im.now = o->now;
	if ((rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = list_id(s, list, 0, &im.id)) == 0 &&
	    (rc = kcsv_addresses(data, len, o, import_row, &im)) == 0 && st->invalid > 0)
		rc = kerr_set(KAERU_EPARSE, "%zu row%s without a valid address (the first: %.*s); nothing"
		    " imported", st->invalid, st->invalid == 1 ? "" : "s",
		    (int)strcspn(im.bad.p, "\n"), im.bad.p);
	if (rc == 0)
		rc = kstore_batch(s, SB_SUB_ADD, NULL, 0, 4, im.n, fill_sub, row_sub, &im);
	if (rc == 0)
		st->present += im.n - st->added;
	rc = kstore_auto_end(s, own, rc);
	if (rc != 0)
		st->added = 0;
	if (bad != NULL) {
		kaeru_buf_dispose(bad);
		if (im.bad.len > 0) {
			bad->ptr = im.bad.p;
			bad->size = im.bad.len;
			bad->asize = im.bad.cap;
			ks_init(&im.bad);
		}
	}
	ks_dispose(&im.key);
	ks_dispose(&im.pool);
	ks_dispose(&im.bad);
	free(im.off);
	kmap_free(&im.seen);
	return rc;
}

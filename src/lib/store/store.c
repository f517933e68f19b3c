/*
 * NAME
 *	store - the backend-neutral bounce store: schema, statements, policy
 * DESCRIPTION
 *	Every statement is a constant below, with "?" placeholders; user
 *	data only ever travels as bound parameters. A backend (SQLite or
 *	PostgreSQL) prepares each statement the first time it runs and
 *	reuses it afterwards.
 *
 *	Idempotency: an event is inserted with ON CONFLICT (token,
 *	recipient) DO NOTHING RETURNING id. Only when a row comes back is
 *	the policy applied, in the same transaction, so a record seen
 *	twice (the same mail ingested again, two processes at once, a
 *	re-run after a crash) changes nothing the second time.
 *
 *	The schema is migrated at open: schema_version holds the number of
 *	migrations applied; the migrations are an ordered array of SQL
 *	scripts, run under the writers' lock so that two processes opening
 *	a new database do not both create it.
 * OWNERSHIP
 *	The store owns its backend handle and scratch strings; strings in a
 *	kaeru_address_info stay valid until the store's next call.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Migrations: "@ID@" is the backend's auto-numbered primary key. */
static const char *const migrations[] = {
	/* 1: events, addresses, history, suppressions, counters, lists */
	"CREATE TABLE events ("
	" id @ID@,"
	" token TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" reason TEXT NOT NULL,"
	" hardbounce INTEGER NOT NULL,"
	" category TEXT NOT NULL,"
	" action_hint TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" senderdomain TEXT NOT NULL,"
	" destination TEXT NOT NULL,"
	" event_rule TEXT NOT NULL,"
	" deliverystatus TEXT NOT NULL,"
	" replycode TEXT NOT NULL,"
	" origin TEXT NOT NULL,"
	" ingested BIGINT NOT NULL,"
	" UNIQUE (token, recipient));"
	"CREATE INDEX events_ts ON events (ts);"
	"CREATE TABLE addresses ("
	" address TEXT PRIMARY KEY,"
	" domain TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" score INTEGER NOT NULL,"
	" reset_ts BIGINT NOT NULL,"
	" updated BIGINT NOT NULL);"
	"CREATE TABLE history ("
	" id @ID@,"
	" address TEXT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" old_state TEXT NOT NULL,"
	" new_state TEXT NOT NULL,"
	" event_id BIGINT NOT NULL,"
	" reason TEXT NOT NULL,"
	" policy_rule TEXT NOT NULL);"
	"CREATE INDEX history_address ON history (address);"
	"CREATE TABLE suppressions ("
	" address TEXT PRIMARY KEY,"
	" reason TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" event_id BIGINT NOT NULL,"
	" since_ts BIGINT NOT NULL,"
	" until_ts BIGINT NOT NULL);"
	"CREATE TABLE bounce_days ("
	" address TEXT NOT NULL,"
	" day BIGINT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" PRIMARY KEY (address, day));"
	"CREATE TABLE sender_issues ("
	" senderdomain TEXT NOT NULL,"
	" reason TEXT NOT NULL,"
	" n BIGINT NOT NULL,"
	" first_ts BIGINT NOT NULL,"
	" last_ts BIGINT NOT NULL,"
	" PRIMARY KEY (senderdomain, reason));"
	"CREATE TABLE domain_failures ("
	" domain TEXT NOT NULL,"
	" address TEXT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" PRIMARY KEY (domain, address));"
	"CREATE TABLE domains ("
	" domain TEXT PRIMARY KEY,"
	" since_ts BIGINT NOT NULL);"
	"CREATE TABLE lists ("
	" id @ID@,"
	" name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE subscribers ("
	" list_id BIGINT NOT NULL,"
	" address TEXT NOT NULL,"
	" added BIGINT NOT NULL,"
	" PRIMARY KEY (list_id, address));",
	/*
	 * 2: the address as first seen, for display (keys may fold the local
	 * part's case); settings (how this store keys local parts: see
	 * keymode(), which then folds the existing keys, merging addresses)
	 */
	"ALTER TABLE addresses ADD COLUMN display TEXT NOT NULL DEFAULT '';"
	"UPDATE addresses SET display = address;"
	"ALTER TABLE subscribers ADD COLUMN display TEXT NOT NULL DEFAULT '';"
	"UPDATE subscribers SET display = address;"
	"CREATE TABLE settings ("
	" name TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static const char *const sql[ST_COUNT] = {
	[ST_VERSION_GET] = "SELECT COALESCE(MAX(version), 0) FROM schema_version",
	[ST_VERSION_SET] = "INSERT INTO schema_version (version) VALUES (?)",
	[ST_ADDR_GET] = "SELECT state, score, reset_ts, updated, display FROM addresses WHERE address = ?",
	[ST_ADDR_PUT] = "INSERT INTO addresses (address, domain, display, state, score, reset_ts, updated)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET"
	    " state = excluded.state, score = excluded.score,"
	    " reset_ts = excluded.reset_ts, updated = excluded.updated",
	[ST_HIST_ADD] = "INSERT INTO history (address, ts, old_state, new_state, event_id,"
	    " reason, policy_rule) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_HIST_GET] = "SELECT ts, old_state, new_state, event_id, reason, policy_rule"
	    " FROM history WHERE address = ? ORDER BY ts, id",
	[ST_SUPP_GET] = "SELECT reason, source, event_id, since_ts, until_ts"
	    " FROM suppressions WHERE address = ?",
	[ST_SUPP_PUT] = "INSERT INTO suppressions (address, reason, source, event_id,"
	    " since_ts, until_ts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET"
	    " reason = excluded.reason, source = excluded.source, event_id = excluded.event_id,"
	    " since_ts = excluded.since_ts, until_ts = excluded.until_ts",
	[ST_SUPP_DEL] = "DELETE FROM suppressions WHERE address = ?",
	[ST_SUPP_LIST] = "SELECT s.address, s.reason, s.source, s.event_id, s.since_ts, s.until_ts,"
	    " CASE WHEN a.display IS NULL OR a.display = '' THEN s.address ELSE a.display END"
	    " FROM suppressions s LEFT JOIN addresses a ON a.address = s.address"
	    " WHERE s.until_ts = 0 OR s.until_ts > ? ORDER BY s.address",
	[ST_DOMAINS_LIST] = "SELECT d.domain, d.since_ts, f.address FROM domains d"
	    " JOIN domain_failures f ON f.domain = d.domain ORDER BY d.domain, f.address",
	[ST_STATS_TOTAL] = "SELECT 'total', kind, action_hint, COUNT(*) FROM events"
	    " WHERE ts >= ? GROUP BY kind, action_hint",
	[ST_STATS_DAY] = "SELECT ts / 86400 AS k, kind, action_hint, COUNT(*) FROM events"
	    " WHERE ts >= ? GROUP BY ts / 86400, kind, action_hint ORDER BY 1",
	[ST_STATS_DOMAIN] = "SELECT destination, kind, action_hint, COUNT(*) FROM events"
	    " WHERE ts >= ? GROUP BY destination, kind, action_hint ORDER BY 1",
	[ST_STATS_REASON] = "SELECT reason, kind, action_hint, COUNT(*) FROM events"
	    " WHERE ts >= ? GROUP BY reason, kind, action_hint ORDER BY 1",
	[ST_STATS_SENDER] = "SELECT senderdomain, kind, action_hint, COUNT(*) FROM events"
	    " WHERE ts >= ? AND action_hint IN ('fix_sender', 'slow_down', 'reduce_size')"
	    " GROUP BY senderdomain, kind, action_hint ORDER BY 1",
	[ST_LIST_NEW] = "INSERT INTO lists (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
	[ST_LIST_ID] = "SELECT id FROM lists WHERE name = ?",
	[ST_SUB_ADD] = "INSERT INTO subscribers (list_id, address, added, display) VALUES (?, ?, ?, ?)"
	    " ON CONFLICT (list_id, address) DO NOTHING",
	[ST_SUB_DEL] = "DELETE FROM subscribers WHERE list_id = ? AND address = ? RETURNING address",
	[ST_LIST_CREATE] = "INSERT INTO lists (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id",
	[ST_LISTS] = "SELECT id, name FROM lists ORDER BY name",
	[ST_MEMBERS] = "SELECT s.display, s.added, a.state, CASE WHEN sp.address IS NULL THEN 0 ELSE 1 END,"
	    " sp.until_ts, sp.reason, s.address FROM subscribers s"
	    " LEFT JOIN addresses a ON a.address = s.address"
	    " LEFT JOIN suppressions sp ON sp.address = s.address"
	    " WHERE s.list_id = ? ORDER BY s.address",
	/* Settings; the key folding of rekey.c. */
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE name = ?",
	[ST_SETTING_PUT] = "INSERT INTO settings (name, value) VALUES (?, ?)"
	    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	[ST_CASED_ADDR] = "SELECT DISTINCT address FROM addresses WHERE address <> lower(address)",
	[ST_CASED_SUPP] = "SELECT DISTINCT address FROM suppressions WHERE address <> lower(address)",
	[ST_CASED_HIST] = "SELECT DISTINCT address FROM history WHERE address <> lower(address)",
	[ST_CASED_DAYS] = "SELECT DISTINCT address FROM bounce_days WHERE address <> lower(address)",
	[ST_CASED_DOMFAIL] = "SELECT DISTINCT address FROM domain_failures WHERE address <> lower(address)",
	[ST_CASED_SUB] = "SELECT DISTINCT address FROM subscribers WHERE address <> lower(address)",
	[ST_CASED_EV] = "SELECT DISTINCT recipient FROM events WHERE recipient <> lower(recipient)",
	[ST_HIST_FIRST] = "SELECT ts, id FROM history WHERE address = ? ORDER BY ts, id LIMIT 1",
	[ST_ADDR_DEL] = "DELETE FROM addresses WHERE address = ?",
	[ST_ADDR_NEW] = "INSERT INTO addresses (address, domain, display, state, score, reset_ts, updated)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_HIST_MOVE] = "UPDATE history SET address = ? WHERE address = ?",
	[ST_EV_MOVE] = "UPDATE events SET recipient = ? WHERE recipient = ? AND NOT EXISTS"
	    " (SELECT 1 FROM events x WHERE x.token = events.token AND x.recipient = ?)",
	[ST_EV_DROP] = "DELETE FROM events WHERE recipient = ?",
	[ST_DAYS_MOVE] = "INSERT INTO bounce_days (address, day, ts) SELECT CAST(? AS TEXT), day, ts"
	    " FROM bounce_days WHERE address = ? ON CONFLICT (address, day) DO UPDATE SET"
	    " ts = CASE WHEN excluded.ts > bounce_days.ts THEN excluded.ts ELSE bounce_days.ts END",
	[ST_DAYS_DROP] = "DELETE FROM bounce_days WHERE address = ?",
	[ST_DOMFAIL_MOVE] = "INSERT INTO domain_failures (domain, address, ts) SELECT domain,"
	    " CAST(? AS TEXT), ts FROM domain_failures WHERE address = ? ON CONFLICT (domain, address)"
	    " DO NOTHING",
	[ST_DOMFAIL_DROP] = "DELETE FROM domain_failures WHERE address = ?",
	[ST_SUB_MOVE] = "INSERT INTO subscribers (list_id, address, added, display) SELECT list_id,"
	    " CAST(? AS TEXT), added, display FROM subscribers WHERE address = ?"
	    " ON CONFLICT (list_id, address) DO NOTHING",
	[ST_SUB_DROP] = "DELETE FROM subscribers WHERE address = ?",
};

/*
 * Batch statements (the ingest, ingest.c; list imports, lists.c): head,
 * then the row repeated over n rows with ", " between, then tail.
 * Parameters: the head's, then each row's in turn.
 */
static const struct {
	const char *head, *row, *tail;
} bsql[SB_COUNT] = {
	[SB_EV_INSERT] = { "INSERT INTO events (token, recipient, ts, reason, hardbounce,"
	    " category, action_hint, kind, senderdomain, destination, event_rule,"
	    " deliverystatus, replycode, origin, ingested) VALUES ",
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    " ON CONFLICT (token, recipient) DO NOTHING RETURNING id, token, recipient" },
	[SB_ADDR_GET] = { "SELECT address, state, score, reset_ts FROM addresses WHERE address IN (",
	    "?", ")" },
	[SB_SUPP_GET] = { "SELECT address, reason, source, event_id, since_ts, until_ts"
	    " FROM suppressions WHERE address IN (", "?", ")" },
	[SB_DAYS_GET] = { "SELECT address, day, ts FROM bounce_days WHERE day > ? AND address IN (",
	    "?", ")" },
	[SB_DOMFAIL_COUNT] = { "SELECT domain, COUNT(*) FROM domain_failures WHERE domain IN (",
	    "?", ") GROUP BY domain" },
	[SB_DOMFAIL_GET] = { "SELECT domain, address FROM domain_failures"
	    " WHERE (domain, address) IN (VALUES ", "(?, ?)", ")" },
	[SB_DOMAINS_GET] = { "SELECT domain FROM domains WHERE domain IN (", "?", ")" },
	[SB_HIST_ADD] = { "INSERT INTO history (address, ts, old_state, new_state, event_id,"
	    " reason, policy_rule) VALUES ", "(?, ?, ?, ?, ?, ?, ?)", "" },
	[SB_ADDR_PUT] = { "INSERT INTO addresses (address, domain, display, state, score, reset_ts,"
	    " updated) VALUES ", "(?, ?, ?, ?, ?, ?, ?)", " ON CONFLICT (address) DO UPDATE SET"
	    " state = excluded.state, score = excluded.score,"
	    " reset_ts = excluded.reset_ts, updated = excluded.updated" },
	[SB_SUPP_PUT] = { "INSERT INTO suppressions (address, reason, source, event_id,"
	    " since_ts, until_ts) VALUES ", "(?, ?, ?, ?, ?, ?)", " ON CONFLICT (address) DO UPDATE SET"
	    " reason = excluded.reason, source = excluded.source, event_id = excluded.event_id,"
	    " since_ts = excluded.since_ts, until_ts = excluded.until_ts" },
	[SB_SUPP_DEL] = { "DELETE FROM suppressions WHERE address IN (", "?", ")" },
	[SB_DAY_PUT] = { "INSERT INTO bounce_days (address, day, ts) VALUES ", "(?, ?, ?)",
	    " ON CONFLICT (address, day) DO UPDATE SET ts = CASE WHEN excluded.ts > bounce_days.ts"
	    " THEN excluded.ts ELSE bounce_days.ts END" },
	[SB_SENDER_ADD] = { "INSERT INTO sender_issues (senderdomain, reason, n, first_ts, last_ts)"
	    " VALUES ", "(?, ?, ?, ?, ?)", " ON CONFLICT (senderdomain, reason) DO UPDATE SET"
	    " n = sender_issues.n + excluded.n, last_ts = CASE WHEN excluded.last_ts > sender_issues.last_ts"
	    " THEN excluded.last_ts ELSE sender_issues.last_ts END" },
	[SB_DOMFAIL_ADD] = { "INSERT INTO domain_failures (domain, address, ts) VALUES ", "(?, ?, ?)",
	    " ON CONFLICT (domain, address) DO NOTHING" },
	[SB_DOMAIN_FLAG] = { "INSERT INTO domains (domain, since_ts) VALUES ", "(?, ?)",
	    " ON CONFLICT (domain) DO NOTHING" },
	[SB_SUB_ADD] = { "INSERT INTO subscribers (list_id, address, added, display) VALUES ",
	    "(?, ?, ?, ?)", " ON CONFLICT (list_id, address) DO NOTHING RETURNING address" },
};

const char *const kstore_state_names[KAERU_ADDR_STATE_COUNT] = {
	"active", "soft_bouncing", "suppressed", "unsubscribed", "complained",
};

/* kstore_sql - the text of statement id; a batch statement's is built into buf */
const char *
kstore_sql(int id, kstr *buf)
{
	int kind, n, i;

	if (id < 0 || id >= kstore_nstmt())
		return NULL;
	if (id < ST_COUNT)
		return sql[id];
	kind = (id - ST_COUNT) / KSTORE_BATCH_LOG;
	n = 1 << ((id - ST_COUNT) % KSTORE_BATCH_LOG);
	ks_clear(buf);
	ks_adds(buf, bsql[kind].head);
	for (i = 0; i < n; i++) {
		if (i > 0)
			ks_add(buf, ", ", 2);
		ks_adds(buf, bsql[kind].row);
	}
	ks_adds(buf, bsql[kind].tail);
	return ks_ok(buf) ? buf->p : NULL;
}

/* kstore_nstmt - how many statement ids there are */
int
kstore_nstmt(void)
{
	return ST_COUNT + SB_COUNT * KSTORE_BATCH_LOG;
}

/* kstore_batch - batch statement kind over n rows, in chunks */
int
kstore_batch(kaeru_store *s, enum kbatch kind, const struct kparam *head, size_t nhead,
    size_t nrow, size_t n, kstore_fill_fn fill, kstore_row_fn row, void *arg)
{
	size_t	       done = 0, most = KSTORE_BATCH_MAX, i;
	struct kparam *p;
	int	       rc = 0;

	if (n == 0)
		return 0;
	if ((p = malloc((nhead + most * nrow) * sizeof(*p))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	for (i = 0; i < nhead; i++)
		p[i] = head[i];
	while (rc == 0 && done < n) {
		size_t m = most;
		int    id, np;

		while (m > n - done)
			m >>= 1;
		for (i = 0; i < m; i++)
			fill(arg, done + i, p + nhead + i * nrow);
		id = kstore_batch_id(kind, m);
		np = (int)(nhead + m * nrow);
		if (row == NULL)
			rc = s->ops->send(s, id, p, np);
		else if ((rc = s->ops->run(s, id, p, np)) == 0) {
			while ((rc = s->ops->next(s)) == 1)
				if ((rc = row(arg)) != 0)
					break;
		}
		done += m;
	}
	free(p);
	return rc < 0 ? rc : 0;
}

/* kstore_batch_id - the id of batch statement kind over n rows (a power of two) */
int
kstore_batch_id(enum kbatch kind, size_t n)
{
	int l = 0;

	while (((size_t)1 << l) < n)
		l++;
	return ST_COUNT + (int)kind * KSTORE_BATCH_LOG + l;
}

/* kaeru_addr_state_name - static name of a state */
const char *
kaeru_addr_state_name(kaeru_addr_state st)
{
	return (unsigned)st < KAERU_ADDR_STATE_COUNT ? kstore_state_names[st] : NULL;
}

/* kstore_state - the state called name; active when unknown */
kaeru_addr_state
kstore_state(const char *name)
{
	int i;

	for (i = 0; i < KAERU_ADDR_STATE_COUNT; i++)
		if (strcmp(name, kstore_state_names[i]) == 0)
			return (kaeru_addr_state)i;
	return KAERU_ADDR_ACTIVE;
}

/* mkdirs - create every folder on the way to path's last component */
static int
mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* default_path - kaeru_store_default_path(), its folders made only when make_dirs */
static int
default_path(kaeru_buf *out, int make_dirs)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	kstr	    k = { out->ptr, 0, out->asize, 0 };

	if (xdg != NULL && *xdg == '/')
		ks_addf(&k, "%s/kaeru/kaeru.db", xdg);
	else if (home != NULL && *home != '\0')
		ks_addf(&k, "%s/.local/share/kaeru/kaeru.db", home);
	else
		return kerr_set(KAERU_EINVAL, "neither XDG_DATA_HOME nor HOME is set: give --db");
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	if (!ks_ok(&k))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (make_dirs && mkdirs(out->ptr) != 0)
		return kerr_set(KAERU_EIO, "cannot create the folder of %s: %s", out->ptr, strerror(errno));
	return 0;
}

/* kaeru_store_default_path - $XDG_DATA_HOME/kaeru/kaeru.db or ~/.local/share/kaeru/kaeru.db */
int
kaeru_store_default_path(kaeru_buf *out)
{
	return default_path(out, 1);
}

/* kstore_one_int - run a statement expected to return one integer (0 without a row) */
int
kstore_one_int(kaeru_store *s, int id, const struct kparam *p, int np, int64_t *out)
{
	int rc;

	if ((rc = s->ops->run(s, id, p, np)) != 0)
		return rc;
	if ((rc = s->ops->next(s)) < 0)
		return rc;
	*out = rc == 1 ? s->ops->int64(s, 0) : 0;
	while (rc == 1)
		rc = s->ops->next(s);
	return rc < 0 ? rc : 0;
}

/*
 * run_write - run a statement that returns no rows we need; inside a
 * write transaction the backend may queue it (its error then comes back
 * from the next statement that returns rows, or from the commit)
 */
static int
run_write(kaeru_store *s, int id, const struct kparam *p, int np)
{
	return s->ops->send(s, id, p, np);
}

/*
 * keymode - how this store keys local parts, kept in settings: a store
 * that folds their case cannot go back (the keys lost it); a store that
 * kept it, or one that knew no setting (created before migration 2), is
 * folded now when the policy wants it: rekey.c merges the addresses that
 * then agree, history included.
 */
static int
keymode(kaeru_store *s, int64_t now)
{
	struct kparam p[] = { P_T("local_part_case"), P_T(s->fold ? "fold" : "keep") };
	char	      was[16] = "";
	int	      rc;

	if ((rc = s->ops->run(s, ST_SETTING_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1)
		snprintf(was, sizeof(was), "%s", s->ops->text(s, 0));
	if (rc < 0)
		return rc;
	if (strcmp(was, p[1].s) == 0)
		return 0;
	if (strcmp(was, "fold") == 0)
		return kerr_set(KAERU_EINVAL, "this store matches addresses whatever the case of their"
		    " local part; it cannot be opened with local_part_case_sensitive = 1");
	if (s->fold && (rc = kstore_rekey(s, now)) != 0)
		return rc;
	return run_write(s, ST_SETTING_PUT, p, 2);
}

/* migrate - bring the schema up to date under the writers' lock */
static int
migrate(kaeru_store *s)
{
	int64_t v;
	int	rc, i;

	if ((rc = s->ops->begin(s)) != 0)
		return rc;
	if ((rc = s->ops->exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")) != 0 ||
	    (rc = kstore_one_int(s, ST_VERSION_GET, NULL, 0, &v)) != 0)
		goto fail;
	if (v > NMIGRATIONS) {
		rc = kerr_set(KAERU_EVERSION, "the database has schema version %lld; this kaeru knows up to %d",
		    (long long)v, NMIGRATIONS);
		goto fail;
	}
	for (i = (int)v; i < NMIGRATIONS; i++) {
		kstr	    q = KSTR_INIT;
		const char *m = migrations[i], *at;
		struct kparam p[] = { P_I(i + 1) };

		while ((at = strstr(m, "@ID@")) != NULL) {
			ks_add(&q, m, (size_t)(at - m));
			ks_adds(&q, s->ops->id_column);
			m = at + 4;
		}
		ks_adds(&q, m);
		if (!ks_ok(&q)) {
			ks_dispose(&q);
			rc = kerr_set(KAERU_ENOMEM, "out of memory");
			goto fail;
		}
		rc = s->ops->exec(s, q.p);
		ks_dispose(&q);
		if (rc != 0 || (rc = run_write(s, ST_VERSION_SET, p, 1)) != 0)
			goto fail;
	}
	if ((rc = keymode(s, (int64_t)time(NULL))) != 0)
		goto fail;
	return s->ops->commit(s);
fail:
	s->ops->rollback(s);
	return rc;
}

/* open_store - kaeru_store_open(), or with create 0 kaeru_store_open_existing() */
static int
open_store(kaeru_store **out, const char *location, const kaeru_policy *pol, int create)
{
	kaeru_store *s;
	kaeru_buf    def = KAERU_BUF_INIT;
	int	     rc;

	if (out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_open: NULL out");
	*out = NULL;
	if (pol != NULL && pol->version != KAERU_POLICY_VERSION)
		return kerr_set(KAERU_EVERSION, "kaeru_policy version %u, expected %u",
		    pol->version, KAERU_POLICY_VERSION);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (pol != NULL)
		s->pol = *pol;
	else
		kaeru_policy_defaults(&s->pol);
	s->fold = !s->pol.local_part_case_sensitive;
	if (location != NULL && (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0))
		rc = kstore_pgsql_open(s, location);
	else {
		if (location == NULL || *location == '\0') {
			if ((rc = default_path(&def, create)) != 0) {
				free(s);
				return rc;
			}
			location = def.ptr;
		} else if (strncmp(location, "sqlite://", 9) == 0)
			location += 9;
		rc = kstore_sqlite_open(s, location, create);
	}
	kaeru_buf_dispose(&def);
	if (rc == 0)
		rc = migrate(s);
	if (rc != 0) {
		kaeru_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* kaeru_store_open - open or create a store and migrate it */
int
kaeru_store_open(kaeru_store **out, const char *location, const kaeru_policy *pol)
{
	return open_store(out, location, pol, 1);
}

/* kaeru_store_open_existing - open a store that exists, and migrate it */
int
kaeru_store_open_existing(kaeru_store **out, const char *location, const kaeru_policy *pol)
{
	return open_store(out, location, pol, 0);
}

/* kaeru_store_free - close the store; accepts NULL */
void
kaeru_store_free(kaeru_store *s)
{
	if (s == NULL)
		return;
	if (s->ops != NULL) {
		if (s->in_tx)
			s->ops->rollback(s);
		s->ops->close(s);
	}
	ks_dispose(&s->addr);
	ks_dispose(&s->s1);
	ks_dispose(&s->s2);
	ks_dispose(&s->disp);
	free(s);
}

/* kaeru_store_policy - the policy the store was opened with; NULL for NULL */
const kaeru_policy *
kaeru_store_policy(const kaeru_store *s)
{
	return s != NULL ? &s->pol : NULL;
}

/* kaeru_store_backend - the backend's name */
const char *
kaeru_store_backend(const kaeru_store *s)
{
	return s != NULL && s->ops != NULL ? s->ops->name : "";
}

/* kaeru_store_begin - start a write transaction */
int
kaeru_store_begin(kaeru_store *s)
{
	int rc;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_begin: NULL store");
	if (s->in_tx)
		return kerr_set(KAERU_EINVAL, "a transaction is already open");
	if ((rc = s->ops->begin(s)) == 0)
		s->in_tx = 1;
	return rc;
}

/* kaeru_store_commit - make the transaction's changes durable */
int
kaeru_store_commit(kaeru_store *s)
{
	if (s == NULL || !s->in_tx)
		return kerr_set(KAERU_EINVAL, "no transaction is open");
	s->in_tx = 0;
	return s->ops->commit(s);
}

/* kaeru_store_rollback - forget the transaction's changes */
int
kaeru_store_rollback(kaeru_store *s)
{
	if (s == NULL || !s->in_tx)
		return kerr_set(KAERU_EINVAL, "no transaction is open");
	s->in_tx = 0;
	return s->ops->rollback(s);
}

/* kstore_auto_begin - a transaction around one call when the caller has none open */
int
kstore_auto_begin(kaeru_store *s, int *own)
{
	int rc;

	*own = 0;
	if (s->in_tx)
		return 0;
	if ((rc = kaeru_store_begin(s)) == 0)
		*own = 1;
	return rc;
}

/* kstore_auto_end - commit on success, roll back on failure, when we own the transaction */
int
kstore_auto_end(kaeru_store *s, int own, int rc)
{
	if (!own)
		return rc;
	if (rc < 0) {
		kaeru_store_rollback(s);
		return rc;
	}
	{
		int c = kaeru_store_commit(s);
		return c != 0 ? c : rc;
	}
}

/* kstore_norm - normalise an address into s->addr; EINVAL when it has no domain */
int
kstore_norm(kaeru_store *s, const char *address)
{
	const char *why = NULL;

	if (address == NULL || kaddr_norm(address, strlen(address), &s->addr, &why,
	    s->fold ? KADDR_FOLD : 0) != 0)
		return kerr_set(KAERU_EINVAL, "\"%s\" is not an address: %s",
		    address ? address : "(null)", why ? why : "no domain");
	return 0;
}

struct addr_row {
	kaeru_addr_state state;
	int		 score;
	int64_t		 reset_ts;
	int		 known;
};

struct supp_row {
	int	found;
	char	reason[64];
	int64_t	until;
};

/* addr_get - the address row of s->addr */
static int
addr_get(kaeru_store *s, struct addr_row *a)
{
	struct kparam p[] = { P_T(s->addr.p) };
	int	      rc;

	memset(a, 0, sizeof(*a));
	if ((rc = s->ops->run(s, ST_ADDR_GET, p, 1)) != 0 || (rc = s->ops->next(s)) < 0)
		return rc;
	if (rc == 1) {
		a->known = 1;
		a->state = kstore_state(s->ops->text(s, 0));
		a->score = (int)s->ops->int64(s, 1);
		a->reset_ts = s->ops->int64(s, 2);
		while ((rc = s->ops->next(s)) == 1)
			;
	}
	return rc < 0 ? rc : 0;
}

/* addr_put - write the address row of s->addr; display is kept only by a new row (first seen) */
static int
addr_put(kaeru_store *s, const struct addr_row *a, const char *display, int64_t now)
{
	const char   *at = strrchr(s->addr.p, '@');
	struct kparam p[] = { P_T(s->addr.p), P_T(at ? at + 1 : ""), P_T(display),
		P_T(kstore_state_names[a->state]), P_I(a->score), P_I(a->reset_ts), P_I(now) };

	return run_write(s, ST_ADDR_PUT, p, 7);
}

/* hist_add - one line of history for s->addr */
static int
hist_add(kaeru_store *s, int64_t ts, kaeru_addr_state from, kaeru_addr_state to,
    int64_t event, const char *reason, const char *rule)
{
	struct kparam p[] = { P_T(s->addr.p), P_I(ts), P_T(kstore_state_names[from]),
		P_T(kstore_state_names[to]), P_I(event), P_T(reason), P_T(rule) };

	return run_write(s, ST_HIST_ADD, p, 7);
}

/* supp_get - the suppression row of s->addr */
static int
supp_get(kaeru_store *s, struct supp_row *r)
{
	struct kparam p[] = { P_T(s->addr.p) };
	int	      rc;

	memset(r, 0, sizeof(*r));
	if ((rc = s->ops->run(s, ST_SUPP_GET, p, 1)) != 0 || (rc = s->ops->next(s)) < 0)
		return rc;
	if (rc == 1) {
		r->found = 1;
		snprintf(r->reason, sizeof(r->reason), "%s", s->ops->text(s, 0));
		r->until = s->ops->int64(s, 4);
		while ((rc = s->ops->next(s)) == 1)
			;
	}
	return rc < 0 ? rc : 0;
}

/* supp_put - suppress s->addr */
static int
supp_put(kaeru_store *s, const char *reason, const char *source, int64_t event,
    int64_t since, int64_t until)
{
	struct kparam p[] = { P_T(s->addr.p), P_T(reason), P_T(source), P_I(event),
		P_I(since), P_I(until) };

	return run_write(s, ST_SUPP_PUT, p, 6);
}

/* kaeru_store_suppress - suppress an address by hand */
int
kaeru_store_suppress(kaeru_store *s, const char *address, const char *reason,
    int64_t now, int64_t until)
{
	struct addr_row	 a;
	kaeru_addr_state st;
	char		 rule[128];
	int		 rc, own;

	if (s == NULL || reason == NULL || *reason == '\0')
		return kerr_set(KAERU_EINVAL, "kaeru_store_suppress: NULL argument");
	if ((rc = kpol_supp_reason(reason)) != 0 || (rc = kstore_norm(s, address)) != 0)
		return rc;
	if (kpol_never_expires(reason))
		until = 0;
	st = strcmp(reason, "unsubscribe") == 0 ? KAERU_ADDR_UNSUBSCRIBED :
	    strcmp(reason, "feedback") == 0 ? KAERU_ADDR_COMPLAINED : KAERU_ADDR_SUPPRESSED;
	if ((rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = addr_get(s, &a)) == 0 && (rc = supp_put(s, reason, "manual", 0, now, until)) == 0) {
		snprintf(rule, sizeof(rule), "manual: suppressed (%s)", reason);
		if ((rc = hist_add(s, now, a.state, st, 0, reason, rule)) == 0) {
			a.state = st;
			rc = addr_put(s, &a, address, now);
		}
	}
	return kstore_auto_end(s, own, rc);
}

/* kaeru_store_unsuppress - lift a suppression */
int
kaeru_store_unsuppress(kaeru_store *s, const char *address, int64_t now)
{
	struct addr_row a;
	struct supp_row sp;
	int		rc, own;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_unsuppress: NULL store");
	if ((rc = kstore_norm(s, address)) != 0)
		return rc;
	if ((rc = kstore_auto_begin(s, &own)) != 0)
		return rc;
	if ((rc = addr_get(s, &a)) != 0 || (rc = supp_get(s, &sp)) != 0)
		return kstore_auto_end(s, own, rc);
	if (!sp.found)
		return kstore_auto_end(s, own, kerr_set(KAERU_ENOTFOUND, "%s is not suppressed", address));
	{
		struct kparam p[] = { P_T(s->addr.p) };
		if ((rc = run_write(s, ST_SUPP_DEL, p, 1)) == 0 &&
		    (rc = hist_add(s, now, a.state, KAERU_ADDR_ACTIVE, 0, sp.reason,
		    "manual: suppression removed")) == 0) {
			a.state = KAERU_ADDR_ACTIVE;
			a.score = 0;
			a.reset_ts = now;
			rc = addr_put(s, &a, address, now);
		}
	}
	return kstore_auto_end(s, own, rc);
}

/* kaeru_store_suppressions - each suppression in force (or all) */
int
kaeru_store_suppressions(kaeru_store *s, int64_t now, int include_expired,
    kaeru_suppression_cb cb, void *arg)
{
	struct kparam p[] = { P_I(include_expired ? INT64_MIN : now) };
	int	      rc;

	if (s == NULL || cb == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_suppressions: NULL argument");
	if ((rc = s->ops->run(s, ST_SUPP_LIST, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		kaeru_suppression sp;
		int		  r;

		sp.address = s->ops->text(s, 0);
		sp.reason = s->ops->text(s, 1);
		sp.source = s->ops->text(s, 2);
		sp.event_id = s->ops->int64(s, 3);
		sp.since = s->ops->int64(s, 4);
		sp.until = s->ops->int64(s, 5);
		sp.display = s->ops->text(s, 6);
		if ((r = cb(arg, &sp)) != 0)
			return r;
	}
	return rc;
}

/* kaeru_store_is_suppressed - 1 when a suppression is in force */
int
kaeru_store_is_suppressed(kaeru_store *s, const char *address, int64_t now)
{
	struct supp_row sp;
	int		rc;

	if (s == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_is_suppressed: NULL store");
	if ((rc = kstore_norm(s, address)) != 0 || (rc = supp_get(s, &sp)) != 0)
		return rc;
	return sp.found && (sp.until == 0 || sp.until > now);
}

/* kaeru_store_address - state and history of an address */
int
kaeru_store_address(kaeru_store *s, const char *address, int64_t now,
    kaeru_address_info *info, kaeru_history_cb cb, void *arg)
{
	struct kparam p[1];
	int	      rc, known = 0;

	if (s == NULL || info == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_address: NULL argument");
	if ((rc = kstore_norm(s, address)) != 0)
		return rc;
	memset(info, 0, sizeof(*info));
	info->address = s->addr.p;
	info->display = s->addr.p;
	info->supp_reason = "";
	p[0] = (struct kparam)P_T(s->addr.p);
	if ((rc = s->ops->run(s, ST_ADDR_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		known = 1;
		info->state = kstore_state(s->ops->text(s, 0));
		info->score = (int)s->ops->int64(s, 1);
		info->updated = s->ops->int64(s, 3);
		if (s->ops->text(s, 4)[0] != '\0') {
			ks_clear(&s->disp);
			ks_adds(&s->disp, s->ops->text(s, 4));
			if (!ks_ok(&s->disp))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			info->display = s->disp.p;
		}
	}
	if (rc < 0)
		return rc;
	if ((rc = s->ops->run(s, ST_SUPP_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		known = 1;
		ks_clear(&s->s1);
		ks_adds(&s->s1, s->ops->text(s, 0));
		info->supp_reason = ks_str(&s->s1);
		info->supp_since = s->ops->int64(s, 3);
		info->supp_until = s->ops->int64(s, 4);
		info->suppressed = info->supp_until == 0 || info->supp_until > now;
	}
	if (rc < 0)
		return rc;
	if (!known)
		return kerr_set(KAERU_ENOTFOUND, "%s: no events, no suppression", address);
	if (!info->suppressed && (info->state == KAERU_ADDR_SUPPRESSED ||
	    info->state == KAERU_ADDR_UNSUBSCRIBED || info->state == KAERU_ADDR_COMPLAINED))
		info->state = KAERU_ADDR_ACTIVE;	/* the suppression expired */
	if (cb == NULL)
		return 0;
	if ((rc = s->ops->run(s, ST_HIST_GET, p, 1)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		kaeru_history h;
		int	      r;

		h.ts = s->ops->int64(s, 0);
		h.old_state = s->ops->text(s, 1);
		h.new_state = s->ops->text(s, 2);
		h.event_id = s->ops->int64(s, 3);
		h.reason = s->ops->text(s, 4);
		h.rule = s->ops->text(s, 5);
		if ((r = cb(arg, &h)) != 0)
			return r;
	}
	return rc;
}

/* kaeru_store_domains - flagged domains and their addresses */
int
kaeru_store_domains(kaeru_store *s, kaeru_domain_cb cb, void *arg)
{
	int rc;

	if (s == NULL || cb == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_store_domains: NULL argument");
	if ((rc = s->ops->run(s, ST_DOMAINS_LIST, NULL, 0)) != 0)
		return rc;
	while ((rc = s->ops->next(s)) == 1) {
		int r = cb(arg, s->ops->text(s, 0), s->ops->int64(s, 1), s->ops->text(s, 2));
		if (r != 0)
			return r;
	}
	return rc;
}

/* stats_add - fold a (kind, hint, count) row into a stats row */
static void
stats_add(kaeru_stats_row *row, const char *kind, const char *hint, int64_t n)
{
	row->events += n;
	if (strcmp(kind, "delivered") == 0)
		row->delivered += n;
	else if (strcmp(kind, "feedback") == 0)
		row->complaints += n;
	else if (strcmp(kind, "vacation") == 0)
		row->vacations += n;
	else if (strcmp(hint, "suppress") == 0)
		row->hard += n;
	else if (strcmp(hint, "fix_sender") == 0 || strcmp(hint, "slow_down") == 0 ||
	    strcmp(hint, "reduce_size") == 0)
		row->sender += n;
	else if (strcmp(hint, "retry") == 0 || strcmp(hint, "suppress_after_retries") == 0)
		row->soft += n;
	else if (strcmp(hint, "ignore") == 0 && strcmp(kind, "bounce") == 0)
		row->vacations += n;
}

/* kaeru_store_stats - counts per key since a time */
int
kaeru_store_stats(kaeru_store *s, kaeru_stats_by by, int64_t since, kaeru_stats_cb cb, void *arg)
{
	static const int ids[] = { ST_STATS_TOTAL, ST_STATS_DAY, ST_STATS_DOMAIN,
		ST_STATS_REASON, ST_STATS_SENDER };
	struct kparam	p[] = { P_I(since) };
	kaeru_stats_row row;
	int		rc, have = 0;

	if (s == NULL || cb == NULL || (unsigned)by > KAERU_STATS_SENDER)
		return kerr_set(KAERU_EINVAL, "kaeru_store_stats: bad argument");
	if ((rc = s->ops->run(s, ids[by], p, 1)) != 0)
		return rc;
	memset(&row, 0, sizeof(row));
	while ((rc = s->ops->next(s)) == 1) {
		char key[32];
		const char *k;

		if (by == KAERU_STATS_DAY) {
			time_t	  t = (time_t)(s->ops->int64(s, 0) * 86400);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(key, sizeof(key), "%Y-%m-%d", &tm);
			k = key;
		} else
			k = s->ops->text(s, 0);
		if (!have || strcmp(k, ks_str(&s->s2)) != 0) {
			int r;
			if (have && (r = cb(arg, &row)) != 0)
				return r;
			ks_clear(&s->s2);
			ks_adds(&s->s2, k);
			if (!ks_ok(&s->s2))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			memset(&row, 0, sizeof(row));
			row.key = ks_str(&s->s2);
			have = 1;
		}
		stats_add(&row, s->ops->text(s, 1), s->ops->text(s, 2), s->ops->int64(s, 3));
	}
	if (rc < 0)
		return rc;
	if (!have && by == KAERU_STATS_TOTAL) {
		row.key = "total";
		have = 1;
	}
	return have ? cb(arg, &row) : 0;
}

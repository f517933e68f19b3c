/*
 * NAME
 *	store_sqlite - the SQLite backend of the store (the embedded default)
 * DESCRIPTION
 *	One connection per store, in WAL mode (readers never wait for the
 *	writer) with synchronous=NORMAL (a process killed at any point loses
 *	nothing committed) and a busy timeout. The WAL is checkpointed every
 *	10,000 pages (40 MB) rather than 1,000: an ingest rewrites the same
 *	index pages at every commit, and each checkpoint copies them and
 *	syncs twice (20,000 records: 35 syncs, about 0.3 s, down to 11).
 *	Write transactions are BEGIN IMMEDIATE: the write lock is taken at
 *	the start, so two writers never deadlock upgrading a read lock; the
 *	second waits for the busy timeout and then fails with KAERU_EBUSY.
 *	Statements are prepared on first use and kept until the store closes.
 *
 *	A write transaction keeps temporary storage in memory (temp_store):
 *	the ingest's multi-row statements each need a statement journal (a
 *	constraint could fail half way), which past 64 KiB SQLite writes to a
 *	temporary file, nearly tripling the writes of an ingest. Outside write
 *	transactions the default holds, so that the sorts of statistics over
 *	a big store may still spill to disk.
 * OWNERSHIP
 *	The backend state (struct sq) belongs to the store; column text is
 *	SQLite's, valid until the next step.
 */
#include "store_int.h"
#include "libsqlite.h"
#include "../error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* SQLite is reached through the store's table (libsqlite.h): q in scope. */
#define sqlite3_bind_int64(st, i, v)	q->lib.bind_int64(st, i, v)
#define sqlite3_bind_null(st, i)	q->lib.bind_null(st, i)
#define sqlite3_bind_text(st, i, v, n, d) q->lib.bind_text(st, i, v, n, d)
#define sqlite3_busy_timeout(db, ms)	q->lib.busy_timeout(db, ms)
#define sqlite3_clear_bindings(st)	q->lib.clear_bindings(st)
#define sqlite3_close(db)		q->lib.close(db)
#define sqlite3_column_int64(st, c)	q->lib.column_int64(st, c)
#define sqlite3_column_text(st, c)	q->lib.column_text(st, c)
#define sqlite3_column_type(st, c)	q->lib.column_type(st, c)
#define sqlite3_errmsg(db)		q->lib.errmsg(db)
#define sqlite3_exec(db, sql, cb, a, e)	q->lib.exec(db, sql, cb, a, e)
#define sqlite3_finalize(st)		q->lib.finalize(st)
#define sqlite3_get_autocommit(db)	q->lib.get_autocommit(db)
#define sqlite3_open_v2(p, db, f, v)	q->lib.open_v2(p, db, f, v)
#define sqlite3_prepare_v3(db, t, n, f, st, tl) q->lib.prepare_v3(db, t, n, f, st, tl)
#define sqlite3_reset(st)		q->lib.reset(st)
#define sqlite3_step(st)		q->lib.step(st)

#define BUSY_TIMEOUT_MS	60000

struct sq {
	struct ksq	 lib;		/* libsqlite3, opened by this store */
	sqlite3		*db;
	sqlite3_stmt   **stmts;
	sqlite3_stmt	*cur;		/* the open cursor */
	int		 first;		/* result of the first step, not yet returned */
	kstr		 text;		/* a batch statement's text */
};

/* sq_err - set the error text from SQLite, mapping busy to KAERU_EBUSY */
static int
sq_err(struct sq *q, int rc, const char *what)
{
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? KAERU_EBUSY : KAERU_ESTORE;

	return kerr_set(code, "sqlite: %s: %s", what, sqlite3_errmsg(q->db));
}

/* sq_exec - run SQL without parameters */
static int
sq_exec(kaeru_store *s, const char *sql)
{
	struct sq *q = s->be;
	int	   rc;

	if (q->cur != NULL) {
		sqlite3_reset(q->cur);
		q->cur = NULL;
	}
	if ((rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return sq_err(q, rc, "exec");
	return 0;
}

/* sq_run - bind and make the first step of statement id */
static int
sq_run(kaeru_store *s, int id, const struct kparam *p, int np)
{
	struct sq    *q = s->be;
	sqlite3_stmt *st;
	int	      i, rc;

	if (q->cur != NULL) {
		sqlite3_reset(q->cur);
		q->cur = NULL;
	}
	if ((st = q->stmts[id]) == NULL) {
		const char *text = kstore_sql(id, &q->text);

		if (text == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		if ((rc = sqlite3_prepare_v3(q->db, text, -1, SQLITE_PREPARE_PERSISTENT,
		    &st, NULL)) != SQLITE_OK)
			return sq_err(q, rc, "prepare");
		q->stmts[id] = st;
	}
	sqlite3_clear_bindings(st);
	for (i = 0; i < np; i++) {
		switch (p[i].type) {
		case KP_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_TRANSIENT);
			break;
		case KP_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		}
		if (rc != SQLITE_OK)
			return sq_err(q, rc, "bind");
	}
	q->cur = st;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		int e = sq_err(q, rc, "step");
		sqlite3_reset(st);
		q->cur = NULL;
		return e;
	}
	q->first = rc == SQLITE_ROW ? 1 : 0;
	return 0;
}

/* sq_next - 1 with a row, 0 at the end */
static int
sq_next(kaeru_store *s)
{
	struct sq *q = s->be;
	int	   rc;

	if (q->cur == NULL)
		return 0;
	if (q->first >= 0) {
		rc = q->first;
		q->first = -1;
		if (rc == 0) {
			sqlite3_reset(q->cur);
			q->cur = NULL;
		}
		return rc;
	}
	rc = sqlite3_step(q->cur);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(q->cur);
	q->cur = NULL;
	return rc == SQLITE_DONE ? 0 : sq_err(q, rc, "step");
}

/* sq_send - run statement id to its end, now (SQLite has no round trips to save) */
static int
sq_send(kaeru_store *s, int id, const struct kparam *p, int np)
{
	int rc;

	if ((rc = sq_run(s, id, p, np)) != 0)
		return rc;
	while ((rc = sq_next(s)) == 1)
		;
	return rc;
}

static int
sq_isnull(kaeru_store *s, int col)
{
	struct sq *q = s->be;

	return sqlite3_column_type(q->cur, col) == SQLITE_NULL;
}

static const char *
sq_text(kaeru_store *s, int col)
{
	struct sq	    *q = s->be;
	const unsigned char *t = sqlite3_column_text(q->cur, col);

	return t != NULL ? (const char *)t : "";
}

static int64_t
sq_int64(kaeru_store *s, int col)
{
	struct sq *q = s->be;

	return sqlite3_column_int64(q->cur, col);
}

/* sq_begin - take the write lock now, waiting for other writers; temporary storage in memory */
static int
sq_begin(kaeru_store *s)
{
	int rc = sq_exec(s, "PRAGMA temp_store = MEMORY");

	return rc != 0 ? rc : sq_exec(s, "BEGIN IMMEDIATE");
}

/* sq_end - back to the default temporary storage after a write transaction */
static void
sq_end(struct sq *q)
{
	sqlite3_exec(q->db, "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
}

static int
sq_commit(kaeru_store *s)
{
	struct sq *q = s->be;
	int	   rc = sq_exec(s, "COMMIT");

	if (rc != 0 && !sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	sq_end(q);
	return rc;
}

static int
sq_rollback(kaeru_store *s)
{
	struct sq *q = s->be;
	int	   rc = 0;

	if (!sqlite3_get_autocommit(q->db))
		rc = sq_exec(s, "ROLLBACK");
	sq_end(q);
	return rc;
}

/* sq_close - finalize every statement and close */
static void
sq_close(kaeru_store *s)
{
	struct sq *q = s->be;
	int	   i;

	if (q == NULL)
		return;
	if (q->lib.dl != NULL) {
		for (i = 0; q->stmts != NULL && i < kstore_nstmt(); i++)
			sqlite3_finalize(q->stmts[i]);
		sqlite3_close(q->db);
	}
	free(q->stmts);
	ks_dispose(&q->text);
	ksq_unload(&q->lib);
	free(q);
	s->be = NULL;
}

static const struct kstore_ops sqlite_ops = {
	"sqlite", "INTEGER PRIMARY KEY",
	sq_exec, sq_run, sq_send, sq_next, sq_isnull, sq_text, sq_int64,
	sq_begin, sq_commit, sq_rollback, sq_close,
};

/* kstore_sqlite_open - open the database file at path (made when create) */
int
kstore_sqlite_open(kaeru_store *s, const char *path, int create)
{
	struct sq  *q;
	struct stat st;
	int	    rc, waited;
	char	    why[256];

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->stmts = calloc((size_t)kstore_nstmt(), sizeof(*q->stmts))) == NULL) {
		free(q);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	s->ops = &sqlite_ops;
	s->be = q;
	if (ksq_load(&q->lib, why, sizeof(why)) != 0)
		return kerr_set(KAERU_ESTORE, "sqlite: %s", why);
	/*
	 * Not made: a store named with a typo would be a new empty one, and
	 * a command that only reads would answer "nothing stored" from it.
	 * SQLite's own "unable to open database file" does not say why.
	 */
	if (!create && strcmp(path, ":memory:") != 0 && stat(path, &st) != 0 && errno == ENOENT)
		return kerr_set(KAERU_ENOTFOUND, "no store at %s", path);
	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = kerr_set(KAERU_ESTORE, "sqlite: %s: %s", path,
		    q->db ? sqlite3_errmsg(q->db) : "cannot open");
		return rc;
	}
	sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	/*
	 * Switching a new database to WAL needs it alone; SQLite answers
	 * "locked" at once rather than call the busy handler (which could
	 * deadlock), as when two ingests create one store together. Retry
	 * for as long as the busy timeout.
	 */
	for (waited = 0; (rc = sq_exec(s, "PRAGMA journal_mode=WAL")) == KAERU_EBUSY &&
	    waited < BUSY_TIMEOUT_MS; waited += 10) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rc != 0 ||
	    (rc = sq_exec(s, "PRAGMA synchronous=NORMAL")) != 0 ||
	    (rc = sq_exec(s, "PRAGMA foreign_keys=ON")) != 0 ||
	    (rc = sq_exec(s, "PRAGMA wal_autocheckpoint = 10000")) != 0)
		return rc;
	return 0;
}

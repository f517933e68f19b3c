/*
 * NAME
 *	store_pgsql - the PostgreSQL backend of the store (libpq)
 * DESCRIPTION
 *	Statements are prepared on the server the first time they run
 *	("?" becomes $1, $2, ...: the texts are constants of store.c) and
 *	executed with text parameters. Writers are serialised like SQLite's:
 *	each write transaction starts with a transaction-scoped advisory
 *	lock, so concurrent ingests never deadlock on address rows and never
 *	need a retry; readers are not affected. Server notices are dropped.
 *
 *	A write transaction runs in libpq's pipeline mode: a statement sent
 *	with send() (no rows wanted) is queued and the call returns at once;
 *	the queue goes to the server with the next run(), whose result comes
 *	after theirs. An ingest thus waits for the server once or twice per
 *	record instead of once per statement. The first error among the
 *	queued statements is returned by the next run(), exec() or commit();
 *	the server has then aborted the transaction, and commit() rolls it
 *	back. The queue stays short (it is read at every run()), so the
 *	server never blocks writing results we do not read.
 * OWNERSHIP
 *	The backend state (struct pg) belongs to the store; column text is
 *	libpq's, valid until the next run.
 */
#include "store_int.h"
#include "../error.h"

#include "libpq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The writers' lock: "kaeru" in ASCII. */
#define WRITER_LOCK "SELECT pg_advisory_xact_lock(461195617653)"

/*
 * A write transaction's reads are lookups of listed keys (IN lists of up
 * to 128 keys), each best done on the index. Told nothing, the planner
 * takes a table that was never analysed (a new store during its first
 * import) for a small one and plans a scan of it, and the prepared
 * statement keeps that plan as the table grows: every batch then reads the
 * whole table. Within write transactions only (stats and listings scan).
 */
#define KEY_LOOKUPS "SET LOCAL enable_seqscan = off"

struct pg {
	struct kpq	 pq;		/* libpq, opened for this store (libpq.h) */
	PGconn		*conn;
	char		*prepared;	/* 1 per statement once prepared */
	char	       **texts;		/* per statement: its text with $1, $2, ... */
	PGresult	*res;		/* the open cursor */
	int		 row, nrows;
	int		 pipeline;	/* 1: in pipeline mode (a write transaction) */
	int		 pending;	/* statements sent whose results are unread */
	kstr		 text;		/* a batch statement's text */
	const char     **vals;		/* parameters as text */
	char		(*nums)[24];	/* ... numbers written out */
	int		 nvals;		/* room in vals and nums */
};

/*
 * libpq's calls go through the store's table: every function here has
 * its struct pg as g.
 */
#define PQclear(r)			g->pq.clear(r)
#define PQconnectdb(c)			g->pq.connectdb(c)
#define PQenterPipelineMode(c)		g->pq.enterPipelineMode(c)
#define PQerrorMessage(c)		g->pq.errorMessage(c)
#define PQexec(c, q)			g->pq.exec(c, q)
#define PQexitPipelineMode(c)		g->pq.exitPipelineMode(c)
#define PQfinish(c)			g->pq.finish(c)
#define PQflush(c)			g->pq.flush(c)
#define PQgetResult(c)			g->pq.getResult(c)
#define PQgetisnull(r, i, j)		g->pq.getisnull(r, i, j)
#define PQgetvalue(r, i, j)		g->pq.getvalue(r, i, j)
#define PQntuples(r)			g->pq.ntuples(r)
#define PQpipelineSync(c)		g->pq.pipelineSync(c)
#define PQprepare(c, n, q, k, t)	g->pq.prepare(c, n, q, k, t)
#define PQresultErrorMessage(r)		g->pq.resultErrorMessage(r)
#define PQresultStatus(r)		g->pq.resultStatus(r)
#define PQsendFlushRequest(c)		g->pq.sendFlushRequest(c)
#define PQsendPrepare(c, n, q, k, t)	g->pq.sendPrepare(c, n, q, k, t)
#define PQsendQueryParams(c, q, k, t, v, l, f, r) g->pq.sendQueryParams(c, q, k, t, v, l, f, r)
#define PQsendQueryPrepared(c, n, k, v, l, f, r) g->pq.sendQueryPrepared(c, n, k, v, l, f, r)
#define PQsetNoticeProcessor(c, p, a)	g->pq.setNoticeProcessor(c, p, a)
#define PQstatus(c)			g->pq.status(c)

/* pg_err - error text from the connection or a result */
static int
pg_err(struct pg *g, PGresult *r, const char *what)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(g->conn);
	size_t	    n = strlen(m);

	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	return kerr_set(KAERU_ESTORE, "postgresql: %s: %.*s", what, (int)n, m);
}

/* pg_clear - close the open cursor */
static void
pg_clear(struct pg *g)
{
	if (g->res != NULL)
		PQclear(g->res);
	g->res = NULL;
	g->row = g->nrows = 0;
}

/* pg_ok - 1 when r is a success */
static int
pg_ok(const struct pg *g, const PGresult *r)
{
	int st = r != NULL ? (int)PQresultStatus(r) : PGRES_FATAL_ERROR;

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* pg_status - 0 when r is a success, else the error, its text set */
static int
pg_status(struct pg *g, PGresult *r, const char *what)
{
	switch (r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		return 0;
	case PGRES_PIPELINE_ABORTED:	/* the first failure was reported already */
		return kerr_set(KAERU_ESTORE, "postgresql: %s: an earlier statement of the transaction failed",
		    what);
	default:
		return pg_err(g, r, what);
	}
}

/* pg_take - the result of the next statement in the pipeline (NULL if the connection failed) */
static PGresult *
pg_take(struct pg *g)
{
	PGresult *r = PQgetResult(g->conn), *x;

	if (r == NULL)
		return NULL;
	while ((x = PQgetResult(g->conn)) != NULL)	/* a statement's results end with NULL */
		PQclear(x);
	return r;
}

/* pg_drain - read the results of the statements sent; the first error, if any */
static int
pg_drain(struct pg *g)
{
	int rc = 0;

	while (g->pending > 0) {
		PGresult *r = pg_take(g);

		g->pending--;
		if (r == NULL) {
			g->pending = 0;
			return rc != 0 ? rc : pg_err(g, NULL, "pipeline");
		}
		if (rc == 0 && !pg_ok(g, r))
			rc = pg_status(g, r, "query");	/* only the first error's text */
		PQclear(r);
	}
	return rc;
}

/* pg_flush - send what is queued and ask the server to send its results */
static int
pg_flush(struct pg *g)
{
	if (PQsendFlushRequest(g->conn) != 1 || PQflush(g->conn) != 0)
		return pg_err(g, NULL, "send");
	return 0;
}

/* pg_sync - end the pipeline: read every result and the sync point, leave pipeline mode */
static int
pg_sync(struct pg *g)
{
	PGresult *r;
	int	  rc, e = 0;

	if (!g->pipeline)
		return 0;
	if (PQpipelineSync(g->conn) != 1)
		e = pg_err(g, NULL, "sync");
	rc = pg_drain(g);
	if (e == 0) {
		r = PQgetResult(g->conn);
		if (r == NULL || PQresultStatus(r) != PGRES_PIPELINE_SYNC)
			e = pg_err(g, r, "sync");
		PQclear(r);
	}
	g->pipeline = 0;
	if (PQexitPipelineMode(g->conn) != 1 && e == 0)
		e = pg_err(g, NULL, "pipeline");
	return rc != 0 ? rc : e;
}

/* pg_pipeline - enter pipeline mode */
static int
pg_pipeline(struct pg *g)
{
	if (PQenterPipelineMode(g->conn) != 1)
		return pg_err(g, NULL, "pipeline");
	g->pipeline = 1;
	return 0;
}

/* pg_exec - run SQL without parameters (several statements allowed) */
static int
pg_exec(kaeru_store *s, const char *sql)
{
	struct pg *g = s->be;
	PGresult  *r;
	int	   st, rc, pipe = g->pipeline;

	pg_clear(g);
	/* PQexec is not allowed in pipeline mode: leave it for the call. */
	if ((rc = pg_sync(g)) != 0)
		return rc;
	r = PQexec(g->conn, sql);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_err(g, r, "exec");
	PQclear(r);
	if (rc == 0 && pipe)
		rc = pg_pipeline(g);
	return rc;
}

/* pg_text_of - statement id's text with $1, $2, ... for "?", made once */
static const char *
pg_text_of(struct pg *g, int id)
{
	const char *q;
	kstr	    t = KSTR_INIT;
	int	    n = 0;

	if (g->texts[id] != NULL)
		return g->texts[id];
	if ((q = kstore_sql(id, &g->text)) == NULL)
		return NULL;
	for (; *q; q++)
		if (*q == '?')
			ks_addf(&t, "$%d", ++n);
		else
			ks_addc(&t, *q);
	if (!ks_ok(&t)) {
		ks_dispose(&t);
		return NULL;
	}
	return g->texts[id] = ks_release(&t, NULL);
}

/* pg_prepare - prepare statement id on the server */
static int
pg_prepare(struct pg *g, int id)
{
	const char *q = pg_text_of(g, id);
	char	    name[16];
	int	    rc = 0;
	PGresult   *r;

	if (q == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	snprintf(name, sizeof(name), "k%d", id);
	if (g->pipeline) {
		/* Queued like the rest; read at once, so that a failure leaves it unprepared. */
		if (PQsendPrepare(g->conn, name, q, 0, NULL) != 1)
			rc = pg_err(g, NULL, "prepare");
		else {
			g->pending++;
			if ((rc = pg_flush(g)) == 0)
				rc = pg_drain(g);
		}
	} else {
		r = PQprepare(g->conn, name, q, 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_err(g, r, "prepare");
		PQclear(r);
	}
	if (rc == 0)
		g->prepared[id] = 1;
	return rc;
}

/* pg_send_stmt - send statement id (prepared first if need be); in pipeline mode, queued */
static int
pg_send_stmt(struct pg *g, int id, const struct kparam *p, int np)
{
	char name[16];
	int  i, rc;

	if (np > g->nvals) {
		const char **nv = realloc(g->vals, (size_t)np * sizeof(*nv));
		char	   (*nn)[24];

		if (nv == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		g->vals = nv;
		if ((nn = realloc(g->nums, (size_t)np * sizeof(*nn))) == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		g->nums = nn;
		g->nvals = np;
	}
	if (!g->prepared[id] && (rc = pg_prepare(g, id)) != 0)
		return rc;
	for (i = 0; i < np; i++) {
		if (p[i].type == KP_TEXT)
			g->vals[i] = p[i].s;
		else if (p[i].type == KP_INT) {
			snprintf(g->nums[i], sizeof(g->nums[i]), "%" PRId64, p[i].i);
			g->vals[i] = g->nums[i];
		} else
			g->vals[i] = NULL;
	}
	snprintf(name, sizeof(name), "k%d", id);
	rc = PQsendQueryPrepared(g->conn, name, np, g->vals, NULL, NULL, 0);
	return rc == 1 ? 0 : pg_err(g, NULL, "query");
}

/* pg_run - execute statement id; the rows wait in the result */
static int
pg_run(kaeru_store *s, int id, const struct kparam *p, int np)
{
	struct pg *g = s->be;
	PGresult  *r;
	int	   rc;

	pg_clear(g);
	if ((rc = pg_send_stmt(g, id, p, np)) != 0)
		return rc;
	if (g->pipeline && (rc = pg_flush(g)) != 0)
		return rc;
	rc = pg_drain(g);		/* the statements queued before this one */
	r = g->pipeline ? pg_take(g) : PQgetResult(g->conn);
	if (!g->pipeline) {
		PGresult *x;
		while ((x = PQgetResult(g->conn)) != NULL)
			PQclear(x);
	}
	if (rc != 0 || (rc = pg_status(g, r, "query")) != 0) {
		PQclear(r);
		return rc;
	}
	g->res = r;
	g->nrows = PQntuples(r);
	g->row = -1;
	return 0;
}

/* pg_send - a statement whose rows are not wanted: queued in a write transaction */
static int
pg_send(kaeru_store *s, int id, const struct kparam *p, int np)
{
	struct pg *g = s->be;
	int	   rc;

	if (!g->pipeline) {
		rc = pg_run(s, id, p, np);
		pg_clear(g);
		return rc;
	}
	pg_clear(g);
	if ((rc = pg_send_stmt(g, id, p, np)) == 0)
		g->pending++;
	return rc;
}

/* pg_next - 1 with a row, 0 at the end */
static int
pg_next(kaeru_store *s)
{
	struct pg *g = s->be;

	if (g->res == NULL)
		return 0;
	if (++g->row < g->nrows)
		return 1;
	pg_clear(g);
	return 0;
}

static int
pg_isnull(kaeru_store *s, int col)
{
	struct pg *g = s->be;

	return PQgetisnull(g->res, g->row, col);
}

static const char *
pg_text(kaeru_store *s, int col)
{
	struct pg *g = s->be;

	return PQgetvalue(g->res, g->row, col);
}

static int64_t
pgs_int64(kaeru_store *s, int col)
{
	struct pg *g = s->be;

	return strtoll(PQgetvalue(g->res, g->row, col), NULL, 10);
}

/* pg_begin - a transaction holding the writers' lock, in pipeline mode */
static int
pg_begin(kaeru_store *s)
{
	struct pg *g = s->be;
	int	   rc = pg_exec(s, "BEGIN; " KEY_LOOKUPS "; " WRITER_LOCK);

	if (rc == 0 && (rc = pg_pipeline(g)) == 0)
		return 0;
	pg_exec(s, "ROLLBACK");
	return rc;
}

/* pg_commit - COMMIT at the end of the pipeline; on any error, roll back */
static int
pg_commit(kaeru_store *s)
{
	struct pg *g = s->be;
	int	   rc = 0;

	pg_clear(g);
	if (g->pipeline) {
		if (PQsendQueryParams(g->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) != 1)
			rc = pg_err(g, NULL, "commit");
		else
			g->pending++;
		{
			int e = pg_sync(g);
			if (rc == 0)
				rc = e;
		}
	} else
		rc = pg_exec(s, "COMMIT");
	if (rc != 0)
		pg_exec(s, "ROLLBACK");
	return rc;
}

static int
pg_rollback(kaeru_store *s)
{
	struct pg *g = s->be;

	pg_clear(g);
	pg_sync(g);		/* errors of a doomed transaction do not matter */
	return pg_exec(s, "ROLLBACK");
}

static void
pg_close(kaeru_store *s)
{
	struct pg *g = s->be;
	int	   i;

	if (g == NULL)
		return;
	pg_clear(g);
	if (g->conn != NULL)
		PQfinish(g->conn);
	kpq_unload(&g->pq);
	for (i = 0; g->texts != NULL && i < kstore_nstmt(); i++)
		free(g->texts[i]);
	free(g->texts);
	free(g->prepared);
	ks_dispose(&g->text);
	free(g->vals);
	free(g->nums);
	free(g);
	s->be = NULL;
}

/* quiet - drop server notices ("relation already exists, skipping") */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static const struct kstore_ops pgsql_ops = {
	"postgresql", "BIGSERIAL PRIMARY KEY",
	pg_exec, pg_run, pg_send, pg_next, pg_isnull, pg_text, pgs_int64,
	pg_begin, pg_commit, pg_rollback, pg_close,
};

/* kstore_pgsql_open - connect to a postgresql:// URL */
int
kstore_pgsql_open(kaeru_store *s, const char *conninfo)
{
	struct pg *g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->prepared = calloc((size_t)kstore_nstmt(), 1)) == NULL ||
	    (g->texts = calloc((size_t)kstore_nstmt(), sizeof(*g->texts))) == NULL) {
		if (g != NULL)
			free(g->prepared);
		free(g);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	s->ops = &pgsql_ops;
	s->be = g;
	{
		char why[256];
		if (kpq_load(&g->pq, why, sizeof(why)) != 0)
			return kerr_set(KAERU_EIO, "%s", why);
	}
	g->conn = PQconnectdb(conninfo);
	if (g->conn == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (PQstatus(g->conn) != CONNECTION_OK)
		return pg_err(g, NULL, "connect");
	PQsetNoticeProcessor(g->conn, quiet, NULL);
	return pg_exec(s, "SET client_min_messages = warning");
}

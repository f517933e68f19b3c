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
 * OWNERSHIP
 *	The backend state (struct pg) belongs to the store; column text is
 *	libpq's, valid until the next run.
 */
#include "store_int.h"
#include "../error.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The writers' lock: "kaeru" in ASCII. */
#define WRITER_LOCK "SELECT pg_advisory_xact_lock(461195617653)"

struct pg {
	PGconn		*conn;
	char		*prepared;	/* 1 per statement once prepared */
	PGresult	*res;		/* the open cursor */
	int		 row, nrows;
};

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

/* pg_exec - run SQL without parameters (several statements allowed) */
static int
pg_exec(kaeru_store *s, const char *sql)
{
	struct pg *g = s->be;
	PGresult  *r;
	int	   st, rc = 0;

	pg_clear(g);
	r = PQexec(g->conn, sql);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_err(g, r, "exec");
	PQclear(r);
	return rc;
}

/* pg_prepare - prepare statement id on the server */
static int
pg_prepare(struct pg *g, int id)
{
	const char *q = kstore_sql(id);
	kstr	    t = KSTR_INIT;
	char	    name[16];
	int	    n = 0, rc = 0;
	PGresult   *r;

	for (; *q; q++)
		if (*q == '?')
			ks_addf(&t, "$%d", ++n);
		else
			ks_addc(&t, *q);
	if (!ks_ok(&t)) {
		ks_dispose(&t);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	snprintf(name, sizeof(name), "k%d", id);
	r = PQprepare(g->conn, name, t.p, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_err(g, r, "prepare");
	else
		g->prepared[id] = 1;
	PQclear(r);
	ks_dispose(&t);
	return rc;
}

/* pg_run - execute statement id; the rows wait in the result */
static int
pg_run(kaeru_store *s, int id, const struct kparam *p, int np)
{
	struct pg  *g = s->be;
	const char *vals[20];
	char	    nums[20][24];
	char	    name[16];
	int	    i, st, rc;

	pg_clear(g);
	if (np > 20)
		return kerr_set(KAERU_EINVAL, "too many parameters");
	if (!g->prepared[id] && (rc = pg_prepare(g, id)) != 0)
		return rc;
	for (i = 0; i < np; i++) {
		if (p[i].type == KP_TEXT)
			vals[i] = p[i].s;
		else if (p[i].type == KP_INT) {
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, p[i].i);
			vals[i] = nums[i];
		} else
			vals[i] = NULL;
	}
	snprintf(name, sizeof(name), "k%d", id);
	g->res = PQexecPrepared(g->conn, name, np, vals, NULL, NULL, 0);
	st = PQresultStatus(g->res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_err(g, g->res, "query");
		pg_clear(g);
		return rc;
	}
	g->nrows = PQntuples(g->res);
	g->row = -1;
	return 0;
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

/* pg_begin - a transaction holding the writers' lock */
static int
pg_begin(kaeru_store *s)
{
	int rc = pg_exec(s, "BEGIN; " WRITER_LOCK);

	if (rc != 0)
		pg_exec(s, "ROLLBACK");
	return rc;
}

static int
pg_commit(kaeru_store *s)
{
	int rc = pg_exec(s, "COMMIT");

	if (rc != 0)
		pg_exec(s, "ROLLBACK");
	return rc;
}

static int
pg_rollback(kaeru_store *s)
{
	return pg_exec(s, "ROLLBACK");
}

static void
pg_close(kaeru_store *s)
{
	struct pg *g = s->be;

	if (g == NULL)
		return;
	pg_clear(g);
	PQfinish(g->conn);
	free(g->prepared);
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
	pg_exec, pg_run, pg_next, pg_isnull, pg_text, pgs_int64,
	pg_begin, pg_commit, pg_rollback, pg_close,
};

/* kstore_pgsql_open - connect to a postgresql:// URL */
int
kstore_pgsql_open(kaeru_store *s, const char *conninfo)
{
	struct pg *g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->prepared = calloc((size_t)kstore_nstmt(), 1)) == NULL) {
		free(g);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	s->ops = &pgsql_ops;
	s->be = g;
	g->conn = PQconnectdb(conninfo);
	if (g->conn == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (PQstatus(g->conn) != CONNECTION_OK)
		return pg_err(g, NULL, "connect");
	PQsetNoticeProcessor(g->conn, quiet, NULL);
	return pg_exec(s, "SET client_min_messages = warning");
}

/*
 * NAME
 *	libpq - libpq's functions, loaded when a PostgreSQL store is opened
 * DESCRIPTION
 *	libpq brings two dozen libraries with it (TLS, Kerberos, LDAP, ...);
 *	linked into every program that uses libkaeru, loading them cost each
 *	"kaeru parse" more than the parse of a large mail. So libpq is opened
 *	with dlopen() by the first PostgreSQL store and its functions are
 *	reached through a table that the store owns: a program that never
 *	opens one never loads it. kpq_load() fills a table (libpq counts its
 *	own openings, so each store may hold one); kpq_unload() lets it go.
 */
#ifndef KAERU_STORE_LIBPQ_H
#define KAERU_STORE_LIBPQ_H

#include <libpq-fe.h>
#include <stddef.h>

struct kpq {
	void		*dl;
	PGconn		*(*connectdb)(const char *conninfo);
	ConnStatusType	 (*status)(const PGconn *conn);
	void		 (*finish)(PGconn *conn);
	char		*(*errorMessage)(const PGconn *conn);
	PQnoticeProcessor (*setNoticeProcessor)(PGconn *conn, PQnoticeProcessor proc, void *arg);
	PGresult	*(*exec)(PGconn *conn, const char *query);
	PGresult	*(*prepare)(PGconn *conn, const char *name, const char *query,
			    int nparams, const Oid *types);
	int		 (*sendPrepare)(PGconn *conn, const char *name, const char *query,
			    int nparams, const Oid *types);
	int		 (*sendQueryParams)(PGconn *conn, const char *command, int nparams,
			    const Oid *types, const char *const *values, const int *lengths,
			    const int *formats, int resultformat);
	int		 (*sendQueryPrepared)(PGconn *conn, const char *name, int nparams,
			    const char *const *values, const int *lengths, const int *formats,
			    int resultformat);
	PGresult	*(*getResult)(PGconn *conn);
	int		 (*enterPipelineMode)(PGconn *conn);
	int		 (*exitPipelineMode)(PGconn *conn);
	int		 (*pipelineSync)(PGconn *conn);
	int		 (*sendFlushRequest)(PGconn *conn);
	int		 (*flush)(PGconn *conn);
	ExecStatusType	 (*resultStatus)(const PGresult *res);
	char		*(*resultErrorMessage)(const PGresult *res);
	int		 (*ntuples)(const PGresult *res);
	char		*(*getvalue)(const PGresult *res, int row, int col);
	int		 (*getisnull)(const PGresult *res, int row, int col);
	void		 (*clear)(PGresult *res);
};

/* kpq_load - open libpq and fill q; 0, or -1 with why in err */
int	kpq_load(struct kpq *q, char *err, size_t errlen);
/* kpq_unload - close what kpq_load opened; accepts a zeroed table */
void	kpq_unload(struct kpq *q);

#endif

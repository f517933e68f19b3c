/*
 * NAME
 *	libpq - open libpq at run time (see libpq.h for why)
 */
#include "libpq.h"

#include "dynlib.h"

/* The sonames to try: Debian's and other systems' (libpq keeps ABI 5);
 * dynlib.h says why it stays loaded. */
static const char *const sonames[] = { "libpq.so.5", "libpq.so" };

int
kpq_load(struct kpq *q, char *err, size_t errlen)
{
	static const struct kdl_sym fns[] = {
#define F(field, sym) { sym, offsetof(struct kpq, field) }
		F(connectdb, "PQconnectdb"),
		F(status, "PQstatus"),
		F(finish, "PQfinish"),
		F(errorMessage, "PQerrorMessage"),
		F(setNoticeProcessor, "PQsetNoticeProcessor"),
		F(exec, "PQexec"),
		F(prepare, "PQprepare"),
		F(sendPrepare, "PQsendPrepare"),
		F(sendQueryParams, "PQsendQueryParams"),
		F(sendQueryPrepared, "PQsendQueryPrepared"),
		F(getResult, "PQgetResult"),
		F(enterPipelineMode, "PQenterPipelineMode"),
		F(exitPipelineMode, "PQexitPipelineMode"),
		F(pipelineSync, "PQpipelineSync"),
		F(sendFlushRequest, "PQsendFlushRequest"),
		F(flush, "PQflush"),
		F(resultStatus, "PQresultStatus"),
		F(resultErrorMessage, "PQresultErrorMessage"),
		F(ntuples, "PQntuples"),
		F(getvalue, "PQgetvalue"),
		F(getisnull, "PQgetisnull"),
		F(clear, "PQclear"),
#undef F
	};
	static const struct kdl_lib lib = {
		sonames, sizeof(sonames) / sizeof(sonames[0]),
		"PostgreSQL needs libpq (Debian: apt-get install libpq5)", "libpq", "version 14 or later",
	};

	return kdl_load(q, sizeof(*q), &lib, fns, sizeof(fns) / sizeof(fns[0]), err, errlen);
}

void
kpq_unload(struct kpq *q)
{
	kdl_unload(q, sizeof(*q));
}

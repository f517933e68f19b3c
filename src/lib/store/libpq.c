/*
 * NAME
 *	libpq - open libpq at run time (see libpq.h for why)
 */
#include "libpq.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/*
 * The sonames to try: Debian's and other systems' (libpq keeps ABI 5).
 * Once loaded libpq stays (RTLD_NODELETE): its TLS and OpenSSL's exit
 * handlers must outlive the store, and unmapping it under LeakSanitizer
 * crashed the leak check at exit.
 */
static const char *const sonames[] = { "libpq.so.5", "libpq.so" };

int
kpq_load(struct kpq *q, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t	    off;
	} fns[] = {
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
	size_t i;

	memset(q, 0, sizeof(*q));
	for (i = 0; i < sizeof(sonames) / sizeof(sonames[0]) && q->dl == NULL; i++)
		q->dl = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (q->dl == NULL) {
		snprintf(err, errlen, "PostgreSQL needs libpq (Debian: apt-get install libpq5): %s", dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *f = dlsym(q->dl, fns[i].name);
		if (f == NULL) {
			snprintf(err, errlen, "libpq has no %s (version 14 or later is needed)", fns[i].name);
			kpq_unload(q);
			return -1;
		}
		memcpy((char *)q + fns[i].off, &f, sizeof(f));
	}
	return 0;
}

void
kpq_unload(struct kpq *q)
{
	if (q->dl != NULL)
		dlclose(q->dl);
	memset(q, 0, sizeof(*q));
}

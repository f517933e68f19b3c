/*
 * NAME
 *	error - the per-thread error text behind kaeru_error_last()
 * DESCRIPTION
 *	The only state is one thread-local buffer: each thread sees its own
 *	last failure, as errno works, and nothing needs locking.
 */
#include "error.h"

#include <kaeru/version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char errtext[512];

/* kerr_set - remember a message for this thread, return code */
int
kerr_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errtext, sizeof(errtext), fmt, ap);
	va_end(ap);
	return code;
}

/* kerr_clear - forget this thread's message */
void
kerr_clear(void)
{
	errtext[0] = '\0';
}

const char *
kaeru_error_last(void)
{
	return errtext[0] != '\0' ? errtext : "no error";
}

const char *
kaeru_strerror(int code)
{
	switch (code) {
	case KAERU_OK:		return "success";
	case KAERU_ENOMEM:	return "out of memory";
	case KAERU_EINVAL:	return "invalid argument";
	case KAERU_EIO:		return "input/output error";
	case KAERU_EPARSE:	return "malformed input";
	case KAERU_ENOTFOUND:	return "not found";
	case KAERU_ELIMIT:	return "resource limit reached";
	case KAERU_ESTORE:	return "database error";
	case KAERU_EBUSY:	return "database busy";
	case KAERU_EVERSION:	return "version mismatch";
	}
	return "unknown error";
}

void
kaeru_buf_dispose(kaeru_buf *buf)
{
	if (buf == NULL)
		return;
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

const char *
kaeru_version(void)
{
	return KAERU_VERSION;
}

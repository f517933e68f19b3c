/*
 * NAME
 *	error - the per-thread error text behind kaeru_error_last()
 * SUMMARY
 *	kerr_set() formats a message for the calling thread and returns the
 *	code it was given, so that "return kerr_set(KAERU_EIO, ...)" reads
 *	as one statement.
 */
#ifndef KAERU_LIB_ERROR_H
#define KAERU_LIB_ERROR_H

#include <kaeru/common.h>

int	kerr_set(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	kerr_clear(void);

#endif

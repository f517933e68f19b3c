/*
 * NAME
 *	kaeru/common.h - export macro, error codes, caller-owned buffers
 * SUMMARY
 *	Every kaeru function that can fail returns 0 (KAERU_OK) or a negative
 *	KAERU_E* code. kaeru_error_last() then describes the failure; the text
 *	belongs to the calling thread, is never NULL and must not be freed.
 *	Heap data handed to the caller comes in a kaeru_buf, released with
 *	kaeru_buf_dispose().
 */
#ifndef KAERU_COMMON_H
#define KAERU_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(KAERU_STATIC_BUILD)
#define KAERU_EXTERN __attribute__((visibility("default")))
#else
#define KAERU_EXTERN
#endif

/* Error codes: 0 is success, every failure is negative. */
enum kaeru_error_code {
	KAERU_OK	= 0,
	KAERU_ENOMEM	= -1,	/* out of memory */
	KAERU_EINVAL	= -2,	/* invalid argument */
	KAERU_EIO	= -3,	/* an input or output could not be read or written */
	KAERU_EPARSE	= -4,	/* malformed input the call cannot use */
	KAERU_ENOTFOUND	= -5,	/* no such object */
	KAERU_ELIMIT	= -6,	/* a configured resource limit was reached */
	KAERU_ESTORE	= -7,	/* the database refused an operation */
	KAERU_EBUSY	= -8,	/* the database is locked by another writer */
	KAERU_EVERSION	= -9	/* an options struct or schema is from another version */
};

/* kaeru_error_last - this thread's description of its last failure; never NULL, not freed */
KAERU_EXTERN const char *kaeru_error_last(void);

/* kaeru_strerror - static name of an error code */
KAERU_EXTERN const char *kaeru_strerror(int code);

/* Bytes owned by the caller: ptr is NUL-terminated when size > 0. */
typedef struct kaeru_buf {
	char	*ptr;
	size_t	 size;		/* bytes used, without the NUL */
	size_t	 asize;		/* bytes allocated */
} kaeru_buf;

#define KAERU_BUF_INIT { NULL, 0, 0 }

/* kaeru_buf_dispose - free the bytes; the buf is empty and reusable */
KAERU_EXTERN void kaeru_buf_dispose(kaeru_buf *buf);

#ifdef __cplusplus
}
#endif

#endif

/*
 * NAME
 *	kaeru/version.h - library version and ABI checks
 */
#ifndef KAERU_VERSION_H
#define KAERU_VERSION_H

#include <kaeru/common.h>

#define KAERU_VERSION_MAJOR	0
#define KAERU_VERSION_MINOR	1
#define KAERU_VERSION_PATCH	0
#define KAERU_VERSION		"0.1.0"
#define KAERU_SOVERSION		0

/* True when the headers are at least version maj.min.pat. */
#define KAERU_VERSION_CHECK(maj, min, pat) \
	((KAERU_VERSION_MAJOR > (maj)) || \
	 (KAERU_VERSION_MAJOR == (maj) && KAERU_VERSION_MINOR > (min)) || \
	 (KAERU_VERSION_MAJOR == (maj) && KAERU_VERSION_MINOR == (min) && \
	  KAERU_VERSION_PATCH >= (pat)))

#ifdef __cplusplus
extern "C" {
#endif

/* kaeru_version - version string of the linked library (static) */
KAERU_EXTERN const char *kaeru_version(void);

#ifdef __cplusplus
}
#endif

#endif

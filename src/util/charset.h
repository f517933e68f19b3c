/*
 * NAME
 *	charset - conversion of any declared charset to UTF-8
 * SUMMARY
 *	kcs_to_utf8() appends the UTF-8 form of a byte range whose charset a
 *	mail declares; kcs_utf8_view() gives the range itself when it is
 *	already that form, and appends only when it is not. It never
 *	fails: an unknown charset is guessed from the bytes, a lying one
 *	(ISO-2022-JP escapes under "us-ascii", Shift_JIS under "utf-8") is
 *	detected, and bytes that still do not convert become U+FFFD. iconv
 *	descriptors are cached per kcharset, which belongs to one parser and
 *	so to one thread. kcs_iconv() converts from an iconv name (canonical)
 *	with iconv alone, as kcs_to_utf8() does where kaeru's own tables
 *	stop; the tests compare the two. -1 when iconv lacks the charset.
 */
#ifndef KAERU_UTIL_CHARSET_H
#define KAERU_UTIL_CHARSET_H

#include "str.h"

typedef struct kcharset kcharset;

kcharset *kcs_new(void);
void	  kcs_free(kcharset *c);
void	  kcs_to_utf8(kcharset *c, const char *charset, size_t clen,
	    const char *in, size_t n, kstr *out);
const char *kcs_utf8_view(kcharset *c, const char *charset, size_t clen,
	    const char *in, size_t n, kstr *out, size_t *len);
const char *kcs_canonical(const char *name, size_t n);
const char *kcs_guess(const char *in, size_t n);
int	  kcs_iconv(kcharset *c, const char *canonical, const char *in, size_t n, kstr *out);

#endif

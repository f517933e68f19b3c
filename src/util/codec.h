/*
 * NAME
 *	codec - transfer decodings and UTF-8 helpers
 * SUMMARY
 *	Base64 and quoted-printable decoders that never fail: junk bytes and
 *	line breaks inside base64 are skipped, a truncated quantum keeps the
 *	whole bytes it holds, a broken "=XY" escape in quoted-printable is
 *	kept as written. Output is appended to a kstr.
 */
#ifndef KAERU_UTIL_CODEC_H
#define KAERU_UTIL_CODEC_H

#include "str.h"

void	kc_base64_decode(kstr *out, const char *in, size_t n);
void	kc_qp_decode(kstr *out, const char *in, size_t n, int header);
size_t	kc_utf8_valid_prefix(const char *s, size_t n);
int	kc_utf8_valid(const char *s, size_t n);
int	kc_is_ascii(const char *s, size_t n);
int	kc_is_plain(const char *s, size_t n, char stop);
void	kc_utf8_sanitize(kstr *out, const char *s, size_t n);
void	kc_utf8_put(kstr *out, unsigned cp);
/* kc_unflow - append format=flowed text (RFC 3676) as its logical lines */
void	kc_unflow(kstr *out, const char *s, size_t n, int delsp);

/* kc_utf8_at - code point cp (at most 0x10ffff) as UTF-8 at o, which has room for 4; past it */
static inline char *
kc_utf8_at(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

#endif

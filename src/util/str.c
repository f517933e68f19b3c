/*
 * NAME
 *	str - growable byte string with a stable handle, and byte helpers
 * DESCRIPTION
 *	See str.h. Growth doubles the capacity; a failed growth marks the
 *	string broken instead of returning an error from every append, the
 *	way stdio's ferror() works, so that builders stay short.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ks_init - empty string */
void
ks_init(kstr *s)
{
	s->p = NULL;
	s->len = s->cap = 0;
	s->broken = 0;
}

/* ks_dispose - free the data; the handle is empty and usable again */
void
ks_dispose(kstr *s)
{
	free(s->p);
	ks_init(s);
}

/* ks_release - give the NUL-terminated data to the caller (free()) */
char *
ks_release(kstr *s, size_t *lenp)
{
	char *p;

	if (s->broken) {
		ks_dispose(s);
		return NULL;
	}
	if (s->p == NULL && ks_reserve(s, 1) != 0)
		return NULL;
	p = s->p;
	if (lenp != NULL)
		*lenp = s->len;
	ks_init(s);
	return p;
}

/* ks_clear - length zero, capacity kept */
void
ks_clear(kstr *s)
{
	s->len = 0;
	s->broken = 0;
	if (s->p != NULL)
		s->p[0] = '\0';
}

/* ks_reserve - room for extra bytes plus NUL; -1 and broken on failure */
int
ks_reserve(kstr *s, size_t extra)
{
	size_t need, ncap;
	char  *np;

	if (s->broken)
		return -1;
	if (extra > SIZE_MAX - s->len - 1) {
		s->broken = 1;
		return -1;
	}
	need = s->len + extra + 1;
	if (need <= s->cap)
		return 0;
	ncap = s->cap ? s->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if ((np = realloc(s->p, ncap)) == NULL) {
		s->broken = 1;
		return -1;
	}
	s->p = np;
	s->cap = ncap;
	return 0;
}

/* ks_add - append n bytes */
void
ks_add(kstr *s, const void *p, size_t n)
{
	if (ks_reserve(s, n) != 0)
		return;
	if (n != 0)
		memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

/* ks_addc - append one byte */
void
ks_addc(kstr *s, int c)
{
	if (s->len + 1 < s->cap) {
		s->p[s->len++] = (char)c;
		s->p[s->len] = '\0';
		return;
	}
	char b = (char)c;
	ks_add(s, &b, 1);
}

/* ks_adds - append a NUL-terminated string */
void
ks_adds(kstr *s, const char *z)
{
	ks_add(s, z, strlen(z));
}

size_t
k_cat(char *dst, size_t cap, ...)
{
	va_list	    ap;
	const char *z;
	size_t	    len = 0;

	if (cap == 0)
		return 0;
	va_start(ap, cap);
	while ((z = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(z);
		if (n > cap - 1 - len)
			n = cap - 1 - len;
		memcpy(dst + len, z, n);
		len += n;
	}
	va_end(ap);
	dst[len] = '\0';
	return len;
}

size_t
k_i64(char dst[21], int64_t v)
{
	char	 t[20];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t	 n = 0, len = 0;

	do {
		t[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		dst[len++] = '-';
	while (n > 0)
		dst[len++] = t[--n];
	dst[len] = '\0';
	return len;
}

/* ks_addf - append printf-formatted text */
void
ks_addf(kstr *s, const char *fmt, ...)
{
	va_list ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ks_reserve(s, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

/*
 * k_strncaseeq - ASCII case-insensitive equality of n bytes
 *	Byte by byte, stopping at the first difference: callers compare a
 *	string with a literal's bytes and its NUL ("SMTP", 5), so the bytes
 *	past a shorter string's NUL must never be read.
 */
int
k_strncaseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k_lower((unsigned char)a[i]) != k_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* k_endswith_ci - does s[0..n) end with suffix, ignoring ASCII case */
int
k_endswith_ci(const char *s, size_t n, const char *suffix)
{
	size_t sn = strlen(suffix);

	return sn <= n && k_memeq_ci(s + n - sn, suffix, sn);
}

/*
 * k_blank_line - length up to and including the newline before the first
 *	"\n\n" of h, or hn when there is none (the end of a header block)
 */
size_t
k_blank_line(const char *h, size_t hn)
{
	const char *nl = k_memmem(h, hn, "\n\n", 2);

	return nl != NULL ? (size_t)(nl - h) + 1 : hn;
}

#if defined(__SSE2__)
/* middle_eq - do the bytes between the first and the last of needle n stand at c */
static inline int
middle_eq(const char *c, const char *n, size_t nn, int ci)
{
	return ci ? k_memeq_ci(c + 1, n + 1, nn - 2) : memcmp(c + 1, n + 1, nn - 2) == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SCAN32 1
/*
 * scan32 - firstlast()'s loop, thirty-two places at a time with AVX2, over
 *	the places p.. while 32 of them remain before last. Returns the match,
 *	or NULL with *rest the first place not looked at. Only called when
 *	the CPU has AVX2 (the library is built for any x86-64).
 */
__attribute__((target("avx2"))) static const char *
scan32(const char *p, const char *last, const char *n, size_t nn, int ci,
    char fa, char fz, const char **rest)
{
	const __m256i va = _mm256_set1_epi8((char)((unsigned char)n[0] | (unsigned char)fa));
	const __m256i vz = _mm256_set1_epi8((char)((unsigned char)n[nn - 1] | (unsigned char)fz));
	const __m256i ma = _mm256_set1_epi8(fa), mz = _mm256_set1_epi8(fz);

	while (last - p >= 31) {
		__m256i	 x = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)p), ma);
		__m256i	 y = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)(p + nn - 1)), mz);
		unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(x, va),
		    _mm256_cmpeq_epi8(y, vz)));
		while (m != 0) {
			const char *c = p + __builtin_ctz(m);
			if (middle_eq(c, n, nn, ci))
				return c;
			m &= m - 1;
		}
		p += 32;
	}
	*rest = p;
	return NULL;
}
#endif

/*
 * firstlast - first place of needle n (nn >= 2 bytes) in h[0..hn), or
 *	NULL. Places where both the needle's first and last bytes stand
 *	are found sixteen at a time, and only those are compared in full.
 *	With ci (any case), where the needle has a letter first or last,
 *	the 0x20 bit is set on both sides of that comparison (fa, fz):
 *	"M" and "m" then meet and nothing else does.
 */
static const char *
firstlast(const char *h, size_t hn, const char *n, size_t nn, int ci)
{
	unsigned char a = (unsigned char)n[0], z = (unsigned char)n[nn - 1];
	char	      fa = ci && k_isalpha(a) ? 0x20 : 0, fz = ci && k_isalpha(z) ? 0x20 : 0;
	const __m128i va = _mm_set1_epi8((char)(a | fa)), vz = _mm_set1_epi8((char)(z | fz));
	const __m128i ma = _mm_set1_epi8(fa), mz = _mm_set1_epi8(fz);
	const char   *p = h, *last = h + hn - nn;	/* the last place a match may start */

#ifdef HAVE_SCAN32
	/* Long texts (MIME bodies searched for their boundary): AVX2 when there. */
	if (last - p >= 255 && __builtin_cpu_supports("avx2")) {
		const char *c = scan32(p, last, n, nn, ci, fa, fz, &p);
		if (c != NULL)
			return c;
	}
#endif
	while (last - p >= 15) {
		__m128i	 x = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), ma);
		__m128i	 y = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + nn - 1)), mz);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, va),
		    _mm_cmpeq_epi8(y, vz)));
		while (m != 0) {
			const char *c = p + __builtin_ctz(m);
			if (middle_eq(c, n, nn, ci))
				return c;
			m &= m - 1;
		}
		p += 16;
	}
	if (p <= last && (size_t)(h + hn - p) >= 16) {
		/*
		 * The last r (< 16) places, still in one step: their first
		 * bytes from p, their last bytes from the sixteen that end
		 * the haystack, whose mask is shifted to line up with p.
		 */
		unsigned r = (unsigned)(last - p) + 1;
		__m128i	 x = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p), ma);
		__m128i	 y = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(h + hn - 16)), mz);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, va)) &
		    ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(y, vz)) >> (16 - r)) & ((1u << r) - 1);
		while (m != 0) {
			const char *c = p + __builtin_ctz(m);
			if (middle_eq(c, n, nn, ci))
				return c;
			m &= m - 1;
		}
		return NULL;
	}
	for (; p <= last; p++)
		if (((unsigned char)p[0] | fa) == (a | fa) && ((unsigned char)p[nn - 1] | fz) == (z | fz) &&
		    middle_eq(p, n, nn, ci))
			return p;
	return NULL;
}
#endif

/*
 * k_memmem - first occurrence of needle in haystack, or NULL
 *	With SSE2, firstlast(): several times faster than glibc's memmem on
 *	the MIME delimiters ("\n--boundary") and phrases searched here, and
 *	a text of lines that start "--" does not make every line a place to
 *	compare (as the needle's first two bytes would).
 */
const char *
k_memmem(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	if (nn == 1)
		return memchr(h, n[0], hn);
#if defined(__SSE2__)
	return firstlast(h, hn, n, nn, 0);
#else
	if (hn < 512) {
		/* Short haystacks: memmem's setup costs more than the search. */
		const char *p = h, *end = h + hn - nn + 1;
		while (p < end && (p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
			if (memcmp(p + 1, n + 1, nn - 1) == 0)
				return p;
			p++;
		}
		return NULL;
	}
	return memmem(h, hn, n, nn);
#endif
}

/*
 * k_memmem_ci - first case-insensitive occurrence, or NULL
 *	With SSE2, firstlast() in either case. Otherwise (and for a
 *	one-byte needle) the next place of each case of the first letter is
 *	remembered and searched again only once the scan has passed it, so
 *	the haystack is read once per case. (Searching both from every
 *	candidate, as before, was quadratic: 200 KB of "M" without an "m"
 *	took half a second per search for "mailer-daemon".)
 */
const char *
k_memmem_ci(const char *h, size_t hn, const char *n, size_t nn)
{
	const char *p, *end, *lo = NULL, *up = NULL;
	int	    c0, c1, lo_gone = 0, up_gone = 0;

	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
#if defined(__SSE2__)
	if (nn >= 2)
		return firstlast(h, hn, n, nn, 1);
#endif
	c0 = k_lower((unsigned char)n[0]);
	c1 = k_upper((unsigned char)n[0]);
	end = h + hn - nn + 1;
	for (p = h; p < end; p++) {
		if (c0 == c1) {
			if ((p = memchr(p, c0, (size_t)(end - p))) == NULL)
				return NULL;
		} else {
			if (!lo_gone && (lo == NULL || lo < p) &&
			    (lo = memchr(p, c0, (size_t)(end - p))) == NULL)
				lo_gone = 1;
			if (!up_gone && (up == NULL || up < p) &&
			    (up = memchr(p, c1, (size_t)(end - p))) == NULL)
				up_gone = 1;
			if (lo_gone && up_gone)
				return NULL;
			p = lo_gone ? up : up_gone ? lo : lo < up ? lo : up;
		}
		/* Most candidates fail at the second byte: look at it first. */
		if ((nn < 2 || k_lower((unsigned char)p[1]) == k_lower((unsigned char)n[1])) &&
		    k_memeq_ci(p, n, nn))
			return p;
	}
	return NULL;
}

#if defined(__SSE2__)
/* ws16 - bit i set where x[i] is \t, \n, \v, \f or \r; *spaces where it is ' ' */
static inline unsigned
ws16(__m128i x, unsigned *spaces)
{
	__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('\t'));	/* 9..13 become 0..4 */

	*spaces = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(4)), d));
}
#endif

/*
 * k_squeeze_ws - runs of white space made one space
 *	Sixteen bytes that hold no control white space, no two spaces in a
 *	row and, after a space, no space first are copied as they are; the
 *	rest byte by byte. sp: the last byte written was a space.
 */
size_t
k_squeeze_ws(char *dst, const char *s, size_t n)
{
	size_t i = 0, o = 0;
	int    sp = 0;

	while (i < n) {
#if defined(__SSE2__)
		if (i + 16 <= n) {
			__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned sps, ctl = ws16(x, &sps);
			if (ctl == 0 && (sps & (sps >> 1)) == 0 && !(sp && (sps & 1))) {
				_mm_storeu_si128((__m128i *)(void *)(dst + o), x);
				i += 16;
				o += 16;
				sp = (int)(sps >> 15);
				continue;
			}
		}
#endif
		if (k_isspace((unsigned char)s[i])) {
			if (!sp)
				dst[o++] = ' ';
			sp = 1;
		} else {
			dst[o++] = s[i];
			sp = 0;
		}
		i++;
	}
	return o;
}

/* k_needs_squeeze - white space other than single spaces in s[0..n) */
int
k_needs_squeeze(const char *s, size_t n)
{
	size_t i = 0;
	int    sp = 0;	/* s[i - 1] is a space */

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		unsigned sps, ctl = ws16(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), &sps);
		if (ctl != 0 || (sps & (sps >> 1)) != 0 || (sp && (sps & 1)))
			return 1;
		sp = (int)(sps >> 15);
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != ' ' && k_isspace(c))
			return 1;
		if (c == ' ' && sp)
			return 1;
		sp = c == ' ';
	}
	return 0;
}

/* k_lowercase - ASCII lower-case in place */
void
k_lowercase(char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		w = k_lower8(w);
		memcpy(s + i, &w, 8);
	}
	for (; i < n; i++)
		s[i] = (char)k_lower((unsigned char)s[i]);
}

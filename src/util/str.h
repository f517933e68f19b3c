/*
 * NAME
 *	str - growable byte string with a stable handle, and byte helpers
 * SUMMARY
 *	A kstr tracks its length and is always NUL-terminated once anything
 *	was appended. The handle never moves; its data pointer may. A kstr
 *	that failed to grow is marked broken: later appends are ignored and
 *	ks_ok() tells the caller to report KAERU_ENOMEM once, at the end.
 * OWNERSHIP
 *	ks_dispose() frees the data; ks_release() hands it to the caller,
 *	who frees it with free().
 */
#ifndef KAERU_UTIL_STR_H
#define KAERU_UTIL_STR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct kstr {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 broken;
} kstr;

#define KSTR_INIT { NULL, 0, 0, 0 }

void	 ks_init(kstr *s);
void	 ks_dispose(kstr *s);
char	*ks_release(kstr *s, size_t *lenp);
int	 ks_reserve(kstr *s, size_t extra);
void	 ks_add(kstr *s, const void *p, size_t n);
void	 ks_addc(kstr *s, int c);
void	 ks_adds(kstr *s, const char *z);
void	 ks_addf(kstr *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 ks_clear(kstr *s);
static inline int ks_ok(const kstr *s) { return !s->broken; }
static inline const char *ks_str(const kstr *s) { return s->p ? s->p : ""; }

/* ASCII helpers: locale independent, never look past n bytes. */
static inline int k_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int k_upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
static inline int k_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int k_isalpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int k_isalnum(int c) { return k_isdigit(c) || k_isalpha(c); }
static inline int k_isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline int k_isblank(int c) { return c == ' ' || c == '\t'; }
static inline int k_isxdigit(int c) { return k_isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

int	 k_strncaseeq(const char *a, const char *b, size_t n);
int	 k_endswith_ci(const char *s, size_t n, const char *suffix);
const char *k_memmem(const char *h, size_t hn, const char *n, size_t nn);
size_t	 k_blank_line(const char *h, size_t hn);
const char *k_memmem_ci(const char *h, size_t hn, const char *n, size_t nn);
/* k_trim - strip ASCII white space from both ends of a byte range (inline: called per line) */
static inline void
k_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t	    k = *n;

	while (k > 0 && k_isspace((unsigned char)*p)) {
		p++;
		k--;
	}
	while (k > 0 && k_isspace((unsigned char)p[k - 1]))
		k--;
	*s = p;
	*n = k;
}
/*
 * k_cat - the strings up to a NULL, joined into dst[0..cap), cut and
 *	NUL-terminated as snprintf() would; returns the length written. For
 *	the per-record labels, where printf's code and parsing cost more than
 *	the copy.
 */
size_t	 k_cat(char *dst, size_t cap, ...) __attribute__((sentinel));
/* k_i64 - v in decimal into dst (21 bytes suffice), NUL-terminated; returns its length */
size_t	 k_i64(char dst[21], int64_t v);

/*
 * k_lower8 - ASCII lower case of eight bytes at once: a byte from 'A' to
 *	'Z' (high bit clear) gains 0x20, every other byte is kept
 */
static inline uint64_t
k_lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t       low7 = w & ~high;
	uint64_t       ge_a = low7 + ones * (0x80 - 'A');	/* high bit: >= 'A' */
	uint64_t       gt_z = low7 + ones * (0x7f - 'Z');	/* high bit: > 'Z' */
	uint64_t       upper = ge_a & ~gt_z & ~w & high;

	return w | (upper >> 2);
}

/*
 * k_memeq_ci - k_strncaseeq() for two buffers that both hold n bytes,
 *	read eight at a time; inline, as most names compared are short
 */
static inline int
k_memeq_ci(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	/* Equal words need no folding. */
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y && k_lower8(x) != k_lower8(y))
			return 0;
	}
	for (; i < n; i++)
		if (k_lower((unsigned char)a[i]) != k_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/*
 * Tests against a NUL-terminated needle, inline so that the needle's
 * strlen() folds to a constant when it is a literal (most callers).
 */
/* k_startswith - does s[0..n) begin with prefix */
static inline int
k_startswith(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	return pn <= n && memcmp(s, prefix, pn) == 0;
}

/* k_startswith_ci - does s[0..n) begin with prefix, ignoring ASCII case */
static inline int
k_startswith_ci(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	return pn <= n && k_memeq_ci(s, prefix, pn);
}

/*
 * A literal with its length, for tables of prefixes tried line after
 * line: K_LIT("text"). k_starts_any - does s[0..n) begin with one of the
 * k prefixes of list (in any case with ci); the first that does, or NULL.
 */
struct k_lit {
	const char *s;
	size_t	    n;
};
#define K_LIT(x) { x, sizeof(x) - 1 }

static inline const struct k_lit *
k_starts_any(const char *s, size_t n, const struct k_lit *list, size_t k, int ci)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (list[i].n <= n &&
		    (ci ? k_memeq_ci(s, list[i].s, list[i].n) : memcmp(s, list[i].s, list[i].n) == 0))
			return &list[i];
	return NULL;
}

/* k_strstr_ci - case-insensitive search of a NUL-terminated needle */
static inline const char *
k_strstr_ci(const char *h, size_t hn, const char *z)
{
	return k_memmem_ci(h, hn, z, strlen(z));
}
void	 k_lowercase(char *s, size_t n);
/*
 * k_squeeze_ws - s[0..n) into dst with each run of white space
 *	(k_isspace) made one space; returns the bytes written, at most n.
 *	dst may be s itself. k_needs_squeeze - does s[0..n) hold white
 *	space other than single spaces (would k_squeeze_ws change it).
 */
size_t	 k_squeeze_ws(char *dst, const char *s, size_t n);
int	 k_needs_squeeze(const char *s, size_t n);

/*
 * k_find3 - the first of the bytes a, b and c in s[0..n), or NULL.
 *	Inline, sixteen bytes at a time with SSE2: the lines of a header or
 *	a notice are short, and a call of glibc's memchr per line cost more
 *	than its scan.
 */
static inline const char *
k_find3(const char *s, size_t n, char a, char b, char c)
{
	size_t i = 0;

#if defined(__SSE2__)
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);

	for (; i + 16 <= n; i += 16) {
		__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va),
		    _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc)));
		if (m != 0)
			return s + i + __builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (s[i] == a || s[i] == b || s[i] == c)
			return s + i;
	return NULL;
}

/*
 * k_find_range - the first byte of s[0..n) from lo to hi (unsigned, lo <=
 *	hi), or NULL. Sixteen at a time like k_find3(): for scans that look
 *	for digits or capitals in a text that mostly has neither.
 */
static inline const char *
k_find_range(const char *s, size_t n, unsigned char lo, unsigned char hi)
{
	size_t i = 0;

#if defined(__SSE2__)
	const __m128i vlo = _mm_set1_epi8((char)lo), span = _mm_set1_epi8((char)(hi - lo));

	for (; i + 16 <= n; i += 16) {
		/* x - lo, wrapping, is at most hi - lo exactly for the bytes wanted. */
		__m128i	 d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), vlo);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, span), d));
		if (m != 0)
			return s + i + __builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if ((unsigned char)((unsigned char)s[i] - lo) <= (unsigned char)(hi - lo))
			return s + i;
	return NULL;
}

/* k_find_nl - the first '\n' in s[0..n), or NULL (k_find3()) */
static inline const char *
k_find_nl(const char *s, size_t n)
{
	return k_find3(s, n, '\n', '\n', '\n');
}

#endif

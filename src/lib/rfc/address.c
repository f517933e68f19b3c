/*
 * NAME
 *	address - find and check e-mail addresses in free text
 * DESCRIPTION
 *	addr_find() prefers an address in angle brackets, then the first
 *	word holding an "@" with something on both sides. Surrounding quotes,
 *	brackets and sentence punctuation are not part of the address, nor
 *	CJK text glued to a dotted ASCII domain ("a@example.jp様"); a
 *	quoted local part ("john doe"@example.org) is kept whole. Nothing is
 *	lower-cased: local parts are case-sensitive in principle, and the
 *	store folds case where it compares.
 */
#include "rfc5322.h"
#include "../../util/str.h"

/* atom_char - may c appear in an unquoted address: a table, as it runs per byte */
static const unsigned char atom_tab[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1,
	['+'] = 1, ['-'] = 1, ['/'] = 1, ['='] = 1, ['?'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1, ['.'] = 1, ['@'] = 1,
	['['] = 1, [']'] = 1, [':'] = 1,
	[0x80 ... 0xff] = 1,	/* UTF-8 (RFC 6531) */
};

static inline int
atom_char(unsigned char c)
{
	return atom_tab[c];
}

/* trim_addr - drop sentence punctuation around a candidate */
static void
trim_addr(const char **a, size_t *n)
{
	while (*n > 0 && strchr("'\".,;:([{", **a) != NULL && **a != '\0') {
		(*a)++;
		(*n)--;
	}
	while (*n > 0 && strchr("'\".,;:)]}", (*a)[*n - 1]) != NULL && (*a)[*n - 1] != '\0') {
		/* "[192.0.2.1]" domain literal keeps its bracket. */
		if ((*a)[*n - 1] == ']' && memchr(*a, '[', *n) != NULL &&
		    memchr(*a, '@', *n) != NULL &&
		    (const char *)memchr(*a, '[', *n) > (const char *)memchr(*a, '@', *n))
			break;
		(*n)--;
	}
}

/* addr_valid - local@domain with both sides present and sane */
int
addr_valid(const char *s, size_t n)
{
	const char *at;
	size_t	    i;

	if (n < 3 || n > 320)
		return 0;
	at = memrchr(s, '@', n);
	if (at == NULL || at == s || at == s + n - 1)
		return 0;
	/* No blank, control byte, '<', '>', ',' or ';' (a quoted local part may hold them). */
	if (s[0] != '"') {
		i = 0;
#if defined(__SSE2__)
		for (; i + 16 <= n; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i bad = _mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(' ')), _mm_set1_epi8(' ')),
				_mm_cmpeq_epi8(x, _mm_set1_epi8('<'))),
			    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('>')), _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
				_mm_cmpeq_epi8(x, _mm_set1_epi8(';'))));
			if (_mm_movemask_epi8(bad) != 0)
				return 0;
		}
#endif
		for (; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';')
				return 0;
		}
	}
	/* The domain has no blanks and does not start or end with a dot. */
	if (at[1] == '.' || s[n - 1] == '.')
		return 0;
	return 1;
}

/*
 * addr_find - first address in s; returns 1 with *a and *an set
 *	Linear in n: the next ">" and "@" after a "<" are remembered while
 *	the scan has not passed them, and a word is never extended back
 *	over an "@". (Searching both again from every "<", and reaching
 *	back over every earlier "@" from each "@", made 200 KB of "<" take
 *	a second and 200 KB of "@" a minute and a half.)
 */
int
addr_find(const char *s, size_t n, const char **a, size_t *an)
{
	const char *p, *end = s + n, *gt = NULL, *at = NULL;
	int	    no_at = 0;

	/* 1. <local@domain> */
	for (p = s; p < end; p++) {
		const char *q;
		size_t	    k;

		if ((p = memchr(p, '<', (size_t)(end - p))) == NULL)
			break;
		if (gt == NULL || gt <= p) {
			/* the first ">" after p: still the same while p is before it */
			if ((gt = memchr(p + 1, '>', (size_t)(end - p - 1))) == NULL)
				break;
		}
		q = gt;
		if (!no_at && (at == NULL || at <= p) &&
		    (at = memchr(p + 1, '@', (size_t)(end - p - 1))) == NULL)
			no_at = 1;
		k = (size_t)(q - p - 1);
		if (k > 0 && !no_at && at < q) {
			const char *c = p + 1;
			/* "<mailto:a@b>" and source routes "<@relay:a@b>" */
			if (k > 7 && k_strncaseeq(c, "mailto:", 7))
				c += 7, k -= 7;
			if (k > 0 && c[0] == '@' && memchr(c, ':', k) != NULL) {
				const char *colon = memchr(c, ':', k);
				k -= (size_t)(colon + 1 - c);
				c = colon + 1;
			}
			trim_addr(&c, &k);
			if (addr_valid(c, k)) {
				*a = c;
				*an = k;
				return 1;
			}
		}
	}
	/* 2. a word holding "@" */
	for (p = s; p < end; p++) {
		const char *b, *e;
		size_t	    k;

		if ((p = memchr(p, '@', (size_t)(end - p))) == NULL)
			break;
		b = p;
		/* "[" opens a domain literal, never a local part: "F=[a@b]" */
		while (b > s && atom_char((unsigned char)b[-1]) && b[-1] != '@' && b[-1] != '[')
			b--;
		/* A quoted local part: "john doe"@example.org */
		if (b == p && b > s && b[-1] == '"') {
			const char *qb = b - 1;
			while (qb > s && qb[-1] != '"')
				qb--;
			if (qb > s)
				b = qb - 1;
		}
		e = p + 1;
		while (e < end && atom_char((unsigned char)*e) && *e != '@') {
			/*
			 * Japanese and Chinese text glued to the address
			 * ("a@example.jp様", "a@example.jp您好"): a three-byte
			 * character right after an ASCII letter or digit of
			 * a dotted domain ends it.
			 */
			if ((unsigned char)*e >= 0xe3 && (unsigned char)*e <= 0xef &&
			    k_isalnum((unsigned char)e[-1]) && memchr(p, '.', (size_t)(e - p)) != NULL)
				break;
			e++;
		}
		k = (size_t)(e - b);
		if (b[0] != '"')
			trim_addr(&b, &k);
		/* "rfc822:" or "mailto:" glued before the address */
		{
			const char *colon = memchr(b, ':', k);
			if (colon != NULL && colon < p && b[0] != '"') {
				k -= (size_t)(colon + 1 - b);
				b = colon + 1;
			}
		}
		if (addr_valid(b, k)) {
			*a = b;
			*an = k;
			return 1;
		}
	}
	return 0;
}

/* addr_is_daemon - is the local part a mailer daemon or postmaster */
int
addr_is_daemon(const char *s, size_t n)
{
	static const char *const names[] = {
		"mailer-daemon@", "postmaster@", "mail-daemon@", "mailer_daemon@",
		"maildaemon@", "mailerdaemon@", "mdaemon@", "daemon@",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (k_startswith_ci(s, n, names[i]))
			return 1;
	return 0;
}

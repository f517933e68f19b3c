/*
 * NAME
 *	codec - transfer decodings and UTF-8 helpers
 * DESCRIPTION
 *	The decoders are table driven and make one pass. Bounce mails carry
 *	base64 with stray characters, missing padding and lines cut short,
 *	so nothing here reports an error: the best reading of the bytes is
 *	what a bounce analyzer needs.
 */
#include "codec.h"

/* Base64 alphabet value of each byte, 64 for padding, 255 for junk. */
static const unsigned char b64val[256] = {
#define J 255
	J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J, J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,
	J,J,J,J,J,J,J,J,J,J,J,62,J,62,J,63, 52,53,54,55,56,57,58,59,60,61,J,J,J,64,J,J,
	J,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14, 15,16,17,18,19,20,21,22,23,24,25,J,J,J,J,63,
	J,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40, 41,42,43,44,45,46,47,48,49,50,51,J,J,J,J,J,
	J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J, J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,
	J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J, J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,
	J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J, J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,
	J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J, J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,J,
#undef J
};

/* kc_base64_decode - decode base64 (standard or URL alphabet), skip junk */
void
kc_base64_decode(kstr *out, const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + n;
	unsigned	acc = 0;
	int		bits = 0;

	if (ks_reserve(out, n / 4 * 3 + 3) != 0)
		return;
	for (; p < end; p++) {
		unsigned v;

		/* Whole quanta of four alphabet bytes, three bytes out each: the usual case. */
		while (bits == 0 && end - p >= 4) {
			unsigned a = b64val[p[0]], b = b64val[p[1]], c = b64val[p[2]], d = b64val[p[3]];
			if ((a | b | c | d) > 63)
				break;
			out->p[out->len] = (char)(a << 2 | b >> 4);
			out->p[out->len + 1] = (char)((b & 15) << 4 | c >> 2);
			out->p[out->len + 2] = (char)((c & 3) << 6 | d);
			out->len += 3;
			p += 4;
		}
		if (p == end)
			break;
		v = b64val[*p];

		if (v == 64) {
			/* Padding ends a quantum; another may follow. */
			bits = 0;
			acc = 0;
			continue;
		}
		if (v > 63)
			continue;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->p[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->p[out->len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 32;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* kc_qp_decode - quoted-printable; header mode maps '_' to space (RFC 2047) */
void
kc_qp_decode(kstr *out, const char *in, size_t n, int header)
{
	size_t i;

	if (ks_reserve(out, n) != 0)
		return;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (!header && c != '=') {
			/*
			 * Copy the run up to the next escape: sixteen bytes a
			 * step (the output, never longer than what was read,
			 * has room for them), so that the short runs between
			 * the escapes of an HTML part cost no call each.
			 */
			size_t run;
#if defined(__SSE2__)
			while (i + 16 <= n) {
				__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
				unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('=')));
				_mm_storeu_si128((__m128i *)(void *)(out->p + out->len), x);
				if (m != 0) {
					out->len += __builtin_ctz(m);
					i += __builtin_ctz(m);
					break;
				}
				out->len += 16;
				i += 16;
			}
			if (i + 16 > n || in[i] != '=')
#endif
			{
				const char *eq = memchr(in + i, '=', n - i);
				run = eq ? (size_t)(eq - in) - i : n - i;
				memcpy(out->p + out->len, in + i, run);
				out->len += run;
				i += run;
			}
			if (i >= n)
				break;
			c = in[i];
		}
		if (c == '=' && i + 1 < n) {
			int h, l;

			/* Soft line break: "=" then optional blanks then LF. */
			size_t j = i + 1;
			while (j < n && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j < n && (in[j] == '\n' || in[j] == '\r')) {
				if (in[j] == '\r' && j + 1 < n && in[j + 1] == '\n')
					j++;
				i = j;
				continue;
			}
			if (i + 2 < n && (h = hexval((unsigned char)in[i + 1])) >= 0 &&
			    (l = hexval((unsigned char)in[i + 2])) >= 0) {
				out->p[out->len++] = (char)(h * 16 + l);
				i += 2;
				continue;
			}
		} else if (c == '=' && i + 1 == n)
			continue;	/* soft break at the very end */
		if (header && c == '_')
			c = ' ';
		out->p[out->len++] = c;
	}
	out->p[out->len] = '\0';
}

/* utf8_seq - length of the valid UTF-8 sequence at s, 0 if invalid */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c < 0xf5) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* kc_utf8_valid_prefix - length of the longest valid UTF-8 prefix */
size_t
kc_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		/* Fast path over ASCII: thirty-two bytes at a time, then eight. */
#if defined(__SSE2__)
		while (i + 32 <= n) {
			__m128i x = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + i)),
			    _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)));
			if (_mm_movemask_epi8(x) != 0)
				break;
			i += 32;
		}
#endif
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((k = utf8_seq(p + i, n - i)) == 0)
			return i;
		i += k;
	}
	return n;
}

/* kc_is_ascii - are all bytes below 0x80 (eight at a time) */
int
kc_is_ascii(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t acc = 0, w;
	size_t	 i = 0;

#if defined(__SSE2__)
	__m128i v = _mm_setzero_si128();

	for (; i + 16 <= n; i += 16)
		v = _mm_or_si128(v, _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
	if (_mm_movemask_epi8(v) != 0)
		return 0;
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

/*
 * kc_is_plain - are all bytes below 0x80 and none of them ESC or stop: text
 *	that reads the same in every 8-bit and ISO-2022 charset (16 at a time)
 */
int
kc_is_plain(const char *s, size_t n, char stop)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0;

#if defined(__SSE2__)
	const __m128i esc = _mm_set1_epi8(0x1b), st = _mm_set1_epi8(stop);

	/* Sixty-four bytes a step, one test each: most texts are plain to the end. */
	for (; i + 64 <= n; i += 64) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 32));
		__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 48));
		__m128i x = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d));
		x = _mm_or_si128(x, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, esc), _mm_cmpeq_epi8(b, esc)),
		    _mm_or_si128(_mm_cmpeq_epi8(c, esc), _mm_cmpeq_epi8(d, esc))));
		x = _mm_or_si128(x, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, st), _mm_cmpeq_epi8(b, st)),
		    _mm_or_si128(_mm_cmpeq_epi8(c, st), _mm_cmpeq_epi8(d, st))));
		if (_mm_movemask_epi8(x) != 0)
			return 0;
	}
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		v = _mm_or_si128(v, _mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, st)));
		if (_mm_movemask_epi8(v) != 0)
			return 0;
	}
#endif
	for (; i < n; i++)
		if (p[i] >= 0x80 || p[i] == 0x1b || p[i] == (unsigned char)stop)
			return 0;
	return 1;
}

/* kc_utf8_valid - is the whole range valid UTF-8 */
int
kc_utf8_valid(const char *s, size_t n)
{
	return kc_utf8_valid_prefix(s, n) == n;
}

/* kc_utf8_put - append code point cp as UTF-8 */
void
kc_utf8_put(kstr *out, unsigned cp)
{
	char b[4];

	ks_add(out, b, (size_t)(kc_utf8_at(b, cp) - b));
}

/* kc_utf8_sanitize - append s, each invalid byte replaced by U+FFFD */
void
kc_utf8_sanitize(kstr *out, const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = kc_utf8_valid_prefix(s + i, n - i);
		ks_add(out, s + i, k);
		i += k;
		if (i < n) {
			kc_utf8_put(out, 0xfffd);
			i++;
		}
	}
}

/*
 * kc_unflow - append s, text/plain in format=flowed (RFC 3676), as its
 *	logical lines: a line that ends in a space is soft-broken and joins
 *	the next line of the same quote depth (the space removed too with
 *	delsp, 4.2); the space that stuffs a line starting with a space,
 *	"From " or ">" is removed (4.4); "-- " (a signature's separator)
 *	stays a line of its own. Quote marks ('>' at a line's start) are
 *	written back followed by one space. LF line ends (CR before them
 *	is kept with the line's text, as given).
 */
void
kc_unflow(kstr *out, const char *s, size_t n, int delsp)
{
	const char *end = s + n, *line = s;
	size_t	    open = SIZE_MAX;	/* quote depth of a logical line still open, SIZE_MAX none */

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *e = nl != NULL ? nl : end, *c = line;
		size_t	    q = 0, cn;
		int	    soft;

		while (c < e && *c == '>') {
			c++;
			q++;
		}
		if (c < e && *c == ' ')
			c++;		/* stuffing, or the blank after the quote marks */
		cn = (size_t)(e - c);
		soft = cn > 0 && c[cn - 1] == ' ' && !(cn == 3 && memcmp(c, "-- ", 3) == 0);
		if (open != SIZE_MAX && open != q)
			ks_addc(out, '\n');	/* the depth changed: the open line ends */
		if (open != q) {
			size_t k;
			for (k = 0; k < q; k++)
				ks_addc(out, '>');
			if (q > 0 && cn > 0)
				ks_addc(out, ' ');
		}
		ks_add(out, c, soft && delsp ? cn - 1 : cn);
		if (soft) {
			open = q;
		} else {
			open = SIZE_MAX;
			if (nl != NULL)
				ks_addc(out, '\n');
		}
		line = nl != NULL ? nl + 1 : end;
	}
	if (open != SIZE_MAX)
		ks_addc(out, '\n');
}

/*
 * NAME
 *	sha1 - SHA-1 digest (FIPS 180-4) for record tokens
 * DESCRIPTION
 *	Eighty lines instead of a crypto library dependency: the core
 *	library stays free of everything but libc and iconv.
 */
#include "sha1.h"

#include <string.h>

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

void
ksha1_block_c(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int	 i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	/* Four loops of twenty rounds: no branch inside a round. */
#define ROUND(f, k) do { \
		t = ROL(a, 5) + (f) + e + (k) + w[i]; \
		e = d; d = c; c = ROL(b, 30); b = a; a = t; \
	} while (0)
	for (i = 0; i < 20; i++)
		ROUND((b & c) | (~b & d), 0x5a827999u);
	for (; i < 40; i++)
		ROUND(b ^ c ^ d, 0x6ed9eba1u);
	for (; i < 60; i++)
		ROUND((b & c) | (b & d) | (c & d), 0x8f1bbcdcu);
	for (; i < 80; i++)
		ROUND(b ^ c ^ d, 0xca62c1d6u);
#undef ROUND
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

/*
 * GCC's __builtin_cpu_supports() knows "sha" (it reads the CPU model
 * libgcc filled at start, no cpuid per call); clang 14's does not, so
 * clang builds take the portable rounds.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

/*
 * The same block with the x86 SHA extensions: four rounds per
 * instruction, ten times fewer instructions than the loops above. Group
 * g (rounds 4g..4g+3) takes message words W[g], built from the four
 * before it, and E from the state before the previous group.
 */
__attribute__((target("sha,sse4.1"))) static void
block_ni(uint32_t h[5], const uint8_t *p)
{
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i	      abcd, abcd0, e0, e, prev, w[4];

	abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
	e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
	abcd0 = abcd;
	prev = abcd;
#define LOAD(g) w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * (g))), swap)
#define NEXT(g) w[(g) & 3] = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32(w[(g) & 3], \
	    w[((g) + 1) & 3]), w[((g) + 2) & 3]), w[((g) + 3) & 3])
#define GROUP(g, f) do { \
		e = (g) == 0 ? _mm_add_epi32(e0, w[0]) : _mm_sha1nexte_epu32(prev, w[(g) & 3]); \
		prev = abcd; \
		abcd = _mm_sha1rnds4_epu32(abcd, e, f); \
	} while (0)
	LOAD(0); GROUP(0, 0);
	LOAD(1); GROUP(1, 0);
	LOAD(2); GROUP(2, 0);
	LOAD(3); GROUP(3, 0);
	NEXT(4); GROUP(4, 0);
	NEXT(5); GROUP(5, 1); NEXT(6); GROUP(6, 1); NEXT(7); GROUP(7, 1);
	NEXT(8); GROUP(8, 1); NEXT(9); GROUP(9, 1);
	NEXT(10); GROUP(10, 2); NEXT(11); GROUP(11, 2); NEXT(12); GROUP(12, 2);
	NEXT(13); GROUP(13, 2); NEXT(14); GROUP(14, 2);
	NEXT(15); GROUP(15, 3); NEXT(16); GROUP(16, 3); NEXT(17); GROUP(17, 3);
	NEXT(18); GROUP(18, 3); NEXT(19); GROUP(19, 3);
#undef LOAD
#undef NEXT
#undef GROUP
	e = _mm_sha1nexte_epu32(prev, e0);
	abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd0), 0x1b);
	_mm_storeu_si128((__m128i *)(void *)h, abcd);
	h[4] = (uint32_t)_mm_extract_epi32(e, 3);
}

int
ksha1_block_ni(uint32_t h[5], const uint8_t *p)
{
	if (!__builtin_cpu_supports("sha") || !__builtin_cpu_supports("sse4.1"))
		return 0;
	block_ni(h, p);
	return 1;
}
#else
int
ksha1_block_ni(uint32_t h[5], const uint8_t *p)
{
	(void)h;
	(void)p;
	return 0;
}
#endif

/* block - one 64-byte block into the state, by the fastest way this CPU has */
static void
block(ksha1 *s, const uint8_t *p)
{
	if (!ksha1_block_ni(s->h, p))
		ksha1_block_c(s->h, p);
}

/* ksha1_init - start a digest */
void
ksha1_init(ksha1 *s)
{
	s->h[0] = 0x67452301;
	s->h[1] = 0xefcdab89;
	s->h[2] = 0x98badcfe;
	s->h[3] = 0x10325476;
	s->h[4] = 0xc3d2e1f0;
	s->len = 0;
	s->nbuf = 0;
}

/* ksha1_update - add n bytes */
void
ksha1_update(ksha1 *s, const void *p, size_t n)
{
	const uint8_t *q = p;

	s->len += n;
	while (n > 0) {
		size_t k = 64 - s->nbuf;
		if (k > n)
			k = n;
		memcpy(s->buf + s->nbuf, q, k);
		s->nbuf += k;
		q += k;
		n -= k;
		if (s->nbuf == 64) {
			block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

/* ksha1_hex - finish and write 40 lower-case hex digits and a NUL */
void
ksha1_hex(ksha1 *s, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t bits = s->len * 8;
	int	 i;

	/* 0x80, zeros to 56 bytes of the last block, the length in bits. */
	s->buf[s->nbuf++] = 0x80;
	if (s->nbuf > 56) {
		memset(s->buf + s->nbuf, 0, 64 - s->nbuf);
		block(s, s->buf);
		s->nbuf = 0;
	}
	memset(s->buf + s->nbuf, 0, 56 - s->nbuf);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	block(s, s->buf);
	for (i = 0; i < 20; i++) {
		uint8_t b = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	out[40] = '\0';
}

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

static void
block(ksha1 *s, const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int	 i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4];
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
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
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

/*
 * NAME
 *	sha1 - SHA-1 digest (FIPS 180-4) for record tokens
 * SUMMARY
 *	Tokens are SHA-1 so that they equal Sisimai's for the same inputs;
 *	they identify records, they protect nothing.
 */
#ifndef KAERU_UTIL_SHA1_H
#define KAERU_UTIL_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct ksha1 {
	uint32_t h[5];
	uint64_t len;
	uint8_t	 buf[64];
	size_t	 nbuf;
} ksha1;

void	ksha1_init(ksha1 *s);
void	ksha1_update(ksha1 *s, const void *p, size_t n);
void	ksha1_hex(ksha1 *s, char out[41]);

/* One block into state h, portably; and with the CPU's SHA instructions
 * when it has them (returns 0, h untouched, when it has not). */
void	ksha1_block_c(uint32_t h[5], const uint8_t *p);
int	ksha1_block_ni(uint32_t h[5], const uint8_t *p);

#endif

/*
 * NAME
 *	kmap - strings to numbers, for the store's one-pass work
 * DESCRIPTION
 *	Open addressing on 64-bit FNV-1a hashes (0 marks an empty slot), the
 *	keys copied into one pool. Used by list cleaning (sets of addresses
 *	and domains) and by the batch ingest (addresses, events, domains).
 *	Nothing is ever removed; kmap_free() releases everything.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* hash - FNV-1a, never 0 */
static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

/* grow - double the table */
static int
grow(struct kmap *m)
{
	size_t	  ncap = m->cap ? m->cap * 2 : 256, i;
	uint64_t *nh = calloc(ncap, sizeof(*nh));
	size_t	 *no = calloc(ncap, sizeof(*no)), *nv = calloc(ncap, sizeof(*nv));

	if (nh == NULL || no == NULL || nv == NULL) {
		free(nh);
		free(no);
		free(nv);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;
		if (m->h[i] == 0)
			continue;
		for (j = m->h[i] & (ncap - 1); nh[j] != 0; j = (j + 1) & (ncap - 1))
			;
		nh[j] = m->h[i];
		no[j] = m->off[i];
		nv[j] = m->val[i];
	}
	free(m->h);
	free(m->off);
	free(m->val);
	m->h = nh;
	m->off = no;
	m->val = nv;
	m->cap = ncap;
	return 0;
}

/* slot - the slot of key k, or the empty slot where it would go */
static size_t
slot(const struct kmap *m, uint64_t h, const char *k, size_t n)
{
	size_t j;

	for (j = h & (m->cap - 1); m->h[j] != 0; j = (j + 1) & (m->cap - 1))
		if (m->h[j] == h && memcmp(m->pool.p + m->off[j], k, n) == 0 &&
		    m->pool.p[m->off[j] + n] == '\0')
			break;
	return j;
}

/* kmap_find - 1 and *val when k[0..n) is in the map, else 0 */
int
kmap_find(const struct kmap *m, const char *k, size_t n, size_t *val)
{
	size_t j;

	if (m->cap == 0)
		return 0;
	j = slot(m, hash(k, n), k, n);
	if (m->h[j] == 0)
		return 0;
	if (val != NULL)
		*val = m->val[j];
	return 1;
}

/* kmap_add - add k with val: 1 when new, 0 when present (*val then holds its value), -1 out of memory */
int
kmap_add(struct kmap *m, const char *k, size_t n, size_t *val)
{
	uint64_t h = hash(k, n);
	size_t	 j;

	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	j = slot(m, h, k, n);
	if (m->h[j] != 0) {
		*val = m->val[j];
		return 0;
	}
	m->h[j] = h;
	m->off[j] = m->pool.len;
	m->val[j] = *val;
	ks_add(&m->pool, k, n);
	ks_addc(&m->pool, '\0');
	if (!ks_ok(&m->pool))
		return -1;
	m->n++;
	return 1;
}

/* kmap_free - release a map; it is empty and usable again */
void
kmap_free(struct kmap *m)
{
	free(m->h);
	free(m->off);
	free(m->val);
	ks_dispose(&m->pool);
	memset(m, 0, sizeof(*m));
}

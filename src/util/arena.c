/*
 * NAME
 *	arena - bump allocator for one parse
 * DESCRIPTION
 *	Chunks are linked newest first. A request larger than a quarter of
 *	the default chunk size gets a chunk of its own so that one 50 MB part
 *	does not waste a normal chunk. ka_reset() frees every chunk but the
 *	oldest normal-sized one, which is reused.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KA_SPARE	16	/* normal chunks kept across resets: 1 MiB */

struct ka_chunk {
	ka_chunk *next;
	size_t	  size;		/* usable bytes after the header */
	max_align_t data[];
};

/* empty - no head chunk, nothing handed out: the whole limit is room again */
static void
empty(karena *a)
{
	a->head = NULL;
	a->next = a->end = NULL;
	a->room = a->limit != 0 ? a->limit : SIZE_MAX;
}

/* ka_init - prepare an empty arena; limit 0 means unbounded */
void
ka_init(karena *a, size_t limit)
{
	a->limit = limit;
	a->spare = NULL;
	a->nspare = 0;
	empty(a);
}

/* ka_dispose - free every chunk; the arena may be reused after ka_init */
void
ka_dispose(karena *a)
{
	ka_chunk *c, *n;

	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	for (c = a->spare; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	a->spare = NULL;
	a->nspare = 0;
	empty(a);
}

/* ka_reset - forget all allocations; keep normal chunks (up to KA_SPARE) for reuse */
void
ka_reset(karena *a)
{
	ka_chunk *c, *n;

	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		if (c->size == KA_CHUNK - sizeof(ka_chunk) && a->nspare < KA_SPARE) {
			c->next = a->spare;
			a->spare = c;
			a->nspare++;
		} else
			free(c);
	}
	empty(a);
}

/* new_chunk - link a chunk able to hold n bytes; NULL on failure */
static ka_chunk *
new_chunk(karena *a, size_t n, int own)
{
	ka_chunk *c;
	size_t	  size;

	if (own) {
		if (n > SIZE_MAX - sizeof(ka_chunk))
			return NULL;
		size = n;
	} else
		size = KA_CHUNK - sizeof(ka_chunk);
	if (!own && a->spare != NULL) {
		c = a->spare;
		a->spare = c->next;
		a->nspare--;
	} else if ((c = malloc(sizeof(ka_chunk) + size)) == NULL)
		return NULL;
	c->size = size;
	if (own && a->head != NULL) {
		/* Behind the head so that the head keeps filling. */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
		/*
		 * A chunk of its own is all taken by its one block: as the head
		 * it must look full, or the next small block would be carved
		 * out of it, over the big one.
		 */
		a->end = (char *)c->data + size;
		a->next = own ? a->end : (char *)c->data;
	}
	return c;
}

/* ka_alloc_slow - ka_alloc() when the block does not fit the head chunk, is large, or is 0 bytes */
void *
ka_alloc_slow(karena *a, size_t n)
{
	ka_chunk *c;
	size_t	  need;
	char	 *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - KA_ALIGN)
		return NULL;
	need = (n + KA_ALIGN - 1) & ~(size_t)(KA_ALIGN - 1);
	if (need > a->room)
		return NULL;
	a->room -= need;
	if (need > KA_CHUNK / 4) {
		if ((c = new_chunk(a, need, 1)) == NULL)
			return NULL;
		return c->data;
	}
	if (a->head == NULL || (size_t)(a->end - a->next) < need) {
		if (new_chunk(a, need, 0) == NULL)
			return NULL;
	}
	p = a->next;
	a->next += need;
	return p;
}

/* ka_calloc - zeroed array of n elements, overflow-checked */
void *
ka_calloc(karena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	if ((p = ka_alloc(a, n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

/* ka_grow - resize an arena block: copies, the old block is abandoned */
void *
ka_grow(karena *a, void *old, size_t oldn, size_t newn)
{
	void *p;

	if ((p = ka_alloc(a, newn)) == NULL)
		return NULL;
	if (old != NULL && oldn != 0)
		memcpy(p, old, oldn < newn ? oldn : newn);
	return p;
}

/* ka_strndup - NUL-terminated copy of n bytes */
char *
ka_strndup(karena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = ka_alloc(a, n + 1)) == NULL)
		return NULL;
	if (n != 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ka_strdup - NUL-terminated copy of s */
char *
ka_strdup(karena *a, const char *s)
{
	return ka_strndup(a, s, strlen(s));
}

/* ka_concat - NUL-terminated concatenation of two byte ranges */
char *
ka_concat(karena *a, const char *s1, size_t n1, const char *s2, size_t n2)
{
	char *p;

	if (n2 >= SIZE_MAX - 1 || n1 > SIZE_MAX - n2 - 1 || (p = ka_alloc(a, n1 + n2 + 1)) == NULL)
		return NULL;
	memcpy(p, s1, n1);
	memcpy(p + n1, s2, n2);
	p[n1 + n2] = '\0';
	return p;
}

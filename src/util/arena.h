/*
 * NAME
 *	arena - bump allocator for one parse
 * SUMMARY
 *	All memory of one parsed mail (headers, decoded parts, records) comes
 *	from one arena and is released in one call. ka_reset() keeps up to a
 *	megabyte of normal chunks for reuse, so that a parser reused over many
 *	mails stops calling malloc (and the system stops trimming the heap).
 * OWNERSHIP
 *	Pointers returned by ka_*() belong to the arena; never free() them.
 *	Every allocator returns NULL when the system is out of memory or a
 *	size overflows; callers propagate KAERU_ENOMEM.
 */
#ifndef KAERU_UTIL_ARENA_H
#define KAERU_UTIL_ARENA_H

#include <stddef.h>

typedef struct ka_chunk ka_chunk;

typedef struct karena {
	ka_chunk *head;		/* chunk being filled */
	char	 *next, *end;	/* its free bytes */
	size_t	  room;		/* bytes the limit still allows (SIZE_MAX: no limit) */
	size_t	  limit;	/* refuse to grow past this (0: no limit) */
	ka_chunk *spare;	/* normal chunks kept by ka_reset() for reuse */
	size_t	  nspare;
} karena;

#define KA_CHUNK	(64 * 1024)	/* a normal chunk, header included */
#define KA_ALIGN	16

void	 ka_init(karena *a, size_t limit);
void	 ka_reset(karena *a);
void	 ka_dispose(karena *a);
void	*ka_alloc_slow(karena *a, size_t n);
void	*ka_calloc(karena *a, size_t n, size_t size);
char	*ka_strndup(karena *a, const char *s, size_t n);
char	*ka_strdup(karena *a, const char *s);
char	*ka_concat(karena *a, const char *s1, size_t n1, const char *s2,
	    size_t n2);
void	*ka_grow(karena *a, void *old, size_t oldn, size_t newn);

/*
 * ka_alloc - n bytes aligned to 16; NULL on overflow, limit or ENOMEM
 *	Inline for the usual case, a small block that fits in the head
 *	chunk and under the limit (a parse makes dozens); anything else,
 *	and a size of 0, goes to ka_alloc_slow().
 */
static inline void *
ka_alloc(karena *a, size_t n)
{
	if (n - 1 < KA_CHUNK / 4) {
		size_t need = (n + KA_ALIGN - 1) & ~(size_t)(KA_ALIGN - 1);
		if (need <= (size_t)(a->end - a->next) && need <= a->room) {
			void *p = a->next;
			a->next += need;
			a->room -= need;
			return p;
		}
	}
	return ka_alloc_slow(a, n);
}

#endif

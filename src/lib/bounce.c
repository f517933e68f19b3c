/*
 * NAME
 *	bounce - record list helpers shared by all decoders
 */
#include "bounce.h"
#include "rfc/rfc5322.h"

/* kb_add - a new empty record in the arena; NULL on ENOMEM */
struct kds *
kb_add(struct kmsg *m, struct kbounce *b)
{
	struct kds *d;

	if (b->n == b->cap) {
		size_t	    ncap = b->cap ? b->cap * 2 : 4;
		struct kds *nv = ka_grow(m->a, b->ds, b->n * sizeof(*nv), ncap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		b->ds = nv;
		b->cap = ncap;
	}
	d = &b->ds[b->n++];
	memset(d, 0, sizeof(*d));
	d->hardbounce = -1;
	return d;
}

/* kb_last - the last record, creating the first one on demand */
struct kds *
kb_last(struct kmsg *m, struct kbounce *b)
{
	return b->n ? &b->ds[b->n - 1] : kb_add(m, b);
}

/* kb_drop_empty - compact away records without a recipient */
void
kb_drop_empty(struct kbounce *b)
{
	size_t i, j = 0;

	for (i = 0; i < b->n; i++)
		if (b->ds[i].recipient != NULL && b->ds[i].recipient[0] != '\0')
			b->ds[j++] = b->ds[i];
	b->n = j;
}

/* kb_str - arena copy of s[0..n) */
char *
kb_str(struct kmsg *m, const char *s, size_t n)
{
	return ka_strndup(m->a, s, n);
}

/* kb_trimmed - arena copy without surrounding white space */
char *
kb_trimmed(struct kmsg *m, const char *s, size_t n)
{
	k_trim(&s, &n);
	return ka_strndup(m->a, s, n);
}

/* kb_append - old + " " + s (old may be NULL or empty) */
char *
kb_append(struct kmsg *m, const char *old, const char *s, size_t n)
{
	size_t on;

	k_trim(&s, &n);
	if (old == NULL || old[0] == '\0')
		return ka_strndup(m->a, s, n);
	if (n == 0)
		return (char *)old;
	on = strlen(old);
	{
		char *r = ka_alloc(m->a, on + n + 2);
		if (r == NULL)
			return (char *)old;
		memcpy(r, old, on);
		r[on] = ' ';
		memcpy(r + on + 1, s, n);
		r[on + n + 1] = '\0';
		return r;
	}
}

/* kb_addr - arena copy of the first address in s[0..n), or NULL */
char *
kb_addr(struct kmsg *m, const char *s, size_t n)
{
	const char *a;
	size_t	    an;

	if (!addr_find(s, n, &a, &an))
		return NULL;
	return ka_strndup(m->a, a, an);
}

/*
 * NAME
 *	bounce - record list helpers shared by all decoders
 */
#include "bounce.h"
#include "rfc/rfc5322.h"

/* kb_add - a new empty record in the arena (the spare one past max_records); NULL on ENOMEM */
struct kds *
kb_add(struct kmsg *m, struct kbounce *b)
{
	struct kds *d;

	if (b->overflow || (m->lim != NULL && m->lim->max_records != 0 && b->n >= m->lim->max_records)) {
		b->overflow = 1;
		d = &b->spare;
		memset(d, 0, sizeof(*d));
		d->hardbounce = -1;
		return d;
	}
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
	if (b->overflow)
		return &b->spare;
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

/*
 * kb_append - old + " " + s (old may be NULL or empty)
 *	Decoders call this once per line of a multi-line diagnosis, and each
 *	call copies old: unbounded, a mail of many short lines costs time and
 *	arena memory quadratic in its length (a 60 KB fuzzed qmail bounce took
 *	seconds). So a result stops growing at KB_APPEND_MAX bytes, all results
 *	of one mail together may use KB_APPEND_BUDGET bytes of arena, and the
 *	length of the last result is remembered so that the next call on it
 *	does not measure it again. The mail is marked truncated when a limit
 *	cuts text. old itself is never modified: callers may share it.
 */
#define KB_APPEND_MAX		8192
#define KB_APPEND_BUDGET	((size_t)16 << 20)
char *
kb_append(struct kmsg *m, const char *old, const char *s, size_t n)
{
	size_t on;
	char  *r;

	k_trim(&s, &n);
	if (n == 0 && old != NULL)
		return (char *)old;
	if (old == NULL || old[0] == '\0') {
		on = 0;
	} else if (old == m->app_last) {
		on = m->app_len;
	} else {
		on = strnlen(old, KB_APPEND_MAX + 1);
	}
	if (on >= KB_APPEND_MAX) {
		m->truncated = 1;
		return (char *)old;
	}
	if (n > KB_APPEND_MAX - on) {
		n = KB_APPEND_MAX - on;
		m->truncated = 1;
	}
	if (m->app_total > KB_APPEND_BUDGET) {
		m->truncated = 1;
		return (char *)(old != NULL ? old : "");
	}
	if (on == 0) {
		r = ka_strndup(m->a, s, n);
		if (r == NULL)
			return (char *)old;
		m->app_len = n;
	} else {
		if ((r = ka_alloc(m->a, on + n + 2)) == NULL)
			return (char *)old;
		memcpy(r, old, on);
		r[on] = ' ';
		memcpy(r + on + 1, s, n);
		r[on + n + 1] = '\0';
		m->app_len = on + n + 1;
	}
	m->app_last = r;
	m->app_total += m->app_len + 1;
	return r;
}

/*
 * kb_unfold - after km_nextline() gave a field's line, join the
 *	continuation lines that follow it (lines that begin with a blank:
 *	folding, RFC 5322 2.2.3, as in any header block, which the fields of
 *	delivery-status and feedback reports are) with one space each:
 *	"Final-Recipient:" then " rfc822; a@b" on the next line is one
 *	field. *cur moves past them; a line of blanks ends the field, as an
 *	empty one does. Returns 1 when lines were joined (*line is then an
 *	arena copy), 0 when the field is one line (most are: no copy).
 */
int
kb_unfold(struct kmsg *m, const char **cur, const char *end, const char **line, size_t *len)
{
	const char *next, *c;
	size_t	    cn;
	char	   *all;

	if (*cur >= end || !k_isblank((unsigned char)**cur))
		return 0;
	all = kb_append(m, NULL, *line, *len);
	for (;;) {
		next = *cur;
		if (next >= end || !k_isblank((unsigned char)*next) || !km_nextline(&next, end, &c, &cn))
			break;
		k_trim(&c, &cn);
		if (cn == 0)
			break;
		all = kb_append(m, all, c, cn);
		*cur = next;
	}
	if (all == NULL)
		return 0;
	*line = all;
	*len = strlen(all);
	return 1;
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

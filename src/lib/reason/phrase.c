/*
 * NAME
 *	phrase - one-pass phrase matching over compiled automata
 * DESCRIPTION
 *	The scan records where fragments end in a bounded list (the texts
 *	are diagnostics of a few hundred bytes; past PH_MAX_OCC occurrences
 *	later ones are ignored, which only loses matches, never memory).
 *	Each occurrence of a fragment that begins some phrase triggers a
 *	check of that phrase's later pieces, straight against the text:
 *	a one-word gap skips one run of non-space bytes, a glued gap tries
 *	each end of such a run, an any-text gap looks for the piece in the
 *	occurrence list. Matching is case-insensitive for ASCII.
 *
 *	Those checks branch: a glued gap tries every end of a run, an
 *	any-text gap every later occurrence, and each try checks the rest
 *	of the phrase. On a diagnostic made of one long run of "<a@b>" the
 *	phrases "<*>" and "<*@" took minutes (80 KB: six minutes of CPU).
 *	So a glued word is at most PH_GLUE_MAX bytes, and one ph_match()
 *	makes at most PH_MAX_STEPS checks: past that, later tries fail,
 *	which again only loses matches (none in the corpus), never time.
 */
#include "phrase.h"
#include "../../util/str.h"

#include <stdlib.h>
#include <string.h>

#define PH_MAX_OCC	512
#define PH_GLUE_MAX	256		/* bytes of a glued word */
#define PH_MAX_STEPS	(1u << 18)	/* checks per ph_match() */

struct occ {
	uint16_t frag;
	uint32_t end;		/* one past the last byte */
};

/*
 * The occurrences again, as keys frag << 32 | end in ascending order: the
 * occurrences of one fragment form a sorted run, found by binary search.
 */
struct byfrag {
	const uint64_t *k;
	size_t		n;
};

/* lower_bound - first key >= want, or b->n */
static size_t
lower_bound(const struct byfrag *b, uint64_t want)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->k[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* cmp_key - qsort order of two keys */
static int
cmp_key(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* sort_keys - ascending: insertion for the usual short lists, else qsort */
static void
sort_keys(uint64_t *k, size_t n)
{
	size_t i, j;

	if (n > 32) {
		qsort(k, n, sizeof(k[0]), cmp_key);
		return;
	}
	for (i = 1; i < n; i++) {
		uint64_t v = k[i];
		for (j = i; j > 0 && k[j - 1] > v; j--)
			k[j] = k[j - 1];
		k[j] = v;
	}
}

/* at - does fragment f occur at s[pos] */
static int
at(const struct ph_automaton *a, const char *s, size_t n, size_t pos, unsigned f)
{
	size_t len = a->frag_len[f];

	return pos + len <= n && k_memeq_ci(s + pos, a->frag[f], len);
}

/* any_only - are pieces k.. of rule r all "any text" gaps */
static int
any_only(const struct ph_automaton *a, const struct ph_rule *r, unsigned k)
{
	for (; k < r->npieces; k++)
		if (a->pieces[r->first + k].gap != 2)
			return 0;
	return 1;
}

/* rest - do pieces k.. of rule r match from position pos (end of piece k-1) */
static int
rest(const struct ph_automaton *a, const struct ph_rule *r, unsigned k,
    const char *s, size_t n, size_t pos, const struct byfrag *b, unsigned *steps)
{
	const struct ph_piece *pc;
	size_t	 i, p, len;
	uint64_t fk;

	if (k == r->npieces)
		return 1;
	if (*steps == 0)
		return 0;
	(*steps)--;
	pc = &a->pieces[r->first + k];
	len = a->frag_len[pc->frag];
	fk = (uint64_t)pc->frag << 32;
	switch (pc->gap) {
	case 1:
		/* " word " then the piece, which starts with the space. */
		if (pos >= n || s[pos] != ' ')
			return 0;
		p = pos + 1;
		if (p >= n || s[p] == ' ')
			return 0;
		while (p < n && s[p] != ' ')
			p++;
		if (!at(a, s, n, p, pc->frag))
			return 0;
		return rest(a, r, k + 1, s, n, p + len, b, steps);
	case 3:
		/*
		 * A glued run of non-space bytes, the shortest that works: the
		 * piece is one of the recorded occurrences that starts within
		 * PH_GLUE_MAX bytes after pos with no blank in between.
		 */
		for (i = lower_bound(b, fk | (pos + len + 1)); i < b->n && (b->k[i] >> 32) == pc->frag; i++) {
			size_t end = (uint32_t)b->k[i], st = end - len;
			if (st > pos + PH_GLUE_MAX || memchr(s + pos, ' ', st - pos) != NULL)
				return 0;	/* occurrences come in order: none later fits */
			if (*steps == 0)
				return 0;
			(*steps)--;
			if (rest(a, r, k + 1, s, n, end, b, steps))
				return 1;
		}
		return 0;
	default:
		/*
		 * Any text: some later occurrence of the piece. When only
		 * any-text gaps follow, the earliest occurrence is the best
		 * one: if it fails, every later one fails too.
		 */
		for (i = lower_bound(b, fk | (pos + len)); i < b->n && (b->k[i] >> 32) == pc->frag; i++) {
			if (rest(a, r, k + 1, s, n, (uint32_t)b->k[i], b, steps))
				return 1;
			if (*steps == 0 || any_only(a, r, k + 1))
				return 0;
		}
		return 0;
	}
}

/* ph_match - run automaton a over s[0..n), fill r */
void
ph_match(const struct ph_automaton *a, const char *s, size_t n, struct ph_result *r)
{
	struct occ occ[PH_MAX_OCC];
	uint64_t   keys[PH_MAX_OCC];
	struct byfrag b;
	size_t	   nocc = 0, i, j;
	uint32_t   st = 0;
	unsigned   steps = PH_MAX_STEPS;
	uint8_t	   failed[512];	/* rules (by id, the first 4096) known not to match */
	const unsigned char *p = (const unsigned char *)s;

	memset(failed, 0, sizeof(failed));
	r->tags = 0;
	for (i = 0; i < PH_MAX_TAGS; i++)
		r->rule[i] = -1;
	for (i = 0; i < n; i++) {
		unsigned c = a->cls[p[i]];

		for (;;) {
			uint32_t w = a->state[2 * st], f = a->state[2 * st + 1];
			if (f & PH_CHAIN) {
				if (w == c) {
					st++;
					break;
				}
			} else {
				uint32_t t = a->trans[w + c];
				if (t >> 16 == st) {
					st = t & 0xffff;
					break;
				}
			}
			st = f & PH_FAIL;	/* the root has a full row: this ends */
		}
		if (!(a->state[2 * st + 1] & PH_OUT))
			continue;
		for (j = a->out_off[st]; j < a->out_off[st + 1] && nocc < PH_MAX_OCC; j++) {
			occ[nocc].frag = a->out[j];
			occ[nocc].end = (uint32_t)(i + 1);
			nocc++;
		}
	}
	for (i = 0; i < nocc; i++)
		keys[i] = (uint64_t)occ[i].frag << 32 | occ[i].end;
	sort_keys(keys, nocc);
	b.k = keys;
	b.n = nocc;
	for (i = 0; i < nocc; i++) {
		unsigned f = occ[i].frag;

		for (j = a->first_off[f]; j < a->first_off[f + 1]; j++) {
			unsigned		 rid = a->first[j];
			const struct ph_rule	*rl = &a->rules[rid];

			if (rl->tag >= PH_MAX_TAGS)
				continue;
			if (r->rule[rl->tag] >= 0 && (unsigned)r->rule[rl->tag] <= rid)
				continue;
			/* A rule of any-text gaps failed from its earliest start: done. */
			if (rid < sizeof(failed) * 8 && (failed[rid / 8] >> (rid % 8)) & 1)
				continue;
			if (rest(a, rl, 1, s, n, occ[i].end, &b, &steps)) {
				/* Keep the earliest rule of the table for each tag. */
				if (r->rule[rl->tag] < 0)
					r->pos[rl->tag] = occ[i].end - a->frag_len[f];
				r->rule[rl->tag] = (int32_t)rid;
				r->tags |= (uint64_t)1 << rl->tag;
			} else if (rid < sizeof(failed) * 8 && any_only(a, rl, 1))
				failed[rid / 8] |= (uint8_t)(1u << (rid % 8));
		}
	}
}

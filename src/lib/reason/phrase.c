/*
 * NAME
 *	phrase - one-pass phrase matching over compiled tables
 * DESCRIPTION
 *	The scan maps the text to byte classes and reads, at each byte, the
 *	classes of the next eight as a gram. Where a gram's hash bit is set
 *	in the table's maps (one for the first eight bytes of fragments,
 *	one for the first four of shorter ones), the fragments of that
 *	bucket are compared with the text from there; fragments under four
 *	bytes are compared where their first byte's class is flagged. Each
 *	byte thus costs a few independent loads and no chain of state
 *	lookups, and the tables a scan touches are a few kilobytes. The
 *	occurrences (fragment, end) are kept in the order of their ends,
 *	then of fragment ids, in a bounded list (the texts are diagnostics
 *	of a few hundred bytes; past PH_MAX_OCC occurrences the later ones
 *	are ignored, which only loses matches, never memory).
 *
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

#define PH_GLUE_MAX	256		/* bytes of a glued word */
#define PH_MAX_STEPS	(1u << 18)	/* checks per ph_match() */

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

/*
 * found - keep occurrence key (end << 16 | fragment) among the first
 *	PH_MAX_OCC in key order; once the list is full (*full) it is sorted
 *	and a key takes the last one's place only when it sorts before it.
 */
static void
found(uint64_t *ok, size_t *nocc, int *full, uint64_t key)
{
	size_t i;

	if (*nocc < PH_MAX_OCC) {
		ok[(*nocc)++] = key;
		return;
	}
	if (!*full) {
		sort_keys(ok, PH_MAX_OCC);
		*full = 1;
	}
	if (key >= ok[PH_MAX_OCC - 1])
		return;
	for (i = PH_MAX_OCC - 1; i > 0 && ok[i - 1] > key; i--)
		ok[i] = ok[i - 1];
	ok[i] = key;
}

/* popcount64 - set bits of x (no POPCNT instruction assumed) */
static inline unsigned
popcount64(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/*
 * hash8, hash4 - the bits that a gram's first eight and first four
 *	classes hash to, for maps of 64 - shift and 32 - shift bits
 */
static inline uint64_t
hash8(uint64_t g, unsigned shift)
{
	return (g * PH_GRAM_MUL64) >> shift;
}

static inline uint32_t
hash4(uint64_t g, unsigned shift)
{
	return ((uint32_t)g * PH_GRAM_MUL32) >> shift;
}

/* bucket - the fragments whose gram hashes to h, as [*from, return) of gr->frag */
static inline size_t
bucket(const struct ph_grams *gr, uint64_t h, size_t *from)
{
	uint64_t wd = gr->map[h >> 6];
	size_t	 b = gr->rank[h >> 6] + popcount64(wd & ((UINT64_C(1) << (h & 63)) - 1));

	*from = gr->off[b];
	return gr->off[b + 1];
}

/* cls_eq - do the n classes at x equal those at y (n is a fragment's tail: a few bytes) */
static inline int
cls_eq(const unsigned char *x, const unsigned char *y, size_t n)
{
	uint64_t u, v;

	for (; n >= 8; x += 8, y += 8, n -= 8) {
		memcpy(&u, x, 8);
		memcpy(&v, y, 8);
		if (u != v)
			return 0;
	}
	for (; n > 0; n--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/* head_eq - do the first len (under eight) classes of gram g equal want */
static inline int
head_eq(uint64_t g, size_t len, uint64_t want)
{
	return (g & ((UINT64_C(1) << (8 * len)) - 1)) == want;
}

/*
 * candidates - the occurrences that start at cb[i], where the scan saw a
 *	gram bit or a short fragment's first class; g holds the classes of
 *	cb[i..i + 8), cb[0..mn) the mapped classes from text offset w0. The
 *	classes past the text are zeros, and no fragment holds one: a gram
 *	that reaches past the end matches no fragment.
 */
static void
candidates(const struct ph_automaton *a, const unsigned char *cb, size_t mn, size_t i, uint64_t g,
    size_t w0, uint64_t *ok, size_t *nocc, int *full)
{
	uint64_t h8 = hash8(g, a->g8.shift);
	uint32_t h4 = hash4(g, a->g4.shift);
	size_t	 j, to;

	if ((a->g8.map[h8 >> 6] >> (h8 & 63)) & 1)
		for (to = bucket(&a->g8, h8, &j); j < to; j++) {
			const struct ph_entry *e = &a->g8.ent[j];
			if (e->gram == g && i + e->len <= mn && cls_eq(cb + i + 8, a->tails + e->tail, e->len - 8u))
				found(ok, nocc, full, (uint64_t)(w0 + i + e->len) << 16 | e->frag);
		}
	if ((a->g4.map[h4 >> 6] >> (h4 & 63)) & 1)
		for (to = bucket(&a->g4, h4, &j); j < to; j++) {
			const struct ph_entry *e = &a->g4.ent[j];
			if (head_eq(g, e->len, e->gram))
				found(ok, nocc, full, (uint64_t)(w0 + i + e->len) << 16 | e->frag);
		}
	if (a->short_first[cb[i]])
		for (j = 0; j < a->nshort; j++) {
			const struct ph_entry *e = &a->shortf[j];
			if (head_eq(g, e->len, e->gram))
				found(ok, nocc, full, (uint64_t)(w0 + i + e->len) << 16 | e->frag);
		}
}

/* load_gram - the eight classes from cb, the first in the low byte */
static inline uint64_t
load_gram(const unsigned char *cb)
{
	uint64_t g;

	memcpy(&g, cb, sizeof(g));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	g = __builtin_bswap64(g);
#endif
	return g;
}

#define PH_WIN 1024	/* starts scanned per window of mapped classes */

/*
 * scan - ph_scan()'s windows. A table's fragments of four to seven
 *	bytes (mid) need a second gram hash a byte, and its shorter ones
 *	(shrt) a look at the classes of the byte and the next; most tables
 *	have neither. Always inlined, so that each kind is its own loop.
 */
static inline __attribute__((always_inline)) size_t
scan(const struct ph_automaton *a, const unsigned char *p, size_t n, uint64_t *ok, int mid, int shrt)
{
	unsigned char	cb[PH_WIN + PH_FRAG_MAX + 8];
	const uint8_t  *cls = a->cls;
	const uint64_t *m8 = a->g8.map, *m4 = a->g4.map, *sp = a->short_pair;
	unsigned	s8 = a->g8.shift, s4 = a->g4.shift;
	size_t		nocc = 0, w0, i, wn, mn;
	int		full = 0;

	for (w0 = 0; w0 < n; w0 += PH_WIN) {
		wn = n - w0 < PH_WIN ? n - w0 : PH_WIN;
		mn = n - w0 < PH_WIN + PH_FRAG_MAX ? n - w0 : PH_WIN + PH_FRAG_MAX;
		for (i = 0; i < mn; i++)
			cb[i] = cls[p[w0 + i]];
		memset(cb + mn, 0, 8);
		for (i = 0; i < wn; i++) {
			uint64_t g = load_gram(cb + i), h8 = hash8(g, s8);
			uint64_t hit = m8[h8 >> 6] >> (h8 & 63);

			if (mid) {
				uint32_t h4 = hash4(g, s4);
				hit |= m4[h4 >> 6] >> (h4 & 63);
			}
			if (shrt)
				hit |= sp[(g & 0xffff) >> 6] >> (g & 63);
			if (__builtin_expect(hit & 1, 0))
				candidates(a, cb, mn, i, g, w0, ok, &nocc, &full);
		}
	}
	if (!full)
		sort_keys(ok, nocc);
	return nocc;
}

/*
 * ph_scan - the occurrences of a's fragments in s[0..n), as keys
 *	end << 16 | fragment in ascending order, the first PH_MAX_OCC of
 *	them in ok; returns their number. The text is mapped to classes a
 *	window at a time, each window with the PH_FRAG_MAX bytes after it (a
 *	fragment starting in it may end there) and eight zeros past the
 *	text's end.
 */
size_t
ph_scan(const struct ph_automaton *a, const char *s, size_t n, uint64_t *ok)
{
	const unsigned char *p = (const unsigned char *)s;

	if (a->nshort > 0)
		return a->nmid > 0 ? scan(a, p, n, ok, 1, 1) : scan(a, p, n, ok, 0, 1);
	return a->nmid > 0 ? scan(a, p, n, ok, 1, 0) : scan(a, p, n, ok, 0, 0);
}

/* ph_match - run table a over s[0..n), fill r */
void
ph_match(const struct ph_automaton *a, const char *s, size_t n, struct ph_result *r)
{
	uint64_t   ok[PH_MAX_OCC];	/* end << 16 | fragment, ascending */
	uint64_t   keys[PH_MAX_OCC];
	struct byfrag b;
	size_t	   nocc, i, j;
	unsigned   steps = PH_MAX_STEPS;
	uint8_t	   failed[512];	/* rules (by id, the first 4096) known not to match */

	/* Only the bytes of the table's rules: most tables are small. */
	memset(failed, 0, a->nrules / 8 + 1 < sizeof(failed) ? a->nrules / 8 + 1 : sizeof(failed));
	r->tags = 0;
	for (i = 0; i < PH_MAX_TAGS; i++)
		r->rule[i] = -1;
	nocc = ph_scan(a, s, n, ok);
	for (i = 0; i < nocc; i++)
		keys[i] = (ok[i] & 0xffff) << 32 | ok[i] >> 16;
	sort_keys(keys, nocc);
	b.k = keys;
	b.n = nocc;
	for (i = 0; i < nocc; i++) {
		unsigned f = (unsigned)(ok[i] & 0xffff);
		size_t	 end = (size_t)(ok[i] >> 16);

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
			if (rest(a, rl, 1, s, n, end, &b, &steps)) {
				/* Keep the earliest rule of the table for each tag. */
				if (r->rule[rl->tag] < 0)
					r->pos[rl->tag] = end - a->frag_len[f];
				r->rule[rl->tag] = (int32_t)rid;
				r->tags |= (uint64_t)1 << rl->tag;
			} else if (rid < sizeof(failed) * 8 && any_only(a, rl, 1))
				failed[rid / 8] |= (uint8_t)(1u << (rid % 8));
		}
	}
}

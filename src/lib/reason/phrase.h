/*
 * NAME
 *	phrase - one-pass phrase matching over compiled tables
 * SUMMARY
 *	A ph_automaton (a compiled phrase table) is generated at build time
 *	by tools/gen_phrases.py from the phrase tables under data/.
 *	ph_match() reads a text once (hashed grams of the next bytes find
 *	where fragments start), then checks the multi-piece phrases whose
 *	first fragment occurred. The result tells, for each tag, the first
 *	phrase (in table order of occurrence) that matched.
 *
 *	The tables are const data: any number of threads may use one at once.
 */
#ifndef KAERU_REASON_PHRASE_H
#define KAERU_REASON_PHRASE_H

#include <stddef.h>
#include <stdint.h>

struct ph_piece {
	uint16_t frag;
	uint8_t	 gap;		/* 0 first, 1 one word, 2 any text, 3 glued word */
};

struct ph_rule {
	uint16_t    tag;
	uint16_t    first;	/* index of the first piece */
	uint16_t    npieces;
	const char *text;	/* the phrase as written */
	const char *src;	/* file:line of the table */
};

/*
 * The scan maps the text to byte classes, then reads at each byte the
 * classes of the eight bytes from there as a gram, the first in the low
 * byte. A fragment of eight bytes or more is found by the gram of its
 * first eight (g8), one of four to seven bytes by that of its first four
 * (g4). In each, bit h of map is set when some fragment's gram hashes to
 * h ((gram * multiplier) >> shift, in 64 or 32 bits), and the bit's rank
 * (the set bits before it; rank holds one count per word) is its bucket:
 * frag[off[rank]..off[rank + 1]), in fragment order. Fragments under
 * four bytes (shortf) are tried where short_pair flags the classes of
 * the byte and the next (and short_first the first). Each fragment of a
 * bucket, and each short one, is an entry: the gram of its first eight
 * bytes at most (zeros above a shorter one), its id and length, and
 * where the classes of its bytes past the eighth begin in tails.
 * Fragments are at most PH_FRAG_MAX bytes.
 */
#define PH_GRAM_MUL64 UINT64_C(0x9E3779B97F4A7C15)
#define PH_GRAM_MUL32 UINT32_C(0x9E3779B1)
#define PH_FRAG_MAX   255

struct ph_entry {
	uint64_t gram;
	uint16_t frag;
	uint16_t len;
	uint32_t tail;
};

struct ph_grams {
	const uint64_t	*map;
	const uint16_t	*rank;
	const uint16_t	*off;
	const struct ph_entry *ent;	/* bucket b: ent[off[b]..off[b + 1]) */
	unsigned	 shift;
};

struct ph_automaton {
	const uint8_t	*cls;		/* byte -> class: A-Z as a-z, tab/CR/LF as space */
	const uint8_t	*short_first;	/* class -> 1 when some short fragment begins with it */
	const uint64_t	*short_pair;	/* bit (first class | second << 8): some short fragment
					   begins so; NULL when there is no short fragment */
	const struct ph_entry *shortf;
	uint32_t	 nshort;
	uint32_t	 nmid;		/* fragments of four to seven bytes (in g4) */
	struct ph_grams	 g8, g4;
	const uint8_t	*tails;
	const uint16_t	*frag_len;
	const char *const *frag;
	uint32_t	 nfrag;
	const struct ph_piece *pieces;
	const struct ph_rule *rules;
	uint32_t	 nrules;
	const uint32_t	*first_off;
	const uint16_t	*first;
};

#define PH_MAX_TAGS 64
#define PH_MAX_OCC  512	/* fragment occurrences kept per text */

struct ph_result {
	uint64_t	tags;			/* bit t: some phrase of tag t matched */
	int32_t		rule[PH_MAX_TAGS];	/* first matching rule per tag, -1 none */
	size_t		pos[PH_MAX_TAGS];	/* where that phrase began */
};

void	ph_match(const struct ph_automaton *a, const char *s, size_t n,
	    struct ph_result *r);
size_t	ph_scan(const struct ph_automaton *a, const char *s, size_t n,
	    uint64_t *ok);	/* room for PH_MAX_OCC */

static inline int
ph_has(const struct ph_result *r, unsigned tag)
{
	return (r->tags >> tag) & 1;
}

#endif

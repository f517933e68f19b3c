/*
 * NAME
 *	phrase - one-pass phrase matching over compiled automata
 * SUMMARY
 *	A ph_automaton is generated at build time by tools/gen_phrases.py
 *	from the phrase tables under data/. ph_match() runs it over a text
 *	once (Aho-Corasick: amortised constant work per byte), then checks the multi-piece phrases
 *	whose first fragment occurred. The result tells, for each tag, the
 *	first phrase (in table order of occurrence) that matched.
 *
 *	Automata are const data: any number of threads may use one at once.
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
 * State s is two words. state[2s + 1] is its failure link, with
 * PH_CHAIN and PH_OUT. A chain state has one trie edge, to state s + 1,
 * and state[2s] is that edge's byte class: inside a fragment the scan
 * reads consecutive words. Any other state has a comb row at base
 * state[2s]: edge k is trans[base + k] when that cell's high half is s,
 * its low half then the target. The root has a full row. A miss
 * continues from the failure link. PH_OUT: some fragment ends at s (the
 * fragments are out[out_off[s]..out_off[s + 1])). States are 16-bit.
 */
#define PH_CHAIN	(1u << 30)
#define PH_OUT		(1u << 31)
#define PH_FAIL		(PH_CHAIN - 1)

struct ph_automaton {
	const uint8_t	*cls;
	const uint32_t	*state;
	const uint32_t	*trans;
	uint32_t	 nstates;
	uint32_t	 nclass;
	const uint32_t	*out_off;
	const uint16_t	*out;
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

struct ph_result {
	uint64_t	tags;			/* bit t: some phrase of tag t matched */
	int32_t		rule[PH_MAX_TAGS];	/* first matching rule per tag, -1 none */
	size_t		pos[PH_MAX_TAGS];	/* where that phrase began */
};

void	ph_match(const struct ph_automaton *a, const char *s, size_t n,
	    struct ph_result *r);

static inline int
ph_has(const struct ph_result *r, unsigned tag)
{
	return (r->tags >> tag) & 1;
}

#endif

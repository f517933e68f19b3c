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
 * The automaton is comb-compressed: the root has a full row; any other
 * state s has only its trie edges, at next[base[s] + class] where
 * check[...] == s; a miss continues from fail[s]. 16-bit arrays unless the
 * automaton has 65535 states or more.
 */
struct ph_automaton {
	const uint8_t	*cls;
	const uint32_t	*base;
	const uint16_t	*fail16;
	const uint16_t	*next16;
	const uint16_t	*check16;
	const uint32_t	*fail32;
	const uint32_t	*next32;
	const uint32_t	*check32;
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

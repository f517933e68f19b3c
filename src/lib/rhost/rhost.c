/*
 * NAME
 *	rhost - provider rules
 * DESCRIPTION
 *	Each provider has a table in data/rhost/<provider>.txt, compiled by
 *	tools/gen_rhost.py into rhost_tables.inc: the host and domain
 *	suffixes that select it, the prefixes of its own codes, and rules
 *	(reason, status code or range, reply code, command, provider code or
 *	code range, phrase) tried in table order.
 *
 *	The provider is the one whose host suffix ends the remote host, or,
 *	when no provider claims the remote host, the one whose domain suffix
 *	ends the recipient's domain. Then the diagnostic text is scanned
 *	once per compiled table of the provider's phrases (a bit per
 *	phrase) and once per code prefix (a code is the prefix at a word
 *	start and the letters, digits, '_' and '-' after it, when it holds
 *	a digit or no lower-case letter); the first rule whose conditions
 *	all hold gives the verdict, and the rule field names the table line:
 *	provider:google.txt:12 "status:5.7.26".
 */
#include "rhost.h"
#include "../../util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rh_rule {
	uint8_t	    reason;		/* kaeru_reason */
	int16_t	    sclass, ssubj;	/* status class and subject, -1 any */
	uint16_t    slo, shi;		/* range of the status's detail */
	uint16_t    reply;		/* 0 any */
	uint8_t	    crange;		/* 1: the code's number in clo..chi */
	uint32_t    clo, chi;
	int8_t	    chunk;		/* phrase table of the phrase, -1 none */
	uint8_t	    tag;		/* the phrase's tag in it */
	const char *command;		/* NULL any */
	const char *code;		/* a whole code, NULL any */
	const char *src;		/* "google.txt:12" */
	const char *text;		/* the rule as written */
};

struct rh_provider {
	const char		 *name;
	const char *const	 *hosts;
	const char *const	 *domains;
	const char *const	 *codes;
	const struct ph_automaton *const *ph;
	unsigned		  nph;
	const struct rh_rule	 *rules;
	unsigned		  nrules;
};

/* One host or domain suffix of a provider, lower case (rh_suffixes, sorted). */
struct rh_suffix {
	const char	*s;
	unsigned short	 prov;		/* index into rh_providers */
	unsigned char	 which;		/* 0 hosts, 1 domains */
};

#include "rhost_tables.inc"

#define RH_MAX_TOKENS	16
#define RH_MAX_TOKLEN	32

struct token {
	const char *p;
	size_t	    n;
	int	    hasnum;
	uint32_t    num;		/* the trailing number */
};

/* host_len - length of a host or domain without a trailing dot */
static size_t
host_len(const char *h)
{
	size_t n = h != NULL ? strlen(h) : 0;

	while (n > 0 && h[n - 1] == '.')
		n--;
	return n;
}

/*
 * find_in - the provider one of whose lists (0 hosts, 1 domains) names h
 *	Each label suffix of h ("mx.mail.example.jp", "mail.example.jp", ...)
 *	is looked up in the suffix hash table (gen_rhost.py), whose hash
 *	reads a suffix from its last byte: one pass from h's end hashes them
 *	all. When several providers match, the one listed first in
 *	data/rhost/ wins.
 */
static const struct rh_provider *
find_in(const char *h, int which)
{
	char	 buf[256];
	size_t	 n = host_len(h), i;
	unsigned best = RH_PROVIDERS;
	uint32_t hash = 0x811c9dc5u;

	if (n == 0 || n >= sizeof(buf) || RH_SUFFIXES == 0)
		return NULL;
	for (i = 0; i < n; i++)
		buf[i] = (char)k_lower((unsigned char)h[i]);
	buf[n] = '\0';
	for (i = n; i-- > 0;) {
		size_t k;

		hash = (hash ^ (unsigned char)buf[i]) * 0x01000193u;
		if (i > 0 && buf[i - 1] != '.')
			continue;
		for (k = hash & (RH_SLOTS - 1); rh_suffix_slots[k] != 0; k = (k + 1) & (RH_SLOTS - 1)) {
			size_t lo = rh_suffix_slots[k] - 1u;
			if (strcmp(rh_suffixes[lo].s, buf + i) != 0)
				continue;
			/* Equal suffixes sit together: look at all of them. */
			for (; lo < RH_SUFFIXES && strcmp(rh_suffixes[lo].s, buf + i) == 0; lo++)
				if (rh_suffixes[lo].which == which && rh_suffixes[lo].prov < best)
					best = rh_suffixes[lo].prov;
			break;
		}
	}
	return best < RH_PROVIDERS ? &rh_providers[best] : NULL;
}

/* rhost_provider - name of the provider whose rules apply, or NULL */
const char *
rhost_provider(const char *rhost, const char *destination)
{
	const struct rh_provider *p = find_in(rhost, 0);

	if (p == NULL)
		p = find_in(destination, 1);
	return p != NULL ? p->name : NULL;
}

/* code_like - a code has a digit or no lower-case letter ("IB607", "CXBL", "ofr_506") */
static int
code_like(const char *p, size_t n)
{
	size_t i;
	int    lower = 0;

	for (i = 0; i < n; i++) {
		if (k_isdigit((unsigned char)p[i]))
			return 1;
		if (p[i] >= 'a' && p[i] <= 'z')
			lower = 1;
	}
	return !lower;
}

/* tokens - the provider's codes in s[0..n): prefix at a word start, then [A-Za-z0-9_-]* */
static size_t
tokens(const struct rh_provider *p, const char *s, size_t n, struct token *t)
{
	size_t nt = 0, i;

	for (i = 0; p->codes[i] != NULL && nt < RH_MAX_TOKENS; i++) {
		size_t	    pl = strlen(p->codes[i]), off = 0;
		const char *q;

		while (off < n && nt < RH_MAX_TOKENS &&
		    (q = k_memmem_ci(s + off, n - off, p->codes[i], pl)) != NULL) {
			size_t at = (size_t)(q - s), e = at + pl, d;

			off = at + 1;
			if (at > 0 && k_isalnum((unsigned char)s[at - 1]))
				continue;
			while (e < n && e - at < RH_MAX_TOKLEN &&
			    (k_isalnum((unsigned char)s[e]) || s[e] == '_' || s[e] == '-'))
				e++;
			if (e < n && k_isalnum((unsigned char)s[e]))
				continue;	/* longer than any code */
			if (!code_like(q, e - at))
				continue;	/* a word such as "blocked" */
			t[nt].p = q;
			t[nt].n = e - at;
			t[nt].hasnum = 0;
			t[nt].num = 0;
			for (d = e; d > at + pl && k_isdigit((unsigned char)s[d - 1]); d--)
				;
			if (d < e && e - d <= 9) {
				t[nt].hasnum = 1;
				for (; d < e; d++)
					t[nt].num = t[nt].num * 10 + (uint32_t)(s[d] - '0');
			}
			nt++;
			off = e;
		}
	}
	return nt;
}

/* status_ok - does status code st satisfy the rule's status condition */
static int
status_ok(const struct rh_rule *r, const char *st)
{
	unsigned long v[3] = { 0, 0, 0 };
	size_t	      k = 0;
	const char   *s = st;

	if (r->sclass < 0)
		return 1;
	if (s == NULL || !k_isdigit((unsigned char)*s))
		return 0;
	for (;;) {
		size_t nd = 0;
		while (k_isdigit((unsigned char)*s) && nd < 4)
			v[k] = v[k] * 10 + (unsigned long)(*s++ - '0'), nd++;
		if (nd == 0 || k_isdigit((unsigned char)*s))
			return 0;
		if (++k == 3 || *s != '.')
			break;
		s++;
	}
	if (k != 3 || *s != '\0')
		return 0;
	return v[0] == (unsigned long)r->sclass && v[1] == (unsigned long)r->ssubj &&
	    v[2] >= r->slo && v[2] <= r->shi;
}

/* code_ok - does one of the found codes satisfy the rule's code condition */
static int
code_ok(const struct rh_rule *r, const struct token *t, size_t nt)
{
	size_t i, cl;

	if (r->crange) {
		for (i = 0; i < nt; i++)
			if (t[i].hasnum && t[i].num >= r->clo && t[i].num <= r->chi)
				return 1;
		return 0;
	}
	if (r->code == NULL)
		return 1;
	cl = strlen(r->code);
	for (i = 0; i < nt; i++)
		if (t[i].n == cl && k_strncaseeq(t[i].p, r->code, cl))
			return 1;
	return 0;
}

/* rhost_classify - the verdict of the provider's rules, 1 when one applies */
int
rhost_classify(const struct kfacts *f, struct kverdict *v)
{
	const struct rh_provider *p;
	struct ph_result ph;
	struct token	 tok[RH_MAX_TOKENS];
	uint64_t	 hit[RH_MAX_CHUNKS] = { 0 };
	const char	*diag = f->diag != NULL ? f->diag : "";
	size_t		 dl = f->diag != NULL ? f->diaglen : 0, nt, i;
	unsigned	 reply = 0;

	p = find_in(f->rhost, 0);
	if (p == NULL)
		p = find_in(f->destination, 1);
	if (p == NULL)
		return 0;
	for (i = 0; i < p->nph && i < RH_MAX_CHUNKS; i++) {
		ph_match(p->ph[i], diag, dl, &ph);
		hit[i] = ph.tags;
	}
	nt = tokens(p, diag, dl, tok);
	if (f->replycode != NULL && strlen(f->replycode) == 3 && k_isdigit((unsigned char)f->replycode[0]) &&
	    k_isdigit((unsigned char)f->replycode[1]) && k_isdigit((unsigned char)f->replycode[2]))
		reply = (unsigned)(f->replycode[0] - '0') * 100 + (unsigned)(f->replycode[1] - '0') * 10 +
		    (unsigned)(f->replycode[2] - '0');

	for (i = 0; i < p->nrules; i++) {
		const struct rh_rule *r = &p->rules[i];

		if (r->reply != 0 && r->reply != reply)
			continue;
		if (!status_ok(r, f->status))
			continue;
		if (r->command != NULL && (f->command == NULL ||
		    strcmp(r->command, f->command) != 0))
			continue;
		if (r->chunk >= 0 && ((unsigned)r->chunk >= p->nph ||
		    !((hit[r->chunk] >> r->tag) & 1)))
			continue;
		if (!code_ok(r, tok, nt))
			continue;
		v->reason = (kaeru_reason)r->reason;
		k_cat(v->rule, sizeof(v->rule), "provider:", r->src, " \"", r->text, "\"", (char *)NULL);
		return 1;
	}
	return 0;
}

/* test_phrase - the phrase scan and the reason tables (reason/phrase.c) */
#include "t.h"
#include "lib/reason/phrase.h"
#include "lib/reason/reason.h"
#include "lib/lhost/lhost.h"

static const struct {
	const char *text;
	const char *reason;	/* a reason whose table must match, NULL: none of these */
	const char *what;
} cases[] = {
	{ "550 5.1.1 <a@b>: recipient address rejected: user unknown in local recipient table", "userunknown", "Postfix user unknown" },
	{ "552 5.2.2 mailbox is full", "mailboxfull", "plain phrase" },
	{ "552 5.2.2 MAILBOX IS FULL", "mailboxfull", "case-insensitive" },
	{ "552 5.2.2 mailbox\tis   full", "mailboxfull", "white space is not collapsed by the matcher: collapsed before" },
	{ "送信先のメールボックスが一杯のため、送信できませんでした。", "mailboxfull", "Japanese: the mailbox is full" },
	{ "指定されたドメインが存在しません", "hostunknown", "Japanese: no such domain" },
	{ "hello world", NULL, "nothing" },
	{ "", NULL, "empty" },
};

/*
 * ref_scan - every occurrence of every fragment, by the definition: ASCII
 * letters in either case, a space in a fragment for any of space, tab,
 * CR or LF, any other byte itself. In order of end, then fragment; the
 * first PH_MAX_OCC.
 */
static size_t
ref_scan(const struct ph_automaton *a, const unsigned char *s, size_t n, uint64_t *ok)
{
	size_t	 e, k, nocc = 0;
	unsigned f;

	for (e = 1; e <= n; e++)
		for (f = 0; f < a->nfrag; f++) {
			const unsigned char *fr = (const unsigned char *)a->frag[f];
			size_t		     len = a->frag_len[f];
			if (len > e)
				continue;
			for (k = 0; k < len; k++) {
				unsigned t = s[e - len + k];
				if (fr[k] == ' ' ? !(t == ' ' || t == '\t' || t == '\r' || t == '\n') :
				    (t >= 'A' && t <= 'Z' ? t + 32 : t) != fr[k])
					break;
			}
			if (k == len && nocc < PH_MAX_OCC)
				ok[nocc++] = (uint64_t)e << 16 | f;
		}
	return nocc;
}

static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * fill - a text of n bytes made of the table's fragments (letters in
 * random case, spaces as other white space), fragments cut short, and
 * random bytes; with short_ones, of fragments under four bytes mostly
 * (seven in eight), in a third to nine tenths of the picks
 */
static void
fill(const struct ph_automaton *a, unsigned char *s, size_t n, int short_ones, uint32_t *st)
{
	size_t	 i = 0;
	uint32_t dense = short_ones ? 5 + rnd(st) % 10 : 6 + rnd(st) % 12;	/* of 16 picks, how many are fragments */

	while (i < n) {
		uint32_t r = rnd(st) % 16;
		if (r < dense) {
			const char *fr = a->frag[rnd(st) % a->nfrag];
			size_t	    len, k, tries;
			for (tries = 0; short_ones && r % 8 != 0 && strlen(fr) >= 4 && tries < 2000; tries++)
				fr = a->frag[rnd(st) % a->nfrag];
			len = strlen(fr);
			if (r % 4 == 0 && len > 1)
				len = 1 + rnd(st) % (len - 1);	/* a fragment cut short */
			for (k = 0; k < len && i < n; k++, i++) {
				unsigned c = (unsigned char)fr[k];
				if (c >= 'a' && c <= 'z' && rnd(st) % 3 == 0)
					c -= 32;
				else if (c == ' ' && rnd(st) % 4 == 0)
					c = "\t\r\n"[rnd(st) % 3];
				s[i] = (unsigned char)c;
			}
		} else if (r < 15)
			s[i++] = ' ';
		else
			s[i++] = (unsigned char)rnd(st);
	}
}

/* scan_agrees - ph_scan and the definition find the same occurrences in s */
static int
scan_agrees(const struct ph_automaton *a, const unsigned char *s, size_t n)
{
	static uint64_t got[PH_MAX_OCC], want[PH_MAX_OCC];
	size_t		ng = ph_scan(a, (const char *)s, n, got), nw = ref_scan(a, s, n, want);

	return ng == nw && memcmp(got, want, ng * sizeof(got[0])) == 0;
}

static int
has(const char *text, const char *reason)
{
	struct ph_result r;
	kaeru_reason	 id;
	char		 buf[512];
	size_t		 i, j = 0;
	int		 sp = 0;

	/* Collapse white space as the fact stage does. */
	for (i = 0; text[i] && j + 1 < sizeof(buf); i++) {
		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
			sp = 1;
			continue;
		}
		if (sp && j)
			buf[j++] = ' ';
		sp = 0;
		buf[j++] = text[i];
	}
	buf[j] = '\0';
	kr_phrases(buf, j, &r);
	if (reason == NULL)
		return r.tags == 0;
	if (kaeru_reason_from_name(reason, &id) != 0)
		return 0;
	return ph_has(&r, id);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_OK(has(cases[i].text, cases[i].reason), cases[i].what);
	/* Wildcards: "*" one word, "**" any text (tables use both). */
	{
		struct ph_result r;
		const char	*t = "the user xyz does not exist here";
		kr_phrases(t, strlen(t), &r);
		T_OK(r.tags != 0, "a phrase with a one-word gap matches something");
	}
	/* A very long text is scanned without overflow of the occurrence list. */
	{
		static char big[200000];
		struct ph_result r;
		size_t k;
		for (k = 0; k + 13 < sizeof(big); k += 13)
			memcpy(big + k, "mailbox full ", 13);
		big[k] = '\0';
		kr_phrases(big, k, &r);
		T_OK(ph_has(&r, KAERU_REASON_MAILBOXFULL), "long repetitive text");
	}
	/* Every rule names its table line. */
	{
		int id;
		const struct ph_rule *pr;
		for (id = 0; (pr = kr_phrase_rule(id)) != NULL; id++)
			if (pr->src[0] == '\0' || pr->text[0] == '\0')
				break;
		T_OK(kr_phrase_rule(id) == NULL && id > 100, "rules carry text and source");
	}
	/*
	 * Every rule of the tables matches a text written from it ("**" as
	 * some words, "*" as one word or the glued part of one), with its
	 * reason and a rule no later than itself: every fragment is in its
	 * gram bucket, and every phrase's pieces are wired.
	 */
	{
		int		      id, bad = 0, n = 0;
		const struct ph_rule *pr;
		for (id = 0; (pr = kr_phrase_rule(id)) != NULL; id++) {
			char		 text[1024];
			struct ph_result r;
			size_t		 i, j = 0;
			for (i = 0; pr->text[i] != '\0' && j + 16 < sizeof(text); i++) {
				if (pr->text[i] == '*' && pr->text[i + 1] == '*') {
					memcpy(text + j, " and so ", 8);
					j += 8;
					i++;
				} else if (pr->text[i] == '*') {
					memcpy(text + j, "xword", 5);
					j += 5;
				} else
					text[j++] = pr->text[i];
			}
			text[j] = '\0';
			kr_phrases(text, j, &r);
			n++;
			if (!ph_has(&r, pr->tag) || r.rule[pr->tag] > id) {
				bad++;
				printf("rule %d (%s) not matched by \"%s\"\n", id, pr->src, text);
			}
		}
		T_OK(n > 1000, "the reason tables have their rules");
		T_EQ_INT(bad, 0, "every rule matches a text written from it");
	}
	/*
	 * The scan finds exactly the occurrences the definition gives: texts
	 * of fragments in mixed case and white space, of 1 to 3,000 bytes
	 * (windows of 1,024 bytes: fragments straddle their ends), and texts
	 * of short fragments with more occurrences than the list keeps, some
	 * filling it in the first window's last bytes.
	 */
	{
		const struct ph_automaton *a = kr_phrase_table();
		static unsigned char	   s[3000];
		uint32_t		   st = 2463534242u;
		int			   bad = 0, k;
		for (k = 0; k < 400; k++) {
			size_t n = k < 200 ? 1 + rnd(&st) % 300 : 1000 + rnd(&st) % 2000;
			fill(a, s, n, k >= 300, &st);
			if (!scan_agrees(a, s, n) && bad++ < 3)
				printf("ph_scan and the definition disagree on text %d (%zu bytes)\n", k, n);
		}
		T_EQ_INT(bad, 0, "ph_scan finds every fragment occurrence, and no other");
		/*
		 * The same for the other kinds of table, each its own loop in
		 * ph_scan: qmail's has long fragments only, MessageLabs' long
		 * ones and one short, Facebook's those of four to seven bytes.
		 */
		{
			static const char *const fam[] = { "qmail", "messagelabs", "facebook" };
			size_t			  t;
			for (t = 0; t < 3; t++) {
				const struct ph_automaton *q = lh_family_table(fam[t]);
				int			   qbad = 0;
				T_OK(q != NULL && (q->nshort > 0) == (t == 1) && (q->nmid > 0) == (t == 2), fam[t]);
				for (k = 0; q != NULL && k < 300; k++) {
					size_t n = k < 200 ? 1 + rnd(&st) % 300 : 1000 + rnd(&st) % 2000;
					fill(q, s, n, k >= 250, &st);
					qbad += !scan_agrees(q, s, n);
				}
				T_EQ_INT(qbad, 0, fam[t]);
			}
			T_OK(lh_family_table("no such family") == NULL, "no table for an unknown family");
		}
		/*
		 * The list full as the second window begins, its last
		 * occurrence a fragment F that crosses into it, and inside F
		 * a fragment G that starts in the second window and ends
		 * first: G must take F's place. Before F, a one-byte fragment
		 * as many times as fill the list.
		 */
		{
			unsigned one = 0, f, g = 0;
			size_t	 o = 0, i, m;
			while (one < a->nfrag && a->frag_len[one] != 1)
				one++;
			for (f = 0; f < a->nfrag && o == 0; f++)
				for (g = 0; g < a->nfrag && o == 0; g++) {
					const char *in = strstr(a->frag[f] + 1, a->frag[g]);
					if (g != f && in != NULL && a->frag_len[g] + (size_t)(in - a->frag[f]) < a->frag_len[f])
						o = (size_t)(in - a->frag[f]);
				}
			T_OK(one < a->nfrag && o > 0, "the reason tables have a one-byte fragment and one inside another");
			if (one < a->nfrag && o > 0) {
				uint64_t ok[PH_MAX_OCC];
				size_t	 in_f = 0, flen = a->frag_len[--f], n;
				/* The occurrences inside F that start before G. */
				n = ref_scan(a, (const unsigned char *)a->frag[f], flen, ok);
				for (i = 0; i < n; i++)
					in_f += (ok[i] >> 16) - a->frag_len[ok[i] & 0xffff] < o;
				m = PH_MAX_OCC - in_f;
				memset(s, ' ', 1100);
				memset(s, a->frag[one][0], m);
				memcpy(s + 1024 - o, a->frag[f], flen);
				T_OK(m < 1024 - o && scan_agrees(a, s, 1100), "a list that fills as the first window ends");
			}
		}
		memset(s, '<', sizeof(s));
		for (k = 0; k + 13 <= (int)sizeof(s); k += 13)
			memcpy(s + k, "@mailbox full", 13);
		T_OK(scan_agrees(a, s, sizeof(s)), "past PH_MAX_OCC occurrences the first ones are kept");
	}
	return t_done("phrase");
}

/* test_phrase - the phrase automaton and the reason tables (reason/phrase.c) */
#include "t.h"
#include "lib/reason/reason.h"

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
	 * reason and a rule no later than itself: each of the automaton's
	 * states, transitions and failure links that some phrase needs is
	 * there.
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
	return t_done("phrase");
}

/*
 * NAME
 *	mda - the words of local delivery agents inside any bounce
 * DESCRIPTION
 *	Whatever MTA wrote the bounce, when the failure happened in a local
 *	delivery agent the notice quotes it on lines that start with the
 *	agent's name ("mail.local: ", "procmail: ", "maildrop: ",
 *	"vdelivermail: ", "vdeliver: ") or with Dovecot's "Your message to
 *	<x> was automatically rejected:". mda_apply() looks for such a block
 *	in the notice of a bounce sent by a mailer daemon and, when
 *	data/lhost/mda.txt gives its words a reason, makes that line the
 *	diagnosis and the reason of every record that has no firmer verdict.
 */
#include "lhost.h"

static const struct k_lit agents[] = {
	K_LIT("mail.local: "), K_LIT("procmail: "), K_LIT("maildrop: "), K_LIT("vdelivermail: "),
	K_LIT("vdeliver: "),
};

/* agent_line - does the line open an agent's message */
static int
agent_line(const char *l, size_t n)
{
	if (k_starts_any(l, n, agents, sizeof(agents) / sizeof(agents[0]), 0) != NULL)
		return 1;
	return k_startswith(l, n, "Your message to ") &&
	    k_endswith_ci(l, n, " was automatically rejected:");
}

/* retryable - verdicts that an agent's words may replace */
static int
replaceable(const char *r)
{
	return r == NULL || strcmp(r, "undefined") == 0 || strcmp(r, "onhold") == 0 ||
	    strcmp(r, "systemerror") == 0 || strcmp(r, "mailererror") == 0 ||
	    strcmp(r, "userunknown") == 0 || strcmp(r, "hostunknown") == 0 ||
	    strcmp(r, "networkerror") == 0 || strcmp(r, "securityerror") == 0;
}

/* mda_apply - let a local delivery agent's words decide; returns -1 on ENOMEM */
int
mda_apply(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *why = NULL, *said = NULL;
	size_t	    n, len, i;
	int	    inblock = 0;

	if (b->kind != KAERU_KIND_BOUNCE || m->from == NULL)
		return 0;
	if (!lh_from_has(m, "mailer-daemon") && !lh_from_has(m, "postmaster") &&
	    !lh_from_has(m, "mail delivery subsystem"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!inblock) {
			if (!agent_line(line, len))
				continue;
			inblock = 1;
		} else if (len == 0)
			break;
		if ((why = lh_phrase(m, "mda", kb_str(m, line, len))) != NULL) {
			said = kb_trimmed(m, line, len);
			break;
		}
	}
	if (why == NULL || said == NULL)
		return 0;
	for (i = 0; i < b->n; i++) {
		if (!replaceable(b->ds[i].reason))
			continue;
		/* The MTA's reply code stays: only the words are the agent's. */
		if (b->ds[i].replycode == NULL && b->ds[i].diagnosis != NULL) {
			char rc[4];
			if (smtp_reply_find(b->ds[i].diagnosis, strlen(b->ds[i].diagnosis), rc))
				b->ds[i].replycode = kb_str(m, rc, 3);
		}
		b->ds[i].reason = why;
		b->ds[i].rule = "local delivery agent";
		b->ds[i].diagnosis = said;
		b->ds[i].command = NULL;
	}
	return 0;
}

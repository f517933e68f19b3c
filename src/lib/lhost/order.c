/*
 * NAME
 *	order - which families to try first, from the subject
 * DESCRIPTION
 *	Most families write a recognisable subject. Trying those families
 *	first is only an optimisation and a tie-breaker: every decoder still
 *	checks the mail itself, and every family is tried in the end.
 */
#include "lhost.h"

static const struct {
	const char *subject;		/* case-insensitive substring */
	const char *families[4];	/* decoder names, NULL-terminated */
} hints[] = {
	{ "undelivered mail returned to sender", { "SendGrid", "Zoho", "Yandex" } },
	{ "undelivered mail returned to sender", { "Postfix" } },
	{ "delayed mail (still being retried)", { "Postfix" } },
	{ "see transcript for details", { "Sendmail" } },
	{ "mail delivery failed: returning message to sender", { "GMX", "EinsUndEins" } },
	{ "mail failure", { "MailRu" } },
	{ "mail system error - returned mail", { "EZweb" } },
	{ "sorry, your message could not be delivered", { "Facebook" } },
	{ "mail delivery failed", { "Exim" } },
	{ "failure notice", { "qmail" } },
	{ "delivery status notification", { "GoogleGroups", "Gmail", "GoogleWorkspace" } },
	{ "failure notice", { "mFILTER", "X4" } },
	{ "delivery status notification", { "X3", "OpenSMTPD", "Outlook" } },
	{ "undeliverable", { "Office365", "Exchange2007", "Exchange2003" } },
	{ "undeliverable", { "IMailServer", "MailMarshalSMTP", "Notes" } },
	{ "delivery failure:", { "Domino" } },
	{ "returned mail:", { "V5sendmail" } },
	{ "delivery report", { "PowerMTA" } },
	{ "notice: mail delivery status", { "Courier" } },
	{ "warning: delayed mail", { "Courier" } },
	{ "message delivery has failed", { "MailFoundry" } },
	{ "mail delivery failure", { "MessageLabs", "X1", "Mimecast" } },
	{ "returned mail: ", { "X1" } },
	{ "there was an error sending your mail", { "X6" } },
	{ "delivery notification:", { "MessagingServer" } },
	{ "bulk email filter", { "Barracuda" } },
	{ "[bounce]", { "ApacheJames" } },
	{ "mail could not be delivered", { "InterScanMSS" } },
	{ "mail delivery failed", { "MXLogic" } },
	{ "delivery failure", { "X2" } },
	{ "failed delivery", { "X2" } },
	{ "failure delivery", { "X2" } },
};

/* lhost_order - names of the families to try first; returns how many */
int
lhost_order(const struct kmsg *m, const char **names, int max)
{
	size_t i, j;
	int    n = 0;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!lh_subject_has(m, hints[i].subject))
			continue;
		for (j = 0; j < 4 && hints[i].families[j] != NULL && n < max; j++)
			names[n++] = hints[i].families[j];
	}
	return n;
}

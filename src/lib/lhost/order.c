/*
 * NAME
 *	order - which families to try first, from the subject and header fields
 * DESCRIPTION
 *	Most families write a recognisable subject. Trying those families
 *	first is only an optimisation and a tie-breaker: every decoder still
 *	checks the mail itself, and every family is tried in the end.
 */
#include "lhost.h"

#define S(z) z, sizeof(z) - 1

static const struct {
	const char *subject;		/* case-insensitive substring */
	size_t	    len;
	const char *families[4];	/* decoder names, NULL-terminated */
} hints[] = {
	{ S("undelivered mail returned to sender"), { "SendGrid", "Zoho", "Yandex" } },
	{ S("undelivered mail returned to sender"), { "Postfix" } },
	{ S("delayed mail (still being retried)"), { "Postfix" } },
	{ S("see transcript for details"), { "Sendmail" } },
	{ S("mail delivery failed: returning message to sender"), { "GMX", "EinsUndEins" } },
	{ S("mail failure"), { "MailRu" } },
	{ S("mail system error - returned mail"), { "EZweb" } },
	{ S("sorry, your message could not be delivered"), { "Facebook" } },
	{ S("mail delivery failed"), { "Exim" } },
	{ S("failure notice"), { "qmail" } },
	{ S("delivery status notification"), { "GoogleGroups", "Gmail", "GoogleWorkspace" } },
	{ S("failure notice"), { "mFILTER", "X4" } },
	{ S("delivery status notification"), { "X3", "OpenSMTPD", "Outlook" } },
	{ S("undeliverable"), { "Office365", "Exchange2007", "Exchange2003" } },
	{ S("undeliverable"), { "IMailServer", "MailMarshalSMTP", "Notes" } },
	{ S("delivery failure:"), { "Domino" } },
	{ S("returned mail:"), { "V5sendmail" } },
	{ S("delivery report"), { "PowerMTA" } },
	{ S("notice: mail delivery status"), { "Courier" } },
	{ S("warning: delayed mail"), { "Courier" } },
	{ S("message delivery has failed"), { "MailFoundry" } },
	{ S("mail delivery failure"), { "MessageLabs", "X1", "Mimecast" } },
	{ S("returned mail: "), { "X1" } },
	{ S("there was an error sending your mail"), { "X6" } },
	{ S("delivery notification:"), { "MessagingServer" } },
	{ S("bulk email filter"), { "Barracuda" } },
	{ S("[bounce]"), { "ApacheJames" } },
	{ S("mail could not be delivered"), { "InterScanMSS" } },
	{ S("mail delivery failed"), { "MXLogic" } },
	{ S("mail delivery failed"), { "DragonFly" } },
	{ S("delivery failure"), { "X2" } },
	{ S("failed delivery"), { "X2" } },
	{ S("failure delivery"), { "X2" } },
};

/*
 * Header fields only one sender writes. These come after the subject's
 * hints, so a family the subject names keeps its turn.
 */
static const struct {
	const char *field;		/* lower case */
	const char *families[4];
} header_hints[] = {
	{ "x-ses-outgoing", { "AmazonWorkMail", "ReceivingSES", "AmazonSES" } },
	{ "x-aws-outgoing", { "AmazonSES" } },
	{ "x-amz-sns-message-id", { "AmazonSES" } },
	{ "x-ymailisg", { "Yahoo" } },
	{ "x-aol-ip", { "Aol" } },
	{ "x-gmx-antispam", { "GMX" } },
	{ "x-zohomail", { "Zoho" } },
	{ "x-mlserver", { "FML" } },
	{ "x-ms-exchange-message-is-ndr", { "Office365", "Exchange2007" } },
};

/* add - append a family once */
static void
add(const char **names, int *n, int max, const char *family)
{
	int k;

	for (k = 0; k < *n; k++)
		if (strcmp(names[k], family) == 0)
			return;
	if (*n < max)
		names[(*n)++] = family;
}

/* lhost_order - names of the families to try first; returns how many */
int
lhost_order(const struct kmsg *m, const char **names, int max)
{
	size_t i, j;
	int    n = 0;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!lh_subject_has_n(m, hints[i].subject, hints[i].len))
			continue;
		for (j = 0; j < 4 && hints[i].families[j] != NULL; j++)
			add(names, &n, max, hints[i].families[j]);
	}
	for (i = 0; i < sizeof(header_hints) / sizeof(header_hints[0]); i++) {
		if (!lh_has_header(m, header_hints[i].field))
			continue;
		for (j = 0; j < 4 && header_hints[i].families[j] != NULL; j++)
			add(names, &n, max, header_hints[i].families[j]);
	}
	return n;
}

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
#define L(x) &lhost_##x

#define KAERU_LHOST(x) extern const struct klhost lhost_##x;
#include "lhost_list.h"
#undef KAERU_LHOST

static const struct {
	const char *subject;		/* case-insensitive substring */
	size_t	    len;
	const struct klhost *families[4];	/* NULL-terminated */
} hints[] = {
	{ S("undelivered mail returned to sender"), { L(sendgrid), L(zoho), L(yandex) } },
	{ S("undelivered mail returned to sender"), { L(postfix) } },
	{ S("delayed mail (still being retried)"), { L(postfix) } },
	{ S("see transcript for details"), { L(sendmail) } },
	{ S("mail delivery failed: returning message to sender"), { L(gmx), L(einsundeins) } },
	{ S("mail failure"), { L(mailru) } },
	{ S("mail system error - returned mail"), { L(ezweb) } },
	{ S("sorry, your message could not be delivered"), { L(facebook) } },
	{ S("mail delivery failed"), { L(exim) } },
	{ S("failure notice"), { L(qmail) } },
	{ S("delivery status notification"), { L(googlegroups), L(gmail), L(googleworkspace) } },
	{ S("failure notice"), { L(mfilter), L(x4) } },
	{ S("delivery status notification"), { L(x3), L(opensmtpd), L(outlook) } },
	{ S("undeliverable"), { L(office365), L(exchange2007), L(exchange2003) } },
	{ S("undeliverable"), { L(imailserver), L(mailmarshalsmtp), L(notes) } },
	{ S("delivery failure:"), { L(domino) } },
	{ S("returned mail:"), { L(v5sendmail) } },
	{ S("delivery report"), { L(powermta) } },
	{ S("notice: mail delivery status"), { L(courier) } },
	{ S("warning: delayed mail"), { L(courier) } },
	{ S("message delivery has failed"), { L(mailfoundry) } },
	{ S("mail delivery failure"), { L(messagelabs), L(x1), L(mimecast) } },
	{ S("returned mail: "), { L(x1) } },
	{ S("there was an error sending your mail"), { L(x6) } },
	{ S("delivery notification:"), { L(messagingserver) } },
	{ S("bulk email filter"), { L(barracuda) } },
	{ S("[bounce]"), { L(apachejames) } },
	{ S("mail could not be delivered"), { L(interscanmss) } },
	{ S("mail delivery failed"), { L(mxlogic) } },
	{ S("mail delivery failed"), { L(dragonfly) } },
	{ S("delivery failure"), { L(x2) } },
	{ S("failed delivery"), { L(x2) } },
	{ S("failure delivery"), { L(x2) } },
};

/*
 * Header fields only one sender writes. These come after the subject's
 * hints, so a family the subject names keeps its turn.
 */
static const struct {
	const char *field;		/* lower case */
	const struct klhost *families[4];
} header_hints[] = {
	{ "x-ses-outgoing", { L(amazonworkmail), L(receivingses), L(amazonses) } },
	{ "x-aws-outgoing", { L(amazonses) } },
	{ "x-amz-sns-message-id", { L(amazonses) } },
	{ "x-ymailisg", { L(yahoo) } },
	{ "x-aol-ip", { L(aol) } },
	{ "x-gmx-antispam", { L(gmx) } },
	{ "x-zohomail", { L(zoho) } },
	{ "x-mlserver", { L(fml) } },
	{ "x-ms-exchange-message-is-ndr", { L(office365), L(exchange2007) } },
};

/* add - append a family once */
static void
add(const struct klhost **fams, int *n, int max, const struct klhost *family)
{
	int k;

	for (k = 0; k < *n; k++)
		if (fams[k] == family)
			return;
	if (*n < max)
		fams[(*n)++] = family;
}

/* lhost_order - the families to try first; returns how many */
int
lhost_order(const struct kmsg *m, const struct klhost **fams, int max)
{
	size_t i, j;
	int    n = 0;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!lh_subject_has_n(m, hints[i].subject, hints[i].len))
			continue;
		for (j = 0; j < 4 && hints[i].families[j] != NULL; j++)
			add(fams, &n, max, hints[i].families[j]);
	}
	for (i = 0; i < sizeof(header_hints) / sizeof(header_hints[0]); i++) {
		if (!lh_has_header(m, header_hints[i].field))
			continue;
		for (j = 0; j < 4 && header_hints[i].families[j] != NULL; j++)
			add(fams, &n, max, header_hints[i].families[j]);
	}
	return n;
}

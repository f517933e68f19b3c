/*
 * NAME
 *	amazonworkmail - bounces of Amazon WorkMail
 * DESCRIPTION
 *	WorkMail sends through Amazon SES: an X-SES-Outgoing field, From
 *	MAILER-DAEMON@<region>.amazonses.com, and X-Mailer (or
 *	X-Original-Mailer) "Amazon WorkMail". The multipart/report has a
 *	text part ending in "Technical report:", an HTML twin, and a
 *	standard report whose Status is often generic while the
 *	Diagnostic-Code holds the remote server's reply, sometimes quoted
 *	after WorkMail's own words: "554 4.4.7 Message expired: unable to
 *	deliver in 840 minutes.<421 4.4.2 Connection timed out>".
 *	The report may also be written into the text part itself.
 *	Source: Sisimai's Lhost::AmazonWorkMail, observed in bounces of
 *	2016-2019.
 */
#include "lhost.h"

/* mailer_is_workmail - X-Original-Mailer or X-Mailer says Amazon WorkMail */
static int
mailer_is_workmail(struct kmsg *m)
{
	const char *x = lh_header(m, "x-original-mailer");

	if (*x == '\0')
		x = lh_header(m, "x-mailer");
	return k_strstr_ci(x, strlen(x), "Amazon WorkMail") != NULL;
}

static int
amazonworkmail_decode(struct kmsg *m, struct kbounce *b)
{
	size_t i;
	int    r;

	if (!lh_has_header(m, "x-ses-outgoing") || !mailer_is_workmail(m))
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->diagnosis == NULL || lh_quoted_reply(m, d))
			continue;
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_amazonworkmail = { "AmazonWorkMail", amazonworkmail_decode };

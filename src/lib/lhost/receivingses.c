/*
 * NAME
 *	receivingses - Amazon SES refusing mail it receives
 * DESCRIPTION
 *	A domain whose MX is Amazon SES's inbound endpoint (inbound-smtp.
 *	<region>.amazonaws.com) bounces from the domain's postmaster with
 *	an X-SES-Outgoing field, Subject "Delivery Status Notification
 *	(Failure)", a notice "This message could not be delivered." and a
 *	standard report followed by text/rfc822-headers. The Diagnostic-Code
 *	states SES's receiving rules in fixed words ("Mailbox does not
 *	exist", "Message too large", "Mailbox full", "Message content
 *	rejected") listed in data/lhost/receivingses.txt; a generic Status
 *	gives way to the code SES quotes in the diagnosis.
 *	Source: Amazon SES Developer Guide, "Receiving email" (bounce
 *	actions); Sisimai's Lhost::ReceivingSES; observed in bounces.
 */
#include "lhost.h"

static int
receivingses_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p;
	size_t	    n, i;
	int	    r;

	if (!lh_has_header(m, "x-ses-outgoing"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "This message could not be delivered.") == NULL)
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->diagnosis == NULL)
			continue;
		d->reason = lh_phrase(m, "receivingses", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_receivingses = { "ReceivingSES", receivingses_decode };

/*
 * NAME
 *	aol - bounces of AOL Mail
 * DESCRIPTION
 *	AOL's MTA (Postfix underneath) adds an X-AOL-IP field; the bounce
 *	comes from Postmaster@AOL.com (or MAILER-DAEMON@aol.com), Subject
 *	"Undeliverable: <subject>" or Postfix's "Undelivered Mail Returned
 *	to Sender", with an HTML or plain notice and a standard report
 *	whose Diagnostic-Code may continue on indented lines. AOL's own
 *	words for DNS failures are in data/lhost/aol.txt.
 *	Source: Sisimai's Lhost::Aol, observed in bounces of 2014.
 */
#include "lhost.h"

static int
aol_decode(struct kmsg *m, struct kbounce *b)
{
	size_t i;
	int    r;

	if (!lh_has_header(m, "x-aol-ip"))
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->diagnosis == NULL)
			continue;
		if (d->command == NULL)
			d->command = smtp_command_find(d->diagnosis, strlen(d->diagnosis));
		d->reason = lh_phrase(m, "aol", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_aol = { "Aol", aol_decode };

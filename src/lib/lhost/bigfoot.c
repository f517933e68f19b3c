/*
 * NAME
 *	bigfoot - bounces of Bigfoot (LiteMail)
 * DESCRIPTION
 *	From MAILER-DAEMON@bigfoot.com, a Received trail through
 *	"LITEMAILnn.bigfoot.com (LiteMail v3.03...)". The bounce imitates
 *	sendmail: a notice with "----- The following addresses had
 *	permanent fatal errors -----" and "----- Transcript of session
 *	follows -----" (">>> RCPT TO:<...>" / "<<< 553 ..."), a standard
 *	report, and the returned message as message/partial. The transcript
 *	names the SMTP command; a reply without a command was the greeting.
 *	Source: Sisimai's Lhost::Bigfoot, observed in bounces of 2014-2015.
 */
#include "lhost.h"

static int
bigfoot_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *cmd = NULL;
	size_t	    n, len, i;
	int	    r, reply = 0;

	if (!lh_from_has(m, "@bigfoot.com") && !lh_received_has(m, ".bigfoot.com "))
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (k_startswith(line, len, ">>> "))
			cmd = smtp_command_find(line + 4, len - 4);
		else if (k_startswith(line, len, "<<< "))
			reply = 1;
	}
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->command == NULL)
			d->command = cmd != NULL ? cmd : reply ? "EHLO" : NULL;
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_bigfoot = { "Bigfoot", bigfoot_decode };

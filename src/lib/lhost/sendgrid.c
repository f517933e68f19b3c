/*
 * NAME
 *	sendgrid - bounces relayed by SendGrid
 * DESCRIPTION
 *	SendGrid's own bounces have Return-Path <apps@sendgrid.net>,
 *	Subject "Undelivered Mail Returned to Sender" (Postfix's words, but
 *	not Postfix's notice) and open "This is an automatically generated
 *	message from SendGrid."; the notice lists "<name>:<id>:<addr> :
 *	error" and a standard report follows, with X-SendGrid-QueueID,
 *	an Arrival-Date written "2012-10-31 04-46-42", a Diagnostic-Code
 *	without a type and "Action: expired" for a message given up after
 *	retries. The notice may name the SMTP command ("... in RCPT").
 *	Source: Sisimai's Lhost::SendGrid, observed in bounces of 2012-2013.
 */
#include "lhost.h"

static int
sendgrid_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *rp = lh_header(m, "return-path"), *cmd = NULL, *cur, *end, *line;
	size_t	    n, len, i;
	int	    r, expired;

	if (k_strstr_ci(rp, strlen(rp), "@sendgrid.net") == NULL)
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "This is an automatically generated message from SendGrid.") == NULL)
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	/* "... : 550 ... in RCPT" names the command */
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *q;
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if ((q = lh_find(line, len, " in ")) != NULL && cmd == NULL)
			cmd = smtp_command_find(q, (size_t)(line + len - q));
	}
	{
		/* "Action: expired", the field perhaps folded after its name */
		size_t	    fn;
		const char *f = lh_flat(m, &fn), *v;
		cur = f;
		end = f + fn;
		expired = 0;
		while (!expired && km_nextline(&cur, end, &line, &len)) {
			if (!k_startswith_ci(line, len, "Action:"))
				continue;
			(void)kb_unfold(m, &cur, end, &line, &len);
			v = line + 7;
			len -= 7;
			k_trim(&v, &len);
			expired = len == 7 && k_strncaseeq(v, "expired", 7);
		}
	}
	b->date = NULL;		/* "2012-10-31 04-46-42" has no zone: the mail's Date is better */
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->command == NULL)
			d->command = cmd;
		if (expired && d->action != NULL && strcmp(d->action, "delayed") == 0) {
			/* "Action: expired": SendGrid gave up retrying */
			d->reason = "expired";
			d->action = NULL;
		}
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_sendgrid = { "SendGrid", sendgrid_decode };

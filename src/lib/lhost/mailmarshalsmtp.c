/*
 * NAME
 *	mailmarshalsmtp - bounces written by MailMarshal SMTP (Trustwave,
 *	formerly Marshal Software)
 * DESCRIPTION
 *	Subject 'Undeliverable Mail: "<original subject>"'. The notice:
 *
 *	    Your message:
 *	       From:    ...
 *	       Subject: ...
 *	    Could not be delivered because of
 *	    550 5.1.1 User unknown
 *	    The following recipients were affected:
 *	        a@b
 *	    Additional Information
 *	    ======================
 *	    Original Sender:    <...>
 *	    Sender-MTA:         <192.0.2.250>
 *	    Remote-MTA:         <203.0.113.2>
 *	    Reporting-MTA:      <rr1.example.com>
 *
 *	One reason for all the listed recipients.
 *	Source: Sisimai::Lhost::MailMarshalSMTP (markers), observed bounces.
 */
#include "lhost.h"

/* bracketed - the value of "Label:   <value>" */
static const char *
bracketed(struct kmsg *m, const char *l, size_t n)
{
	const char *lt = memchr(l, '<', n), *gt;

	if (lt == NULL || (gt = memchr(lt, '>', (size_t)(l + n - lt))) == NULL || gt == lt + 1)
		return NULL;
	return kb_str(m, lt + 1, (size_t)(gt - lt - 1));
}

static int
mailmarshalsmtp_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL, *rhost = NULL, *lhost = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    state = 0;	/* 1 started, 2 reason, 3 recipients, 4 additional */

	if (!lh_subject_starts(m, "Undeliverable Mail: \""))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (state == 0) {
			if (k_startswith(line, len, "Your message:"))
				state = 1;
			continue;
		}
		if (k == 0)
			continue;
		if (k_startswith(line, len, "Could not be delivered because of")) {
			state = 2;
			continue;
		}
		if (k_startswith(line, len, "The following recipients were affected:")) {
			state = 3;
			continue;
		}
		if (k_startswith(line, len, "Additional Information")) {
			state = 4;
			continue;
		}
		if (state == 2)
			diag = kb_append(m, diag, l, k);
		else if (state == 3 && (a = lh_line_addr(m, l, k)) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
		} else if (state == 4) {
			if (k_startswith(l, k, "Remote-MTA:"))
				rhost = bracketed(m, l, k);
			else if (k_startswith(l, k, "Reporting-MTA:"))
				lhost = bracketed(m, l, k);
		}
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->diagnosis = diag;
		d->rhost = rhost;
		lh_fill_codes(m, d);
	}
	b->lhost = lhost;
	return (int)b->n;
}

const struct klhost lhost_mailmarshalsmtp = { "MailMarshalSMTP", mailmarshalsmtp_decode };

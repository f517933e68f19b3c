/*
 * NAME
 *	exchange2003 - bounces written by Exchange 5.5 to 2003 (IMS)
 * DESCRIPTION
 *	Microsoft Exchange's Internet Mail Service marks its notices with
 *	an X-MS-Embedded-Report header, an X-Mailer of "Internet Mail
 *	Service (5.5.x)" or "Microsoft Exchange Server Internet Mail
 *	Connector", an X-MimeOLE "Produced By Microsoft Exchange", or a
 *	Received "with Internet Mail Service (". The notice reads:
 *
 *	    Your message
 *	      To:      ...
 *	      Subject: ...
 *	      Sent:    ...
 *	    did not reach the following recipient(s):
 *	    a@b on <date>
 *	        The recipient name is not recognized
 *	        MSEXCH:IMS:<site>:<server> 0 (000C05A6) Unknown Recipient
 *
 *	The recipient may also be written "NAME (SMTP=a@b) on <date>", or
 *	as an X.400 address, "c=US;a= ;p=ORG;o=SITE;dda:SMTP=a@b; on <date>". The
 *	hex code in parentheses is an event code whose meaning is fixed
 *	(data/lhost/exchange2003.txt).
 *	Source: Sisimai::Lhost::Exchange2003 (markers and codes), observed.
 */
#include "lhost.h"

/* is_exchange2003 - header facts of the Internet Mail Service */
static int
is_exchange2003(struct kmsg *m)
{
	if (lh_has_header(m, "x-ms-embedded-report"))
		return 1;
	if (lh_header_has(m, "x-mailer", "Internet Mail Service (") ||
	    lh_header_has(m, "x-mailer", "Microsoft Exchange Server Internet Mail Connector"))
		return 1;
	if (lh_header_has(m, "x-mimeole", "Produced By Microsoft Exchange"))
		return 1;
	return lh_received_has(m, " with Internet Mail Service (");
}

/* recipient_line - "a@b on <date>", "NAME (SMTP=a@b) on <date>" or "...;dda:SMTP=a@b; on <date>" */
static const char *
recipient_line(struct kmsg *m, const char *l, size_t n)
{
	const char *on = lh_find(l, n, " on "), *s;

	if (on == NULL || l[0] == ' ' || l[0] == '\t')
		return NULL;
	if ((s = k_strstr_ci(l, (size_t)(on - l), "SMTP=")) != NULL) {
		const char *e = s + 5;
		while (e < on && *e != ')' && *e != ' ' && *e != ';')
			e++;
		return addr_valid(s + 5, (size_t)(e - s - 5)) ? kb_str(m, s + 5, (size_t)(e - s - 5)) : NULL;
	}
	return addr_valid(l, (size_t)(on - l)) ? kb_str(m, l, (size_t)(on - l)) : NULL;
}

static int
exchange2003_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_exchange2003(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *a, *l = line;
		size_t	    k = len;

		if (reading == 0) {
			if (k_startswith(line, len, "Your message"))
				reading = 1;
			continue;
		}
		if (reading == 1) {
			/* The copy of the message's To/Subject/Sent lines. */
			if (lh_line_has(line, len, "did not reach the following recipient"))
				reading = 2;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if ((a = recipient_line(m, line, len)) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
			continue;
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		d->reason = lh_phrase_sq(m, "exchange2003", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_exchange2003 = { "Exchange2003", exchange2003_decode };

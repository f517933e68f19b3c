/*
 * NAME
 *	yahoo - bounces of Yahoo! Mail
 * DESCRIPTION
 *	Yahoo's MTA adds X-YMailISG (and X-YMail-OSG) fields; the bounce
 *	comes from MAILER-DAEMON@yahoo.com (or a national Yahoo domain),
 *	Subject "Failure Notice", in qmail's layout:
 *
 *	    Sorry, we were unable to deliver your message to the following
 *	    address.
 *
 *	    <addr@example.org>:
 *	    Remote host said: 550 5.1.1 <addr@example.org>... User Unknown
 *	    [RCPT_TO]
 *
 *	    --- Below this line is a copy of the message.
 *
 *	The bracketed tag names the SMTP command ("[RCPT_TO]", "[MAIL_FROM]",
 *	"[DATA]"...). Yahoo's own sentences are listed in data/lhost/yahoo.txt.
 *	Source: Sisimai's Lhost::Yahoo, observed in bounces of 2014-2018.
 */
#include "lhost.h"

/* tag_command - "[RCPT_TO]" at the end of a line: the command */
static const char *
tag_command(const char *l, size_t n)
{
	const char *lb;

	while (n > 0 && l[n - 1] == ' ')
		n--;
	if (n < 6 || l[n - 1] != ']' || (lb = memchr(l, '[', n)) == NULL)
		return NULL;
	while (lb != NULL && memchr(lb + 1, '[', (size_t)(l + n - lb - 1)) != NULL)
		lb = memchr(lb + 1, '[', (size_t)(l + n - lb - 1));
	n = (size_t)(l + n - lb - 1);
	return smtp_command_find(lb + 1, n);
}

static int
yahoo_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!lh_has_header(m, "x-ymailisg"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *c;

		if (!reading) {
			if (k_startswith(line, len, "Sorry, we were unable to deliver your message"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- Below this line is a copy of the message"))
			break;
		if (len == 0)
			continue;
		if (len > 4 && line[0] == '<' && line[len - 1] == ':' && line[len - 2] == '>' &&
		    memchr(line, '@', len) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, line + 1, len - 3);
			continue;
		}
		if (d == NULL)
			continue;
		if ((c = tag_command(line, len)) != NULL)
			d->command = c;
		if (k_startswith(line, len, "Remote host said:")) {
			line += 17;
			len -= 17;
		}
		d->diagnosis = kb_append(m, d->diagnosis, line, len);
	}
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "--- Below this line is a copy of the message");
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		if (d->command == NULL && strchr(d->diagnosis, '<') != NULL &&
		    strchr(d->diagnosis, '@') != NULL)
			d->command = "RCPT";
		d->reason = lh_phrase(m, "yahoo", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_yahoo = { "Yahoo", yahoo_decode };

/*
 * NAME
 *	apachejames - bounces written by Apache James
 * DESCRIPTION
 *	Subject "[BOUNCE]", a JavaMail Message-Id ("...JavaMail...@host"),
 *	or a Received trail through "JAMES SMTP Server". The notice of the
 *	bounce mailet: "Hi. This is the James mail server at <host>.", the
 *	reason after "Error message below:", and "Message details:" with
 *	the envelope indented ("  MAIL FROM: ...", "  RCPT TO: a@b", one
 *	line per recipient, "  Subject: ...", "  Sent date: ...").
 *	Source: Apache James DSNBounce/Bounce mailets, Sisimai::Lhost::ApacheJames.
 */
#include "lhost.h"

static int
is_james(struct kmsg *m)
{
	const char *s = m->subject ? m->subject : "";
	size_t	    n = strlen(s);

	k_trim(&s, &n);
	if (n == 8 && memcmp(s, "[BOUNCE]", 8) == 0)
		return 1;
	if (strstr(lh_header(m, "message-id"), ".JavaMail.") != NULL)
		return 1;
	return lh_received_has(m, "JAMES SMTP Server");
}

static int
apachejames_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    inerror = 0;

	if (!is_james(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k_startswith(l, k, "Error message below:")) {
			inerror = 1;
			continue;
		}
		if (k_startswith(l, k, "Message details:")) {
			inerror = 0;
			continue;
		}
		if (line[0] == ' ' && k_startswith(l, k, "RCPT TO:")) {
			const char *a = lh_addr(m, l + 8, k - 8);
			if (a == NULL)
				continue;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
			continue;
		}
		if (inerror && k > 0)
			diag = kb_append(m, diag, l, k);
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->diagnosis = diag;
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_apachejames = { "ApacheJames", apachejames_decode };

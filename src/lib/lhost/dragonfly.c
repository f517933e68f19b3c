/*
 * NAME
 *	dragonfly - bounces written by the DragonFly Mail Agent (dma)
 * DESCRIPTION
 *	dma, the small MTA of DragonFly BSD (also packaged for Debian and
 *	others), sends a plain-text notice, Subject "Mail delivery failed",
 *	From "MAILER-DAEMON <>", its Received field saying "by <host>
 *	(DragonFly Mail Agent v0.13)" and an X-Original-To field naming the
 *	recipient. The text reads:
 *
 *	    This is the DragonFly Mail Agent v0.13 at <host>.
 *
 *	    There was an error delivering your mail to <addr>.
 *
 *	    <the error, one or more lines>
 *
 *	    Message headers follow.    (or "Original message follows.")
 *
 *	A remote refusal is written "<host> [<ip>] did not like our RCPT
 *	TO:" (MAIL FROM, DATA, "final DATA", EHLO ...) followed by the
 *	server's reply; dma's own failures are fixed sentences ("DNS lookup
 *	failure: host <name> not found", "Could not deliver for the last
 *	<n> seconds. Giving up.") listed in data/lhost/dragonfly.txt.
 *	Source: dma's mail.c (bounce) and net.c (error texts), observed in
 *	bounces of dma v0.13.
 */
#include "lhost.h"

/* command_of - the SMTP command named after "did not like our " */
static const char *
command_of(const char *s, size_t n)
{
	if (k_startswith(s, n, "RCPT"))
		return "RCPT";
	if (k_startswith(s, n, "MAIL"))
		return "MAIL";
	if (k_startswith(s, n, "DATA") || k_startswith(s, n, "final DATA"))
		return "DATA";
	if (k_startswith(s, n, "EHLO") || k_startswith(s, n, "HELO"))
		return "EHLO";
	return NULL;
}

/* is_dma - dma's subject, and the Received trail or the opening line names dma */
static int
is_dma(struct kmsg *m)
{
	size_t	    n;
	const char *p;

	if (!lh_subject_starts(m, "Mail delivery failed"))
		return 0;
	if (lh_received_has(m, "(DragonFly Mail Agent"))
		return 1;
	lh_notice(m, &p, &n);
	return lh_find(p, n < 512 ? n : 512, "This is the DragonFly Mail Agent") != NULL;
}

static int
dragonfly_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_dma(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		static const char lead[] = "There was an error delivering your mail to ";
		const char *q;

		if (k_startswith(line, len, "Message headers follow.") ||
		    k_startswith(line, len, "Original message follows."))
			break;
		if (k_startswith(line, len, lead)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = lh_addr(m, line + sizeof(lead) - 1, len - (sizeof(lead) - 1));
			reading = 1;
			continue;
		}
		if (!reading || d == NULL || len == 0)
			continue;
		if ((q = lh_find(line, len, " did not like our ")) != NULL) {
			const char *c = q + 18, *sp = memchr(line, ' ', len);
			d->command = command_of(c, (size_t)(line + len - c));
			if (sp != NULL && sp > line)
				d->rhost = kb_str(m, line, (size_t)(sp - line));
		}
		d->diagnosis = kb_append(m, d->diagnosis, line, len);
	}
	if (b->n == 0)
		return 0;
	if (b->ds[0].recipient == NULL)
		b->ds[0].recipient = lh_addr(m, lh_header(m, "x-original-to"),
		    strlen(lh_header(m, "x-original-to")));
	if (!lh_orig_after(m, "Message headers follow."))
		lh_orig_after(m, "Original message follows.");
	{
		size_t i;
		for (i = 0; i < b->n; i++) {
			d = &b->ds[i];
			if (d->diagnosis == NULL)
				continue;
			if (d->command == NULL)
				d->reason = lh_phrase(m, "dragonfly", d->diagnosis);
			lh_fill_codes(m, d);
		}
	}
	return (int)b->n;
}

const struct klhost lhost_dragonfly = { "DragonFly", dragonfly_decode };

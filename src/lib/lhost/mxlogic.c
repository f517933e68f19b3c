/*
 * NAME
 *	mxlogic - bounces written by MX Logic (McAfee SaaS Email Protection)
 * DESCRIPTION
 *	X-MX-Bounce, X-MXL-Hash or X-MXL-NoteHash headers, or a Message-Id
 *	"<mxl~...>". The notice is Exim's ("This message was created
 *	automatically by mail delivery software.") with each failure as
 *	"  <a@b>: 550 ...", the error continued on the following lines,
 *	then "Included is a copy of the message header:". The SMTP stage
 *	is named as Exim names it ("SMTP error from remote mail server
 *	after RCPT TO:"); Exim's local wordings keep their meaning
 *	(data/lhost/exim.txt).
 *	Source: Sisimai::Lhost::MXLogic (markers), observed bounces.
 */
#include "lhost.h"

static int
is_mxlogic(struct kmsg *m)
{
	const char *id = lh_header(m, "message-id");

	return lh_has_header(m, "x-mx-bounce") || lh_has_header(m, "x-mxl-hash") ||
	    lh_has_header(m, "x-mxl-notehash") || strstr(id, "<mxl~") != NULL;
}

static int
mxlogic_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_mxlogic(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *gt;
		size_t	    k = len;

		if (!reading) {
			if (k_startswith(line, len, "This message was created automatically by mail delivery software."))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Included is a copy of the message header:")) {
			lh_orig_after(m, "Included is a copy of the message header:");
			break;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0 || k_startswith(l, k, "--"))
			continue;
		/* "  <a@b>: 550 5.1.1 ..." */
		if (l[0] == '<' && (gt = memchr(l, '>', k)) != NULL && gt + 1 < l + k && gt[1] == ':' &&
		    memchr(l, '@', (size_t)(gt - l)) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, l + 1, (size_t)(gt - l - 1));
			d->diagnosis = kb_trimmed(m, gt + 2, (size_t)(l + k - gt - 2));
			continue;
		}
		if (d != NULL && line[0] == ' ' && lh_line_addr(m, l, k) == NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	for (i = 0; i < b->n; i++) {
		const char *s;
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		if ((s = strstr(d->diagnosis, "SMTP error from remote ")) != NULL)
			d->command = smtp_command_find(s, strlen(s));
		if (d->command != NULL && strcmp(d->command, "MAIL") == 0)
			d->reason = "rejected";
		else if (d->command != NULL && (strcmp(d->command, "HELO") == 0 || strcmp(d->command, "EHLO") == 0))
			d->reason = "blocked";
		else if (d->command == NULL)
			d->reason = lh_phrase_sq(m, "exim", d->diagnosis);
		if (d->rhost == NULL && (s = strstr(d->diagnosis, "host ")) != NULL) {
			const char *he = strchr(s + 5, ' ');
			if (he != NULL && he[1] == '[' && he > s + 5)
				d->rhost = kb_str(m, s + 5, (size_t)(he - s - 5));
		}
	}
	return (int)b->n;
}

const struct klhost lhost_mxlogic = { "MXLogic", mxlogic_decode };

/*
 * NAME
 *	gmx - bounces of GMX and mail.com
 * DESCRIPTION
 *	From MAILER-DAEMON@mail.gmx.com (gmx.net, mail.com), with
 *	X-GMX-Antispam and X-GMX-Antivirus fields, Subject "Mail delivery
 *	failed: returning message to sender". The notice opens "This
 *	message was created automatically by mail delivery software." and
 *	lists each recipient quoted, with its error on the next lines:
 *
 *	    "addr@example.jp":
 *	    SMTP error from remote server after RCPT command:
 *	    host: mx.example.jp
 *	    5.2.2 <addr@example.jp>... Mailbox Full
 *
 *	(or "<addr>" alone on a line, then "Reason:" and a text), up to
 *	"--- The header of the original message is following. ---".
 *	Source: Sisimai's Lhost::GMX, observed in bounces of 2014.
 */
#include "lhost.h"

static int
gmx_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!lh_has_header(m, "x-gmx-antispam"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!reading) {
			if (k_startswith(line, len, "This message was created automatically by mail delivery software"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- The header of the original message is following. ---"))
			break;
		if (len == 0)
			continue;
		if ((len > 4 && line[0] == '"' && line[len - 1] == ':' && line[len - 2] == '"') ||
		    (len > 2 && line[0] == '<' && line[len - 1] == '>')) {
			size_t k = line[0] == '"' ? len - 3 : len - 2;
			if (memchr(line, ' ', len) != NULL || !addr_valid(line + 1, k))
				continue;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, line + 1, k);
			continue;
		}
		if (d == NULL)
			continue;
		if (k_startswith(line, len, "SMTP error ")) {
			d->command = smtp_command_find(line, len);
			d->spec = "SMTP";
		} else if (k_startswith(line, len, "host:")) {
			d->rhost = kb_trimmed(m, line + 5, len - 5);
			continue;
		} else if (k_startswith(line, len, "Reason:"))
			continue;
		d->diagnosis = kb_append(m, d->diagnosis, line, len);
	}
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "--- The header of the original message is following. ---");
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		d->reason = lh_phrase(m, "gmx", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_gmx = { "GMX", gmx_decode };

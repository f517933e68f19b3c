/*
 * NAME
 *	einsundeins - bounces of 1&1 IONOS (kundenserver.de)
 * DESCRIPTION
 *	From "Mail Delivery System" <mailer-daemon@kundenserver.de> (or
 *	another 1&1 host), Subject "Mail delivery failed: returning message
 *	to sender", plain text. The notice opens "This message was created
 *	automatically by mail delivery software", names each recipient alone
 *	on a line ("addr@example.eu" or "addr@example.eu:"), then either
 *	"For the following reason:" and 1&1's own text, or the remote
 *	server's refusal on one line: "SMTP error from remote server for
 *	TEXT command, host: smtp.example.fr (192.0.2.1) reason: 550 5.2.0
 *	...". The returned header follows "--- The header of the original
 *	message is following. ---". 1&1's own sentences are in
 *	data/lhost/einsundeins.txt.
 *	Source: Sisimai's Lhost::EinsUndEins, observed in bounces of
 *	2014-2019.
 */
#include "lhost.h"

static int
einsundeins_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!lh_from_has(m, "\"Mail Delivery System\"") && !lh_from_has(m, "@kundenserver.de"))
		return 0;
	if (!lh_subject_starts(m, "Mail delivery failed: returning message to sender"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "--- The header of the original message is following. ---") == NULL)
		return 0;
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		size_t k = len;

		if (!reading) {
			if (k_startswith(line, len, "This message was created automatically by mail delivery software"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- The header of the original message is following. ---"))
			break;
		if (len == 0)
			continue;
		if (line[len - 1] == ':')
			k--;
		if (line[0] != ' ' && memchr(line, ' ', len) == NULL && addr_valid(line, k)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, line, k);
			continue;
		}
		if (d == NULL || k_startswith(line, len, "For the following reason:"))
			continue;
		d->diagnosis = kb_append(m, d->diagnosis, line, len);
	}
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "--- The header of the original message is following. ---");
	for (i = 0; i < b->n; i++) {
		const char *h, *r;
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		/* "... host: smtp.example.fr (192.0.2.1) reason: 550 ..." */
		if ((h = strstr(d->diagnosis, "host: ")) != NULL && (r = strstr(h, " reason:")) != NULL) {
			const char *hs = h + 6, *he = strchr(hs, ' ');
			if (he != NULL && he > hs)
				d->rhost = kb_str(m, hs, (size_t)(he - hs));
			if (strstr(d->diagnosis, "for TEXT command") != NULL)
				d->command = "DATA";
			else
				d->command = smtp_command_find(d->diagnosis, (size_t)(r - d->diagnosis));
			if (strstr(d->diagnosis, "SMTP error") != NULL)
				d->spec = "SMTP";
		}
		d->reason = lh_phrase(m, "einsundeins", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_einsundeins = { "EinsUndEins", einsundeins_decode };

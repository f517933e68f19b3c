/*
 * NAME
 *	mailru - bounces of Mail.Ru (Exim underneath)
 * DESCRIPTION
 *	From mailer-daemon@corp.mail.ru (or another mail.ru host), a
 *	Message-Id of Exim's shape ending in ".mail.ru>" or ".smailru.net>",
 *	a Subject in Russian followed by Exim's ("... Mail failure.",
 *	"Mail delivery failed"). The text gives the failures twice: first
 *	after a Russian preface, then after Exim's "This message was created
 *	automatically by mail delivery software."; each address is indented
 *	by two spaces, its error by four, up to "------ This is a copy of
 *	the message, including all the headers. ------". The English copy is
 *	read. The error names the SMTP command ("SMTP error from remote mail
 *	server after RCPT TO:<...>"); Exim's own sentences are looked up in
 *	data/lhost/exim.txt.
 *	Source: Sisimai's Lhost::MailRu, observed in bounces of 2014-2018.
 */
#include "lhost.h"

/* is_mailru - the sender and the Message-Id are Mail.Ru's */
static int
is_mailru(struct kmsg *m)
{
	const char *id = lh_header(m, "message-id");
	size_t	    n = strlen(id);

	if (!lh_from_has(m, "mailer-daemon@") || !lh_from_has(m, "mail.ru"))
		return 0;
	while (n > 0 && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	return k_endswith_ci(id, n, ".mail.ru>") || k_endswith_ci(id, n, ".smailru.net>");
}

static int
mailru_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_mailru(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (!reading) {
			if (k_startswith(line, len, "This message was created automatically by mail delivery software."))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "------ This is a copy of "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (len > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ' &&
		    memchr(l, ' ', k) == NULL && addr_valid(l, k)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, l, k);
			continue;
		}
		if (d != NULL && len > 4 && memcmp(line, "    ", 4) == 0)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	if (b->n == 0 && lh_failed_recipients(m, b) <= 0)
		return 0;
	lh_orig_after(m, "------ This is a copy of ");
	for (i = 0; i < b->n; i++) {
		const char *s, *h;
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		if ((s = strstr(d->diagnosis, "SMTP error from remote ")) != NULL)
			d->command = smtp_command_find(s, strlen(s));
		/* "host mx.example.jp [192.0.2.12]: 550 ..." */
		if ((h = strstr(d->diagnosis, "host ")) != NULL) {
			const char *hs = h + 5, *he = strchr(hs, ' ');
			if (he != NULL && he[1] == '[' && he > hs)
				d->rhost = kb_str(m, hs, (size_t)(he - hs));
		}
		if (d->command != NULL && strcmp(d->command, "MAIL") == 0)
			d->reason = "rejected";
		else if (d->command != NULL && (strcmp(d->command, "EHLO") == 0 || strcmp(d->command, "HELO") == 0))
			d->reason = "blocked";
		else if (d->command == NULL)
			d->reason = lh_phrase(m, "exim", d->diagnosis);
		if (d->reason != NULL && strcmp(d->reason, "expired") == 0)
			d->action = "delayed";
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_mailru = { "MailRu", mailru_decode };

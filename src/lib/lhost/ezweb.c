/*
 * NAME
 *	ezweb - bounces of au by KDDI's mobile mail (ezweb.ne.jp, au.com)
 * DESCRIPTION
 *	Two of: From Postmaster@ezweb.ne.jp (or Postmaster@au.com), Subject
 *	"Mail System Error - Returned Mail", a Received field "by
 *	<host>.ezweb.ne.jp (EZweb Mail) with" or through an ".au.com" host,
 *	a Message-Id ending in ".ezweb.ne.jp>" or ".au.com>". The text part
 *	is Japanese (ISO-2022-JP) with English lines, for instance:
 *
 *	    The user(s) account is disabled.
 *	    <addr@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)
 *
 *	or "Each of the following recipients was rejected by a remote mail
 *	server." then "    Recipient: <addr>", "    >>> RCPT TO:<addr>",
 *	"    <<< 550 ...", or "<addr>" alone on a line; some add a standard
 *	report. The Japanese lines only repeat the English ones. The
 *	carrier's fixed English sentences state the reason (data/lhost/
 *	ezweb.txt); "X-SPASIGN: NG" marks mail refused by the recipient's
 *	own filter; a refusal in a ">>> RCPT" transcript is of the address.
 *	Source: Sisimai's Lhost::EZweb, observed in bounces of 2008-2012.
 */
#include "lhost.h"

/* is_ezweb - two of the carrier's marks */
static int
is_ezweb(struct kmsg *m)
{
	const char *id = lh_header(m, "message-id");
	size_t	    n = strlen(id);
	int	    score = 0;

	while (n > 0 && (id[n - 1] == ' ' || id[n - 1] == '\t'))
		n--;
	if (lh_from_has(m, "Postmaster@ezweb.ne.jp") || lh_from_has(m, "Postmaster@au.com"))
		score++;
	if (lh_subject_starts(m, "Mail System Error - Returned Mail"))
		score++;
	if (k_endswith_ci(id, n, ".ezweb.ne.jp>") || k_endswith_ci(id, n, ".au.com>"))
		score++;
	if (score == 0)
		return 0;	/* the Received trail alone is not enough */
	if (score == 1 && (lh_received_has(m, "ezweb.ne.jp (EZweb Mail) with") ||
	    lh_received_has(m, ".au.com (")))
		score++;
	return score >= 2;
}

/* ascii - a line without 8-bit bytes */
static int
ascii(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)l[i] >= 0x80)
			return 0;
	return 1;
}

/* recipient_line - "<addr>", "<addr>: text" or "Recipient: <addr>" */
static const char *
recipient_line(struct kmsg *m, const char *l, size_t n, const char **rest)
{
	const char *t = l, *gt;
	size_t	    k = n;

	k_trim(&t, &k);
	if (k_startswith(t, k, "Recipient: <")) {
		t += 11;
		k -= 11;
	} else if (l[0] != '<')
		return NULL;
	if ((gt = memchr(t, '>', k)) == NULL || memchr(t, '@', (size_t)(gt - t)) == NULL ||
	    memchr(t, ' ', (size_t)(gt - t)) != NULL)
		return NULL;
	*rest = gt + 1 < t + k && gt[1] == ':' ? gt + 2 : NULL;
	return kb_str(m, t + 1, (size_t)(gt - t - 1));
}

static int
ezweb_decode(struct kmsg *m, struct kbounce *b)
{
	struct kbounce text;
	struct kds    *t = NULL;
	const char    *p, *cur, *end, *line, *general = NULL, *spa;
	size_t	       n, len, i;
	int	       r;

	if (!is_ezweb(m))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *a, *rest = NULL, *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (len == 0 || !ascii(line, len))
			continue;
		if (k_startswith(line, len, "-----------------------------------------------"))
			break;
		if ((a = recipient_line(m, line, len, &rest)) != NULL) {
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = a;
			if (rest != NULL)
				t->diagnosis = kb_trimmed(m, rest, (size_t)(line + len - rest));
			continue;
		}
		k_trim(&l, &k);
		if (k_startswith(l, k, ">>> ")) {
			if (t != NULL)
				t->command = smtp_command_find(l + 4, k - 4);
			continue;
		}
		if (k_startswith(l, k, "<<< ")) {
			if (t != NULL)
				t->diagnosis = kb_append(m, t->diagnosis, l + 4, k - 4);
			continue;
		}
		if (k_startswith(l, k, "This message is in MIME format") ||
		    k_startswith(l, k, "This is a MIME-encapsulated message"))
			continue;
		general = kb_append(m, general, l, k);
	}
	if ((r = lh_dsn_anywhere(m, b)) < 0)
		return -1;
	if (b->n == 0 && text.n == 0)
		return 0;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	spa = lh_header(m, "x-spasign");
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		const char *why;

		if (d->diagnosis == NULL || d->diagnosis[0] == '\0')
			d->diagnosis = general;
		if (strncmp(spa, "NG", 2) == 0)
			d->reason = "filtered";
		else if ((why = lh_phrase(m, "ezweb", general)) != NULL)
			d->reason = why;
		else if (d->command != NULL && strcmp(d->command, "RCPT") == 0)
			d->reason = "userunknown";
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_ezweb = { "EZweb", ezweb_decode };

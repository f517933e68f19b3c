/*
 * NAME
 *	v5sendmail - bounces written by Sendmail version 5 and its kin
 * DESCRIPTION
 *	Subject "Returned mail: <Why>" with no "see transcript" tail and no
 *	standard report. The notice is the transcript itself, between
 *	"----- Transcript of session follows -----" and "----- Unsent
 *	message follows -----" (or "----- No message was collected -----"):
 *
 *	    While talking to mail.example.co.jp:
 *	    >>> RCPT To:<a@b>
 *	    <<< 550 Requested User Mailbox not found.
 *	    550 <a@b>... User unknown
 *	    550 example.org (smtp)... 550 Host unknown
 *	    554 <c@example.org>... 550 Host unknown (Authoritative answer ...)
 *
 *	"While talking to <host>:" opens a session whose last command
 *	(">>>") and reply ("<<<") belong to the recipients listed within it;
 *	a line about another host ("NNN host (smtp)... text") closes it, and
 *	recipients after that carry only their own text.
 *	Source: Sendmail 5.x deliver.c/savemail.c (observed in bounces),
 *	Sisimai::Lhost::V5sendmail (markers).
 */
#include "lhost.h"

struct session {
	const char *host;
	size_t	    hostlen;
	const char *cmd;
	const char *reply;
};

/* host_line - "NNN host (smtp)... text": the host, or NULL */
static const char *
host_line(const char *l, size_t n, size_t *hn)
{
	const char *h, *e;

	if (n < 8 || !k_isdigit((unsigned char)l[0]) || l[3] != ' ' || l[4] == '<')
		return NULL;
	h = l + 4;
	if ((e = lh_find(h, (size_t)(l + n - h), " (")) == NULL || memchr(h, ' ', (size_t)(e - h)) != NULL)
		return NULL;
	if (lh_find(e, (size_t)(l + n - e), ")...") == NULL)
		return NULL;
	*hn = (size_t)(e - h);
	return h;
}

static int
v5sendmail_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *s = m->subject;
	size_t	    n, len, i;
	struct kds *d;
	struct session ss;
	int	    reading = 0, unsent = 0;

	if (!lh_subject_starts(m, "Returned mail: ") || lh_subject_has(m, "see transcript for details"))
		return 0;
	while (*s == ' ')
		s++;
	if (!k_isalpha((unsigned char)s[15]) || s[15] != k_upper((unsigned char)s[15]))
		return 0;
	memset(&ss, 0, sizeof(ss));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *h, *gt;
		size_t	    k = len, hn;

		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "----- Transcript of session follows -----"))
				reading = 1;
			continue;
		}
		if (k_startswith(l, k, "----- Unsent message follows -----") ||
		    k_startswith(l, k, "----- No message was collected -----")) {
			unsent = 1;
			break;
		}
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			return 0;	/* Sendmail 8 */
		if (k == 0)
			continue;
		if (k_startswith_ci(l, k, "While talking to ")) {
			memset(&ss, 0, sizeof(ss));
			ss.host = l + 17;
			ss.hostlen = k - 17;
			if (ss.hostlen > 0 && ss.host[ss.hostlen - 1] == ':')
				ss.hostlen--;
			continue;
		}
		if (k_startswith(l, k, ">>> ")) {
			if (k >= 8 && k_isalpha((unsigned char)l[4])) {
				char c[4];
				size_t j;
				for (j = 0; j < 4; j++)
					c[j] = (char)k_upper((unsigned char)l[4 + j]);
				ss.cmd = kb_str(m, c, 4);
			}
			ss.reply = NULL;
			continue;
		}
		if (k_startswith(l, k, "<<< ")) {
			ss.reply = kb_append(m, ss.reply, l + 4, k - 4);
			continue;
		}
		if ((h = host_line(l, k, &hn)) != NULL) {
			if (ss.host != NULL && !(hn == ss.hostlen && k_strncaseeq(h, ss.host, hn)))
				memset(&ss, 0, sizeof(ss));
			continue;
		}
		/* "NNN <a@b>... text" */
		if (k > 8 && k_isdigit((unsigned char)l[0]) && l[3] == ' ' && l[4] == '<' &&
		    (gt = memchr(l, '>', k)) != NULL && gt + 4 <= l + k && memcmp(gt + 1, "...", 3) == 0 &&
		    addr_valid(l + 5, (size_t)(gt - l - 5))) {
			const char *t = gt + 4;
			size_t	    tn = (size_t)(l + k - t);
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, l + 5, (size_t)(gt - l - 5));
			k_trim(&t, &tn);
			d->diagnosis = kb_str(m, t, tn);
			if (ss.host != NULL) {
				d->rhost = kb_str(m, ss.host, ss.hostlen);
				d->command = ss.cmd;
				if (ss.reply != NULL) {
					/* "Remote protocol error: 550 Insecure Mail Relay" */
					size_t an = strlen(d->diagnosis), rn = strlen(ss.reply);
					char  *x = ka_alloc(m->a, an + rn + 3);
					if (x == NULL)
						return -1;
					memcpy(x, d->diagnosis, an);
					memcpy(x + an, ": ", 2);
					memcpy(x + an + 2, ss.reply, rn + 1);
					d->diagnosis = x;
				}
			}
		}
	}
	if (!unsent)
		return 0;
	if (b->n == 0) {
		lh_orig_after(m, "----- Unsent message follows -----");
		if (kb_add(m, b) == NULL)
			return -1;
		lh_recipient_from_orig(m, b);
		return (int)b->n;
	}
	for (i = 0; i < b->n; i++)
		lh_fill_codes(m, &b->ds[i]);
	lh_orig_after(m, "----- Unsent message follows -----");
	return (int)b->n;
}

const struct klhost lhost_v5sendmail = { "V5sendmail", v5sendmail_decode };

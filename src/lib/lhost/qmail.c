/*
 * NAME
 *	qmail - bounces written by qmail-send and its clones
 * DESCRIPTION
 *	Subject "failure notice", or a "(qmail N invoked for bounce)"
 *	Received trail. The notice opens with "Hi. This is the qmail-send
 *	program at <host>." (clones reword the program name), lists
 *	"<addr>:" alone on a line followed by the remote server's words, and
 *	ends at "--- Below this line is a copy of the message." The words
 *	name the stage that failed: "Connected to <host> but greeting
 *	failed", "... but my name was rejected" (EHLO), "... but sender was
 *	rejected" (MAIL), "<host> does not like recipient" (RCPT), "failed
 *	on DATA command" (DATA).
 *	Source: qmail-send.c, qmail-remote.c (observed in bounces).
 */
#include "lhost.h"

static const struct {
	const char *text;
	const char *command;
} stages[] = {
	{ "but greeting failed.", "CONN" },
	{ "but my name was rejected.", "EHLO" },
	{ "but sender was rejected.", "MAIL" },
	{ "does not like recipient.", "RCPT" },
	{ "failed on DATA command.", "DATA" },
	{ "failed after I sent the message.", "DATA" },
};

/* is_qmail - by subject or by the Received trail of qmail */
static int
is_qmail(struct kmsg *m)
{
	const struct khdr *h = NULL;

	if (lh_subject_starts(m, "failure notice"))
		return 1;
	while ((h = kh_find_next(&m->hdr, h, "received")) != NULL) {
		const char *v = h->val;
		size_t	    n = h->vlen;
		k_trim(&v, &n);
		if (k_startswith(v, n, "(qmail ") &&
		    (k_strstr_ci(v, n, "invoked for bounce") || k_strstr_ci(v, n, "invoked from network")))
			return 1;
	}
	return 0;
}

static int
qmail_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_qmail(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!reading) {
			if (k_startswith(line, len, "Hi. This is the qmail") ||
			    (k_startswith(line, len, "Hi. This is the ") && lh_line_has(line, len, " program at ")) ||
			    k_startswith(line, len, "This is the qmail"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- Below this line is a copy of the message") ||
		    k_startswith(line, len, "--- Enclosed are the original headers"))
			break;
		if (len == 0)
			continue;
		{
			/* "<addr>:" or "To: <addr>:" alone on a line */
			const char *l = line;
			size_t	    k = len;
			if (k_startswith(l, k, "To:")) {
				l += 3;
				k -= 3;
				k_trim(&l, &k);
			}
			if (k > 3 && l[0] == '<' && l[k - 1] == ':' && l[k - 2] == '>' &&
			    memchr(l, '@', k) != NULL) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = kb_str(m, l + 1, k - 3);
				continue;
			}
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, line, len);
	}
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "--- Below this line is a copy of the message");
	for (i = 0; i < b->n; i++)
		lh_qmail_verdict(m, &b->ds[i], "qmail");
	return (int)b->n;
}

/*
 * lh_qmail_verdict - command, reason and codes of a record of qmail or
 *	of a clone that words its notice differently (x4.c): the stage that
 *	failed names the command, a refused sender is rejected, a refused
 *	greeting blocked, the family's table (data/lhost/<family>.txt) the
 *	rest; "Remote host said:" carries the server's own codes.
 */
void
lh_qmail_verdict(struct kmsg *m, struct kds *d, const char *family)
{
	size_t j;

	if (d->diagnosis == NULL)
		return;
	for (j = 0; j < sizeof(stages) / sizeof(stages[0]); j++)
		if (strstr(d->diagnosis, stages[j].text) != NULL) {
			d->command = stages[j].command;
			break;
		}
	if (d->command == NULL) {
		const char *q = strstr(d->diagnosis, "most progress was ");
		if (q != NULL && strlen(q) >= 22)
			d->command = kb_str(m, q + 18, 4);
	}
	if (d->command != NULL && strcmp(d->command, "MAIL") == 0)
		d->reason = "rejected";
	else if (d->command != NULL && (strcmp(d->command, "EHLO") == 0 || strcmp(d->command, "HELO") == 0))
		d->reason = "blocked";
	else if (strstr(d->diagnosis, " does not like recipient.") != NULL &&
	    strstr(d->diagnosis, "this message has been in the queue too long.") != NULL)
		d->reason = "onhold";
	else
		d->reason = lh_phrase_sq(m, family, d->diagnosis);
	lh_fill_codes(m, d);
}

const struct klhost lhost_qmail = { "qmail", qmail_decode };

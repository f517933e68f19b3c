/*
 * NAME
 *	imailserver - bounces written by Ipswitch IMail Server
 * DESCRIPTION
 *	Subject "Undeliverable Mail", X-Mailer "<SMTP32 vN>". The notice is
 *	short: one line per recipient, "<why>: a@b" ("Unknown user:
 *	a@b", "Delivery failed 20 attempts: a@b", "Invalid final delivery
 *	userid: a@b") or "undeliverable to a@b", then for remote failures
 *	the session stage and the reply ("Body of message generated
 *	response:", "Server response to MAIL FROM:", "Additional RCPT TO
 *	generated following response:", ...). The returned message follows
 *	"Original message follows.".
 *	Source: Sisimai::Lhost::IMailServer (markers, phrases), observed.
 */
#include "lhost.h"

/* Stages of the SMTP session as the notice names them. */
static const struct {
	const char *text;
	const char *command;
} stages[] = {
	{ "SMTP connection failed,", "CONN" },
	{ "Unexpected connection response from server:", "CONN" },
	{ "Unexpected response to EHLO/HELO:", "EHLO" },
	{ "Server response to MAIL FROM:", "MAIL" },
	{ "Additional RCPT TO generated following response:", "RCPT" },
	{ "DATA command generated response:", "DATA" },
	{ "Body of message generated response:", "DATA" },
};

/* subject_is - the subject is "Undeliverable Mail" and nothing more */
static int
subject_is(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	k_trim(&s, &n);
	return n == 18 && k_startswith(s, n, "Undeliverable Mail");
}

static int
imailserver_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *alt = NULL, *cmd = NULL;
	size_t	    n, len, i, j;
	struct kds *d = NULL;

	if (!lh_header_has(m, "x-mailer", "<SMTP32 v") && !subject_is(m->subject))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *colon;
		size_t	    k = len;

		if (k_startswith(line, len, "Original message follows.") ||
		    k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (k_startswith_ci(l, k, "undeliverable to ")) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = lh_addr(m, l + 17, k - 17);
			continue;
		}
		/* "<why>: a@b" with the address ending the line */
		colon = memchr(l, ':', k);
		if (colon != NULL && colon > l && memchr(l, ' ', (size_t)(colon - l)) != NULL &&
		    !k_startswith(l, k, "To:") && lh_line_addr(m, colon + 1, (size_t)(l + k - colon - 1)) != NULL) {
			int stage = 0;
			for (j = 0; j < sizeof(stages) / sizeof(stages[0]); j++)
				if (k_startswith(l, k, stages[j].text))
					stage = 1;
			if (!stage) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = lh_line_addr(m, colon + 1, (size_t)(l + k - colon - 1));
				d->diagnosis = kb_str(m, l, (size_t)(colon - l));
				continue;
			}
		}
		for (j = 0; j < sizeof(stages) / sizeof(stages[0]); j++)
			if (k_startswith(l, k, stages[j].text)) {
				cmd = stages[j].command;
				alt = kb_append(m, NULL, l, k);
				break;
			}
		if (j < sizeof(stages) / sizeof(stages[0]))
			continue;
		if (alt != NULL)
			alt = kb_append(m, alt, l, k);
	}
	if (b->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (alt != NULL) {
			d->diagnosis = d->diagnosis ? kb_append(m, alt, d->diagnosis, strlen(d->diagnosis)) : alt;
			d->command = cmd;
		}
		if (d->diagnosis == NULL)
			continue;
		d->reason = lh_phrase_sq(m, "imailserver", d->diagnosis);
		lh_fill_codes(m, d);
	}
	lh_orig_after(m, "Original message follows.");
	return (int)b->n;
}

const struct klhost lhost_imailserver = { "IMailServer", imailserver_decode };

/*
 * NAME
 *	outlook - bounces written by Outlook.com (formerly Hotmail)
 * DESCRIPTION
 *	Subject "Delivery Status Notification (Failure)" or "(Delay)" from
 *	postmaster@... with two of: X-Message-Delivery, X-Message-Info, a
 *	Received trail through *.hotmail.com. The notice ("This is an
 *	automatically generated Delivery Status Notification.", "Delivery
 *	to the following recipients failed." or "has been delayed.", each
 *	recipient indented) comes with a standard report. Without a
 *	Diagnostic-Code the notice's sentence is the diagnosis. Hotmail's
 *	own "550 Requested action not taken: mailbox unavailable" means
 *	the mailbox does not exist (data/lhost/outlook.txt).
 *	Source: Sisimai::Lhost::Outlook (markers), observed bounces.
 */
#include "lhost.h"

static int
outlook_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *sentence = NULL;
	size_t	    n, len, i;
	int	    s = 0;
	struct kbounce text;

	if (!lh_subject_has(m, "Delivery Status Notification"))
		return 0;
	s += lh_has_header(m, "x-message-delivery");
	s += lh_has_header(m, "x-message-info");
	s += lh_received_has(m, ".hotmail.com");
	if (s == 0)	/* the subject and one more mark */
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *a;
		if (k_startswith(line, len, "Content-Type: message/"))
			break;
		if (k_startswith(line, len, "Delivery to the following recipients")) {
			sentence = kb_trimmed(m, line, len);
			continue;
		}
		if (sentence != NULL && len > 0 && line[0] == ' ' && (a = lh_line_addr(m, line, len)) != NULL) {
			struct kds *t = kb_add(m, &text);
			if (t == NULL)
				return -1;
			t->recipient = a;
		}
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->diagnosis == NULL || d->diagnosis[0] == '\0')
			d->diagnosis = sentence;
		if (d->diagnosis != NULL)
			d->reason = lh_phrase_sq(m, "outlook", d->diagnosis);
	}
	return (int)b->n;
}

const struct klhost lhost_outlook = { "Outlook", outlook_decode };

/*
 * NAME
 *	messagelabs - bounces written by MessageLabs (Symantec Email
 *	Security.cloud, Broadcom)
 * DESCRIPTION
 *	X-Msg-Ref "server-N.tower-N.messagelabs.com!...", From
 *	MAILER-DAEMON@messagelabs.com, subject "Mail Delivery Failure".
 *	The notice ("This is the mail delivery agent at Symantec Email
 *	Security.cloud.", "I was unable to deliver your message to the
 *	following addresses:", the address alone, "Reason: <reply>") is
 *	followed by a standard report, fields in any order.
 *	Source: Sisimai::Lhost::MessageLabs (markers), observed bounces.
 */
#include "lhost.h"

static int
messagelabs_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kbounce text;
	struct kds *t = NULL;
	int	    reading = 0;

	if (!lh_has_header(m, "x-msg-ref") || !lh_from_has(m, "@messagelabs.com") ||
	    !lh_subject_starts(m, "Mail Delivery Failure"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "I was unable to deliver your message to the following addresses"))
				reading = 1;
			continue;
		}
		if (k == 0 || k_startswith(l, k, "The message subject was:")) {
			if (t != NULL && t->diagnosis != NULL)
				reading = 0;
			continue;
		}
		if ((a = lh_line_addr(m, l, k)) != NULL) {
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = a;
			continue;
		}
		if (t == NULL)
			continue;
		if (k_startswith(l, k, "Reason:"))
			t->diagnosis = kb_trimmed(m, l + 7, k - 7);
		else if (t->diagnosis != NULL)
			t->diagnosis = kb_append(m, t->diagnosis, l, k);
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	return lh_merge_judge(m, b, &text, "messagelabs");
}

const struct klhost lhost_messagelabs = { "MessageLabs", messagelabs_decode };

/*
 * NAME
 *	interscanmss - bounces written by Trend Micro InterScan Messaging
 *	Security Suite (IMSS) and InterScan MSS
 * DESCRIPTION
 *	From "InterScan MSS" or "InterScan Notification", or a subject of
 *	"Mail could not be delivered" (Japanese: "メッセージを配信できません。",
 *	"メール配信に失敗しました"), with a notice framed by "****** Message
 *	from InterScan Messaging Security Suite ******" and "*** End of
 *	message ***". Either the session is quoted ("Sent <<< RCPT
 *	TO:<a@b>", "Received >>> 550 5.1.1 <a@b>... user unknown") or one
 *	line says "Reason: Unable to deliver message to <a@b> (and other
 *	recipients in the same domain)." — the suite's own wording for a
 *	recipient the next hop refused.
 *	Source: Sisimai::Lhost::InterScanMSS (markers), observed bounces.
 */
#include "lhost.h"

/* is_imss - the sender, the subject or the notice's frame */
static int
is_imss(struct kmsg *m)
{
	const char *s = m->subject ? m->subject : "";
	size_t	    n = strlen(s);

	if (lh_from_has(m, "\"InterScan MSS\"") || lh_from_has(m, "\"InterScan Notification\"") ||
	    lh_from_has(m, "InterScan MSS <") || lh_from_has(m, "InterScan Notification <"))
		return 1;
	k_trim(&s, &n);
	if ((n == 27 && k_startswith(s, n, "Mail could not be delivered")) ||
	    k_startswith(s, n, "メッセージを配信できません。") || k_startswith(s, n, "メール配信に失敗しました"))
		return 1;
	return 0;
}

static int
interscanmss_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;

	if (!is_imss(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a = NULL, *q;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if ((q = lh_find(l, k, "Unable to deliver message to <")) != NULL)
			a = lh_addr(m, q, (size_t)(l + k - q));
		else if ((q = lh_find(l, k, "<<< ")) != NULL && lh_find(l, k, "RCPT TO:") != NULL)
			a = lh_addr(m, q, (size_t)(l + k - q));
		if (a != NULL) {
			if (d == NULL || !lh_same_addr(d->recipient, a)) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = a;
			}
			if (lh_find(l, k, "Unable to deliver") != NULL) {
				d->diagnosis = kb_str(m, l, k);
				d->reason = "userunknown";
			}
			if ((q = lh_find(l, k, "<<< ")) != NULL && q + 8 <= l + k)
				d->command = kb_str(m, q + 4, 4);
			continue;
		}
		/* "Received >>> 550 5.1.1 <a@b>... user unknown" */
		if (d != NULL && (q = lh_find(l, k, ">>> ")) != NULL &&
		    k_isdigit((unsigned char)q[4])) {
			d->diagnosis = kb_str(m, q + 4, (size_t)(l + k - q - 4));
			d->reason = NULL;
		}
	}
	for (i = 0; i < b->n; i++) {
		char *c = (char *)b->ds[i].command;
		if (c != NULL) {
			size_t j;
			for (j = 0; j < 4; j++)
				c[j] = (char)k_upper((unsigned char)c[j]);
		}
		lh_fill_codes(m, &b->ds[i]);
	}
	return (int)b->n;
}

const struct klhost lhost_interscanmss = { "InterScanMSS", interscanmss_decode };

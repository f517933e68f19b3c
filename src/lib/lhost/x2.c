/*
 * NAME
 *	x2 - bounces of an unnamed qmail-based MTA (old Yahoo! Mail and kin)
 * DESCRIPTION
 *	From MAILER-DAEMON@..., subjects "Delivery failure", "failure
 *	delivery", "failed delivery", "Permanent Delivery Failure". The
 *	notice: "Message from <host>.", "Unable to deliver message to the
 *	following address(es).", then "<a@b>:" alone on a line and the
 *	reason on the following lines, up to "--- Original message
 *	follows.". qmail's "I'm not going to try again; this message has
 *	been in the queue too long." means the message expired in the queue.
 *	Source: Sisimai::Lhost::X2 (markers), observed bounces.
 */
#include "lhost.h"

static int
x2_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!lh_from_has(m, "MAILER-DAEMON@"))
		return 0;
	if (!lh_subject_starts(m, "Delivery failure") && !lh_subject_starts(m, "failure delivery") &&
	    !lh_subject_starts(m, "failed delivery") && !lh_subject_starts(m, "Permanent Delivery Failure"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (!reading) {
			if (k_startswith(line, len, "Unable to deliver message to the following address"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- Original message follows.") ||
		    k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (k > 4 && l[0] == '<' && l[k - 1] == ':' && l[k - 2] == '>' && addr_valid(l + 1, k - 3)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, l + 1, k - 3);
			continue;
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		if (strstr(d->diagnosis, "this message has been in the queue too long.") != NULL)
			d->reason = "expired";
		lh_fill_codes(m, d);
	}
	lh_orig_after(m, "--- Original message follows.");
	return (int)b->n;
}

const struct klhost lhost_x2 = { "X2", x2_decode };

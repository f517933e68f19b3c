/*
 * NAME
 *	notes - bounces written by the Lotus Notes SMTP MTA
 * DESCRIPTION
 *	Subject "Undeliverable message". The notice is framed by
 *	"------- Failure Reasons --------" and "------- Returned Message
 *	--------": the reason text comes first, then the failed address
 *	alone on a line; the returned message follows. Notes writes the
 *	reason in the server's language (data/lhost/notes.txt). Without an
 *	address, the returned message's To: is the recipient.
 *	Source: Sisimai::Lhost::Notes (markers, phrases), observed bounces.
 */
#include "lhost.h"

static int
notes_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *why = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    reading = 0;

	if (!lh_subject_starts(m, "Undeliverable message"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a;
		size_t	    k = len;

		if (!reading) {
			if (k_startswith(line, len, "------- Failure Reasons"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "------- Returned Message")) {
			lh_orig_after(m, "------- Returned Message");
			break;
		}
		k_trim(&l, &k);
		if (k == 0 || l[0] == '-')
			continue;
		if ((a = lh_line_addr(m, l, k)) != NULL) {
			/* The reason lines before the address are its diagnosis. */
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
			d->diagnosis = why;
			why = NULL;
			continue;
		}
		why = kb_append(m, why, l, k);
	}
	if (!reading)
		return 0;
	if (b->n == 0) {
		if ((d = kb_add(m, b)) == NULL)
			return -1;
		d->diagnosis = why;
		lh_recipient_from_orig(m, b);
	} else if (why != NULL && b->ds[b->n - 1].diagnosis == NULL)
		b->ds[b->n - 1].diagnosis = why;
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis != NULL)
			d->reason = lh_phrase_sq(m, "notes", d->diagnosis);
	}
	return (int)b->n;
}

const struct klhost lhost_notes = { "Notes", notes_decode };

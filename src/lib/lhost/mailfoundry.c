/*
 * NAME
 *	mailfoundry - bounces written by MailFoundry
 * DESCRIPTION
 *	Subject "Message delivery has failed", a Received trail stamped
 *	"(MAILFOUNDRY) id". The notice: "Unable to deliver message to:
 *	<a@b>", then "Delivery failed for the following reason:" and the
 *	remote reply ("Server mx[192.0.2.1] failed with: 550 ...").
 *	Source: Sisimai::Lhost::MailFoundry (markers), observed bounces.
 */
#include "lhost.h"

static int
mailfoundry_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    why = 0;

	if (!lh_subject_starts(m, "Message delivery has failed") || !lh_received_has(m, "(MAILFOUNDRY) id"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0 || l[0] == '-')
			continue;
		if (k_startswith(l, k, "Unable to deliver message to:")) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = lh_addr(m, l + 29, k - 29);
			why = 0;
			continue;
		}
		if (d == NULL)
			continue;
		if (k_startswith(l, k, "Delivery failed for the following reason:")) {
			why = 1;
			continue;
		}
		if (why && !k_startswith(l, k, "This has been a permanent failure"))
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	for (i = 0; i < b->n; i++)
		lh_fill_codes(m, &b->ds[i]);
	return (int)b->n;
}

const struct klhost lhost_mailfoundry = { "MailFoundry", mailfoundry_decode };

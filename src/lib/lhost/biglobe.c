/*
 * NAME
 *	biglobe - bounces of BIGLOBE (and the cable ISPs on its mail system)
 * DESCRIPTION
 *	From postmaster@biglobe.ne.jp (inacatv.ne.jp, tmtv.ne.jp, ttv.ne.jp),
 *	Subject "Returned mail: ...", a Japanese and English text:
 *
 *	       ----- The following addresses had delivery problems -----
 *	    addr@example.jp
 *
 *	       ----- Non-delivered information -----
 *	    The number of messages in recipient's mailbox exceeded the local
 *	    limit.
 *
 *	then the returned message. BIGLOBE's fixed sentences are listed in
 *	data/lhost/biglobe.txt.
 *	Source: Sisimai's Lhost::Biglobe (markers and sentences).
 */
#include "lhost.h"

static int
biglobe_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len, i;
	int	    reading = 0;

	if (!lh_subject_starts(m, "Returned mail:") || !lh_from_has(m, "postmaster@") ||
	    !(lh_from_has(m, "@biglobe.ne.jp") || lh_from_has(m, "@inacatv.ne.jp") ||
	    lh_from_has(m, "@tmtv.ne.jp") || lh_from_has(m, "@ttv.ne.jp")))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "----- The following addresses had delivery problems -----"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: message/rfc822"))
			break;
		if (k == 0 || !k_isalnum((unsigned char)l[0]))
			continue;
		if (memchr(l, ' ', k) == NULL && memchr(l, '@', k) != NULL) {
			struct kds *d = kb_add(m, b);
			if (d == NULL)
				return -1;
			d->recipient = lh_addr(m, l, k);
			continue;
		}
		diag = kb_append(m, diag, l, k);
	}
	if (b->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		d->diagnosis = diag;
		d->reason = lh_phrase(m, "biglobe", diag);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_biglobe = { "Biglobe", biglobe_decode };

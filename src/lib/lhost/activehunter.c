/*
 * NAME
 *	activehunter - bounces written by TransWARE Active!hunter
 * DESCRIPTION
 *	The gateway stamps its notices with an X-AHMailID header and a
 *	"----=_Active!Hunter_" MIME boundary. The notice imitates Sendmail:
 *	"----- The following addresses had permanent fatal errors -----",
 *	then each recipient as ">>> name <addr>", then under "----- Transcript
 *	of session follows -----" the remote server's reply on one line
 *	("550 sorry, no mailbox here by that name (#5.1.1 - chkusr)").
 *	Source: Sisimai::Lhost::Activehunter (markers), observed bounces.
 */
#include "lhost.h"

static int
activehunter_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    reading = 0;

	if (!lh_has_header(m, "x-ahmailid") &&
	    !lh_header_has(m, "content-type", "=_Active!Hunter_"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "----- The following addresses had "))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		if (k == 0 || k_startswith(l, k, "-----"))
			continue;
		if (k_startswith(l, k, ">>> ")) {
			/* ">>> kijitora@example.org <kijitora@example.org>" */
			const char *a = lh_addr(m, l + 4, k - 4);
			if (a == NULL)
				continue;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
			continue;
		}
		/* The first line of the transcript is the server's reply. */
		if (diag == NULL && k_isalnum((unsigned char)l[0]))
			diag = kb_str(m, l, k);
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->diagnosis = diag;
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_activehunter = { "Activehunter", activehunter_decode };

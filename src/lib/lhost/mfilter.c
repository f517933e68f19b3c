/*
 * NAME
 *	mfilter - bounces written by m-FILTER (Digital Arts)
 * DESCRIPTION
 *	X-Mailer "m-FILTER", subject "failure notice". The notice is
 *	Japanese ("このメールは「m-FILTER」が自動的に生成して送信しています。"),
 *	lists each failed address alone on a line, then sections introduced
 *	by "-------server message" (the remote reply) and "-------SMTP
 *	command" (the command it answered), and ends at "-------original
 *	message" or "-------original mail info". Sites that relabel the
 *	X-Mailer keep the sections, which are enough with the subject.
 *	Source: Sisimai::Lhost::mFILTER (markers), observed bounces.
 */
#include "lhost.h"

static int
mfilter_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL, *cmd = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    section = 0;	/* 1 server message, 2 SMTP command */

	if (!lh_subject_starts(m, "failure notice"))
		return 0;
	lh_notice(m, &p, &n);
	if (!lh_header_has(m, "x-mailer", "m-FILTER") && lh_find_line(p, n, "-------server message") == NULL)
		return 0;
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a;
		size_t	    k = len;

		if (k_startswith(line, len, "-------original ") || k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (k_startswith(l, k, "-------server message")) {
			section = 1;
			continue;
		}
		if (k_startswith(l, k, "-------SMTP command")) {
			section = 2;
			continue;
		}
		if (l[0] == '-')
			continue;
		if (section == 0 && (a = lh_line_addr(m, l, k)) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
		} else if (section == 1 && diag == NULL)
			diag = kb_str(m, l, k);
		else if (section == 2 && cmd == NULL && k >= 4 && k_isalpha((unsigned char)l[0]))
			cmd = kb_str(m, l, 4);
	}
	if (b->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->diagnosis = diag;
		d->command = cmd;
		lh_fill_codes(m, d);
	}
	lh_orig_after(m, "-------original message");
	return (int)b->n;
}

const struct klhost lhost_mfilter = { "mFILTER", mfilter_decode };

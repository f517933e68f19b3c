/*
 * NAME
 *	domino - bounces written by Lotus (IBM, HCL) Domino
 * DESCRIPTION
 *	Subject "DELIVERY FAILURE: <why>" (or "DELIVERY_FAILURE:"). The
 *	notice reads
 *
 *	    Your message
 *	      Subject: ...
 *	    was not delivered to:
 *	      a@b
 *	    because:
 *	      User x (a@b) not listed in Domino Directory
 *
 *	and newer servers add a standard report whose Diagnostic-Code has
 *	the type X-Notes. The router's wordings state the reason
 *	(data/lhost/domino.txt). When the report names another address than
 *	the notice (an alias resolved by the directory), the report's is
 *	the recipient and the notice's the alias.
 *	Source: Sisimai::Lhost::Domino (markers, phrases), observed bounces.
 */
#include "lhost.h"

static int
domino_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kbounce text;
	struct kds *t = NULL;
	int	    state = 0;	/* 1 "Your message", 2 address, 3 because */

	if (!lh_subject_starts(m, "DELIVERY FAILURE:") && !lh_subject_starts(m, "DELIVERY_FAILURE:"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (state == 0) {
			if (k_startswith(line, len, "Your message"))
				state = 1;
			continue;
		}
		if (k_startswith(line, len, "was not delivered to:")) {
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			state = 2;
			continue;
		}
		if (t == NULL)
			continue;
		if (k_startswith(line, len, "because:")) {
			state = 3;
			continue;
		}
		if (state == 2 && t->recipient == NULL)
			t->recipient = lh_addr(m, l, k);
		else if (state == 3)
			t->diagnosis = kb_append(m, t->diagnosis, l, k);
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	for (i = 0; i < b->n && i < text.n; i++) {
		/* The report's address, when it differs, is the resolved one. */
		struct kds *d = &b->ds[i];
		if (d->alias == NULL && text.ds[i].recipient != NULL &&
		    !lh_same_addr(d->recipient, text.ds[i].recipient))
			d->alias = text.ds[i].recipient;
		if (text.ds[i].diagnosis != NULL)
			d->diagnosis = text.ds[i].diagnosis;
	}
	return lh_merge_judge(m, b, &text, "domino");
}

const struct klhost lhost_domino = { "Domino", domino_decode };

/*
 * NAME
 *	mcafee - bounces written by McAfee Email Gateway (Email and Web
 *	Security Appliance)
 * DESCRIPTION
 *	X-NAI-Header "Modified by McAfee ...", subject "Delivery Status".
 *	The notice "--- The following addresses had delivery problems ---"
 *	lists "<a@b>   (reason)"; a delivery-status part follows whose
 *	recipient field is often only Original-Recipient. The appliance's
 *	"Unknown user" wording does not say at which stage the recipient
 *	was refused, so no reason is decided here.
 *	Source: Sisimai::Lhost::McAfee (markers), observed bounces.
 */
#include "lhost.h"

static int
mcafee_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kbounce text;
	int	    reading = 0;

	if (!lh_header_has(m, "x-nai-header", "Modified by McAfee"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *gt, *op, *cp;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (!reading) {
			if (lh_find(l, k, "--- The following addresses had delivery problems ---") != NULL)
				reading = 1;
			continue;
		}
		/* "<a@b>   (Unknown user a@b)" */
		if (k > 3 && l[0] == '<' && (gt = memchr(l, '>', k)) != NULL &&
		    memchr(l, '@', (size_t)(gt - l)) != NULL) {
			struct kds *t = kb_add(m, &text);
			if (t == NULL)
				return -1;
			t->recipient = kb_str(m, l + 1, (size_t)(gt - l - 1));
			if ((op = memchr(gt, '(', (size_t)(l + k - gt))) != NULL) {
				cp = l + k;
				while (cp > op && cp[-1] != ')')
					cp--;
				if (cp > op + 1)
					t->diagnosis = kb_str(m, op + 1, (size_t)(cp - op - 2));
			}
		}
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	for (i = 0; i < b->n; i++)
		if (b->ds[i].recipient == NULL)
			b->ds[i].recipient = b->ds[i].alias;
	return lh_merge(m, b, &text);
}

const struct klhost lhost_mcafee = { "McAfee", mcafee_decode };

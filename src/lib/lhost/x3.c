/*
 * NAME
 *	x3 - bounces of an unnamed MTA ("Delivery status notification")
 * DESCRIPTION
 *	From "Mail Delivery System", subject "Delivery status notification".
 *	The notice, between rules of "=" signs: "This is an automatically
 *	generated Delivery Status Notification." (indented), "Delivery to
 *	the following recipients failed permanently:" (or "was aborted after
 *	N hour(s):", sometimes misspelt "Delevery"), each recipient as
 *	"  * a@b", then "Technical details:" with "SMTP:RCPT host
 *	192.0.2.8: 553 ..." (the command and the reply) or "Routing: ...".
 *	A delivery aborted after hours in the queue with no server's reply
 *	has expired.
 *	Some versions attach a standard report instead.
 *	Source: Sisimai::Lhost::X3 (markers), observed bounces.
 */
#include "lhost.h"

static int
x3_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL, *cmd = NULL, *dly = NULL;
	size_t	    n, len, i;
	struct kbounce text;
	int	    reading = 0;

	if (m->from == NULL || !k_startswith(m->from, strlen(m->from), "Mail Delivery System") ||
	    !lh_subject_starts(m, "Delivery status notification"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "This is an automatically generated Delivery Status Notification."))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		if (k == 0 || l[0] == '=')
			continue;
		if (lh_line_has(l, k, " was aborted after ")) {
			dly = kb_str(m, l, k);
			continue;
		}
		if (k > 2 && l[0] == '*' && l[1] == ' ') {
			const char *a = lh_line_addr(m, l + 2, k - 2);
			struct kds *t;
			if (a == NULL)
				continue;
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = a;
			continue;
		}
		if (k_startswith(l, k, "SMTP:")) {
			/* "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@b>... No such user here" */
			const char *c = l + 5, *sp = memchr(c, ' ', (size_t)(l + k - c)), *h;
			if (sp != NULL && sp - c == 4)
				cmd = kb_str(m, c, 4);
			if (sp != NULL && (h = lh_find(sp, (size_t)(l + k - sp), ": ")) != NULL)
				diag = kb_trimmed(m, h + 2, (size_t)(l + k - h - 2));
			else
				diag = kb_str(m, l, k);
		} else if (k_startswith(l, k, "Routing: "))
			diag = kb_trimmed(m, l + 9, k - 9);
	}
	for (i = 0; i < text.n; i++) {
		text.ds[i].diagnosis = diag ? diag : dly;
		text.ds[i].command = cmd;
		/* Given up after hours in the queue, no server refused it. */
		if (dly != NULL && cmd == NULL)
			text.ds[i].reason = "expired";
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->reason != NULL && d->diagnosis != NULL && d->diagnosis != diag && d->diagnosis != dly)
			d->reason = NULL;	/* the report quotes a server */
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_x3 = { "X3", x3_decode };

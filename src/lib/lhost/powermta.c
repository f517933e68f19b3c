/*
 * NAME
 *	powermta - bounces written by PowerMTA (Port25, SparkPost)
 * DESCRIPTION
 *	Subject "Delivery report", a notice that opens "Hello, this is the
 *	mail server on <host>." and lists "  <a@b>  delivery failed; will
 *	not continue trying", and a standard report with PowerMTA's
 *	extension fields: X-PowerMTA-VirtualMTA and
 *	X-PowerMTA-BounceCategory, the bounce category the MTA assigned
 *	(bad-mailbox, quota-issues, spam-related, ...), which is mapped to
 *	a reason below.
 *	Source: PowerMTA User's Guide (bounce categories),
 *	Sisimai::Lhost::PowerMTA.
 */
#include "lhost.h"

static const struct {
	const char *category;
	const char *reason;
} categories[] = {
	{ "bad-domain", "hostunknown" },
	{ "bad-mailbox", "userunknown" },
	{ "inactive-mailbox", "suspend" },
	{ "message-expired", "expired" },
	{ "no-answer-from-host", "networkerror" },
	{ "policy-related", "policyviolation" },
	{ "quota-issues", "mailboxfull" },
	{ "routing-errors", "systemerror" },
	{ "spam-related", "spamdetected" },
	{ "virus-related", "virusdetected" },
	{ "content-related", "contenterror" },
	{ "relaying-issues", "norelaying" },
	{ "invalid-sender", "rejected" },
	{ "bad-connection", "networkerror" },
};

static int
powermta_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i = 0, j, s = 0;

	if (!lh_subject_has(m, "Delivery report"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "Hello, this is the mail server on ") == NULL &&
	    lh_find(ks_str(m->flat), m->flat->len, "X-PowerMTA-") == NULL)
		return 0;
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	/*
	 * X-PowerMTA-BounceCategory: the n-th one belongs to the n-th record.
	 * "Status: 5.2.1 (mailbox disabled, not accepting messages)": the
	 * comment is PowerMTA's reading of the code, kept with the reply.
	 */
	p = lh_flat(m, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *v, *op, *cp;
		size_t	    vn;

		if (k_startswith_ci(line, len, "Status:") && s < b->n) {
			struct kds *d = &b->ds[s++];
			(void)kb_unfold(m, &cur, end, &line, &len);
			if ((op = memchr(line, '(', len)) != NULL && (cp = memchr(op, ')', (size_t)(line + len - op))) != NULL &&
			    !lh_line_has(op, (size_t)(cp - op), "undefined") && d->diagnosis != NULL)
				d->diagnosis = kb_append(m, d->diagnosis, op, (size_t)(cp - op + 1));
			continue;
		}
		if (!k_startswith_ci(line, len, "X-PowerMTA-BounceCategory:"))
			continue;
		(void)kb_unfold(m, &cur, end, &line, &len);
		v = line + 26;
		vn = len - 26;
		k_trim(&v, &vn);
		if (i >= b->n)
			break;
		for (j = 0; j < sizeof(categories) / sizeof(categories[0]); j++)
			if (vn == strlen(categories[j].category) && k_strncaseeq(v, categories[j].category, vn))
				b->ds[i].reason = categories[j].reason;
		i++;
	}
	return (int)b->n;
}

const struct klhost lhost_powermta = { "PowerMTA", powermta_decode };

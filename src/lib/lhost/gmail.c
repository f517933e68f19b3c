/*
 * NAME
 *	gmail - the plain-text bounces Gmail wrote until about 2015
 * DESCRIPTION
 *	From "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
 *	Subject "Delivery Status Notification (Failure)" or "(Delay)", one
 *	text/plain part and no report. The notice reads:
 *
 *	    Delivery to the following recipient failed permanently:
 *	    (or "... has been delayed:")
 *
 *	         addr@example.jp
 *
 *	    Technical details of permanent failure:
 *	    Google tried to deliver your message, but it was rejected by
 *	    the server for the recipient domain example.jp by
 *	    mx.example.jp. [192.0.2.1].
 *
 *	    The error that the other server returned was:
 *	    550 5.1.1 <addr@example.jp>... User Unknown
 *
 *	and the returned message follows "----- Original message -----"
 *	(or "----- Message header follows -----"). Gmail's SMTP client
 *	tags the session state at which the reply came, "(state 14)": the
 *	table below maps those states to SMTP commands. Gmail's own
 *	sentences (DNS errors, connection failures) are listed in
 *	data/lhost/gmail.txt. The newer HTML bounces ("** Address not found
 *	**") are read by googleworkspace.c.
 *	Source: Sisimai's Lhost::Gmail (markers, state table), observed in
 *	bounces.
 */
#include "lhost.h"

static const struct {
	int	    state;
	const char *command;
	const char *reason;	/* when the reply has no specific code */
} states[] = {
	{ 6, "MAIL", NULL }, { 12, NULL, "norelaying" }, { 13, "EHLO", "blocked" },
	{ 14, "RCPT", "userunknown" }, { 15, "DATA", "filtered" },
	{ 17, "DATA", "filtered" }, { 18, "DATA", "filtered" },
};

/* address_only - a line holding only an address, indented */
static const char *
address_only(struct kmsg *m, const char *l, size_t n)
{
	const char *p = l;
	size_t	    k = n;

	if (n == 0 || (l[0] != ' ' && l[0] != '\t'))
		return NULL;
	k_trim(&p, &k);
	if (k == 0 || memchr(p, ' ', k) != NULL || memchr(p, '@', k) == NULL)
		return NULL;
	return lh_addr(m, p, k);
}

/* remote_host - "by mx.example.jp. [192.0.2.1]." in the diagnosis */
static const char *
remote_host(struct kmsg *m, const char *s)
{
	const char *q = s, *h;

	while ((h = strstr(q, " by ")) != NULL) {
		const char *hs = h + 4, *he = strchr(hs, ' ');
		q = hs;
		if (he == NULL || he[1] != '[' || he == hs)
			continue;
		if (he[-1] == '.')
			he--;
		return kb_str(m, hs, (size_t)(he - hs));
	}
	return NULL;
}

/* state_of - the entry of "(state N)." in the table, or -1 */
static int
state_of(const char *s)
{
	const char *q = strstr(s, "(state ");
	size_t	    i;
	int	    v = 0;

	if (q == NULL)
		return -1;
	for (q += 7; k_isdigit((unsigned char)*q) && v < 1000; q++)
		v = v * 10 + (*q - '0');
	if (*q != ')')
		return -1;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (states[i].state == v)
			return (int)i;
	return -1;
}

static int
gmail_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len, i;
	int	    reading = 0, delayed = 0, details = 0;

	if (!lh_from_has(m, "mailer-daemon@googlemail.com") ||
	    !lh_subject_has(m, "Delivery Status Notification"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *a;

		if (!reading) {
			if (k_startswith(line, len, "Delivery to the following recipient")) {
				reading = 1;
				delayed = lh_line_has(line, len, "has been delayed");
			}
			continue;
		}
		if (lh_line_has(line, len, "----- Original message -----") ||
		    lh_line_has(line, len, "----- Message header follows -----"))
			break;
		if (len == 0)
			continue;
		if (!details && (a = address_only(m, line, len)) != NULL) {
			struct kds *d = kb_add(m, b);
			if (d == NULL)
				return -1;
			d->recipient = a;
			continue;
		}
		if (k_startswith(line, len, "Technical details of ")) {
			/* "Technical details of permanent failure: <text>" */
			const char *c = memchr(line, ':', len);
			details = 1;
			if (c != NULL && c + 1 < line + len)
				diag = kb_append(m, diag, c + 1, (size_t)(line + len - c - 1));
			continue;
		}
		if (details || delayed)
			diag = kb_append(m, diag, line, len);
	}
	if (b->n == 0)
		return 0;
	if (!lh_orig_after(m, "----- Original message -----"))
		lh_orig_after(m, "----- Message header follows -----");
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		char	    st[SMTP_STATUS_MAX];
		int	    k, specific;

		d->diagnosis = diag;
		if (delayed)
			d->action = "delayed";
		if (diag == NULL)
			continue;
		d->rhost = remote_host(m, diag);
		specific = smtp_status_find(diag, strlen(diag), st) && st[2] != '0' && st[4] != '0';
		if ((k = state_of(diag)) >= 0) {
			d->command = states[k].command;
			if (!specific)
				d->reason = states[k].reason;
		}
		/* Gmail's own sentences, unless the server's reply has a specific code. */
		if (d->reason == NULL && !specific)
			d->reason = lh_phrase(m, "gmail", diag);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_gmail = { "Gmail", gmail_decode };

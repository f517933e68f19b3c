/*
 * NAME
 *	arf - feedback-loop complaints (RFC 5965 Abuse Reporting Format)
 * DESCRIPTION
 *	A complaint is a multipart/report with report-type=feedback-report:
 *	a human notice, a message/feedback-report part of fields, and the
 *	complained-about message (or its headers). Each record is one
 *	complaining recipient: Original-Rcpt-To (RFC 5965 3.2, several
 *	allowed), Removal-Recipient (opt-out reports), Redacted-Address
 *	completed from the returned message's To:, Microsoft's
 *	X-HmXmrOriginalRecipient, else the returned message's To:, else an
 *	undisclosed placeholder as Sisimai writes it. Microsoft's and Amazon
 *	SES's older complaints are multipart/mixed with a recognisable sender
 *	and subject. Unsubscribe requests that a provider sends for its user
 *	(Apple Mail's X-Apple-Unsubscribe) are opt-out feedback too. The reason is always feedback; feedbacktype is the
 *	Feedback-Type field (abuse, fraud, virus, other, not-spam,
 *	auth-failure, opt-out).
 */
#include "lhost.h"

#include <strings.h>

#define UNDISCLOSED "undisclosed-recipient-in-headers@libsisimai.org.invalid"

/* is_arf - a feedback report by its content type or its known senders */
static int
is_arf(struct kmsg *m)
{
	const char *ct = lh_header(m, "content-type");

	if (k_strstr_ci(ct, strlen(ct), "feedback-report") != NULL)
		return 1;
	if (k_strstr_ci(ct, strlen(ct), "multipart/mixed") != NULL &&
	    (lh_from_has(m, "staff@hotmail.com") ||
	    lh_from_has(m, "complaints@email-abuse.amazonses.com")) &&
	    lh_subject_has(m, "complaint about message from "))
		return 1;
	return 0;
}

/* field_value - value of "Name: value" when line starts with name: */
static int
field_value(const char *line, size_t len, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);

	if (len <= k || !k_strncaseeq(line, name, k) || line[k] != ':')
		return 0;
	*v = line + k + 1;
	*vn = len - k - 1;
	k_trim(v, vn);
	return 1;
}

/*
 * unsubscribe - a mailbox provider's unsubscribe request on behalf of its
 *	user: Apple Mail sends "Subject: unsubscribe" with
 *	"X-Apple-Unsubscribe: true" to a list's mailto: List-Unsubscribe
 *	address (RFC 2369). The user is the sender; it is an opt-out.
 */
static int
unsubscribe(struct kmsg *m, struct kbounce *b)
{
	const char *v = lh_header(m, "x-apple-unsubscribe");
	struct kds *d;

	if (strcasecmp(v, "true") != 0)
		return 0;
	if ((d = kb_add(m, b)) == NULL)
		return -1;
	d->recipient = m->from ? lh_addr(m, m->from, strlen(m->from)) : NULL;
	d->reason = "feedback";
	d->feedbacktype = "opt-out";
	d->diagnosis = kb_trimmed(m, ks_str(m->flat), m->flat->len);
	d->date = lh_header(m, "date");
	b->kind = KAERU_KIND_FEEDBACK;
	b->decodedby = "Feedback-Loop";
	return d->recipient != NULL;
}

static int
arf_decode(struct kmsg *m, struct kbounce *b)
{
	const char *f, *cur, *end, *line, *v, *ftype = NULL, *agent = NULL;
	const char *rhost = NULL, *date = NULL, *authres = NULL, *notice = NULL;
	size_t	    fn, len, vn, i;
	unsigned    s;
	int	    seen = 0;

	if (!is_arf(m))
		return unsubscribe(m, b);
	b->kind = KAERU_KIND_FEEDBACK;
	f = lh_flat(m, &fn);
	/* The notice's first line that says what it is. */
	{
		const char *p;
		size_t	    n;
		lh_notice(m, &p, &n);
		cur = p;
		end = p + n;
		while (km_nextline(&cur, end, &line, &len)) {
			if (k_startswith(line, len, "Content-Type:"))
				break;
			if (len > 10 && (lh_line_has(line, len, "abuse report") ||
			    lh_line_has(line, len, "authentication failure report") ||
			    lh_line_has(line, len, "authentication-failure report") ||
			    lh_line_has(line, len, "abuse complaint") ||
			    (k_startswith_ci(line, len, "this is a") && lh_line_has(line, len, " report for")))) {
				notice = kb_trimmed(m, line, len);
				break;
			}
		}
	}
	for (s = 0; s < m->nsect && s < KM_MAX_SECTS; s++) {
		if (m->sect[s].type != KP_FEEDBACK)
			continue;
		seen = 1;
		cur = f + m->sect[s].off;
		end = cur + m->sect[s].len;
		while (km_nextline(&cur, end, &line, &len)) {
			/* The report's fields are a header block: folded ones are read whole. */
			(void)kb_unfold(m, &cur, end, &line, &len);
			if (field_value(line, len, "Original-Rcpt-To", &v, &vn) ||
			    field_value(line, len, "Removal-Recipient", &v, &vn)) {
				struct kds *d = kb_add(m, b);
				if (d == NULL)
					return -1;
				d->recipient = lh_addr(m, v, vn);
				if (d->recipient == NULL)
					d->recipient = kb_str(m, v, vn);
			} else if (field_value(line, len, "Redacted-Address", &v, &vn)) {
				struct kds *d = kb_add(m, b);
				if (d == NULL)
					return -1;
				/* "redacted@" only says the address was hidden. */
				d->recipient = NULL;
			} else if (field_value(line, len, "Feedback-Type", &v, &vn))
				ftype = kb_str(m, v, vn);
			else if (field_value(line, len, "User-Agent", &v, &vn))
				agent = kb_str(m, v, vn);
			else if (field_value(line, len, "Source-IP", &v, &vn))
				rhost = kb_str(m, v, vn);
			else if (field_value(line, len, "Arrival-Date", &v, &vn) ||
			    field_value(line, len, "Received-Date", &v, &vn))
				date = kb_str(m, v, vn);
			else if (field_value(line, len, "Authentication-Results", &v, &vn))
				authres = kb_str(m, v, vn);
			else if (field_value(line, len, "Reporting-MTA", &v, &vn) && b->lhost == NULL) {
				const char *semi = memchr(v, ';', vn);
				b->lhost = semi ? kb_trimmed(m, semi + 1, vn - (size_t)(semi + 1 - v)) : kb_str(m, v, vn);
			}
		}
	}
	/* Microsoft's older format names the recipient in the returned headers. */
	if (m->orig != NULL) {
		const struct khdr *h = kh_find(&m->orighdr, "x-hmxmroriginalrecipient");
		if (h != NULL) {
			struct kds *d = b->n ? &b->ds[0] : kb_add(m, b);
			if (d == NULL)
				return -1;
			d->recipient = lh_addr(m, h->val, h->vlen);
			if (ftype == NULL)
				ftype = "abuse";
			seen = 1;
		}
	}
	if (!seen && m->orig == NULL)
		return 0;
	if (b->n == 0 && kb_add(m, b) == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->recipient == NULL) {
			const struct khdr *to = m->orig ? kh_find(&m->orighdr, "to") : NULL;
			const char *a = to ? lh_addr(m, to->val, to->vlen) : NULL;
			d->recipient = a != NULL ? a : UNDISCLOSED;
		}
		d->reason = "feedback";
		d->feedbacktype = ftype ? ftype : "";
		d->rhost = rhost;
		d->date = date;
		d->diagnosis = notice;
		if (ftype != NULL && strcmp(ftype, "auth-failure") == 0 && authres != NULL)
			d->diagnosis = kb_append(m, notice, authres, strlen(authres));
		(void)agent;
	}
	b->decodedby = "Feedback-Loop";
	return (int)b->n;
}

const struct klhost lhost_arf = { "ARF", arf_decode };

/*
 * NAME
 *	dsn - RFC 3464 / RFC 6533 delivery status fields
 * DESCRIPTION
 *	Field names are matched without regard to case; a missing "type;"
 *	is tolerated ("Final-Recipient: <a@b>"), as are "X-" vendor
 *	spellings of the recipient fields. Continuation lines extend the
 *	previous field (Diagnostic-Code often spans several lines). A new
 *	per-recipient group starts at a blank line inside a report or when
 *	a second Final-Recipient arrives for the current record.
 */
#include "dsn.h"
#include "rfc5322.h"
#include "../smtp/smtp.h"

#define S(z) z, sizeof(z) - 1
static const struct {
	const char	*name;
	size_t		 len;
	enum dsn_id	 id;
	int		 permessage;
} fields[] = {
	/* The fields of every report first: a line is looked up from the top. */
	{ S("final-recipient"),		DSN_FINAL_RECIPIENT, 0 },
	{ S("action"),			DSN_ACTION, 0 },
	{ S("status"),			DSN_STATUS, 0 },
	{ S("diagnostic-code"),		DSN_DIAGNOSTIC_CODE, 0 },
	{ S("remote-mta"),			DSN_REMOTE_MTA, 0 },
	{ S("reporting-mta"),		DSN_REPORTING_MTA, 1 },
	{ S("arrival-date"),		DSN_ARRIVAL_DATE, 1 },
	{ S("last-attempt-date"),		DSN_LAST_ATTEMPT_DATE, 0 },
	{ S("original-recipient"),		DSN_ORIGINAL_RECIPIENT, 0 },
	{ S("received-from-mta"),		DSN_RECEIVED_FROM_MTA, 1 },
	{ S("x-actual-recipient"),		DSN_X_ACTUAL_RECIPIENT, 0 },
	{ S("will-retry-until"),		DSN_WILL_RETRY_UNTIL, 0 },
	{ S("final-log-id"),		DSN_FINAL_LOG_ID, 0 },
	{ S("original-envelope-id"),	DSN_ORIGINAL_ENVELOPE_ID, 1 },
	{ S("dsn-gateway"),		DSN_DSN_GATEWAY, 1 },
	{ S("x-original-message-id"),	DSN_X_ORIGINAL_MESSAGE_ID, 1 },
};

/* dsn_field - recognise one field line; DSN_NONE when it is not one */
enum dsn_id
dsn_field(const char *line, size_t n, struct dsn_field *f)
{
	const char *colon, *v, *semi;
	size_t	    nl, i, vn;

	if (n < 6 || !k_isalpha((unsigned char)line[0]))
		return DSN_NONE;
	colon = memchr(line, ':', n < 32 ? n : 32);
	if (colon == NULL)
		return DSN_NONE;
	nl = (size_t)(colon - line);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].name[0] == k_lower((unsigned char)line[0]) && fields[i].len == nl &&
		    k_memeq_ci(line, fields[i].name, nl))
			break;
	if (i == sizeof(fields) / sizeof(fields[0]))
		return DSN_NONE;
	f->id = fields[i].id;
	f->permessage = fields[i].permessage;
	v = colon + 1;
	vn = n - nl - 1;
	k_trim(&v, &vn);
	f->type = "";
	f->typelen = 0;
	switch (f->id) {
	case DSN_REPORTING_MTA: case DSN_RECEIVED_FROM_MTA: case DSN_ORIGINAL_RECIPIENT:
	case DSN_FINAL_RECIPIENT: case DSN_REMOTE_MTA: case DSN_DIAGNOSTIC_CODE:
	case DSN_X_ACTUAL_RECIPIENT: case DSN_DSN_GATEWAY:
		/* "type; value": the type is a short atom without blanks. */
		semi = memchr(v, ';', vn);
		if (semi != NULL && semi - v < 24) {
			const char *t = v;
			size_t	    tn = (size_t)(semi - v), k;
			int	    atom = 1;
			k_trim(&t, &tn);
			for (k = 0; k < tn; k++)
				if (k_isblank((unsigned char)t[k]) || t[k] == '<' || t[k] == '@')
					atom = 0;
			if (atom) {
				f->type = t;
				f->typelen = tn;
				vn -= (size_t)(semi + 1 - v);
				v = semi + 1;
				k_trim(&v, &vn);
			}
		}
		break;
	default:
		break;
	}
	f->val = v;
	f->vallen = vn;
	return f->id;
}

/* dsn_action - normalised Action value (RFC 3464 2.3.3 plus common misspellings) */
const char *
dsn_action(struct kmsg *m, const char *v, size_t n)
{
	static const struct {
		const char *in;
		const char *out;
	} actions[] = {
		{ "failed", "failed" }, { "failure", "failed" }, { "fail", "failed" },
		{ "delayed", "delayed" }, { "expired", "delayed" }, { "delivered", "delivered" },
		{ "deliverable", "delivered" }, { "relayed", "relayed" }, { "expanded", "expanded" },
	};
	size_t i, k = 0;

	while (k < n && k_isalpha((unsigned char)v[k]))
		k++;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strlen(actions[i].in) == k && k_strncaseeq(v, actions[i].in, k))
			return actions[i].out;
	return k ? kb_str(m, v, k) : NULL;
}

/* set_recipient - store an address field of a record */
static const char *
address_of(struct kmsg *m, const char *v, size_t n)
{
	const char *a;
	size_t	    an;

	if (addr_find(v, n, &a, &an))
		return kb_str(m, a, an);
	return NULL;
}

/*
 * dsn_collect - read delivery status fields in p[0..n) into b
 *	Returns the number of records that gained a recipient, or -1 on
 *	ENOMEM. Records are appended; a decoder may merge them with text.
 */
int
dsn_collect(struct kmsg *m, struct kbounce *b, const char *p, size_t n,
    unsigned flags)
{
	const char *cur = p, *end = p + n, *line;
	size_t	    len;
	struct kds *d = NULL;
	enum dsn_id last = DSN_NONE;
	int	    found = 0, blank = 1;

	(void)flags;
	while (km_nextline(&cur, end, &line, &len)) {
		struct dsn_field f;

		if (len == 0) {
			blank = 1;
			last = DSN_NONE;
			continue;
		}
		if (k_isblank((unsigned char)line[0])) {
			/*
			 * A continuation that kb_unfold() below left: after a
			 * line of blanks, Diagnostic-Code's text still goes on.
			 */
			if (d != NULL && last == DSN_DIAGNOSTIC_CODE)
				d->diagnosis = kb_append(m, d->diagnosis, line, len);
			continue;
		}
		if (dsn_field(line, len, &f) == DSN_NONE) {
			last = DSN_NONE;
			continue;
		}
		/* A field folded over lines is read whole. */
		if (kb_unfold(m, &cur, end, &line, &len) && dsn_field(line, len, &f) == DSN_NONE)
			continue;
		last = f.id;
		if (f.permessage) {
			if (f.id == DSN_REPORTING_MTA && f.vallen > 0)
				b->lhost = kb_str(m, f.val, f.vallen);
			else if (f.id == DSN_RECEIVED_FROM_MTA && f.vallen > 0 && b->lhost == NULL)
				b->lhost = kb_str(m, f.val, f.vallen);
			else if (f.id == DSN_ARRIVAL_DATE)
				b->date = kb_str(m, f.val, f.vallen);
			continue;
		}
		/* A new recipient group: after a blank line, or a second Final-Recipient. */
		if (d == NULL || (blank && (d->recipient != NULL || d->alias != NULL)) ||
		    (f.id == DSN_FINAL_RECIPIENT && d->recipient != NULL) ||
		    (f.id == DSN_ORIGINAL_RECIPIENT && d->recipient != NULL && d->alias != NULL)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
		}
		blank = 0;
		switch (f.id) {
		case DSN_FINAL_RECIPIENT:
			if ((d->recipient = address_of(m, f.val, f.vallen)) != NULL)
				found++;
			break;
		case DSN_ORIGINAL_RECIPIENT:
			d->alias = address_of(m, f.val, f.vallen);
			break;
		case DSN_X_ACTUAL_RECIPIENT:
			if (d->alias == NULL)
				d->alias = address_of(m, f.val, f.vallen);
			break;
		case DSN_ACTION:
			d->action = dsn_action(m, f.val, f.vallen);
			break;
		case DSN_STATUS: {
			char	    code[SMTP_STATUS_MAX];
			const char *lp, *rp;
			if (smtp_status_find(f.val, f.vallen, code))
				d->status = kb_str(m, code, strlen(code));
			/*
			 * "Status: 4.0.0 (cat.example.net: host name lookup failure)":
			 * some MTAs say why in a comment. It is the diagnosis of last
			 * resort (fact.c), after Diagnostic-Code and the notice.
			 */
			if ((lp = memchr(f.val, '(', f.vallen)) != NULL &&
			    (rp = memchr(lp, ')', (size_t)(f.val + f.vallen - lp))) != NULL && rp - lp > 1)
				d->status_comment = kb_trimmed(m, lp + 1, (size_t)(rp - lp - 1));
			/*
			 * "Status: 553 Exceeded maximum inbound message size": no
			 * status code, a reply and its text where it should be;
			 * the text says why, as a comment would.
			 */
			else if (d->status == NULL && f.vallen > 4 && memchr(f.val, ' ', f.vallen) != NULL)
				d->status_comment = kb_trimmed(m, f.val, f.vallen);
			break;
		}
		case DSN_REMOTE_MTA:
			if (f.vallen > 0)
				d->rhost = kb_str(m, f.val, f.vallen);
			break;
		case DSN_DIAGNOSTIC_CODE:
			d->spec = f.typelen ? kb_str(m, f.type, f.typelen) : NULL;
			d->diagnosis = kb_str(m, f.val, f.vallen);
			break;
		case DSN_LAST_ATTEMPT_DATE:
			d->date = kb_str(m, f.val, f.vallen);
			break;
		default:
			break;
		}
	}
	/* Records that never got a Final-Recipient take the Original-Recipient. */
	{
		size_t i;
		for (i = 0; i < b->n; i++)
			if (b->ds[i].recipient == NULL && b->ds[i].alias != NULL) {
				b->ds[i].recipient = b->ds[i].alias;
				found++;
			}
	}
	return found;
}

/* dsn_collect_sections - dsn_collect over every delivery-status section */
int
dsn_collect_sections(struct kmsg *m, struct kbounce *b)
{
	unsigned i;
	int	 total = 0, r;

	for (i = 0; i < m->nsect && i < KM_MAX_SECTS; i++) {
		if (m->sect[i].type != KP_DSN)
			continue;
		r = dsn_collect(m, b, ks_str(m->flat) + m->sect[i].off, m->sect[i].len, 0);
		if (r < 0)
			return -1;
		total += r;
	}
	return total;
}

/*
 * NAME
 *	verizon - bounces of Verizon Wireless's SMS and MMS gateways
 * DESCRIPTION
 *	Both come through the vtext.com gateways (a Received field naming a
 *	".vtext.com" host). The SMS gateway writes from post_master@
 *	vtext.com:
 *
 *	    Error: Invalid user address
 *	    Error message below:
 *	    550 - Requested action not taken: no such user here
 *	    Message details:
 *	      Subject: ...
 *	      MAIL FROM: sender@example.org
 *	      RCPT TO: 5555555555@vtext.com
 *
 *	The MMS gateway writes from sysadmin@<host>.vzwpix.com:
 *
 *	    Message could not be delivered to mobile.
 *	    Error: No valid recipients for this MM
 *	    Original Message:
 *	    From: ...
 *	    To: 5555555555@vzwpix.com
 *
 *	Both name the original sender and subject in the text only; they
 *	become the returned message's header. The gateways' fixed sentences
 *	are in data/lhost/verizon.txt.
 *	Source: Sisimai's Lhost::Verizon, observed in bounces of 2012-2013.
 */
#include "lhost.h"

/* value - the text after "name:" on an (indented) line, or NULL */
static const char *
value(const char *l, size_t n, const char *name, size_t *vn)
{
	size_t k = strlen(name);

	while (n > 0 && (*l == ' ' || *l == '\t'))
		l++, n--;
	if (!k_startswith(l, n, name))
		return NULL;
	l += k;
	n -= k;
	k_trim(&l, &n);
	*vn = n;
	return l;
}

static int
verizon_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *v, *diag = NULL, *from = NULL, *subj = NULL;
	size_t	    n, len, vn, i;
	int	    sms, orig = 0;

	if (lh_from_has(m, "post_master@vtext.com"))
		sms = 1;
	else if (lh_from_has(m, ".vzwpix.com"))
		sms = 0;
	else
		return 0;
	if (!lh_received_has(m, ".vtext.com"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (len == 0)
			continue;
		if (sms) {
			if ((v = value(line, len, "RCPT TO:", &vn)) != NULL) {
				struct kds *d = kb_add(m, b);
				if (d == NULL)
					return -1;
				d->recipient = lh_addr(m, v, vn);
			} else if ((v = value(line, len, "MAIL FROM:", &vn)) != NULL && from == NULL)
				from = kb_str(m, v, vn);
			else if ((v = value(line, len, "Subject:", &vn)) != NULL && subj == NULL)
				subj = kb_str(m, v, vn);
			else if (len > 6 && k_isdigit((unsigned char)line[0]) && k_isdigit((unsigned char)line[1]) &&
			    k_isdigit((unsigned char)line[2]) && line[3] == ' ' && line[4] == '-')
				diag = kb_str(m, line, len);
			else if (diag == NULL && k_startswith(line, len, "Error: "))
				diag = kb_str(m, line + 7, len - 7);
			continue;
		}
		if (k_startswith(line, len, "Original Message:")) {
			orig = 1;
			continue;
		}
		if (!orig) {
			if (k_startswith(line, len, "Error:"))
				diag = kb_trimmed(m, line + 6, len - 6);
			continue;
		}
		if ((v = value(line, len, "To:", &vn)) != NULL) {
			struct kds *d = kb_add(m, b);
			if (d == NULL)
				return -1;
			d->recipient = lh_addr(m, v, vn);
		} else if ((v = value(line, len, "From:", &vn)) != NULL && from == NULL)
			from = kb_str(m, v, vn);
		else if ((v = value(line, len, "Subject:", &vn)) != NULL && subj == NULL)
			subj = kb_str(m, v, vn);
	}
	kb_drop_empty(b);
	if (b->n == 0)
		return 0;
	if (m->orig == NULL && (from != NULL || subj != NULL)) {
		size_t	    fl = from ? strlen(from) : 0, sl = subj ? strlen(subj) : 0;
		char	   *h = ka_alloc(m->a, fl + sl + 24), *q = h;
		if (h != NULL) {
			if (from != NULL) {
				memcpy(q, "From: ", 6);
				memcpy(q + 6, from, fl);
				q += 6 + fl;
				*q++ = '\n';
			}
			if (subj != NULL) {
				memcpy(q, "Subject: ", 9);
				memcpy(q + 9, subj, sl);
				q += 9 + sl;
				*q++ = '\n';
			}
			*q++ = '\n';
			*q = '\0';
			lh_orig_at(m, h, (size_t)(q - h));
		}
	}
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		d->diagnosis = diag;
		if (diag == NULL)
			continue;
		d->reason = lh_phrase(m, "verizon", diag);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_verizon = { "Verizon", verizon_decode };

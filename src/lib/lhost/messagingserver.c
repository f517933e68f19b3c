/*
 * NAME
 *	messagingserver - bounces written by Oracle (Sun, iPlanet) Messaging
 *	Server and its ancestor PMDF
 * DESCRIPTION
 *	A "Boundary_(ID_...)" MIME boundary, subject "Delivery Notification:
 *	Delivery has failed" (or "... has been delayed"). The notice: "This
 *	report relates to a message you sent with the following header
 *	fields:", the original headers indented, then per recipient
 *	"  Recipient address: a@b", "  Original address: ...", "  Reason:
 *	...", "  Diagnostic code: smtp;550 ...", "  Remote system: dns;host
 *	(TCP|...)". A standard report follows, its Status field with a
 *	comment ("5.1.1 (Remote SMTP server has rejected address)").
 *	"Illegal host/domain name found" is the server's own verdict on a
 *	domain that does not exist. The recipient is the original address
 *	when the server names one: the other is its directory's rewriting.
 *	Source: Oracle Communications Messaging Server documentation,
 *	Sisimai::Lhost::MessagingServer (markers), observed bounces.
 */
#include "lhost.h"

static int
messagingserver_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kbounce text;
	struct kds *t = NULL;
	int	    reading = 0;

	if (!lh_header_has(m, "content-type", "Boundary_(ID_") &&
	    !lh_subject_starts(m, "Delivery Notification: "))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *v;
		size_t	    k = len;

		if (!reading) {
			if (k_startswith(line, len, "This report relates to a message you sent"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if ((v = memchr(l, ':', k)) == NULL) {
			/*
			 * PMDF on VMS writes the system's own messages under the
			 * addresses ("-SYSTEM-F-EXDISKQUOTA, disk quota exceeded").
			 */
			if (t != NULL && (l[0] == '%' || l[0] == '-'))
				t->diagnosis = kb_append(m, t->diagnosis, l, k);
			continue;
		}
		v++;
		{
			size_t vn = (size_t)(l + k - v);
			k_trim(&v, &vn);
			if (k_startswith_ci(l, k, "Recipient address:")) {
				if ((t = kb_add(m, &text)) == NULL)
					return -1;
				t->recipient = lh_addr(m, v, vn);
			} else if (t == NULL)
				continue;
			else if (k_startswith_ci(l, k, "Original address:"))
				t->alias = lh_addr(m, v, vn);
			else if (k_startswith_ci(l, k, "Reason:"))
				t->diagnosis = kb_str(m, v, vn);
			else if (k_startswith_ci(l, k, "Diagnostic code:")) {
				const char *semi = memchr(v, ';', vn);
				if (semi != NULL) {
					t->spec = kb_str(m, v, (size_t)(semi - v));
					t->diagnosis = kb_trimmed(m, semi + 1, (size_t)(v + vn - semi - 1));
				}
			} else if (k_startswith_ci(l, k, "Remote system:")) {
				const char *h = memchr(v, ';', vn), *e;
				if (h != NULL) {
					h++;
					for (e = h; e < v + vn && *e != ' ' && *e != '('; e++)
						;
					if (e > h)
						t->rhost = kb_str(m, h, (size_t)(e - h));
				}
			}
		}
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (b->n == 0 && text.n == 0)
		return 0;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->diagnosis != NULL && strstr(d->diagnosis, "Illegal host/domain name found") != NULL)
			d->reason = "hostunknown";
		/*
		 * The server rewrites addresses through its directory
		 * ("Recipient address: HAASM@host", "Original address:
		 * a@example.ch"): the original is the one the sender wrote.
		 */
		if (d->alias != NULL && d->recipient != NULL && !lh_same_addr(d->alias, d->recipient)) {
			const char *a = d->alias;
			d->alias = d->recipient;
			d->recipient = a;
		}
	}
	return (int)b->n;
}

const struct klhost lhost_messagingserver = { "MessagingServer", messagingserver_decode };

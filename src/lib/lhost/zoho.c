/*
 * NAME
 *	zoho - bounces of Zoho Mail
 * DESCRIPTION
 *	From mailer-daemon@mail.zoho.com with an X-ZohoMail field, Subject
 *	"Undelivered Mail Returned to Sender" or "Mail Delivery Status
 *	Notification (Delay)". The text part opens "This message was
 *	created automatically by mail delivery software." (or "... system.")
 *	and lists each recipient on one line:
 *
 *	    addr@example.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <addr>... User Unknown
 *
 *	or, in a delay warning,
 *
 *	    [Status: Error, Address: <addr>, ResponseCode 421, , Host not reachable.]
 *
 *	The returned message's header follows in the same part, from
 *	"Received:from mail.zoho.com by mx.zohomail.com". Zoho's own words
 *	are in data/lhost/zoho.txt.
 *	Source: Sisimai's Lhost::Zoho, observed in bounces of 2014.
 */
#include "lhost.h"

/* codes - "ERROR_CODE :550" and "ResponseCode 421": the reply code */
static const char *
reply_of(struct kmsg *m, const char *s)
{
	static const char *const keys[] = { "ERROR_CODE :", "ResponseCode " };
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *q = strstr(s, keys[i]);
		if (q == NULL)
			continue;
		q += strlen(keys[i]);
		if ((q[0] == '4' || q[0] == '5') && k_isdigit((unsigned char)q[1]) &&
		    k_isdigit((unsigned char)q[2]) && !k_isdigit((unsigned char)q[3]))
			return kb_str(m, q, 3);
	}
	return NULL;
}

static int
zoho_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0, joined = 0;

	if (!lh_has_header(m, "x-zohomail"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *sp;

		if (!reading) {
			if (k_startswith(line, len, "This message was created automatically by mail delivery"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Received:from ") || k_startswith(line, len, "Received: from "))
			break;
		if (len == 0) {
			joined = 0;
			continue;
		}
		if (k_startswith(line, len, "[Status: ")) {
			const char *a = lh_find(line, len, "Address: <");
			if (a == NULL)
				continue;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = lh_addr(m, a + 9, (size_t)(line + len - a - 9));
			d->diagnosis = kb_str(m, line, len);
			continue;
		}
		sp = memchr(line, ' ', len);
		if (line[0] != ' ' && sp != NULL && memchr(line, '@', (size_t)(sp - line)) != NULL &&
		    addr_valid(line, (size_t)(sp - line))) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, line, (size_t)(sp - line));
			d->diagnosis = kb_trimmed(m, sp, (size_t)(line + len - sp));
			joined = line[len - 1] == '=';
			continue;
		}
		if (d != NULL && joined) {
			/* a quoted-printable soft break the MIME layer did not undo */
			d->diagnosis = kb_append(m, d->diagnosis, line, len);
			joined = line[len - 1] == '=';
		}
	}
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "Received:from mail.zoho.com");
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (d->diagnosis == NULL)
			continue;
		d->replycode = reply_of(m, d->diagnosis);
		d->reason = lh_phrase(m, "zoho", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_zoho = { "Zoho", zoho_decode };

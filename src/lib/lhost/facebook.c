/*
 * NAME
 *	facebook - bounces of the former @facebook.com mail service
 * DESCRIPTION
 *	From "Facebook <mailer-daemon@mx.facebook.com>", Subject "Sorry,
 *	your message could not be delivered", multipart/report: a text part
 *	"This message was created automatically by Facebook." and a standard
 *	report whose Diagnostic-Code carries Facebook's response code,
 *	"550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes...".
 *	The codes (RCP recipient, INT internal, MSG message, POL policy, DNS,
 *	CON connection; -P permanent, -T temporary) are mapped to reasons in
 *	data/lhost/facebook.txt.
 *	Source: Facebook's former postmaster page "response codes" (as kept
 *	in Sisimai's Lhost::Facebook), observed in bounces of 2011.
 */
#include "lhost.h"

/* fb_code - "RCP-P2": three capitals, "-", P or T, a digit */
static const char *
fb_code(const char *s)
{
	const char *q;

	for (q = s; q[0] != '\0'; q++) {
		if (k_isalpha((unsigned char)q[0]) && k_isalpha((unsigned char)q[1]) && k_isalpha((unsigned char)q[2]) &&
		    q[3] == '-' && (q[4] == 'P' || q[4] == 'T') && k_isdigit((unsigned char)q[5]) &&
		    !k_isalnum((unsigned char)q[6]) && (q == s || !k_isalnum((unsigned char)q[-1])))
			return q;
		if (q[1] == '\0' || q[2] == '\0' || q[3] == '\0' || q[4] == '\0' || q[5] == '\0')
			break;
	}
	return NULL;
}

static int
facebook_decode(struct kmsg *m, struct kbounce *b)
{
	size_t i;
	int    r;

	if (!lh_from_has(m, "mailer-daemon@mx.facebook.com") ||
	    !lh_subject_starts(m, "Sorry, your message could not be delivered"))
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		const char *c;

		if (d->diagnosis == NULL || (c = fb_code(d->diagnosis)) == NULL)
			continue;
		{
			char code[7];
			memcpy(code, c, 6);
			code[6] = '\0';
			if ((d->reason = lh_phrase(m, "facebook", code)) == NULL && strncmp(code, "INT-T", 5) == 0)
				d->reason = "systemerror";
			if (d->reason != NULL)
				d->rule = kb_str(m, code, 6);
		}
	}
	return (int)b->n;
}

const struct klhost lhost_facebook = { "Facebook", facebook_decode };

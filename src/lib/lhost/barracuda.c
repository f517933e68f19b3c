/*
 * NAME
 *	barracuda - bounces written by the Barracuda Spam Firewall
 * DESCRIPTION
 *	Subject "**Message you sent blocked by our bulk email filter**".
 *	A short notice ("Your message to: a@b was blocked by our Spam
 *	Firewall.") and a standard report whose Diagnostic-Code is the
 *	filter's verdict ("550 5.7.1 Message content rejected, UBE, id=...").
 *	Source: Sisimai::Lhost::Barracuda (markers), observed bounces.
 */
#include "lhost.h"

static int
barracuda_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *l;
	size_t	    n;
	struct kbounce text;

	if (!lh_subject_has(m, "our bulk email filter"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	if ((l = lh_find_line(p, n, "Your message to:")) != NULL) {
		const char *e = memchr(l, '\n', (size_t)(p + n - l));
		struct kds *t = kb_add(m, &text);
		if (t == NULL)
			return -1;
		t->recipient = lh_addr(m, l + 16, e ? (size_t)(e - l - 16) : (size_t)(p + n - l - 16));
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	return lh_merge(m, b, &text);
}

const struct klhost lhost_barracuda = { "Barracuda", barracuda_decode };

/*
 * NAME
 *	surfcontrol - bounces written by SurfControl E-mail Filter
 * DESCRIPTION
 *	X-Mailer "SurfControl E-mail Filter" and X-SEF-Processed headers;
 *	the subject is the original one. The notice: "Your message could
 *	not be sent.", "Addressed To: a@b", the attempt's date, then
 *	"a@b: [192.0.2.5], 550 ..." (the host's address and its reply); a
 *	delivery-status part repeats the reply.
 *	Source: Sisimai::Lhost::SurfControl (markers), observed bounces.
 */
#include "lhost.h"

static int
surfcontrol_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kbounce text;
	struct kds *t = NULL;
	int	    reading = 0;

	if (!lh_has_header(m, "x-sef-processed") || !lh_header_has(m, "x-mailer", "SurfControl E-mail Filter"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *br;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (!reading) {
			if (k_startswith(l, k, "Your message could not be sent."))
				reading = 1;
			continue;
		}
		if (k_startswith(l, k, "Addressed To:")) {
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = lh_addr(m, l + 13, k - 13);
			continue;
		}
		/* "a@b: [192.0.2.5], 550 a@b... No such user" */
		if (t != NULL && (br = lh_find(l, k, ": [")) != NULL) {
			const char *rb = memchr(br, ']', (size_t)(l + k - br)), *s;
			if (rb == NULL)
				continue;
			t->rhost = kb_str(m, br + 3, (size_t)(rb - br - 3));
			s = rb + 1;
			while (s < l + k && (*s == ',' || *s == ' '))
				s++;
			t->diagnosis = kb_str(m, s, (size_t)(l + k - s));
		}
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	return lh_merge(m, b, &text);
}

const struct klhost lhost_surfcontrol = { "SurfControl", surfcontrol_decode };

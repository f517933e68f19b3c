/*
 * NAME
 *	x1 - bounces of an unnamed MTA ("Mail Deliver System")
 * DESCRIPTION
 *	An MTA Sisimai calls X1, seen at Japanese providers. From "Mail
 *	Deliver System" <MAILER-DAEMON@...> (sic), subjects "Returned Mail:
 *	<why>", "Mail Delivery Failure", "Warning--Could not send mail for
 *	past N hours". The notice:
 *
 *	    The original message was received at <date>
 *	    from <sender>
 *	    ---The following addresses had delivery errors---
 *	    a@b [User unknown]
 *
 *	each failed address followed by the reason in brackets.
 *	Source: Sisimai::Lhost::X1 (markers), observed bounces.
 */
#include "lhost.h"

static int
x1_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kds *d;
	int	    reading = 0;

	if (!lh_from_has(m, "Mail Deliver System") && !lh_from_has(m, "Mail Delivery System"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find_line(p, n, "---The following addresses had delivery errors---") == NULL)
		return 0;
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *br;

		if (!reading) {
			if (k_startswith(line, len, "---The following addresses had delivery errors---"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		/* "a@b [User unknown]" */
		if (len > 4 && line[len - 1] == ']' && (br = lh_find(line, len, " [")) != NULL &&
		    addr_valid(line, (size_t)(br - line))) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, line, (size_t)(br - line));
			d->diagnosis = kb_str(m, br + 2, (size_t)(line + len - br - 3));
		}
	}
	return (int)b->n;
}

const struct klhost lhost_x1 = { "X1", x1_decode };

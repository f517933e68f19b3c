/*
 * NAME
 *	x6 - bounces of an unnamed MTA ("There was an error sending your mail")
 * DESCRIPTION
 *	Subject "There was an error sending your mail". The notice ("We had
 *	trouble delivering your message. Full details follow:") counts the
 *	failures ("1 error(s):") and gives each on one line: "SMTP Server
 *	<host> rejected recipient <a@b> (Error following RCPT command). It
 *	responded as follows: [550 5.1.1 User unknown]"; it ends at "The
 *	attachment contains the original mail headers.".
 *	Source: Sisimai::Lhost::X6 (markers), observed bounces.
 */
#include "lhost.h"

static int
x6_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d;
	int	    reading = 0;

	if (!lh_subject_starts(m, "There was an error sending your mail"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *a, *q;

		if (!reading) {
			/* "1 error(s):" */
			q = line;
			while (q < line + len && k_isdigit((unsigned char)*q))
				q++;
			while (q < line + len && *q == ' ')
				q++;
			if (q > line && k_startswith(q, (size_t)(line + len - q), "error(s):"))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "The attachment contains the original mail headers") ||
		    k_startswith(line, len, "Content-Type: "))
			break;
		if (len == 0 || (a = lh_addr(m, line, len)) == NULL)
			continue;
		if ((d = kb_add(m, b)) == NULL)
			return -1;
		d->recipient = a;
		d->diagnosis = kb_trimmed(m, line, len);
	}
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->command = smtp_command_find(d->diagnosis, strlen(d->diagnosis));
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_x6 = { "X6", x6_decode };

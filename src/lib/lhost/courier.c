/*
 * NAME
 *	courier - bounces written by the Courier mail server
 * DESCRIPTION
 *	From "Courier mail server at <host>" or postmaster, subject
 *	"NOTICE: mail delivery status." or "WARNING: delayed mail.", a
 *	Message-Id "<courier.HEX.HEX@host>" and a "=_courier_" boundary.
 *	The notice ("This is a delivery status notification from <host>,
 *	running the Courier mail server", "UNDELIVERABLE MAIL" or "DELAYS
 *	IN DELIVERING YOUR MESSAGE") lists each "<a@b>:", the remote host,
 *	and the session (">>> RCPT TO:<a@b>", "<<< 550 ..."); a standard
 *	report follows. Courier's own DNS wordings state the reason
 *	(data/lhost/courier.txt).
 *	Source: Courier's courierd/module.esmtp, Sisimai::Lhost::Courier.
 */
#include "lhost.h"

static int
is_courier(struct kmsg *m)
{
	const char *id = lh_header(m, "message-id");

	while (*id == ' ')
		id++;
	return lh_from_has(m, "Courier mail server at ") || strncmp(id, "<courier.", 9) == 0 ||
	    lh_header_has(m, "content-type", "=_courier_") ||
	    lh_subject_starts(m, "NOTICE: mail delivery status.") ||
	    lh_subject_starts(m, "WARNING: delayed mail.");
}

static int
courier_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kbounce text;
	struct kds *t = NULL;
	int	    reading = 0;

	if (!is_courier(m))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *gt;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (!reading) {
			if (lh_find(l, k, "UNDELIVERABLE MAIL") != NULL ||
			    lh_find(l, k, "DELAYS IN DELIVERING YOUR MESSAGE") != NULL)
				reading = 1;
			continue;
		}
		if (k == 0)
			continue;
		if (k_startswith(l, k, "-----")) {
			if (text.n > 0)
				break;
			continue;
		}
		if (l[0] == '<' && l[k - 1] == ':' && (gt = memchr(l, '>', k)) != NULL && gt + 2 == l + k &&
		    memchr(l, '@', k) != NULL) {
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = kb_str(m, l + 1, (size_t)(gt - l - 1));
			continue;
		}
		if (t == NULL)
			continue;
		if (k_startswith(l, k, ">>> ")) {
			if (k >= 8 && t->command == NULL) {
				char c[5];
				size_t j;
				for (j = 0; j < 4; j++)
					c[j] = (char)k_upper((unsigned char)l[4 + j]);
				c[4] = '\0';
				t->command = kb_str(m, c, 4);
			}
			continue;
		}
		if (k_startswith(l, k, "<<< "))
			t->diagnosis = kb_append(m, t->diagnosis, l + 4, k - 4);
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	return lh_merge_judge(m, b, &text, "courier");
}

const struct klhost lhost_courier = { "Courier", courier_decode };

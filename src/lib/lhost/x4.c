/*
 * NAME
 *	x4 - bounces of qmail clones (qmail-ldap, vpopmail setups and
 *	providers that reworded qmail-send's notice)
 * DESCRIPTION
 *	Subject "failure notice" or "Permanent Delivery Failure", or a
 *	Received trail "(qmail N invoked for bounce)". The notice keeps
 *	qmail's layout ("<a@b>:" alone on a line, the reason after it,
 *	"--- Below this line is a copy of the message." or "--- Original
 *	message follows.") but opens with another sentence: "He/Her is not
 *	... user", "Su mensaje no pudo ser entregado", "This is the mail
 *	delivery agent at ...", "Unfortunately, your mail was not delivered
 *	to the following address:", "Your message to the following
 *	addresses ...", "We're sorry.", ... The words of qmail-remote name
 *	the SMTP stage ("does not like recipient.", "but sender was
 *	rejected.", ...); qmail-ldap's own wordings: data/lhost/x4.txt.
 *	qmail-send's own notice is the qmail decoder's.
 *	Source: qmail-send.c, qmail-remote.c, qmail-ldap; Sisimai::Lhost::X4.
 */
#include "lhost.h"

static const struct k_lit openers[] = {
	K_LIT("He/Her is not "), K_LIT("Su mensaje no pudo ser entregado"),
	K_LIT("This is the machine generated message from mail service"),
	K_LIT("This is the mail delivery agent at"),
	K_LIT("Unable to deliver message to the following address"),
	K_LIT("Unfortunately, your mail was not delivered to the following address:"),
	K_LIT("Your mail message to the following address"),
	K_LIT("Your message to the following addresses"), K_LIT("We're sorry."),
};

/* is_opener - a first line of a clone's notice */
static int
is_opener(const char *l, size_t n)
{
	if (k_startswith(l, n, "Hi. ") && lh_line_has(l, n, "unable to deliver your message to the following addresses"))
		return 1;
	return k_starts_any(l, n, openers, sizeof(openers) / sizeof(openers[0]), 0) != NULL;
}

static int
is_x4(struct kmsg *m)
{
	const struct khdr *h = NULL;

	if (lh_subject_starts(m, "failure notice") || lh_subject_starts(m, "Permanent Delivery Failure"))
		return 1;
	while ((h = kh_find_next(&m->hdr, h, "received")) != NULL) {
		const char *v = h->val;
		size_t	    n = h->vlen;
		k_trim(&v, &n);
		if (k_startswith(v, n, "(qmail ") && k_strstr_ci(v, n, " invoked for bounce)") != NULL)
			return 1;
	}
	return 0;
}

static int
x4_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!is_x4(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (!reading) {
			if (is_opener(line, len))
				reading = 1;
			continue;
		}
		if (k_startswith(line, len, "--- Below this line is a copy of the message") ||
		    k_startswith(line, len, "--- Original message follows") ||
		    k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (k_startswith(l, k, "To:")) {
			l += 3, k -= 3;
			k_trim(&l, &k);
		}
		if (k > 4 && l[0] == '<' && l[k - 1] == ':' && l[k - 2] == '>' && addr_valid(l + 1, k - 3)) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = kb_str(m, l + 1, k - 3);
			continue;
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	for (i = 0; i < b->n; i++)
		lh_qmail_verdict(m, &b->ds[i], "x4");
	if (b->n > 0 && !lh_orig_after(m, "--- Below this line is a copy of the message"))
		lh_orig_after(m, "--- Original message follows");
	return (int)b->n;
}

const struct klhost lhost_x4 = { "X4", x4_decode };

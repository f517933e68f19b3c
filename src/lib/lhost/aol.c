/*
 * NAME
 *	aol - bounces of AOL Mail
 * DESCRIPTION
 *	AOL's MTA (Postfix underneath) adds an X-AOL-IP field; the bounce
 *	comes from Postmaster@AOL.com (or MAILER-DAEMON@aol.com), Subject
 *	"Undeliverable: <subject>" or Postfix's "Undelivered Mail Returned
 *	to Sender", with an HTML or plain notice and a standard report
 *	whose Diagnostic-Code may continue on indented lines. AOL's own
 *	words for DNS failures are in data/lhost/aol.txt.
 *	Older AOL notices, from MAILER-DAEMON@aol.com with no report, name
 *	the refused recipients by screen name, indented on the lines after
 *	"Your mail to the following recipients could not be delivered
 *	because they are not accepting mail from a@b:": the address is the
 *	screen name at the daemon's own domain.
 *	Source: Sisimai's Lhost::Aol, observed in bounces of 2014; the
 *	screen-name notices in bounces of 2003-2010.
 */
#include "lhost.h"

/* screen_name - an indented AOL screen name alone on its line, or NULL */
static const char *
screen_name(struct kmsg *m, const char *l, size_t n, const char *domain)
{
	size_t i, dn = strlen(domain);
	char  *a;

	if (n == 0 || (l[0] != ' ' && l[0] != '\t'))
		return NULL;
	k_trim(&l, &n);
	if (n == 0 || n > 64)
		return NULL;
	for (i = 0; i < n; i++)
		if (!k_isalnum((unsigned char)l[i]) && l[i] != '.' && l[i] != '_' && l[i] != '-')
			return NULL;
	if ((a = ka_alloc(m->a, n + 1 + dn + 1)) == NULL)
		return NULL;
	memcpy(a, l, n);
	a[n] = '@';
	memcpy(a + n + 1, domain, dn + 1);
	return a;
}

/* screen_names - the records of a notice that names screen names (above) */
static int
screen_names(struct kmsg *m, struct kbounce *b)
{
	const char *from = lh_header(m, "from"), *a, *domain, *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, an, len;
	int	    state = 0;	/* 0 before the sentence, 1 in it, 2 in the names */

	if (!addr_find(from, strlen(from), &a, &an) || !addr_is_daemon(a, an) ||
	    (domain = memchr(a, '@', an)) == NULL || a + an - domain != 8 ||
	    !k_memeq_ci(domain, "@aol.com", 8))
		return 0;
	domain = "aol.com";
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *k;
		if (state == 0) {
			if ((k = k_strstr_ci(line, len, "your mail to the following recipients")) == NULL)
				continue;
			len -= (size_t)(k - line);
			line = k;
			state = 1;
		}
		if (state == 1) {
			diag = kb_append(m, diag, line, len);
			if (len > 0 && line[len - 1] == ':')
				state = 2;
			continue;
		}
		if (len == 0)
			continue;
		if ((k = screen_name(m, line, len, domain)) == NULL)
			break;
		{
			struct kds *d = kb_add(m, b);
			if (d == NULL)
				return -1;
			d->recipient = k;
			d->diagnosis = diag;
			d->reason = lh_phrase(m, "aol", diag);
		}
	}
	return (int)b->n;
}

static int
aol_decode(struct kmsg *m, struct kbounce *b)
{
	size_t i;
	int    r;

	if (!lh_has_header(m, "x-aol-ip"))
		return screen_names(m, b);
	if ((r = lh_dsn_anywhere(m, b)) < 0)
		return r;
	if (r == 0)
		return screen_names(m, b);
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->diagnosis == NULL)
			continue;
		if (d->command == NULL)
			d->command = smtp_command_find(d->diagnosis, strlen(d->diagnosis));
		d->reason = lh_phrase(m, "aol", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_aol = { "Aol", aol_decode };

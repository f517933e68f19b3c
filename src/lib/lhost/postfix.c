/*
 * NAME
 *	postfix - bounces written by Postfix
 * DESCRIPTION
 *	Postfix's bounce(8) sends "Undelivered Mail Returned to Sender"
 *	(also "Delayed Mail (still being retried)" and "Successful Mail
 *	Delivery Report") as multipart/report: a notice that opens with
 *	"This is the mail system at host <name>." (or a site's own wording
 *	of "The <name> program") and lists each recipient as
 *	"<addr> (expanded from <alias>): text", the text continued on lines
 *	indented by four spaces; then a standard report whose
 *	Diagnostic-Code is often shorter than the notice. The notice names
 *	the SMTP command ("in reply to RCPT TO command").
 *	Postfix also tells the postmaster about failed sessions of its SMTP
 *	server ("Postfix SMTP server: errors from <client>") with a session
 *	transcript; the failing reply and the RCPT TO addresses are read
 *	from it.
 *	Source: Postfix bounce_notify_util.c, smtpd_chat.c and the bounce
 *	templates (observed).
 */
#include "lhost.h"

/* Opening lines of the notice, as Postfix writes them or sites reword them. */
static int
is_start(const char *l, size_t n)
{
	const char *p = l;
	size_t	    k = n;

	k_trim(&p, &k);
	if (k_startswith(p, k, "This is the mail system at host") ||
	    k_startswith(p, k, "This is the Postfix program") ||
	    (k_startswith(p, k, "This is the ") && k_endswith_ci(p, k, " program")) ||
	    (k_startswith(p, k, "This is the ") && lh_line_has(p, k, "Postfix program")))
		return 1;
	/* "The Postfix program", "The mail system", "The <name> program" */
	if (l[0] == ' ' && k_startswith(p, k, "The ") &&
	    (k_endswith_ci(p, k, " program") || (k == 15 && k_startswith(p, k, "The mail system"))))
		return 1;
	return 0;
}

/*
 * starts_recipient - "<a@b>:" or "<a@b> (expanded from <c@d>):" opens a
 *	recipient; "<a@b>... User unknown" is a wrapped diagnosis line.
 */
static int
starts_recipient(const char *l, size_t n)
{
	const char *gt = memchr(l, '>', n);

	if (gt == NULL || memchr(l, '@', (size_t)(gt - l)) == NULL)
		return 0;
	gt++;
	return gt == l + n || *gt == ':' || k_startswith(gt, (size_t)(l + n - gt), " (expanded from <");
}

/*
 * transcript - Postfix's notice to the postmaster, "Postfix SMTP server:
 *	errors from <client>": a session transcript of " In:" and " Out:"
 *	lines. The recipients are the RCPT TO addresses; the failure is the
 *	last 4xx/5xx "Out:" line, the command the "In:" line before it.
 */
static int
transcript(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *err = NULL, *cmd = NULL, *last = NULL;
	size_t	    n, len, i;

	lh_notice(m, &p, &n);
	if (lh_find(p, n, "Transcript of session follows") == NULL)
		return 0;
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		k_trim(&l, &k);
		if (k_startswith(l, k, "In:")) {
			const char *c = l + 3;
			size_t	    cn = k - 3;
			k_trim(&c, &cn);
			if (cn >= 4)
				last = kb_str(m, c, 4);
			if (k_startswith_ci(c, cn, "RCPT TO:")) {
				struct kds *d = kb_add(m, b);
				if (d == NULL)
					return -1;
				d->recipient = lh_addr(m, c, cn);
			}
		} else if (k_startswith(l, k, "Out:") && k > 8 && (l[5] == '4' || l[5] == '5' ||
		    (l[4] != ' ' && (l[4] == '4' || l[4] == '5')))) {
			const char *o = l + 4;
			size_t	    on = k - 4;
			k_trim(&o, &on);
			err = kb_str(m, o, on);
			cmd = last;
		}
	}
	if (err == NULL)
		return 0;
	for (i = 0; i < b->n; i++) {
		b->ds[i].diagnosis = err;
		b->ds[i].command = cmd;
		b->ds[i].spec = "SMTP";
	}
	return (int)b->n;
}

static int
postfix_decode(struct kmsg *m, struct kbounce *b)
{
	struct kbounce	text;
	struct kds     *t = NULL;
	const char     *p, *cur, *end, *line, *cmd = NULL;
	size_t		n, len;
	int		reading = 0, nomessage = 0, r;

	if (lh_subject_starts(m, "Postfix SMTP server: errors from"))
		return transcript(m, b);
	if (!lh_subject_starts(m, "Undelivered Mail Returned to Sender") &&
	    !lh_subject_starts(m, "Delayed Mail (still being retried)") &&
	    !lh_subject_starts(m, "Successful Mail Delivery Report") &&
	    !lh_subject_starts(m, "Mail Delivery Status Report"))
		return 0;
	if (lh_has_header(m, "x-aol-ip"))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!reading) {
			if (is_start(line, len))
				reading = 1;
			continue;
		}
		if (len == 0) {
			t = NULL;
			continue;
		}
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (lh_line_has(line, len, "--- Delivery report unavailable ---")) {
			nomessage = 1;
			continue;
		}
		if (line[0] == '<' && starts_recipient(line, len)) {
			/* "<addr> (expanded from <alias>): text" or "<addr>: text" */
			const char *gt = memchr(line, '>', len), *colon;
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = kb_str(m, line + 1, (size_t)(gt - line - 1));
			colon = gt + 1;
			if (k_startswith(colon, (size_t)(line + len - colon), " (expanded from <")) {
				const char *a = colon + 17, *ae = memchr(a, '>', (size_t)(line + len - a));
				if (ae != NULL) {
					t->alias = kb_str(m, a, (size_t)(ae - a));
					colon = ae + 2;
				}
			}
			if (colon < line + len && *colon == ':')
				colon++;
			if (colon <= line + len)
				t->diagnosis = kb_trimmed(m, colon, (size_t)(line + len - colon));
			continue;
		}
		/* Continuation: indented, or a wrapped line that is not a recipient. */
		if (t != NULL)
			t->diagnosis = kb_append(m, t->diagnosis, line, len);
	}
	/* The SMTP command: "(in reply to RCPT TO command)" */
	{
		size_t i;
		for (i = 0; i < text.n; i++) {
			const char *d = text.ds[i].diagnosis;
			if (d != NULL && (cmd = smtp_command_find(d, strlen(d))) != NULL)
				text.ds[i].command = cmd;
			else if (d != NULL && strstr(d, "refused to talk to me:") != NULL)
				text.ds[i].command = "HELO";
			if (d != NULL && strstr(d, " said:") != NULL)
				text.ds[i].spec = "SMTP";
		}
	}
	if ((r = dsn_collect_sections(m, b)) < 0)
		return -1;
	/* Report fields written into the text part, without a MIME report. */
	if (r == 0 && b->n == 0 && lh_find_field(p, n, "Final-Recipient:") != NULL &&
	    dsn_collect(m, b, p, n, DSN_ANYWHERE) < 0)
		return -1;
	if (b->n == 0 && text.n == 0) {
		if (!nomessage || m->orig == NULL)
			return 0;
		if (kb_add(m, b) == NULL)
			return -1;
		lh_recipient_from_orig(m, b);
		return (int)b->n;
	}
	{
		size_t i;
		for (i = 0; i < b->n; i++) {
			struct kds *d = &b->ds[i];
			if (d->spec != NULL && k_strncaseeq(d->spec, "X-POSTFIX", 10))
				d->spec = "SMTP";
		}
	}
	/* A report's short Diagnostic-Code loses to the notice's full text. */
	{
		size_t i, j;
		for (i = 0; i < b->n; i++)
			for (j = 0; j < text.n; j++) {
				struct kds *d = &b->ds[i];
				const struct kds *x = &text.ds[j];
				if (!(lh_same_addr(x->recipient, d->recipient) || lh_same_addr(x->alias, d->recipient) ||
				    lh_same_addr(x->recipient, d->alias) || (b->n == 1 && text.n == 1)))
					continue;
				if (x->diagnosis != NULL && (d->diagnosis == NULL ||
				    strlen(x->diagnosis) > strlen(d->diagnosis)))
					d->diagnosis = x->diagnosis;
				break;
			}
	}
	return lh_merge(m, b, &text);
}

const struct klhost lhost_postfix = { "Postfix", postfix_decode };

/*
 * NAME
 *	exim - bounces written by Exim
 * DESCRIPTION
 *	Two of: From "Mail Delivery System", a Message-Id of Exim's shape
 *	(<XXXXXX-XXXXXX-XX@host>), an Exim subject ("Mail delivery failed",
 *	"Warning: message ... delayed", "Mail failure", "Message frozen",
 *	"error(s) in forwarding or filtering"). The notice opens with "This
 *	message was created automatically by mail delivery software." (or a
 *	router's or a scanner's wording), lists each failed address indented
 *	by two spaces and its error indented by four, and stops at
 *	"------ This is a copy of the message, including all the headers.".
 *	Newer Exim also attaches a standard report. The error names the SMTP
 *	command: "SMTP error from remote mail server after RCPT TO:<...>".
 *	Source: Exim deliver.c and the spec, chapter "Bounce messages"
 *	(observed in bounces).
 */
#include "lhost.h"
#include "../reason/reason.h"

/* Sisimai's placeholder for a recipient the bounce does not disclose */
#define UNDISCLOSED "undisclosed-recipient-in-headers@libsisimai.org.invalid"

static int
exim_message_id(const char *v)
{
	/* <1X58pB-0004bW-2s@host>: 6 to 7, 6, 2 to 4 alphanumerics */
	const char *p = strchr(v, '<');
	size_t	    a = 0, b = 0, c = 0;

	if (p == NULL)
		return 0;
	p++;
	while (k_isalnum((unsigned char)p[a]))
		a++;
	if (a < 6 || a > 7 || p[a] != '-')
		return 0;
	p += a + 1;
	while (k_isalnum((unsigned char)p[b]))
		b++;
	if (b != 6 || p[b] != '-')
		return 0;
	p += b + 1;
	while (k_isalnum((unsigned char)p[c]))
		c++;
	return c >= 2 && c <= 4 && p[c] == '@';
}

static int
is_exim(struct kmsg *m)
{
	int score = 0;

	if (lh_from_has(m, ".mail.ru"))
		return 0;
	if (m->from != NULL && (k_startswith(m->from, strlen(m->from), "Mail Delivery System") ||
	    k_startswith(m->from, strlen(m->from), "\"Mail Delivery System\"")))
		score++;
	if (exim_message_id(lh_header(m, "message-id")))
		score++;
	if (lh_subject_has(m, "Mail delivery failed") || lh_subject_starts(m, "Warning: message ") ||
	    lh_subject_has(m, "Delivery Status Notification") || lh_subject_has(m, "Mail failure") ||
	    lh_subject_has(m, "Message frozen") || lh_subject_has(m, "error(s) in forwarding or filtering"))
		score++;
	if (lh_has_header(m, "x-failed-recipients") && score == 1)
		score++;
	return score >= 2;
}

static int
is_start(const char *l, size_t n)
{
	return k_startswith(l, n, "This message was created automatically by mail delivery software.") ||
	    k_startswith(l, n, "A message that you sent was rejected by the local scan") ||
	    k_startswith(l, n, "A message that you sent contained one or more recipient addresses ") ||
	    k_startswith(l, n, "A message that you sent could not be delivered to all of its recipients") ||
	    (k_startswith(l, n, "Message ") && (lh_line_has(l, n, " has been frozen") ||
	    lh_line_has(l, n, " was frozen on arrival"))) ||
	    (k_startswith(l, n, "The ") && lh_line_has(l, n, " router encountered the following error(s):"));
}

/* address_line - "  a@b" or "  a@b: text" or "  a@b <c@d>: text" */
static const char *
address_line(struct kmsg *m, const char *l, size_t n, const char **rest)
{
	const char *p, *e, *a;
	size_t	    an;

	if (n < 4 || l[0] != ' ' || l[1] != ' ' || l[2] == ' ' || l[2] == '\t')
		return NULL;
	p = l + 2;
	e = p;
	while (e < l + n && *e != ' ' && *e != '\t')
		e++;
	if (memchr(p, '@', (size_t)(e - p)) == NULL)
		return NULL;
	*rest = e;
	/* "  a@b <c@d>: text": the bracketed one is the real recipient */
	if (e + 2 < l + n && e[0] == ' ' && e[1] == '<' && addr_find(e, (size_t)(l + n - e), &a, &an))
		return kb_str(m, a, an);
	an = (size_t)(e - p);
	if (an > 0 && p[an - 1] == ':')
		an--;
	return addr_valid(p, an) ? kb_str(m, p, an) : NULL;
}

static int
exim_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *alt = NULL, *frozen = NULL;
	size_t	    n, len, i;
	struct kds *d = NULL;
	struct kbounce rep;
	int	    reading = 0, r;

	if (!is_exim(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *rest, *a;

		if (!reading) {
			if (is_start(line, len)) {
				reading = 1;
				if (lh_line_has(line, len, " frozen"))
					frozen = kb_trimmed(m, line, len);
			}
			continue;
		}
		if (k_startswith(line, len, "------ This is a copy of ") ||
		    k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (len == 0)
			continue;
		if ((a = address_line(m, line, len, &rest)) != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = a;
			if (rest < line + len && *rest == ' ' && rest[1] == '<')
				d->diagnosis = kb_trimmed(m, line, len);
			else if (rest < line + len && *rest == ':')
				d->diagnosis = kb_trimmed(m, rest + 1, (size_t)(line + len - rest - 1));
			continue;
		}
		if (k_startswith(line, len, "  an undisclosed address")) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = UNDISCLOSED;
			continue;
		}
		if (d != NULL && (lh_line_has(line, len, "(generated from ") ||
		    k_startswith(line, len, "    generated by "))) {
			const char *q = lh_find(line, len, "generated ");
			if (q != NULL)
				d->alias = lh_addr(m, q, (size_t)(line + len - q));
			/*
			 * "an undisclosed address (generated from a@b)": the
			 * address the sender wrote is the one to act on.
			 */
			if (d->alias != NULL && strcmp(d->recipient, UNDISCLOSED) == 0) {
				d->recipient = d->alias;
				d->alias = NULL;
			}
			continue;
		}
		if (d != NULL && line[0] == ' ')
			d->diagnosis = kb_append(m, d->diagnosis, line, len);
		else if (line[0] == ' ')
			alt = kb_append(m, alt, line, len);
	}
	/* Exim's standard report, when attached. */
	memset(&rep, 0, sizeof(rep));
	if ((r = dsn_collect_sections(m, &rep)) < 0)
		return -1;
	if (b->n == 0 && rep.n > 0) {
		if (lh_merge(m, b, &rep) < 0)
			return -1;
	} else if (rep.n > 0) {
		for (i = 0; i < b->n; i++) {
			size_t j;
			for (j = 0; j < rep.n; j++)
				if (lh_same_addr(rep.ds[j].recipient, b->ds[i].recipient) ||
				    (rep.n == 1 && b->n == 1)) {
					struct kds *x = &rep.ds[j];
					d = &b->ds[i];
					/* The report's code wins, unless the notice says the same and more. */
					if (x->diagnosis != NULL && x->diagnosis[0] != '\0' &&
					    (d->diagnosis == NULL ||
					    k_strstr_ci(d->diagnosis, strlen(d->diagnosis), x->diagnosis) == NULL))
						d->diagnosis = x->diagnosis;
					if (x->spec != NULL)
						d->spec = x->spec;
					if (d->status == NULL)
						d->status = x->status;
					if (d->action == NULL)
						d->action = x->action;
					if (d->rhost == NULL)
						d->rhost = x->rhost;
					break;
				}
		}
		if (b->lhost == NULL)
			b->lhost = rep.lhost;
	}
	if (b->n == 0 && lh_failed_recipients(m, b) < 0)
		return -1;
	if (b->n == 0)
		return 0;
	lh_orig_after(m, "------ This is a copy of ");
	for (i = 0; i < b->n; i++) {
		const char *cmd = NULL, *why;
		d = &b->ds[i];
		/*
		 * Exim's delay warning, "Warning: message 1a2b3c-... delayed 24
		 * hours": its addresses are not failed yet.
		 */
		if (d->action == NULL && lh_subject_starts(m, "Warning: message ") &&
		    lh_subject_has(m, " delayed "))
			d->action = "delayed";
		if ((d->diagnosis == NULL || d->diagnosis[0] == '\0') && alt != NULL)
			d->diagnosis = alt;
		if (frozen != NULL)
			d->diagnosis = kb_append(m, frozen, d->diagnosis ? d->diagnosis : "",
			    d->diagnosis ? strlen(d->diagnosis) : 0);
		if (d->diagnosis == NULL)
			continue;
		/* "host mx.example.jp [192.0.2.153]: 550 ..." names the remote host. */
		if (d->rhost == NULL) {
			const char *h = strstr(d->diagnosis, "host ");
			if (h != NULL) {
				const char *hs = h + 5, *he = strchr(hs, ' ');
				if (he != NULL && he[1] == '[' && he > hs)
					d->rhost = kb_str(m, hs, (size_t)(he - hs));
			}
		}
		{
			const char *s = strstr(d->diagnosis, "SMTP error from remote ");
			const char *l = strstr(d->diagnosis, "LMTP error after ");
			if (s != NULL && strstr(s, " after initial connection") != NULL)
				cmd = "CONN";
			else if (s != NULL)
				cmd = smtp_command_find(s, strlen(s));
			else if (l != NULL)
				cmd = smtp_command_find(l, strlen(l));
		}
		d->command = cmd;
		/*
		 * Refused before the envelope: Exim's wording means our host was
		 * not welcome (blocked), unless the words say it was for want of
		 * a PTR record, which the classifier reads from its tables.
		 */
		if (cmd != NULL && (strcmp(cmd, "HELO") == 0 || strcmp(cmd, "EHLO") == 0 ||
		    strcmp(cmd, "CONN") == 0)) {
			struct ph_result pr;
			kr_phrases(d->diagnosis, strlen(d->diagnosis), &pr);
			if (!ph_has(&pr, KAERU_REASON_REQUIREPTR))
				d->reason = "blocked";
		} else if (cmd != NULL && strcmp(cmd, "MAIL") == 0)
			d->reason = "onhold";
		else if (cmd == NULL && (why = lh_phrase(m, "exim", d->diagnosis)) != NULL)
			d->reason = why;
		if (d->reason != NULL && strcmp(d->reason, "expired") == 0 && d->action == NULL)
			d->action = "delayed";
	}
	return (int)b->n;
}

const struct klhost lhost_exim = { "Exim", exim_decode };

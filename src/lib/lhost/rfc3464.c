/*
 * NAME
 *	rfc3464 - standard delivery status reports from any MTA
 * DESCRIPTION
 *	The reader of last resort for mails that carry an RFC 3464 (or RFC
 *	6533) report: every message/delivery-status part, and report fields
 *	written as plain text by MTAs that do not use MIME. Recipients come
 *	from Final-Recipient (Original-Recipient when it is missing); each
 *	record whose Diagnostic-Code is missing takes the error lines of the
 *	notice ("550 ...", "<addr>: ...", "addr: ...", with the indented
 *	lines that continue them), and a record whose Diagnostic-Code names
 *	no SMTP command takes the command from the error lines that name its
 *	recipient ("(in reply to RCPT TO command)"). A report without a
 *	recipient but with a returned message takes the returned message's
 *	To:.
 *	Source: RFC 3464 sections 2.2 and 2.3; RFC 6533.
 */
#include "lhost.h"

/*
 * is_error_line - a notice line quoting a server about a recipient: "550
 *	...", "<a@b>: ...", "<a@b>... ...", or "a@b: ..." (OpenSMTPD, qmail)
 */
static int
is_error_line(const char *l, size_t n)
{
	const char *e;

	if (n >= 4 && (l[0] == '4' || l[0] == '5') && k_isdigit((unsigned char)l[1]) &&
	    k_isdigit((unsigned char)l[2]) && (l[3] == ' ' || l[3] == '-'))
		return 1;
	if (n > 3 && l[0] == '<') {
		const char *gt = memchr(l, '>', n);
		return gt != NULL && memchr(l, '@', (size_t)(gt - l)) != NULL &&
		    gt + 1 < l + n && (gt[1] == ':' || gt[1] == ' ' || gt[1] == '.');
	}
	/* "a@b: text": one word holding '@', then a colon and a blank */
	for (e = l; e < l + n && !k_isblank((unsigned char)*e) && *e != ':'; e++)
		;
	return e > l && e + 1 < l + n && e[0] == ':' && k_isblank((unsigned char)e[1]) &&
	    memchr(l, '@', (size_t)(e - l)) != NULL && addr_valid(l, (size_t)(e - l));
}

/*
 * alt_for - the notice's error lines that may concern record d: those that
 *	name its recipient, and those that name no recipient of the report
 *	and do not open with an address (a line that opens with one is
 *	about that address). named[i] caches whether line i names any
 *	recipient of the report (-1: not known yet): asking it again for
 *	each record made a notice of n recipients and n lines cost n^3
 *	searches (79 of each: 150 ms in the fuzzing build).
 */
static const char *
alt_for(struct kmsg *m, const struct kbounce *b, const struct kds *d,
    const char *const *alt, size_t nalt, signed char *named)
{
	const char *out = NULL;
	size_t	    i, j;

	for (i = 0; i < nalt; i++) {
		size_t n = strlen(alt[i]);

		if (d->recipient != NULL && k_strstr_ci(alt[i], n, d->recipient) == NULL) {
			/* Not its own: only a line of no recipient's, opening with a code. */
			if (!k_isdigit((unsigned char)alt[i][0]))
				continue;
			if (named[i] < 0) {
				named[i] = 0;
				for (j = 0; j < b->n && !named[i]; j++)
					if (b->ds[j].recipient != NULL && k_strstr_ci(alt[i], n, b->ds[j].recipient) != NULL)
						named[i] = 1;
			}
			if (named[i])
				continue;
		}
		out = kb_append(m, out, alt[i], n);
	}
	return out;
}

/* sent_command - the command a transcript's ">>> " line sends, or NULL */
static const char *
sent_command(const char *l, size_t n)
{
	static const char *const sent[] = { "MAIL", "RCPT", "DATA", "EHLO", "HELO", "BDAT" };
	size_t i;

	k_trim(&l, &n);
	if (n == 1 && l[0] == '.')
		return "DATA";	/* the end of the message text */
	for (i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		if (k_startswith_ci(l, n, sent[i]) && (n == 4 || !k_isalpha((unsigned char)l[4])))
			return sent[i];
	return NULL;
}

/* transcript_text - the text of a transcript line: "<<< " and blanks skipped */
static void
transcript_text(const char **l, size_t *n)
{
	k_trim(l, n);
	if (*n >= 3 && memcmp(*l, "<<<", 3) == 0) {
		*l += 3;
		*n -= 3;
		k_trim(l, n);
	}
}

/*
 * exit_status - is the Diagnostic-Code a bare number, the exit status of a
 *	local mailer ("X-Unix; 255"): the notice's error lines say more
 *	("554 5.3.0 unknown mailer error 255")
 */
static int
exit_status(const char *diag)
{
	size_t i;

	for (i = 0; k_isdigit((unsigned char)diag[i]); i++)
		;
	return i > 0 && i <= 3 && diag[i] == '\0';
}

/*
 * answered - the command of the transcript's ">>> " line that the reply
 *	quoted as diag answered (">>> RCPT TO:<a@b>" then "<<< 553 Invalid
 *	recipient a@b"), or NULL; a reply right after "... while talking to
 *	host:", before any ">>> ", answered the greeting: "CONN"
 */
static const char *
answered(const char *diag, const char *p, size_t n)
{
	const char *cur = p, *end = p + n, *line, *sent = NULL;
	size_t	    len, dn = strlen(diag);

	while (km_nextline(&cur, end, &line, &len)) {
		k_trim(&line, &len);
		if (len > 4 && memcmp(line, ">>> ", 4) == 0) {
			sent = sent_command(line + 4, len - 4);
			continue;
		}
		if (lh_talking_to(line, len)) {
			sent = "CONN";
			continue;
		}
		if (sent == NULL || len < 8 || memcmp(line, "<<< ", 4) != 0)
			continue;
		line += 4, len -= 4;
		if (len <= dn && k_strncaseeq(line, diag, len))
			return sent;
		if (len > dn && k_strncaseeq(line, diag, dn))
			return sent;
	}
	return NULL;
}

/*
 * whole_reply - the whole of a multi-line reply whose first line alone is
 *	the Diagnostic-Code ("550-5.7.1 This message does not have
 *	authentication information or fails to pass"), from the notice's
 *	transcript ("<<< 550-5.7.1 ..." up to "<<< 550 5.7.1 ..."); the
 *	repeated code and status of each line are dropped. NULL when the
 *	notice does not quote it. *cmd is the command of the ">>> " line
 *	that the reply answered, when the transcript shows it.
 */
static const char *
whole_reply(struct kmsg *m, const char *diag, const char *p, size_t n, const char **cmd)
{
	const char *cur = p, *end = p + n, *line, *out = NULL, *sent = NULL;
	size_t	    len, dn = strlen(diag);

	if (dn < 8 || !k_isdigit((unsigned char)diag[0]) || !k_isdigit((unsigned char)diag[1]) ||
	    !k_isdigit((unsigned char)diag[2]) || diag[3] != '-')
		return NULL;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *t;
		size_t	    tn, sn;
		char	    st[SMTP_STATUS_MAX];

		if (out == NULL && len > 4 && memcmp(line, ">>> ", 4) == 0)
			sent = sent_command(line + 4, len - 4);
		transcript_text(&line, &len);
		if (out == NULL) {
			if (len >= dn && memcmp(line, diag, dn) == 0) {
				out = kb_str(m, diag, dn);
				*cmd = sent;
			}
			continue;
		}
		if (len < 4 || memcmp(line, diag, 3) != 0 || (line[3] != '-' && line[3] != ' '))
			break;
		/* the status code repeated at the start of each line */
		t = line + 4;
		tn = len - 4;
		k_trim(&t, &tn);
		if (smtp_status_find(t, tn < 10 ? tn : 10, st) && (sn = strlen(st)) <= tn &&
		    memcmp(t, st, sn) == 0)
			t += sn, tn -= sn;
		out = kb_append(m, out, t, tn);
		if (line[3] == ' ')
			break;
	}
	return out;
}

/*
 * fuller - the notice's error line about d's recipient when it quotes the
 *	whole Diagnostic-Code with more around it ("host mx said: 550 ...
 *	(in reply to RCPT TO command)"), without its "<rcpt>:" label; NULL
 *	when there is none
 */
static const char *
fuller(const struct kds *d, const char *const *alt, size_t nalt)
{
	size_t i, dn, rn;

	if (d->recipient == NULL || d->diagnosis == NULL)
		return NULL;
	dn = strlen(d->diagnosis);
	rn = strlen(d->recipient);
	for (i = 0; i < nalt; i++) {
		const char *a = alt[i];
		size_t	    an = strlen(a);
		if (a[0] == '<' && an > rn + 2 && k_strncaseeq(a + 1, d->recipient, rn) && a[rn + 1] == '>')
			a += rn + 2, an -= rn + 2;
		else if (k_strncaseeq(a, d->recipient, rn) && an > rn)
			a += rn, an -= rn;
		else
			continue;
		if (*a != ':')
			continue;
		a++, an--;
		while (an > 0 && k_isblank((unsigned char)*a))
			a++, an--;
		if (an > dn && k_strstr_ci(a, an, d->diagnosis) != NULL)
			return a;
	}
	return NULL;
}

/*
 * reports - CommuniGate Pro's account of a failure under the line that
 *	names the recipient: "LOCAL module(account a) reports:" or "SMTP
 *	module(domain b) reports:", then the cause on indented lines (" host
 *	mx.b says:", " 550 5.1.1 User unknown"); appended to out, *cur
 *	moved past them
 */
static const char *
reports(struct kmsg *m, const char *out, const char **cur, const char *end)
{
	const char *c = *cur, *line;
	size_t	    len;
	int	    k = 0;

	if (!km_nextline(&c, end, &line, &len) || !k_endswith_ci(line, len, " reports:") ||
	    !lh_line_has(line, len, " module("))
		return out;
	out = kb_append(m, out, line, len);
	*cur = c;
	while (k++ < 6 && km_nextline(&c, end, &line, &len) && len > 0 &&
	    (line[0] == ' ' || line[0] == '\t')) {
		out = kb_append(m, out, line, len);
		*cur = c;
	}
	return out;
}

/*
 * mentions - the notice's sentences that name d's recipient ("Your message
 *	wasn't delivered to a@b because the address couldn't be found.").
 *	Without coded: for a record that has no Diagnostic-Code, no error
 *	line and no comment in its Status field; at most three lines, not
 *	counting a line that is the address alone or a report field, each
 *	with CommuniGate Pro's module report below it (reports()). With
 *	coded: for a Diagnostic-Code that quotes no code (an X.400 gateway's
 *	"Reason 1 (Unable-To-Transfer); Diagnostic -1"), at most two lines
 *	that quote one ("MTA '192.0.2.1' gives error message 5.7.1 Unable
 *	to relay for a@b"). p[0..n) ends before the report's own
 *	"Content-Type: message/delivery-status" line (text_end()). The
 *	recipient is searched in the text, not line by line: a notice of
 *	many records and lines was read once per record, line by line.
 */
static const char *
mentions(struct kmsg *m, const struct kds *d, const char *p, size_t n, int coded)
{
	const char *cur = p, *end = p + n, *out = NULL, *hit;
	size_t	    rl;
	int	    k = 0, most = coded ? 2 : 3;

	if (d->recipient == NULL || (!coded && d->status_comment != NULL))
		return NULL;
	rl = strlen(d->recipient);
	while (k < most && cur < end && (hit = k_memmem_ci(cur, (size_t)(end - cur), d->recipient, rl)) != NULL) {
		const char	*line = hit, *nl;
		size_t		 len;
		struct dsn_field f;

		while (line > cur && line[-1] != '\n')
			line--;
		nl = memchr(hit, '\n', (size_t)(end - hit));
		len = (size_t)((nl != NULL ? nl : end) - line);
		cur = nl != NULL ? nl + 1 : end;
		if (hit + rl > line + len) {
			cur = hit + 1;	/* across a line end: not a line that names it */
			continue;
		}
		if (coded ? !lh_quotes_failure(line, len) :
		    (lh_line_addr(m, line, len) != NULL || dsn_field(line, len, &f) != DSN_NONE))
			continue;
		out = kb_append(m, out, line, len);
		k++;
		if (!coded)
			out = reports(m, out, &cur, end);
	}
	return out;
}

/* text_end - the length of p[0..n) before a line "Content-Type: message/delivery-status" (any case) */
static size_t
text_end(const char *p, size_t n)
{
	const char *cur = p, *end = p + n, *line;
	size_t	    len;

	while (km_nextline(&cur, end, &line, &len))
		if (k_startswith_ci(line, len, "Content-Type: message/delivery-status"))
			return (size_t)(line - p);
	return n;
}

/*
 * command_for - the SMTP command that the notice's error lines naming d's
 *	recipient name ("... (in reply to RCPT TO command)"), when the
 *	report's Diagnostic-Code does not say it
 */
static const char *
command_for(const struct kds *d, const char *const *alt, size_t nalt)
{
	const char *c;
	size_t	    i;

	for (i = 0; i < nalt; i++)
		if (k_strstr_ci(alt[i], strlen(alt[i]), d->recipient) != NULL &&
		    (c = smtp_command_find(alt[i], strlen(alt[i]))) != NULL)
			return c;
	return NULL;
}

static int
rfc3464_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *alt[32];
	signed char named[32];	/* alt_for()'s cache */
	size_t	    nalt = 0;
	size_t	    n, len, i;
	int	    r, anywhere = 0, cont = 0, lone = 0;	/* lone: alt's last is an address alone */
	size_t	    base = 0, tn = SIZE_MAX;	/* text_end() of the notice, once needed */

	memset(named, -1, sizeof(named));

	if ((r = dsn_collect_sections(m, b)) < 0)
		return -1;
	if (r == 0) {
		/* Report fields written into a text part. */
		size_t fn;
		const char *f = lh_flat(m, &fn);
		if (lh_find_field(f, fn, "Final-Recipient:") == NULL &&
		    lh_find_field(f, fn, "Original-Recipient:") == NULL)
			return 0;
		lh_notice(m, &p, &n);
		if ((r = dsn_collect(m, b, p, n, DSN_ANYWHERE)) < 0)
			return -1;
		if (r == 0)
			return 0;
		anywhere = 1;
	}
	/* Error lines of the notice, for records without a diagnosis. */
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		size_t ind = 0;
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		while (ind < len && k_isblank((unsigned char)line[ind]))
			ind++;
		int err = is_error_line(line, len);
		if (err || (ind < len && lh_line_addr(m, line, len) != NULL)) {
			/*
			 * An error line, or an address alone on its line with the
			 * error on the more indented lines below it (Exim's
			 * "  a@b\n    SMTP error from ... after EHLO ...: 550 ...").
			 */
			if (lone)
				nalt--;
			if (nalt == sizeof(alt) / sizeof(alt[0]))
				break;
			if ((alt[nalt] = kb_trimmed(m, line, len)) != NULL)
				nalt++;
			cont = 1;
			lone = !err && alt[nalt - 1] != NULL;
			base = ind;
		} else if (cont && nalt > 0 && ind < len && ind > base) {
			/* Postfix folds its lines: "    5.1.1 ... (in reply to RCPT TO" */
			alt[nalt - 1] = kb_append(m, alt[nalt - 1], line, len);
			lone = 0;
		} else {
			/* An address alone that nothing explained says nothing. */
			if (lone)
				nalt--;
			cont = lone = 0;
		}
	}
	if (lone)
		nalt--;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		const char *w, *c = NULL;
		if (d->diagnosis == NULL || d->diagnosis[0] == '\0') {
			if ((d->diagnosis = alt_for(m, b, d, alt, nalt, named)) == NULL) {
				if (tn == SIZE_MAX)
					tn = text_end(p, (size_t)(end - p));
				d->diagnosis = mentions(m, d, p, tn, 0);
			}
		} else if (exit_status(d->diagnosis)) {
			if ((w = alt_for(m, b, d, alt, nalt, named)) != NULL)
				d->diagnosis = w;
		} else if ((w = whole_reply(m, d->diagnosis, p, (size_t)(end - p), &c)) != NULL) {
			d->diagnosis = w;
			if (d->command == NULL)
				d->command = c;
		} else if ((w = fuller(d, alt, nalt)) != NULL)
			d->diagnosis = w;
		else if (!lh_quotes_failure(d->diagnosis, strlen(d->diagnosis))) {
			if (tn == SIZE_MAX)
				tn = text_end(p, (size_t)(end - p));
			if ((w = mentions(m, d, p, tn, 1)) != NULL)
				d->diagnosis = kb_append(m, d->diagnosis, w, strlen(w));
		}
		if (d->command == NULL && d->diagnosis != NULL)
			d->command = smtp_command_find(d->diagnosis, strlen(d->diagnosis));
		if (d->command == NULL && d->recipient != NULL)
			d->command = command_for(d, alt, nalt);
		if (d->command == NULL && d->diagnosis != NULL)
			d->command = answered(d->diagnosis, p, (size_t)(end - p));
	}
	(void)anywhere;
	lh_known_words(m, b);
	return (int)b->n;
}

const struct klhost lhost_rfc3464 = { "RFC3464", rfc3464_decode };

/*
 * NAME
 *	generic - bounces from MTAs that no decoder knows
 * DESCRIPTION
 *	When no family decoder and no standard report matched, a mail that
 *	looks like a bounce (sent by a mailer daemon or postmaster, a
 *	delivery-failure subject that is not a "Re:", an empty Return-Path,
 *	an X-Failed-Recipients header, or a quoted SMTP dialogue that failed,
 *	sent by a system account) is read generically:
 *	- the notice is scanned for addresses that stand where bounces name
 *	  recipients ("<a@b>:" at the start of a line, "Recipient: a@b",
 *	  "could not be delivered to: a@b", a line that is one address ...);
 *	  the lines that follow, up to the next recipient, are its diagnosis,
 *	  and error lines written before the list go to records whose own
 *	  lines tell nothing; in sendmail's transcript a host's dialogue and
 *	  status line go to the recipient line after them (talk_line()).
 *	  Not recipients: the reader greeted by address ("a@b 様"), the
 *	  sender after "A message sent by", the bounce's own postmaster;
 *	  "text <a@b>: error" names the bracketed address;
 *	- failing that, X-Failed-Recipients (Exim and others), then a VERP
 *	  return address ("bounce+local=example.com@sender"), then the To:
 *	  of the returned message quoted as text after the notice, then the
 *	  returned message's To:. Such records share the notice's lines that
 *	  quote a code or a reason phrase (not its boilerplate);
 *	- the reply code after sendmail's echo "554 <a@b>... 550 ..." is the
 *	  remote server's, a notice that is only a warning makes its records
 *	  delayed, and words of known MTAs (data/lhost/known.txt) give the
 *	  verdict their decoders would;
 *	- a bounce forwarded inside a notice of its own is read as a mail,
 *	  and so is one a person forwarded inline (after a "Forwarded
 *	  message" or "Original Message" line, its From, Date, Subject, To).
 *	  A mail that does not look like a bounce is looked at for the latter
 *	  alone.
 *	The notice stops at the usual "copy of the message" markers. Without
 *	an address in the notice, only a notice that quotes a code, names a
 *	cause in its subject, has a delivery-status part, or names a cause in
 *	words and quotes the returned message is taken for a bounce.
 */
#include "lhost.h"
#include "../reason/reason.h"

/* Subjects of delivery failures, lower case substrings. */
static const char *const subjects[] = {
	"delivery failed", "delivery failure", "delivery report", "delivery status",
	"delivery notification", "failure notice", "mail delivery", "non-delivery",
	"nondelivery", "returned mail", "undeliverable", "undelivered", "warning:",
	"could not be delivered", "not delivered", "delivery problem",
	"mail system error", "rejected", "bounce", "配信", "不達", "エラー",
};

/*
 * Phrases that, anywhere in a line, announce the returned message. Each
 * holds "copy", "message" or "original": is_stop() relies on it.
 */
static const char *const stops[] = {
	"--- below this line is a copy of the message", "below this line is a copy",
	"original message follows", "a copy of the original message below",
	"below is a copy of the original message",
	"here is a copy of the first part of the message", "unsent message below",
	"your message reads (in part)", "message text follows", "------ this is a copy",
	"the attachment contains the original mail headers", "original message headers",
	"--- original message", "----- original message",
};

/* Lines that, at their start, are the returned message itself. */
static const struct k_lit stops_at_start[] = {
	K_LIT("content-type: message/rfc822"), K_LIT("message headers follow"),
	K_LIT("original message headers follow"), K_LIT("headers of the original message"),
	K_LIT("content-type: text/rfc822-headers"), K_LIT("return-path:"), K_LIT("received:"),
	K_LIT("original message:"), K_LIT("content-type: message/delivery-status"),
};

/* Labels that name a recipient when they open the line. */
static const struct k_lit labels[] = {
	K_LIT("recipient:"), K_LIT("address:"), K_LIT("rcpt:"), K_LIT("original-recipient:"),
	K_LIT("final-recipient:"),
	K_LIT("recipient address:"), K_LIT("failed recipient:"), K_LIT("invalid recipient:"),
	K_LIT("宛先:"), K_LIT("宛先："), K_LIT("送信先:"), K_LIT("送信先："),	/* Japanese: "destination:" */
};

/* Phrases after which a recipient address is written, anywhere in a line. */
static const char *const leads[] = {
	"addressed to ", "could not be delivered to:",
	"delivered to ", "delivery failed:", "did not reach the following recipient:",
	"error-for:", "failed recipient:", "failed to deliver to ", "intended recipient:",
	"mailbox is full:", "rcpt to:", "rejected recipient ", "unknown user:",
	"undeliverable to ", "undeliverable address:", "you sent mail to ",
	"your message to ", "the following message to ", "invalid recipient:",
	"user unknown:", "not delivered to ", "couldn't be delivered to",
	"following recipients returned permanent errors:",
	"invalid final delivery userid:", "delivery to the following recipient failed",
	"unable to deliver to ", "no such user:", "unknown recipient:",
	"delivering your mail to ", "delivering your message to ", "delivery to ",
	"deliver your message to ", "message for ", "sent to ",
	"deliver message to ", "deliver message to:", "unable to deliver to:", "failed to deliver to:",
	"undeliverable to:", "not delivered to:", "address: <", "attempts: ",
	"delivery failed for ", "delivery has failed for ", "delivery failure for ",
	"local mailbox ",
};

/*
 * quotes_transcript - does the notice quote an SMTP dialogue that failed:
 *	a "RCPT TO:" line with an address and a line that opens with a 4xx or
 *	5xx reply (after ">>>"/"<<<" marks or "-"); a notice from a system
 *	account ("post_master", "mmsc", "noreply" ...) that looks like no
 *	mailer daemon is still a bounce then. Quoted lines ("> ") do not
 *	count: a person may quote a log.
 */
static int
quotes_transcript(const struct kmsg *m)
{
	static const char *const system[] = {
		"post", "daemon", "mailer", "admin", "system", "bounce", "reply", "notif",
		"delivery", "mmsc", "gateway",
	};
	const char *p, *cur, *end, *line, *a;
	size_t	    n, len, an, i;
	int	    rcpt = 0, fail = 0;

	/* From a system account, not a person discussing a log on a list. */
	for (i = 0; i < sizeof(system) / sizeof(system[0]); i++)
		if (lh_from_has(m, system[i]))
			break;
	if (i == sizeof(system) / sizeof(system[0]))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len) && !(rcpt && fail)) {
		k_trim(&line, &len);
		if (len > 4 && (memcmp(line, ">>> ", 4) == 0 || memcmp(line, "<<< ", 4) == 0))
			line += 4, len -= 4;
		while (len > 0 && (*line == '-' || k_isblank((unsigned char)*line)))
			line++, len--;
		if (len > 8 && k_startswith_ci(line, len, "rcpt to:") && addr_find(line + 8, len - 8, &a, &an))
			rcpt = 1;
		else if (len >= 4 && (line[0] == '4' || line[0] == '5') && k_isdigit((unsigned char)line[1]) &&
		    k_isdigit((unsigned char)line[2]) && (line[3] == ' ' || line[3] == '-'))
			fail = 1;
	}
	return rcpt && fail;
}

static int
looks_like_bounce(struct kmsg *m)
{
	const char *from = m->from ? m->from : "", *rp;
	size_t	    i, fn = strlen(from);

	if (lh_has_header(m, "x-failed-recipients"))
		return 1;
	if (k_strstr_ci(from, fn, "mailer-daemon") || k_strstr_ci(from, fn, "postmaster") ||
	    k_strstr_ci(from, fn, "root@") || k_strstr_ci(from, fn, "mail delivery") ||
	    k_strstr_ci(from, fn, "mail system"))
		return 1;
	/* "Re: delivery problem" is a person's answer, not a notice. */
	if (!lh_subject_starts(m, "re:"))
		for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
			if (lh_subject_has(m, subjects[i]))
				return 1;
	/*
	 * The null sender, or a mailer daemon as the envelope sender; a
	 * delivery-status part, even one that names no recipient.
	 */
	rp = lh_header(m, "return-path");
	if (strcmp(rp, "<>") == 0 || k_strstr_ci(rp, strlen(rp), "mailer-daemon@") != NULL ||
	    lh_has_report(m))
		return 1;
	return quotes_transcript(m);
}

/* first_address - the first word of l as an address, <> and ":" allowed around it */
static const char *
first_address(struct kmsg *m, const char *l, size_t n)
{
	const char *e = l, *a;
	size_t	    an;

	while (e < l + n && !k_isblank((unsigned char)*e))
		e++;
	if (memchr(l, '@', (size_t)(e - l)) == NULL)
		return NULL;
	if (!addr_find(l, (size_t)(e - l), &a, &an) || (size_t)(a - l) > 2)
		return NULL;
	return kb_str(m, a, an);
}

/*
 * recipient_in - an address this line presents as a recipient, or NULL
 *	Accepted shapes, after leading blanks and list bullets ("*", "-",
 *	">>>", "#"): the line starts with the address ("a@b", "<a@b>:",
 *	"a@b [User unknown]", "a@b on <date>"); a reply code then the
 *	address ("554 <a@b>... Host unknown"); a label that opens the line
 *	("Recipient: a@b"); or a phrase bounces put before a recipient
 *	anywhere in the line ("could not be delivered to: a@b").
 */
static const char *
recipient_in(struct kmsg *m, const char *l, size_t n, int *led)
{
	const char *p = l, *a, *r;
	size_t	    k = n, an, i;

	*led = 0;
	k_trim(&p, &k);
	while (k > 0 && (*p == '*' || *p == '-' || *p == '>' || *p == '#' || k_isblank((unsigned char)*p)))
		p++, k--;
	if (k >= 3 && memcmp(p, "\xe2\x80\xa2", 3) == 0)	/* U+2022 bullet */
		p += 3, k -= 3;
	k_trim(&p, &k);
	if (k == 0)
		return NULL;
	if ((r = first_address(m, p, k)) != NULL) {
		/*
		 * "text <a@b>: error": the word before is what the sender
		 * wrote, the address in angle brackets the one refused (Exim's
		 * "malformed address" list).
		 */
		const char *sp = memchr(p, ' ', k), *gt;
		if (sp != NULL && sp[-1] != ':' && (size_t)(sp - p) + 2 < k && sp[1] == '<' &&
		    (gt = memchr(sp, '>', k - (size_t)(sp - p))) != NULL && gt + 1 < p + k &&
		    gt[1] == ':' && addr_valid(sp + 2, (size_t)(gt - sp - 2)))
			return kb_str(m, sp + 2, (size_t)(gt - sp - 2));
		return r;
	}
	/*
	 * "554 <a@b>... text", "550 a@b: text"; never a positive reply
	 * ("250 <a@b>, Sender ok" in a transcript)
	 */
	if (k > 5 && (p[0] == '4' || p[0] == '5') && k_isdigit((unsigned char)p[1]) &&
	    k_isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '-') &&
	    (r = first_address(m, p + 4, k - 4)) != NULL)
		return r;
	*led = 1;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if (k_starts_any(p, k, &labels[i], 1, 1) != NULL) {
			const char *q = p + labels[i].n;
			/* "Original-Recipient: rfc822;a@b" */
			while (q < p + k && k_isblank((unsigned char)*q))
				q++;
			if ((size_t)(p + k - q) > 7 && k_strncaseeq(q, "rfc822;", 7))
				q += 7;
			/* MailEnable's "Recipient: [SMTP:a@b]" */
			if ((size_t)(p + k - q) > 6 && k_strncaseeq(q, "[smtp:", 6))
				q += 6;
			if (addr_find(q, (size_t)(p + k - q), &a, &an) && a - q <= 3)
				return kb_str(m, a, an);
		}
	}
	/* "undeliverable  to a@b": the leads are read with blanks squeezed. */
	if (k_needs_squeeze(p, k)) {
		char *sq = ka_alloc(m->a, k + 1);
		if (sq == NULL)
			return NULL;
		k = k_squeeze_ws(sq, p, k);
		sq[k] = '\0';
		p = sq;
	}
	for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
		const char *q = k_strstr_ci(p, k, leads[i]);
		if (q != NULL) {
			q += strlen(leads[i]);
			if (addr_find(q, (size_t)(p + k - q), &a, &an) && a - q <= 3)
				return kb_str(m, a, an);
		}
	}
	return NULL;
}

/*
 * own_daemon - is the daemon address r of the bounce's own domain (the
 *	From:'s, or a parent or subdomain of it): "write to postmaster@here"
 *	is help, not a recipient; a postmaster elsewhere after "delivering
 *	your mail to" is one
 */
static int
own_daemon(struct kmsg *m, const char *r)
{
	const char *a = lh_addr(m, m->from ? m->from : "", m->from ? strlen(m->from) : 0);
	const char *ra = strchr(r, '@'), *fa = a ? strchr(a, '@') : NULL;
	size_t	    rn, fn;

	if (fa == NULL || ra == NULL)
		return 0;
	rn = strlen(++ra);
	fn = strlen(++fa);
	/* the same domain, or one a subdomain of the other */
	if (rn > fn)
		return ra[rn - fn - 1] == '.' && k_strncaseeq(ra + rn - fn, fa, fn);
	return (rn == fn || fa[fn - rn - 1] == '.') && k_strncaseeq(fa + fn - rn, ra, rn);
}

/* holds_any - does l[0..n) hold one of the k lower-case phrases of list, in any case */
static int
holds_any(const char *l, size_t n, const char *const *list, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (k_strstr_ci(l, n, list[i]) != NULL)
			return 1;
	return 0;
}

/* address_alone - is the line a bulleted address and nothing else: it tells no cause */
static int
address_alone(struct kmsg *m, const char *l, size_t n)
{
	k_trim(&l, &n);
	while (n > 0 && (*l == '*' || *l == '-' || *l == '>' || *l == '#' || k_isblank((unsigned char)*l)))
		l++, n--;
	return lh_line_addr(m, l, n) != NULL;
}

static int
is_stop(const char *l, size_t n)
{
	/*
	 * Each phrase of stops[] holds "copy", "message" or "original": a
	 * line with none of them (most lines) needs three searches, not one
	 * per phrase.
	 */
	if ((k_memmem_ci(l, n, "copy", 4) != NULL || k_memmem_ci(l, n, "message", 7) != NULL ||
	    k_memmem_ci(l, n, "original", 8) != NULL) &&
	    holds_any(l, n, stops, sizeof(stops) / sizeof(stops[0])))
		return 1;
	while (n > 0 && (*l == ' ' || *l == '-')) {
		l++;
		n--;
	}
	return k_starts_any(l, n, stops_at_start, sizeof(stops_at_start) / sizeof(stops_at_start[0]), 1) != NULL;
}

/*
 * Sendmail's transcript, which many MTAs copy, is written by host, not by
 * recipient:
 *
 *	While talking to mx.example.edu:
 *	>>> MAIL From:<sender@example.jp>
 *	<<< 550 Insecure Mail Relay
 *	554 <kijitora@example.edu>... Remote protocol error
 *	550 example.org (smtp)... 550 Host unknown
 *	554 <mikeneko@example.org>... 550 Host unknown (Authoritative answer ...)
 *
 * The dialogue with a host and the host's own status line ("550 host
 * (mailer)... text") come before the recipients they failed, and they are
 * no part of the recipient line above them. TALK_SESSION and TALK_HOST
 * lines end the running record's lines; they and the dialogue's ">>>" and
 * "<<<" lines are held and given to the next recipient line.
 */
enum talk { TALK_NONE, TALK_SESSION, TALK_DIALOGUE, TALK_HOST };

/* talk_line - which part of a sendmail transcript the line is */
static enum talk
talk_line(const char *l, size_t n)
{
	size_t i;

	if (lh_talking_to(l, n))
		return TALK_SESSION;
	if (n > 4 && (memcmp(l, ">>> ", 4) == 0 || memcmp(l, "<<< ", 4) == 0))
		return TALK_DIALOGUE;
	/* "NNN host (mailer)... text" */
	if (n < 12 || !k_isdigit((unsigned char)l[0]) || !k_isdigit((unsigned char)l[1]) ||
	    !k_isdigit((unsigned char)l[2]) || l[3] != ' ' || l[4] == ' ' || l[4] == '<')
		return TALK_NONE;
	for (i = 4; i < n && l[i] != ' '; i++)
		;
	if (i + 2 >= n || l[i + 1] != '(')
		return TALK_NONE;
	for (i += 2; i < n && k_isalnum((unsigned char)l[i]); i++)
		;
	return i + 4 < n && memcmp(l + i, ")... ", 5) == 0 ? TALK_HOST : TALK_NONE;
}

/* subject_has_reason - does the subject name a cause ("Returned mail: User unknown") */
static int
subject_has_reason(const struct kmsg *m)
{
	struct ph_result r;

	if (m->subject == NULL || m->subject[0] == '\0')
		return 0;
	kr_phrases(m->subject, strlen(m->subject), &r);
	return (r.tags & ~((uint64_t)1 << KAERU_REASON_VACATION)) != 0;
}

/*
 * is_sender - is r the address the bounce went back to: the bounce's To:,
 *	or the returned message's Return-Path or From. A notice may greet
 *	its reader ("a@b 様"); that address is then not a failed recipient
 *	(but a mail sent to oneself lists it as one: "<a@b>:").
 */
static int
is_sender(struct kmsg *m, const char *r)
{
	static const char *const bounce_fields[] = { "to" };
	static const char *const orig_fields[] = { "return-path", "from" };
	const char *v, *a;
	size_t	    i;

	for (i = 0; i < sizeof(bounce_fields) / sizeof(bounce_fields[0]); i++) {
		v = lh_header(m, bounce_fields[i]);
		if ((a = lh_addr(m, v, strlen(v))) != NULL && lh_same_addr(a, r))
			return 1;
	}
	for (i = 0; m->orig != NULL && i < sizeof(orig_fields) / sizeof(orig_fields[0]); i++) {
		const struct khdr *f = kh_find(&m->orighdr, orig_fields[i]);
		if (f != NULL && (a = lh_addr(m, f->val, f->vlen)) != NULL && lh_same_addr(a, r))
			return 1;
	}
	return 0;
}

/*
 * greeting - is the address r used as a salutation in the line: other
 *	words follow it ("a@b 様", "a@b您好，") instead of the ":" or
 *	"..." of a list of failed recipients, or nothing
 */
static int
greeting(const char *l, size_t n, const char *r)
{
	const char *a = k_strstr_ci(l, n, r), *e;

	if (a == NULL)
		return 0;
	e = a + strlen(r);
	if (e < l + n && *e == '>')
		e++;
	while (e < l + n && k_isblank((unsigned char)*e))
		e++;
	return e < l + n && *e != ':' && *e != '.' && *e != ';' && *e != ',';
}

/*
 * sent_by - does the line end with "sent by" ("A message sent by" then the
 *	address on a line of its own, as Exim writes): that address is the
 *	sender's, not a recipient
 */
static int
sent_by(const char *l, size_t n)
{
	k_trim(&l, &n);
	return k_endswith_ci(l, n, " sent by") || k_endswith_ci(l, n, " sent from") ||
	    k_endswith_ci(l, n, "message from");
}

/*
 * telling - does a notice line say something about the failure: a 4xx or
 *	5xx reply or status code, or (words) a phrase of the reason tables. Boilerplate ("This
 *	is the mail system at host ...", "For further assistance ...") is
 *	no diagnosis.
 */
static int
telling(struct kmsg *m, const char *l, size_t n, int words)
{
	struct ph_result r;

	if (lh_quotes_failure(l, n))
		return 1;
	if (!words)
		return 0;
	kr_phrases(l, n, &r);
	if (r.tags != 0)
		return 1;
	return m != NULL && lh_phrase(m, "known", kb_str(m, l, n)) != NULL;
}

/*
 * Words in which a notice says that the mail was not delivered, without
 * a cause ("I'm afraid I wasn't able to deliver the following message.
 * This is a permanent error; I've given up."), lower case.
 */
static const char *const undelivered[] = {
	"wasn't able to deliver", "was not able to deliver", "unable to deliver",
	"could not be delivered", "couldn't be delivered", "could not deliver",
	"was not delivered", "wasn't delivered", "permanent error", "permanent fatal error",
};

/* says_undelivered - does a line of the notice, before the marker, say the mail was not delivered */
static int
says_undelivered(const char *p, size_t n)
{
	const char *cur = p, *end = p + n, *line;
	size_t	    len;

	while (km_nextline(&cur, end, &line, &len) && !is_stop(line, len))
		if (holds_any(line, len, undelivered, sizeof(undelivered) / sizeof(undelivered[0])))
			return 1;
	return 0;
}

/* notice_tells - does a line of the notice quote a code (or, with words, a reason phrase) */
static int
notice_tells(const char *p, size_t n, int words)
{
	const char *cur = p, *end = p + n, *line;
	size_t	    len;

	while (km_nextline(&cur, end, &line, &len)) {
		if (is_stop(line, len))
			break;
		if (len > 0 && telling(NULL, line, len, words))
			return 1;
	}
	return 0;
}

/*
 * inline_to - the To: of a returned message quoted as text after the
 *	notice ("Original Message:" then "To: a@b"; "------ This is a copy
 *	of the message, including all the headers. ------"): the recipient
 *	of last resort when no message/rfc822 part exists. Looks at the
 *	first 60 lines after the stop marker.
 */
static const char *
inline_to(struct kmsg *m, const char *cur, const char *end)
{
	const char *line, *a;
	size_t	    len, an;
	int	    lines = 0;

	while (km_nextline(&cur, end, &line, &len) && lines++ < 60) {
		k_trim(&line, &len);
		if (len > 3 && k_startswith_ci(line, len, "to:") &&
		    addr_find(line + 3, len - 3, &a, &an) && !addr_is_daemon(a, an))
			return kb_str(m, a, an);
	}
	return NULL;
}

/*
 * summary_to - the To: of the returned message summed up in the notice
 *	itself, before the marker: a "To: a@b" line next to a "Subject:"
 *	line (Yahoo's notice in qmail's words: "Subject: ..." and "To: a@b",
 *	then "--- Below this line is a copy of the message." with nothing
 *	below it). Not the bounce's own addressee nor the returned
 *	message's sender, which some notices also sum up.
 */
static const char *
summary_to(struct kmsg *m, const char *cur, const char *end)
{
	const char *line, *a, *to = NULL, *prev_to = NULL;
	size_t	    len, an;
	int	    prev_subject = 0;

	while (km_nextline(&cur, end, &line, &len) && !is_stop(line, len)) {
		const char *this_to = NULL;
		int	    is_subject;

		k_trim(&line, &len);
		is_subject = k_startswith_ci(line, len, "subject:");
		if (len > 3 && k_startswith_ci(line, len, "to:") &&
		    addr_find(line + 3, len - 3, &a, &an) && !addr_is_daemon(a, an))
			this_to = kb_str(m, a, an);
		if (this_to != NULL && prev_subject) {
			to = this_to;
			break;
		}
		if (is_subject && prev_to != NULL) {
			to = prev_to;
			break;
		}
		prev_to = this_to;
		prev_subject = is_subject;
	}
	if (to == NULL || is_sender(m, to))
		return NULL;
	return to;
}

/*
 * read_nested - the records of a mail found inside this one, mail[0..len):
 *	it is read as a mail, family decoders and all, and what it is (a
 *	bounce, a complaint, an auto-reply) is what the wrapper is; one level
 *	only, and within the MIME depth limit. Returns the number of
 *	records, 0, or -1 on ENOMEM.
 */
static int
read_nested(struct kmsg *m, struct kbounce *b, const char *mail, size_t len)
{
	struct klimits	   lim = *m->lim;
	struct kmsg	   in;
	struct kbounce	   ib;
	kstr		   flat = KSTR_INIT, held = KSTR_INIT;
	size_t		   i;
	int		   r;

	if (m->nested || lim.max_depth <= m->depth_seen + 2)
		return 0;
	lim.max_depth -= m->depth_seen + 1;
	memset(&in, 0, sizeof(in));
	in.a = m->a;
	in.cs = m->cs;
	in.lim = &lim;
	in.flat = &flat;
	in.scratch = m->scratch;
	in.only_standard = m->only_standard;
	in.nested = 1;
	r = -1;
	if (km_parse(&in, mail, len) != 0)
		goto done;
	/*
	 * Decoders may keep pointers into the flat text: it moves to the
	 * arena, which lives as long as the records.
	 */
	if ((held.p = ka_alloc(m->a, flat.len + 1)) == NULL)
		goto done;
	memcpy(held.p, flat.p != NULL ? flat.p : "", flat.len);
	held.p[flat.len] = '\0';
	held.len = flat.len;
	in.flat = &held;
	in.subject = kh_get_decoded(&in, &in.hdr, "subject");
	in.from = kh_get_decoded(&in, &in.hdr, "from");
	if (lh_prepare_tests(&in) != 0)	/* as the parser prepares a mail (parser.c) */
		goto done;
	if ((r = lhost_decode(&in, &ib)) <= 0)
		goto done;
	for (i = 0; i < ib.n; i++) {
		struct kds *d = kb_add(m, b);
		if (d == NULL) {
			r = -1;
			goto done;
		}
		*d = ib.ds[i];
	}
	b->kind = ib.kind;
	b->lhost = ib.lhost;
	b->date = ib.date;
	if (ib.decodedby != NULL && strcmp(ib.decodedby, "Generic") != 0)
		b->decodedby = ib.decodedby;
	r = (int)b->n;
done:
	ks_dispose(&flat);
	m->truncated |= in.truncated;
	return r < 0 ? -1 : r;
}

/*
 * wrapped_bounce - a bounce that came back attached to a notice of its own
 *	(a gateway forwards the bounce it received to the sender as
 *	message/rfc822; a mailbox rule or a person forwards it "as
 *	attachment"): read_nested() of the attached message, from its header
 *	block to its part's end (not past it: what follows is the notice's,
 *	and the elider of the reader follows the message only so far). Only
 *	a notice that names no recipient itself comes here.
 */
static int
wrapped_bounce(struct kmsg *m, struct kbounce *b)
{
	const char *end = m->origend;

	if (end == NULL || m->orig < m->raw || m->orig >= end || end > m->raw + m->rawlen)
		return 0;
	return read_nested(m, b, m->orig, (size_t)(end - m->orig));
}

/*
 * Lines that open a message forwarded inline, as mail programs write
 * them: "---------- Forwarded message ---------" (Gmail), "-------- Forwarded
 * Message --------" (Thunderbird), "Begin forwarded message:" (Apple Mail),
 * "-----Original Message-----" (Outlook), lower case.
 */
static const char *const fwd_marks[] = {
	"forwarded message", "original message", "forwarded by",
};

/*
 * forwarded_inline - the records of a bounce that a person forwarded
 *	inline: after a line that says so, the forwarded message's fields
 *	("From:", "Date:" or "Sent:", "Subject:", "To:"), then its text. That
 *	is a mail's shape: the fields and what follows them are read as one
 *	mail (read_nested()), so the bounce's own From and Subject, lost to
 *	the forwarder's, count again. Only the first such message, and only
 *	one whose fields hold a From.
 */
static int
forwarded_inline(struct kmsg *m, struct kbounce *b)
{
	const char *p = ks_str(m->flat), *end = p + m->flat->len, *cur = p, *line;
	size_t	    len;

	if (m->nested || m->flat->len == 0)
		return 0;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *start, *fields_end, *c2;
		size_t	    nf = 0, n2;
		int	    from = 0;
		char	   *mail;

		if (len > 80 || !holds_any(line, len, fwd_marks, sizeof(fwd_marks) / sizeof(fwd_marks[0])))
			continue;
		/* Blank lines, then the fields, each maybe folded. */
		while (cur < end && *cur == '\n')
			cur++;
		start = fields_end = c2 = cur;
		while (km_nextline(&c2, end, &line, &n2) && n2 > 0) {
			if (k_isblank((unsigned char)line[0]) && nf > 0) {
				fields_end = c2;
				continue;
			}
			if (kh_field_name_len(line, n2) == 0)
				break;
			from |= k_startswith_ci(line, n2, "from:");
			nf++;
			fields_end = c2;
		}
		if (nf < 2 || !from)
			return 0;
		/* The fields, an empty line if none follows them, the rest. */
		n2 = (size_t)(end - start) + 1;
		if ((mail = ka_alloc(m->a, n2 + 1)) == NULL)
			return -1;
		len = (size_t)(fields_end - start);
		memcpy(mail, start, len);
		if (fields_end < end && *fields_end != '\n')
			mail[len++] = '\n';
		memcpy(mail + len, fields_end, (size_t)(end - fields_end));
		len += (size_t)(end - fields_end);
		mail[len] = '\0';
		return read_nested(m, b, mail, len);
	}
	return 0;
}

/*
 * is_delay - does the notice say it is a warning about a delay, not a
 *	failure ("THIS IS A WARNING MESSAGE ONLY", "Will keep trying until
 *	...", "Delivery is delayed to these recipients"): its records are
 *	delayed, not failed
 */
static int
is_delay(const struct kmsg *m, const char *p, size_t n)
{
	static const char *const words[] = {
		"this is a warning message only", "will keep trying until",
		"delivery will continue to be attempted", "delivery is delayed to",
		"you do not need to resend", "only a temporary failure report",
		"will be retried for", "has not yet been delivered", "hasn't been delivered yet",
		"message is delayed", "this is a delivery delay notification",
	};
	const char *cur = p, *end = p + n, *line;
	size_t	    len, i;

	if (lh_subject_has(m, "delivery delayed") || lh_subject_has(m, "delayed mail") ||
	    lh_subject_has(m, "(delay)") || lh_subject_has(m, "still being retried"))
		return 1;
	while (km_nextline(&cur, end, &line, &len)) {
		if (is_stop(line, len))
			break;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (k_strstr_ci(line, len, words[i]) != NULL)
				return 1;
	}
	return 0;
}

/*
 * echoed_reply - the reply code after sendmail's echo of the address, "554
 *	<a@b>... 550 Host unknown": the remote server's reply, where the code
 *	before the echo is the local MTA's own; NULL when there is none
 */
static const char *
echoed_reply(struct kmsg *m, const char *diag)
{
	const char *e;

	if (diag == NULL || (e = strstr(diag, ">... ")) == NULL)
		return NULL;
	e += 5;
	if ((e[0] == '4' || e[0] == '5') && k_isdigit((unsigned char)e[1]) && e[1] <= '5' &&
	    k_isdigit((unsigned char)e[2]) && (e[3] == ' ' || e[3] == '-'))
		return kb_str(m, e, 3);
	return NULL;
}

/*
 * lh_known_words - the verdict of data/lhost/known.txt for each record of
 *	a standard reader that has none: words that a known MTA writes and
 *	that mean one thing wherever they appear
 */
void
lh_known_words(struct kmsg *m, struct kbounce *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		const char *r;
		if (d->reason != NULL || d->diagnosis == NULL)
			continue;
		if ((r = lh_phrase_sq(m, "known", d->diagnosis)) != NULL) {
			d->reason = r;
			d->rule = "words of a known MTA";
		}
	}
}

static int
generic_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *tail = NULL, *pre = NULL, *held = NULL;
	size_t	    n, len, k;
	struct kds *d = NULL;
	int	    lines = 0, by = 0, npre = 0, nheld = 0, r, delayed;
	int	    session = 0, d_session = 0;	/* inside a "While talking to"; d began in it */

	if (!looks_like_bounce(m))
		return forwarded_inline(m, b);
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *r;
		int	    after_by = by, led;
		enum talk   talk;

		if (is_stop(line, len)) {
			tail = cur;
			break;
		}
		if (len == 0)
			continue;
		by = sent_by(line, len);
		talk = talk_line(line, len);
		if (talk == TALK_SESSION) {
			/* A new host's dialogue: held for the recipient line it ends with. */
			session = 1;
			d = NULL;
			held = kb_str(m, line, len);
			nheld = 1;
		} else if (talk == TALK_HOST) {
			session = 0;
			d = NULL;
		}
		if ((r = recipient_in(m, line, len, &led)) != NULL && !after_by &&
		    (!addr_is_daemon(r, strlen(r)) || (led && !own_daemon(m, r))) &&
		    !(is_sender(m, r) && greeting(line, len, r))) {
			size_t i;
			for (i = 0; i < b->n; i++)
				if (lh_same_addr(b->ds[i].recipient, r))
					break;
			if (i < b->n) {
				d = &b->ds[i];
			} else {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = r;
			}
			lines = 0;
			if (!address_alone(m, line, len))
				d->diagnosis = kb_append(m, d->diagnosis, line, len);
			if (held != NULL) {
				d->diagnosis = kb_append(m, d->diagnosis, held, strlen(held));
				held = NULL;
				nheld = 0;
			}
			d_session = session;
			continue;
		}
		if (talk == TALK_HOST || (talk == TALK_DIALOGUE && (d == NULL || !d_session))) {
			/*
			 * The host's dialogue or status: for the recipient line
			 * after it, never the running record's; before any
			 * record it may also tell (pre, below).
			 */
			if (nheld < 8) {
				held = kb_append(m, held, line, len);
				nheld++;
			}
			if (d != NULL)
				continue;
		}
		if (talk == TALK_SESSION)
			continue;
		if (d != NULL && (lines < 8 || (lines < 12 && telling(m, line, len, 0)))) {
			/*
			 * Eight lines of what follows, then only replies that
			 * refuse: a transcript's "552 ... would exceed mailbox
			 * quota" after its greeting and EHLO lines.
			 */
			d->diagnosis = kb_append(m, d->diagnosis, line, len);
			lines++;
		} else if (d == NULL && npre < 8 && telling(m, line, len, 1)) {
			pre = kb_append(m, pre, line, len);
			npre++;
		}
	}
	/*
	 * The error lines may come before the list of recipients ("Error:
	 * Invalid user address" ... "RCPT TO: a@b"): a record whose own
	 * lines tell nothing takes them.
	 */
	for (k = 0; pre != NULL && k < b->n; k++)
		if (b->ds[k].diagnosis == NULL ||
		    !telling(m, b->ds[k].diagnosis, strlen(b->ds[k].diagnosis), 1))
			b->ds[k].diagnosis = kb_append(m, pre, b->ds[k].diagnosis ? b->ds[k].diagnosis : "",
			    b->ds[k].diagnosis ? strlen(b->ds[k].diagnosis) : 0);
	if (b->n == 0 && lh_failed_recipients(m, b) < 0)
		return -1;
	/*
	 * A bounce forwarded whole, as the returned message of a notice that
	 * says nothing itself (a gateway's "This is a MIME-formatted
	 * message"), is read before the notice is judged.
	 */
	if (b->n == 0 && m->orig != NULL && (r = wrapped_bounce(m, b)) != 0)
		return r;
	if (b->n == 0 && (r = forwarded_inline(m, b)) != 0)
		return r;
	if (b->n == 0 && !notice_tells(p, n, 0) && !subject_has_reason(m) && !lh_has_report(m)) {
		/*
		 * Without an address in the notice nor X-Failed-Recipients, only a
		 * notice that quotes an SMTP or enhanced status code, a subject
		 * that names a cause, or a delivery-status part (that names no
		 * recipient: "--- Delivery report unavailable ---") is taken for
		 * a bounce; free-form notices are too easily something else.
		 * A notice that says a cause in words, or only that the mail
		 * was not delivered, counts when it ends with the returned
		 * message quoted after a marker, whose To: then names the
		 * recipient, or sums that message up before the marker
		 * ("Subject:" and "To:" lines, summary_to()).
		 */
		const char *r;
		if (tail == NULL || m->orig != NULL)
			return 0;
		if (!notice_tells(p, n, 1) && !says_undelivered(p, n))
			return 0;
		if ((r = inline_to(m, tail, end)) == NULL && (r = summary_to(m, p, end)) == NULL)
			return 0;
		if ((d = kb_add(m, b)) == NULL)
			return -1;
		d->recipient = r;
	}
	if (b->n == 0) {
		/* VERP: the bounce went to bounce+local=domain@sender */
		const char *to = lh_header(m, "to"), *a, *plus, *eq, *at;
		size_t	    an;
		if (addr_find(to, strlen(to), &a, &an) &&
		    (plus = memchr(a, '+', an)) != NULL &&
		    (at = memchr(plus, '@', an - (size_t)(plus - a))) != NULL &&
		    (eq = memchr(plus, '=', (size_t)(at - plus))) != NULL && eq > plus + 1 && at > eq + 1) {
			char *r = ka_alloc(m->a, (size_t)(at - plus) + 1);
			if (r == NULL)
				return -1;
			memcpy(r, plus + 1, (size_t)(eq - plus - 1));
			r[eq - plus - 1] = '@';
			memcpy(r + (eq - plus), eq + 1, (size_t)(at - eq - 1));
			r[at - plus - 1] = '\0';
			if (addr_valid(r, strlen(r))) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = r;
			}
		}
	}
	if (b->n == 0 && m->orig == NULL && tail != NULL) {
		const char *r = inline_to(m, tail, end);
		if (r == NULL)
			r = summary_to(m, p, end);
		if (r != NULL) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = r;
		}
	}
	if (b->n == 0 && m->orig != NULL) {
		if ((d = kb_add(m, b)) == NULL)
			return -1;
		lh_recipient_from_orig(m, b);
	}
	if (b->n > 0) {
		/*
		 * Records found from headers share the notice's telling lines,
		 * gathered once: a notice with none must not be read again for
		 * each record (a mail of thousands of X-Failed-Recipients).
		 */
		size_t i;
		const char *all = NULL;
		int	    gathered = 0;
		for (i = 0; i < b->n; i++)
			if (b->ds[i].diagnosis == NULL) {
				if (!gathered) {
					gathered = 1;
					cur = p;
					lines = 0;
					while (km_nextline(&cur, end, &line, &len) && lines < 12) {
						if (is_stop(line, len))
							break;
						if (len == 0 || !telling(m, line, len, 1))
							continue;
						all = kb_append(m, all, line, len);
						lines++;
					}
				}
				b->ds[i].diagnosis = all;
			}
	}
	delayed = is_delay(m, p, n);
	for (k = 0; k < b->n; k++) {
		if (b->ds[k].replycode == NULL)
			b->ds[k].replycode = echoed_reply(m, b->ds[k].diagnosis);
		if (b->ds[k].action == NULL && delayed)
			b->ds[k].action = "delayed";
	}
	lh_known_words(m, b);
	return (int)b->n;
}

const struct klhost lhost_generic = { "Generic", generic_decode };

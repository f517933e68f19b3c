/*
 * NAME
 *	amazonses - Amazon SES: its bounces and its SNS notifications
 * DESCRIPTION
 *	Two shapes.
 *
 *	1. A bounce sent by SES for a message it could not deliver: an
 *	   X-SES-Outgoing (or X-AWS-Outgoing) field, From MAILER-DAEMON@
 *	   ...amazonses.com, Subject "Delivery Status Notification
 *	   (Failure)", a notice opening "The following message to <addr>
 *	   was undeliverable." (or "An error occurred while trying to
 *	   deliver the mail to the following recipients:") and a standard
 *	   report. SES often writes a generic Status (5.0.0) and puts the
 *	   real code in the Diagnostic-Code, sometimes quoted: "5.3.0 -
 *	   Other mail system problem 550-'Unknown user ...'". Amazon WorkMail
 *	   sends through SES too; its bounces are read by amazonworkmail.c.
 *
 *	2. An SNS notification delivered by mail: From no-reply@
 *	   sns.amazonaws.com, Subject "AWS Notification Message", an
 *	   x-amz-sns-message-id field and a body that is one JSON object,
 *	   folded by SNS at about 1000 characters ("!" at the end of a line,
 *	   the next line starting with a space) and followed by "--" and an
 *	   unsubscribe note. The object is the SES event itself, or an SNS
 *	   envelope whose "Message" member holds it as a string:
 *	   notificationType "Bounce" (bounce.bouncedRecipients[] with
 *	   emailAddress, action, status, diagnosticCode; bounce.bounceType
 *	   and bounceSubType), "Complaint" (complaint.complainedRecipients[],
 *	   complaintFeedbackType) or "Delivery" (delivery.recipients[],
 *	   smtpResponse). The bounce subtypes that name a reason are mapped
 *	   below. The JSON is read by a small bounded scanner: no recursion,
 *	   no allocation but the decoded strings.
 *	Source: Amazon SES Developer Guide, "Amazon SNS notification
 *	contents" (bounce types); Sisimai's Lhost::AmazonSES; observed in
 *	bounces and notifications of 2016-2022.
 */
#include "lhost.h"
#include "../../util/codec.h"

#include <stdio.h>

/* Transient bounce subtypes that state a reason (SES Developer Guide). */
static const struct {
	const char *subtype;
	const char *reason;
} subtypes[] = {
	{ "MailboxFull", "mailboxfull" },
	{ "MessageTooLarge", "mesgtoobig" },
	{ "Suppressed", "suppressed" },
	{ "OnAccountSuppressionList", "suppressed" },
};

/* js_ws - skip JSON white space */
static const char *
js_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* js_skip - the end of the JSON value at p (strings and nesting honoured) */
static const char *
js_skip(const char *p, const char *e)
{
	size_t depth = 0;

	p = js_ws(p, e);
	while (p < e) {
		char c = *p;
		if (c == '"') {
			for (p++; p < e && *p != '"'; p++)
				if (*p == '\\' && p + 1 < e)
					p++;
			p++;
		} else if (c == '{' || c == '[') {
			depth++;
			p++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return p;
			depth--;
			p++;
		} else if (c == ',' && depth == 0) {
			return p;
		} else
			p++;
		if (depth == 0 && (c == '"' || c == '}' || c == ']'))
			return p < e ? p : e;
	}
	return e;
}

/* js_member - value [*v, *ve) of member key of the object at p */
static int
js_member(const char *p, const char *e, const char *key, const char **v, const char **ve)
{
	size_t kn = strlen(key);

	p = js_ws(p, e);
	if (p >= e || *p != '{')
		return 0;
	p++;
	while (p < e) {
		const char *ks, *kend;

		p = js_ws(p, e);
		if (p >= e || *p == '}' || *p != '"')
			return 0;
		ks = p + 1;
		kend = js_skip(p, e);	/* just past the closing quote */
		p = js_ws(kend, e);
		if (p >= e || *p != ':')
			return 0;
		p = js_ws(p + 1, e);
		*v = p;
		*ve = js_skip(p, e);
		if (kend - ks == (ptrdiff_t)kn + 1 && memcmp(ks, key, kn) == 0)
			return 1;
		p = js_ws(*ve, e);
		if (p < e && *p == ',')
			p++;
	}
	return 0;
}

/* js_elem - next element of the array being walked; *cur starts at '[' */
static int
js_elem(const char **cur, const char *e, const char **v, const char **ve)
{
	const char *p = js_ws(*cur, e);

	if (p >= e)
		return 0;
	if (*p == '[' || *p == ',')
		p = js_ws(p + 1, e);
	if (p >= e || *p == ']')
		return 0;
	*v = p;
	*ve = js_skip(p, e);
	*cur = *ve;
	return *ve > p;
}

/* js_str - the JSON string at [v, ve) decoded into the arena, or NULL */
static char *
js_str(struct kmsg *m, const char *v, const char *ve)
{
	char	   *o, *q;
	const char *p;

	if (v >= ve || *v != '"' || ve - v < 2)
		return NULL;
	if ((o = ka_alloc(m->a, (size_t)(ve - v) + 1)) == NULL)
		return NULL;
	q = o;
	for (p = v + 1; p < ve - 1; p++) {
		if (*p != '\\' || p + 1 >= ve - 1) {
			*q++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *q++ = '\n'; break;
		case 't': *q++ = '\t'; break;
		case 'r': *q++ = '\r'; break;
		case 'b': case 'f': *q++ = ' '; break;
		case 'u': {
			unsigned c = 0;
			int	 i;
			for (i = 1; i <= 4 && p + i < ve - 1 && k_isxdigit((unsigned char)p[i]); i++)
				c = c * 16 + (unsigned)(k_isdigit((unsigned char)p[i]) ? p[i] - '0' :
				    (k_lower((unsigned char)p[i]) - 'a' + 10));
			if (i == 5) {
				/* \uXXXX is at most 6 bytes of input for 3 of output */
				q = kc_utf8_at(q, c >= 0xd800 && c < 0xe000 ? '?' : c);
				p += 4;
			}
			break;
		}
		default: *q++ = *p; break;
		}
	}
	*q = '\0';
	return o;
}

/* js_get - decoded string member of the object at [p, e), or NULL */
static char *
js_get(struct kmsg *m, const char *p, const char *e, const char *key)
{
	const char *v, *ve;

	return js_member(p, e, key, &v, &ve) ? js_str(m, v, ve) : NULL;
}

/* unfold - the JSON body: lines up to "--", SNS's "!" folds undone */
static char *
unfold(struct kmsg *m, const char *p, size_t n, size_t *outn)
{
	const char *cur = p, *end = p + n, *line;
	size_t	    len, k = 0;
	char	   *o;
	int	    folded = 0, started = 0;

	if ((o = ka_alloc(m->a, n + 1)) == NULL)
		return NULL;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!started) {
			const char *l = line;
			size_t	    ln = len;
			k_trim(&l, &ln);
			if (ln == 0)
				continue;
			if (*l != '{')
				return NULL;
			started = 1;
		}
		if (len == 2 && line[0] == '-' && line[1] == '-')
			break;
		if (folded && len > 0 && line[0] == ' ')
			line++, len--;
		folded = len > 0 && line[len - 1] == '!';
		if (folded)
			len--;
		memcpy(o + k, line, len);
		k += len;
	}
	o[k] = '\0';
	*outn = k;
	return o;
}

/* date_of - "2016-10-21T00:06:40.502Z" as "2016-10-21T00:06:40Z"-ish text */
static const char *
date_of(struct kmsg *m, const char *ts)
{
	const char *dot;

	if (ts == NULL)
		return NULL;
	if ((dot = strchr(ts, '.')) != NULL)
		return kb_append(m, kb_str(m, ts, (size_t)(dot - ts)), "+0000", 5);
	return ts;
}

/* json_decode - an SNS notification; 0 when it is not one */
static int
json_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *e, *o, *oe, *arr, *arre, *v, *ve, *type;
	char	   *js, *inner;
	size_t	    n, jn;

	lh_notice(m, &p, &n);
	if ((js = unfold(m, p, n, &jn)) == NULL)
		return 0;
	p = js;
	e = js + jn;
	/* An SNS envelope carries the event as the string "Message". */
	if ((inner = js_get(m, p, e, "Message")) != NULL && inner[0] == '{') {
		p = inner;
		e = inner + strlen(inner);
	}
	if ((type = js_get(m, p, e, "notificationType")) == NULL &&
	    (type = js_get(m, p, e, "eventType")) == NULL)
		return 0;
	if (strcmp(type, "Bounce") == 0) {
		const char *bt, *bst, *mta, *ts, *why = NULL;
		size_t	    i;
		if (!js_member(p, e, "bounce", &o, &oe) ||
		    !js_member(o, oe, "bouncedRecipients", &arr, &arre))
			return 0;
		bt = js_get(m, o, oe, "bounceType");
		bst = js_get(m, o, oe, "bounceSubType");
		mta = js_get(m, o, oe, "reportingMTA");
		ts = date_of(m, js_get(m, o, oe, "timestamp"));
		for (i = 0; bst != NULL && i < sizeof(subtypes) / sizeof(subtypes[0]); i++)
			if (strcmp(bst, subtypes[i].subtype) == 0)
				why = subtypes[i].reason;
		while (js_elem(&arr, arre, &v, &ve)) {
			struct kds *d;
			const char *dc, *semi;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = js_get(m, v, ve, "emailAddress");
			d->action = js_get(m, v, ve, "action");
			d->status = js_get(m, v, ve, "status");
			if ((dc = js_get(m, v, ve, "diagnosticCode")) != NULL &&
			    (semi = strchr(dc, ';')) != NULL && semi - dc < 16 && strchr(dc, ' ') > semi) {
				d->spec = kb_str(m, dc, (size_t)(semi - dc));
				dc = kb_trimmed(m, semi + 1, strlen(semi + 1));
			}
			d->diagnosis = dc;
			if (mta != NULL)
				d->lhost = strncmp(mta, "dsn;", 4) == 0 ? kb_trimmed(m, mta + 4, strlen(mta + 4)) : mta;
			d->date = ts;
			if (why != NULL) {
				d->reason = why;
				d->rule = kb_append(m, "bounceSubType", bst, strlen(bst));
			}
			(void)bt;
		}
	} else if (strcmp(type, "Complaint") == 0) {
		const char *ft, *fid, *ts;
		if (!js_member(p, e, "complaint", &o, &oe) ||
		    !js_member(o, oe, "complainedRecipients", &arr, &arre))
			return 0;
		ft = js_get(m, o, oe, "complaintFeedbackType");
		fid = js_get(m, o, oe, "feedbackId");
		ts = date_of(m, js_get(m, o, oe, "timestamp"));
		b->kind = KAERU_KIND_FEEDBACK;
		while (js_elem(&arr, arre, &v, &ve)) {
			struct kds *d;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = js_get(m, v, ve, "emailAddress");
			d->feedbacktype = ft != NULL ? ft : "";
			d->feedbackid = fid;
			d->date = ts;
		}
	} else if (strcmp(type, "Delivery") == 0) {
		const char *resp, *mta, *ts;
		if (!js_member(p, e, "delivery", &o, &oe) ||
		    !js_member(o, oe, "recipients", &arr, &arre))
			return 0;
		resp = js_get(m, o, oe, "smtpResponse");
		mta = js_get(m, o, oe, "reportingMTA");
		ts = date_of(m, js_get(m, o, oe, "timestamp"));
		while (js_elem(&arr, arre, &v, &ve)) {
			struct kds *d;
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = js_str(m, v, ve);
			d->action = "delivered";
			d->diagnosis = resp;
			d->lhost = mta;
			d->date = ts;
			lh_fill_codes(m, d);
		}
	} else
		return 0;
	/* The sent message's headers, as the returned message. */
	if (js_member(p, e, "mail", &o, &oe) && js_member(o, oe, "headers", &arr, &arre)) {
		const char *a0 = arr;
		size_t	    total = 1, k = 0;
		char	   *hb = NULL;
		int	    pass;

		for (pass = 0; pass < 2; pass++) {
			arr = a0;
			if (pass == 1 && (hb = ka_alloc(m->a, total + 1)) == NULL)
				return -1;
			while (js_elem(&arr, arre, &v, &ve)) {
				const char *hn = js_get(m, v, ve, "name"), *hv = js_get(m, v, ve, "value");
				if (hn == NULL || hv == NULL || strchr(hv, '\n') != NULL)
					continue;
				if (pass == 0)
					total += strlen(hn) + strlen(hv) + 3;
				else
					k += (size_t)snprintf(hb + k, total + 1 - k, "%s: %s\n", hn, hv);
			}
		}
		if (hb != NULL && k > 0) {
			hb[k++] = '\n';
			hb[k] = '\0';
			lh_orig_at(m, hb, k);
		}
	}
	return (int)b->n;
}

/* status_in - the first enhanced code of s, preferring a quoted one */
static const char *
status_in(struct kmsg *m, const char *s)
{
	char st[SMTP_STATUS_MAX];

	if (s == NULL || !smtp_status_find(s, strlen(s), st))
		return NULL;
	return kb_str(m, st, strlen(st));
}

/* reply_in - "550-'Unknown user'" or "550 ..." after the status code */
static const char *
reply_in(struct kmsg *m, const char *s)
{
	const char *q;

	for (q = s; q != NULL && *q != '\0'; q++) {
		if ((q[0] == '4' || q[0] == '5') && k_isdigit((unsigned char)q[1]) &&
		    k_isdigit((unsigned char)q[2]) && (q[3] == '-' || q[3] == ' ') &&
		    (q == s || q[-1] == ' ' || q[-1] == '<'))
			return kb_str(m, q, 3);
	}
	return NULL;
}

static int
amazonses_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p;
	size_t	    n, i;
	int	    r;

	if (lh_has_header(m, "x-amz-sns-message-id"))
		return json_decode(m, b);
	if (!lh_has_header(m, "x-ses-outgoing") && !lh_has_header(m, "x-aws-outgoing"))
		return 0;
	if (k_strstr_ci(lh_header(m, "x-mailer"), strlen(lh_header(m, "x-mailer")), "Amazon WorkMail"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "The following message to <") == NULL &&
	    lh_find(p, n, "An error occurred while trying to deliver the mail ") == NULL)
		return 0;
	if ((r = lh_dsn_anywhere(m, b)) <= 0)
		return r;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		const char *s;

		if (d->diagnosis == NULL)
			continue;
		if (strstr(d->diagnosis, "Delivery expired") != NULL)
			d->reason = "expired";
		if (lh_quoted_reply(m, d))
			continue;
		/* A generic Status: the code SES quotes in the diagnosis. */
		if (d->status == NULL || strcmp(d->status + 1, ".0.0") == 0 ||
		    strcmp(d->status + 1, ".1.0") == 0) {
			const char *q = strchr(d->diagnosis, '\'');
			if ((q == NULL || (s = status_in(m, q)) == NULL) &&
			    (s = status_in(m, d->diagnosis)) == NULL)
				s = d->status;
			d->status = s;
		}
		if (d->replycode == NULL)
			d->replycode = reply_in(m, d->diagnosis);
	}
	return (int)b->n;
}

const struct klhost lhost_amazonses = { "AmazonSES", amazonses_decode };

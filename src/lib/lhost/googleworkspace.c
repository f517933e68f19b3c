/*
 * NAME
 *	googleworkspace - the bounces of Gmail and Google Workspace (G Suite)
 * DESCRIPTION
 *	Since about 2015 Gmail and Google Workspace answer from "Mail
 *	Delivery Subsystem <mailer-daemon@googlemail.com>", Subject
 *	"Delivery Status Notification (Failure)" (or "(Delay)"), with
 *	multipart/report: a text part (and its HTML twin, an icon) that
 *	opens with a title between double stars,
 *
 *	    ** Address not found **     (** Message not delivered **,
 *	                                 ** Message blocked **,
 *	                                 ** Delivery incomplete ** ...)
 *
 *	    Your message wasn't delivered to <addr> because the address
 *	    couldn't be found. ...
 *
 *	    The response from the remote server was:  (or "The response was:")
 *	    550 5.1.1 <addr> User unknown
 *
 *	then a standard report (sometimes empty) and the returned message.
 *	X-Failed-Recipients names the recipients. The report's
 *	Diagnostic-Code is used when it holds text; otherwise the response
 *	quoted in the notice. Google's own explanations that state a reason
 *	are listed in data/lhost/googleworkspace.txt.
 *	Source: Sisimai's Lhost::GSuite (markers, phrases), observed in
 *	bounces of 2016-2023.
 */
#include "lhost.h"

/* is_title - "** Address not found **" */
static int
is_title(const char *l, size_t n)
{
	return n > 6 && l[0] == '*' && l[1] == '*' && l[2] == ' ' &&
	    l[n - 1] == '*' && l[n - 2] == '*' && l[n - 3] == ' ';
}

/* numeric - a text made of digits only (a bare reply code) */
static int
numeric(const char *s)
{
	if (s == NULL || *s == '\0')
		return 1;
	for (; *s != '\0'; s++)
		if (!k_isdigit((unsigned char)*s) && *s != ' ')
			return 0;
	return 1;
}

static int
googleworkspace_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *notice = NULL, *resp = NULL, *why;
	size_t	    n, len, i;
	int	    reading = 0, inresp = 0, r;

	if (!lh_from_has(m, "mailer-daemon@googlemail.com") ||
	    !lh_subject_has(m, "Delivery Status Notification"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		k_trim(&l, &k);
		if (!reading) {
			if (is_title(l, k)) {
				reading = 1;
				notice = kb_str(m, l, k);
			}
			continue;
		}
		if (k_startswith(line, len, "Content-Type: "))
			break;
		if (k == 0) {
			if (inresp && resp != NULL)
				inresp = 0;
			continue;
		}
		if (k_startswith(l, k, "The response was:") ||
		    k_startswith(l, k, "The response from the remote server was:")) {
			inresp = 1;
			continue;
		}
		if (inresp)
			resp = kb_append(m, resp, l, k);
		else
			notice = kb_append(m, notice, l, k);
	}
	if (!reading)
		return 0;
	if ((r = dsn_collect_sections(m, b)) < 0)
		return -1;
	if (b->n == 0 && lh_failed_recipients(m, b) < 0)
		return -1;
	if (b->n == 0 && notice != NULL) {
		/* "Your message wasn't delivered to <addr> because ..." */
		const char *q = strstr(notice, " delivered to ");
		struct kds *d;
		if (q != NULL && (d = kb_add(m, b)) != NULL) {
			const char *e = strstr(q + 14, " because");
			d->recipient = lh_addr(m, q + 14, e ? (size_t)(e - q - 14) : strlen(q + 14));
		}
	}
	kb_drop_empty(b);
	if (b->n == 0)
		return 0;
	why = lh_phrase(m, "googleworkspace", notice);
	if (why == NULL)
		why = lh_phrase(m, "googleworkspace", resp);
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		char	    st[SMTP_STATUS_MAX];

		if (numeric(d->diagnosis))
			d->diagnosis = resp != NULL ? resp : notice;
		/* The response may state a code the report left generic. */
		if (resp != NULL && (d->status == NULL || strcmp(d->status + 1, ".0.0") == 0) &&
		    smtp_status_find(resp, strlen(resp), st) && strcmp(st + 1, ".0.0") != 0)
			d->status = kb_str(m, st, strlen(st));
		if (why != NULL)
			d->reason = why;
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_googleworkspace = { "GoogleWorkspace", googleworkspace_decode };

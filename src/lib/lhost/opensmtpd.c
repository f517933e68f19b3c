/*
 * NAME
 *	opensmtpd - bounces written by OpenSMTPD
 * DESCRIPTION
 *	From "Mailer Daemon <...>", subject "Delivery status notification:
 *	error" (or "warning", "delayed", "failed"), a Received trail with
 *	"(OpenSMTPD) with". The notice, indented by four spaces, opens with
 *	"Hi!" and "This is the MAILER-DAEMON, please DO NOT REPLY to this
 *	e-mail." and lists "a@b: <reply or the queue's reason>" at the left
 *	margin; "Below is a copy of the original message:" ends it. Newer
 *	versions attach a standard report without a Diagnostic-Code. The
 *	queue's wordings ("Envelope expired", "Domain does not exist", "No
 *	MX found for domain", ...) state the reason: data/lhost/opensmtpd.txt.
 *	Source: OpenSMTPD smtpd/bounce.c and mta.c, Sisimai::Lhost::OpenSMTPD.
 */
#include "lhost.h"

static int
opensmtpd_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len, i;
	struct kbounce text;
	int	    reading = 0;

	if (!lh_subject_has(m, "Delivery status notification") || !lh_from_has(m, "Mailer Daemon"))
		return 0;
	if (!lh_received_has(m, " (OpenSMTPD) with "))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *colon;

		if (!reading) {
			if (lh_find(line, len, "This is the MAILER-DAEMON, please DO NOT REPLY") != NULL)
				reading = 1;
			continue;
		}
		if (lh_find(line, len, "Below is a copy of the original message:") != NULL ||
		    k_startswith(line, len, "Content-Type: "))
			break;
		if (len == 0 || line[0] == ' ')
			continue;
		/* "a@b: 550 5.1.1 ..." */
		if ((colon = lh_find(line, len, ": ")) != NULL && addr_valid(line, (size_t)(colon - line))) {
			struct kds *t = kb_add(m, &text);
			if (t == NULL)
				return -1;
			t->recipient = kb_str(m, line, (size_t)(colon - line));
			t->diagnosis = kb_trimmed(m, colon + 2, (size_t)(line + len - colon - 2));
		}
	}
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (lh_merge_judge(m, b, &text, "opensmtpd") < 0)
		return -1;
	for (i = 0; i < b->n; i++)
		lh_fill_codes(m, &b->ds[i]);
	return (int)b->n;
}

const struct klhost lhost_opensmtpd = { "OpenSMTPD", opensmtpd_decode };

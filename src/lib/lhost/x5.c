/*
 * NAME
 *	x5 - notices of an unnamed gateway that forwards a Sendmail bounce
 * DESCRIPTION
 *	A gateway (seen in front of Japanese corporate mail, with Trend
 *	Micro's X-TM-AS-* headers) re-sends the bounce it received: To
 *	"NotificationRecipients", From "Mail Delivery Subsystem" (MIME
 *	encoded), a short text part, and the original bounce attached as
 *	message/rfc822 — a Sendmail multipart/report whose
 *	message/delivery-status part holds the facts. That report is read
 *	from the attachment.
 *	Source: Sisimai::Lhost::X5 (markers), observed bounces.
 */
#include "lhost.h"

static int
x5_decode(struct kmsg *m, struct kbounce *b)
{
	const char *r, *e, *end, *nl;
	int	    score = 0;

	score += lh_header_has(m, "to", "NotificationRecipients");
	score += lh_from_has(m, "Mail Delivery Subsystem");
	score += lh_subject_has(m, "Mail Delivery Subsystem");
	if (score < 2)
		return 0;
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (b->n > 0)
		return (int)b->n;
	/* The attached bounce's report, in the raw mail. */
	end = m->raw + m->rawlen;
	if ((r = k_memmem_ci(m->raw, m->rawlen, "\ncontent-type: message/delivery-status", 38)) == NULL)
		return 0;
	if ((nl = memchr(r + 1, '\n', (size_t)(end - r - 1))) == NULL)
		return 0;
	/* the part's header block ends at the first empty line */
	if ((r = lh_find(nl, (size_t)(end - nl), "\n\n")) == NULL)
		return 0;
	r += 2;
	if ((e = lh_find(r, (size_t)(end - r), "\n--")) == NULL)
		e = end;
	if (dsn_collect(m, b, r, (size_t)(e - r), DSN_ANYWHERE) < 0)
		return -1;
	return (int)b->n;
}

const struct klhost lhost_x5 = { "X5", x5_decode };

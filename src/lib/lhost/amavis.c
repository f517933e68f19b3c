/*
 * NAME
 *	amavis - bounces written by amavis (amavisd-new), the content filter
 * DESCRIPTION
 *	From '"Content-filter at <host>" <postmaster@...>'; subjects such as
 *	"Undeliverable mail, MTA-BLOCKED", "Considered UNSOLICITED BULK
 *	EMAIL, apparently from you", "VIRUS (...) IN MAIL FROM YOU". A
 *	notice in the template's words, then a standard report whose
 *	Diagnostic-Code carries the filter's verdict after the id:
 *	"554 5.7.0 Reject, id=20025-09 - SPAM" (data/lhost/amavis.txt).
 *	Source: amavisd-new's notification templates; Sisimai::Lhost::Amavis.
 */
#include "lhost.h"

static int
amavis_decode(struct kmsg *m, struct kbounce *b)
{
	size_t i;

	if (m->from == NULL || (!k_startswith(m->from, strlen(m->from), "\"Content-filter at ") &&
	    !k_startswith(m->from, strlen(m->from), "Content-filter at ")))
		return 0;
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->spec != NULL && k_strncaseeq(d->spec, "X-POSTFIX", 10))
			d->spec = "SMTP";
		if (d->diagnosis != NULL)
			d->reason = lh_phrase_sq(m, "amavis", d->diagnosis);
	}
	return (int)b->n;
}

const struct klhost lhost_amavis = { "Amavis", amavis_decode };

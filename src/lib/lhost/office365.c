/*
 * NAME
 *	office365 - bounces written by Exchange Online (Microsoft 365)
 * DESCRIPTION
 *	Exchange Online writes the Exchange 2007+ notice ("Delivery has
 *	failed to these recipients or groups:", "Diagnostic information for
 *	administrators:", "Original message headers:"; see exchange2007.c)
 *	and usually a standard report. It is told from an Exchange server
 *	on the premises by two of: an "Undeliverable:" subject, an
 *	X-MS-Exchange-Message-Is-Ndr header, the cross-tenant stamps
 *	(X-MS-Exchange-CrossTenant-*), anti-spam report headers, and a
 *	Message-Id or Received trail in *.prod.outlook.com or
 *	*.protection.outlook.com. Exchange Online's enhanced status codes
 *	have documented meanings (5.7.501 spam abuse, 5.7.509 DMARC, ...):
 *	the table below.
 *	Source: Microsoft "Email non-delivery reports and SMTP errors in
 *	Exchange Online"; Sisimai::Lhost::Office365 (markers, codes).
 */
#include "lhost.h"

/* Exchange Online status codes: code, last-field range, reason. */
static const struct {
	const char *prefix;	/* "5.7." */
	unsigned    lo, hi;	/* third field range */
	const char *reason;
} codes[] = {
	{ "4.4.", 7, 7, "expired" },
	{ "4.4.", 312, 312, "networkerror" },
	{ "4.4.", 316, 316, "expired" },
	{ "4.7.", 26, 26, "authfailure" },
	{ "4.7.", 500, 699, "blocked" },
	{ "4.7.", 850, 899, "blocked" },
	{ "5.0.", 350, 350, "contenterror" },
	{ "5.1.", 10, 10, "userunknown" },
	{ "5.4.", 6, 6, "networkerror" },
	{ "5.4.", 312, 312, "networkerror" },
	{ "5.4.", 316, 316, "expired" },
	{ "5.6.", 11, 11, "contenterror" },
	{ "5.7.", 12, 13, "rejected" },
	{ "5.7.", 23, 23, "authfailure" },
	{ "5.7.", 25, 25, "requireptr" },
	{ "5.7.", 57, 57, "securityerror" },
	{ "5.7.", 124, 124, "rejected" },
	{ "5.7.", 133, 136, "rejected" },
	{ "5.7.", 501, 503, "spamdetected" },
	{ "5.7.", 504, 505, "filtered" },
	{ "5.7.", 506, 507, "blocked" },
	{ "5.7.", 508, 508, "toomanyconn" },
	{ "5.7.", 509, 509, "authfailure" },
	{ "5.7.", 510, 510, "notaccept" },
	{ "5.7.", 511, 511, "rejected" },
	{ "5.7.", 512, 512, "notcompliantrfc" },
	{ "5.7.", 606, 649, "blocked" },
	{ "5.7.", 700, 749, "toomanyconn" },
};

/* code_reason - the reason an Exchange Online status code states */
static const char *
code_reason(const char *st)
{
	size_t	 i;
	unsigned v = 0;
	const char *q;

	if (st == NULL || strlen(st) < 5)
		return NULL;
	for (q = st + 4; k_isdigit((unsigned char)*q) && v < 100000; q++)
		v = v * 10 + (unsigned)(*q - '0');
	if (*q != '\0' || q == st + 4)
		return NULL;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strncmp(st, codes[i].prefix, 4) == 0 && v >= codes[i].lo && v <= codes[i].hi)
			return codes[i].reason;
	return NULL;
}

/*
 * marked - does the mail bear at least two of Exchange Online's marks
 *	The Received lines, the dearest to search, are read last and only
 *	when their mark could still make the second.
 */
static int
marked(struct kmsg *m)
{
	static const char *const heads[] = {
		"x-ms-exchange-message-is-ndr", "x-microsoft-antispam-prvs",
		"x-exchange-antispam-report-test", "x-exchange-antispam-report-cfa-test",
		"x-ms-exchange-crosstenant-originalarrivaltime",
		"x-ms-exchange-crosstenant-fromentityheader",
		"x-ms-exchange-transport-crosstenantheadersstamped",
	};
	const char *id = lh_header(m, "message-id");
	size_t	    i;
	int	    s = 0;

	if (lh_subject_has(m, "Undeliverable:"))
		s++;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]) && s < 2; i++)
		if (lh_has_header(m, heads[i]))
			s++;
	if (s < 2 && (strstr(id, ".prod.outlook.com") != NULL || strstr(id, ".protection.outlook.com") != NULL ||
	    strstr(id, ".PROD.OUTLOOK.COM") != NULL))
		s++;
	if (s == 1 && (lh_received_has(m, ".prod.outlook.com") || lh_received_has(m, ".protection.outlook.com")))
		s++;
	return s >= 2;
}

static int
office365_decode(struct kmsg *m, struct kbounce *b)
{
	struct kbounce text;
	const char    *lhost = NULL;
	size_t	       i;

	if (!marked(m))
		return 0;
	memset(&text, 0, sizeof(text));
	if (lh_exchange_notice(m, &text, &lhost) < 0)
		return -1;
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (b->n == 0 && text.n == 0)
		return 0;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	if (b->lhost == NULL)
		b->lhost = lhost;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		lh_fill_codes(m, d);
		if (d->diagnosis != NULL && strstr(d->diagnosis, "unknown recipient or mailbox unavailable ->") != NULL)
			d->command = "RCPT";
		if ((d->reason = code_reason(d->status)) == NULL && d->diagnosis != NULL)
			d->reason = lh_phrase_sq(m, "exchange2007", d->diagnosis);
	}
	lh_orig_after(m, "Original message headers:");
	return (int)b->n;
}

const struct klhost lhost_office365 = { "Office365", office365_decode };

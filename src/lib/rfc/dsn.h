/*
 * NAME
 *	dsn - RFC 3464 / RFC 6533 delivery status fields
 * SUMMARY
 *	dsn_field() recognises one "Name: type; value" line of a delivery
 *	status report. dsn_collect() reads every such group in a range of
 *	the flat text into records of a kbounce: per-message fields go to
 *	the bounce, per-recipient fields to the record they belong to. It is
 *	shared by the generic RFC 3464 decoder and every MTA decoder whose
 *	dialect wraps a standard report around its own text.
 */
#ifndef KAERU_RFC_DSN_H
#define KAERU_RFC_DSN_H

#include "../bounce.h"

enum dsn_id {
	DSN_NONE = 0,
	/* per message */
	DSN_REPORTING_MTA, DSN_RECEIVED_FROM_MTA, DSN_ARRIVAL_DATE,
	DSN_ORIGINAL_ENVELOPE_ID, DSN_DSN_GATEWAY, DSN_X_ORIGINAL_MESSAGE_ID,
	/* per recipient */
	DSN_ORIGINAL_RECIPIENT, DSN_FINAL_RECIPIENT, DSN_ACTION, DSN_STATUS,
	DSN_REMOTE_MTA, DSN_DIAGNOSTIC_CODE, DSN_LAST_ATTEMPT_DATE,
	DSN_WILL_RETRY_UNTIL, DSN_FINAL_LOG_ID, DSN_X_ACTUAL_RECIPIENT
};

struct dsn_field {
	enum dsn_id	 id;
	int		 permessage;
	const char	*type;		/* "rfc822", "smtp", "dns" ... (may be empty) */
	size_t		 typelen;
	const char	*val;		/* after "type;" */
	size_t		 vallen;
};

enum dsn_id dsn_field(const char *line, size_t n, struct dsn_field *f);

/* Flags for dsn_collect(). */
#define DSN_ANYWHERE	0x1	/* also outside message/delivery-status sections */

int	dsn_collect(struct kmsg *m, struct kbounce *b, const char *p,
	    size_t n, unsigned flags);
int	dsn_collect_sections(struct kmsg *m, struct kbounce *b);
const char *dsn_action(struct kmsg *m, const char *v, size_t n);

#endif

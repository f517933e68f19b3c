/*
 * NAME
 *	kaeru/record.h - one analysed recipient of a returned mail
 * SUMMARY
 *	A kaeru_record carries Sisimai's field names and meanings (so that its
 *	users can switch without remapping) plus kaeru's category, action_hint
 *	and rule. Every string is UTF-8, NUL-terminated and never NULL (""
 *	when unknown); it is borrowed from the parser that produced it.
 */
#ifndef KAERU_RECORD_H
#define KAERU_RECORD_H

#include <kaeru/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reasons: Sisimai's 36 names, in alphabetical order. */
typedef enum kaeru_reason {
	KAERU_REASON_AUTHFAILURE,
	KAERU_REASON_BADREPUTATION,
	KAERU_REASON_BLOCKED,
	KAERU_REASON_CONTENTERROR,
	KAERU_REASON_DELIVERED,
	KAERU_REASON_EXCEEDLIMIT,
	KAERU_REASON_EXPIRED,
	KAERU_REASON_FAILEDSTARTTLS,
	KAERU_REASON_FEEDBACK,
	KAERU_REASON_FILTERED,
	KAERU_REASON_HASMOVED,
	KAERU_REASON_HOSTUNKNOWN,
	KAERU_REASON_MAILBOXFULL,
	KAERU_REASON_MAILERERROR,
	KAERU_REASON_MESGTOOBIG,
	KAERU_REASON_NETWORKERROR,
	KAERU_REASON_NORELAYING,
	KAERU_REASON_NOTACCEPT,
	KAERU_REASON_NOTCOMPLIANTRFC,
	KAERU_REASON_ONHOLD,
	KAERU_REASON_POLICYVIOLATION,
	KAERU_REASON_REJECTED,
	KAERU_REASON_REQUIREPTR,
	KAERU_REASON_SECURITYERROR,
	KAERU_REASON_SPAMDETECTED,
	KAERU_REASON_SPEEDING,
	KAERU_REASON_SUPPRESSED,
	KAERU_REASON_SUSPEND,
	KAERU_REASON_SYNTAXERROR,
	KAERU_REASON_SYSTEMERROR,
	KAERU_REASON_SYSTEMFULL,
	KAERU_REASON_TOOMANYCONN,
	KAERU_REASON_UNDEFINED,
	KAERU_REASON_USERUNKNOWN,
	KAERU_REASON_VACATION,
	KAERU_REASON_VIRUSDETECTED,
	KAERU_REASON_COUNT
} kaeru_reason;

/* What kind of report a record came from. */
typedef enum kaeru_kind {
	KAERU_KIND_BOUNCE,	/* failed or delayed delivery */
	KAERU_KIND_DELIVERED,	/* successful DSN */
	KAERU_KIND_FEEDBACK,	/* ARF complaint */
	KAERU_KIND_VACATION	/* auto-reply */
} kaeru_kind;

/* The cause a sender reads about. */
typedef enum kaeru_category {
	KAERU_CATEGORY_ADDRESS_INVALID,		/* hard: no such mailbox */
	KAERU_CATEGORY_DOMAIN_INVALID,		/* hard: no such domain */
	KAERU_CATEGORY_POLICY_REJECTED,		/* refused by policy, reputation, content */
	KAERU_CATEGORY_MAILBOX_FULL,
	KAERU_CATEGORY_SERVER_UNAVAILABLE,
	KAERU_CATEGORY_MESSAGE_TOO_LARGE,
	KAERU_CATEGORY_NETWORK_TEMPORARY,
	KAERU_CATEGORY_COMPLAINT,
	KAERU_CATEGORY_AUTO_REPLY,
	KAERU_CATEGORY_DELIVERED,
	KAERU_CATEGORY_UNKNOWN,
	KAERU_CATEGORY_COUNT
} kaeru_category;

/* What the sender should do. */
typedef enum kaeru_action_hint {
	KAERU_HINT_SUPPRESS,			/* never mail this address again */
	KAERU_HINT_RETRY,			/* temporary: try again later */
	KAERU_HINT_SUPPRESS_AFTER_RETRIES,	/* soft: suppress if it persists */
	KAERU_HINT_FIX_SENDER,			/* the sender's setup is at fault */
	KAERU_HINT_SLOW_DOWN,			/* rate limited */
	KAERU_HINT_REDUCE_SIZE,			/* message too large */
	KAERU_HINT_IGNORE,			/* nothing to do */
	KAERU_HINT_COUNT
} kaeru_action_hint;

/* Record flags. */
#define KAERU_RECORD_TRUNCATED	0x1u	/* a resource limit cut the mail short */

typedef struct kaeru_record {
	int64_t		 timestamp;	/* seconds since the epoch, UTC */
	const char	*timezoneoffset;/* "+0900" */
	const char	*origin;	/* input path as given */
	const char	*addresser;	/* sender of the original message */
	const char	*senderdomain;
	const char	*recipient;	/* the failed recipient */
	const char	*destination;	/* domain part of recipient */
	const char	*alias;		/* expanded-from or original recipient */
	const char	*action;	/* failed, delayed, delivered, ... */
	const char	*replycode;	/* SMTP reply code, "" when none */
	const char	*deliverystatus;/* RFC 3463 code, or class code 5.0.0 */
	const char	*command;	/* SMTP command in progress */
	const char	*reason;	/* one of Sisimai's 36 names */
	const char	*diagnosticcode;/* the remote server's words */
	const char	*diagnostictype;/* SMTP, X-UNIX, ... */
	const char	*feedbacktype;	/* ARF Feedback-Type */
	const char	*feedbackid;	/* provider's complaint id */
	const char	*subject;	/* of the original message */
	const char	*messageid;	/* of the original message */
	const char	*listid;	/* List-Id of the original message */
	const char	*decodedby;	/* decoder that read the bounce */
	const char	*lhost;		/* the host that wrote the bounce */
	const char	*rhost;		/* the host that refused the mail */
	const char	*token;		/* stable id of (addresser, recipient, time) */
	int		 hardbounce;	/* 1: address permanently undeliverable */
	kaeru_reason	 reason_id;
	kaeru_kind	 kind;
	kaeru_category	 category_id;
	kaeru_action_hint hint_id;
	const char	*category;	/* name of category_id */
	const char	*action_hint;	/* name of hint_id */
	const char	*rule;		/* which rule decided the reason */
	unsigned	 flags;		/* KAERU_RECORD_* */
} kaeru_record;

/* Names of the enums: static strings; NULL for an out-of-range value. */
KAERU_EXTERN const char *kaeru_reason_name(kaeru_reason r);
KAERU_EXTERN int	 kaeru_reason_from_name(const char *name, kaeru_reason *out);
KAERU_EXTERN const char *kaeru_category_name(kaeru_category c);
KAERU_EXTERN const char *kaeru_action_hint_name(kaeru_action_hint h);
KAERU_EXTERN const char *kaeru_kind_name(kaeru_kind k);

/* kaeru_reason_is_hard - 1 when the reason alone makes an address undeliverable for good */
KAERU_EXTERN int kaeru_reason_is_hard(kaeru_reason r, const char *replycode);

#ifdef __cplusplus
}
#endif

#endif

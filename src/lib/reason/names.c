/*
 * NAME
 *	names - names of reasons, categories, hints and kinds
 * DESCRIPTION
 *	Also the two mappings a sender reads: each reason's category (the
 *	cause) and action hint (what to do). notaccept depends on the class
 *	of the code: a 5xx null MX is a dead domain, a 4xx refusal is a
 *	server that may come back.
 */
#include "reason.h"

#include <string.h>

static const char *const reason_names[KAERU_REASON_COUNT] = {
	"authfailure", "badreputation", "blocked", "contenterror", "delivered",
	"exceedlimit", "expired", "failedstarttls", "feedback", "filtered",
	"hasmoved", "hostunknown", "mailboxfull", "mailererror", "mesgtoobig",
	"networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold",
	"policyviolation", "rejected", "requireptr", "securityerror",
	"spamdetected", "speeding", "suppressed", "suspend", "syntaxerror",
	"systemerror", "systemfull", "toomanyconn", "undefined", "userunknown",
	"vacation", "virusdetected",
};

static const char *const category_names[KAERU_CATEGORY_COUNT] = {
	"address_invalid", "domain_invalid", "policy_rejected", "mailbox_full",
	"server_unavailable", "message_too_large", "network_temporary",
	"complaint", "auto_reply", "delivered", "unknown",
};

static const char *const hint_names[KAERU_HINT_COUNT] = {
	"suppress", "retry", "suppress_after_retries", "fix_sender",
	"slow_down", "reduce_size", "ignore",
};

/* Per reason: category and hint for a permanent failure (notaccept aside). */
static const struct {
	kaeru_category	  cat;
	kaeru_action_hint hint;
} reason_map[KAERU_REASON_COUNT] = {
	[KAERU_REASON_AUTHFAILURE]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_BADREPUTATION]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_BLOCKED]		= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_CONTENTERROR]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_DELIVERED]	= { KAERU_CATEGORY_DELIVERED, KAERU_HINT_IGNORE },
	[KAERU_REASON_EXCEEDLIMIT]	= { KAERU_CATEGORY_MESSAGE_TOO_LARGE, KAERU_HINT_REDUCE_SIZE },
	[KAERU_REASON_EXPIRED]		= { KAERU_CATEGORY_NETWORK_TEMPORARY, KAERU_HINT_SUPPRESS_AFTER_RETRIES },
	[KAERU_REASON_FAILEDSTARTTLS]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_FEEDBACK]		= { KAERU_CATEGORY_COMPLAINT, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_FILTERED]		= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_SUPPRESS_AFTER_RETRIES },
	[KAERU_REASON_HASMOVED]		= { KAERU_CATEGORY_ADDRESS_INVALID, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_HOSTUNKNOWN]	= { KAERU_CATEGORY_DOMAIN_INVALID, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_MAILBOXFULL]	= { KAERU_CATEGORY_MAILBOX_FULL, KAERU_HINT_SUPPRESS_AFTER_RETRIES },
	[KAERU_REASON_MAILERERROR]	= { KAERU_CATEGORY_SERVER_UNAVAILABLE, KAERU_HINT_RETRY },
	[KAERU_REASON_MESGTOOBIG]	= { KAERU_CATEGORY_MESSAGE_TOO_LARGE, KAERU_HINT_REDUCE_SIZE },
	[KAERU_REASON_NETWORKERROR]	= { KAERU_CATEGORY_NETWORK_TEMPORARY, KAERU_HINT_RETRY },
	[KAERU_REASON_NORELAYING]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_NOTACCEPT]	= { KAERU_CATEGORY_DOMAIN_INVALID, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_NOTCOMPLIANTRFC]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_ONHOLD]		= { KAERU_CATEGORY_UNKNOWN, KAERU_HINT_RETRY },
	[KAERU_REASON_POLICYVIOLATION]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_REJECTED]		= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_REQUIREPTR]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_SECURITYERROR]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_SPAMDETECTED]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_SPEEDING]		= { KAERU_CATEGORY_NETWORK_TEMPORARY, KAERU_HINT_SLOW_DOWN },
	[KAERU_REASON_SUPPRESSED]	= { KAERU_CATEGORY_ADDRESS_INVALID, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_SUSPEND]		= { KAERU_CATEGORY_SERVER_UNAVAILABLE, KAERU_HINT_SUPPRESS_AFTER_RETRIES },
	[KAERU_REASON_SYNTAXERROR]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
	[KAERU_REASON_SYSTEMERROR]	= { KAERU_CATEGORY_SERVER_UNAVAILABLE, KAERU_HINT_RETRY },
	[KAERU_REASON_SYSTEMFULL]	= { KAERU_CATEGORY_SERVER_UNAVAILABLE, KAERU_HINT_RETRY },
	[KAERU_REASON_TOOMANYCONN]	= { KAERU_CATEGORY_NETWORK_TEMPORARY, KAERU_HINT_SLOW_DOWN },
	[KAERU_REASON_UNDEFINED]	= { KAERU_CATEGORY_UNKNOWN, KAERU_HINT_SUPPRESS_AFTER_RETRIES },
	[KAERU_REASON_USERUNKNOWN]	= { KAERU_CATEGORY_ADDRESS_INVALID, KAERU_HINT_SUPPRESS },
	[KAERU_REASON_VACATION]		= { KAERU_CATEGORY_AUTO_REPLY, KAERU_HINT_IGNORE },
	[KAERU_REASON_VIRUSDETECTED]	= { KAERU_CATEGORY_POLICY_REJECTED, KAERU_HINT_FIX_SENDER },
};

const char *
kaeru_reason_name(kaeru_reason r)
{
	return (unsigned)r < KAERU_REASON_COUNT ? reason_names[r] : NULL;
}

int
kaeru_reason_from_name(const char *name, kaeru_reason *out)
{
	unsigned i;

	/* Names rarely share a first letter: compare that before the rest. */
	for (i = 0; i < KAERU_REASON_COUNT; i++)
		if (reason_names[i][0] == name[0] && strcmp(reason_names[i], name) == 0) {
			*out = (kaeru_reason)i;
			return 0;
		}
	return KAERU_ENOTFOUND;
}

const char *
kaeru_category_name(kaeru_category c)
{
	return (unsigned)c < KAERU_CATEGORY_COUNT ? category_names[c] : NULL;
}

const char *
kaeru_action_hint_name(kaeru_action_hint h)
{
	return (unsigned)h < KAERU_HINT_COUNT ? hint_names[h] : NULL;
}

const char *
kaeru_kind_name(kaeru_kind k)
{
	static const char *const names[] = { "bounce", "delivered", "feedback", "vacation" };

	return (unsigned)k < 4 ? names[k] : NULL;
}

/* kaeru_reason_is_hard - userunknown, hostunknown, hasmoved; notaccept unless 4xx */
int
kaeru_reason_is_hard(kaeru_reason r, const char *replycode)
{
	switch (r) {
	case KAERU_REASON_USERUNKNOWN:
	case KAERU_REASON_HOSTUNKNOWN:
	case KAERU_REASON_HASMOVED:
		return 1;
	case KAERU_REASON_NOTACCEPT:
		return !(replycode != NULL && replycode[0] == '4');
	default:
		return 0;
	}
}

/* kr_category - the cause a sender reads about */
kaeru_category
kr_category(kaeru_reason r, int permanent)
{
	if ((unsigned)r >= KAERU_REASON_COUNT)
		return KAERU_CATEGORY_UNKNOWN;
	if (r == KAERU_REASON_NOTACCEPT && !permanent)
		return KAERU_CATEGORY_SERVER_UNAVAILABLE;
	return reason_map[r].cat;
}

/* kr_hint - what the sender should do */
kaeru_action_hint
kr_hint(kaeru_reason r, int permanent)
{
	if ((unsigned)r >= KAERU_REASON_COUNT)
		return KAERU_HINT_RETRY;
	if (r == KAERU_REASON_NOTACCEPT && !permanent)
		return KAERU_HINT_RETRY;
	return reason_map[r].hint;
}

/*
 * NAME
 *	bounce - what a decoder finds in a mail, before classification
 * SUMMARY
 *	A decoder (an lhost family, the RFC 3464 reader, the ARF reader, the
 *	auto-reply reader) fills a kbounce with one kds per recipient: the
 *	raw facts as the mail states them. The fact stage (fact/fact.c) then
 *	turns each into a kaeru_record: it finds codes in the text, decides
 *	the reason, hard/soft, category and hint.
 *
 *	Every string field is NULL (unknown) or NUL-terminated text in the
 *	parse arena. A decoder may set reason when its dialect states one
 *	unambiguously (a vendor error code, say); the fact stage still
 *	re-examines the reasons listed as retryable in reason/classify.c.
 */
#ifndef KAERU_LIB_BOUNCE_H
#define KAERU_LIB_BOUNCE_H

#include "mime/message.h"

#include <kaeru/record.h>

struct kds {
	const char *recipient;	/* as found, may still hold <> or "rfc822;" */
	const char *alias;	/* Original-Recipient or "expanded from" */
	const char *action;	/* failed, delayed, delivered, ... */
	const char *status;	/* RFC 3463 code as stated */
	const char *replycode;	/* SMTP reply code as stated */
	const char *diagnosis;	/* the remote server's words */
	const char *spec;	/* diagnostic type: SMTP, X-UNIX, ... */
	const char *command;	/* SMTP command in progress */
	const char *rhost;	/* Remote-MTA */
	const char *lhost;	/* Reporting-MTA, Received-From-MTA */
	const char *date;	/* Last-Attempt-Date or Arrival-Date */
	const char *reason;	/* decoder's verdict (a reason name) */
	const char *rule;	/* why the decoder chose reason */
	const char *feedbacktype;
	const char *feedbackid;
	const char *status_comment; /* "(...)" after the Status code: a last-resort diagnosis */
	int	    hardbounce;	/* -1 unknown; a decoder rarely knows better */
};

struct kbounce {
	struct kds *ds;
	size_t	    n;
	size_t	    cap;
	const char *decodedby;	/* decoder name, e.g. "Postfix" */
	int	    kind;	/* KAERU_KIND_* for every record */
	const char *lhost;	/* per-message Reporting-MTA */
	const char *date;	/* per-message Arrival-Date */
	/*
	 * Past lim->max_records entries kb_add() and kb_last() hand out spare,
	 * which is never counted, and set overflow: the decoders run as they
	 * are and the mail is marked truncated.
	 */
	int	    overflow;
	struct kds  spare;
};

/* kb_add - a new empty record; NULL on ENOMEM */
struct kds *kb_add(struct kmsg *m, struct kbounce *b);
/* kb_last - the last record, or a new one when there is none */
struct kds *kb_last(struct kmsg *m, struct kbounce *b);
/* kb_drop_empty - remove records that have no recipient */
void	kb_drop_empty(struct kbounce *b);

/* Arena string helpers for decoders. */
char	*kb_str(struct kmsg *m, const char *s, size_t n);
char	*kb_trimmed(struct kmsg *m, const char *s, size_t n);
char	*kb_append(struct kmsg *m, const char *old, const char *s, size_t n);
char	*kb_addr(struct kmsg *m, const char *s, size_t n);
/* kb_unfold - join a field's continuation lines after km_nextline() (bounce.c) */
int	 kb_unfold(struct kmsg *m, const char **cur, const char *end, const char **line, size_t *len);

#endif

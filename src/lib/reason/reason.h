/*
 * NAME
 *	reason - decide the reason, hard/soft, category and hint of a record
 * SUMMARY
 *	kr_classify() takes the facts a decoder found (codes, command, text,
 *	action, the decoder's own verdict, the remote host) and returns a
 *	reason with the rule that decided it. The precedence is documented
 *	in classify.c and in docs/DESIGN.md.
 */
#ifndef KAERU_REASON_H
#define KAERU_REASON_H

#include <kaeru/record.h>

#include "phrase.h"

/*
 * The reason tables' answers for the last texts, kept by the caller across
 * the records of one mail: recipients often share a diagnosis (kf_build).
 */
struct kr_memo {
	struct {
		const char	*text;	/* must stay valid while the memo is used */
		size_t		 len;
		struct ph_result r;
	} e[4];			/* the last four texts, round robin */
	unsigned	 next;
};

struct kfacts {
	const char	*status;	/* RFC 3463 code or "" */
	const char	*replycode;	/* "550" or "" */
	const char	*command;	/* "RCPT" or "" */
	const char	*diag;		/* diagnostic text, white space collapsed */
	size_t		 diaglen;
	const char	*diagtype;	/* "SMTP", "X-UNIX", ... or "" */
	const char	*action;	/* "failed", "delayed", ... or "" */
	const char	*decoder_reason;/* a decoder's verdict or NULL */
	const char	*decoder_rule;	/* why it chose it, or NULL */
	const char	*decoder;	/* decoder name */
	const char	*rhost;		/* remote host or "" */
	const char	*destination;	/* recipient's domain or "" */
	const char	*comment;	/* "(...)" after a DSN's Status code, or NULL */
	struct kr_memo	*memo;		/* optional: reuse the phrase match of the same text */
};

struct kverdict {
	kaeru_reason	reason;
	char		rule[160];
};

void	kr_classify(const struct kfacts *f, struct kverdict *v);
int	kr_status_reason(const char *code, kaeru_reason *out);
int	kr_phrases(const char *s, size_t n, struct ph_result *r);
const struct ph_rule *kr_phrase_rule(int id);
const struct ph_automaton *kr_phrase_table(void);

kaeru_category	  kr_category(kaeru_reason r, int permanent);
kaeru_action_hint kr_hint(kaeru_reason r, int permanent);

#endif

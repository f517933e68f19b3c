/*
 * NAME
 *	kaeru/explain.h - what an SMTP reply code or enhanced status code means
 * SYNOPSIS
 *	kaeru_explanation e;
 *
 *	if (kaeru_explain("5.1.1", "ja", &e) == 0)
 *		printf("%s: %s (%s)\n", e.code, e.meaning, e.reason);
 *
 *	kaeru_explain_iter it;
 *	kaeru_explain_iter_init(&it, "en", "5.7.26");
 *	while (kaeru_explain_next(&it, &e) == 1)
 *		printf("%s: %s\n", e.source, e.meaning);
 * DESCRIPTION
 *	A registry compiled into the library from data/codes/: every code of
 *	IANA's "SMTP Enhanced Status Codes" registry (RFC 3463 and the RFCs
 *	that updated it), the SMTP reply codes (RFC 5321 and updates), and
 *	codes that large providers document with a meaning of their own
 *	(Gmail, Microsoft, Yahoo, Cox). Each explanation gives the meaning,
 *	the kaeru reason, category, hard or soft, action hint and advice, in
 *	English or Japanese.
 *
 *	Any well-formed code is explained, registered or not: an
 *	unregistered status code such as 5.1.99 through its class and subject
 *	(as RFC 3463 asks of receivers), an unknown reply code through its
 *	first two digits. Only text that is no code at all, and no provider
 *	token the registry knows, is KAERU_ENOTFOUND.
 *
 *	The strings of a kaeru_explanation are static, except code and
 *	entry, which live in the struct itself. Nothing here allocates
 *	except kaeru_explanation_json() and kaeru_explanation_line(), which
 *	append to a caller's kaeru_buf.
 */
#ifndef KAERU_EXPLAIN_H
#define KAERU_EXPLAIN_H

#include <kaeru/common.h>
#include <kaeru/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which table answered. */
typedef enum kaeru_code_kind {
	KAERU_CODE_REPLY,	/* SMTP reply code, "550" */
	KAERU_CODE_STATUS,	/* enhanced status code, "5.1.1" */
	KAERU_CODE_PROVIDER,	/* a provider's own meaning, "TSS04", "5.7.606" */
	KAERU_CODE_REASON	/* a reason of kaeru's taxonomy, "userunknown" */
} kaeru_code_kind;

typedef struct kaeru_explanation {
	char		 code[32];	/* the code asked about, normalised: "5.1.1", "550", "TSS04" */
	char		 entry[40];	/* the registry entry that answered: "X.1.1", "5.X.X", "55x", "microsoft:5.7.606-649" */
	kaeru_code_kind	 kind;
	const char	*kind_name;	/* "reply", "status", "provider", "reason" */
	int		 registered;	/* 1: the code itself is registered; 0: explained by its class (and subject) */
	const char	*lang;		/* "en" or "ja" */
	const char	*source;	/* "RFC 3463", "Microsoft", ... */
	const char	*provider;	/* provider key ("gmail", "microsoft", ...) or "" */
	const char	*meaning;	/* what the code means (no final full stop) */
	const char	*class_meaning;	/* what its class means: success, transient, permanent */
	const char	*severity;	/* "success", "transient" or "permanent" */
	kaeru_reason	 reason_id;
	const char	*reason;	/* one of Sisimai's 36 names */
	kaeru_category	 category_id;
	const char	*category;
	int		 hard;		/* 1: the address is dead for good (a hard bounce) */
	kaeru_action_hint hint_id;
	const char	*action_hint;
	const char	*advice;	/* what the sender should do, one or two sentences */
} kaeru_explanation;

/*
 * kaeru_explain - explain one code
 *	code is a reply code ("550"), an enhanced status code ("5.7.26"),
 *	a provider token ("TSS04", "[TSS04]", "AUP#CXBL", "CXBL"), or
 *	"provider:code" for a provider's own reading ("microsoft:5.4.1"), or
 *	a reason name ("userunknown": what it means, and the category, hard
 *	or soft and advice of a record with that reason).
 *	A registered status code is explained by the IANA registry; a status
 *	code the registry lacks but a provider documents ("5.7.606") by the
 *	provider. lang: "en", "ja" (or any string starting with them, such
 *	as "ja_JP.UTF-8"); NULL, "", "C" and "POSIX" mean "en", as locale
 *	names do. KAERU_EINVAL for another language, KAERU_ENOTFOUND when
 *	code is no code nor reason. The iterator below walks the codes only.
 */
KAERU_EXTERN int kaeru_explain(const char *code, const char *lang, kaeru_explanation *out);

/* An iterator over the registry; its fields are private. */
typedef struct kaeru_explain_iter {
	const char	*lang;
	char		 code[32];	/* "" for every entry */
	unsigned	 table;
	size_t		 pos;
} kaeru_explain_iter;

/*
 * kaeru_explain_iter_init - iterate over the registry
 *	With code NULL: every entry (status, reply, provider), each explained
 *	as itself (pattern entries such as "X.1.1" in their permanent
 *	reading). With a code: the provider entries that give that code a
 *	meaning of their own (Gmail's and others' for "5.7.26").
 */
KAERU_EXTERN void kaeru_explain_iter_init(kaeru_explain_iter *it, const char *lang, const char *code);

/* kaeru_explain_next - 1 with the next entry in *out, 0 at the end, negative on error */
KAERU_EXTERN int kaeru_explain_next(kaeru_explain_iter *it, kaeru_explanation *out);

/* kaeru_explanation_json - append one JSON object (no newline); KAERU_FORMAT_PRETTY indents */
KAERU_EXTERN int kaeru_explanation_json(const kaeru_explanation *e, unsigned flags, kaeru_buf *out);

/* kaeru_explanation_line - append "meaning. advice" as one line of text (no newline) */
KAERU_EXTERN int kaeru_explanation_line(const kaeru_explanation *e, kaeru_buf *out);

#ifdef __cplusplus
}
#endif

#endif

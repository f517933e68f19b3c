/*
 * NAME
 *	lhost - decoders of the bounce dialects, one file per MTA family
 * SUMMARY
 *	A decoder knows one family's bounce: how to recognise it from the
 *	mail itself (subject, sender, the report's opening lines, X-headers,
 *	boundaries), where its notice text starts and ends, and how it lists
 *	failed recipients. It fills a kbounce and returns the number of
 *	records, 0 when the mail is not of its family, -1 on ENOMEM.
 *
 *	Adding a family: write lhost/<family>.c defining one
 *	"const struct klhost lhost_<family>" and add a line to
 *	lhost/lhost_list.h. Decoders are tried in the order of that list,
 *	except that families whose subjects match (order.c) go first.
 */
#ifndef KAERU_LHOST_H
#define KAERU_LHOST_H

#include "../bounce.h"
#include "../rfc/dsn.h"
#include "../rfc/rfc5322.h"
#include "../smtp/smtp.h"

struct klhost {
	const char *name;
	int	  (*decode)(struct kmsg *m, struct kbounce *b);
};

/* Helpers (lhost.c) */
/* lh_header - unfolded raw value of a top-level header, "" if absent (inline, as above) */
static inline const char *
lh_header(struct kmsg *m, const char *name)
{
	return kh_get(m, &m->hdr, name);
}
/* lh_has_header - has the mail's top header a field called name (inline: a literal's key folds) */
static inline int
lh_has_header(const struct kmsg *m, const char *name)
{
	return kh_find(&m->hdr, name) != NULL;
}
int	 lh_prepare_tests(struct kmsg *m);
int	 lhost_order(const struct kmsg *m, const struct klhost **fams, int max);
int	 lh_subject_has(const struct kmsg *m, const char *needle);
int	 lh_subject_has_n(const struct kmsg *m, const char *needle, size_t k);
int	 lh_subject_starts(const struct kmsg *m, const char *prefix);
int	 lh_from_has(const struct kmsg *m, const char *needle);
int	 lh_from_has_n(const struct kmsg *m, const char *needle, size_t k);
/* With a literal needle the compiler counts its length. */
#define lh_subject_has(m, z)	lh_subject_has_n((m), (z), strlen(z))
#define lh_from_has(m, z)	lh_from_has_n((m), (z), strlen(z))
void	 lh_notice(const struct kmsg *m, const char **p, size_t *n);
const char *lh_flat(const struct kmsg *m, size_t *n);
const char *lh_find(const char *p, size_t n, const char *needle);
const char *lh_find_line(const char *p, size_t n, const char *prefix);
const char *lh_find_field(const char *p, size_t n, const char *name);	/* any case */
int	 lh_orig_after(struct kmsg *m, const char *marker);
int	 lh_orig_at(struct kmsg *m, const char *p, size_t n);
int	 lh_merge(struct kmsg *m, struct kbounce *dsn, const struct kbounce *text);
const char *lh_addr(struct kmsg *m, const char *s, size_t n);
int	 lh_same_addr(const char *a, const char *b);
void	 lh_recipient_from_orig(struct kmsg *m, struct kbounce *b);
int	 lh_line_has(const char *line, size_t len, const char *needle);
/* lh_talking_to - does the line open a sendmail transcript's session ("... while talking to host:") */
int	 lh_talking_to(const char *line, size_t len);
void	 lh_fill_codes(struct kmsg *m, struct kds *d);
const char *lh_phrase(struct kmsg *m, const char *family, const char *text);
int	 lh_received_has(struct kmsg *m, const char *needle);
int	 lh_has_report(const struct kmsg *m);
int	 lh_quotes_failure(const char *l, size_t n);
int	 lh_failed_recipients(struct kmsg *m, struct kbounce *b);
int	 lh_quoted_reply(struct kmsg *m, struct kds *d);
int	 lh_dsn_anywhere(struct kmsg *m, struct kbounce *b);
int	 lh_header_has(struct kmsg *m, const char *name, const char *needle);
const char *lh_line_addr(struct kmsg *m, const char *l, size_t n);
const char *lh_phrase_sq(struct kmsg *m, const char *family, const char *text);
struct ph_automaton;
const struct ph_automaton *lh_family_table(const char *family);

/* Shared by family decoders: the Exchange 2007+ notice (exchange2007.c). */
int	 lh_exchange_notice(struct kmsg *m, struct kbounce *text, const char **lhost);

int	 lh_merge_judge(struct kmsg *m, struct kbounce *b, const struct kbounce *text,
	    const char *family);

/* The standard readers' verdict from known MTAs' words (generic.c). */
void	 lh_known_words(struct kmsg *m, struct kbounce *b);

/* Shared by qmail and its clones (qmail.c). */
void	 lh_qmail_verdict(struct kmsg *m, struct kds *d, const char *family);

/* The dispatcher (lhost.c) */
int	 lhost_decode(struct kmsg *m, struct kbounce *b);

#endif

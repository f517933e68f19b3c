/*
 * NAME
 *	store_int - what the backend-neutral store and its backends share
 * SUMMARY
 *	store.c holds every SQL statement (numbered, "?" placeholders) and
 *	all the logic; a backend (store_sqlite.c, store_pgsql.c) only
 *	prepares statements once, binds parameters, steps through rows and
 *	runs transactions. One cursor is open at a time per store: a run()
 *	or send() ends the previous one. Column text is borrowed until the
 *	next row.
 */
#ifndef KAERU_STORE_INT_H
#define KAERU_STORE_INT_H

#include <kaeru/store.h>

#include "../../util/str.h"

enum kparam_type { KP_NULL, KP_TEXT, KP_INT };

struct kparam {
	int		 type;
	const char	*s;
	int64_t		 i;
};

#define P_T(x)	{ KP_TEXT, (x), 0 }
#define P_I(x)	{ KP_INT, NULL, (int64_t)(x) }
#define P_N	{ KP_NULL, NULL, 0 }

struct kstore_ops {
	const char *name;
	const char *id_column;	/* the auto-numbered primary key's declaration */
	int	  (*exec)(kaeru_store *s, const char *sql);	/* no parameters, no rows */
	int	  (*run)(kaeru_store *s, int id, const struct kparam *p, int np);
	/*
	 * send - a statement whose rows are not wanted. Inside a write
	 * transaction it may be queued (PostgreSQL's pipeline): it runs
	 * before the next run(), exec() or commit(), and its error, if any,
	 * is returned by that call.
	 */
	int	  (*send)(kaeru_store *s, int id, const struct kparam *p, int np);
	int	  (*next)(kaeru_store *s);	/* 1: a row, 0: done, < 0: error */
	int	  (*isnull)(kaeru_store *s, int col);
	const char *(*text)(kaeru_store *s, int col);
	int64_t	  (*int64)(kaeru_store *s, int col);
	int	  (*begin)(kaeru_store *s);	/* write transaction, waiting for other writers */
	int	  (*commit)(kaeru_store *s);
	int	  (*rollback)(kaeru_store *s);
	void	  (*close)(kaeru_store *s);
};

struct kaeru_store {
	const struct kstore_ops *ops;
	void		*be;		/* backend state */
	kaeru_policy	 pol;
	int		 fold;		/* keys fold the local part's case (KADDR_FOLD) */
	int		 in_tx;
	kstr		 addr, s1, s2, disp; /* scratch; kaeru_address_info strings */
};

/*
 * Statements (store.c). Ids below KSTORE_NFIXED are fixed statements;
 * the others are batch statements: a kind (enum kbatch) repeated over
 * 1, 2, 4, ... KSTORE_BATCH_MAX rows, each id one row count, so that a
 * backend prepares each text once. kstore_sql() returns the text of id,
 * built into buf for a batch statement (NULL when out of memory).
 */
/* The fixed statements (texts in store.c). */
enum kstmt {
	ST_VERSION_GET, ST_VERSION_SET,
	ST_ADDR_GET, ST_ADDR_PUT, ST_HIST_ADD, ST_HIST_GET,
	ST_SUPP_GET, ST_SUPP_PUT, ST_SUPP_DEL, ST_SUPP_LIST, ST_DOMAINS_LIST,
	ST_STATS_TOTAL, ST_STATS_DAY, ST_STATS_DOMAIN, ST_STATS_REASON, ST_STATS_SENDER,
	ST_LIST_NEW, ST_LIST_ID, ST_SUB_ADD, ST_SUB_DEL, ST_LIST_CREATE, ST_LISTS, ST_MEMBERS,
	ST_SETTING_GET, ST_SETTING_PUT,
	/* rekey.c: keys whose local part has upper case, then the moves */
	ST_CASED_ADDR, ST_CASED_SUPP, ST_CASED_HIST, ST_CASED_DAYS, ST_CASED_DOMFAIL,
	ST_CASED_SUB, ST_CASED_EV,
	ST_HIST_FIRST, ST_ADDR_DEL, ST_ADDR_NEW, ST_HIST_MOVE, ST_EV_MOVE, ST_EV_DROP,
	ST_DAYS_MOVE, ST_DAYS_DROP, ST_DOMFAIL_MOVE, ST_DOMFAIL_DROP, ST_SUB_MOVE, ST_SUB_DROP,
	ST_COUNT
};

/* The batch statements. */
enum kbatch {
	SB_EV_INSERT,		/* events; RETURNING id, token, recipient */
	SB_ADDR_GET,		/* addresses rows of the given addresses */
	SB_SUPP_GET,		/* suppressions rows of the given addresses */
	SB_DAYS_GET,		/* bounce days after a day, of the given addresses */
	SB_DOMFAIL_COUNT,	/* hostunknown addresses per given domain */
	SB_DOMFAIL_GET,		/* which given (domain, address) pairs are counted */
	SB_DOMAINS_GET,		/* which given domains are flagged */
	SB_HIST_ADD, SB_ADDR_PUT, SB_SUPP_PUT, SB_SUPP_DEL, SB_DAY_PUT,
	SB_SENDER_ADD, SB_DOMFAIL_ADD, SB_DOMAIN_FLAG,
	SB_SUB_ADD,		/* subscribers; RETURNING the new ones */
	SB_COUNT
};
#define KSTORE_BATCH_LOG 8			/* row counts 1 .. 128 */
#define KSTORE_BATCH_MAX (1 << (KSTORE_BATCH_LOG - 1))

const char *kstore_sql(int id, kstr *buf);
int	    kstore_nstmt(void);
/* kstore_batch_id - the statement of kind over n rows (n a power of two up to KSTORE_BATCH_MAX) */
int	    kstore_batch_id(enum kbatch kind, size_t n);

/* Shared by store.c and ingest.c. */
extern const char *const kstore_state_names[KAERU_ADDR_STATE_COUNT];
kaeru_addr_state kstore_state(const char *name);
int	kstore_norm(kaeru_store *s, const char *address);	/* into s->addr; EINVAL if not an address */
int	kstore_one_int(kaeru_store *s, int id, const struct kparam *p, int np, int64_t *out);
/*
 * kstore_batch - batch statement kind over n rows, in chunks of up to
 * KSTORE_BATCH_MAX rows: head's nhead
 * parameters, then fill()'s nrow for each row. With row, each result row
 * goes to it; without, the statement is sent (and may be queued).
 */
typedef void (*kstore_fill_fn)(void *arg, size_t i, struct kparam *p);
typedef int (*kstore_row_fn)(void *arg);
int	kstore_batch(kaeru_store *s, enum kbatch kind, const struct kparam *head, size_t nhead,
	    size_t nrow, size_t n, kstore_fill_fn fill, kstore_row_fn row, void *arg);
/* kstore_rekey - fold the local parts of every key, merging what then agrees (rekey.c) */
int	kstore_rekey(kaeru_store *s, int64_t now);
int	kstore_auto_begin(kaeru_store *s, int *own);
int	kstore_auto_end(kaeru_store *s, int own, int rc);

/* create 0: a file that does not exist is KAERU_ENOTFOUND, and is not made */
int	kstore_sqlite_open(kaeru_store *s, const char *path, int create);
int	kstore_pgsql_open(kaeru_store *s, const char *conninfo);

/* Policy (policy.c). */
enum kpol_effect {
	KPOL_NONE,		/* vacation, unknown: never counted */
	KPOL_DELIVERED,		/* resets the soft score */
	KPOL_HARD,		/* suppress at once */
	KPOL_SOFT,		/* count a soft bounce day */
	KPOL_COMPLAINT,		/* suppress at once, for good */
	KPOL_SENDER		/* the sender's fault: counted per sending domain */
};

enum kpol_effect kpol_effect(const kaeru_record *r);
int	kpol_soft_score(const kaeru_policy *p, const int64_t *days_desc, size_t n);
int64_t	kpol_until(const kaeru_policy *p, const char *reason, int64_t since);
int	kpol_never_expires(const char *reason);
int	kpol_supp_reason(const char *reason);

/* A map of strings to numbers (kmap.c); zero-initialised is empty. */
struct kmap {
	uint64_t *h;		/* hashes; 0: an empty slot */
	size_t	 *off;		/* key offsets in pool */
	size_t	 *val;
	size_t	  cap, n;
	kstr	  pool;
};

int	kmap_find(const struct kmap *m, const char *k, size_t n, size_t *val);
int	kmap_add(struct kmap *m, const char *k, size_t n, size_t *val);
void	kmap_free(struct kmap *m);

/*
 * CSV lists (clean.c): each data row's address field (trimmed; NULL when
 * the row has no such column) as kaeru_clean() finds it, blank lines and
 * the header skipped; malformed CSV fails with KAERU_EPARSE naming the line.
 */
typedef int (*kcsv_fn)(void *arg, long line, const char *addr, size_t n);
int	kcsv_addresses(const char *data, size_t len, const kaeru_clean_opts *o, kcsv_fn fn, void *arg);

/* Addresses (address.c). */
#define KADDR_CHECK	1	/* validate under RFC 5321/5322 */
#define KADDR_FOLD	2	/* the local part's ASCII letters in lower case */
int	kaddr_norm(const char *in, size_t n, kstr *out, const char **why, int flags);
int	kaddr_within_one(const char *a, size_t an, const char *b, size_t bn);

#endif

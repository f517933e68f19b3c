/*
 * NAME
 *	store_int - what the backend-neutral store and its backends share
 * SUMMARY
 *	store.c holds every SQL statement (numbered, "?" placeholders) and
 *	all the logic; a backend (store_sqlite.c, store_pgsql.c) only
 *	prepares statements once, binds parameters, steps through rows and
 *	runs transactions. One cursor is open at a time per store: a run()
 *	ends the previous one. Column text is borrowed until the next row.
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
	int		 in_tx;
	kstr		 addr, s1, s2;	/* scratch; kaeru_address_info strings */
};

/* kstore_sql - the text of statement id */
const char *kstore_sql(int id);
int	    kstore_nstmt(void);

int	kstore_sqlite_open(kaeru_store *s, const char *path);
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

/* Addresses (address.c). */
int	kaddr_norm(const char *in, size_t n, kstr *out, const char **why, int check);

#endif

/*
 * NAME
 *	libsqlite - SQLite's functions, loaded when a SQLite store is opened
 * DESCRIPTION
 *	"kaeru parse" never opens a store, yet a linked libsqlite3 was
 *	mapped and relocated at every start: about 2 ms of CPU of each run
 *	on our machine, which counts when a mail server pipes every bounce
 *	into its own process. As with libpq (libpq.h), the first SQLite
 *	store opens the library with dlopen() and reaches it through a
 *	table that the store owns; a program that never opens one never
 *	loads it. ksq_load() fills a table; ksq_unload() lets it go.
 */
#ifndef KAERU_STORE_LIBSQLITE_H
#define KAERU_STORE_LIBSQLITE_H

#include <sqlite3.h>
#include <stddef.h>

struct ksq {
	void	*dl;
	int	 (*open_v2)(const char *path, sqlite3 **db, int flags, const char *vfs);
	int	 (*close)(sqlite3 *db);
	int	 (*busy_timeout)(sqlite3 *db, int ms);
	const char *(*errmsg)(sqlite3 *db);
	int	 (*exec)(sqlite3 *db, const char *sql,
		    int (*cb)(void *, int, char **, char **), void *arg, char **err);
	int	 (*get_autocommit)(sqlite3 *db);
	int	 (*prepare_v3)(sqlite3 *db, const char *sql, int n, unsigned flags,
		    sqlite3_stmt **st, const char **tail);
	int	 (*step)(sqlite3_stmt *st);
	int	 (*reset)(sqlite3_stmt *st);
	int	 (*finalize)(sqlite3_stmt *st);
	int	 (*clear_bindings)(sqlite3_stmt *st);
	int	 (*bind_text)(sqlite3_stmt *st, int i, const char *s, int n, void (*del)(void *));
	int	 (*bind_int64)(sqlite3_stmt *st, int i, sqlite3_int64 v);
	int	 (*bind_null)(sqlite3_stmt *st, int i);
	int	 (*column_type)(sqlite3_stmt *st, int col);
	const unsigned char *(*column_text)(sqlite3_stmt *st, int col);
	sqlite3_int64 (*column_int64)(sqlite3_stmt *st, int col);
};

/* ksq_load - open libsqlite3 and fill q; 0, or -1 with why in err */
int	ksq_load(struct ksq *q, char *err, size_t errlen);
/* ksq_unload - close what ksq_load opened; accepts a zeroed table */
void	ksq_unload(struct ksq *q);

#endif

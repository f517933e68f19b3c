/*
 * NAME
 *	dynlib - a library opened at run time, its functions in a table
 * SUMMARY
 *	libpq.c and libsqlite.c describe their library (sonames, what to
 *	say when it is missing) and the functions they want; kdl_load()
 *	opens the first soname that loads and fills the table. A table is
 *	a struct whose first member is the "void *dl" handle, followed by
 *	function pointers; each kdl_sym gives a symbol and its offset.
 *	Libraries stay loaded once opened (RTLD_NODELETE): libpq's TLS and
 *	OpenSSL exit handlers and SQLite's process-wide state must outlive
 *	the store, and unmapping libpq under LeakSanitizer crashed its exit
 *	check.
 */
#ifndef KAERU_STORE_DYNLIB_H
#define KAERU_STORE_DYNLIB_H

#include <stddef.h>

struct kdl_sym {
	const char *name;
	size_t	    off;	/* offsetof the pointer in the table */
};

struct kdl_lib {
	const char *const *sonames;
	size_t		   nsonames;
	const char	  *missing;	/* "PostgreSQL needs libpq (Debian: ...)" */
	const char	  *name;	/* "libpq", for a missing symbol */
	const char	  *needed;	/* "version 14 or later" */
};

/* kdl_load - open lib and fill table (size bytes); 0, or -1 with why in err */
int	kdl_load(void *table, size_t size, const struct kdl_lib *lib,
	    const struct kdl_sym *syms, size_t nsyms, char *err, size_t errlen);
/* kdl_unload - close what kdl_load opened; accepts a zeroed table */
void	kdl_unload(void *table, size_t size);

#endif

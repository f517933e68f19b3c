/*
 * NAME
 *	libsqlite - open libsqlite3 at run time (see libsqlite.h for why)
 */
#include "libsqlite.h"

#include "dynlib.h"

/* Debian's soname first; dynlib.h says why it stays loaded. */
static const char *const sonames[] = { "libsqlite3.so.0", "libsqlite3.so" };

int
ksq_load(struct ksq *q, char *err, size_t errlen)
{
	static const struct kdl_sym fns[] = {
#define F(field) { "sqlite3_" #field, offsetof(struct ksq, field) }
		F(open_v2), F(close), F(busy_timeout), F(errmsg), F(exec),
		F(get_autocommit), F(prepare_v3), F(step), F(reset), F(finalize),
		F(clear_bindings), F(bind_text), F(bind_int64), F(bind_null),
		F(column_type), F(column_text), F(column_int64),
#undef F
	};
	static const struct kdl_lib lib = {
		sonames, sizeof(sonames) / sizeof(sonames[0]),
		"the store needs SQLite (Debian: apt-get install libsqlite3-0)", "libsqlite3",
		"version 3.20 or later",
	};

	return kdl_load(q, sizeof(*q), &lib, fns, sizeof(fns) / sizeof(fns[0]), err, errlen);
}

void
ksq_unload(struct ksq *q)
{
	kdl_unload(q, sizeof(*q));
}

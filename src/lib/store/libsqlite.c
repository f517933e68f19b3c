/*
 * NAME
 *	libsqlite - open libsqlite3 at run time (see libsqlite.h for why)
 */
#include "libsqlite.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/*
 * Debian's soname first. The library stays loaded once opened
 * (RTLD_NODELETE): SQLite keeps process-wide state (its VFS list, its
 * memory allocator) that other stores opened later share.
 */
static const char *const sonames[] = { "libsqlite3.so.0", "libsqlite3.so" };

int
ksq_load(struct ksq *q, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t	    off;
	} fns[] = {
#define F(field) { "sqlite3_" #field, offsetof(struct ksq, field) }
		F(open_v2), F(close), F(busy_timeout), F(errmsg), F(exec),
		F(get_autocommit), F(prepare_v3), F(step), F(reset), F(finalize),
		F(clear_bindings), F(bind_text), F(bind_int64), F(bind_null),
		F(column_type), F(column_text), F(column_int64),
#undef F
	};
	size_t i;

	memset(q, 0, sizeof(*q));
	for (i = 0; i < sizeof(sonames) / sizeof(sonames[0]) && q->dl == NULL; i++)
		q->dl = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (q->dl == NULL) {
		snprintf(err, errlen, "the store needs SQLite (Debian: apt-get install libsqlite3-0): %s",
		    dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *f = dlsym(q->dl, fns[i].name);
		if (f == NULL) {
			snprintf(err, errlen, "libsqlite3 has no %s (version 3.20 or later is needed)",
			    fns[i].name);
			ksq_unload(q);
			return -1;
		}
		memcpy((char *)q + fns[i].off, &f, sizeof(f));
	}
	return 0;
}

void
ksq_unload(struct ksq *q)
{
	if (q->dl != NULL)
		dlclose(q->dl);
	memset(q, 0, sizeof(*q));
}

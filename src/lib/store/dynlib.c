/*
 * NAME
 *	dynlib - open a library at run time and fill a table of its functions
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int
kdl_load(void *table, size_t size, const struct kdl_lib *lib,
    const struct kdl_sym *syms, size_t nsyms, char *err, size_t errlen)
{
	void  *dl = NULL;
	size_t i;

	memset(table, 0, size);
	for (i = 0; i < lib->nsonames && dl == NULL; i++)
		dl = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (dl == NULL) {
		snprintf(err, errlen, "%s: %s", lib->missing, dlerror());
		return -1;
	}
	memcpy(table, &dl, sizeof(dl));
	for (i = 0; i < nsyms; i++) {
		void *f = dlsym(dl, syms[i].name);
		if (f == NULL) {
			snprintf(err, errlen, "%s has no %s (%s is needed)", lib->name, syms[i].name,
			    lib->needed);
			kdl_unload(table, size);
			return -1;
		}
		memcpy((char *)table + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

void
kdl_unload(void *table, size_t size)
{
	void *dl;

	memcpy(&dl, table, sizeof(dl));
	if (dl != NULL)
		dlclose(dl);
	memset(table, 0, size);
}

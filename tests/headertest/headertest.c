/* headertest - the public headers compile alone, strictly, in C99 and C++ */
#include <kaeru/kaeru.h>

int
main(void)
{
	kaeru_parse_opts o = KAERU_PARSE_OPTS_INIT;

	(void)o;
	return KAERU_VERSION_CHECK(0, 0, 0) ? 0 : 1;
}

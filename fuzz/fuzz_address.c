/*
 * NAME
 *	fuzz_address - addresses, dates and Received fields in free text
 * DESCRIPTION
 *	addr_find must return a slice of its input that addr_valid accepts;
 *	date_parse must give an offset within a day; received_hosts must
 *	return slices of its input.
 */
#include "fuzz.h"

#include "lib/rfc/rfc5322.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *a, *fr, *by;
	size_t	    an, fn, bn;
	int64_t	    epoch;
	int	    off;

	if (addr_find(s, size, &a, &an)) {
		FUZZ_CHECK(a >= s && a + an <= s + size);
		FUZZ_CHECK(addr_valid(a, an));
		(void)addr_is_daemon(a, an);
	}
	(void)addr_valid(s, size);
	if (date_parse(s, size, &epoch, &off))
		FUZZ_CHECK(off > -24 * 60 && off < 24 * 60);
	if (received_hosts(s, size, &fr, &fn, &by, &bn)) {
		FUZZ_CHECK(fn == 0 || (fr >= s && fr + fn <= s + size));
		FUZZ_CHECK(bn == 0 || (by >= s && by + bn <= s + size));
	}
	return 0;
}

/*
 * NAME
 *	fuzz_charset - kcs_to_utf8 with a charset name taken from the input
 * DESCRIPTION
 *	The input's first line (at most 48 bytes) names the charset, the
 *	rest is converted. The result must be valid UTF-8 whatever the
 *	label and the bytes. One kcharset lives across inputs, so the
 *	descriptor cache and its eviction run too.
 */
#include "fuzz.h"

#include "util/charset.h"
#include "util/codec.h"

#include <string.h>

static kcharset *cs;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl;
	size_t	    cn, n;
	kstr	    out = KSTR_INIT;

	if (cs == NULL)
		cs = kcs_new();
	nl = memchr(in, '\n', size < 48 ? size : 48);
	if (nl == NULL) {
		/* No label: the guesser decides. */
		kcs_to_utf8(cs, NULL, 0, in, size, &out);
	} else {
		cn = (size_t)(nl - in);
		n = size - cn - 1;
		kcs_to_utf8(cs, in, cn, nl + 1, n, &out);
		FUZZ_CHECK(kcs_canonical(in, cn) == NULL || strlen(kcs_canonical(in, cn)) > 0);
	}
	FUZZ_CHECK(kc_utf8_valid(ks_str(&out), out.len));
	FUZZ_CHECK(out.len == 0 || out.p[out.len] == '\0');
	FUZZ_CHECK(kcs_guess(in, size) != NULL);
	ks_dispose(&out);
	return 0;
}

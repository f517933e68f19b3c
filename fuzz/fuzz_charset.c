/*
 * NAME
 *	fuzz_charset - kcs_to_utf8 with a charset name taken from the input
 * DESCRIPTION
 *	The input's first line (at most 48 bytes) names the charset, the
 *	rest is converted. The result must be valid UTF-8 whatever the
 *	label and the bytes. One kcharset lives across inputs, so the
 *	descriptor cache and its eviction run too. kaeru reads ISO-2022-JP
 *	and the single-byte charsets with tables of its own (charset.c): a
 *	text with an escape, labelled ISO-2022-JP, and a text without one
 *	under a Windows-125x or ISO-8859 label, must read exactly as iconv
 *	alone reads them.
 */
#include "fuzz.h"

#include "util/charset.h"
#include "util/codec.h"

#include <string.h>

static kcharset *cs;

/* same - did kcs_to_utf8 read in[0..n) labelled so as iconv alone (kcs_iconv) reads it */
static int
same(const char *label, size_t ln, const char *in, size_t n)
{
	kstr mine = KSTR_INIT, ref = KSTR_INIT;
	int  ok = 1;

	kcs_to_utf8(cs, label, ln, in, n, &mine);
	if (kcs_iconv(cs, kcs_canonical(label, ln), in, n, &ref) == 0)
		ok = mine.len == ref.len && memcmp(ks_str(&mine), ks_str(&ref), mine.len) == 0;
	ks_dispose(&mine);
	ks_dispose(&ref);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl;
	size_t	    cn = 0, n = 0;
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
	if (memchr(in, 0x1b, size) != NULL)
		FUZZ_CHECK(same("iso-2022-jp", 11, in, size));
	else if (nl != NULL && kcs_canonical(in, cn) != NULL &&
	    (strncmp(kcs_canonical(in, cn), "WINDOWS-125", 11) == 0 ||
		strncmp(kcs_canonical(in, cn), "ISO-8859-", 9) == 0))
		FUZZ_CHECK(same(in, cn, nl + 1, n));
	ks_dispose(&out);
	return 0;
}

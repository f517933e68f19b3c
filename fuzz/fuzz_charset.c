/*
 * NAME
 *	fuzz_charset - kcs_to_utf8 with a charset name taken from the input
 * DESCRIPTION
 *	The input's first line (at most 48 bytes) names the charset, the
 *	rest is converted. The result must be valid UTF-8 whatever the
 *	label and the bytes. One kcharset lives across inputs, so the
 *	descriptor cache and its eviction run too. A text with an escape,
 *	labelled ISO-2022-JP, must also read exactly as glibc's iconv reads
 *	it: kaeru's own tables read most such texts (charset.c).
 */
#include "fuzz.h"

#include "util/charset.h"
#include "util/codec.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

static kcharset *cs;
static iconv_t	 jp = (iconv_t)-1;

/* by_iconv - in[0..n) through ISO-2022-JP-3 alone, as charset.c's convert() runs it */
static void
by_iconv(const char *in, size_t n, kstr *out)
{
	char  *ip = (char *)(size_t)in, buf[4096], *op;
	size_t il = n, ol, r;

	iconv(jp, NULL, NULL, NULL, NULL);
	while (il > 0) {
		op = buf;
		ol = sizeof(buf);
		r = iconv(jp, &ip, &il, &op, &ol);
		ks_add(out, buf, sizeof(buf) - ol);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		kc_utf8_put(out, 0xfffd);
		ip++;
		il--;
		iconv(jp, NULL, NULL, NULL, NULL);
	}
	op = buf;
	ol = sizeof(buf);
	iconv(jp, NULL, NULL, &op, &ol);
	ks_add(out, buf, sizeof(buf) - ol);
}

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
	if (jp == (iconv_t)-1)
		jp = iconv_open("UTF-8", "ISO-2022-JP-3");
	if (jp != (iconv_t)-1 && memchr(in, 0x1b, size) != NULL) {
		kstr mine = KSTR_INIT, ref = KSTR_INIT;
		kcs_to_utf8(cs, "iso-2022-jp", 11, in, size, &mine);
		by_iconv(in, size, &ref);
		FUZZ_CHECK(mine.len == ref.len && memcmp(ks_str(&mine), ks_str(&ref), mine.len) == 0);
		ks_dispose(&mine);
		ks_dispose(&ref);
	}
	ks_dispose(&out);
	return 0;
}

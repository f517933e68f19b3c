/*
 * NAME
 *	fuzz_decode - base64, quoted-printable, RFC 2047 words, UTF-8 helpers
 * DESCRIPTION
 *	The first byte picks the decoder, the rest is its input (0xf0 and
 *	above: format=flowed, the rest by the byte modulo 6, as before it
 *	came). Checks: output sizes stay within what the encoding allows,
 *	outputs are NUL-terminated, sanitised text is valid UTF-8.
 */
#include "fuzz.h"

#include "lib/mime/message.h"
#include "util/codec.h"

static kcharset *cs;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in;
	size_t	    n;
	kstr	    out = KSTR_INIT;

	if (size < 1)
		return 0;
	if (cs == NULL)
		cs = kcs_new();
	in = (const char *)data + 1;
	n = size - 1;
	if (data[0] >= 0xf0) {
		/*
		 * kc_unflow: each line gains at most its quote marks' space
		 * and the final newline; with delsp it only loses bytes then.
		 */
		size_t lines = 1, i;
		for (i = 0; i < n; i++)
			lines += in[i] == '\n';
		kc_unflow(&out, in, n, data[0] & 1);
		FUZZ_CHECK(out.len <= n + lines + 1);
		FUZZ_CHECK(out.len == 0 || out.p[out.len] == '\0');
		ks_dispose(&out);
		return 0;
	}
	switch (data[0] % 6) {
	case 0:
		kc_base64_decode(&out, in, n);
		FUZZ_CHECK(out.len <= n / 4 * 3 + 3);
		break;
	case 1:
		kc_qp_decode(&out, in, n, 0);
		FUZZ_CHECK(out.len <= n);
		break;
	case 2:
		kc_qp_decode(&out, in, n, 1);
		FUZZ_CHECK(out.len <= n);
		break;
	case 3:
		kc_utf8_sanitize(&out, in, n);
		FUZZ_CHECK(kc_utf8_valid(ks_str(&out), out.len));
		FUZZ_CHECK(kc_utf8_valid_prefix(in, n) <= n);
		break;
	case 4:
		kh_decode_words(cs, in, n, &out);
		break;
	case 5: {
		/* kh_param and kh_media_type on a Content-Type value. */
		char	    mt[80];
		const char *v;
		size_t	    vn;
		karena	    a;

		ka_init(&a, 0);
		kh_media_type(in, n, mt, sizeof(mt));
		FUZZ_CHECK(strlen(mt) < sizeof(mt));
		if (kh_param(in, n, "boundary", &v, &vn, &a))
			FUZZ_CHECK(v != NULL);
		if (kh_param(in, n, "charset", &v, &vn, NULL))
			FUZZ_CHECK(v != NULL);
		ka_dispose(&a);
		break;
	}
	}
	FUZZ_CHECK(out.len == 0 || out.p[out.len] == '\0');
	ks_dispose(&out);
	return 0;
}

/* test_codec - base64, quoted-printable, UTF-8 helpers (util/codec.c) */
#include "t.h"
#include "util/codec.h"

static const struct {
	const char *in, *out, *what;
} b64[] = {
	{ "aGVsbG8=", "hello", "padded" },
	{ "aGVs\nbG8=", "hello", "line break inside" },
	{ "aGVs bG8", "hello", "no padding, blank" },
	{ "a*GVs!bG8=", "hello", "junk bytes skipped" },
	{ "aGVsbA", "hell", "truncated quantum keeps whole bytes" },
	{ "", "", "empty" },
	{ "====", "", "padding only" },
	{ "44GC", "\xe3\x81\x82", "UTF-8 bytes" },
};

static const struct {
	const char *in, *out;
	int header;
	const char *what;
} qp[] = {
	{ "a=3Db", "a=b", 0, "escape" },
	{ "soft=\nbreak", "softbreak", 0, "soft line break" },
	{ "soft=  \nbreak", "softbreak", 0, "soft break with blanks" },
	{ "bad=ZZ", "bad=ZZ", 0, "broken escape kept" },
	{ "end=", "end", 0, "trailing =" },
	{ "a_b", "a b", 1, "underscore in header" },
	{ "a_b", "a_b", 0, "underscore in body" },
	{ "=E3=81=82", "\xe3\x81\x82", 0, "multibyte" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		kstr s = KSTR_INIT;
		kc_base64_decode(&s, b64[i].in, strlen(b64[i].in));
		T_EQ_STR(ks_str(&s), b64[i].out, b64[i].what);
		ks_dispose(&s);
	}
	for (i = 0; i < sizeof(qp) / sizeof(qp[0]); i++) {
		kstr s = KSTR_INIT;
		kc_qp_decode(&s, qp[i].in, strlen(qp[i].in), qp[i].header);
		T_EQ_STR(ks_str(&s), qp[i].out, qp[i].what);
		ks_dispose(&s);
	}
	T_OK(kc_utf8_valid("abc\xe3\x81\x82", 6), "valid UTF-8");
	T_OK(!kc_utf8_valid("ab\xff", 3), "0xff is never UTF-8");
	T_OK(!kc_utf8_valid("\xc0\x80", 2), "overlong NUL");
	T_OK(!kc_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	T_OK(!kc_utf8_valid("\xe3\x81", 2), "truncated sequence");
	{
		kstr s = KSTR_INIT;
		kc_utf8_sanitize(&s, "a\xffz", 3);
		T_EQ_STR(ks_str(&s), "a\xef\xbf\xbdz", "sanitize replaces with U+FFFD");
		ks_dispose(&s);
	}
	return t_done("codec");
}

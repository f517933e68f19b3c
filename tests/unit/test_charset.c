/* test_charset - charset names and conversion to UTF-8 (util/charset.c) */
#include "t.h"
#include "util/charset.h"
#include "util/codec.h"

static int
kc_utf8_valid_check(const char *s)
{
	return kc_utf8_valid(s, strlen(s));
}

static const struct {
	const char *charset, *in, *out, *what;
} conv[] = {
	{ "iso-2022-jp", "\x1b$B$3$s$K$A$O\x1b(B", "こんにちは", "ISO-2022-JP" },
	{ "us-ascii", "\x1b$B$3$s\x1b(B", "こん", "ISO-2022-JP labelled us-ascii" },
	{ "shift_jis", "\x82\xb1\x82\xf1", "こん", "Shift_JIS" },
	{ "SJIS", "\x87\x40", "①", "CP932 extension under SJIS" },
	{ "euc-jp", "\xa4\xb3\xa4\xf3", "こん", "EUC-JP" },
	{ "utf-8", "\xe3\x81\x93", "こ", "UTF-8" },
	{ "iso-8859-1", "caf\xe9", "café", "Latin-1" },
	{ "windows-1251", "\xcf\xf0\xe8", "При", "windows-1251" },
	{ "koi8-r", "\xf0\xd2\xc9", "При", "KOI8-R" },
	{ "gb2312", "\xc4\xe3\xba\xc3", "你好", "GB2312" },
	{ "big5", "\xa7\x41\xa6\x6e", "你好", "Big5" },
	{ "x-unknown-charset", "plain", "plain", "unknown charset, ASCII" },
	{ "x-unknown-charset", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", "こんにちは", "unknown charset, guessed Shift_JIS" },
	{ "utf-8", "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", "こんにちは", "Shift_JIS labelled UTF-8" },
	{ "iso-2022-jp", "メールボックスが一杯", "メールボックスが一杯", "UTF-8 labelled ISO-2022-JP" },
	{ "iso-2022-jp", "\x82\xb1\x82\xf1", "こん", "Shift_JIS labelled ISO-2022-JP" },
	{ NULL, "caf\xe9 ok", "café ok", "no label, Latin-1 guess" },
};

int
main(void)
{
	kcharset *c = kcs_new();
	size_t	  i;

	T_OK(c != NULL, "kcs_new");
	for (i = 0; i < sizeof(conv) / sizeof(conv[0]); i++) {
		kstr s = KSTR_INIT;
		kcs_to_utf8(c, conv[i].charset, conv[i].charset ? strlen(conv[i].charset) : 0,
		    conv[i].in, strlen(conv[i].in), &s);
		T_EQ_STR(ks_str(&s), conv[i].out, conv[i].what);
		ks_dispose(&s);
	}
	/*
	 * kcs_utf8_view gives the same bytes: the input itself when it needs
	 * no change (nothing appended), else what it appended after what
	 * the string held.
	 */
	for (i = 0; i < sizeof(conv) / sizeof(conv[0]); i++) {
		kstr	    s = KSTR_INIT;
		size_t	    n = strlen(conv[i].in), len;
		const char *v;
		int	    same = strcmp(conv[i].in, conv[i].out) == 0;

		ks_add(&s, "held:", 5);
		v = kcs_utf8_view(c, conv[i].charset, conv[i].charset ? strlen(conv[i].charset) : 0,
		    conv[i].in, n, &s, &len);
		T_OK(len == strlen(conv[i].out) && memcmp(v, conv[i].out, len) == 0, conv[i].what);
		if (same)
			T_OK(v == conv[i].in && s.len == 5, "text already UTF-8 is not copied");
		else
			T_OK(v == s.p + 5 && s.len == 5 + len && memcmp(s.p, "held:", 5) == 0,
			    "a conversion is appended after what the string held");
		ks_dispose(&s);
	}
	{
		/* A byte that no charset accepts never fails the conversion. */
		kstr s = KSTR_INIT;
		kcs_to_utf8(c, "iso-2022-jp", 11, "a\x1b$B\xff\xff\x1b(Bb", 10, &s);
		T_OK(s.len > 0 && kc_utf8_valid_check(ks_str(&s)), "broken ISO-2022-JP gives valid UTF-8");
		ks_dispose(&s);
	}
	T_EQ_STR(kcs_canonical("\"Shift_JIS\"", 11), "CP932", "quoted name");
	T_EQ_STR(kcs_canonical("ISO-8859-15", 11), "ISO-8859-15", "iso-8859-15 passes through");
	T_OK(kcs_canonical("x-nonsense", 10) == NULL, "unknown name");
	kcs_free(c);
	return t_done("charset");
}

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
	{ "shift_jis", "a \x1b$B$3$s\x1b(B b", "a こん b", "ISO-2022-JP labelled Shift_JIS" },
	{ "euc-jp", "\x1b$@$3$s\x1b(J", "こん", "ISO-2022-JP (ESC $ @) labelled EUC-JP" },
	{ "iso-8859-1", "\x1b$B$3$s\x1b(B", "こん", "ISO-2022-JP labelled Latin-1" },
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

/*
 * same_as_iconv - does kcs_to_utf8 read in[0..n), labelled so, as iconv
 *	alone reads it (kcs_iconv(): what kcs_to_utf8 gave before it had
 *	tables of its own, and must still give)
 */
static int
same_as_iconv(kcharset *c, const char *label, const char *in, size_t n)
{
	kstr got = KSTR_INIT, want = KSTR_INIT;
	int  same;

	kcs_to_utf8(c, label, strlen(label), in, n, &got);
	kcs_iconv(c, kcs_canonical(label, strlen(label)), in, n, &want);
	same = got.len == want.len && memcmp(ks_str(&got), ks_str(&want), got.len) == 0;
	ks_dispose(&got);
	ks_dispose(&want);
	return same;
}

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
	/*
	 * ISO-2022-JP is read by tables made from glibc's ISO-2022-JP-3, and
	 * by iconv itself where they have no entry: the result must be
	 * iconv's, for every JIS X 0208 pair after each escape, and for
	 * random texts of kana, kanji, ASCII, blanks and control bytes
	 * under the four escapes the tables know (read whole by them), one
	 * in four with unknown escapes and one flaw: the end inside a pair
	 * or an escape, a pair's first byte before a blank, an ESC or an
	 * 8-bit byte, or any byte anywhere (left to iconv).
	 */
	{
		kstr probe = KSTR_INIT;
		int  bad = 0, r, k, jp = kcs_iconv(c, kcs_canonical("iso-2022-jp", 11), "a", 1, &probe) == 0;
		ks_dispose(&probe);
		T_OK(jp, "iconv has ISO-2022-JP-3");
		for (r = 0x21; jp && r <= 0x7e; r++)
			for (k = 0x21; k <= 0x7e; k++) {
				char t[16];
				snprintf(t, sizeof(t), "\x1b$B%c%c\x1b(B", r, k);
				bad += !same_as_iconv(c, "iso-2022-jp", t, 8);
				t[2] = '@';
				bad += !same_as_iconv(c, "iso-2022-jp", t, 8);
			}
		T_EQ_INT(bad, 0, "every JIS X 0208 pair reads as iconv reads it");
		{
			static const char *const esc[] = { "\x1b(B", "\x1b(J", "\x1b$B", "\x1b$@", "\x1b$(Q", "\x1b(I", "\x1b" };
			unsigned		  seed = 5;
			int			  t;
#define RND() (seed = seed * 1103515245u + 12345u, seed >> 16)
			bad = 0;
			for (t = 0; jp && t < 20000; t++) {
				char   in[400];
				size_t n = 0;
				int    rare = t % 4 == 0;	/* a quarter have bytes left to iconv */
				int    mode = 2;
				memcpy(in, "\x1b$B", 3);
				n = 3;
				while (n < 300) {
					unsigned x = RND() % 100;
					if (x < 6) {
						int e = (int)(RND() % (rare ? 7 : 4));
						memcpy(in + n, esc[e], strlen(esc[e]));
						n += strlen(esc[e]);
						mode = e < 2 ? 0 : 2;
					} else if (x < 90 && mode == 2) {
						/* Kana, and the kanji of rows 0x30-0x4e, all in JIS X 0208. */
						unsigned row = RND() % 4 == 0 ? 0x24 : 0x30 + RND() % 0x1f;
						in[n++] = (char)row;
						in[n++] = (char)(0x21 + RND() % (row == 0x24 ? 0x53 : 94));
					} else if (x < 90) {
						in[n++] = (char)(0x20 + RND() % 95);
					} else
						in[n++] = "\n\r\t \x0e\x0f"[RND() % 6];
				}
				if (rare) {
					/* One flaw: the end inside a pair or escape, a half pair, any byte. */
					size_t at = RND() % n;
					switch (RND() % 3) {
					case 0:
						n -= 1 + RND() % 2;
						break;
					case 1:
						memcpy(in + n, "\x1b$B\x30", 4);
						in[n + 4] = "\n \x1b\x7f\x80"[RND() % 5];
						n += 5;
						break;
					default:
						in[at] = (char)(RND() % 256);
					}
				}
				bad += !same_as_iconv(c, "iso-2022-jp", in, n);
			}
#undef RND
			T_EQ_INT(bad, 0, "random ISO-2022-JP texts read as iconv reads them");
		}
	}
	/*
	 * The single-byte charsets too are read by tables taken from iconv:
	 * each byte alone, among letters and after each 8-bit byte (the
	 * tables leave the bytes iconv composes to iconv, and write U+FFFD
	 * for those it rejects, as convert() does), and random texts of ASCII and
	 * high bytes, must read as iconv reads them (Windows-1258's combining
	 * marks compose with the letter before them: such texts are left to
	 * iconv).
	 */
	{
		static const char *const sb[] = {
			"windows-1250", "windows-1251", "iso-8859-1", "windows-1253", "windows-1254",
			"windows-1255", "windows-1256", "windows-1257", "windows-1258", "iso-8859-2",
			"iso-8859-5", "iso-8859-7", "iso-8859-9", "iso-8859-15", "koi8-r", "koi8-u", "windows-874",
		};
		unsigned seed = 9;
		size_t	 k;
		int	 bad = 0, tried = 0;
#define RND() (seed = seed * 1103515245u + 12345u, seed >> 16)
		for (k = 0; k < sizeof(sb) / sizeof(sb[0]); k++) {
			kstr probe = KSTR_INIT;
			int  b, t, has = kcs_iconv(c, kcs_canonical(sb[k], strlen(sb[k])), "a", 1, &probe) == 0;
			ks_dispose(&probe);
			if (!has) {
				bad++;
				continue;
			}
			for (b = 0; b < 256; b++) {
				char t1[4] = { 'a', (char)b, 'e', 0 };
				int  a;
				bad += !same_as_iconv(c, sb[k], t1 + 1, 1);
				bad += !same_as_iconv(c, sb[k], t1, 3);
				tried++;
				/* After each 8-bit byte: iconv composes some pairs (Windows-1255's points). */
				for (a = 0x80; b >= 0x80 && a < 256; a++) {
					char t2[2] = { (char)a, (char)b };
					bad += !same_as_iconv(c, sb[k], t2, 2);
				}
			}
			for (t = 0; t < 300; t++) {
				char   in[200];
				size_t n = 1 + RND() % sizeof(in), i;
				for (i = 0; i < n; i++)
					in[i] = (char)(RND() % 4 == 0 ? 0x80 + RND() % 128 : 0x20 + RND() % 95);
				bad += !same_as_iconv(c, sb[k], in, n);
			}
		}
#undef RND
		T_OK(tried > 4000, "single-byte charsets tried");
		T_EQ_INT(bad, 0, "single-byte charsets read as iconv reads them");
	}
	T_EQ_STR(kcs_canonical("\"Shift_JIS\"", 11), "CP932", "quoted name");
	T_EQ_STR(kcs_canonical("ISO-8859-15", 11), "ISO-8859-15", "iso-8859-15 passes through");
	T_OK(kcs_canonical("x-nonsense", 10) == NULL, "unknown name");
	kcs_free(c);
	return t_done("charset");
}

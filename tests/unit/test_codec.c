/* test_codec - base64, quoted-printable, UTF-8 helpers (util/codec.c) */
#include "t.h"
#include "util/codec.h"
#include "util/sha1.h"
#include "util/str.h"

#include <stdlib.h>

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

/* lcg - the next state of the tests' random numbers (a linear congruence) */
static void
lcg(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
}

/*
 * check_memmem - k_memmem and k_memmem_ci on h[0..hn) against the plain
 *	definition, counting wrong answers in *bad and *bad_ci. The search
 *	runs on an exact copy on the heap: a read past it trips ASan.
 */
static void
check_memmem(const char *h, size_t hn, const char *nd, size_t nn, unsigned *bad, unsigned *bad_ci)
{
	const char *want = NULL, *want_ci = NULL;
	size_t	    i, j;
	char	   *x;

	for (i = 0; i + nn <= hn && (want == NULL || want_ci == NULL); i++) {
		int eq = 1, eq_ci = 1;
		for (j = 0; j < nn; j++) {
			eq &= h[i + j] == nd[j];
			eq_ci &= k_lower((unsigned char)h[i + j]) == k_lower((unsigned char)nd[j]);
		}
		if (eq && want == NULL)
			want = h + i;
		if (eq_ci && want_ci == NULL)
			want_ci = h + i;
	}
	x = malloc(hn + (hn == 0));
	memcpy(x, h, hn);
	*bad += k_memmem(x, hn, nd, nn) != (want ? x + (want - h) : NULL);
	*bad_ci += k_memmem_ci(x, hn, nd, nn) != (want_ci ? x + (want_ci - h) : NULL);
	free(x);
}

/* ref_b64val - a base64 byte's value (either alphabet), 64 for '=', 255 for any other */
static unsigned
ref_b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : c == '=' ? 64 : 255;
}

/* ref_base64_decode - kc_base64_decode() as it was: one byte a step */
static void
ref_base64_decode(kstr *out, const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + n;
	unsigned	acc = 0;
	int		bits = 0;

	if (ks_reserve(out, n / 4 * 3 + 3) != 0)
		return;
	for (; p < end; p++) {
		unsigned v = ref_b64val(*p);

		if (v == 64) {
			/* Padding ends a quantum; another may follow. */
			bits = 0;
			acc = 0;
			continue;
		}
		if (v > 63)
			continue;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->p[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->p[out->len] = '\0';
}

/* ref_hexval - a hex digit's value, -1 for any other byte */
static int
ref_hexval(int c)
{
	return k_isdigit(c) ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
}

/* ref_qp_decode - kc_qp_decode() as it was: runs found with memchr */
static void
ref_qp_decode(kstr *out, const char *in, size_t n, int header)
{
	size_t i;

	if (ks_reserve(out, n) != 0)
		return;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (!header) {
			/* Copy the run up to the next escape in one go. */
			const char *eq = memchr(in + i, '=', n - i);
			size_t	    run = eq ? (size_t)(eq - in) - i : n - i;
			if (run > 0) {
				memcpy(out->p + out->len, in + i, run);
				out->len += run;
				i += run;
				if (i >= n)
					break;
				c = in[i];
			}
		}
		if (c == '=' && i + 1 < n) {
			int h, l;

			/* Soft line break: "=" then optional blanks then LF. */
			size_t j = i + 1;
			while (j < n && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j < n && (in[j] == '\n' || in[j] == '\r')) {
				if (in[j] == '\r' && j + 1 < n && in[j + 1] == '\n')
					j++;
				i = j;
				continue;
			}
			if (i + 2 < n && (h = ref_hexval((unsigned char)in[i + 1])) >= 0 &&
			    (l = ref_hexval((unsigned char)in[i + 2])) >= 0) {
				out->p[out->len++] = (char)(h * 16 + l);
				i += 2;
				continue;
			}
		} else if (c == '=' && i + 1 == n)
			continue;	/* soft break at the very end */
		if (header && c == '_')
			c = ' ';
		out->p[out->len++] = c;
	}
	out->p[out->len] = '\0';
}

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
	/* k_memmem_ci: either case of the first letter, every later letter. */
	{
		static const struct {
			const char *h, *n;
			long	    at;	/* -1: not found */
		} ci[] = {
			{ "Mailer-Daemon", "mailer-daemon", 0 },
			{ "xx MAILER-daemon", "Mailer-Daemon", 3 },
			{ "mmmM mailer", "mailer", 5 },
			{ "MMMm Mailer", "mailer", 5 },
			{ "maile", "mailer", -1 },
			{ "1234", "23", 1 },
			{ "abc", "", 0 },
		};
		size_t i, big = (size_t)4 << 20;
		char  *h;
		for (i = 0; i < sizeof(ci) / sizeof(ci[0]); i++) {
			const char *r = k_strstr_ci(ci[i].h, strlen(ci[i].h), ci[i].n);
			T_EQ_INT(r ? r - ci[i].h : -1, ci[i].at, ci[i].h);
		}
		/*
		 * 4 MB of "M" and no "m": searching from each "M" again for an
		 * "m" made this quadratic (minutes); it is one pass now.
		 */
		h = malloc(big);
		memset(h, 'M', big);
		T_OK(k_strstr_ci(h, big, "mailer-daemon") == NULL, "4 MB of M: no match");
		memcpy(h + big - 6, "mAILER", 6);
		T_OK(k_strstr_ci(h, big, "mailer") == h + big - 6, "4 MB of M: match at the end");
		free(h);
	}
	/*
	 * k_memmem and k_memmem_ci against the plain definition: random
	 * haystacks and needles over a small alphabet (cases, NUL, a byte
	 * >= 0x80, '-' and '@' whose 0x20 bit differs from a letter's), at
	 * every length around the sixteen-byte blocks.
	 */
	{
		static const char abc[] = "aAbB-\n@`\0\xc3\xe3 ";
		unsigned	  seed = 12345, bad = 0, bad_ci = 0, t;
		char		  h[80], nd[24];

		for (t = 0; t < 200000; t++) {
			size_t hn, nn, i;

			/* Needles to 24 bytes every fourth time: places that end in one step. */
			lcg(&seed);
			hn = (seed >> 8) % 70;
			nn = 1 + (seed >> 20) % (t % 4 == 0 ? 24 : 6);
			for (i = 0; i < hn; i++) {
				lcg(&seed);
				h[i] = abc[(seed >> 16) % (sizeof(abc) - 1)];
			}
			for (i = 0; i < nn; i++) {
				lcg(&seed);
				nd[i] = abc[(seed >> 16) % (sizeof(abc) - 1)];
			}
			check_memmem(h, hn, nd, nn, &bad, &bad_ci);
		}
		T_EQ_INT(bad, 0, "k_memmem as the definition, 200,000 random searches");
		T_EQ_INT(bad_ci, 0, "k_memmem_ci as the definition, 200,000 random searches");
	}
	/*
	 * The same over long haystacks (256-600 bytes, the AVX2 path where the
	 * CPU has it): mostly one byte, the small alphabet sprinkled in, so
	 * that matches fall anywhere, late ones included.
	 */
	{
		static const char abc[] = "aAbB-\n@`\0\xc3\xe3 ";
		unsigned	  seed = 777, bad = 0, bad_ci = 0, t;
		char		  h[600], nd[7];

		for (t = 0; t < 20000; t++) {
			size_t hn, nn, i;

			lcg(&seed);
			hn = 256 + (seed >> 8) % 344;
			nn = 2 + (seed >> 20) % 5;
			for (i = 0; i < hn; i++) {
				lcg(&seed);
				h[i] = (seed >> 16) % 60 == 0 ? abc[(seed >> 24) % (sizeof(abc) - 1)] : 'z';
			}
			for (i = 0; i < nn; i++) {
				lcg(&seed);
				nd[i] = (seed >> 16) % 3 == 0 ? 'z' : abc[(seed >> 20) % (sizeof(abc) - 1)];
			}
			check_memmem(h, hn, nd, nn, &bad, &bad_ci);
		}
		T_EQ_INT(bad, 0, "k_memmem as the definition, 20,000 long haystacks");
		T_EQ_INT(bad_ci, 0, "k_memmem_ci as the definition, 20,000 long haystacks");
	}

	/*
	 * The ASCII fast paths of kc_utf8_valid_prefix and kc_is_ascii: a
	 * valid "é" at k and a stray 0xff at j (k + 2 <= j), in ASCII text
	 * of every length to 100.
	 */
	{
		char   t[104];
		size_t bad = 0, n, k, j;
		for (n = 0; n <= 100; n++)
			for (k = 0; k + 2 <= n; k += 3)
				for (j = k + 2; j <= n; j += 5) {
					memset(t, 'a', n);
					t[k] = (char)0xc3;
					t[k + 1] = (char)0xa9;
					if (j < n)
						t[j] = (char)0xff;
					bad += kc_utf8_valid_prefix(t, n) != (j < n ? j : n);
					bad += kc_is_ascii(t, n) != 0;
					bad += kc_is_ascii(t + k + 2, j > k + 2 ? j - k - 2 : 0) != 1;
				}
		T_EQ_INT(bad, 0, "UTF-8 prefix and ASCII test at every place");
	}
	/*
	 * kc_is_plain as its definition (no byte >= 0x80, no ESC, no stop):
	 * random texts of every length to 200, mostly plain, on an exact heap
	 * copy so that a read past the end trips ASan.
	 */
	{
		static const char odd[] = "\x1b=\x80\xff\x7f";
		unsigned	  seed = 99;
		size_t		  bad = 0, k, i, n;
		for (k = 0; k < 20000; k++) {
			char *x;
			int   want = 1;
			n = k % 201;
			x = malloc(n + 1);
			for (i = 0; i < n; i++) {
				lcg(&seed);
				x[i] = (seed >> 16) % 400 == 0 ? odd[(seed >> 24) % 5] : (char)(' ' + (seed >> 20) % 95);
				if ((unsigned char)x[i] >= 0x80 || x[i] == 0x1b || x[i] == '=')
					want = 0;
			}
			bad += kc_is_plain(x, n, '=') != want;
			free(x);
		}
		T_EQ_INT(bad, 0, "kc_is_plain as its definition, 20,000 random texts");
	}
	/*
	 * kc_qp_decode as it was (runs found with memchr, before the
	 * sixteen-byte steps): random texts of escapes, soft breaks, broken
	 * escapes and runs of every length to 120, in both modes.
	 */
	{
		static const char *const bits[] = {
			"=3D", "=3d", "=\n", "= \n", "=\t\r\n", "=\r", "=ZZ", "=4", "=", "_", "a", "abcdefghijklmnop",
			"0123456789", " ", "\n", "\r\n", "\xe3\x81\x82", "=E3=81=82", "==",
		};
		unsigned seed = 31337;
		size_t	 bad = 0, k;
		for (k = 0; k < 20000; k++) {
			size_t n = k % 121;
			char  *x = t_pieces(n, bits, sizeof(bits) / sizeof(bits[0]), &seed);
			kstr   got = KSTR_INIT, ref = KSTR_INIT;
			ks_add(&got, "pre", 3);	/* output appended after what the string held */
			ks_add(&ref, "pre", 3);
			kc_qp_decode(&got, x, n, (int)(k & 1));
			ref_qp_decode(&ref, x, n, (int)(k & 1));
			bad += got.len != ref.len || memcmp(ks_str(&got), ks_str(&ref), got.len) != 0;
			free(x);
			ks_dispose(&got);
			ks_dispose(&ref);
		}
		T_EQ_INT(bad, 0, "kc_qp_decode as the reference, 20,000 random texts");
	}
	/*
	 * kc_base64_decode as it was (one byte a step, before whole quanta
	 * went four at a time): random texts of quanta, line ends, padding
	 * and junk anywhere, at every length to 120.
	 */
	{
		static const char *const bits[] = {
			"QUJD", "aGVs", "bG8=", "YQ==", "\n", "\r\n", "=", " ", "*", "-_+/", "09az", "AZ", "\xff", "Q", "QU",
		};
		unsigned seed = 2718;
		size_t	 bad = 0, k;
		for (k = 0; k < 20000; k++) {
			/* Every third text from all pieces, the others from whole quanta only. */
			size_t n = k % 121;
			char  *x = t_pieces(n, bits, k % 3 == 0 ? sizeof(bits) / sizeof(bits[0]) : 3, &seed);
			kstr   got = KSTR_INIT, ref = KSTR_INIT;
			ks_add(&got, "pre", 3);
			ks_add(&ref, "pre", 3);
			kc_base64_decode(&got, x, n);
			ref_base64_decode(&ref, x, n);
			bad += got.len != ref.len || memcmp(ks_str(&got), ks_str(&ref), got.len) != 0;
			free(x);
			ks_dispose(&got);
			ks_dispose(&ref);
		}
		T_EQ_INT(bad, 0, "kc_base64_decode as the reference, 20,000 random texts");
	}
	/* k_trim: white space (space, tab, CR, LF, FF, VT) off both ends, nothing else. */
	{
		static const struct {
			const char *in, *out;
		} trims[] = {
			{ "", "" }, { " ", "" }, { " \t\r\n\f\v", "" }, { "a", "a" }, { "  a b  ", "a b" },
			{ "\tab\r\n", "ab" }, { "\x01" "a\x01", "\x01" "a\x01" }, { "\xa0" "a\xa0", "\xa0" "a\xa0" },
		};
		size_t k;
		for (k = 0; k < sizeof(trims) / sizeof(trims[0]); k++) {
			const char *p = trims[k].in;
			size_t	    n = strlen(p);
			char	    got[16];
			k_trim(&p, &n);
			memcpy(got, p, n);
			got[n] = '\0';
			T_EQ_STR(got, trims[k].out, "k_trim");
		}
	}
	/* k_memeq_ci as byte-wise folding, over every byte value and lengths 0-40. */
	{
		char	 x[48], y[48];
		unsigned seed = 11;
		size_t	 bad = 0, k, i, n;
		for (k = 0; k < 20000; k++) {
			int want = 1;
			n = k % 41;
			for (i = 0; i < n; i++) {
				lcg(&seed);
				x[i] = (char)(seed >> 16);
				/* y: x, its other case, or (rarely) another byte */
				y[i] = (seed >> 26) % 3 == 0 ? (char)k_upper((unsigned char)x[i]) :
				    (seed >> 26) % 3 == 1 ? (char)k_lower((unsigned char)x[i]) : x[i];
				if ((seed >> 8) % 97 == 0)
					y[i] = (char)(seed >> 9);
			}
			for (i = 0; i < n; i++)
				if (k_lower((unsigned char)x[i]) != k_lower((unsigned char)y[i]))
					want = 0;
			bad += k_memeq_ci(x, y, n) != want;
		}
		T_EQ_INT(bad, 0, "k_memeq_ci as byte-wise folding, 20,000 random pairs");
	}
	/* k_find_range as its definition: random texts and ranges, every length to 80. */
	{
		char	 h[96];
		unsigned seed = 7;
		size_t	 bad = 0, k, i, n;
		for (k = 0; k < 20000; k++) {
			unsigned char lo, hi;
			const char   *want = NULL, *got;
			n = k % 81;
			for (i = 0; i < n; i++) {
				lcg(&seed);
				h[i] = (char)(seed >> 16);
			}
			lcg(&seed);
			lo = (unsigned char)(seed >> 16);
			hi = (unsigned char)(lo + ((seed >> 24) % (k % 3 == 0 ? 4 : 40)));
			if (hi < lo)
				hi = 255;
			for (i = 0; i < n && want == NULL; i++)
				if ((unsigned char)h[i] >= lo && (unsigned char)h[i] <= hi)
					want = h + i;
			got = k_find_range(h, n, lo, hi);
			bad += got != want;
		}
		T_EQ_INT(bad, 0, "k_find_range as the definition, 20,000 random texts");
	}
	/* k_cat and k_i64 write what snprintf() writes, truncation included. */
	{
		static const int64_t nums[] = { 0, 7, -7, 1700000000, -1700000000, INT64_MAX, INT64_MIN, 1000000000000LL };
		char   got[21], want[32], small[8], ref[8];
		size_t k, cap;
		int    bad = 0;
		for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
			size_t n = k_i64(got, nums[k]);
			snprintf(want, sizeof(want), "%lld", (long long)nums[k]);
			T_EQ_STR(got, want, "k_i64");
			T_EQ_INT(n, strlen(want), "k_i64 length");
		}
		for (cap = 1; cap <= sizeof(small); cap++) {
			size_t n = k_cat(small, cap, "status:", "5.1.1", (char *)NULL);
			/* snprintf(ref, cap, ...): at most cap - 1 bytes, then NUL. */
			memcpy(ref, "status:5.1.1", cap - 1);
			ref[cap - 1] = '\0';
			bad += strcmp(small, ref) != 0 || n != strlen(ref);
		}
		T_EQ_INT(bad, 0, "k_cat cut at every size as snprintf");
		k_cat(want, sizeof(want), "phrase:", "a.txt:1", " \"", "x y", "\"", (char *)NULL);
		T_EQ_STR(want, "phrase:a.txt:1 \"x y\"", "k_cat joins every string");
		T_EQ_INT(k_cat(want, sizeof(want), (char *)NULL), 0, "k_cat of nothing");
		T_EQ_STR(want, "", "k_cat of nothing is empty");
	}
	/* SHA-1 (record tokens): the FIPS 180 examples, one and two blocks, and a million "a". */
	{
		static const struct { const char *in, *hex; } kat[] = {
			{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
			{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
			{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		};
		char   hex[41], a1000[1000];
		ksha1  h;
		size_t k;
		for (k = 0; k < sizeof(kat) / sizeof(kat[0]); k++) {
			ksha1_init(&h);
			ksha1_update(&h, kat[k].in, strlen(kat[k].in));
			ksha1_hex(&h, hex);
			T_EQ_STR(hex, kat[k].hex, kat[k].in);
		}
		memset(a1000, 'a', sizeof(a1000));
		ksha1_init(&h);
		for (k = 0; k < 1000; k++)
			ksha1_update(&h, a1000, sizeof(a1000));
		ksha1_hex(&h, hex);
		T_EQ_STR(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "a million a");
	}
	/*
	 * The two block functions agree, chained over 2,000 pseudo-random
	 * blocks (the digests above took the CPU's way; this also checks
	 * the portable one, and the SHA instructions where the CPU has them).
	 */
	{
		uint32_t hc[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 }, hn[5];
		uint8_t	 blk[64];
		uint32_t x = 2463534242u;
		int	 i, j, ni = 1, same = 1;
		memcpy(hn, hc, sizeof(hc));
		for (i = 0; i < 2000; i++) {
			for (j = 0; j < 64; j++) {
				x ^= x << 13; x ^= x >> 17; x ^= x << 5;
				blk[j] = (uint8_t)x;
			}
			ksha1_block_c(hc, blk);
			if (!ksha1_block_ni(hn, blk)) {
				ni = 0;
				break;
			}
			same &= memcmp(hc, hn, sizeof(hc)) == 0;
		}
		if (ni)
			T_OK(same, "SHA-1: the SHA instructions and the portable rounds agree");
		else
			printf("# SHA-1: this CPU has no SHA instructions; the portable rounds were checked above\n");
	}
	/*
	 * ASCII case folding: every pair of byte values against the
	 * one-byte rule; k_lowercase works eight bytes at a time, so also
	 * inside a word and in the tail.
	 */
	{
		unsigned char a[16], b[16];
		int	      c, d, bad = 0;
		for (c = 0; c < 256; c++)
			for (d = 0; d < 256; d++) {
				int want = k_lower(c) == k_lower(d);
				memset(a, 'x', sizeof(a));
				memset(b, 'x', sizeof(b));
				a[5] = a[13] = (unsigned char)c;
				b[5] = b[13] = (unsigned char)d;
				bad += k_strncaseeq((char *)a, (char *)b, 16) != want;
				bad += k_strncaseeq((char *)a, (char *)b, 6) != want;
			}
		for (c = 0; c < 256; c++) {
			char s[11];
			int  i;
			for (i = 0; i < 11; i++)
				s[i] = (char)(c + i);
			k_lowercase(s, 11);
			for (i = 0; i < 11; i++)
				bad += (unsigned char)s[i] != k_lower((c + i) & 255);
		}
		T_OK(bad == 0, "k_strncaseeq and k_lowercase fold exactly A-Z, for every byte");
	}
	/* k_starts_any: the first prefix of a table that starts the text, exactly or in any case. */
	{
		static const struct k_lit l[] = { K_LIT("Original message"), K_LIT("Orig"), K_LIT("") };
		T_OK(k_starts_any("Original message headers:", 25, l, 2, 0) == &l[0], "k_starts_any: the first that matches");
		T_OK(k_starts_any("ORIGINAL MESSAGE", 16, l, 2, 0) == NULL, "k_starts_any: exact case");
		T_OK(k_starts_any("ORIGINAL MESSAGE", 16, l, 2, 1) == &l[0], "k_starts_any: any case");
		T_OK(k_starts_any("Original", 8, l, 2, 0) == &l[1], "k_starts_any: a prefix longer than the text is passed");
		T_OK(k_starts_any("Ori", 3, l, 2, 1) == NULL, "k_starts_any: none");
		T_OK(k_starts_any("x", 1, l, 3, 0) == &l[2], "k_starts_any: the empty prefix starts anything");
	}
	/*
	 * White space squeezed: k_squeeze_ws and k_needs_squeeze against the
	 * byte-at-a-time definition, on random texts of spaces, the other
	 * white space and letters, across the sixteen-byte steps, into a
	 * fresh buffer and in place.
	 */
	{
		static const char alpha[] = "  \t\n\v\f\rab";
		unsigned	  seed = 7;
		int		  k, bad = 0, clean = 0;
#define RND() (lcg(&seed), (seed >> 16))
		for (k = 0; k < 20000; k++) {
			char   s[80], want[80], got[80];
			size_t n, i, wn = 0;
			int    sp = 0, need = 0;
			n = RND() % sizeof(s);
			for (i = 0; i < n; i++) {
				/* A third are words and single spaces, so that whole blocks are copied. */
				if (k % 3 == 0)
					s[i] = RND() % 6 != 0 ? 'x' : RND() % 8 != 0 ? ' ' : alpha[RND() % (sizeof(alpha) - 1)];
				else
					s[i] = alpha[RND() % (sizeof(alpha) - 1)];
				if (k_isspace((unsigned char)s[i])) {
					need |= s[i] != ' ' || sp;
					if (!sp)
						want[wn++] = ' ';
					sp = 1;
				} else {
					want[wn++] = s[i];
					sp = 0;
				}
			}
			clean += n >= 32 && !need;
			bad += k_needs_squeeze(s, n) != need;
			bad += k_squeeze_ws(got, s, n) != wn || memcmp(got, want, wn) != 0;
			bad += k_squeeze_ws(s, s, n) != wn || memcmp(s, want, wn) != 0;
		}
#undef RND
		T_OK(bad == 0 && clean > 100, "k_squeeze_ws and k_needs_squeeze agree with their definition");
	}

	/* kc_unflow: format=flowed (RFC 3676) as its logical lines. */
	{
		static const struct {
			const char *in, *out, *what;
			int	    delsp;
		} fl[] = {
			{ "a b \nc\nd\n", "a b c\nd\n", "a soft break joins the next line", 0 },
			{ "a b \nc\n", "a bc\n", "delsp=yes drops the soft break's space", 1 },
			{ "  host mx said: \n550 5.1.1 unknown\n", " host mx said: 550 5.1.1 unknown\n",
			    "the stuffing space of a line that starts with a space goes, its indent stays", 0 },
			{ " From here\n >x\n", "From here\n>x\n", "stuffed 'From ' and '>' lines", 0 },
			{ "> quoted \n> more\n>> deeper\n", "> quoted more\n>> deeper\n", "quote depth kept, joined within it", 0 },
			{ "> open \nplain\n", "> open \nplain\n", "a soft line ends where the quote depth changes", 0 },
			{ "-- \nsig\n", "-- \nsig\n", "the signature separator is not a soft break", 0 },
			{ "a \n", "a \n", "a soft break at the very end", 0 },
			{ "no newline", "no newline", "a last line without its newline", 0 },
			{ "", "", "empty", 0 },
		};
		size_t i;
		for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			kstr out = KSTR_INIT;
			kc_unflow(&out, fl[i].in, strlen(fl[i].in), fl[i].delsp);
			T_EQ_STR(ks_str(&out), fl[i].out, fl[i].what);
			ks_dispose(&out);
		}
	}
	return t_done("codec");
}

/*
 * NAME
 *	gen_charset_tables - the conversion tables of src/util/charset.c
 * SYNOPSIS
 *	gen_charset_tables OUTPUT.inc
 * DESCRIPTION
 *	kaeru reads ISO-2022-JP and the single-byte charsets as glibc's iconv
 *	does, with tables taken from that very iconv:
 *	- ISO-2022-JP as glibc's ISO-2022-JP-3 reads it: each JIS X 0208
 *	  pair after ESC $ B (and ESC $ @, checked to read the same), and
 *	  each single byte in the ASCII, JIS-Roman (ESC ( J) and JIS X 0208
 *	  modes;
 *	- each byte from 0x80 of the single-byte charsets of sb_names[] (a
 *	  charset whose bytes under 0x80 are not ASCII is left out); a byte
 *	  iconv rejects is U+FFFD, as charset.c's convert() writes it, where
 *	  each other byte reads as one code point on its own.
 *	An entry is the one code point iconv gives for it (in context, and
 *	staying in the mode); 0 where iconv gives anything else (an error,
 *	another mode, two code points), and the decoder then leaves the
 *	whole text to iconv. So the two can only agree: test_charset checks
 *	it.
 *	Run at build time (native), so the tables are those of the glibc the
 *	library runs with.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one_cp - the single code point UTF-8 bytes u[0..n) spell, or 0 */
static unsigned
one_cp(const unsigned char *u, size_t n)
{
	if (n == 1 && u[0] < 0x80)
		return u[0];
	if (n == 2 && (u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80)
		return (unsigned)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	if (n == 3 && (u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80)
		return (unsigned)(u[0] & 0x0f) << 12 | (unsigned)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
	return 0;	/* beyond the BMP, or not one code point: left to iconv */
}

/* put_utf8 - code point u (under 0x10000) as UTF-8 at o; its length */
static size_t
put_utf8(unsigned char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (unsigned char)(0xc0 | u >> 6);
		o[1] = (unsigned char)(0x80 | (u & 0x3f));
		return 2;
	}
	o[0] = (unsigned char)(0xe0 | u >> 12);
	o[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
	o[2] = (unsigned char)(0x80 | (u & 0x3f));
	return 3;
}

/* conv - iconv's UTF-8 for in[0..n) as a whole; its length, or -1 on any error */
static long
conv(iconv_t cd, const char *in, size_t n, unsigned char *out, size_t cap)
{
	char  *ip = (char *)(size_t)in, *op = (char *)out;
	size_t il = n, ol = cap;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
		return -1;
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		return -1;
	return (long)(cap - ol);
}

/*
 * between - the code point iconv reads for mid[0..k) between two marks
 *	of the mode (pre, then a known character twice), or 0: the marks
 *	must come out whole around it, so the byte left the mode as it was.
 */
static unsigned
between(iconv_t cd, const char *pre, const char *mark, const char *mid, size_t k)
{
	char	      in[32];
	unsigned char out[64], m[16];
	size_t	      pn = strlen(pre), mn = strlen(mark), n = 0;
	long	      r, ml;

	memcpy(in, pre, pn);
	memcpy(in + pn, mark, mn);
	if ((ml = conv(cd, in, pn + mn, m, sizeof(m))) <= 0)
		return 0;
	memcpy(in + pn + mn, mid, k);
	memcpy(in + pn + mn + k, mark, mn);
	n = pn + 2 * mn + k;
	if ((r = conv(cd, in, n, out, sizeof(out))) < 2 * ml ||
	    memcmp(out, m, (size_t)ml) != 0 || memcmp(out + r - ml, m, (size_t)ml) != 0)
		return 0;
	return one_cp(out + ml, (size_t)(r - 2 * ml));
}

/* The single-byte charsets kcs_canonical() can name. */
static const char *const sb_names[] = {
	"WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254",
	"WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257", "WINDOWS-1258",
	"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7",
	"ISO-8859-8", "ISO-8859-9", "ISO-8859-10", "ISO-8859-11", "ISO-8859-13",
	"ISO-8859-14", "ISO-8859-15", "ISO-8859-16", "KOI8-R", "KOI8-U", "CP874",
};

/* rejected - does iconv refuse the byte b on its own (EILSEQ, nothing read) */
static int
rejected(iconv_t cd, unsigned char b)
{
	char   ch = (char)b, *ip = &ch, out[16], *op = out;
	size_t il = 1, ol = sizeof(out);

	iconv(cd, NULL, NULL, NULL, NULL);
	return iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno == EILSEQ && il == 1 && ol == sizeof(out);
}

/*
 * single_byte - the table of charset name into hi (bytes 0x80..0xff);
 *	0 when iconv lacks it or its bytes under 0x80 are not ASCII. A byte
 *	iconv composes with the byte before it is 0. A byte the charset
 *	does not define is U+FFFD, as charset.c's convert() writes for each
 *	byte iconv rejects, when every other byte is one code point of its
 *	own (a stateless charset, nothing composed); else 0 like any byte
 *	iconv reads otherwise.
 */
static int
single_byte(const char *name, unsigned hi[128])
{
	iconv_t cd = iconv_open("UTF-8", name);
	int	b, mapped = 0, odd = 0;
	char	undefined[128];

	if (cd == (iconv_t)-1)
		return 0;
	for (b = 0; b < 256; b++) {
		char	 ch = (char)b;
		unsigned u = between(cd, "", "a", &ch, 1);
		if (b < 0x80 && b != 0 && u != (unsigned)b) {
			iconv_close(cd);
			return 0;
		}
		if (b < 0x80)
			continue;
		mapped += (hi[b - 0x80] = u) != 0;
		undefined[b - 0x80] = u == 0 && rejected(cd, (unsigned char)b);
		odd += u == 0 && !undefined[b - 0x80];
	}
	/*
	 * Each byte from 0x80 after each printable byte must read as the
	 * two code points of the table: where iconv composes the pair
	 * (Windows-1255's points after a letter: U+05E9 U+05C1 -> U+FB2A),
	 * the second byte is left to iconv.
	 */
	for (b = 0x80; b < 256; b++) {
		int a;
		if (hi[b - 0x80] == 0)
			continue;
		for (a = 0x20; a < 256; a++) {
			char	      in[2] = { (char)a, (char)b };
			unsigned char out[16], want[16];
			unsigned      ua = a < 0x80 ? (unsigned)a : hi[a - 0x80];
			long	      r;
			size_t	      k;
			if (a == 0x7f || ua == 0)
				continue;
			r = conv(cd, in, 2, out, sizeof(out));
			k = put_utf8(want, ua);
			k += put_utf8(want + k, hi[b - 0x80]);
			if (r != (long)k || memcmp(out, want, k) != 0) {
				hi[b - 0x80] = 0;
				mapped--;
				odd++;
				break;
			}
		}
	}
	for (b = 0; b < 128 && odd == 0; b++)
		if (undefined[b])
			hi[b] = 0xfffd;
	iconv_close(cd);
	return mapped > 0;
}

int
main(int argc, char **argv)
{
	static const char *const pre[3] = { "", "\x1b(J", "\x1b$B" };
	static const char *const mark[3] = { "a", "a", "\x30\x21" };	/* 'a', 'a', U+4E9C */
	static unsigned	 jis[94 * 94], single[3][128];
	iconv_t		 cd;
	FILE		*f;
	int		 r, c, md, b, mapped = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_charset_tables OUTPUT\n");
		return 2;
	}
	if ((cd = iconv_open("UTF-8", "ISO-2022-JP-3")) == (iconv_t)-1) {
		perror("gen_charset_tables: iconv_open ISO-2022-JP-3");
		return 1;
	}
	for (r = 0; r < 94; r++)
		for (c = 0; c < 94; c++) {
			char	      p[2] = { (char)(0x21 + r), (char)(0x21 + c) };
			unsigned      u = between(cd, "\x1b$B", "\x30\x21", p, 2);
			unsigned char ob[16], o2[16];
			char	      in[8];
			long	      n1, n2;

			/* ESC $ @ (JIS C 6226) must read each pair the same. */
			memcpy(in, "\x1b$@", 3);
			memcpy(in + 3, p, 2);
			n1 = conv(cd, in, 5, ob, sizeof(ob));
			memcpy(in + 1, "$B", 2);
			n2 = conv(cd, in, 5, o2, sizeof(o2));
			if (n1 != n2 || (n1 > 0 && memcmp(ob, o2, (size_t)n1) != 0)) {
				fprintf(stderr, "gen_charset_tables: ESC $ @ and ESC $ B differ at %02x%02x\n",
				    0x21 + r, 0x21 + c);
				return 1;
			}
			jis[r * 94 + c] = u;
			mapped += u != 0;
		}
	for (md = 0; md < 3; md++)
		for (b = 0; b < 128; b++) {
			char ch = (char)b;
			/* ESC starts a mode change; in JIS X 0208 a printable byte is half a pair. */
			if (b == 0x1b || (md == 2 && b >= 0x21 && b <= 0x7e))
				continue;
			single[md][b] = between(cd, pre[md], mark[md], &ch, 1);
		}
	iconv_close(cd);
	if (mapped < 6000) {
		fprintf(stderr, "gen_charset_tables: only %d JIS X 0208 pairs read: not glibc's ISO-2022-JP-3?\n", mapped);
		return 1;
	}
	if ((f = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	fprintf(f, "/* Generated by tools/gen_charset_tables.c from this system's iconv: do not edit. */\n");
	fprintf(f, "/* JIS X 0208 pair (row - 0x21) * 94 + (cell - 0x21) -> code point, 0: left to iconv (%d mapped). */\n",
	    mapped);
	fprintf(f, "static const uint16_t iso2022jp_jis[94 * 94] = {");
	for (r = 0; r < 94 * 94; r++)
		fprintf(f, "%s%u,", r % 16 == 0 ? "\n\t" : "", jis[r]);
	fprintf(f, "\n};\n/* A byte in the ASCII, JIS-Roman and JIS X 0208 modes -> code point, 0: left to iconv. */\n");
	fprintf(f, "static const uint16_t iso2022jp_single[3][128] = {\n");
	for (md = 0; md < 3; md++) {
		fprintf(f, "\t{");
		for (b = 0; b < 128; b++)
			fprintf(f, "%s%u,", b % 16 == 0 ? "\n\t\t" : "", single[md][b]);
		fprintf(f, "\n\t},\n");
	}
	fprintf(f, "};\n");
	{
		static unsigned hi[128];
		size_t		i, k, nsb = 0;
		const char     *have[sizeof(sb_names) / sizeof(sb_names[0])];

		for (i = 0; i < sizeof(sb_names) / sizeof(sb_names[0]); i++) {
			if (!single_byte(sb_names[i], hi))
				continue;
			fprintf(f, "static const uint16_t sb_%zu[128] = {", nsb);
			for (k = 0; k < 128; k++)
				fprintf(f, "%s%u,", k % 16 == 0 ? "\n\t" : "", hi[k]);
			fprintf(f, "\n};\n");
			have[nsb++] = sb_names[i];
		}
		fprintf(f, "/* Single-byte charsets: bytes from 0x80 -> code point (0xfffd: undefined), 0: left to iconv. */\n");
		fprintf(f, "static const struct { const char *name; const uint16_t *hi; } sb_tables[%zu] = {\n",
		    nsb > 0 ? nsb : 1);
		for (i = 0; i < nsb; i++)
			fprintf(f, "\t{ \"%s\", sb_%zu },\n", have[i], i);
		if (nsb == 0)
			fprintf(f, "\t{ \"\", NULL },\n");
		fprintf(f, "};\n");
	}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}

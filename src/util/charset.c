/*
 * NAME
 *	charset - conversion of any declared charset to UTF-8
 * DESCRIPTION
 *	Names go through an alias table that maps each family to its widest
 *	superset in glibc's iconv (Shift_JIS to CP932, GB2312 to GB18030,
 *	ISO-8859-1 to WINDOWS-1252, EUC-KR to CP949) because mail software
 *	labels the superset with the narrow name. Conversion restarts after
 *	each byte iconv rejects, so one bad byte costs one U+FFFD.
 */
#include "charset.h"
#include "codec.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>

#define KCS_SLOTS 8

struct kcs_slot {
	const char *name;	/* canonical name (static), NULL if empty */
	iconv_t	    cd;		/* (iconv_t)-1 when iconv refused it */
	unsigned    used;
};

struct kcharset {
	struct kcs_slot slot[KCS_SLOTS];
	unsigned	clock;
};

static const struct {
	const char *alias;
	const char *canon;
} aliases[] = {
	/* name as written (lower case)	iconv name */
	{ "us-ascii",		"UTF-8" },
	{ "ascii",		"UTF-8" },
	{ "ansi_x3.4-1968",	"UTF-8" },
	{ "utf-8",		"UTF-8" },
	{ "utf8",		"UTF-8" },
	{ "unicode-1-1-utf-8",	"UTF-8" },
	{ "utf-7",		"UTF-7" },
	{ "unicode-1-1-utf-7",	"UTF-7" },
	{ "utf-16",		"UTF-16" },
	{ "utf-16le",		"UTF-16LE" },
	{ "utf-16be",		"UTF-16BE" },
	{ "iso-2022-jp",	"ISO-2022-JP-3" },
	{ "iso-2022-jp-1",	"ISO-2022-JP-3" },
	{ "iso-2022-jp-2",	"ISO-2022-JP-2" },
	{ "iso-2022-jp-3",	"ISO-2022-JP-3" },
	{ "csiso2022jp",	"ISO-2022-JP-3" },
	{ "shift_jis",		"CP932" },
	{ "shift-jis",		"CP932" },
	{ "sjis",		"CP932" },
	{ "x-sjis",		"CP932" },
	{ "ms_kanji",		"CP932" },
	{ "csshiftjis",		"CP932" },
	{ "windows-31j",	"CP932" },
	{ "cp932",		"CP932" },
	{ "x-ms-cp932",		"CP932" },
	{ "euc-jp",		"EUC-JP-MS" },
	{ "x-euc-jp",		"EUC-JP-MS" },
	{ "eucjp",		"EUC-JP-MS" },
	{ "cseucpkdfmtjapanese", "EUC-JP-MS" },
	{ "iso-8859-1",		"WINDOWS-1252" },
	{ "latin1",		"WINDOWS-1252" },
	{ "iso8859-1",		"WINDOWS-1252" },
	{ "iso_8859-1",		"WINDOWS-1252" },
	{ "gb2312",		"GB18030" },
	{ "gbk",		"GB18030" },
	{ "gb18030",		"GB18030" },
	{ "x-gbk",		"GB18030" },
	{ "cp936",		"GB18030" },
	{ "big5",		"BIG5-HKSCS" },
	{ "big5-hkscs",		"BIG5-HKSCS" },
	{ "x-big5",		"BIG5-HKSCS" },
	{ "euc-kr",		"CP949" },
	{ "ks_c_5601-1987",	"CP949" },
	{ "cp949",		"CP949" },
	{ "koi8-r",		"KOI8-R" },
	{ "koi8-u",		"KOI8-U" },
	{ "tis-620",		"CP874" },
	{ "windows-874",	"CP874" },
};

/* Names iconv knows as written: iso-8859-N and windows-125N. */
static const char *const passthrough[] = {
	"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
	"ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-10", "ISO-8859-11",
	"ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16",
	"WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253",
	"WINDOWS-1254", "WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257",
	"WINDOWS-1258",
};

/* kcs_new - empty descriptor cache; NULL on ENOMEM */
kcharset *
kcs_new(void)
{
	return calloc(1, sizeof(kcharset));
}

/* kcs_free - close every cached descriptor; accepts NULL */
void
kcs_free(kcharset *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < KCS_SLOTS; i++)
		if (c->slot[i].name != NULL && c->slot[i].cd != (iconv_t)-1)
			iconv_close(c->slot[i].cd);
	free(c);
}

/* kcs_canonical - static iconv name for a declared charset, NULL if unknown */
const char *
kcs_canonical(const char *name, size_t n)
{
	char   low[40];
	size_t i;

	while (n > 0 && (*name == '"' || *name == '\'' || k_isspace((unsigned char)*name))) {
		name++;
		n--;
	}
	while (n > 0 && (name[n - 1] == '"' || name[n - 1] == '\'' ||
	    k_isspace((unsigned char)name[n - 1])))
		n--;
	if (n == 0 || n >= sizeof(low))
		return NULL;
	for (i = 0; i < n; i++)
		low[i] = (char)k_lower((unsigned char)name[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(low, aliases[i].alias) == 0)
			return aliases[i].canon;
	/* iso-8859-N, iso8859-N, iso_8859-N:YYYY, windows-125N, cp125N */
	{
		const char *num = NULL;
		char	    want[20];

		if (strncmp(low, "iso-8859-", 9) == 0 || strncmp(low, "iso_8859-", 9) == 0)
			num = low + 9, memcpy(want, "ISO-8859-", 10);
		else if (strncmp(low, "iso8859-", 8) == 0)
			num = low + 8, memcpy(want, "ISO-8859-", 10);
		else if (strncmp(low, "windows-", 8) == 0)
			num = low + 8, memcpy(want, "WINDOWS-", 9);
		else if (strncmp(low, "cp125", 5) == 0)
			num = low + 2, memcpy(want, "WINDOWS-", 9);
		if (num != NULL) {
			size_t k = strlen(want), j = 0;
			while (k_isdigit((unsigned char)num[j]) && k + j < sizeof(want) - 1) {
				want[k + j] = num[j];
				j++;
			}
			want[k + j] = '\0';
			for (i = 0; i < sizeof(passthrough) / sizeof(passthrough[0]); i++)
				if (strcmp(want, passthrough[i]) == 0)
					return passthrough[i];
		}
	}
	return NULL;
}

/* kcs_guess - charset of undeclared bytes: UTF-8, ISO-2022-JP, CP932, EUC-JP or WINDOWS-1252 */
const char *
kcs_guess(const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, sj = 0, euc = 0;

	if (memchr(in, 0x1b, n) != NULL &&
	    (k_memmem(in, n, "\x1b$B", 3) != NULL || k_memmem(in, n, "\x1b$@", 3) != NULL))
		return "ISO-2022-JP-3";
	if (kc_utf8_valid(in, n))
		return "UTF-8";
	for (i = 0; i + 1 < n; i++) {
		unsigned a = p[i], b = p[i + 1];

		if (a < 0x80)
			continue;
		if (((a >= 0x81 && a <= 0x9f) || (a >= 0xe0 && a <= 0xfc)) &&
		    b >= 0x40 && b <= 0xfc && b != 0x7f)
			sj++;
		if (((a >= 0xa1 && a <= 0xfe) || a == 0x8e) && b >= 0xa1 && b <= 0xfe)
			euc++;
		i++;
	}
	if (sj == 0 && euc == 0)
		return "WINDOWS-1252";
	return euc > sj ? "EUC-JP-MS" : "CP932";
}

/* open_cd - cached descriptor for canon -> UTF-8, (iconv_t)-1 if refused */
static iconv_t
open_cd(kcharset *c, const char *canon)
{
	struct kcs_slot *s, *victim = NULL;
	int i;

	c->clock++;
	for (i = 0; i < KCS_SLOTS; i++) {
		s = &c->slot[i];
		if (s->name == canon) {
			s->used = c->clock;
			if (s->cd != (iconv_t)-1)
				iconv(s->cd, NULL, NULL, NULL, NULL);
			return s->cd;
		}
		if (victim == NULL || s->name == NULL ||
		    (victim->name != NULL && s->used < victim->used))
			victim = s;
	}
	if (victim->name != NULL && victim->cd != (iconv_t)-1)
		iconv_close(victim->cd);
	victim->name = canon;
	victim->used = c->clock;
	victim->cd = iconv_open("UTF-8", canon);
	return victim->cd;
}

/*
 * The tables of iso2022jp() and single_byte(), made at build time from
 * glibc's own iconv by tools/gen_charset_tables.c: iso2022jp_jis (JIS X
 * 0208 pairs), iso2022jp_single (a byte in each mode) and sb_tables (the
 * bytes from 0x80 of each single-byte charset).
 */
#include "charset_tables.inc"

/* room3 - where n bytes read as up to three UTF-8 bytes each go in out, or NULL */
static char *
room3(kstr *out, size_t n)
{
	if (n > (SIZE_MAX - 16) / 3 || ks_reserve(out, 3 * n + 1) != 0)
		return NULL;
	return out->p + out->len;
}

/* written - out holds what was written up to o; NUL-terminated */
static int
written(kstr *out, char *o)
{
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
	return 0;
}

/* left_to_iconv - give up a table read: out as it was (its NUL back); -1 */
static int
left_to_iconv(kstr *out)
{
	out->p[out->len] = '\0';
	return -1;
}

/*
 * single_byte - in[0..n) in a single-byte charset whose bytes from 0x80
 *	are hi[], appended to out as UTF-8; 0, or -1 with out as it was at
 *	a byte hi[] leaves to iconv (one the charset does not define). The
 *	bytes under 0x80 are ASCII, NUL too: a binary part labelled text
 *	stays with the tables.
 */
static int
single_byte(const uint16_t *hi, const char *in, size_t n, kstr *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t		     i;
	char		    *o;

	if ((o = room3(out, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned b = p[i], u;
		if (b < 0x80) {
			*o++ = (char)b;
			continue;
		}
		if ((u = hi[b - 0x80]) == 0)
			return left_to_iconv(out);
		o = kc_utf8_at(o, u);
	}
	return written(out, o);
}

/*
 * iso2022jp - in[0..n) read as ISO-2022-JP (ASCII, JIS-Roman and JIS X
 *	0208, as glibc's ISO-2022-JP-3 reads them), appended to out as
 *	UTF-8; 0, or -1 with out as it was when some byte is one the tables
 *	leave to iconv (8-bit bytes, other escapes, unmapped pairs, a pair
 *	cut short), and then iconv converts the whole text. Japanese
 *	notices are the most common non-ASCII text in bounces, and this
 *	reads them twice as fast as iconv's call per text and state
 *	machine per byte; test_charset checks that the two agree.
 */
static int
iso2022jp(const char *in, size_t n, kstr *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t		     i = 0;
	int		     mode = 0;	/* 0 ASCII, 1 JIS-Roman, 2 JIS X 0208 */
	char		    *o;

	if ((o = room3(out, n)) == NULL)
		return -1;
	while (i < n) {
		unsigned b, u;

		/* A run of pairs for code points from U+0800 (kana, kanji): three bytes each. */
		while (mode == 2 && i + 1 < n && (unsigned)(p[i] - 0x21) < 94 && (unsigned)(p[i + 1] - 0x21) < 94 &&
		    (u = iso2022jp_jis[(p[i] - 0x21) * 94 + (p[i + 1] - 0x21)]) >= 0x800) {
			o = kc_utf8_at(o, u);
			i += 2;
		}
		if (i == n)
			break;
		b = p[i];
		if (b == 0x1b) {
			if (n - i < 3)
				return left_to_iconv(out);
			if (p[i + 1] == '(' && (p[i + 2] == 'B' || p[i + 2] == 'J'))
				mode = p[i + 2] == 'B' ? 0 : 1;
			else if (p[i + 1] == '$' && (p[i + 2] == 'B' || p[i + 2] == '@'))
				mode = 2;
			else
				return left_to_iconv(out);
			i += 3;
			continue;
		}
		if (b >= 0x80)
			return left_to_iconv(out);
		if (mode == 2 && b >= 0x21 && b <= 0x7e) {
			if (i + 1 >= n || p[i + 1] < 0x21 || p[i + 1] > 0x7e)
				return left_to_iconv(out);
			u = iso2022jp_jis[(b - 0x21) * 94 + (p[i + 1] - 0x21)];
			i += 2;
		} else {
			u = iso2022jp_single[mode][b];
			i++;
		}
		if (u == 0)
			return left_to_iconv(out);
		o = kc_utf8_at(o, u);
	}
	return written(out, o);
}

/* by_tables - in[0..n) in charset canon through our tables: 0, or -1 (out untouched) to use iconv */
static int
by_tables(const char *canon, const char *in, size_t n, kstr *out)
{
	size_t i;

	if (strcmp(canon, "ISO-2022-JP-3") == 0)
		return iso2022jp(in, n, out);
	for (i = 0; i < sizeof(sb_tables) / sizeof(sb_tables[0]); i++)
		if (sb_tables[i].hi != NULL && strcmp(canon, sb_tables[i].name) == 0)
			return single_byte(sb_tables[i].hi, in, n, out);
	return -1;
}

/* convert - run iconv, U+FFFD for each rejected byte; -1 if cd unusable */
static int
convert(iconv_t cd, const char *in, size_t n, kstr *out)
{
	char  *ip = (char *)(uintptr_t)in;
	size_t il = n;

	if (cd == (iconv_t)-1)
		return -1;
	while (il > 0) {
		size_t room = il * 4 + 16;
		char  *op;
		size_t ol, r;

		if (ks_reserve(out, room) != 0)
			return 0;
		op = out->p + out->len;
		ol = room;
		r = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->p);
		out->p[out->len] = '\0';
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL: replace one byte and go on. */
		kc_utf8_put(out, 0xfffd);
		ip++;
		il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* Flush shift state (ISO-2022-JP returning to ASCII). */
	if (ks_reserve(out, 16) == 0) {
		char  *op = out->p + out->len;
		size_t ol = 16;
		iconv(cd, NULL, NULL, &op, &ol);
		out->len = (size_t)(op - out->p);
		out->p[out->len] = '\0';
	}
	return 0;
}

/*
 * seven_bit_label_lies - whether a label other than an ISO-2022 one, UTF-7
 *	UTF-16 or UTF-32 is given to text of 7-bit bytes only (such text with JIS
 *	escapes in it is ISO-2022-JP whatever its label says)
 */
static int
seven_bit_label_lies(const char *canon, const char *in, size_t n)
{
	return strncmp(canon, "ISO-2022", 8) != 0 && strncmp(canon, "UTF-16", 6) != 0 &&
	    strncmp(canon, "UTF-32", 6) != 0 && strcmp(canon, "UTF-7") != 0 && kc_is_ascii(in, n);
}

/*
 * kcs_utf8_view - the UTF-8 form of in[0..n) declared as charset: in
 *	itself when it already is (*len = n, out untouched), else out's
 *	bytes after what out held (*len of them, appended there)
 */
const char *
kcs_utf8_view(kcharset *c, const char *charset, size_t clen, const char *in,
    size_t n, kstr *out, size_t *len)
{
	const char *canon = charset ? kcs_canonical(charset, clen) : NULL;
	size_t	    k, before = out->len;

	*len = n;
	if (n == 0)
		return in;
	/*
	 * Pure ASCII without ESC reads the same in every charset a mail may
	 * declare except the 16-bit and 7-bit Unicode forms: as it is, no
	 * iconv. (The labels below change only for text that is not plain.)
	 */
	if (kc_is_plain(in, n, 0x1b) && (canon == NULL ||
	    (strncmp(canon, "UTF-16", 6) != 0 && strcmp(canon, "UTF-7") != 0)))
		return in;
	/*
	 * ISO-2022-JP escapes win over any label: "us-ascii" often lies, and
	 * so does "Shift_JIS" or "EUC-JP" on 7-bit text that designates JIS
	 * X 0208 (ESC $ B, ESC $ @), which those charsets never hold.
	 */
	if (memchr(in, 0x1b, n) != NULL &&
	    (canon == NULL || strcmp(canon, "UTF-8") == 0 || seven_bit_label_lies(canon, in, n)) &&
	    (k_memmem(in, n, "\x1b$B", 3) || k_memmem(in, n, "\x1b$@", 3)))
		canon = "ISO-2022-JP-3";
	/* ISO-2022-JP is 7-bit: 8-bit bytes under that label are another charset. */
	else if (canon != NULL && strncmp(canon, "ISO-2022-JP", 11) == 0 &&
	    memchr(in, 0x1b, n) == NULL && !kc_is_ascii(in, n))
		canon = kcs_guess(in, n);
	if (canon != NULL && strcmp(canon, "UTF-8") == 0) {
		k = kc_utf8_valid_prefix(in, n);
		if (k == n)
			return in;
		/* Declared UTF-8 (or ASCII) but is not: guess again. */
		canon = kcs_guess(in, n);
	}
	if (canon == NULL)
		canon = kcs_guess(in, n);
	if (strcmp(canon, "UTF-8") == 0)
		kc_utf8_sanitize(out, in, n);
	else if (c != NULL && by_tables(canon, in, n, out) == 0)
		;	/* read by our tables */
	else if (c == NULL || convert(open_cd(c, canon), in, n, out) != 0)
		kc_utf8_sanitize(out, in, n);
	*len = out->len - before;
	return ks_str(out) + before;	/* "" when out could not grow */
}

/* kcs_iconv - append in[0..n) converted from canonical by iconv alone; -1 if iconv lacks it */
int
kcs_iconv(kcharset *c, const char *canonical, const char *in, size_t n, kstr *out)
{
	return canonical == NULL ? -1 : convert(open_cd(c, canonical), in, n, out);
}

/* kcs_to_utf8 - append the UTF-8 form of in[0..n) declared as charset */
void
kcs_to_utf8(kcharset *c, const char *charset, size_t clen, const char *in,
    size_t n, kstr *out)
{
	size_t len;

	if (kcs_utf8_view(c, charset, clen, in, n, out, &len) == in)
		ks_add(out, in, len);
}

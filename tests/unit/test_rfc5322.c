/* test_rfc5322 - addresses and dates (rfc/address.c, rfc/date.c) */
#include "t.h"
#include "lib/rfc/rfc5322.h"

#include <stdint.h>
#include <stdlib.h>

static const struct {
	const char *text, *addr, *what;
} addrs[] = {
	{ "rfc822; <Neko@Example.JP>", "Neko@Example.JP", "typed, bracketed, case kept" },
	{ "\"Kijitora\" <kijitora@example.org>", "kijitora@example.org", "display name" },
	{ "user@example.com.", "user@example.com", "sentence dot" },
	{ "mailto:a@b.example", "a@b.example", "mailto" },
	{ "<@relay.example:user@dest.example>", "user@dest.example", "source route" },
	{ "\"john doe\"@example.org", "\"john doe\"@example.org", "quoted local part" },
	{ "no address here", "", "none" },
	{ "user@[192.0.2.1]", "user@[192.0.2.1]", "domain literal" },
	{ "550-F=[neko@example.com] T=[tora@example.jp]", "neko@example.com", "a bracketed address is no domain literal" },
	{ "ユーザー@例え.jp", "ユーザー@例え.jp", "internationalised" },
	{ "kijitora@example.jp様", "kijitora@example.jp", "Japanese glued after the domain" },
	{ "kijitora@example.jp您好，", "kijitora@example.jp", "Chinese glued after the domain" },
	{ "neko@例え.日本", "neko@例え.日本", "IDN labels stay whole" },
	{ "<x <y <neko@example.jp>", "neko@example.jp", "nested \"<\" share one \">\"" },
	{ "<no-at> <a@b.example>", "a@b.example", "second bracket" },
	{ "@@x@y.example", "x@y.example", "a word does not reach back over \"@\"" },
};

static const struct {
	const char *text;
	int64_t	    epoch;
	int	    off;
	const char *what;
} dates[] = {
	{ "Thu, 29 Apr 2013 23:45:32 +0900 (JST)", 1367246732, 540, "RFC 5322" },
	{ "29 Apr 2013 23:45:32 +0900", 1367246732, 540, "no weekday" },
	{ "Mon, 1 Jan 2001 00:00:00 GMT", 978307200, 0, "named zone" },
	{ "Mon, 1 Jan 01 00:00:00 -0000", 978307200, 0, "two-digit year" },
	{ "Thu Apr 29 14:45:32 2013", 1367246732, 0, "asctime" },
	{ "2013-04-29 14:45:32 +0000", 1367246732, 0, "ISO 8601" },
	{ "Wed, 31 Dec 1969 19:00:00 EST", 0, -300, "EST" },
	/* Every month by name, in any case; zone names of one to four letters. */
	{ "1 jan 1970 09:00:00 JST", 0, 540, "JST" },
	{ "1 FEB 1970 00:00:00 z", 2678400, 0, "Z" },
	{ "1 March 1970 00:00:00 ut", 5097600, 0, "March, UT" },
	{ "1 aPr 1970 00:00:00 AKDT", 7776000 + 8 * 3600, -480, "four-letter zone" },
	{ "1 May 1970 12:00:00 AEDT", 10368000 + 3600, 660, "AEDT" },
	{ "1 Jul 1970 00:00:00 +0000", 15638400, 0, "July" },
	{ "1 Aug 1970 00:00:00 +0000", 18316800, 0, "August" },
	{ "1 Sep 1970 00:00:00 +0000", 20995200, 0, "September" },
	{ "1 Oct 1970 00:00:00 +0000", 23587200, 0, "October" },
	{ "1 Nov 1970 00:00:00 +0000", 26265600, 0, "November" },
	{ "1 Dec 1970 00:00:00 UTCX", 28857600, 0, "a longer word is no zone" },
	{ "1 Jun 1970 00:00:00 \xe6st", 13046400, 0, "a non-ASCII letter is no zone" },
};

/* ref_addr_valid - addr_valid by its definition, a byte at a time */
static int
ref_addr_valid(const char *s, size_t n)
{
	const char *at = NULL;
	size_t	    i;

	if (n < 3 || n > 320)
		return 0;
	for (i = n; i > 0 && at == NULL; i--)
		if (s[i - 1] == '@')
			at = s + i - 1;
	if (at == NULL || at == s || at == s + n - 1)
		return 0;
	for (i = 0; i < n && s[0] != '"'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';')
			return 0;
	}
	return at[1] != '.' && s[n - 1] != '.';
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		const char *a;
		size_t	    n;
		char	    buf[256] = "";
		if (addr_find(addrs[i].text, strlen(addrs[i].text), &a, &n) && n < sizeof(buf)) {
			memcpy(buf, a, n);
			buf[n] = '\0';
		}
		T_EQ_STR(buf, addrs[i].addr, addrs[i].what);
	}
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int64_t e = -1;
		int	o = 9999;
		T_OK(date_parse(dates[i].text, strlen(dates[i].text), &e, &o), dates[i].what);
		T_EQ_INT(e, dates[i].epoch, dates[i].what);
		T_EQ_INT(o, dates[i].off, dates[i].what);
	}
	{
		int64_t e;
		int	o;
		T_OK(!date_parse("not a date", 10, &e, &o), "garbage");
		T_OK(!date_parse("32 Foo 2013 99:99:99", 20, &e, &o), "out of range");
	}
	/* addr_valid against its definition: random words of address bytes and the bytes it refuses. */
	{
		static const char al[] = "ab.@@\"<>,; \t\x01\x7f\x80\xe3-_+";
		unsigned	  seed = 13;
		int		  k, bad = 0, valid = 0;
		for (k = 0; k < 50000; k++) {
			char   a[340];
			size_t n = (seed = seed * 1103515245u + 12345u) >> 16, i;
			n = k % 4 == 0 ? n % 340 : n % 48;
			for (i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				/* Mostly letters, so that some are valid. */
				a[i] = (seed >> 16) % 8 != 0 ? (char)('a' + (seed >> 20) % 26) : al[(seed >> 20) % (sizeof(al) - 1)];
			}
			bad += addr_valid(a, n) != ref_addr_valid(a, n);
			valid += ref_addr_valid(a, n);
		}
		T_EQ_INT(bad, 0, "addr_valid as its definition");
		T_OK(valid > 1000, "valid addresses among them");
	}
	T_OK(addr_is_daemon("MAILER-DAEMON@example.jp", 24), "mailer-daemon");
	T_OK(!addr_is_daemon("neko@example.jp", 15), "ordinary address");
	/*
	 * 200 KB of "@", of "<" before one "@>": found by reading the code
	 * behind a fuzz target; they took 90 s and 1 s (quadratic scans).
	 */
	{
		size_t	    big = 200000, an;
		char	   *h = malloc(big + 2);
		const char *a;
		memset(h, '@', big);
		T_OK(!addr_find(h, big, &a, &an), "200 KB of @: no address");
		memset(h, '<', big);
		memcpy(h + big, "@>", 2);
		T_OK(!addr_find(h, big + 2, &a, &an), "200 KB of <: no address");
		free(h);
	}
	return t_done("rfc5322");
}

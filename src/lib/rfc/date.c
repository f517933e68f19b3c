/*
 * NAME
 *	date - dates of mail headers to seconds since the epoch
 * DESCRIPTION
 *	Accepted shapes, with or without the weekday and the seconds:
 *	"Thu, 29 Apr 2013 23:45:32 +0900 (JST)" (RFC 5322),
 *	"29-Apr-13 23:45:32 GMT" (RFC 850), "Thu Apr 29 23:45:32 2013"
 *	(asctime, in From_ lines), "2013-04-29 23:45:32 +0900" (ISO 8601),
 *	"Apr 29, 2013 11:45:32 PM". Two-digit years follow RFC 5322 4.3.
 *	Named zones are the RFC 822 ones plus the few Asian and European
 *	names that appear in bounces. No locale, no timegm() dependency.
 */
#include "rfc5322.h"
#include "../../util/str.h"

/* K4 - a name of up to four bytes (lower case, NUL-padded) as one word, to compare with key4() */
#define K4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

static const uint32_t months[] = {
	K4('j', 'a', 'n', 0), K4('f', 'e', 'b', 0), K4('m', 'a', 'r', 0), K4('a', 'p', 'r', 0),
	K4('m', 'a', 'y', 0), K4('j', 'u', 'n', 0), K4('j', 'u', 'l', 0), K4('a', 'u', 'g', 0),
	K4('s', 'e', 'p', 0), K4('o', 'c', 't', 0), K4('n', 'o', 'v', 0), K4('d', 'e', 'c', 0),
};

static const struct {
	uint32_t key;
	int	 minutes;
} zones[] = {
	{ K4('u', 't', 0, 0), 0 }, { K4('u', 't', 'c', 0), 0 }, { K4('g', 'm', 't', 0), 0 },
	{ K4('z', 0, 0, 0), 0 }, { K4('w', 'e', 't', 0), 0 }, { K4('e', 's', 't', 0), -300 },
	{ K4('e', 'd', 't', 0), -240 }, { K4('c', 's', 't', 0), -360 }, { K4('c', 'd', 't', 0), -300 },
	{ K4('m', 's', 't', 0), -420 }, { K4('m', 'd', 't', 0), -360 }, { K4('p', 's', 't', 0), -480 },
	{ K4('p', 'd', 't', 0), -420 }, { K4('a', 'k', 's', 't'), -540 }, { K4('a', 'k', 'd', 't'), -480 },
	{ K4('h', 's', 't', 0), -600 }, { K4('j', 's', 't', 0), 540 }, { K4('k', 's', 't', 0), 540 },
	{ K4('h', 'k', 't', 0), 480 }, { K4('s', 'g', 't', 0), 480 }, { K4('a', 'w', 's', 't'), 480 },
	{ K4('a', 'c', 's', 't'), 570 }, { K4('a', 'e', 's', 't'), 600 }, { K4('a', 'e', 'd', 't'), 660 },
	{ K4('n', 'z', 's', 't'), 720 }, { K4('n', 'z', 'd', 't'), 780 }, { K4('i', 's', 't', 0), 330 },
	{ K4('c', 'e', 't', 0), 60 }, { K4('c', 'e', 's', 't'), 120 }, { K4('m', 'e', 't', 0), 60 },
	{ K4('m', 'e', 's', 't'), 120 }, { K4('e', 'e', 't', 0), 120 }, { K4('e', 'e', 's', 't'), 180 },
	{ K4('b', 's', 't', 0), 60 }, { K4('m', 's', 'k', 0), 180 },
};

/* key4 - the first n (at most 4) bytes of w in lower case, NUL-padded, as K4() writes them */
static uint32_t
key4(const char *w, size_t n)
{
	uint32_t k = 0;
	size_t	 i;

	for (i = 0; i < n && i < 4; i++)
		k |= (uint32_t)k_lower((unsigned char)w[i]) << (8 * i);
	return k;
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t	 era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Tokeniser state over the date text. */
struct tok {
	const char *p;
	const char *end;
};

/* next_token - next run of letters, digits (with ':' or '-' inside) or a sign */
static int
next_token(struct tok *t, const char **s, size_t *n)
{
	const char *p = t->p;

	while (p < t->end && !k_isalnum((unsigned char)*p) && *p != '+' && *p != '-')
		p++;
	if (p >= t->end)
		return 0;
	*s = p;
	if (*p == '+' || *p == '-') {
		p++;
		while (p < t->end && k_isdigit((unsigned char)*p))
			p++;
	} else if (k_isdigit((unsigned char)*p)) {
		while (p < t->end && (k_isdigit((unsigned char)*p) || *p == ':' || *p == '.'))
			p++;
	} else {
		while (p < t->end && k_isalpha((unsigned char)*p))
			p++;
	}
	*n = (size_t)(p - *s);
	t->p = p;
	return 1;
}

static int
num(const char *s, size_t n, long *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (!k_isdigit((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/*
 * date_parse - read a date; returns 1 with *epoch (UTC) and *offset_min
 *	(the zone's offset from UTC in minutes) when it makes sense.
 */
int
date_parse(const char *s, size_t n, int64_t *epoch, int *offset_min)
{
	struct tok  t = { s, s + n };
	const char *w;
	size_t	    wn, i;
	long	    day = -1, mon = -1, year = -1, hh = -1, mm = -1, ss = 0, v;
	int	    off = 0, have_off = 0, pm = -1;

	/* ISO 8601: 2013-04-29[T ]23:45:32 */
	if (n >= 10 && k_isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-') {
		if (num(s, 4, &year) && num(s + 5, 2, &mon) && num(s + 8, 2, &day)) {
			mon -= 1;
			t.p = s + 10;
		}
	}
	while (next_token(&t, &w, &wn)) {
		if (k_isalpha((unsigned char)w[0])) {
			if (wn >= 3 && mon < 0) {
				uint32_t k = key4(w, 3);
				for (i = 0; i < 12; i++)
					if (k == months[i]) {
						mon = (long)i;
						break;
					}
				if (i < 12)
					continue;
			}
			if (wn == 2 && (k_strncaseeq(w, "am", 2) || k_strncaseeq(w, "pm", 2))) {
				pm = k_lower((unsigned char)w[0]) == 'p';
				continue;
			}
			if (!have_off && hh >= 0 && wn <= 4) {
				uint32_t k = key4(w, wn);
				for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
					if (k == zones[i].key) {
						off = zones[i].minutes;
						have_off = 1;
						break;
					}
			}
			continue;
		}
		if ((w[0] == '+' || w[0] == '-') && wn == 5 && hh >= 0 && !have_off) {
			long z;
			if (num(w + 1, 4, &z) && z % 100 < 60 && z / 100 <= 14) {
				off = (int)(z / 100 * 60 + z % 100);
				if (w[0] == '-')
					off = -off;
				have_off = 1;
			}
			continue;
		}
		if (w[0] == '+' || w[0] == '-') {
			/* "-Apr-" separators of RFC 850: retry as a word. */
			if (wn == 1)
				continue;
			w++;
			wn--;
		}
		if (memchr(w, ':', wn) != NULL) {
			/* hh:mm[:ss] */
			const char *c1 = memchr(w, ':', wn), *c2;
			if (!num(w, (size_t)(c1 - w), &hh))
				continue;
			c2 = memchr(c1 + 1, ':', (size_t)(w + wn - c1 - 1));
			if (c2 == NULL) {
				num(c1 + 1, (size_t)(w + wn - c1 - 1), &mm);
			} else {
				const char *dot;
				num(c1 + 1, (size_t)(c2 - c1 - 1), &mm);
				dot = memchr(c2 + 1, '.', (size_t)(w + wn - c2 - 1));
				num(c2 + 1, (size_t)((dot ? dot : w + wn) - c2 - 1), &ss);
			}
			continue;
		}
		if (!num(w, wn, &v))
			continue;
		if (wn == 4 && year < 0)
			year = v;
		else if (day < 0 && wn <= 2 && v >= 1 && v <= 31)
			day = v;
		else if (year < 0 && wn <= 2)
			year = v < 50 ? 2000 + v : 1900 + v;
		else if (year < 0 && wn == 3)
			year = 1900 + v;
	}
	if (day < 1 || mon < 0 || year < 1900 || year > 9999 || hh < 0 || hh > 23 ||
	    mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return 0;
	if (pm == 1 && hh < 12)
		hh += 12;
	else if (pm == 0 && hh == 12)
		hh = 0;
	*epoch = days_from_civil(year, (unsigned)mon + 1, (unsigned)day) * 86400 +
	    hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
	*offset_min = off;
	return 1;
}

/*
 * received_hosts - the "from" and "by" hosts of a Received field
 *	"from" prefers the name inside parentheses' reverse lookup only when
 *	the HELO name is missing. Returns 1 when either was found.
 */
int
received_hosts(const char *s, size_t n, const char **from, size_t *fn,
    const char **by, size_t *bn)
{
	const char *p;
	int	    found = 0;

	*fn = *bn = 0;
	if ((p = k_strstr_ci(s, n, "from ")) != NULL && (p == s || p[-1] == ' ')) {
		const char *h = p + 5, *e;
		while (h < s + n && *h == ' ')
			h++;
		e = h;
		while (e < s + n && *e != ' ' && *e != ';' && *e != ')')
			e++;
		if (e > h) {
			*from = h;
			*fn = (size_t)(e - h);
			found = 1;
		}
	}
	if ((p = k_strstr_ci(s, n, " by ")) != NULL || ((p = k_strstr_ci(s, n, "by ")) == s && p != NULL)) {
		const char *h = p + (p[0] == ' ' ? 4 : 3), *e;
		while (h < s + n && *h == ' ')
			h++;
		e = h;
		while (e < s + n && *e != ' ' && *e != ';' && *e != ')')
			e++;
		if (e > h) {
			*by = h;
			*bn = (size_t)(e - h);
			found = 1;
		}
	}
	return found;
}

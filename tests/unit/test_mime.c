/* test_mime - headers, encoded words, the MIME walk and flat text (mime/) */
#include "t.h"
#include "lib/mime/message.h"
#include "util/codec.h"

#include <ctype.h>
#include <stdlib.h>

static struct klimits lim = { 1 << 20, 8, 64, 4096, 1 << 20, 10000 };
static kstr scratch[3];

/* parse - run km_parse on text; the caller disposes arena and flat */
static void
parse(struct kmsg *m, karena *a, kstr *flat, kcharset *cs, const char *text)
{
	memset(m, 0, sizeof(*m));
	ka_init(a, 0);
	ks_init(flat);
	m->a = a;
	m->cs = cs;
	m->lim = &lim;
	m->flat = flat;
	m->scratch = scratch;
	T_OK(km_parse(m, text, strlen(text)) == 0, "km_parse");
}

/* flat_is - the flat text km_parse makes of text is want */
static void
flat_is(kcharset *cs, const char *text, const char *want, const char *what)
{
	struct kmsg m;
	karena	    a;
	kstr	    flat;

	parse(&m, &a, &flat, cs, text);
	T_EQ_STR(ks_str(m.flat), want, what);
	ka_dispose(&a);
	ks_dispose(&flat);
}

static const struct {
	const char *in, *out, *what;
} words[] = {
	{ "=?UTF-8?B?44GC?=", "あ", "B word" },
	{ "=?iso-8859-1?Q?caf=E9_ok?=", "café ok", "Q word with underscore" },
	{ "=?ISO-2022-JP?B?GyRCJCIbKEI=?= =?ISO-2022-JP?B?GyRCJCQbKEI=?=", "あい", "blanks between words vanish" },
	{ "Re: =?UTF-8?B?44GC?= done", "Re: あ done", "text around words kept" },
	{ "=?UTF-8?B?44E=?= =?UTF-8?B?gg==?=", "\xe3\x81\x82", "character split across two words" },
	{ "=?utf-8*ja?Q?=E3=81=82?=", "あ", "RFC 2231 language suffix" },
	{ "no words", "no words", "plain" },
	{ "=?bogus", "=?bogus", "broken word kept" },
};

/* b64 - n bytes of in as base64 into out (4 * ((n + 2) / 3) + 1 bytes), NUL-terminated */
static void
b64(const unsigned char *in, size_t n, char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		*out++ = al[v >> 18 & 63];
		*out++ = al[v >> 12 & 63];
		*out++ = i + 1 < n ? al[v >> 6 & 63] : '=';
		*out++ = i + 2 < n ? al[v & 63] : '=';
	}
	*out = '\0';
}

/*
 * ref_clean - the flat text of one text part, by the definition: CRLF
 *	and a lone CR become LF, blanks before a line end go, NUL becomes a
 *	space, and the text ends with a newline (when not empty)
 */
static size_t
ref_clean(const unsigned char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			out[o++] = ' ';
		else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		else if (s[i] == '\r' || s[i] == '\n') {
			while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
				o--;
			out[o++] = '\n';
		} else
			out[o++] = (char)s[i];
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	if (o > 0 && out[o - 1] != '\n')
		out[o++] = '\n';
	out[o] = '\0';
	return o;
}

/*
 * ref_fields - the fields of the header block p[0..n) by the definition,
 *	a line at a time with memchr: "name start, name length, value start,
 *	value length" per field into f (at most max); returns their number,
 *	and the body's offset in *bo
 */
static size_t
ref_fields(const char *p, size_t n, size_t *f, size_t max, size_t *bo)
{
	const char *cur = p, *end = p + n;
	size_t	    k = 0;

	while (cur < end) {
		const char *nl = memchr(cur, '\n', (size_t)(end - cur)), *lend = nl ? nl : end, *vend;
		size_t	    nlen;
		if (lend == cur) {
			*bo = (size_t)(lend - p) + (nl ? 1 : 0);
			return k;
		}
		if ((nlen = kh_field_name_len(cur, (size_t)(lend - cur))) == 0) {
			if ((*cur == ' ' || *cur == '\t') && k > 0) {
				cur = nl ? nl + 1 : end;
				continue;
			}
			*bo = (size_t)(cur - p);
			return k;
		}
		vend = lend;
		while (nl != NULL && nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			const char *nn = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
			vend = nn ? nn : end;
			nl = nn;
		}
		if (k < max) {
			f[4 * k] = (size_t)(cur - p);
			f[4 * k + 1] = nlen;
			f[4 * k + 2] = (size_t)(cur + nlen + 1 - p);
			f[4 * k + 3] = (size_t)(vend - (cur + nlen + 1));
		}
		k++;
		cur = nl ? nl + 1 : end;
	}
	*bo = n;
	return k;
}

/*
 * The HTML reader as it was before its text runs went sixteen bytes a
 * step and its tag names through one switch: the reference that
 * km_html_text() must agree with, byte for byte, on random documents.
 */
static const struct {
	const char *name;
	unsigned    cp;
} ref_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "middot", 0xb7 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 },
	{ "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d },
};

/*
 * ref_tag_name - the tag's name at t (tn bytes before '>'): its run of letters
 *	and digits, lower-cased into nm; returns its length, 0 when there is
 *	none or it is longer than any tag asked about here
 */
static size_t
ref_tag_name(const char *t, size_t tn, char nm[8])
{
	size_t k = 0;

	while (k < tn && k_isalnum((unsigned char)t[k])) {
		if (k == 7)
			return 0;
		nm[k] = (char)k_lower((unsigned char)t[k]);
		k++;
	}
	return k;
}

/* ref_tag_eq - is nm (k bytes) the name */
static int
ref_tag_eq(const char *nm, size_t k, const char *name)
{
	return k > 0 && name[0] == nm[0] && strncmp(name, nm, k) == 0 && name[k] == '\0';
}

/* ref_tag_in - the name of a NULL-terminated list that nm (k bytes) is, or NULL */
static const char *
ref_tag_in(const char *nm, size_t k, const char *const *names)
{
	for (; *names != NULL; names++)
		if (ref_tag_eq(nm, k, *names))
			return *names;
	return NULL;
}

/* Tags whose content is not text; tags that end a line; table ref_cells. */
static const char *const ref_skipped[] = { "style", "script", "head", "title", NULL };
static const char *const ref_breaks[] = { "br", "p", "div", "tr", "li", "table", NULL };
static const char *const ref_cells[] = { "td", "th", NULL };

/* ref_is_address - "<a@b>" left unescaped: one '@' inside, no blank, '=', quote or '<' */
static int
ref_is_address(const char *t, size_t tn)
{
	size_t k, at = 0, ats = 0;

	for (k = 0; k < tn; k++) {
		if (strchr(" \t\n\r\v\f=\"'<", t[k]) != NULL && t[k] != '\0')
			return 0;
		if (t[k] == '@' && ats++ == 0)
			at = k;
	}
	return tn > 2 && ats > 0 && at > 0 && at < tn - 1;
}

/* ref_html_text - km_html_text() as it was, a byte at a time */
static void
ref_html_text(const char *s, size_t n, kstr *out)
{
	size_t i = 0;
	const char *skipto = NULL, *sk;
	char nm[8];
	size_t nk;

	while (i < n) {
		char c = s[i];

		if (c == '<' && (i + 1 == n || !(isalpha((unsigned char)s[i + 1]) ||
		    s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?'))) {
			if (skipto == NULL)
				ks_addc(out, '<');
			i++;
			continue;
		}
		if (c == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			const char *t = s + i + 1;
			size_t	    tn;
			int	    closing = 0;

			if (gt == NULL)
				break;
			if (skipto == NULL && ref_is_address(t, (size_t)(gt - t))) {
				ks_add(out, s + i, (size_t)(gt - s) + 1 - i);
				i = (size_t)(gt - s) + 1;
				continue;
			}
			if (t < gt && *t == '/') {
				closing = 1;
				t++;
			}
			tn = (size_t)(gt - t);
			nk = ref_tag_name(t, tn, nm);
			if (skipto != NULL) {
				if (closing && ref_tag_eq(nm, nk, skipto))
					skipto = NULL;
				i = (size_t)(gt - s) + 1;
				continue;
			}
			if (tn >= 3 && memcmp(t, "!--", 3) == 0) {
				const char *e = k_memmem(t, n - (size_t)(t - s), "-->", 3);
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			if (!closing && (sk = ref_tag_in(nm, nk, ref_skipped)) != NULL)
				skipto = sk;
			else if (ref_tag_in(nm, nk, ref_breaks) != NULL ||
			    (tn >= 2 && (t[0] == 'h' || t[0] == 'H') && t[1] >= '1' && t[1] <= '6'))
				ks_addc(out, '\n');
			else if (ref_tag_in(nm, nk, ref_cells) != NULL)
				ks_addc(out, ' ');
			i = (size_t)(gt - s) + 1;
			continue;
		}
		if (skipto != NULL) {
			/* Inside head, style or script: on to the next tag. */
			const char *lt = memchr(s + i, '<', n - i);
			i = lt != NULL ? (size_t)(lt - s) : n;
			continue;
		}
		if (c != '&') {
			/* A run of text up to the next tag or entity, line ends made spaces. */
			size_t j, k;
			/* No leading blanks on a line. */
			if (out->len == 0 || out->p[out->len - 1] == '\n') {
				while (i < n && s[i] != '\0' && strchr(" \t\n\r\v\f", s[i]) != NULL)
					i++;
				if (i == n || s[i] == '<' || s[i] == '&')
					continue;
			}
			j = i;
			while (j < n && s[j] != '<' && s[j] != '&')
				j++;
			if (ks_reserve(out, j - i) == 0) {
				char *o = out->p + out->len;
				for (k = i; k < j; k++)
					o[k - i] = s[k] == '\n' || s[k] == '\r' ? ' ' : s[k];
				out->len += j - i;
				out->p[out->len] = '\0';
			}
			i = j;
			continue;
		}
		{
			/* An entity or a reference; else the '&' as it stands. */
			size_t j = i + 1, k;
			while (j < n && j - i < 10 && s[j] != ';' && s[j] != '&' && !k_isspace((unsigned char)s[j]))
				j++;
			if (j < n && s[j] == ';') {
				const char *e = s + i + 1;
				size_t	    en = j - i - 1;
				if (en > 1 && e[0] == '#') {
					unsigned cp = 0;
					int	 hex = (e[1] == 'x' || e[1] == 'X');
					for (k = hex ? 2 : 1; k < en; k++) {
						int d = k_isdigit((unsigned char)e[k]) ? e[k] - '0' :
						    (hex && k_isxdigit((unsigned char)e[k])) ? (k_lower((unsigned char)e[k]) - 'a' + 10) : -1;
						if (d < 0 || cp > 0x10ffff)
							break;
						cp = cp * (hex ? 16 : 10) + (unsigned)d;
					}
					if (k == en && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
						kc_utf8_put(out, cp);
						i = j + 1;
						continue;
					}
				} else {
					for (k = 0; k < sizeof(ref_entities) / sizeof(ref_entities[0]); k++) {
						if (strlen(ref_entities[k].name) == en && memcmp(ref_entities[k].name, e, en) == 0) {
							kc_utf8_put(out, ref_entities[k].cp);
							break;
						}
					}
					if (k < sizeof(ref_entities) / sizeof(ref_entities[0])) {
						i = j + 1;
						continue;
					}
				}
			}
		}
		ks_addc(out, '&');
		i++;
	}
}

int
main(void)
{
	struct kmsg m;
	karena	    a;
	kstr	    flat;
	kcharset   *cs = kcs_new();
	size_t	    i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		kstr s = KSTR_INIT;
		kh_decode_words(cs, words[i].in, strlen(words[i].in), &s);
		T_EQ_STR(ks_str(&s), words[i].out, words[i].what);
		ks_dispose(&s);
	}

	/* Folding, repeated fields, case-insensitive names, CRLF. */
	parse(&m, &a, &flat, cs, "Subject: one\r\n two\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody\r\n");
	T_EQ_STR(kh_get(&m, &m.hdr, "SUBJECT"), "one two", "unfolded, any case");
	T_EQ_INT(kh_count(&m.hdr, "X-A"), 2, "repeated field counted");
	T_EQ_STR(ks_str(m.flat), "body\n", "CRLF body to LF");
	ka_dispose(&a);
	ks_dispose(&flat);

	/*
	 * The lookup table: names that share length, first and last letter
	 * ("X-AB"/"X-CB"), the first of repeated fields, lookups after a
	 * memoised answer, and a block too large for the table.
	 */
	parse(&m, &a, &flat, cs, "X-AB: one\nX-CB: two\nx-cb: three\nSubject: =?UTF-8?B?44GC?=\n\nbody\n");
	T_EQ_STR(kh_get(&m, &m.hdr, "x-cb"), "two", "same key, other name");
	T_EQ_STR(kh_get(&m, &m.hdr, "X-AB"), "one", "same key, first name");
	T_EQ_STR(kh_get(&m, &m.hdr, "X-CB"), "two", "memoised answer");
	T_OK(kh_find(&m.hdr, "X-DB") == NULL, "absent name with a taken key");
	T_OK(kh_find_next(&m.hdr, kh_find(&m.hdr, "X-CB"), "X-CB") != NULL, "next of a repeated field");
	T_EQ_STR(kh_get_decoded(&m, &m.hdr, "subject"), "あ", "decoded");
	T_EQ_STR(kh_get_decoded(&m, &m.hdr, "subject"), "あ", "decoded, memoised");
	T_EQ_STR(kh_get(&m, &m.hdr, "subject"), "=?UTF-8?B?44GC?=", "raw beside decoded");
	ka_dispose(&a);
	ks_dispose(&flat);
	{
		char big[8192];
		size_t k = 0;
		for (i = 0; i < 100; i++)
			k += (size_t)snprintf(big + k, sizeof(big) - k, "X-F%zu: v%zu\n", i, i);
		snprintf(big + k, sizeof(big) - k, "\nbody\n");
		parse(&m, &a, &flat, cs, big);
		T_EQ_INT(m.hdr.n, 100, "100 fields");
		T_EQ_STR(kh_get(&m, &m.hdr, "x-f99"), "v99", "large block: linear lookup");
		T_EQ_STR(kh_get(&m, &m.hdr, "X-F0"), "v0", "large block: first field");
		ka_dispose(&a);
		ks_dispose(&flat);
	}
	T_EQ_INT(k_blank_line("a: b\nc: d\n\nbody", 15), 10, "blank line ends the block");
	T_EQ_INT(k_blank_line("a: b\nc: d\n", 10), 10, "no blank line");
	T_EQ_INT(k_blank_line("\n\nx", 4), 1, "blank line first");
	T_EQ_INT(k_blank_line("a\n", 2), 2, "a lone newline at the end");
	{
		char big[300];
		memset(big, 'x', sizeof(big));
		big[99] = big[150] = big[151] = '\n';
		T_EQ_INT(k_blank_line(big, sizeof(big)), 151, "blank line far into the block");
		big[151] = 'x';
		T_EQ_INT(k_blank_line(big, sizeof(big)), sizeof(big), "newlines apart are no blank line");
	}

	/* Boundaries: at the very start, after a line that ends in "--", with blanks after. */
	parse(&m, &a, &flat, cs,
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
	    "one x--b\n--bb\n--b \nContent-Type: text/plain\n\ntwo\n--b--\n");
	T_OK(strstr(ks_str(m.flat), "one x--b\n--bb\n") != NULL, "look-alike lines stay in the part");
	T_OK(strstr(ks_str(m.flat), "two") != NULL, "delimiter with trailing blanks");
	ka_dispose(&a);
	ks_dispose(&flat);

	/* Bare CR newlines (the corpus's mac/ copies). */
	flat_is(cs, "Subject: x\rContent-Type: text/plain\r\rline one\rline two\r",
	    "line one\nline two\n", "bare CR");

	/* multipart/report: text, delivery-status, returned headers only. */
	parse(&m, &a, &flat, cs,
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	    "preamble\n--B\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B$3$s\x1b(B\n"
	    "--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b\nStatus: 5.1.1\n"
	    "--B\nContent-Type: message/rfc822\n\nFrom: s@x\nSubject: hi\n\nsecret body\n--B--\nepilogue\n");
	T_OK(strstr(ks_str(m.flat), "こん") != NULL, "text part converted");
	T_OK(strstr(ks_str(m.flat), "Content-Type: message/delivery-status\nFinal-Recipient") != NULL, "DSN marker");
	T_OK(strstr(ks_str(m.flat), "secret body") == NULL, "returned body not read");
	T_OK(strstr(ks_str(m.flat), "preamble") == NULL, "preamble skipped");
	T_OK(m.orig != NULL && strcmp(kh_get(&m, &m.orighdr, "subject"), "hi") == 0, "returned headers indexed");
	ka_dispose(&a);
	ks_dispose(&flat);

	/* Missing closing boundary; boundary prefix of an inner one. */
	parse(&m, &a, &flat, cs,
	    "Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/alternative; boundary=abc-1\n\n"
	    "--abc-1\nContent-Type: text/plain\n\nplain text\n--abc-1\nContent-Type: text/html\n\n<p>html text</p>\n--abc-1--\n"
	    "--abc\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVs\nbG8K\n");
	T_OK(strstr(ks_str(m.flat), "plain text") != NULL, "nested plain kept");
	T_OK(strstr(ks_str(m.flat), "html text") == NULL, "html twin skipped");
	T_OK(strstr(ks_str(m.flat), "hello") != NULL, "last part without closing boundary");
	ka_dispose(&a);
	ks_dispose(&flat);

	/*
	 * format=flowed (RFC 3676): soft breaks joined, stuffing removed, so
	 * a notice sent at any width keeps the lines its MTA wrote.
	 */
	flat_is(cs, "Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes\n\n"
	    "The following address failed:\n\n   bob@example.net\n     SMTP error from remote mail server \n"
	    "after RCPT TO:<bob@example.net>:\n     550 5.1.1 User \nunknown\n",
	    "The following address failed:\n\n  bob@example.net\n"
	    "    SMTP error from remote mail serverafter RCPT TO:<bob@example.net>:\n    550 5.1.1 Userunknown\n",
	    "format=flowed; delsp=yes");
	flat_is(cs, "Content-Type: text/plain; format=\"Flowed\"\n\n"
	    "   bob@example.net\n     SMTP error from remote mail server \nafter RCPT TO:<bob@example.net>:\n",
	    "  bob@example.net\n    SMTP error from remote mail server after RCPT TO:<bob@example.net>:\n",
	    "format=flowed, quoted and in capitals");

	/* "text/html" over plain text, no tag at all: its lines stay lines. */
	flat_is(cs, "Content-Type: text/html; charset=utf-8\n\n"
	    "I'm afraid I wasn't able to deliver the following message.\n\nTo: bob@example.net\n",
	    "I'm afraid I wasn't able to deliver the following message.\n\nTo: bob@example.net\n",
	    "text/html without a tag is text");
	flat_is(cs, "Content-Type: text/html\n\na &amp; b\n<b>bold</b>\n",
	    "a & b bold\n", "one tag makes it HTML");

	/* HTML-only part becomes text. */
	flat_is(cs, "Content-Type: text/html\n\n<html><head><style>x{}</style></head><body>a&amp;b<br>c&#x3042;</body></html>\n",
	    "a&b\ncあ\n", "HTML to text");

	/*
	 * A tag counts by its whole name in any case: <tablex>, <titles>,
	 * </styles> and <br1> are other tags, </STYLE > ends a style;
	 * <h1x> still ends a line (h and a digit suffice).
	 */
	{
		const char *in = "a<P>b<tablex>c<TD>d<Th/>e<h1x>f<abcdefghi>g<style>x</styles>y</STYLE >h"
		    "<titles>i<Script>j</script2></script>k<br1>l<div class=x>m";
		kstr	    out = KSTR_INIT;
		km_html_text(in, strlen(in), &out);
		T_EQ_STR(ks_str(&out), "a\nbc d e\nfghikl\nm", "HTML tag names");
		ks_dispose(&out);
	}

	/*
	 * The source's line ends and indentation after a break are not text:
	 * "<br>\n  b" starts its line with "b", as a browser shows it (a
	 * notice turned into HTML keeps the lines a decoder reads).
	 */
	{
		const char *in = "\n  a<br>\n  b<br>\r\n\tc<p>\n\n d e</p>\n<br>&nbsp;&nbsp;f";
		kstr	    out = KSTR_INIT;
		km_html_text(in, strlen(in), &out);
		T_EQ_STR(ks_str(&out), "a\nb\nc\nd e\n\n  f", "no leading blanks on a line; &nbsp; kept");
		ks_dispose(&out);
	}

	/*
	 * A '<' that opens no tag is text (HTML5: a letter, '/', '!' or '?'
	 * must follow): "1 < 2" lost everything up to the next '>', and a
	 * '<' with no '>' after it the rest of the document. An address
	 * written unescaped, "<bob@example.net>", is text too: no tag's
	 * name holds an '@', and one with attributes has a blank ("<x@>"
	 * starts like a tag and is one).
	 */
	{
		const char *in = "size 1 < 2<b>x</b> a<=b<br>"
		    "<bob@example.net>: 550 unknown<br>"
		    "<a href=\"mailto:c@example.org\">c@example.org</a> <@x> <x@>"
		    "<script>if (a < b) x();</script>end < ";
		kstr	    out = KSTR_INIT;
		km_html_text(in, strlen(in), &out);
		T_EQ_STR(ks_str(&out), "size 1 < 2x a<=b\n<bob@example.net>: 550 unknown\n"
		    "c@example.org <@x> end < ", "a '<' that opens no tag; an address in brackets");
		ks_dispose(&out);
	}
	flat_is(cs, "Content-Type: text/html\n\n<p>Delivery to <kim@example.org> failed:</p>\n"
	    "<p>550 5.1.1 user unknown</p>\n",
	    "\nDelivery to <kim@example.org> failed:\n\n550 5.1.1 user unknown\n",
	    "an HTML notice with an address left unescaped");

	/*
	 * km_html_text against the reference: random documents of tag names
	 * (the ones it knows, in any case, and near misses), entities, line
	 * ends and text, at every length to 300, on exact heap copies.
	 */
	{
		static const char *const bits[] = {
			"<p>", "<P>", "</p>", "<br>", "<BR/>", "<br1>", "<div class=x>", "</DIV>", "<tr>", "<li>",
			"<table>", "<tablex>", "<td>", "<TH>", "<h1>", "<h7>", "<head>", "</head>", "<style>",
			"</STYLE >", "</styles>", "<script>", "</script>", "<title>", "<titles>", "<!-- x -->",
			"<!--", "<", ">", "&amp;", "&lt;", "&nbsp;", "&#x3042;", "&#65;", "&#0;", "&bogus;", "&",
			"&#xd800;", "text ", "word", "\n", "\r\n", "\t", " ", "\xe3\x81\x82", "<abcdefghi>",
			"</", "<a href=\"x\">", "</a>", "x", "0123456789abcdef",
		};
		unsigned seed = 4242;
		size_t	 bad = 0, k;
		for (k = 0; k < 20000; k++) {
			size_t n = k % 300;
			char  *x = t_pieces(n, bits, sizeof(bits) / sizeof(bits[0]), &seed);
			kstr   got = KSTR_INIT, ref = KSTR_INIT;
			km_html_text(x, n, &got);
			ref_html_text(x, n, &ref);
			bad += got.len != ref.len || memcmp(ks_str(&got), ks_str(&ref), got.len) != 0;
			free(x);
			ks_dispose(&got);
			ks_dispose(&ref);
		}
		T_EQ_INT(bad, 0, "km_html_text as the reference, 20,000 random documents");
	}

	/*
	 * kh_unfold against its definition (blanks and line ends trimmed at
	 * both ends, each run of them inside made one space): random values
	 * of every length to 100, mostly words and single spaces, on exact
	 * heap copies.
	 */
	{
		static const char abc[] = "ab  \t\n\r-x";
		unsigned seed = 777;
		size_t	 bad = 0, k;
		karena	 ua;
		ka_init(&ua, 0);
		for (k = 0; k < 20000; k++) {
			char	    want[128], *x;
			const char *got;
			size_t	    n = k % 101, i, w = 0;
			int	    sp = 0;
			x = malloc(n + 1);
			for (i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				x[i] = (seed >> 16) % 8 == 0 ? abc[(seed >> 20) % (sizeof(abc) - 1)] : (char)('a' + (seed >> 20) % 26);
			}
			for (i = 0; i < n; i++) {
				if (x[i] == ' ' || x[i] == '\t' || x[i] == '\n' || x[i] == '\r') {
					sp = 1;
					continue;
				}
				if (sp && w > 0)
					want[w++] = ' ';
				sp = 0;
				want[w++] = x[i];
			}
			want[w] = '\0';
			got = kh_unfold(&ua, x, n);
			bad += got == NULL || strcmp(got, want) != 0;
			free(x);
		}
		ka_dispose(&ua);
		T_EQ_INT(bad, 0, "kh_unfold as its definition, 20,000 random values");
	}

	/* km_part_type: how each media type is read. */
	{
		static const struct {
			const char	*mt;
			enum kpart_type	 t;
		} types[] = {
			{ "", KP_TEXT }, { "text/plain", KP_TEXT }, { "text/enriched", KP_TEXT }, { "text/html", KP_HTML },
			{ "text/rfc822-headers", KP_HEADERS }, { "text/rfc822-header", KP_HEADERS },
			{ "text/calendar", KP_OTHER }, { "text/x-vcard", KP_OTHER }, { "text/vcard", KP_OTHER },
			{ "text/csv", KP_OTHER }, { "text", KP_OTHER }, { "multipart/mixed", KP_MULTIPART },
			{ "multipart/report", KP_MULTIPART }, { "message/delivery-status", KP_DSN },
			{ "message/global-delivery-status", KP_DSN }, { "message/x-delivery-status", KP_DSN },
			{ "message/feedback-report", KP_FEEDBACK }, { "message/rfc822", KP_RFC822 },
			{ "message/global", KP_RFC822 }, { "message/partial", KP_RFC822 },
			{ "message/global-headers", KP_HEADERS }, { "message/news", KP_OTHER }, { "message/", KP_OTHER },
			{ "image/png", KP_OTHER }, { "application/octet-stream", KP_OTHER },
		};
		size_t k;
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			T_EQ_INT(km_part_type(types[k].mt), types[k].t, types[k].mt[0] ? types[k].mt : "(no type)");
	}

	/* Depth limit: deeper multiparts are skipped, the mail is marked. */
	{
		char   buf[8192];
		size_t k, o = 0;
		for (k = 0; k < 20; k++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "Content-Type: multipart/mixed; boundary=b%zu\n\n--b%zu\n", k, k);
		snprintf(buf + o, sizeof(buf) - o, "Content-Type: text/plain\n\ndeep\n");
		parse(&m, &a, &flat, cs, buf);
		T_OK(m.truncated, "depth limit marks truncated");
		T_OK(strstr(ks_str(m.flat), "deep") == NULL, "nothing past the depth limit");
		ka_dispose(&a);
		ks_dispose(&flat);
	}

	/* Content-Type parameters */
	{
		const char *v = "multipart/report; Report-Type=delivery-status;\n boundary=\"a\\\"b\"", *p;
		size_t	    n;
		char	    mt[64];
		karena	    aa;
		ka_init(&aa, 0);
		kh_media_type(v, strlen(v), mt, sizeof(mt));
		T_EQ_STR(mt, "multipart/report", "media type");
		T_OK(kh_param(v, strlen(v), "boundary", &p, &n, &aa) && n == 3 && memcmp(p, "a\"b", 3) == 0, "quoted param with escape");
		T_OK(kh_param(v, strlen(v), "report-type", &p, &n, &aa) && n == 15, "param name case-insensitive");
		ka_dispose(&aa);
	}
	/*
	 * kh_field_name_len against its definition (printable ASCII but ':'
	 * up to a colon), on names of every length around the sixteen-byte
	 * steps, with one byte of each kind put at each place.
	 */
	{
		static const unsigned char kinds[] = { ' ', '\t', ':', 0x7f, 0x80, 0xff, 0, '\n', 'a', '~', '!' };
		char   line[64];
		size_t len, at, k, i, bad = 0, tried = 0;
		for (len = 1; len < 40; len++)
			for (at = 0; at <= len; at++)
				for (k = 0; k < sizeof(kinds); k++) {
					size_t want = 0, n = len + 1;
					for (i = 0; i < len; i++)
						line[i] = (char)('A' + (i * 7) % 26);
					line[len] = ':';
					if (at < len)
						line[at] = (char)kinds[k];
					for (i = 0; i < n; i++) {
						unsigned char c = (unsigned char)line[i];
						if (c <= ' ' || c >= 127 || c == ':')
							break;
					}
					if (i > 0 && i < n && line[i] == ':')
						want = i;
					bad += kh_field_name_len(line, n) != want;
					tried++;
				}
		T_OK(tried > 5000, "field names tried");
		T_EQ_INT(bad, 0, "kh_field_name_len as its definition");
	}
	/*
	 * Flat text of a text part against ref_clean(), on random bodies of
	 * letters, blanks, CR, LF and NUL (base64, so that CR and NUL reach
	 * it): long clean runs copied whole, then the line that needs work,
	 * at every offset from the sixteen-byte steps.
	 */
	{
		static const unsigned char al[] = { 'a', 'b', ' ', '\t', '\n', '\r', '\0' };
		unsigned		   seed = 11;
		int			   k, bad = 0, clean = 0;
		for (k = 0; k < 4000; k++) {
			unsigned char body[300];
			char	      enc[420], mail[600], want[700];
			size_t	      n, j;
			seed = seed * 1103515245u + 12345u;
			n = (seed >> 16) % sizeof(body);
			for (j = 0; j < n; j++) {
				seed = seed * 1103515245u + 12345u;
				/* Mostly letters and LF for some, any byte for the rest. */
				if (k % 2 == 0)
					body[j] = (seed >> 16) % 9 == 0 ? '\n' : (seed >> 16) % 37 == 1 ? al[(seed >> 20) % 7] : 'a';
				else
					body[j] = al[(seed >> 16) % 7];
			}
			b64(body, n, enc);
			snprintf(mail, sizeof(mail), "Content-Type: text/plain; charset=us-ascii\n"
			    "Content-Transfer-Encoding: base64\n\n%s\n", enc);
			ref_clean(body, n, want);
			parse(&m, &a, &flat, cs, mail);
			bad += strcmp(ks_str(m.flat), want) != 0;
			clean += k % 2 == 0 && n > 64 && memchr(body, '\r', n) == NULL && memchr(body, '\0', n) == NULL;
			ka_dispose(&a);
			ks_dispose(&flat);
		}
		T_OK(clean > 100, "bodies with long clean runs");
		T_EQ_INT(bad, 0, "flat text of CR, LF, NUL and blanks as its definition");
	}
	/*
	 * Random header blocks (fields of any length, continuation lines,
	 * blank-only lines, lines that are no field, with or without the
	 * empty line and the last newline): kh_parse gives the fields and
	 * the body offset of the line-at-a-time definition, wherever the
	 * lines fall against its sixteen-byte steps.
	 */
	{
		unsigned seed = 21;
		int	 k, bad = 0, many = 0;
		for (k = 0; k < 5000; k++) {
			static char   blk[2048];
			static size_t want[4 * 200];
			size_t	      n = 0, nw, bo = 0, wbo = 0, i;
			struct khdrs  h;
			karena	      ar;
			unsigned      tr = 0;
			int	      lines = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 30;
			while (lines-- > 0 && n < sizeof(blk) - 200) {
				unsigned r = (seed = seed * 1103515245u + 12345u) >> 16, len = r % 90, j;
				switch (r % 11) {
				case 0:	/* a continuation, or blanks only */
					blk[n++] = r % 2 ? ' ' : '\t';
					break;
				case 1:	/* not a field */
					blk[n++] = 'x';
					break;
				default:
					n += (size_t)snprintf(blk + n, 16, "X-F%u:", r % 7);
				}
				for (j = 0; j < len; j++)
					blk[n++] = (char)("abc :\t"[((seed = seed * 1103515245u + 12345u) >> 16) % 6]);
				blk[n++] = '\n';
			}
			switch (k % 3) {
			case 0:
				memcpy(blk + n, "\nbody\n", 6);
				n += 6;
				break;
			case 1:
				n--;	/* no last newline */
				break;
			}
			ka_init(&ar, 0);
			bad += kh_parse(&ar, blk, n, 1 << 20, &h, &bo, &tr) != 0;
			nw = ref_fields(blk, n, want, 200, &wbo);
			bad += h.n != nw || bo != wbo;
			for (i = 0; i < h.n && i < nw && i < 200; i++)
				bad += (size_t)(h.v[i].name - blk) != want[4 * i] || h.v[i].nlen != want[4 * i + 1] ||
				    (size_t)(h.v[i].val - blk) != want[4 * i + 2] || h.v[i].vlen != want[4 * i + 3];
			many += nw > 5 && n > 300;
			ka_dispose(&ar);
		}
		T_EQ_INT(bad, 0, "kh_parse's fields as the line-at-a-time definition");
		T_OK(many > 500, "header blocks of many fields");
	}
	kcs_free(cs);
	ks_dispose(&scratch[0]);
	ks_dispose(&scratch[1]);
	ks_dispose(&scratch[2]);
	/*
	 * km_normalise against its definition (each CR, or CR LF, becomes
	 * one LF; nothing else changes): random texts of CRs, LFs and runs
	 * of other bytes, of every length to 200, on exact heap copies; a
	 * text with no CR comes back as itself.
	 */
	{
		static const char *const bits[] = { "\r", "\n", "\r\n", "\r\r\n", "\n\r", "a", "bc ",
			"0123456789abcde", "0123456789abcdef0123456789abcdef!", "\t", "\0", "\xe3\x81\x82" };
		unsigned seed = 99;
		size_t	 bad = 0, same = 0, k;
		for (k = 0; k < 20000; k++) {
			size_t	    n = k % 201, got_n = n, i, w = 0;
			char	   *x = t_pieces(n, bits, sizeof(bits) / sizeof(bits[0]), &seed);
			char	   *want = malloc(n + 1);
			karena	    a;
			const char *got;
			ka_init(&a, 0);
			for (i = 0; i < n; i++) {
				if (x[i] == '\r') {
					want[w++] = '\n';
					if (i + 1 < n && x[i + 1] == '\n')
						i++;
				} else
					want[w++] = x[i];
			}
			got = km_normalise(&a, x, &got_n);
			bad += got == NULL || got_n != w || memcmp(got, want, w) != 0 ||
			    (got != x && got[got_n] != '\0');
			same += (memchr(x, '\r', n) == NULL) != (got == x);
			ka_dispose(&a);
			free(want);
			free(x);
		}
		T_EQ_INT(bad, 0, "km_normalise: CR and CRLF as LF, 20,000 random texts");
		T_EQ_INT(same, 0, "km_normalise: a text without CR is returned as it is");
	}

	return t_done("mime");
}

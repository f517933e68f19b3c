/*
 * NAME
 *	html - the text of an HTML part
 * DESCRIPTION
 *	Enough HTML for bounce notices: tags are dropped, block tags (br, p,
 *	div, tr, li, h1-h6, table) become newlines, the contents of head,
 *	style and script are dropped, and the common entities and numeric
 *	references are decoded. One pass, no DOM.
 */
#include "message.h"
#include "../../util/codec.h"

static const struct {
	const char *name;
	unsigned    cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "middot", 0xb7 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 },
	{ "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "ldquo", 0x201c },
	{ "rdquo", 0x201d },
};

/*
 * tag_name - the tag's name at t (tn bytes before '>'): its run of letters
 *	and digits, lower-cased into nm; returns its length, 0 when there is
 *	none or it is longer than any tag asked about here
 */
static size_t
tag_name(const char *t, size_t tn, char nm[8])
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

/* What a tag does to the text: nothing, hide its content, end a line, part cells. */
enum tag_kind { TAG_OTHER, TAG_SKIPPED, TAG_BREAK, TAG_CELL };

/*
 * tag_kind - the kind of the tag called nm (k bytes, lower case): head,
 *	style, script and title hide their content; br, p, div, tr, li and
 *	table end a line; td and th part cells. By length first: one pass of
 *	compares where three lists of names took a strcmp each.
 */
static enum tag_kind
tag_kind(const char *nm, size_t k)
{
	switch (k) {
	case 1:
		return nm[0] == 'p' ? TAG_BREAK : TAG_OTHER;
	case 2:
		if ((nm[0] == 'b' && nm[1] == 'r') || (nm[0] == 't' && nm[1] == 'r') || (nm[0] == 'l' && nm[1] == 'i'))
			return TAG_BREAK;
		return nm[0] == 't' && (nm[1] == 'd' || nm[1] == 'h') ? TAG_CELL : TAG_OTHER;
	case 3:
		return memcmp(nm, "div", 3) == 0 ? TAG_BREAK : TAG_OTHER;
	case 4:
		return memcmp(nm, "head", 4) == 0 ? TAG_SKIPPED : TAG_OTHER;
	case 5:
		if (memcmp(nm, "style", 5) == 0 || memcmp(nm, "title", 5) == 0)
			return TAG_SKIPPED;
		return memcmp(nm, "table", 5) == 0 ? TAG_BREAK : TAG_OTHER;
	case 6:
		return memcmp(nm, "script", 6) == 0 ? TAG_SKIPPED : TAG_OTHER;
	default:
		return TAG_OTHER;
	}
}

/*
 * text_run - append s[i..) up to the next '<' or '&' (or the end) with line
 *	ends made spaces; returns where it stopped. Sixteen bytes a step:
 *	the text between tags is most of a notice.
 */
static size_t
text_run(const char *s, size_t i, size_t n, kstr *out)
{
	char *o;

	if (ks_reserve(out, n - i + 16) != 0) {
		while (i < n && s[i] != '<' && s[i] != '&')
			i++;
		return i;
	}
	o = out->p + out->len;
#if defined(__SSE2__)
	while (i + 16 <= n) {
		__m128i	 x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i	 nl = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('<')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('&'))));
		_mm_storeu_si128((__m128i *)(void *)o,
		    _mm_or_si128(_mm_andnot_si128(nl, x), _mm_and_si128(nl, _mm_set1_epi8(' '))));
		if (stop != 0) {
			o += __builtin_ctz(stop);
			i += __builtin_ctz(stop);
			goto done;
		}
		o += 16;
		i += 16;
	}
#endif
	for (; i < n && s[i] != '<' && s[i] != '&'; i++)
		*o++ = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
#if defined(__SSE2__)
done:
#endif
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
	return i;
}

/* tag_start - whether the '<' at s[i] opens markup: a letter, '/', '!' or '?' follows */
static int
tag_start(const char *s, size_t i, size_t n)
{
	unsigned char c = i + 1 < n ? (unsigned char)s[i + 1] : 0;

	return k_isalpha(c) || c == '/' || c == '!' || c == '?';
}

/*
 * is_address - whether a "tag" t (tn bytes, between '<' and '>') is a mail
 * address a careless writer left unescaped: an '@' inside one word, no
 * blank, '=' or quote (no tag name holds an '@'; attributes need '=').
 */
static int
is_address(const char *t, size_t tn)
{
	const char *at;
	size_t	    k = 0;

	/* A tag's name ends at a blank, '/' or its end: most tags are out here. */
	while (k < tn && k_isalnum((unsigned char)t[k]))
		k++;
	if (k == tn || k_isspace((unsigned char)t[k]) || t[k] == '/')
		return 0;
	if ((at = tn > 2 ? memchr(t, '@', tn) : NULL) == NULL || at == t || at == t + tn - 1)
		return 0;
	for (k = 0; k < tn; k++) {
		unsigned char c = (unsigned char)t[k];
		if (k_isspace(c) || c == '=' || c == '"' || c == '\'' || c == '<')
			return 0;
	}
	return 1;
}

/* km_html_text - append the text of an HTML document */
void
km_html_text(const char *s, size_t n, kstr *out)
{
	size_t	       i = 0;
	char	       nm[8], skip[8];	/* a tag's name; the name whose closing tag ends the hidden content */
	size_t	       nk, skipn = 0;	/* skipn 0: not inside hidden content */
	enum tag_kind  kind;

	while (i < n) {
		char c = s[i];

		if (c == '<' && !tag_start(s, i, n)) {
			/* "1 < 2", "<=": a '<' that opens no tag is text (HTML5). */
			if (skipn == 0)
				ks_addc(out, '<');
			i++;
			continue;
		}
		if (c == '<') {
			const char *gt = k_find3(s + i, n - i, '>', '>', '>');
			const char *t = s + i + 1;
			size_t	    tn;
			int	    closing = 0;

			if (gt == NULL)
				break;
			if (skipn == 0 && is_address(t, (size_t)(gt - t))) {
				/* "<user@example.com>" written unescaped: the address, not a tag. */
				ks_add(out, s + i, (size_t)(gt - s) + 1 - i);
				i = (size_t)(gt - s) + 1;
				continue;
			}
			if (t < gt && *t == '/') {
				closing = 1;
				t++;
			}
			tn = (size_t)(gt - t);
			nk = tag_name(t, tn, nm);
			if (skipn > 0) {
				if (closing && nk == skipn && memcmp(nm, skip, nk) == 0)
					skipn = 0;
				i = (size_t)(gt - s) + 1;
				continue;
			}
			if (tn >= 3 && memcmp(t, "!--", 3) == 0) {
				const char *e = k_memmem(t, n - (size_t)(t - s), "-->", 3);
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			kind = tag_kind(nm, nk);
			if (!closing && kind == TAG_SKIPPED) {
				memcpy(skip, nm, nk);
				skipn = nk;
			} else if (kind == TAG_BREAK ||
			    (tn >= 2 && (t[0] == 'h' || t[0] == 'H') && t[1] >= '1' && t[1] <= '6')) {
				ks_addc(out, '\n');
			} else if (kind == TAG_CELL) {
				ks_addc(out, ' ');
			}
			i = (size_t)(gt - s) + 1;
			continue;
		}
		if (skipn > 0) {
			/* Inside head, style or script: on to the next tag. */
			const char *lt = k_find3(s + i, n - i, '<', '<', '<');
			i = lt != NULL ? (size_t)(lt - s) : n;
			continue;
		}
		if (c != '&') {
			/*
			 * A line shows no leading blanks ("<br>\n  text" is
			 * "text" at the start of its line): the source's line
			 * ends and indentation are not text; &nbsp; is.
			 */
			if (out->len == 0 || out->p[out->len - 1] == '\n') {
				while (i < n && k_isspace((unsigned char)s[i]))
					i++;
				if (i == n || s[i] == '<' || s[i] == '&')
					continue;
			}
			i = text_run(s, i, n, out);
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
					for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
						if (strlen(entities[k].name) == en && memcmp(entities[k].name, e, en) == 0) {
							kc_utf8_put(out, entities[k].cp);
							break;
						}
					}
					if (k < sizeof(entities) / sizeof(entities[0])) {
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

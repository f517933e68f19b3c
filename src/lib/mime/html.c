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

/* tag_eq - is nm (k bytes) the name */
static int
tag_eq(const char *nm, size_t k, const char *name)
{
	return k > 0 && name[0] == nm[0] && strncmp(name, nm, k) == 0 && name[k] == '\0';
}

/* tag_in - the name of a NULL-terminated list that nm (k bytes) is, or NULL */
static const char *
tag_in(const char *nm, size_t k, const char *const *names)
{
	for (; *names != NULL; names++)
		if (tag_eq(nm, k, *names))
			return *names;
	return NULL;
}

/* Tags whose content is not text; tags that end a line; table cells. */
static const char *const skipped[] = { "style", "script", "head", "title", NULL };
static const char *const breaks[] = { "br", "p", "div", "tr", "li", "table", NULL };
static const char *const cells[] = { "td", "th", NULL };

/* km_html_text - append the text of an HTML document */
void
km_html_text(const char *s, size_t n, kstr *out)
{
	size_t i = 0;
	const char *skipto = NULL, *sk;
	char nm[8];
	size_t nk;

	while (i < n) {
		char c = s[i];

		if (c == '<') {
			const char *gt = memchr(s + i, '>', n - i);
			const char *t = s + i + 1;
			size_t	    tn;
			int	    closing = 0;

			if (gt == NULL)
				break;
			if (t < gt && *t == '/') {
				closing = 1;
				t++;
			}
			tn = (size_t)(gt - t);
			nk = tag_name(t, tn, nm);
			if (skipto != NULL) {
				if (closing && tag_eq(nm, nk, skipto))
					skipto = NULL;
				i = (size_t)(gt - s) + 1;
				continue;
			}
			if (tn >= 3 && memcmp(t, "!--", 3) == 0) {
				const char *e = k_memmem(t, n - (size_t)(t - s), "-->", 3);
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			if (!closing && (sk = tag_in(nm, nk, skipped)) != NULL)
				skipto = sk;
			else if (tag_in(nm, nk, breaks) != NULL ||
			    (tn >= 2 && (t[0] == 'h' || t[0] == 'H') && t[1] >= '1' && t[1] <= '6'))
				ks_addc(out, '\n');
			else if (tag_in(nm, nk, cells) != NULL)
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
			size_t j = i, k;
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

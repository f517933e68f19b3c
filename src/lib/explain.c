/*
 * NAME
 *	explain - the code registry behind kaeru_explain()
 * DESCRIPTION
 *	Four tables compiled from data/codes/ by tools/gen_table.py, each
 *	sorted by its lower-cased key for bsearch():
 *	    enhanced.tsv   status codes: C.X.X classes, X.S.X subjects,
 *	                   X.S.D registered codes, C.S.D class-specific ones
 *	    reply.tsv      reply codes: Cxx classes, xDx second digits, codes
 *	    providers.tsv  provider:code -> a provider's own meaning
 *	    advice.tsv     advice texts, by action hint or a finer key
 *	A status code is looked up as C.S.D, then X.S.D (registered), then a
 *	provider entry, then X.S.X and C.X.X (unregistered: explained by its
 *	subject and class). The reason of a row depends on the class (4 or
 *	5; class 2 is always delivered); category, hard and the action hint
 *	follow from the reason as they do for parsed records (names.c), with
 *	one difference: a transient code never advises to suppress at once.
 */
#include <kaeru/explain.h>
#include <kaeru/format.h>

#include "error.h"
#include "reason/reason.h"
#include "../util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_status.inc"
#include "explain_reply.inc"
#include "explain_provider.inc"
#include "explain_advice.inc"
#include "explain_reasons.inc"

enum { T_STATUS, T_REPLY, T_PROVIDER, T_END };

/* One row of any code table, seen the same way. */
struct row {
	const char *key;	/* lower-cased: "x.1.1", "55x", "gmail:5.7.26" */
	const char *source;
	const char *r5, *r4;	/* reason names for class 5 and class 4 */
	const char *advice;	/* advice key or "-" */
	const char *text[2];	/* en, ja */
	int	    cls;	/* provider rows: 4 or 5; else 0 */
};

/* row_at - the i-th row of a table as a struct row; 0 past the end */
static int
row_at(unsigned table, size_t i, struct row *r)
{
	const char *const *c;

	memset(r, 0, sizeof(*r));
	switch (table) {
	case T_STATUS:
		if (i >= ex_status_COUNT)
			return 0;
		c = ex_status[i].c;
		break;
	case T_REPLY:
		if (i >= ex_reply_COUNT)
			return 0;
		c = ex_reply[i].c;
		break;
	case T_PROVIDER:
		if (i >= ex_provider_COUNT)
			return 0;
		c = ex_provider[i].c;
		r->key = c[0];
		r->source = c[1];
		r->cls = c[2][0] - '0';
		r->r5 = r->r4 = c[3];
		r->advice = c[4];
		r->text[0] = c[5];
		r->text[1] = c[6];
		return 1;
	default:
		return 0;
	}
	r->key = c[0];
	r->source = c[1];
	r->r5 = c[2];
	r->r4 = c[3];
	r->advice = c[4];
	r->text[0] = c[5];
	r->text[1] = c[6];
	return 1;
}

/* cmp_key - bsearch comparator: a key against the first column of a row */
static int
cmp_key(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* find - the row of a status or reply table with this (lower-case) key */
static int
find(unsigned table, const char *key, struct row *r)
{
	const void *base = table == T_STATUS ? (const void *)ex_status : (const void *)ex_reply;
	size_t	    n = table == T_STATUS ? ex_status_COUNT : ex_reply_COUNT;
	size_t	    size = table == T_STATUS ? sizeof(ex_status[0]) : sizeof(ex_reply[0]);
	const char *p = bsearch(key, base, n, size, cmp_key);

	if (p == NULL)
		return 0;
	return row_at(table, (size_t)(p - (const char *)base) / size, r);
}

/* advice_text - the advice for a key in a language; NULL if unknown */
static const char *
advice_text(const char *key, int ja)
{
	const struct ex_advice_row *a = bsearch(key, ex_advice, ex_advice_COUNT,
	    sizeof(ex_advice[0]), cmp_key);

	return a ? a->c[1 + ja] : NULL;
}

/* lang_index - 0 for English, 1 for Japanese, -1 for another language */
static int
lang_index(const char *lang)
{
	if (lang == NULL || lang[0] == '\0' || strncmp(lang, "en", 2) == 0 ||
	    strcmp(lang, "C") == 0 || strcmp(lang, "POSIX") == 0)
		return 0;
	if (strncmp(lang, "ja", 2) == 0)
		return 1;
	return -1;
}

/* parse_status - "c.s.d" with c in 2, 4, 5 and s, d below 1000 */
static int
parse_status(const char *s, int *c, int *subj, int *det)
{
	int  v[3], i;
	char *end;

	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return 0;
		long n = strtol(s, &end, 10);
		if (end - s > 3 || n > 999)
			return 0;
		v[i] = (int)n;
		s = end;
		if (i < 2 && *s++ != '.')
			return 0;
	}
	if (*s != '\0' || (v[0] != 2 && v[0] != 4 && v[0] != 5))
		return 0;
	*c = v[0];
	*subj = v[1];
	*det = v[2];
	return 1;
}

/* is_reply - three digits, the first 2 to 5 */
static int
is_reply(const char *s)
{
	return s[0] >= '2' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9' && s[3] == '\0';
}

/* norm_token - a provider token for comparison: no [ ], no AUP#, lower case */
static void
norm_token(const char *s, char *out, size_t size)
{
	size_t n = strlen(s), i;

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n > 4 && k_strncaseeq(s, "aup#", 4)) {
		s += 4;
		n -= 4;
	}
	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = (char)k_lower((unsigned char)s[i]);
	out[i] = '\0';
}

/* prov_matches - whether a provider entry's code (after "name:") covers q */
static int
prov_matches(const char *rowcode, const char *q)
{
	char a[40], b[40];
	int  c, s, d, rc, rs, d1, d2, n;

	if (strchr(rowcode, '-') != NULL &&
	    sscanf(rowcode, "%d.%d.%d-%d%n", &rc, &rs, &d1, &d2, &n) == 4 && rowcode[n] == '\0')
		return parse_status(q, &c, &s, &d) && c == rc && s == rs && d >= d1 && d <= d2;
	norm_token(rowcode, a, sizeof(a));
	norm_token(q, b, sizeof(b));
	return strcmp(a, b) == 0;
}

/* prov_find - the first provider row (of a provider, if given) for code q */
static int
prov_find(const char *provider, size_t plen, const char *q, struct row *r)
{
	size_t i;

	for (i = 0; row_at(T_PROVIDER, i, r); i++) {
		const char *colon = strchr(r->key, ':');
		if (colon == NULL)
			continue;
		if (provider != NULL && ((size_t)(colon - r->key) != plen || strncmp(r->key, provider, plen) != 0))
			continue;
		if (prov_matches(colon + 1, q))
			return 1;
	}
	return 0;
}

/* set_str - copy into a fixed buffer of the explanation, upper-casing if asked */
static void
set_str(char *dst, size_t size, const char *s, int upper)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		dst[i] = upper ? (char)k_upper((unsigned char)s[i]) : s[i];
	dst[i] = '\0';
}

/* removes_address - specific advice keys that mean "remove the address" */
static int
removes_address(const char *key)
{
	return strcmp(key, "check_domain") == 0 || strcmp(key, "check_address") == 0 ||
	    strcmp(key, "rrvs") == 0 || strcmp(key, "suppress") == 0;
}

/*
 * set_kind - the fields an answer of this kind and class has whatever
 *	the entry: kind, language, provider (none), and what the class means
 *	(the Cxx row of reply codes, else the C.X.X row of status codes)
 */
static void
set_kind(kaeru_explanation *out, kaeru_code_kind kind, int cls, int ja)
{
	static const char *const kinds[] = { "reply", "status", "provider", "reason" };
	struct row cr;
	char	   ckey[16];

	out->kind = kind;
	out->kind_name = kinds[kind];
	out->lang = ja ? "ja" : "en";
	out->provider = "";
	if (kind == KAERU_CODE_REPLY)
		snprintf(ckey, sizeof(ckey), "%dxx", cls);
	else
		snprintf(ckey, sizeof(ckey), "%d.x.x", cls);
	out->class_meaning = find(kind == KAERU_CODE_REPLY ? T_REPLY : T_STATUS, ckey, &cr) ? cr.text[ja] : "";
	out->severity = cls == 4 ? "transient" : cls == 5 ? "permanent" : "success";
}

/* set_reason - the reason, its category and hard or soft, as a record of it gets them */
static void
set_reason(kaeru_explanation *out, kaeru_reason reason, int permanent)
{
	out->reason_id = reason;
	out->reason = kaeru_reason_name(reason);
	out->category_id = reason == KAERU_REASON_DELIVERED ? KAERU_CATEGORY_DELIVERED : kr_category(reason, permanent);
	out->category = kaeru_category_name(out->category_id);
	out->hard = permanent && kaeru_reason_is_hard(reason, "5");
}

/*
 * fill - explain a row for a code of class cls
 *	kind and registered describe the answer; entry is the row's display
 *	name; the class meaning comes from the C.X.X (or Cxx) row.
 */
static int
fill(kaeru_explanation *out, kaeru_code_kind kind, const struct row *r, int cls,
    int ja, int registered)
{
	const char *rname, *akey;
	kaeru_reason reason;
	int	   permanent = cls == 5, h;

	set_kind(out, kind, cls, ja);
	out->registered = registered;
	out->source = r->source;
	out->meaning = r->text[ja];
	if (kind == KAERU_CODE_PROVIDER) {
		const char *colon = strchr(r->key, ':');
		static const char *const names[] = { "cox", "gmail", "microsoft", "yahoo" };
		size_t i;
		for (i = 0; colon != NULL && i < sizeof(names) / sizeof(names[0]); i++)
			if ((size_t)(colon - r->key) == strlen(names[i]) &&
			    strncmp(r->key, names[i], strlen(names[i])) == 0)
				out->provider = names[i];
	}
	rname = cls == 2 || cls == 3 ? "delivered" : cls == 4 ? r->r4 : r->r5;
	if (kaeru_reason_from_name(rname, &reason) != 0)
		return kerr_set(KAERU_EPARSE, "code registry: %s: unknown reason \"%s\"", r->key, rname);
	set_reason(out, reason, permanent);

	/* the action hint: the advice key when it is a hint, else the reason's */
	akey = r->advice;
	out->hint_id = KAERU_HINT_COUNT;
	if (reason == KAERU_REASON_DELIVERED) {
		out->hint_id = KAERU_HINT_IGNORE;
		akey = "ignore";
	} else {
		for (h = 0; h < KAERU_HINT_COUNT; h++)
			if (strcmp(akey, kaeru_action_hint_name((kaeru_action_hint)h)) == 0)
				out->hint_id = (kaeru_action_hint)h;
		if (out->hint_id == KAERU_HINT_COUNT)
			out->hint_id = kr_hint(reason, permanent);
		if (!permanent && out->hint_id == KAERU_HINT_SUPPRESS)
			out->hint_id = KAERU_HINT_SUPPRESS_AFTER_RETRIES;
		if (strcmp(akey, "-") == 0 || (!permanent && removes_address(akey)))
			akey = kaeru_action_hint_name(out->hint_id);
	}
	out->action_hint = kaeru_action_hint_name(out->hint_id);
	if ((out->advice = advice_text(akey, ja)) == NULL)
		return kerr_set(KAERU_EPARSE, "code registry: %s: unknown advice \"%s\"", r->key, akey);
	return 0;
}

/* entry_name - the display name of a row key ("x.1.1" -> "X.1.1") */
static void
entry_name(kaeru_explanation *out, const struct row *r, kaeru_code_kind kind)
{
	set_str(out->entry, sizeof(out->entry), r->key, kind == KAERU_CODE_STATUS);
	if (kind == KAERU_CODE_PROVIDER) {
		const char *colon = strchr(r->key, ':');
		size_t	    p = colon ? (size_t)(colon - r->key) + 1 : 0;
		set_str(out->entry + p, sizeof(out->entry) - p, r->key + p, 1);
	}
}

/* explain_status - a well-formed status code c.s.d */
static int
explain_status(int c, int s, int d, int ja, kaeru_explanation *out)
{
	struct row r;
	char	   key[24];

	snprintf(out->code, sizeof(out->code), "%d.%d.%d", c, s, d);
	if (find(T_STATUS, out->code, &r) || (snprintf(key, sizeof(key), "x.%d.%d", s, d), find(T_STATUS, key, &r))) {
		entry_name(out, &r, KAERU_CODE_STATUS);
		return fill(out, KAERU_CODE_STATUS, &r, c, ja, 1);
	}
	if (prov_find(NULL, 0, out->code, &r)) {
		entry_name(out, &r, KAERU_CODE_PROVIDER);
		return fill(out, KAERU_CODE_PROVIDER, &r, c, ja, 1);
	}
	snprintf(key, sizeof(key), "x.%d.x", s);
	if (!find(T_STATUS, key, &r)) {
		snprintf(key, sizeof(key), "%d.x.x", c);
		if (!find(T_STATUS, key, &r))
			return kerr_set(KAERU_EPARSE, "code registry: no class row for %s", out->code);
	}
	entry_name(out, &r, KAERU_CODE_STATUS);
	return fill(out, KAERU_CODE_STATUS, &r, c, ja, 0);
}

/* explain_reply - a three-digit reply code */
static int
explain_reply(const char *code, int ja, kaeru_explanation *out)
{
	struct row r;
	char	   key[8];
	int	   c = code[0] - '0', registered = 1;

	set_str(out->code, sizeof(out->code), code, 0);
	if (!find(T_REPLY, code, &r)) {
		registered = 0;
		snprintf(key, sizeof(key), "x%cx", code[1]);
		if (!find(T_REPLY, key, &r)) {
			snprintf(key, sizeof(key), "%cxx", code[0]);
			if (!find(T_REPLY, key, &r))
				return kerr_set(KAERU_EPARSE, "code registry: no class row for %s", code);
		}
	}
	entry_name(out, &r, KAERU_CODE_REPLY);
	return fill(out, KAERU_CODE_REPLY, &r, c, ja, registered);
}

/* explain_provider - a provider row found for the code q */
static int
explain_provider(const struct row *r, const char *q, int ja, kaeru_explanation *out)
{
	int  c, s, d;
	char t[32];

	if (parse_status(q, &c, &s, &d))
		snprintf(out->code, sizeof(out->code), "%d.%d.%d", c, s, d);
	else {
		const char *colon = strchr(r->key, ':');
		/* a token: spell it as the registry does (AUP#CXBL for CXBL) */
		norm_token(q, t, sizeof(t));
		set_str(out->code, sizeof(out->code), colon ? colon + 1 : t, 1);
	}
	entry_name(out, r, KAERU_CODE_PROVIDER);
	return fill(out, KAERU_CODE_PROVIDER, r, r->cls, ja, 1);
}

/*
 * explain_reason - a reason name of the taxonomy ("userunknown"): its
 *	meaning (data/codes/reasons.tsv), and the category, hard or soft,
 *	hint and advice a record of that reason gets with a code of the
 *	class it usually comes with; -1 when q is no reason name
 */
static int
explain_reason(const char *q, int ja, kaeru_explanation *out)
{
	const struct ex_reasons_row *row = bsearch(q, ex_reasons, ex_reasons_COUNT, sizeof(ex_reasons[0]), cmp_key);
	kaeru_reason reason;
	int	     cls, permanent;

	if (row == NULL || kaeru_reason_from_name(row->c[0], &reason) != 0)
		return -1;
	cls = row->c[1][0] - '0';
	permanent = cls == 5;
	set_str(out->code, sizeof(out->code), row->c[0], 0);
	set_str(out->entry, sizeof(out->entry), "reason:", 0);
	set_str(out->entry + 7, sizeof(out->entry) - 7, row->c[0], 0);
	set_kind(out, KAERU_CODE_REASON, cls, ja);
	out->registered = 1;
	out->source = "kaeru";
	out->meaning = row->c[2 + ja];
	set_reason(out, reason, permanent);
	out->hint_id = kr_hint(reason, permanent);
	out->action_hint = kaeru_action_hint_name(out->hint_id);
	if ((out->advice = advice_text(out->action_hint, ja)) == NULL)
		return kerr_set(KAERU_EPARSE, "reasons table: no advice for \"%s\"", out->action_hint);
	return 0;
}

int
kaeru_explain(const char *code, const char *lang, kaeru_explanation *out)
{
	char	   q[64];
	const char *p, *colon;
	size_t	   n;
	int	   ja, c, s, d;
	struct row r;

	if (code == NULL || out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_explain: NULL argument");
	memset(out, 0, sizeof(*out));
	if ((ja = lang_index(lang)) < 0)
		return kerr_set(KAERU_EINVAL, "unknown language \"%s\" (en, ja)", lang);
	p = code;
	n = strlen(code);
	k_trim(&p, &n);
	if (n == 0 || n >= sizeof(q))
		return kerr_set(KAERU_ENOTFOUND, "\"%s\" is not a reply code, status code or known provider code", code);
	memcpy(q, p, n);
	q[n] = '\0';
	k_lowercase(q, n);

	if ((colon = strchr(q, ':')) != NULL) {
		if (!prov_find(q, (size_t)(colon - q), colon + 1, &r))
			return kerr_set(KAERU_ENOTFOUND, "no provider entry \"%s\"", code);
		return explain_provider(&r, colon + 1, ja, out);
	}
	if (parse_status(q, &c, &s, &d))
		return explain_status(c, s, d, ja, out);
	if (is_reply(q))
		return explain_reply(q, ja, out);
	if (prov_find(NULL, 0, q, &r))
		return explain_provider(&r, q, ja, out);
	if (explain_reason(q, ja, out) == 0)
		return 0;
	return kerr_set(KAERU_ENOTFOUND, "\"%s\" is not a reply code, status code, known provider code or reason",
	    code);
}

void
kaeru_explain_iter_init(kaeru_explain_iter *it, const char *lang, const char *code)
{
	size_t n;

	memset(it, 0, sizeof(*it));
	it->lang = lang;
	if (code != NULL) {
		const char *p = code;
		n = strlen(code);
		k_trim(&p, &n);
		if (n >= sizeof(it->code))
			n = sizeof(it->code) - 1;
		memcpy(it->code, p, n);
		it->code[n] = '\0';
		k_lowercase(it->code, n);
		it->table = it->code[0] ? T_PROVIDER : T_STATUS;
	}
}

/* row_class - the class a row is read in when listed: its own, or 5 */
static int
row_class(unsigned table, const struct row *r)
{
	if (table == T_PROVIDER)
		return r->cls;
	if (r->key[0] >= '2' && r->key[0] <= '5')
		return r->key[0] - '0';
	return 5;
}

int
kaeru_explain_next(kaeru_explain_iter *it, kaeru_explanation *out)
{
	struct row r;
	int	   ja = lang_index(it->lang);

	if (ja < 0)
		return kerr_set(KAERU_EINVAL, "unknown language \"%s\" (en, ja)", it->lang);
	while (it->table < T_END) {
		kaeru_code_kind kind;
		int		registered, rc;
		const char     *dot;

		if (!row_at(it->table, it->pos, &r)) {
			it->table = it->code[0] ? T_END : it->table + 1;
			it->pos = 0;
			continue;
		}
		it->pos++;
		if (it->code[0]) {
			const char *colon = strchr(r.key, ':');
			if (colon == NULL || !prov_matches(colon + 1, it->code))
				continue;
		}
		memset(out, 0, sizeof(*out));
		kind = it->table == T_STATUS ? KAERU_CODE_STATUS : it->table == T_REPLY ? KAERU_CODE_REPLY : KAERU_CODE_PROVIDER;
		entry_name(out, &r, kind);
		if (it->code[0])
			return (rc = explain_provider(&r, it->code, ja, out)) == 0 ? 1 : rc;
		/* a class or subject pattern is no registered code */
		dot = strrchr(r.key, '.');
		registered = kind == KAERU_CODE_PROVIDER ||
		    (kind == KAERU_CODE_STATUS && dot != NULL && dot[1] != 'x') ||
		    (kind == KAERU_CODE_REPLY && strchr(r.key, 'x') == NULL);
		set_str(out->code, sizeof(out->code), out->entry, 0);
		if ((rc = fill(out, kind, &r, row_class(it->table, &r), ja, registered)) != 0)
			return rc;
		return 1;
	}
	return 0;
}

/* buf_adds - append a C string to a kaeru_buf */
static int
buf_adds(kaeru_buf *out, const char *z)
{
	kstr k = { out->ptr, out->size, out->asize, 0 };

	ks_adds(&k, z);
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	return k.broken ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

/* add_field - append "name":value, after a comma unless it is the first */
static int
add_field(kaeru_buf *out, int *first, unsigned flags, const char *name,
    const char *value, int boolean)
{
	int rc = 0;

	if (!*first)
		rc |= buf_adds(out, ",");
	*first = 0;
	if (flags & KAERU_FORMAT_PRETTY)
		rc |= buf_adds(out, "\n  ");
	rc |= kaeru_json_string(name, strlen(name), out);
	rc |= buf_adds(out, (flags & KAERU_FORMAT_PRETTY) ? ": " : ":");
	if (boolean)
		rc |= buf_adds(out, value);
	else
		rc |= kaeru_json_string(value, strlen(value), out);
	return rc;
}

int
kaeru_explanation_json(const kaeru_explanation *e, unsigned flags, kaeru_buf *out)
{
	int first = 1, rc = 0;

#define S(name, v) rc |= add_field(out, &first, flags, name, (v) ? (v) : "", 0)
#define B(name, v) rc |= add_field(out, &first, flags, name, (v) ? "true" : "false", 1)
	rc |= buf_adds(out, "{");
	S("code", e->code);
	S("kind", e->kind_name);
	S("entry", e->entry);
	B("registered", e->registered);
	S("source", e->source);
	S("provider", e->provider);
	S("lang", e->lang);
	S("meaning", e->meaning);
	S("class_meaning", e->class_meaning);
	S("severity", e->severity);
	S("reason", e->reason);
	S("category", e->category);
	B("hardbounce", e->hard);
	S("action_hint", e->action_hint);
	S("advice", e->advice);
#undef S
#undef B
	rc |= buf_adds(out, (flags & KAERU_FORMAT_PRETTY) ? "\n}" : "}");
	return rc ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

int
kaeru_explanation_line(const kaeru_explanation *e, kaeru_buf *out)
{
	int ja = e->lang != NULL && strcmp(e->lang, "ja") == 0, rc = 0;

	rc |= buf_adds(out, e->meaning ? e->meaning : "");
	rc |= buf_adds(out, ja ? "。" : ". ");
	rc |= buf_adds(out, e->advice ? e->advice : "");
	return rc ? KAERU_ENOMEM : 0;
}

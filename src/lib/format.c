/*
 * NAME
 *	format - records as JSON and CSV
 * DESCRIPTION
 *	One field list drives every writer, so JSON, CSV and the CLI's table
 *	always show the same fields in the same order: Sisimai's names
 *	first, kaeru's additions after. Strings are sanitised to UTF-8 on
 *	the way out (the parse already converts text, but a header with raw
 *	bytes may survive), so that JSON output is always valid.
 */
#include <kaeru/format.h>

#include "error.h"
#include "../util/codec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const field_names[] = {
	"timestamp", "timezoneoffset", "origin", "addresser", "senderdomain",
	"recipient", "destination", "alias", "action", "replycode",
	"deliverystatus", "command", "reason", "diagnosticcode",
	"diagnostictype", "feedbacktype", "feedbackid", "hardbounce", "subject",
	"messageid", "listid", "decodedby", "lhost", "rhost", "token",
	"category", "action_hint", "rule", "kind", "truncated", NULL,
};

const char *const *
kaeru_record_fields(void)
{
	return field_names;
}

/* str_field - the string value of a named field, NULL for non-strings */
static const char *
str_field(const kaeru_record *r, const char *name)
{
#define F(x) if (strcmp(name, #x) == 0) return r->x
	F(timezoneoffset); F(origin); F(addresser); F(senderdomain);
	F(recipient); F(destination); F(alias); F(action); F(replycode);
	F(deliverystatus); F(command); F(reason); F(diagnosticcode);
	F(diagnostictype); F(feedbacktype); F(feedbackid); F(subject);
	F(messageid); F(listid); F(decodedby); F(lhost); F(rhost); F(token);
	F(category); F(action_hint); F(rule);
#undef F
	if (strcmp(name, "kind") == 0)
		return kaeru_kind_name(r->kind);
	return NULL;
}

/* buf_add - append to a kaeru_buf through a kstr view */
static int
buf_add(kaeru_buf *out, const char *s, size_t n)
{
	kstr k = { out->ptr, out->size, out->asize, 0 };

	ks_add(&k, s, n);
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	return k.broken ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

int
kaeru_json_string(const char *s, size_t n, kaeru_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	kstr   k = { out->ptr, out->size, out->asize, 0 };
	size_t i = 0;

	ks_addc(&k, '"');
	while (i < n) {
		size_t v = kc_utf8_valid_prefix(s + i, n - i), j, start = i;
		for (j = i; j < i + v; j++) {
			unsigned char c = (unsigned char)s[j];
			if (c >= 0x20 && c != '"' && c != '\\')
				continue;
			ks_add(&k, s + start, j - start);
			start = j + 1;
			switch (c) {
			case '"': ks_add(&k, "\\\"", 2); break;
			case '\\': ks_add(&k, "\\\\", 2); break;
			case '\n': ks_add(&k, "\\n", 2); break;
			case '\r': ks_add(&k, "\\r", 2); break;
			case '\t': ks_add(&k, "\\t", 2); break;
			default: {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				ks_add(&k, e, 6);
			}
			}
		}
		ks_add(&k, s + start, i + v - start);
		i += v;
		if (i < n) {
			ks_add(&k, "\xef\xbf\xbd", 3);	/* U+FFFD */
			i++;
		}
	}
	ks_addc(&k, '"');
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	return k.broken ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
}

int
kaeru_record_json(const kaeru_record *r, unsigned flags, kaeru_buf *out)
{
	const char *const *f;
	int	    first = 1, rc = 0;
	const char *sep = (flags & KAERU_FORMAT_PRETTY) ? ",\n  " : ",";
	const char *colon = (flags & KAERU_FORMAT_PRETTY) ? ": " : ":";

	rc |= buf_add(out, (flags & KAERU_FORMAT_PRETTY) ? "{\n  " : "{", (flags & KAERU_FORMAT_PRETTY) ? 4 : 1);
	for (f = field_names; *f != NULL; f++) {
		const char *v;
		char	    num[32];

		if (!first)
			rc |= buf_add(out, sep, strlen(sep));
		first = 0;
		rc |= kaeru_json_string(*f, strlen(*f), out);
		rc |= buf_add(out, colon, strlen(colon));
		if (strcmp(*f, "timestamp") == 0) {
			snprintf(num, sizeof(num), "%" PRId64, r->timestamp);
			rc |= buf_add(out, num, strlen(num));
		} else if (strcmp(*f, "hardbounce") == 0) {
			rc |= buf_add(out, r->hardbounce ? "true" : "false", r->hardbounce ? 4 : 5);
		} else if (strcmp(*f, "truncated") == 0) {
			int t = (r->flags & KAERU_RECORD_TRUNCATED) != 0;
			rc |= buf_add(out, t ? "true" : "false", t ? 4 : 5);
		} else {
			v = str_field(r, *f);
			if (v == NULL)
				v = "";
			rc |= kaeru_json_string(v, strlen(v), out);
		}
	}
	rc |= buf_add(out, (flags & KAERU_FORMAT_PRETTY) ? "\n}" : "}", (flags & KAERU_FORMAT_PRETTY) ? 2 : 1);
	return rc ? KAERU_ENOMEM : 0;
}

/* csv_cell - one RFC 4180 cell */
static int
csv_cell(const char *s, kaeru_buf *out)
{
	size_t n = strlen(s);
	int    rc = 0;

	if (strpbrk(s, ",\"\r\n") == NULL && (n == 0 || (s[0] != ' ' && s[n - 1] != ' ')))
		return buf_add(out, s, n);
	/* Quoted: copy the runs between quotes whole, doubling each quote. */
	rc |= buf_add(out, "\"", 1);
	while (n > 0) {
		const char *q = memchr(s, '"', n);
		size_t	    run = q != NULL ? (size_t)(q - s) + 1 : n;

		rc |= buf_add(out, s, run);
		if (q != NULL)
			rc |= buf_add(out, "\"", 1);
		s += run;
		n -= run;
	}
	rc |= buf_add(out, "\"", 1);
	return rc;
}

int
kaeru_record_csv_header(kaeru_buf *out)
{
	const char *const *f;
	int	    rc = 0;

	for (f = field_names; *f != NULL; f++) {
		if (f != field_names)
			rc |= buf_add(out, ",", 1);
		rc |= buf_add(out, *f, strlen(*f));
	}
	rc |= buf_add(out, "\r\n", 2);
	return rc ? KAERU_ENOMEM : 0;
}

int
kaeru_record_field(const kaeru_record *r, const char *name, kaeru_buf *out)
{
	const char *v;
	char	    num[32];

	out->size = 0;
	if (out->ptr != NULL)
		out->ptr[0] = '\0';
	if (strcmp(name, "timestamp") == 0) {
		snprintf(num, sizeof(num), "%" PRId64, r->timestamp);
		v = num;
	} else if (strcmp(name, "hardbounce") == 0)
		v = r->hardbounce ? "true" : "false";
	else if (strcmp(name, "truncated") == 0)
		v = (r->flags & KAERU_RECORD_TRUNCATED) ? "true" : "false";
	else if ((v = str_field(r, name)) == NULL)
		return kerr_set(KAERU_ENOTFOUND, "no field named %s", name);
	{
		/* Sanitise to UTF-8 for terminals too. */
		kstr k = { out->ptr, out->size, out->asize, 0 };
		kc_utf8_sanitize(&k, v, strlen(v));
		if (k.p == NULL)
			ks_add(&k, "", 0);
		out->ptr = k.p;
		out->size = k.len;
		out->asize = k.cap;
		return k.broken ? kerr_set(KAERU_ENOMEM, "out of memory") : 0;
	}
}

int
kaeru_record_csv(const kaeru_record *r, kaeru_buf *out)
{
	const char *const *f;
	kaeru_buf   cell = KAERU_BUF_INIT;
	int	    rc = 0;

	for (f = field_names; *f != NULL; f++) {
		if (f != field_names)
			rc |= buf_add(out, ",", 1);
		if ((rc |= kaeru_record_field(r, *f, &cell)) != 0)
			break;
		rc |= csv_cell(cell.ptr ? cell.ptr : "", out);
	}
	kaeru_buf_dispose(&cell);
	rc |= buf_add(out, "\r\n", 2);
	return rc ? KAERU_ENOMEM : 0;
}

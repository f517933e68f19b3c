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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * The fields in output order. S: a string member of the record; the
 * others are written from their own members.
 */
#define KAERU_FIELDS(S, T) \
	T(timestamp, F_TIME) S(timezoneoffset) S(origin) S(addresser) \
	S(senderdomain) S(recipient) S(destination) S(alias) S(action) \
	S(replycode) S(deliverystatus) S(command) S(reason) S(diagnosticcode) \
	S(diagnostictype) S(feedbacktype) S(feedbackid) T(hardbounce, F_HARD) \
	S(subject) S(messageid) S(listid) S(decodedby) S(lhost) S(rhost) \
	S(token) S(category) S(action_hint) S(rule) T(kind, F_KIND) \
	T(truncated, F_TRUNC)

enum ftype { F_STR, F_TIME, F_HARD, F_KIND, F_TRUNC };

#define NAME_S(x) #x,
#define NAME_T(x, t) #x,
static const char *const field_names[] = {
	KAERU_FIELDS(NAME_S, NAME_T) NULL,
};

static const struct field {
	const char *name;
	const char *key;	/* "name": as JSON, quotes and colon included */
	unsigned char keylen;
	unsigned char type;	/* enum ftype */
	unsigned short off;	/* of a string member */
} fields[] = {
#define SPEC_S(x) { #x, "\"" #x "\":", sizeof(#x) + 2, F_STR, offsetof(kaeru_record, x) },
#define SPEC_T(x, t) { #x, "\"" #x "\":", sizeof(#x) + 2, t, 0 },
	KAERU_FIELDS(SPEC_S, SPEC_T)
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

const char *const *
kaeru_record_fields(void)
{
	return field_names;
}

/* field_str - a string field's value, never NULL */
static const char *
field_str(const kaeru_record *r, const struct field *f)
{
	const char *v = *(const char *const *)(const void *)((const char *)r + f->off);

	return v != NULL ? v : "";
}

/* i64_text - v in decimal into num (no printf: it is a tenth of a record's JSON) */
static const char *
i64_text(int64_t v, char num[32])
{
	char	*p = num + 31;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

/*
 * field_text - the value of any field as text: strings as they are,
 *	the others spelt out (num holds the timestamp's digits)
 */
static const char *
field_text(const kaeru_record *r, const struct field *f, char num[32])
{
	switch (f->type) {
	case F_TIME:
		return i64_text(r->timestamp, num);
	case F_HARD:
		return r->hardbounce ? "true" : "false";
	case F_TRUNC:
		return (r->flags & KAERU_RECORD_TRUNCATED) ? "true" : "false";
	case F_KIND: {
		const char *k = kaeru_kind_name(r->kind);
		return k != NULL ? k : "";
	}
	default:
		return field_str(r, f);
	}
}

/* field_by_name - the field called name, NULL when there is none */
static const struct field *
field_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
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

/*
 * escape8 - nonzero when a byte of the word x needs escaping in JSON (a
 *	control byte, '"' or '\\'); bytes >= 0x80 never count. special8 -
 *	the same, or a byte that is DEL or not ASCII. Each is a yes or no: a
 *	borrow may flag a byte after a flagged one, which does not matter.
 */
static inline uint64_t
escape8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t       q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & (ones * 0x80);
}

static inline uint64_t
special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t       d = x ^ (ones * 0x7f);

	return escape8(x) | ((((d - ones) & ~d) | x) & (ones * 0x80));
}

/*
 * run_len - how many bytes of s[0..n) JSON takes as they are: with
 *	ascii, printable ASCII but '"' and '\\'; without, any byte but
 *	those and the control bytes (the UTF-8 of a valid run). Eight bytes
 *	at a time, and a byte at a time from a word that may hold a stop.
 */
static inline size_t
run_len(const char *s, size_t n, int ascii)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if (ascii ? special8(x) : escape8(x))
			break;
		i += 8;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\' || (ascii && c >= 0x7f))
			break;
	}
	return i;
}

int
kaeru_json_string(const char *s, size_t n, kaeru_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	kstr   k = { out->ptr, out->size, out->asize, 0 };
	size_t i = run_len(s, n, 1);

	if (ks_reserve(&k, i + 2) == 0) {
		k.p[k.len++] = '"';
		memcpy(k.p + k.len, s, i);
		k.len += i;
	}
	while (i < n) {
		size_t v = kc_utf8_valid_prefix(s + i, n - i), j, start = i;
		for (j = i; j < i + v; j++) {
			unsigned char c;
			if ((j += run_len(s + j, i + v - j, 0)) == i + v)
				break;
			c = (unsigned char)s[j];
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

/* buf_reserve - room for n more bytes in out */
static int
buf_reserve(kaeru_buf *out, size_t n)
{
	kstr k = { out->ptr, out->size, out->asize, 0 };

	if (ks_reserve(&k, n) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	out->ptr = k.p;
	out->asize = k.cap;
	return 0;
}

/* is_literal - a field written bare (a number or true/false), not as a JSON string */
static int
is_literal(const struct field *f)
{
	return f->type == F_TIME || f->type == F_HARD || f->type == F_TRUNC;
}

/*
 * copy_plain - copy s[0..n) to o when none of its bytes needs escaping in
 *	JSON (returns 1), else return 0 with o[0..n) undefined. Only
 *	s[0..n) is read and o[0..n) written. Values are mostly short: one to three bytes go one
 *	at a time, four to sixteen as two words that may overlap, longer
 *	ones sixteen bytes a step with SSE2 (stored before they are
 *	checked), their last step ending at the last byte.
 */
static int
copy_plain(char *o, const char *s, size_t n)
{
	uint64_t w8[2];
	uint32_t w4[2];
	size_t	 i;

	if (n >= 4 && n <= 8) {
		memcpy(&w4[0], s, 4);
		memcpy(&w4[1], s + n - 4, 4);
		memcpy(o, &w4[0], 4);
		memcpy(o + n - 4, &w4[1], 4);
		return special8(w4[0] | (uint64_t)w4[1] << 32) == 0;
	}
	if (n > 8 && n <= 16) {
		memcpy(&w8[0], s, 8);
		memcpy(&w8[1], s + n - 8, 8);
		memcpy(o, &w8[0], 8);
		memcpy(o + n - 8, &w8[1], 8);
		return (special8(w8[0]) | special8(w8[1])) == 0;
	}
#if defined(__SSE2__)
	if (n > 16) {
		const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
		const __m128i qu = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
		__m128i	      bad = _mm_setzero_si128(), x;
		/* cmplt is signed: bytes >= 0x80 count as below the space, as wanted */
#define JSON_SPECIAL(x) _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8((x), sp), _mm_cmpeq_epi8((x), del)), \
	_mm_or_si128(_mm_cmpeq_epi8((x), qu), _mm_cmpeq_epi8((x), bs)))
		for (i = 0; i + 16 < n; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)(o + i), x);
			bad = _mm_or_si128(bad, JSON_SPECIAL(x));
		}
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
		_mm_storeu_si128((__m128i *)(void *)(o + n - 16), x);
		bad = _mm_or_si128(bad, JSON_SPECIAL(x));
#undef JSON_SPECIAL
		return _mm_movemask_epi8(bad) == 0;
	}
#endif
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return 0;
		o[i] = (char)c;
	}
	return 1;
}

/* KEY_ROOM - bytes of a key slot in keys[]: the longest key, padded */
#define KEY_ROOM 32

/*
 * record_json_compact - kaeru_record_json() without KAERU_FORMAT_PRETTY:
 *	room for the whole object is made once (values that need no
 *	escaping, the usual case, take their length), and keys and values
 *	are copied in, each key as one fixed-size copy of its padded slot;
 *	a value that needs escaping goes through kaeru_json_string().
 */
static int
record_json_compact(const kaeru_record *r, kaeru_buf *out)
{
	static const char keys[][KEY_ROOM] = {
#define KEY_S(x) "\"" #x "\":",
#define KEY_T(x, t) "\"" #x "\":",
		KAERU_FIELDS(KEY_S, KEY_T)
#undef KEY_S
#undef KEY_T
	};
	const char *v[NFIELDS];
	size_t	    len[NFIELDS], need = 2 + KEY_ROOM, i;
	char	    num[32], *o;

	for (i = 0; i < NFIELDS; i++) {
		v[i] = field_text(r, &fields[i], num);
		len[i] = strlen(v[i]);
		need += fields[i].keylen + len[i] + 3;
	}
	if (buf_reserve(out, need) != 0)
		return KAERU_ENOMEM;
	o = out->ptr + out->size;
	*o++ = '{';
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		need -= f->keylen + len[i] + 3;
		if (i > 0)
			*o++ = ',';
		memcpy(o, keys[i], KEY_ROOM);	/* the slack covers the padding */
		o += f->keylen;
		if (is_literal(f)) {
			memcpy(o, v[i], len[i]);
			o += len[i];
		} else {
			*o = '"';
			if (copy_plain(o + 1, v[i], len[i])) {
				o += len[i] + 1;
				*o++ = '"';
			} else {
				out->size = (size_t)(o - out->ptr);
				if (kaeru_json_string(v[i], len[i], out) != 0 || buf_reserve(out, need) != 0)
					return KAERU_ENOMEM;
				o = out->ptr + out->size;
			}
		}
	}
	*o++ = '}';
	out->size = (size_t)(o - out->ptr);
	out->ptr[out->size] = '\0';
	return 0;
}

int
kaeru_record_json(const kaeru_record *r, unsigned flags, kaeru_buf *out)
{
	int    rc = 0;
	size_t i;
	char   num[32];

	if ((flags & KAERU_FORMAT_PRETTY) == 0)
		return record_json_compact(r, out);
	/* Pretty: one field a line, indented. */
	rc |= buf_add(out, "{\n  ", 4);
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		const char	   *v = field_text(r, f, num);

		if (i > 0)
			rc |= buf_add(out, ",\n  ", 4);
		rc |= buf_add(out, f->key, f->keylen);
		rc |= buf_add(out, " ", 1);
		if (is_literal(f))
			rc |= buf_add(out, v, strlen(v));
		else
			rc |= kaeru_json_string(v, strlen(v), out);
	}
	rc |= buf_add(out, "\n}", 2);
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

/* field_value - the value of field f into out, sanitised to UTF-8 */
static int
field_value(const kaeru_record *r, const struct field *f, kaeru_buf *out)
{
	const char *v;
	char	    num[32];

	out->size = 0;
	if (out->ptr != NULL)
		out->ptr[0] = '\0';
	v = field_text(r, f, num);
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
kaeru_record_field(const kaeru_record *r, const char *name, kaeru_buf *out)
{
	const struct field *f = field_by_name(name);

	if (f == NULL) {
		out->size = 0;
		if (out->ptr != NULL)
			out->ptr[0] = '\0';
		return kerr_set(KAERU_ENOTFOUND, "no field named %s", name);
	}
	return field_value(r, f, out);
}

int
kaeru_record_csv(const kaeru_record *r, kaeru_buf *out)
{
	kaeru_buf cell = KAERU_BUF_INIT;
	int	  rc = 0;
	size_t	  i;

	for (i = 0; i < NFIELDS; i++) {
		if (i > 0)
			rc |= buf_add(out, ",", 1);
		if ((rc |= field_value(r, &fields[i], &cell)) != 0)
			break;
		rc |= csv_cell(cell.ptr ? cell.ptr : "", out);
	}
	kaeru_buf_dispose(&cell);
	rc |= buf_add(out, "\r\n", 2);
	return rc ? KAERU_ENOMEM : 0;
}

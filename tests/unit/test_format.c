/* test_format - JSON and CSV writers (format.c) */
#include "t.h"

#include <kaeru/kaeru.h>
#include "util/codec.h"

/* add - append n bytes to b (the library's buffers are malloc'd) */
static void
add(kaeru_buf *b, const char *s, size_t n)
{
	if (b->size + n + 1 > b->asize) {
		b->asize = (b->size + n + 1) * 2;
		b->ptr = realloc(b->ptr, b->asize);
		if (b->ptr == NULL)
			abort();
	}
	memcpy(b->ptr + b->size, s, n);
	b->size += n;
	b->ptr[b->size] = '\0';
}

/*
 * ref_json_string - kaeru_json_string() as it was written first, a byte at
 *	a time: the reference for the word-at-a-time scan
 */
static void
ref_json_string(const char *s, size_t n, kaeru_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i = 0;

	add(out, "\"", 1);
	while (i < n) {
		size_t v = kc_utf8_valid_prefix(s + i, n - i), j, start = i;
		for (j = i; j < i + v; j++) {
			unsigned char c = (unsigned char)s[j];
			if (c >= 0x20 && c != '"' && c != '\\')
				continue;
			add(out, s + start, j - start);
			start = j + 1;
			switch (c) {
			case '"': add(out, "\\\"", 2); break;
			case '\\': add(out, "\\\\", 2); break;
			case '\n': add(out, "\\n", 2); break;
			case '\r': add(out, "\\r", 2); break;
			case '\t': add(out, "\\t", 2); break;
			default: {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				add(out, e, 6);
			}
			}
		}
		add(out, s + start, i + v - start);
		i += v;
		if (i < n) {
			add(out, "\xef\xbf\xbd", 3);
			i++;
		}
	}
	add(out, "\"", 1);
}

int
main(void)
{
	kaeru_buf    b = KAERU_BUF_INIT;
	kaeru_record r;

	T_OK(kaeru_json_string("a\"b\\c\n\x01", 7, &b) == 0, "escape");
	T_EQ_STR(b.ptr, "\"a\\\"b\\\\c\\n\\u0001\"", "JSON escapes");
	b.size = 0;
	T_OK(kaeru_json_string("x\xff\xfey", 4, &b) == 0, "invalid UTF-8");
	T_EQ_STR(b.ptr, "\"x\xef\xbf\xbd\xef\xbf\xbdy\"", "invalid bytes become U+FFFD");
	kaeru_buf_dispose(&b);

	memset(&r, 0, sizeof(r));
	r.timezoneoffset = "+0900"; r.origin = "a,b"; r.addresser = "s@x"; r.senderdomain = "x";
	r.recipient = "r@y"; r.destination = "y"; r.alias = ""; r.action = "failed";
	r.replycode = "550"; r.deliverystatus = "5.1.1"; r.command = "RCPT"; r.reason = "userunknown";
	r.diagnosticcode = "say \"no\""; r.diagnostictype = "SMTP"; r.feedbacktype = ""; r.feedbackid = "";
	r.subject = "s"; r.messageid = "m"; r.listid = ""; r.decodedby = "Test"; r.lhost = ""; r.rhost = "";
	r.token = "t"; r.category = "address_invalid"; r.action_hint = "suppress"; r.rule = "status:5.1.1";
	r.hardbounce = 1; r.timestamp = 42;
	T_OK(kaeru_record_json(&r, 0, &b) == 0, "record JSON");
	T_OK(strstr(b.ptr, "\"timestamp\":42") != NULL, "number");
	T_OK(strstr(b.ptr, "\"hardbounce\":true") != NULL, "boolean");
	T_OK(strstr(b.ptr, "\"diagnosticcode\":\"say \\\"no\\\"\"") != NULL, "escaped field");
	kaeru_buf_dispose(&b);
	T_OK(kaeru_record_csv(&r, &b) == 0, "record CSV");
	T_OK(strncmp(b.ptr, "42,+0900,\"a,b\",", 15) == 0, "CSV quoting of a comma");
	T_OK(strstr(b.ptr, "\"say \"\"no\"\"\"") != NULL, "CSV doubling of quotes");
	T_OK(b.size >= 2 && b.ptr[b.size - 2] == '\r' && b.ptr[b.size - 1] == '\n', "CRLF");
	kaeru_buf_dispose(&b);
	{
		const char *const *f = kaeru_record_fields();
		size_t n = 0;
		while (f[n] != NULL)
			n++;
		T_OK(n >= 28, "field list");
		T_OK(kaeru_record_field(&r, "nosuchfield", &b) == KAERU_ENOTFOUND, "unknown field");
		kaeru_buf_dispose(&b);
	}
	/*
	 * kaeru_json_string checks eight bytes at a time before it escapes:
	 * every byte value at every position of a 33-byte string (inside a
	 * word, across words, in the tail) against a bytewise rule.
	 */
	{
		unsigned bad = 0;
		int	 c, pos, i;
		for (c = 0; c < 256; c++)
			for (pos = 0; pos < 33; pos++) {
				char	  s[33], want[128];
				int	  k = 0;
				kaeru_buf o = KAERU_BUF_INIT;
				memset(s, 'a', sizeof(s));
				s[pos] = (char)c;
				want[k++] = '"';
				for (i = 0; i < 33; i++) {
					unsigned char ch = (unsigned char)s[i];
					if (ch == '"' || ch == '\\') {
						want[k++] = '\\';
						want[k++] = (char)ch;
					} else if (ch == '\n' || ch == '\r' || ch == '\t') {
						want[k++] = '\\';
						want[k++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
					} else if (ch < 0x20)
						k += snprintf(want + k, sizeof(want) - (size_t)k, "\\u%04x", ch);
					else if (ch >= 0x80) {
						memcpy(want + k, "\xef\xbf\xbd", 3);
						k += 3;
					} else
						want[k++] = (char)ch;
				}
				want[k++] = '"';
				kaeru_json_string(s, sizeof(s), &o);
				bad += o.size != (size_t)k || memcmp(o.ptr, want, (size_t)k) != 0;
				kaeru_buf_dispose(&o);
			}
		T_OK(bad == 0, "kaeru_json_string: every byte at every position escapes as one byte at a time would");
	}
	/*
	 * The compact record writer copies and checks sixteen bytes at a
	 * time: against a writer built from the definition (each field's
	 * text from kaeru_record_field(), strings through
	 * kaeru_json_string()), with every byte value at the first, middle
	 * and last place of values of 0 to 40 bytes, each in a block of just
	 * its size (ASan sees a read past it).
	 */
	{
		static const char *const literal[] = { "timestamp", "hardbounce", "truncated" };
		const char *const *names = kaeru_record_fields();
		unsigned    bad = 0;
		size_t	    n, j, k;
		int	    c;
		for (n = 0; n <= 40; n++)
			for (c = 0; c < 256; c++)
				for (j = 0; j < 3 && n > 0; j++) {
					char	 *s = malloc(n + 1);
					size_t	  pos = j == 0 ? 0 : j == 1 ? n / 2 : n - 1;
					kaeru_buf got = KAERU_BUF_INIT, want = KAERU_BUF_INIT, f = KAERU_BUF_INIT;
					memset(s, 'a' + (int)(n % 26), n);
					s[pos] = (char)c;
					s[n] = '\0';
					r.diagnosticcode = s;	/* NUL cuts it where c is 0: the same for both */
					r.subject = s + (n > 3 ? 3 : 0);
					kaeru_record_json(&r, 0, &got);
					add(&want, "{", 1);
					for (k = 0; names[k] != NULL; k++) {
						size_t l, lit = 0;
						for (l = 0; l < 3; l++)
							lit |= strcmp(names[k], literal[l]) == 0;
						if (k > 0)
							add(&want, ",", 1);
						add(&want, "\"", 1);
						add(&want, names[k], strlen(names[k]));
						add(&want, "\":", 2);
						f.size = 0;
						kaeru_record_field(&r, names[k], &f);
						if (lit)
							add(&want, f.ptr, f.size);
						else
							kaeru_json_string(f.ptr ? f.ptr : "", f.size, &want);
					}
					add(&want, "}", 1);
					bad += got.size != want.size || memcmp(got.ptr, want.ptr, got.size) != 0;
					kaeru_buf_dispose(&got);
					kaeru_buf_dispose(&want);
					kaeru_buf_dispose(&f);
					free(s);
				}
		r.diagnosticcode = "say \"no\"";
		r.subject = "s";
		T_OK(bad == 0, "kaeru_record_json: each value as kaeru_json_string writes it, at every length to 40");
	}
	/*
	 * Texts of valid and broken UTF-8 with bytes to escape among them, of
	 * 1 to 80 bytes (each in a block of its size), against the former
	 * byte-at-a-time writer.
	 */
	{
		static const char *const pieces[] = { "a", "plain ", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
			"\xf0\x9f\x90\xb8", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "\xff",
			"\xe6\x97", "\x80", " ", "0123456789" };
		unsigned seed = 7, bad = 0, round;
		size_t	 n;
		for (round = 0; round < 40; round++)
			for (n = 1; n <= 80; n++) {
				char	 *x = t_pieces(n, pieces, sizeof(pieces) / sizeof(pieces[0]), &seed);
				kaeru_buf got = KAERU_BUF_INIT, want = KAERU_BUF_INIT;
				if (x == NULL)
					abort();
				kaeru_json_string(x, n, &got);
				ref_json_string(x, n, &want);
				bad += got.size != want.size || memcmp(got.ptr, want.ptr, got.size) != 0;
				kaeru_buf_dispose(&got);
				kaeru_buf_dispose(&want);
				free(x);
			}
		T_OK(bad == 0, "kaeru_json_string: UTF-8 texts escape as the byte-at-a-time writer did");
	}
	return t_done("format");
}

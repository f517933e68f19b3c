/* test_format - JSON and CSV writers (format.c) */
#include "t.h"

#include <kaeru/kaeru.h>

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
	return t_done("format");
}

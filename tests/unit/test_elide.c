/*
 * test_elide - base64 attachments left out as a mail streams by (mail/elide.c)
 *
 * The promise under test: parsing what the elider keeps gives the same
 * records as parsing the mail, whatever the window the bytes come in.
 */
#include "t.h"

#include <kaeru/kaeru.h>

#include "lib/mail/elide.h"

#include <stdlib.h>
#include <unistd.h>

/* run - in through the elider as the reader streams it, with a window of win bytes */
static void
run(const char *in, size_t n, size_t win, kstr *out, size_t *elided)
{
	struct kelide e;
	struct kel_mem src = { in, n };
	char	     *w = malloc(win);

	kel_init(&e, 0);
	ks_clear(out);
	kel_stream(&e, out, w, win, kel_mem_fill, &src);
	*elided = e.elided;
	kel_dispose(&e);
	free(w);
}

/* records - every record of a parse, as JSON lines */
static void
records(kaeru_parser *p, const char *s, size_t n, kaeru_buf *out)
{
	const kaeru_record *r;
	size_t		    k, i;

	out->size = 0;
	if (kaeru_parser_parse(p, s, n, "t", &r, &k) != 0) {
		kaeru_json_string("parse error", 11, out);
		return;
	}
	for (i = 0; i < k; i++) {
		kaeru_record_json(&r[i], 0, out);
		kaeru_json_string("", 0, out);	/* "" ends each record */
	}
}

static int
same_records(kaeru_parser *p, const char *a, size_t an, const char *b, size_t bn, size_t *nrec)
{
	kaeru_buf x = KAERU_BUF_INIT, y = KAERU_BUF_INIT;
	int	  same;
	size_t	  i;

	records(p, a, an, &x);
	records(p, b, bn, &y);
	same = x.size == y.size && (x.size == 0 || memcmp(x.ptr, y.ptr, x.size) == 0);
	if (!same)
		printf("--- whole:\n%.*s--- elided:\n%.*s", (int)x.size, x.ptr ? x.ptr : "",
		    (int)y.size, y.ptr ? y.ptr : "");
	*nrec = 0;
	for (i = 0; i + 1 < x.size; i++)
		*nrec += x.ptr[i] == '}' && x.ptr[i + 1] == '"';
	kaeru_buf_dispose(&x);
	kaeru_buf_dispose(&y);
	return same;
}

/* image - a base64 body of n lines; each holds "PHOTO" so that its absence shows */
static void
image(kstr *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ks_addf(s, "PHOTO%02dAbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdEfGhIjKlMnOpQrStUvWxYz01\n", i % 100);
}

/* photos - a Postfix-like bounce returning a message with photos */
static void
photos(kstr *s, int lines)
{
	ks_clear(s);
	ks_adds(s, "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
	    "To: sender@example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"OUTER\"\n\n"
	    "This is a MIME-encapsulated message.\n\n"
	    "--OUTER\nContent-Type: text/plain; charset=us-ascii\n\n"
	    "<neko@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1\n"
	    "    <neko@example.jp>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
	    "--OUTER\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.org\n\n"
	    "Final-Recipient: rfc822; neko@example.jp\nAction: failed\nStatus: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 <neko@example.jp>: User unknown\n\n"
	    "--OUTER\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n");
	image(s, lines);
	ks_adds(s, "--OUTER  \nContent-Type: message/rfc822\n\n\n"
	    "From: sender@example.jp\nTo: neko@example.jp\nSubject: photos\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=OUT\n\n"
	    "--OUT\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	    "VGhlIHBob3RvcywgYXMgcHJvbWlzZWQu\n"
	    "--OUT\nContent-Type: IMAGE/JPEG; name=\"p0.jpg\"\nContent-Transfer-Encoding: BASE64\n"
	    "Content-Disposition: attachment; filename=\"p0.jpg\"\n\n");
	image(s, lines);
	ks_adds(s, "--OUTx is not a delimiter\n");
	image(s, lines);
	ks_adds(s, "--OUT\nContent-Type: application/octet-stream\n\n"
	    "plain bytes, kept: 7bit\n"
	    "--OUT\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
	    "--OUT\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n\n");
	image(s, lines);
	/* The inner multipart is never closed: the outer delimiter ends it. */
	ks_adds(s, "--OUTER--\nepilogue\n");
}

static void
crlf(const kstr *in, kstr *out)
{
	size_t i;

	ks_clear(out);
	for (i = 0; i < in->len; i++) {
		if (in->p[i] == '\n')
			ks_addc(out, '\r');
		ks_addc(out, in->p[i]);
	}
}

static void
test_photos(kaeru_parser *p)
{
	kstr   m = KSTR_INIT, o = KSTR_INIT, w = KSTR_INIT, c = KSTR_INIT, oc = KSTR_INIT, x = KSTR_INIT;
	size_t el, el2, nrec, win;
	int    ok = 1;

	photos(&m, 400);
	run(m.p, m.len, m.len + 1, &o, &el);
	T_OK(el > 4 * 400 * 70, "the four base64 attachment bodies are left out");
	T_OK(memmem(o.p, o.len, "PHOTO", 5) == NULL, "no line of them is kept");
	T_OK(memmem(o.p, o.len, "--OUTx is not a delimiter", 25) == NULL, "a line that is not a delimiter is skipped too");
	T_OK(memmem(o.p, o.len, "VGhlIHBob3RvcywgYXMgcHJvbWlzZWQu", 32) != NULL, "a base64 text part is kept");
	T_OK(memmem(o.p, o.len, "plain bytes, kept", 17) != NULL, "a 7bit attachment is kept");
	T_OK(memmem(o.p, o.len, "Content-Type: IMAGE/JPEG", 24) != NULL, "part headers are kept");
	T_OK(memmem(o.p, o.len, "--OUTER--\nepilogue\n", 19) != NULL, "the closing delimiter and epilogue are kept");
	T_EQ_INT(o.len + el, m.len, "kept and left out make the mail");
	T_OK(same_records(p, m.p, m.len, o.p, o.len, &nrec), "the same records");
	T_EQ_INT(nrec, 1, "one record");

	/*
	 * Any window holding the longest line that must be read whole gives
	 * the same output; a smaller one keeps more, with the same records.
	 */
	for (win = 1; win < 300; win += win < 80 ? 1 : 37) {
		run(m.p, m.len, win, &w, &el2);
		if (win >= 64 && (w.len != o.len || memcmp(w.p, o.p, o.len) != 0 || el2 != el)) {
			printf("window %zu differs\n", win);
			ok = 0;
		}
		if (!same_records(p, m.p, m.len, w.p, w.len, &nrec)) {
			printf("window %zu: other records\n", win);
			ok = 0;
		}
	}
	T_OK(ok, "windows of 1 to 300 bytes: the same records, and the same output from 64");

	/* CRLF: the same choices. */
	crlf(&m, &c);
	crlf(&o, &oc);
	run(c.p, c.len, 97, &w, &el2);
	T_OK(w.len == oc.len && memcmp(w.p, oc.p, w.len) == 0, "CRLF: the same parts left out");
	T_OK(same_records(p, c.p, c.len, w.p, w.len, &nrec), "CRLF: the same records");

	/* A CR alone: km_parse() would break the line there; nothing more is left out. */
	ks_clear(&x);
	ks_adds(&x, "X-Odd: a\rb\n");
	ks_add(&x, m.p, m.len);
	run(x.p, x.len, 64, &w, &el2);
	T_OK(el2 == 0 && w.len == x.len && memcmp(w.p, x.p, x.len) == 0, "a lone CR: copied whole");

	/* A line longer than the window: from there on, copied whole. */
	ks_clear(&x);
	ks_add(&x, m.p, m.len);
	{
		size_t i;
		ks_adds(&x, "--OUTER\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n");
		for (i = 0; i < 5000; i++)
			ks_addc(&x, 'A');
		ks_adds(&x, "\n");
	}
	run(x.p, x.len, 1024, &w, &el2);
	T_OK(same_records(p, x.p, x.len, w.p, w.len, &nrec), "a long line: the same records");
	T_OK(memmem(w.p, w.len, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 50) != NULL,
	    "a line longer than the window is kept");
	ks_dispose(&m);
	ks_dispose(&o);
	ks_dispose(&w);
	ks_dispose(&c);
	ks_dispose(&oc);
	ks_dispose(&x);
}

/* Mails where nothing may be left out, and odd structures: always the same records. */
static void
test_cases(kaeru_parser *p)
{
	static const struct {
		const char *name;
		const char *head;	/* then a base64 image body, then tail */
		const char *tail;
		int	    elides;
	} cases[] = {
		{ "image at top level",
		  "From: MAILER-DAEMON@x\nSubject: failure\nContent-Type: image/png\n"
		  "Content-Transfer-Encoding: base64\n\n", "", 0 },
		{ "multipart without a boundary",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed\n\n--G\n"
		  "Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n",
		  "--G\nContent-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--G--\n", 0 },
		{ "inner boundary a prefix of the outer",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=\"B2\"\n\n--B2\n"
		  "Content-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--B2\n"
		  "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: image/gif\n"
		  "Content-Transfer-Encoding: base64\n\n",
		  "--B2\nContent-Type: text/plain\n\nlast part\n--B2--\n", 1 },
		{ "the same boundary inside",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=S\n\n--S\n"
		  "Content-Type: multipart/alternative; boundary=S\n\n--S\nContent-Type: image/gif\n"
		  "Content-Transfer-Encoding: base64\n\n",
		  "--S\nContent-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--S--\n", 1 },
		{ "header block without a blank line",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=H\n\n--H\n"
		  "Content-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--H\n"
		  "Content-Type: image/gif\nContent-Transfer-Encoding: base64\n",
		  "--H--\n", 1 },
		{ "base64 message/rfc822 is not entered",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=R\n\n--R\n"
		  "Content-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--R\n"
		  "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n",
		  "--R--\n", 0 },
		{ "a returned message whose header block ends at a line that is not a field",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/report; boundary=O\n\n--O\n"
		  "Content-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--O\n"
		  "Content-Type: message/rfc822\n\nFrom: a@x\nContent-Type: multipart/mixed; boundary=I\n"
		  "not a field\n--I\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n",
		  "\n--I--\n--O--\n", 0 },
		{ "... and one whose attachment has its empty line",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/report; boundary=O\n\n--O\n"
		  "Content-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n--O\n"
		  "Content-Type: message/rfc822\n\nFrom: a@x\nContent-Type: multipart/mixed; boundary=I\n"
		  "not a field\n--I\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n",
		  "\n--I--\n--O--\n", 1 },
		{ "a digest's message",
		  "From: MAILER-DAEMON@x\nContent-Type: multipart/digest; boundary=D\n\n--D\n\n"
		  "From: a@x\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n",
		  "--D--\n", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kstr   m = KSTR_INIT, o = KSTR_INIT;
		size_t el, nrec;
		char   what[160];

		ks_adds(&m, cases[i].head);
		image(&m, 50);
		ks_adds(&m, cases[i].tail);
		run(m.p, m.len, 100, &o, &el);
		snprintf(what, sizeof(what), "%s: the same records", cases[i].name);
		T_OK(same_records(p, m.p, m.len, o.p, o.len, &nrec), what);
		snprintf(what, sizeof(what), "%s: %s", cases[i].name,
		    cases[i].elides ? "the image is left out" : "nothing is left out");
		T_OK(cases[i].elides ? el >= 50 * 70 : el == 0, what);
		ks_dispose(&m);
		ks_dispose(&o);
	}
}

/* Past 4,096 parts nothing more is left out (and the records stay the same). */
static void
test_many_parts(kaeru_parser *p)
{
	kstr   m = KSTR_INIT, o = KSTR_INIT;
	size_t el, nrec;
	int    i;

	ks_adds(&m, "From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary=P\n\n"
	    "--P\nContent-Type: text/plain\n\n550 5.1.1 <a@example.com>: user unknown\n");
	for (i = 0; i < 5000; i++) {
		ks_adds(&m, "--P\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n");
		image(&m, 1);
	}
	ks_adds(&m, "--P--\n");
	run(m.p, m.len, 4096, &o, &el);
	T_OK(el > 4000 * 70 && el < 4100 * 80, "5,000 image parts: the first 4,095 or so left out");
	T_OK(memmem(o.p, o.len, "PHOTO", 5) != NULL, "the later ones kept");
	T_OK(same_records(p, m.p, m.len, o.p, o.len, &nrec), "5,000 parts: the same records");
	ks_dispose(&m);
	ks_dispose(&o);
}

/* The reader: a 3 MB mail file with skip_attachments, and a size limit. */
static void
test_reader(kaeru_parser *p)
{
	char		  path[] = "/tmp/kaeru-elide-XXXXXX";
	int		  fd = mkstemp(path);
	kstr		  m = KSTR_INIT;
	kaeru_reader	 *r;
	kaeru_mail	  mail;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	kaeru_buf	  x = KAERU_BUF_INIT, y = KAERU_BUF_INIT;

	photos(&m, 10000);
	T_OK(fd >= 0 && write(fd, m.p, m.len) == (ssize_t)m.len, "write the mail");
	close(fd);
	records(p, m.p, m.len, &x);
	o.skip_attachments = 1;
	T_OK(kaeru_reader_open(&r, path, &o) == 0, "open");
	T_EQ_INT(kaeru_reader_next(r, &mail), 1, "one mail");
	T_OK(mail.len < 8192, "a few KB kept of 3 MB");
	T_OK(mail.data[mail.len] == '\0' && !mail.truncated, "NUL-terminated, not truncated");
	records(p, mail.data, mail.len, &y);
	T_OK(x.size > 0 && x.size == y.size && memcmp(x.ptr, y.ptr, x.size) == 0, "the same records as the whole mail");
	T_EQ_INT(kaeru_reader_next(r, &mail), 0, "the end");
	kaeru_reader_free(r);

	/* Cut at 1 MB: truncated, and what was read is still elided. */
	o.max_mail_size = 1 << 20;
	kaeru_reader_open(&r, path, &o);
	T_EQ_INT(kaeru_reader_next(r, &mail), 1, "one mail, cut");
	T_OK(mail.truncated && mail.len < 8192, "truncated, small");
	kaeru_reader_free(r);

	/* Version 1 options still open, and keep every byte. */
	o.version = 1;
	T_OK(kaeru_reader_open(&r, path, &o) == 0, "version 1 options");
	T_OK(kaeru_reader_next(r, &mail) == 1 && mail.len == (1u << 20), "version 1: the bytes as they are");
	kaeru_reader_free(r);
	o.version = KAERU_READER_OPTS_VERSION + 1;
	T_OK(kaeru_reader_open(&r, path, &o) != 0, "an unknown version is refused");
	unlink(path);
	kaeru_buf_dispose(&x);
	kaeru_buf_dispose(&y);
	ks_dispose(&m);
}

int
main(void)
{
	kaeru_parser *p;

	if (kaeru_parser_new(&p, NULL) != 0)
		return 1;
	test_photos(p);
	test_cases(p);
	test_many_parts(p);
	test_reader(p);
	kaeru_parser_free(p);
	return t_done("elide");
}

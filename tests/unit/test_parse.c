/* test_parse - the public parse API end to end, and hostile input */
#include "t.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>

#include "util/codec.h"

static const char postfix[] =
    "From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "Date: Thu, 29 Apr 2013 23:45:32 +0900\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"X\"\n\n"
    "--X\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.jp.\n\n"
    "<neko@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1 <neko@example.jp>:\n"
    "    Recipient address rejected: User unknown in local recipient table (in reply to\n"
    "    RCPT TO command)\n\n"
    "--X\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.jp\n\n"
    "Final-Recipient: rfc822; neko@example.jp\nAction: failed\nStatus: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <neko@example.jp>: Recipient address rejected\n\n"
    "--X\nContent-Type: message/rfc822\n\nFrom: sender@example.org\nTo: neko@example.jp\n"
    "Subject: hello\nMessage-ID: <m1@example.org>\n\nbody\n--X--\n";

static int
kc_utf8_valid_check(const char *s)
{
	return kc_utf8_valid(s, strlen(s));
}

int
main(void)
{
	kaeru_parser	   *p;
	const kaeru_record *r;
	size_t		    n;
	kaeru_parse_opts    o = KAERU_PARSE_OPTS_INIT;

	T_OK(kaeru_parser_new(&p, NULL) == 0, "parser with defaults");
	T_OK(kaeru_parser_parse(p, postfix, strlen(postfix), "t.eml", &r, &n) == 0, "parse");
	T_EQ_INT(n, 1, "one record");
	if (n == 1) {
		T_EQ_STR(r[0].recipient, "neko@example.jp", "recipient");
		T_EQ_STR(r[0].reason, "userunknown", "reason");
		T_EQ_STR(r[0].deliverystatus, "5.1.1", "status");
		T_EQ_STR(r[0].replycode, "550", "reply");
		T_EQ_STR(r[0].command, "RCPT", "command");
		T_EQ_INT(r[0].hardbounce, 1, "hard");
		T_EQ_STR(r[0].category, "address_invalid", "category");
		T_EQ_STR(r[0].action_hint, "suppress", "hint");
		T_EQ_STR(r[0].addresser, "sender@example.org", "addresser");
		T_EQ_STR(r[0].messageid, "m1@example.org", "message id");
		T_EQ_STR(r[0].subject, "hello", "subject");
		T_EQ_STR(r[0].decodedby, "Postfix", "decoder");
		T_EQ_STR(r[0].origin, "t.eml", "origin");
		T_EQ_INT(r[0].timestamp, 1367246732, "timestamp");
		T_EQ_INT(strlen(r[0].token), 40, "token is SHA-1 hex");
		T_OK(strncmp(r[0].rule, "status:", 7) == 0 || strncmp(r[0].rule, "phrase:", 7) == 0, "rule names a step");
	}

	/* Not a bounce: no record, no error. */
	T_OK(kaeru_parser_parse(p, "Subject: hi\n\nhello\n", 19, NULL, &r, &n) == 0 && n == 0, "plain mail");
	T_OK(kaeru_parser_parse(p, "", 0, NULL, &r, &n) == 0 && n == 0, "empty");
	T_OK(kaeru_parser_parse(p, NULL, 0, NULL, &r, &n) == 0 && n == 0, "NULL empty");
	T_OK(kaeru_parser_parse(NULL, "x", 1, NULL, &r, &n) == KAERU_EINVAL, "NULL parser");

	/* Binary junk of every byte value. */
	{
		char   junk[4096];
		size_t i;
		unsigned s = 12345;
		for (i = 0; i < sizeof(junk); i++) {
			s = s * 1103515245u + 12345u;
			junk[i] = (char)(s >> 16);
		}
		T_OK(kaeru_parser_parse(p, junk, sizeof(junk), NULL, &r, &n) == 0, "binary junk");
	}

	/* A 1 MB header line and truncated base64: read, not crashed. */
	{
		size_t big = 1 << 20, k;
		char  *m = malloc(big + 200);
		k = (size_t)sprintf(m, "Subject: ");
		memset(m + k, 'a', big);
		k += big;
		k += (size_t)sprintf(m + k, "\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29y");
		T_OK(kaeru_parser_parse(p, m, k, NULL, &r, &n) == 0, "huge header, cut base64");
		free(m);
	}

	/*
	 * A diagnosis of 100000 short lines (found by fuzz_message): each
	 * line was appended by copying the text so far, quadratic in time
	 * and arena memory. It is now capped, and the record says truncated.
	 */
	{
		const char *head = "From: MAILER-DAEMON@example.jp\nSubject: failure notice\n\n"
		    "Hi. This is the qmail-send program at example.jp.\n\n<neko@example.jp>:\n";
		size_t lines = 100000, k, i;
		char  *m = malloc(strlen(head) + 2 * lines + 1);
		k = (size_t)sprintf(m, "%s", head);
		for (i = 0; i < lines; i++) {
			m[k++] = 'x';
			m[k++] = '\n';
		}
		T_OK(kaeru_parser_parse(p, m, k, NULL, &r, &n) == 0, "many-line diagnosis");
		T_OK(n == 1 && strlen(r[0].diagnosticcode) <= 8192, "diagnosis capped");
		T_OK(n == 1 && (r[0].flags & KAERU_RECORD_TRUNCATED), "capped diagnosis flagged");
		free(m);
	}

	/*
	 * A Diagnostic-Code of 80 KB without a blank, "<a@b><a@b>...": the
	 * phrase matcher tried every end of the run for the glued phrases
	 * "<*>" and "<*@", each with the rest of the phrase: six minutes.
	 */
	{
		const char *head = "From: MAILER-DAEMON@example.jp\nSubject: failure\n"
		    "Content-Type: multipart/report; boundary=B\n\n--B\n"
		    "Content-Type: message/delivery-status\n\n"
		    "Final-Recipient: rfc822; neko@example.jp\nAction: failed\n"
		    "Diagnostic-Code: smtp; 550 ";
		size_t reps = 16000, k, i;
		char  *m = malloc(strlen(head) + 5 * reps + 16);
		k = (size_t)sprintf(m, "%s", head);
		for (i = 0; i < reps; i++) {
			memcpy(m + k, "<a@b>", 5);
			k += 5;
		}
		k += (size_t)sprintf(m + k, "\n--B--\n");
		T_OK(kaeru_parser_parse(p, m, k, NULL, &r, &n) == 0 && n == 1, "80 KB glued diagnostic");
		free(m);
	}

	/* A 50 MB bounce: a Postfix notice with a 50 MB attachment in the returned message. */
	{
		size_t big = (size_t)50 << 20, k, i;
		char  *m = malloc(big + 4096);
		const char *tail;
		k = (size_t)sprintf(m, "%.*s", (int)(strstr(postfix, "--X--") - postfix), postfix);
		tail = "Content-Type: multipart/mixed; boundary=Y\n\n--Y\nContent-Type: image/png\n"
		    "Content-Transfer-Encoding: base64\n\n";
		(void)tail;
		for (i = 0; i + 77 < big; i += 77) {
			memcpy(m + k, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n", 77);
			k += 77;
		}
		k += (size_t)sprintf(m + k, "--X--\n");
		T_OK(kaeru_parser_parse(p, m, k, NULL, &r, &n) == 0 && n == 1, "50 MB mail");
		T_OK(n == 1 && strcmp(r[0].reason, "userunknown") == 0, "50 MB mail classified");
		free(m);
	}

	/* Ten thousand nested multiparts: the depth limit stops the walk. */
	{
		size_t lv = 10000, k = 0, i, cap = lv * 80 + 256;
		char  *m = malloc(cap);
		for (i = 0; i < lv; i++)
			k += (size_t)snprintf(m + k, cap - k, "Content-Type: multipart/mixed; boundary=b%zu\n\n--b%zu\n", i, i);
		k += (size_t)snprintf(m + k, cap - k, "Content-Type: text/plain\n\nhello\n");
		T_OK(kaeru_parser_parse(p, m, k, NULL, &r, &n) == 0, "deep nesting");
		free(m);
	}

	/* Limits: a mail larger than max_mail_size is still read, and flagged. */
	kaeru_parser_free(p);
	o.max_mail_size = 600;
	T_OK(kaeru_parser_new(&p, &o) == 0, "parser with limits");
	T_OK(kaeru_parser_parse(p, postfix, strlen(postfix), NULL, &r, &n) == 0, "parse cut mail");
	T_OK(n == 1 && (r[0].flags & KAERU_RECORD_TRUNCATED), "truncated flag");
	kaeru_parser_free(p);

	o.version = 99;
	T_OK(kaeru_parser_new(&p, &o) == KAERU_EVERSION, "options version checked");
	T_OK(strlen(kaeru_error_last()) > 0, "error text");
	/* kaeru_parser_truncated: a report nested past the depth limit. */
	{
		static const char nested[] =
		    "From: MAILER-DAEMON@example.org\nSubject: failure\n"
		    "Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\n"
		    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
		    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"c\"\n\n--c\n"
		    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		    "Final-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n\n"
		    "--c--\n--b--\n--a--\n";
		kaeru_parse_opts    o = KAERU_PARSE_OPTS_INIT;
		kaeru_parser	   *q;
		const kaeru_record *rr;
		size_t		    nn;

		T_OK(kaeru_parser_new(&q, NULL) == 0, "parser with defaults");
		T_OK(kaeru_parser_parse(q, nested, strlen(nested), "n", &rr, &nn) == 0 && nn == 1, "nested: one record");
		T_EQ_INT(kaeru_parser_truncated(q), 0, "nested: not truncated");
		kaeru_parser_free(q);
		o.max_depth = 2;
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with depth 2");
		T_OK(kaeru_parser_parse(q, nested, strlen(nested), "n", &rr, &nn) == 0 && nn == 0, "cut: no record");
		T_EQ_INT(kaeru_parser_truncated(q), 1, "cut: truncated");
		T_OK(kaeru_parser_parse(q, "Subject: x\n\nhello\n", 19, "n", &rr, &nn) == 0, "next mail");
		T_EQ_INT(kaeru_parser_truncated(q), 0, "next mail: not truncated");
		kaeru_parser_free(q);
		T_EQ_INT(kaeru_parser_truncated(NULL), 0, "NULL parser");
	}
	/*
	 * Limits on records: at most max_records of them; each diagnostic at
	 * most max_header_len bytes, cut between UTF-8 characters; all the
	 * diagnostics of a mail together at most max_decoded bytes, which
	 * only text that recipients share can reach.
	 */
	{
		const size_t	    nrcpt = 40;
		size_t		    cap = 1024 + nrcpt * 1200, k = 0, i, j, total = 0;
		char		   *m = malloc(cap), *ez = malloc(cap);
		size_t		    ezn = 0;
		kaeru_parse_opts    o = KAERU_PARSE_OPTS_INIT;
		kaeru_parser	   *q;
		const kaeru_record *rr;
		size_t		    nn;
		int		    cut_ok = 1, flags_ok = 1;

		/* A report of 40 recipients, each with 750 bytes of Japanese text. */
		k += (size_t)snprintf(m + k, cap - k, "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\n"
		    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n");
		for (i = 0; i < nrcpt; i++) {
			k += (size_t)snprintf(m + k, cap - k, "Final-Recipient: rfc822; user%zu@example.com\nAction: failed\n"
			    "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 ", i);
			/* "ユーザ" is three characters of three bytes: cuts fall inside them. */
			for (j = 0; j < 83; j++)
				k += (size_t)snprintf(m + k, cap - k, "ユーザ");
			k += (size_t)snprintf(m + k, cap - k, "\n\n");
		}
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with defaults");
		T_OK(kaeru_parser_parse(q, m, k, "m", &rr, &nn) == 0 && nn == nrcpt, "all records within the defaults");
		T_EQ_INT(kaeru_parser_truncated(q), 0, "not truncated within the defaults");
		kaeru_parser_free(q);

		o.max_records = 25;
		o.max_header_len = 500;
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with small limits");
		T_OK(kaeru_parser_parse(q, m, k, "m", &rr, &nn) == 0 && nn == 25, "max_records records");
		T_EQ_INT(kaeru_parser_truncated(q), 1, "records cut: truncated");
		for (i = 0; i < nn; i++) {
			size_t dl = strlen(rr[i].diagnosticcode);
			if (dl > 500 || dl < 490 || !kc_utf8_valid_check(rr[i].diagnosticcode))
				cut_ok = 0;
			if (!(rr[i].flags & KAERU_RECORD_TRUNCATED))
				flags_ok = 0;
		}
		T_OK(cut_ok, "each diagnostic at most max_header_len bytes, whole characters");
		T_OK(flags_ok, "every record cut says truncated");
		kaeru_parser_free(q);

		/* Version 1 options end before max_records: it keeps its default. */
		o.version = 1;
		o.max_records = 3;
		o.max_header_len = 0;
		T_OK(kaeru_parser_new(&q, &o) == 0, "version 1 options accepted");
		T_OK(kaeru_parser_parse(q, m, k, "m", &rr, &nn) == 0 && nn == nrcpt, "version 1: max_records not read");
		kaeru_parser_free(q);

		/*
		 * An au (EZweb) notice: 40 recipients, one 5,500-byte text for
		 * all (past the decoders' 4 KiB memo copies: kept by address
		 * and hash), the same answers for each.
		 */
		ezn += (size_t)snprintf(ez + ezn, cap - ezn, "From: <Postmaster@ezweb.ne.jp>\nTo: <user@example.or.jp>\n"
		    "Subject: Mail System Error - Returned Mail\nMessage-Id: <1.A@wsmtpr24.ezweb.ne.jp>\n"
		    "Content-Type: text/plain; charset=us-ascii\n\n");
		for (i = 0; i < nrcpt; i++)
			ezn += (size_t)snprintf(ez + ezn, cap - ezn, "<user%zu@ezweb.ne.jp>\n", i);
		for (j = 0; j < 100; j++)
			ezn += (size_t)snprintf(ez + ezn, cap - ezn, "The user(s) account is disabled, line %02zu of the notice.\n", j);
		o = (kaeru_parse_opts)KAERU_PARSE_OPTS_INIT;
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with defaults");
		T_OK(kaeru_parser_parse(q, ez, ezn, "ez", &rr, &nn) == 0 && nn == nrcpt, "EZweb: every recipient");
		T_OK(nn > 0 && strlen(rr[0].diagnosticcode) > 5000 && !(rr[nn - 1].flags & KAERU_RECORD_TRUNCATED),
		    "EZweb: the shared text whole within the defaults");
		for (i = 1, j = 1; i < nn; i++)
			j &= strcmp(rr[i].reason, rr[0].reason) == 0 && strcmp(rr[i].deliverystatus, rr[0].deliverystatus) == 0 &&
			    strcmp(rr[i].diagnosticcode, rr[0].diagnosticcode) == 0;
		T_OK(nn == nrcpt && j && strcmp(rr[0].reason, "suspend") == 0, "EZweb: one answer for every record");
		kaeru_parser_free(q);
		o.max_decoded = 20000;
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with a small budget");
		T_OK(kaeru_parser_parse(q, ez, ezn, "ez", &rr, &nn) == 0 && nn == nrcpt, "EZweb: every recipient still");
		for (i = 0; i < nn; i++)
			total += strlen(rr[i].diagnosticcode);
		T_OK(total <= 20000 && total > 19000, "the diagnostics together at most max_decoded bytes");
		T_OK(strlen(rr[0].diagnosticcode) > 2500 && !(rr[0].flags & KAERU_RECORD_TRUNCATED) &&
		    strlen(rr[nn - 1].diagnosticcode) == 0 && (rr[nn - 1].flags & KAERU_RECORD_TRUNCATED),
		    "the budget spent in record order, the records past it cut and marked");
		T_EQ_INT(kaeru_parser_truncated(q), 1, "budget spent: truncated");
		kaeru_parser_free(q);

		/*
		 * Long texts of one length that differ (each past the memo
		 * copies): each record keeps its own codes and reason.
		 */
		k = 0;
		k += (size_t)snprintf(m + k, cap - k, "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\n"
		    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n");
		o = (kaeru_parse_opts)KAERU_PARSE_OPTS_INIT;
		for (i = 0; i < 6; i++) {
			k += (size_t)snprintf(m + k, cap - k, "Final-Recipient: rfc822; user%zu@example.com\nAction: failed\n"
			    "Diagnostic-Code: smtp; %s", i, i % 2 ? "452 4.2.2 mailbox full" : "550 5.1.1 user unknown");
			for (j = 0; j < 500; j++)
				k += (size_t)snprintf(m + k, cap - k, " xxxxxxxxx");
			k += (size_t)snprintf(m + k, cap - k, "\n\n");
		}
		T_OK(kaeru_parser_new(&q, &o) == 0, "parser with defaults");
		T_OK(kaeru_parser_parse(q, m, k, "m", &rr, &nn) == 0 && nn == 6, "six long texts");
		for (i = 0, j = 1; i < nn; i++)
			j &= strcmp(rr[i].deliverystatus, i % 2 ? "4.2.2" : "5.1.1") == 0 &&
			    strcmp(rr[i].replycode, i % 2 ? "452" : "550") == 0 &&
			    strcmp(rr[i].reason, i % 2 ? "mailboxfull" : "userunknown") == 0;
		T_OK(j, "long texts of one length: each record its own codes and reason");
		/* The same in an au notice, whose decoder keeps its own memos. */
		ezn = 0;
		ezn += (size_t)snprintf(ez + ezn, cap - ezn, "From: <Postmaster@ezweb.ne.jp>\nTo: <user@example.or.jp>\n"
		    "Subject: Mail System Error - Returned Mail\nMessage-Id: <1.A@wsmtpr24.ezweb.ne.jp>\n"
		    "Content-Type: text/plain; charset=us-ascii\n\n");
		for (i = 0; i < 6; i++) {
			ezn += (size_t)snprintf(ez + ezn, cap - ezn, "<user%zu@ezweb.ne.jp>: %s", i,
			    i % 2 ? "452 4.2.2 mailbox full" : "550 5.1.1 user unknown");
			for (j = 0; j < 500; j++)
				ezn += (size_t)snprintf(ez + ezn, cap - ezn, " xxxxxxxxx");
			ezn += (size_t)snprintf(ez + ezn, cap - ezn, "\n");
		}
		T_OK(kaeru_parser_parse(q, ez, ezn, "ez", &rr, &nn) == 0 && nn == 6, "EZweb: six long texts");
		for (i = 0, j = 1; i < nn; i++)
			j &= strcmp(rr[i].deliverystatus, i % 2 ? "4.2.2" : "5.1.1") == 0 &&
			    strcmp(rr[i].replycode, i % 2 ? "452" : "550") == 0;
		T_OK(j, "EZweb, long texts of one length: each record its own codes");
		kaeru_parser_free(q);
		free(m);
		free(ez);
	}
	{
		/*
		 * Forwarded "as attachment" by a relay whose own note names no
		 * recipient: the attached message is what counts, whoever sent
		 * it. A complaint stays a complaint; a list's notice from its
		 * owner (no mailer daemon, no report) stays that bounce.
		 */
		static const char wrap[] =
		    "From: Postmaster <postmaster@relay.example.net>\nTo: owner@example.com\n"
		    "Subject: Fwd: returned mail\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=\"W\"\n\n--W\nContent-Type: text/plain\n\n"
		    "The attached message was returned to this relay.\n\n--W\nContent-Type: message/rfc822\n\n%s\n--W--\n";
		static const char arf[] =
		    "From: complaints@fbl.example.org\nTo: fbl@example.com\nSubject: Abuse report\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: multipart/report; report-type=feedback-report; boundary=\"A\"\n\n"
		    "--A\nContent-Type: text/plain\n\nThis is an email abuse report for a message received from IP 192.0.2.1.\n\n"
		    "--A\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n"
		    "Original-Rcpt-To: <gus@example.org>\n\n"
		    "--A\nContent-Type: text/rfc822-headers\n\nFrom: news@example.com\nTo: gus@example.org\nSubject: news\n\n--A--\n";
		static const char list[] =
		    "From: cats-admin@ml.example.org\nTo: alice@example.com\n"
		    "Subject: You alice@example.com are not member (cats ML)\n"
		    "Message-ID: <202001010000.FML12345.cats@ml.example.org>\n"
		    "X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\nContent-Type: text/plain\n\n"
		    "You are not a member of this mailing list <cats@ml.example.org>.\n\n"
		    "Original mail as follows:\n\nFrom: alice@example.com\n";
		char	      buf[4096];
		int	      k = snprintf(buf, sizeof(buf), wrap, arf);
		kaeru_parser *w;
		T_OK(kaeru_parser_new(&w, NULL) == 0, "forwarded: parser");
		T_OK(kaeru_parser_parse(w, buf, (size_t)k, "w.eml", &r, &n) == 0 && n == 1, "forwarded complaint: one record");
		if (n == 1) {
			T_EQ_STR(r[0].recipient, "gus@example.org", "forwarded complaint: recipient");
			T_EQ_STR(r[0].reason, "feedback", "forwarded complaint: reason");
			T_OK(r[0].kind == KAERU_KIND_FEEDBACK, "forwarded complaint: a complaint");
		}
		k = snprintf(buf, sizeof(buf), wrap, list);
		T_OK(kaeru_parser_parse(w, buf, (size_t)k, "w.eml", &r, &n) == 0 && n == 1, "forwarded list notice: one record");
		if (n == 1) {
			T_EQ_STR(r[0].recipient, "cats@ml.example.org", "forwarded list notice: recipient");
			T_EQ_STR(r[0].decodedby, "FML", "forwarded list notice: its family");
		}
		kaeru_parser_free(w);
	}
	return t_done("parse");
}

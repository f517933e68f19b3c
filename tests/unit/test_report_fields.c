/*
 * test_report_fields - report fields as MTAs and mail libraries write them
 *	The fields of a delivery-status report (RFC 3464) and of a feedback
 *	report (RFC 5965) are a header block: their names are in any case,
 *	and they may be folded as any header is: after the field's name
 *	("Final-Recipient:" then " rfc822; a@b"), after the type
 *	("Diagnostic-Code: smtp;" then the reply), or anywhere in the value.
 *	Mail libraries that re-fold long lines do this (Python's email
 *	package folds at 78 columns). Each case is a report written so, and
 *	every field must read as the usual shape does. Before the fields were
 *	unfolded, 284 of 290 corpus reports folded after the name lost their
 *	recipient or their diagnosis.
 */
#include "t.h"

#include <kaeru/kaeru.h>

static const struct {
	const char *what, *recipient, *reason, *status, *reply, *diag, *decodedby, *mail;
} cases[] = {
	{ "RFC 3464, every field folded after its name", "bob@example.net", "userunknown", "5.1.1", "550",
	    "550 5.1.1 <bob@example.net>... User Unknown", "RFC3464",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Returned mail: see transcript for details\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "The original message was received at Mon, 1 Jan 2024 00:00:00 +0000.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA:\n"
	    " dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient:\n"
	    " rfc822; bob@example.net\n"
	    "Action:\n"
	    " failed\n"
	    "Status:\n"
	    " 5.1.1\n"
	    "Remote-MTA:\n"
	    " dns; mx.example.net\n"
	    "Diagnostic-Code:\n"
	    " smtp; 550 5.1.1 <bob@example.net>... User Unknown\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464, folded after the type, with a tab", "carol@example.org", "mailboxfull", "5.2.2", "552",
	    "552 5.2.2 <carol@example.org>: mailbox full", "RFC3464",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Your message could not be delivered.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822;\n"
	    "\tcarol@example.org\n"
	    "Action: failed\n"
	    "Status: 5.2.2\n"
	    "Diagnostic-Code: smtp;\n"
	    "\t552 5.2.2 <carol@example.org>:\n"
	    "\tmailbox full\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464, a Status comment on the next line", "dave@example.jp", "hostunknown", "5.1.2", "",
	    "Host or domain name not found", "RFC3464",
	    "From: MAILER-DAEMON@mx.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Undeliverable\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Delivery has failed.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Final-Recipient: rfc822; dave@example.jp\n"
	    "Action: failed\n"
	    "Status: 5.1.2\n"
	    " (Host or domain name not found)\n"
	    "\n"
	    "--B--\n" },
	{ "PowerMTA, its Status comment folded", "zoe@example.jp", "suspend", "5.2.1", "550",
	    "550 5.2.1 <zoe@example.jp>... User Unknown (mailbox disabled, not accepting messages)", "PowerMTA",
	    "From: postmaster@pmta.example.net\n"
	    "To: alice@example.com\n"
	    "Subject: Delivery report\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Hello, this is the mail server on pmta.example.net.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns;pmta.example.net\n"
	    "X-PowerMTA-VirtualMTA: vmta1\n"
	    "\n"
	    "Final-Recipient:\n"
	    " rfc822;zoe@example.jp\n"
	    "Action: failed\n"
	    "Status:\n"
	    " 5.2.1 (mailbox disabled, not accepting messages)\n"
	    "Diagnostic-Code:\n"
	    " smtp;550 5.2.1 <zoe@example.jp>... User Unknown\n"
	    "X-PowerMTA-BounceCategory:\n"
	    " inactive-mailbox\n"
	    "\n"
	    "--B--\n" },
	{ "SendGrid, \"Action: expired\" folded", "pig@example.org", "expired", "5.0.0", "",
	    "Connection timed out", "SendGrid",
	    "Return-Path: <apps@sendgrid.net>\n"
	    "From: MAILER-DAEMON@mx.example.jp\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "This is an automatically generated message from SendGrid.\n"
	    "\n"
	    "pig:00000:<pig@example.org> : Connection timed out in connect\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Arrival-Date: 2013-07-08 18-21-01\n"
	    "\n"
	    "Final-Recipient:\n"
	    " rfc822; pig@example.org\n"
	    "Action:\n"
	    " expired\n"
	    "Status: \n"
	    "Diagnostic-Code:\n"
	    " Connection timed out\n"
	    "\n"
	    "--B--\n" },
	{ "ARF, the recipient and Authentication-Results folded", "eve@example.org", "feedback", "", "",
	    "This is an authentication failure report for an email message received from IP 192.0.2.1. "
	    "mx.example.org; dkim=fail (signature did not verify) header.d=example.com; spf=pass "
	    "smtp.mailfrom=alice@example.com", "Feedback-Loop",
	    "From: dmarc@mx.example.org\n"
	    "To: alice@example.com\n"
	    "Subject: FW: hello\n"
	    "Content-Type: multipart/report; report-type=feedback-report; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "This is an authentication failure report for an email message received from IP 192.0.2.1.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/feedback-report\n"
	    "\n"
	    "Feedback-Type: auth-failure\n"
	    "User-Agent: Reporter/1.0\n"
	    "Version: 1\n"
	    "Original-Rcpt-To:\n"
	    " <eve@example.org>\n"
	    "Authentication-Results: mx.example.org;\n"
	    " dkim=fail (signature did not verify) header.d=example.com;\n"
	    " spf=pass smtp.mailfrom=alice@example.com\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/rfc822-headers\n"
	    "\n"
	    "From: alice@example.com\n"
	    "To: eve@example.org\n"
	    "Subject: hello\n"
	    "\n"
	    "--B--\n" },
	{ "report fields in lower case, written into the notice", "fay@example.com", "userunknown", "5.1.1", "550",
	    "550 5.1.1 <fay@example.com>... User unknown", "RFC3464",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
	    "To: alice@example.org\n"
	    "Subject: Returned mail: User unknown\n"
	    "\n"
	    "   ----- The following addresses had delivery problems -----\n"
	    "<fay@example.com>  (unrecoverable error)\n"
	    "\n"
	    "reporting-mta: dns; mx.example.org\n"
	    "\n"
	    "final-recipient: RFC822; fay@example.com\n"
	    "action: failed\n"
	    "status: 5.1.1\n"
	    "diagnostic-code: SMTP; 550 5.1.1 <fay@example.com>... User unknown\n" },
};

/* field - check one field of case i's record, named "<case>: <name>" */
static void
field(size_t i, const char *name, const char *got, const char *want)
{
	char what[160];

	snprintf(what, sizeof(what), "%s: %s", cases[i].what, name);
	T_EQ_STR(got, want, what);
}

int
main(void)
{
	kaeru_parser *p;
	size_t	      i;

	if (kaeru_parser_new(&p, NULL) != 0)
		return 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const kaeru_record *r;
		size_t		    n = 0;
		int		    rc = kaeru_parser_parse(p, cases[i].mail, strlen(cases[i].mail), "t", &r, &n);
		char		    what[160];

		snprintf(what, sizeof(what), "%s: one record", cases[i].what);
		T_OK(rc == 0 && n == 1, what);
		if (rc != 0 || n != 1)
			continue;
		field(i, "recipient", r[0].recipient, cases[i].recipient);
		field(i, "reason", r[0].reason, cases[i].reason);
		field(i, "status", r[0].deliverystatus, cases[i].status);
		field(i, "reply", r[0].replycode, cases[i].reply);
		field(i, "diagnosis", r[0].diagnosticcode, cases[i].diag);
		field(i, "decoder", r[0].decodedby, cases[i].decodedby);
	}
	kaeru_parser_free(p);
	return t_done("report_fields");
}

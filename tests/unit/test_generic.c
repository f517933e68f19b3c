/*
 * test_generic - the standard readers alone (RFC 3464, generic, MDA words)
 *	on small bounces written for this test, in shapes that no family
 *	decoder is needed for. The parser runs with the test hook that skips
 *	the family decoders, as "corpus_test -g" does, so each case checks
 *	what kaeru makes of an MTA it has never seen.
 */
#include "t.h"

#include <kaeru/kaeru.h>

#include <stdlib.h>

/* Internal hook of libkaeru (src/lib/parser.c): standard readers only. */
void kaeru_parser_only_standard(kaeru_parser *p, int on);

static const struct {
	const char *what, *recipient, *reason, *status, *reply, *mail;
} cases[] = {
	{ "a bounce forwarded inline by a person (Gmail's shape): read as the mail its fields begin",
	    "bob@example.org", "userunknown", "5.1.1", "550",
	    "From: Alice <alice@example.com>\n"
	    "To: support@esp.example\n"
	    "Subject: Fwd: Postmaster notify: see transcript for details\n"
	    "\n"
	    "Why did this bounce?\n"
	    "\n"
	    "---------- Forwarded message ---------\n"
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
	    "Date: Mon, 2 Mar 2026 09:00:00 +0900\n"
	    "Subject: Postmaster notify: see transcript for details\n"
	    "To: <alice@example.com>\n"
	    "\n"
	    "   ----- The following addresses had permanent fatal errors -----\n"
	    "<bob@example.org>\n"
	    "    (reason: 550 5.1.1 <bob@example.org>... User unknown)\n" },
	{ "a bounce forwarded inline by Outlook: \"Sent:\", and no empty line before the text",
	    "carol@example.net", "userunknown", "5.1.1", "550",
	    "From: Alice <alice@example.com>\n"
	    "To: support@esp.example\n"
	    "Subject: FW: why?\n"
	    "\n"
	    "Can you look at this?\n"
	    "-----Original Message-----\n"
	    "From: Mail Delivery System <MAILER-DAEMON@relay.example.com>\n"
	    "Sent: Monday, March 2, 2026 9:00 AM\n"
	    "To: alice@example.com\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "A message that you sent could not be delivered to one or more of its\n"
	    "recipients. This is a permanent error. The following address(es) failed:\n"
	    "\n"
	    "  carol@example.net\n"
	    "    SMTP error from remote mail server after RCPT TO:<carol@example.net>:\n"
	    "    550 5.1.1 No such user here\n" },
	{ "no cause, no address in the notice: the returned message summed up before the marker",
	    "dana@example.net", "undefined", "5.0.0", "",
	    "From: MAILER-DAEMON@mail.example.com\n"
	    "To: news-bounces@lists.example.org\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Hi. We were unable to deliver the following message.\n"
	    "This is a permanent error; we have given up.\n"
	    "\n"
	    "Subject: March newsletter\n"
	    "To: Dana <dana@example.net>\n"
	    "\n"
	    "--- Below this line is a copy of the message.\n"
	    "\n" },
	{ "a security code in the greeting: the sending host is blocked", "bob@example.net", "blocked", "5.7.1", "554",
	    "From: Mail Delivery System <MAILER-DAEMON@relay.example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "\n"
	    "A message that you sent could not be delivered to one or more of its recipients.\n"
	    "\n"
	    "  bob@example.net\n"
	    "    host mx.example.net [192.0.2.7]\n"
	    "    SMTP error from remote mail server after initial connection:\n"
	    "    554 5.7.1 Your address 198.51.100.4 has no name\n" },
	{ "RFC 3464: a reply to the greeting in the transcript: refused at connection", "carol@example.org",
	    "blocked", "5.5.0", "554",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Returned mail: see transcript for details\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "\n"
	    "   ----- Transcript of session follows -----\n"
	    "... while talking to mx1.example.org.:\n"
	    "<<< 554 Transaction failed (17)\n"
	    "554 5.0.0 Service unavailable\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: RFC822; carol@example.org\n"
	    "Action: failed\n"
	    "Status: 5.5.0\n"
	    "Diagnostic-Code: SMTP; 554 Transaction failed (17)\n"
	    "\n"
	    "--B--\n" },
	{ "a delivery agent's words decide: vpopmail's locked account is suspended", "carol@example.net",
	    "suspend", "5.0.0", "",
	    "From: MAILER-DAEMON@mail.example.net\n"
	    "To: alice@example.com\n"
	    "Subject: failure notice\n"
	    "\n"
	    "I could not deliver your message to the following address.\n"
	    "\n"
	    "<carol@example.net>:\n"
	    "vdelivermail: account is locked email bounced carol@example.net\n" },
	{ "a delivery agent's words decide: maildrop's quota", "dave@example.net", "mailboxfull", "5.0.0", "",
	    "From: MAILER-DAEMON@mail.example.net\n"
	    "To: alice@example.com\n"
	    "Subject: failure notice\n"
	    "\n"
	    "I could not deliver your message to the following address.\n"
	    "\n"
	    "<dave@example.net>:\n"
	    "maildrop: maildir over quota.\n" },
	{ "Japanese subject, no daemon sender", "taro@example.jp", "mailboxfull", "5.0.0", "",
	    "From: no-reply@mail.example.jp\n"
	    "To: hanako@example.com\n"
	    "Subject: =?UTF-8?B?44Oh44O844Or44Ko44Op44O86YCa55+l?=\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Your mail sent on: Mon, 1 Apr 2024 10:00:00 +0900\n"
	    "     Could not be delivered to: <taro@example.jp>\n"
	    "     As their mailbox is full.\n" },
	{ "RFC 3464: the command from the folded notice line", "bob@example.net", "userunknown", "5.2.1", "550",
	    "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
	    "To: alice@example.com\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.2.1\n"
	    "    <bob@example.net>... User Unknown (in reply to RCPT TO\n"
	    "    command)\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822; bob@example.net\n"
	    "Action: failed\n"
	    "Status: 5.2.1\n"
	    "Diagnostic-Code: smtp; 550 5.2.1 <bob@example.net>... User Unknown\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464: \"addr: reply\" lines give a bare report its diagnosis", "carol@example.org", "mailboxfull", "5.2.2", "552",
	    "From: Mailer Daemon <MAILER-DAEMON@mx.example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Delivery status notification: failed\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "    An error has occurred while attempting to deliver a message for\n"
	    "    the following list of recipients:\n"
	    "\n"
	    "dave@example.org: 550 5.1.1 <dave@example.org>: Recipient address rejected\n"
	    "carol@example.org: 552 5.2.2 <carol@example.org>: Mailbox full\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822; carol@example.org\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "\n"
	    "--B--\n" },
	{ "a greeting names the sender, the returned To: the recipient", "list@groups.example.com", "securityerror", "5.7.1", "550",
	    "From: Mail Delivery Subsystem <mailer-daemon@example.com>\n"
	    "To: alice@example.jp\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/mixed; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "alice@example.jp様\n"
	    "\n"
	    "お送りいただいたメッセージは配信されませんでした。\n"
	    "Server said: 550 5.7.1 not permitted\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: alice@example.jp\n"
	    "To: list@groups.example.com\n"
	    "Subject: hello\n"
	    "\n"
	    "hi\n"
	    "--B--\n" },
	{ "a mail sent to oneself lists the sender as the recipient", "alice@example.jp", "mailboxfull", "5.0.0", "552",
	    "From: MAILER-DAEMON@example.jp\n"
	    "To: alice@example.jp\n"
	    "Subject: failure notice\n"
	    "\n"
	    "I wasn't able to deliver your message to the following addresses.\n"
	    "\n"
	    "<alice@example.jp>:\n"
	    "Remote host said: 552 Error: disk quota exceeded\n" },
	{ "\"A message sent by\" then the sender's address", "bob@example.org", "expired", "5.0.0", "",
	    "From: Mail Delivery System <Mailer-Daemon@example.jp>\n"
	    "To: alice@example.jp\n"
	    "Subject: Mail delivery failed\n"
	    "\n"
	    "A message sent by\n"
	    "\n"
	    "  <alice@mail.example.jp>\n"
	    "\n"
	    "could not be delivered to one or more of its recipients. The following\n"
	    "address(es) failed:\n"
	    "\n"
	    "  bob@example.org\n"
	    "    all hosts have been failing for a long time and were last tried after this message arrived\n" },
	{ "\"text <addr>: error\": the bracketed address; Exim's words", "bob@example.net", "syntaxerror", "5.0.0", "",
	    "From: Mail Delivery System <mailer-daemon@example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Mail failure - malformed recipient address\n"
	    "\n"
	    "A message that you sent contained one or more recipient addresses that were\n"
	    "incorrectly constructed:\n"
	    "\n"
	    "  carol@example.com <bob@example.net>: malformed address: <bob@example.net> may not follow carol@example.com\n" },
	{ "a report without recipients: the returned To:, no boilerplate diagnosis", "bob@example.fr", "undefined", "5.0.0", "",
	    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
	    "To: alice@example.com\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "This is the mail system at host mx.example.net.\n"
	    "\n"
	    "I'm sorry to have to inform you that your message could not\n"
	    "be delivered to one or more recipients. It's attached below.\n"
	    "\n"
	    "\t--- Delivery report unavailable ---\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: alice@example.com\n"
	    "To: bob@example.fr\n"
	    "Subject: hello\n"
	    "\n"
	    "hi\n"
	    "--B--\n" },
	{ "the returned message quoted as text: its To:", "5551234567@mms.example.net", "mailboxfull", "5.0.0", "",
	    "Return-Path: <>\n"
	    "From: MMS Gateway <sysadmin@mms.example.net>\n"
	    "To: alice@example.com\n"
	    "Subject: Undeliverable Message\n"
	    "\n"
	    "Message could not be delivered to the handset.\n"
	    "Error: the mailbox is full\n"
	    "\n"
	    "Original Message:\n"
	    "From: Alice <alice@example.com>\n"
	    "To: 5551234567@mms.example.net\n"
	    "Subject: photo\n" },
	{ "an SMTP transcript from a sender unlike a daemon; the error above the list", "nobody@sms.example.com", "userunknown", "5.0.0", "550",
	    "From: post_master@sms.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Re: hello\n"
	    "\n"
	    "Error: Invalid user address\n"
	    "\n"
	    "Error message below:\n"
	    "550 - Requested action not taken: no such user here\n"
	    "\n"
	    "Message details:\n"
	    "  Subject: hello\n"
	    "  MAIL FROM: alice@example.com\n"
	    "  RCPT TO: nobody@sms.example.com\n"
	    "  Size (in bytes): 222\n" },
	{ "RFC 3464: a multi-line reply cut to its first line is completed from the transcript", "bob@example.net", "authfailure", "5.7.1", "550",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\n"
	    "To: alice@example.jp\n"
	    "Subject: Returned mail: see transcript for details\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "\n"
	    "   ----- Transcript of session follows -----\n"
	    "... while talking to mx.example.net.:\n"
	    ">>> DATA\n"
	    "<<< 550-5.7.1 This message does not have authentication information or fails to pass\n"
	    "<<< 550-5.7.1 authentication checks. The message has been\n"
	    "<<< 550 5.7.1 blocked.\n"
	    "554 5.0.0 Service unavailable\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.jp\n"
	    "\n"
	    "Final-Recipient: RFC822; bob@example.net\n"
	    "Action: failed\n"
	    "Status: 5.7.1\n"
	    "Diagnostic-Code: SMTP; 550-5.7.1 This message does not have authentication information or fails to pass\n"
	    "\n"
	    "--B--\n" },
	{ "known MTA words: Notes names no command, the words mean userunknown", "bob@notes.example.com", "userunknown", "5.0.0", "",
	    "From: Postmaster@notes.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Undeliverable Message\n"
	    "\n"
	    "Your message\n"
	    "\n"
	    "  Subject: hello\n"
	    "\n"
	    "was not delivered to:\n"
	    "\n"
	    "  bob@notes.example.com\n"
	    "\n"
	    "because:\n"
	    "\n"
	    "  User bob (bob@notes.example.com) not listed in public Name & Address Book\n" },
	{ "known MTA words: dma gives up", "carol@example.net", "expired", "5.0.0", "",
	    "From: MAILER-DAEMON <>\n"
	    "To: alice@example.com\n"
	    "Subject: Mail delivery failed\n"
	    "\n"
	    "This is the DragonFly Mail Agent v0.13 at mail.example.com.\n"
	    "\n"
	    "There was an error delivering your mail to <carol@example.net>.\n"
	    "\n"
	    "Could not deliver for the last 432000 seconds. Giving up.\n" },
	{ "RFC 3464: a report without Diagnostic-Code takes the sentence naming the recipient", "bob@example.it", "userunknown", "5.0.0", "",
	    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	    "To: alice@example.de\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "\n"
	    "** Address not found **\n"
	    "\n"
	    "Your message wasn't delivered to bob@example.it because the address couldn't be found.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; googlemail.com\n"
	    "\n"
	    "Final-Recipient: rfc822; bob@example.it\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464: the notice line that quotes the Diagnostic-Code with its command", "bob@example.jp", "userunknown", "5.0.0", "550",
	    "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
	    "To: alice@example.com\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "<bob@example.jp>: host mx.example.jp[192.0.2.2] said: 550 <bob@example.jp>:\n"
	    "    Recipient address rejected. (in reply to RCPT TO command)\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822; bob@example.jp\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "Diagnostic-Code: smtp; 550 <bob@example.jp>: Recipient address rejected.\n"
	    "\n"
	    "--B--\n" },
	{ "a line that is the address alone tells no cause", "bob@example.org", "undefined", "5.0.0", "",
	    "From: MAILER-DAEMON@mx.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Undeliverable: hello\n"
	    "\n"
	    "Delivery has failed to these recipients or groups:\n"
	    "\n"
	    "* bob@example.org\n" },
	{ "known MTA words: Google Groups refuses a post, in any language", "club@googlegroups.com", "rejected", "5.0.0", "",
	    "Return-Path: <>\n"
	    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	    "To: alice@example.fr\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "X-Failed-Recipients: club@googlegroups.com\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "\n"
	    "Bonjour alice@example.fr,\n"
	    "\n"
	    "Le groupe que vous avez essayé de contacter (club) n'existe peut-être pas.\n"
	    "\n"
	    "Pour toute question, consultez https://groups.google.com/support/.\n"
	    "\n"
	    "Google Groups\n" },
	{ "a postmaster after a lead phrase is a recipient", "postmaster@gone.example.org", "hostunknown", "5.0.0", "",
	    "From: MAILER-DAEMON <>\n"
	    "To: alice@example.com\n"
	    "Subject: Mail delivery failed\n"
	    "\n"
	    "There was an error delivering your mail to <postmaster@gone.example.org>.\n"
	    "\n"
	    "DNS lookup failure: host gone.example.org not found\n" },
	{ "the bounce's own postmaster is help, not a recipient", "bob@example.net", "mailboxfull", "5.2.2", "552",
	    "From: MAILER-DAEMON@mx.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: failure notice\n"
	    "\n"
	    "Questions can be sent to postmaster@example.com\n"
	    "\n"
	    "<bob@example.net>: 552 5.2.2 mailbox full\n" },
	{ "RFC 3464: the address alone, the error indented below it, the command from there", "bob@example.com", "blocked", "5.0.0", "550",
	    "From: Mail Delivery System <mailer-daemon@mx.example.org>\n"
	    "To: alice@example.org\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "A message that you sent could not be delivered to one or more of its\n"
	    "recipients. This is a permanent error. The following address(es) failed:\n"
	    "\n"
	    "  bob@example.com\n"
	    "    host mx.example.com [192.0.2.3]\n"
	    "    SMTP error from remote mail server after EHLO mx.example.org:\n"
	    "    550 Rejected\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.org\n"
	    "\n"
	    "Action: failed\n"
	    "Final-Recipient: rfc822;bob@example.com\n"
	    "Status: 5.0.0\n"
	    "Diagnostic-Code: smtp; 550 Rejected\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464: the transcript line that sent the command the Diagnostic-Code answered", "bob@example.org", "userunknown", "5.7.1", "553",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>\n"
	    "To: alice@example.jp\n"
	    "Subject: Returned mail: Requested action not taken: mailbox name not allowed\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "\n"
	    "   ----- The following addresses had permanent fatal errors -----\n"
	    "<bob@example.org>\n"
	    "\n"
	    "   ----- Transcript of session follows -----\n"
	    ">>> RCPT TO:<bob@example.org>\n"
	    "<<< 553 Invalid recipient bob@example.org (Mode: normal)\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mail.example.com\n"
	    "\n"
	    "Final-Recipient: RFC822; <bob@example.org>\n"
	    "Action: failed\n"
	    "Status: 5.7.1\n"
	    "Diagnostic-Code: SMTP; 553 Invalid recipient bob@example.org (Mode: normal)\n"
	    "\n"
	    "--B--\n" },
	{ "the remote reply after sendmail's echo of the address", "bob@gone.example.org", "hostunknown", "5.0.0", "550",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@example.com>\n"
	    "To: alice@example.com\n"
	    "Subject: Returned mail: Host unknown\n"
	    "\n"
	    "   ----- Transcript of session follows -----\n"
	    "554 <bob@gone.example.org>... 550 Host unknown (Authoritative answer from name server)\n"
	    "\n"
	    "   ----- Unsent message follows -----\n" },
	{ "RFC 3464: an exit status as Diagnostic-Code gives way to the notice's error line", "bob@example.jp", "mailererror", "5.3.0", "554",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@example.jp>\n"
	    "To: alice@example.jp\n"
	    "Subject: Returned mail: see transcript for details\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "\n"
	    "   ----- The following addresses had permanent fatal errors -----\n"
	    "\"|/home/bob/bin/filter\"\n"
	    "    (reason: 255)\n"
	    "    (expanded from: <bob@example.jp>)\n"
	    "\n"
	    "   ----- Transcript of session follows -----\n"
	    "554 5.3.0 unknown mailer error 255\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; example.jp\n"
	    "\n"
	    "Final-Recipient: RFC822; bob@example.jp\n"
	    "X-Actual-Recipient: X-Unix; |/home/bob/bin/filter\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "Diagnostic-Code: X-Unix; 255\n"
	    "\n"
	    "--B--\n" },
	{ "a Japanese label names the recipient", "taro@example.jp", "mailboxfull", "5.2.2", "552",
	    "From: MAILER-DAEMON@mail.example.jp\n"
	    "To: hanako@example.com\n"
	    "Subject: =?UTF-8?B?6YWN5L+h44Ko44Op44O8?=\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "メールを配信できませんでした。\n"
	    "\n"
	    "宛先： taro@example.jp\n"
	    "理由： 552 5.2.2 メールボックスが一杯です\n" },
	{ "a plain-text Original-Recipient with its address type", "jiro@example.org", "userunknown", "5.1.1", "550",
	    "From: postmaster@mx.example.com\n"
	    "To: hanako@example.com\n"
	    "Subject: Undeliverable mail\n"
	    "\n"
	    "  Original-Recipient: rfc822;jiro@example.org\n"
	    "  550 5.1.1 no such mailbox\n" },
	{ "\"Delivery failed for a@b\"", "bob@example.net", "userunknown", "5.1.1", "550",
	    "From: MAILER-DAEMON@mx.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Undeliverable mail\n"
	    "\n"
	    "Delivery failed for bob@example.net (550 5.1.1 user unknown).\n" },
	{ "a bounce forwarded attached to a notice of its own", "bob@example.org", "userunknown", "5.1.1", "550",
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@gw.example.co.jp>\n"
	    "To: \"NotificationRecipients\" <notify@gw.example.co.jp>\n"
	    "Subject: Returned mail: User unknown\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"OUT\"\n"
	    "\n"
	    "--OUT\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "----- The following addresses had permanent delivery errors -----\n"
	    "\n"
	    "--OUT\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.co.jp>\n"
	    "To: alice@example.co.jp\n"
	    "Subject: Returned mail: User unknown\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"IN\"\n"
	    "\n"
	    "--IN\n"
	    "\n"
	    "   ----- The following addresses had permanent delivery errors -----\n"
	    "bob@example.org\n"
	    "\n"
	    "--IN\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.co.jp\n"
	    "\n"
	    "Final-Recipient: RFC822; bob@example.org\n"
	    "Action: failed\n"
	    "Status: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
	    "\n"
	    "--IN--\n"
	    "\n"
	    "--OUT--\n" },
	{ "an HTML-only notice, the reply quoted in single quotes", "bob@corp.example.com", "userunknown", "5.1.10", "550",
	    "From: postmaster@corp.example.com\n"
	    "To: alice@example.org\n"
	    "Subject: Undeliverable: hello\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "\n"
	    "<html><body><p><b>Delivery has failed to these recipients or groups:</b></p>\n"
	    "<p><a href=\"mailto:bob@corp.example.com\">bob@corp.example.com</a><br>\n"
	    "The email address you entered couldn't be found.</p>\n"
	    "<p>bob@corp.example.com<br>Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound;"
	    " Recipient not found by SMTP address lookup'</p>\n"
	    "</body></html>\n" },
	{ "known MTA words: Exchange Online's address not found, no code at all", "bob@contoso.example", "userunknown", "5.0.0", "",
	    "From: Microsoft Outlook <postmaster@contoso.example>\n"
	    "To: alice@example.org\n"
	    "Subject: Undeliverable: hello\n"
	    "\n"
	    "Your message to bob@contoso.example couldn't be delivered.\n"
	    "\n"
	    "The email address you entered couldn't be found. Please check the recipient's email address.\n" },
	{ "a delay warning: delayed, class 4", "carol@example.net", "expired", "4.0.0", "",
	    "From: postmaster@mail.example.com\n"
	    "To: alice@example.org\n"
	    "Subject: Delivery delayed: hello\n"
	    "\n"
	    "Delivery is delayed to these recipients or groups:\n"
	    "\n"
	    "carol@example.net\n"
	    "\n"
	    "This message hasn't been delivered yet. Delivery will continue to be attempted.\n" },
	{ "RFC 3464: the Status field's comment counts where the reply is silent", "dave@example.jp", "suspend", "5.2.1", "550",
	    "From: MAILER-DAEMON@mta.example.net\n"
	    "To: alice@example.org\n"
	    "Subject: Delivery report\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "  <dave@example.jp>  delivery failed; will not continue trying\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns;mta.example.net\n"
	    "\n"
	    "Final-Recipient: rfc822;dave@example.jp\n"
	    "Action: failed\n"
	    "Status: 5.2.1 (mailbox disabled, not accepting messages)\n"
	    "Diagnostic-Code: smtp;550 5.2.1 <dave@example.jp>... User Unknown\n"
	    "\n"
	    "--B--\n" },
	{ "vacation(1)'s marks alone: Precedence junk, the null sender, no failure quoted", "erin@example.net",
	    "vacation", "", "",
	    "Return-Path: <>\n"
	    "From: Erin <erin@example.net>\n"
	    "To: news@example.com\n"
	    "Subject: Thank you for your e-mail\n"
	    "Precedence: junk\n"
	    "\n"
	    "Thank you for your e-mail. I will reply as soon as I can.\n"
	    "\n"
	    "Erin\n"
	    "erin@example.net\n" },
	{ "the same marks on a notice that quotes a failure: a bounce", "frank@example.org", "userunknown", "5.1.1", "550",
	    "Return-Path: <>\n"
	    "From: Helpdesk <help@example.org>\n"
	    "To: news@example.com\n"
	    "Subject: Your mail\n"
	    "Precedence: bulk\n"
	    "\n"
	    "Your message could not be delivered to:\n"
	    "frank@example.org\n"
	    "RCPT TO: 550 5.1.1 User unknown\n" },
	{ "an auto-reply's subject in Polish", "gosia@example.pl", "vacation", "", "",
	    "From: Gosia <gosia@example.pl>\n"
	    "To: news@example.com\n"
	    "Subject: [Automatyczna =?utf-8?Q?odpowied=C5=BA?=] test\n"
	    "\n"
	    "Jestem na urlopie.\n" },
	{ "RFC 3464 without a Diagnostic-Code: CommuniGate Pro's module report under the recipient line",
	    "heidi@example.com", "mailboxfull", "5.0.0", "",
	    "From: MAILER-DAEMON@mail.example.com\n"
	    "To: news@example.org\n"
	    "Subject: Undeliverable mail: foo\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Failed to deliver to '<heidi@example.com>'\n"
	    "LOCAL module(account heidi) reports:\n"
	    " account is full (quota exceeded)\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mail.example.com\n"
	    "\n"
	    "Original-Recipient: rfc822;<heidi@example.com>\n"
	    "Final-Recipient: LOCAL;<heidi>\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464: a filter that names what it found in one word", "ivan@example.net", "spamdetected", "5.0.0", "",
	    "From: postmaster@gw.example.net\n"
	    "To: news@example.org\n"
	    "Subject: Delivery Status Notification\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Your message has encountered a delivery problem.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; gw.example.net\n"
	    "\n"
	    "Final-Recipient: rfc822; ivan@example.net\n"
	    "Action: failed\n"
	    "Status: 5.9.8\n"
	    "Diagnostic-Code: X-XWall; 5.9.8 Spam\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464: a Final-Recipient at the server's own channel gives way to the Original-Recipient",
	    "judy@example.com", "mailboxfull", "5.0.0", "",
	    "From: Internet Mail Delivery <postmaster@example.com>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Delivery Notification: Delivery has failed\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Your message cannot be delivered.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns;msg.example.com\n"
	    "\n"
	    "Action: failed\n"
	    "Status: 5.0.0 (recipient reached disk quota)\n"
	    "Original-recipient: rfc822;judy@example.com\n"
	    "Final-recipient: rfc822;judy@ms-store-daemon\n"
	    "\n"
	    "--B--\n" },
	{ "a report forwarded whole by a gateway whose own notice says nothing", "kate@example.com", "userunknown",
	    "5.1.1", "",
	    "From: postmaster@gw.example.com\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/mixed; boundary=\"OUT\"\n"
	    "\n"
	    "This is a MIME-formatted message.\n"
	    "\n"
	    "--OUT\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: postmaster@mx.example.com\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"IN\"\n"
	    "\n"
	    "--IN\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Delivery to the following recipients failed.\n"
	    "\n"
	    "       kate@example.com\n"
	    "\n"
	    "--IN\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns;mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822;kate@example.com\n"
	    "Action: failed\n"
	    "Status: 5.1.1\n"
	    "\n"
	    "--IN--\n"
	    "\n"
	    "--OUT--\n" },
	{ "a transcript: the sender's '250 <a@b>, Sender ok' is no recipient; a refusal after the greeting counts",
	    "liam@example.com", "mailboxfull", "5.0.0", "552",
	    "From: MDaemon@mx.example.net\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Permanent Delivery Failure\n"
	    "\n"
	    "The attached message had PERMANENT fatal delivery errors!\n"
	    "\n"
	    "The following addresses did NOT receive a copy of your message:\n"
	    "\n"
	    "> liam@example.com\n"
	    "\n"
	    "--- Session Transcript ---\n"
	    " Attempting SMTP connection to [192.0.2.5 : 25]\n"
	    " Waiting for socket connection...\n"
	    " Socket connection established\n"
	    " 220 example.com ESMTP ready\n"
	    " EHLO mx.example.net\n"
	    " 250-example.com Hello\n"
	    " 250-8BITMIME\n"
	    " 250 SIZE 40000000\n"
	    " MAIL From:<list-bounces@example.org> SIZE=1861\n"
	    " 250 <list-bounces@example.org>, Sender ok\n"
	    " RCPT To:<liam@example.com>\n"
	    " 552 Message for <liam@example.com> would exceed mailbox quota\n"
	    " QUIT\n"
	    "--- End Transcript ---\n" },
	{ "a report with no From and no recipient fields: its type and the notice's address", "mia@example.fr",
	    "undefined", "5.0.0", "",
	    "Return-Path: <MAILER-DAEMON@relay.example.com>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Utilisateur inconnu\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "A message could not be delivered to:\n"
	    "mia@example.fr\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: gw.example.fr\n"
	    "\n"
	    "--B--\n" },
	{ "a lead phrase with two blanks: 'undeliverable  to a@b'", "noah@example.com", "onhold", "5.0.0", "",
	    "From: \"Postmaster\" <postmaster@mail.example.net>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Undeliverable Mail\n"
	    "\n"
	    "undeliverable  to noah@example.com\n"
	    "\n"
	    "Original message follows.\n" },
	{ "a rejection by a delivery agent named 'Mail Delivery Subsystem' is a bounce, not an auto-reply",
	    "olga@example.com", "mailboxfull", "5.0.0", "",
	    "Return-Path: <MAILER-DAEMON>\n"
	    "From: Mail Delivery Subsystem <admin@example.com>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Automatically rejected mail\n"
	    "Auto-Submitted: auto-replied (rejected)\n"
	    "Precedence: bulk\n"
	    "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Your message to <olga@example.com> was automatically rejected:\n"
	    "Quota exceeded\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/disposition-notification\n"
	    "\n"
	    "Reporting-UA: mail; Dovecot Mail Delivery Agent\n"
	    "Final-Recipient: rfc822; olga@example.com\n"
	    "Disposition: automatic-action/MDN-sent-automatically; deleted\n"
	    "\n"
	    "--B--\n" },
	{ "MailEnable's 'Recipient: [SMTP:a@b]'", "quinn@example.com", "filtered", "5.0.0", "550",
	    "From: \"Delivery Subsystem\" <POSTMASTER@mail.example.net>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Message Delivery Failure\n"
	    "\n"
	    "MailEnable: Message could not be delivered to some recipients.\n"
	    "The following recipient(s) could not be reached:\n"
	    "\n"
	    "\tRecipient: [SMTP:quinn@example.com]\n"
	    "\tReason: Remote SMTP Server Returned: 550 Requested action not taken: mailbox unavailable.\n" },
	{ "the address after 'Local mailbox'", "rita@example.ru", "filtered", "5.0.0", "",
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.ru>\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Mail failure\n"
	    "\n"
	    "A message that you sent was rejected by the local scanning code that\n"
	    "checks incoming messages on this system. The following error was given:\n"
	    "\n"
	    "  Message was not accepted -- invalid mailbox.\n"
	    " Local mailbox rita@example.ru is unavailable: user not found\n" },
	{ "RFC 3464: a Status field with a reply and its text instead of a code; an address alone is no diagnosis",
	    "tina@example.be", "mesgtoobig", "5.0.0", "553",
	    "From: postmaster@mx.example.be\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Returned mail\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Your message was not delivered to\n"
	    " \n"
	    "    tina@example.be\n"
	    " \n"
	    "This mail message has exceeded the maximum incoming message size.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns;mx.example.be\n"
	    " \n"
	    "Final-Recipient: rfc822;tina@example.be\n"
	    "Action: failure\n"
	    "Status: 553 Exceeded maximum inbound message size\n"
	    "\n"
	    "--B--\n" },
	{ "RFC 3464 from an X.400 gateway: its Diagnostic-Code quotes no code, the notice's line about the recipient does",
	    "uma@example.com", "norelaying", "5.7.1", "",
	    "From: postmaster@gw.example.net\n"
	    "To: list-bounces@example.org\n"
	    "Subject: Delivery Report (failure) for uma@example.com\n"
	    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "\n"
	    "Your message was not delivered to:\n"
	    "        uma@example.com\n"
	    "for the following reason:\n"
	    "Diagnostic was Unable to transfer, -1\n"
	    "Information MTA '192.0.2.9' gives error message 5.7.1 Unable to relay for uma@example.com\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: x400; mta gw1 in /ADMD= /C=WW/\n"
	    "\n"
	    "Original-Recipient: rfc822; uma@example.com\n"
	    "Final-Recipient: x400; /RFC-822=uma(a)example.com/ADMD= /C=WW/\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "Diagnostic-Code: Reason 1 (Unable-To-Transfer); Diagnostic -1 (Unknown)\n"
	    "\n"
	    "--B--\n" },
	{ "a lead with a colon, 'Unable to deliver message to: <a@b>', nothing returned", "vera@example.org",
	    "filtered", "5.0.0", "550",
	    "From: MAILER-DAEMON@gw.example.net\n"
	    "To: alice@example.com\n"
	    "Subject: Message delivery has failed\n"
	    "\n"
	    "Unable to deliver message to: <vera@example.org>\n"
	    "Delivery failed for the following reason:\n"
	    "Server mx.example.org[192.0.2.4] failed with: 550 <vera@example.org> No such user here\n" },
};

/* Mails that are not bounces: the standard readers must find nothing. */
static const char *const nots[] = {
	/* words of a cause and a VERP address, but no code and no quoted message */
	"Return-Path: <>\n"
	"From: postmaster@example.de\n"
	"To: bounce+bob=example.net@lists.example.com\n"
	"Subject: email notification\n"
	"\n"
	"The message could not be saved: mailbox full\n",
	/* a person quoting a failed transcript on a list */
	"From: Bob <bob@example.net>\n"
	"To: list@lists.example.org\n"
	"Subject: Re: delivery problem\n"
	"\n"
	"My log says:\n"
	"RCPT TO:<carol@example.com>\n"
	"550 5.1.1 User unknown\n"
	"Any idea?\n",
	/* a transcript that succeeded */
	"From: robot@example.com\n"
	"To: alice@example.com\n"
	"Subject: your log\n"
	"\n"
	"MAIL FROM: alice@example.com\n"
	"RCPT TO: bob@example.net\n"
	"250 2.1.5 Ok\n",
};

int
main(void)
{
	kaeru_parser	   *p;
	const kaeru_record *r;
	size_t		    n, i;

	T_OK(kaeru_parser_new(&p, NULL) == 0, "parser");
	kaeru_parser_only_standard(p, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[160];
		int  rc = kaeru_parser_parse(p, cases[i].mail, strlen(cases[i].mail), "t.eml", &r, &n);

		snprintf(what, sizeof(what), "%s: one record", cases[i].what);
		T_OK(rc == 0 && n == 1, what);
		if (rc != 0 || n != 1)
			continue;
		snprintf(what, sizeof(what), "%s: recipient", cases[i].what);
		T_EQ_STR(r[0].recipient, cases[i].recipient, what);
		snprintf(what, sizeof(what), "%s: reason (rule %s)", cases[i].what, r[0].rule);
		T_EQ_STR(r[0].reason, cases[i].reason, what);
		snprintf(what, sizeof(what), "%s: status", cases[i].what);
		T_EQ_STR(r[0].deliverystatus, cases[i].status, what);
		snprintf(what, sizeof(what), "%s: reply code", cases[i].what);
		T_EQ_STR(r[0].replycode, cases[i].reply, what);
	}
	{
		/*
		 * An attached message is read up to its part's end: the
		 * notice's epilogue after the closing delimiter is not the
		 * attached message's text (it was read as such, and its
		 * "<x@y>: 550 ..." line made a record).
		 */
		static const char mail[] =
		    "From: Relay <postmaster@relay.example.net>\nTo: alice@example.com\nSubject: notice\n"
		    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"W\"\n\n"
		    "--W\nContent-Type: text/plain\n\nSee the attached message.\n"
		    "--W\nContent-Type: message/rfc822\n\n"
		    "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: alice@example.com\n"
		    "Subject: Mail delivery report\n\nNothing to say.\n"
		    "--W--\n<dave@example.org>: 550 5.1.1 user unknown\n";
		T_OK(kaeru_parser_parse(p, mail, strlen(mail), "t.eml", &r, &n) == 0 && n == 0,
		    "an attached message ends at its part: the epilogue after it gives no record");
	}
	{
		/* A person's mail forwarded inline is no bounce. */
		static const char mail[] =
		    "From: Alice <alice@example.com>\nTo: carol@example.net\nSubject: Fwd: lunch\n\n"
		    "---------- Forwarded message ---------\nFrom: Bob <bob@example.org>\n"
		    "Date: Mon, 2 Mar 2026 09:00:00 +0900\nSubject: lunch\nTo: alice@example.com\n\n"
		    "See you at noon.\n";
		T_OK(kaeru_parser_parse(p, mail, strlen(mail), "t.eml", &r, &n) == 0 && n == 0,
		    "a person's mail forwarded inline: no record");
	}
	{
		/*
		 * The summary counts only beside a Subject: line, only in a notice
		 * that says the mail was not delivered, and never names the
		 * bounce's own addressee: a "To:" line alone, a notice that
		 * only thanks, or the list's own address give no record.
		 */
		static const char *const mails[] = {
		    "From: MAILER-DAEMON@mail.example.com\nTo: news-bounces@lists.example.org\n\n"
		    "We were unable to deliver the following message.\n\nTo: dana@example.net\n\n"
		    "--- Below this line is a copy of the message.\n",
		    "From: MAILER-DAEMON@mail.example.com\nTo: news-bounces@lists.example.org\n\n"
		    "Thank you for your message.\n\nSubject: March newsletter\nTo: dana@example.net\n\n"
		    "--- Below this line is a copy of the message.\n",
		    "From: MAILER-DAEMON@mail.example.com\nTo: news-bounces@lists.example.org\n\n"
		    "We were unable to deliver the following message.\n\n"
		    "Subject: March newsletter\nTo: news-bounces@lists.example.org\n\n"
		    "--- Below this line is a copy of the message.\n",
		};
		for (i = 0; i < sizeof(mails) / sizeof(mails[0]); i++) {
			char what[80];
			snprintf(what, sizeof(what), "no summary To: to take, case %zu: no record", i + 1);
			T_OK(kaeru_parser_parse(p, mails[i], strlen(mails[i]), "t.eml", &r, &n) == 0 && n == 0, what);
		}
	}
	{
		/*
		 * A bounce forwarded with its lines quoted ("> "): one level of
		 * quoting goes, and the transcript's own ">>> " stays, so the
		 * reply is known to answer DATA.
		 */
		static const char mail[] =
		    "From: Bob <bob@example.jp>\n"
		    "To: postmaster@example.jp\n"
		    "Subject: Fwd: Returned mail: see transcript for details\n"
		    "\n"
		    "> From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\n"
		    "> Subject: Returned mail: see transcript for details\n"
		    ">\n"
		    ">    ----- Transcript of session follows -----\n"
		    "> ... while talking to mx.example.org.:\n"
		    ">>>> DATA\n"
		    "> <<< 550 5.7.1 Message refused\n"
		    "> 554 5.0.0 Service unavailable\n"
		    "> Reporting-MTA: dns; mx.example.jp\n"
		    ">\n"
		    "> Final-Recipient: RFC822; dave@example.org\n"
		    "> Action: failed\n"
		    "> Status: 5.7.1\n"
		    "> Diagnostic-Code: SMTP; 550 5.7.1 Message refused\n";
		T_OK(kaeru_parser_parse(p, mail, strlen(mail), "t.eml", &r, &n) == 0 && n == 1,
		    "forwarded, quoted transcript: one record");
		T_EQ_STR(n == 1 ? r[0].recipient : "", "dave@example.org", "forwarded, quoted transcript: recipient");
		T_EQ_STR(n == 1 ? r[0].command : "", "DATA", "forwarded, quoted transcript: the command of '>>>> DATA'");
	}
	{
		/*
		 * Sendmail's transcript is written by host: each host's dialogue
		 * and status line come before the recipient lines they failed,
		 * and belong to none of the lines above them.
		 */
		static const char mail[] =
		    "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>\n"
		    "To: alice@example.com\n"
		    "Subject: Returned mail: see transcript for details\n"
		    "\n"
		    "   ----- Transcript of session follows -----\n"
		    "While talking to mx.example.net:\n"
		    ">>> MAIL From:<alice@example.com>\n"
		    "<<< 553 Relaying denied\n"
		    "554 <bob@example.net>... Remote protocol error\n"
		    "550 example.org (smtp)... Host unknown (Name server: example.org: host not found)\n"
		    "554 <carol@example.org>... 550 Host unknown\n"
		    "421 example.info (smtp)... Deferred: Connection timed out with example.info\n"
		    "While talking to mx.example.edu:\n"
		    ">>> RCPT To:<dave@example.edu>\n"
		    "<<< 552 Requested mail action aborted: mailbox full\n"
		    "552 <dave@example.edu>... Mailbox full\n"
		    "\n"
		    "   ----- Unsent message follows -----\n"
		    "From: alice@example.com\n"
		    "Subject: hello\n";
		static const char *const want[][2] = {
			{ "bob@example.net", "norelaying" },
			{ "carol@example.org", "hostunknown" },
			{ "dave@example.edu", "mailboxfull" },
		};
		T_OK(kaeru_parser_parse(p, mail, strlen(mail), "t.eml", &r, &n) == 0 && n == 3,
		    "sendmail transcript: three records");
		for (i = 0; i < n && i < 3; i++) {
			char what[160];
			snprintf(what, sizeof(what), "sendmail transcript: record %zu", i + 1);
			T_EQ_STR(r[i].recipient, want[i][0], what);
			snprintf(what, sizeof(what), "sendmail transcript: %s, its own host's words (%s: %s)",
			    want[i][0], r[i].rule, r[i].diagnosticcode);
			T_EQ_STR(r[i].reason, want[i][1], what);
		}
	}
	{
		/*
		 * Each line that marks the returned message (in any case, after
		 * other words) stops the reading of the notice: the addresses
		 * after it are the returned message's, not failed recipients.
		 */
		static const char *const stops[] = {
			"--- Below this line is a copy of the message.", "Below this line is a copy",
			"Original message follows.", "A copy of the original message below.",
			"Below is a copy of the original message:",
			"Here is a copy of the first part of the message", "Unsent message below:",
			"Your message reads (in part):", "Message text follows:", "------ This is a copy ------",
			"The attachment contains the original mail headers", "Original message headers:",
			"--- Original Message ---", "----- Original Message -----",
		};
		for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
			char mail[600], what[160];
			snprintf(mail, sizeof(mail), "From: MAILER-DAEMON@mx.example.com\nTo: alice@example.com\n"
			    "Subject: Undelivered Mail\nContent-Type: text/plain\n\n"
			    "<rcpt@example.org>: 550 5.1.1 user unknown\n\nNote: %s\n\n"
			    "<other@example.net>: 550 5.1.1 user unknown\n", stops[i]);
			snprintf(what, sizeof(what), "stop line \"%s\": one record", stops[i]);
			T_OK(kaeru_parser_parse(p, mail, strlen(mail), "t.eml", &r, &n) == 0 && n == 1, what);
			snprintf(what, sizeof(what), "stop line \"%s\": the recipient before it", stops[i]);
			T_EQ_STR(n == 1 ? r[0].recipient : "", "rcpt@example.org", what);
		}
	}
	{
		/* Bounces wrapped in bounces, 3000 deep: the depth limit ends it. */
		size_t lv = 3000, k = 0, cap = lv * 200 + 256;
		char  *w = malloc(cap);
		T_OK(w != NULL, "nested: memory");
		for (i = 0; w != NULL && i < lv; i++)
			k += (size_t)snprintf(w + k, cap - k, "From: MAILER-DAEMON@x%zu.example\n"
			    "Subject: Returned mail\nContent-Type: multipart/mixed; boundary=b%zu\n\n"
			    "--b%zu\nContent-Type: text/plain\n\nfailed\n--b%zu\n"
			    "Content-Type: message/rfc822\n\n", i, i, i, i);
		if (w != NULL) {
			k += (size_t)snprintf(w + k, cap - k, "From: a@example.com\nTo: b@example.org\n\nhi\n");
			T_OK(kaeru_parser_parse(p, w, k, "t.eml", &r, &n) == 0, "nested: parsed");
			free(w);
		}
	}
	{
		/*
		 * Recipients from X-Failed-Recipients alone share the notice's
		 * telling lines: each record the same diagnosis; with no telling
		 * line, none. (The notice is read once for them all: it was read
		 * again for each record when none told anything, 5.6 s for 3,000
		 * recipients and 2,000 lines.)
		 */
		size_t cap = 400 * 24 + 300 * 64 + 512, k, j;
		char  *w = malloc(cap);
		int    told;
		T_OK(w != NULL, "shared notice: memory");
		for (told = 0; w != NULL && told < 2; told++) {
			int same = 1;
			k = (size_t)snprintf(w, cap, "From: MAILER-DAEMON@mx.example.jp\nTo: a@example.org\n"
			    "Subject: Returned mail\nX-Failed-Recipients: ");
			for (j = 0; j < 400; j++)
				k += (size_t)snprintf(w + k, cap - k, "%su%zu@example.jp", j ? ", " : "", j);
			k += (size_t)snprintf(w + k, cap - k, "\nContent-Type: text/plain\n\n");
			for (j = 0; j < 300; j++)
				k += (size_t)snprintf(w + k, cap - k, "%s\n",
				    told && j == 150 ? "550 5.1.1 mailbox unavailable" : "This line says nothing at all.");
			T_OK(kaeru_parser_parse(p, w, k, "t.eml", &r, &n) == 0 && n == 400, "shared notice: every recipient");
			for (j = 0; j < n; j++)
				same &= strcmp(r[j].diagnosticcode, told ? "550 5.1.1 mailbox unavailable" : "") == 0;
			T_OK(same, told ? "shared notice: its telling line for each record" : "shared notice: no line tells");
		}
		free(w);
	}
	for (i = 0; i < sizeof(nots) / sizeof(nots[0]); i++) {
		int rc = kaeru_parser_parse(p, nots[i], strlen(nots[i]), "t.eml", &r, &n);
		T_OK(rc == 0 && n == 0, "not a bounce: no record");
	}
	kaeru_parser_free(p);
	return t_done("generic");
}

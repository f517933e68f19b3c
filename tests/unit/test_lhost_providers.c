/*
 * test_lhost_providers - the decoders of mailbox providers, ESPs and
 *	carriers, each on a small bounce written for this test
 */
#include "t.h"

#include <kaeru/kaeru.h>

struct tcase {
	const char *name;
	const char *mail;
	const char *recipient;
	const char *reason;
	const char *status;
	const char *decodedby;
};

#define RP "Content-Type: message/rfc822\n\nFrom: sender@example.org\nTo: x@example.net\nSubject: hi\n\nbody\n"

static const struct tcase cases[] = {
	{ "dragonfly",
	  "Received: from MAILER-DAEMON\n\tid 1a2b\n\tby mx.example.org (DragonFly Mail Agent v0.13);\n"
	  "\tMon, 3 Mar 2025 10:00:00 +0900\nX-Original-To: <cat@example.net>\nFrom: MAILER-DAEMON <>\n"
	  "To: sender@example.org\nSubject: Mail delivery failed\nDate: Mon, 3 Mar 2025 10:00:00 +0900\n\n"
	  "This is the DragonFly Mail Agent v0.13 at mx.example.org.\n\n"
	  "There was an error delivering your mail to <cat@example.net>.\n\n"
	  "mx.example.net [192.0.2.7] did not like our RCPT TO:\n"
	  "550 5.1.1 <cat@example.net>: Recipient address rejected: User unknown\n\n"
	  "Message headers follow.\n\nFrom: sender@example.org\nTo: cat@example.net\nSubject: hi\n\n",
	  "cat@example.net", "userunknown", "5.1.1", "DragonFly" },
	{ "dragonfly dns",
	  "Received: from MAILER-DAEMON\n\tby mx.example.org (DragonFly Mail Agent v0.13);\n\tMon, 3 Mar 2025 10:00:00 +0900\n"
	  "From: MAILER-DAEMON <>\nSubject: Mail delivery failed\n\n"
	  "This is the DragonFly Mail Agent v0.13 at mx.example.org.\n\n"
	  "There was an error delivering your mail to <cat@nowhere.example>.\n\n"
	  "DNS lookup failure: host nowhere.example not found\n\nMessage headers follow.\n\n",
	  "cat@nowhere.example", "hostunknown", "5.0.0", "DragonFly" },
	{ "gmail",
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sender@gmail.example\n"
	  "Subject: Delivery Status Notification (Failure)\nContent-Type: text/plain; charset=UTF-8\n\n"
	  "Delivery to the following recipient failed permanently:\n\n     dog@example.jp\n\n"
	  "Technical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the "
	  "server for the recipient domain example.jp by mx.example.jp. [192.0.2.9].\n\n"
	  "The error that the other server returned was:\n550 5.2.2 <dog@example.jp>... Mailbox full\n\n"
	  "----- Original message -----\n\nFrom: sender@gmail.example\nTo: dog@example.jp\nSubject: hi\n\nbody\n",
	  "dog@example.jp", "mailboxfull", "5.2.2", "Gmail" },
	{ "gmail connect",
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	  "Subject: Delivery Status Notification (Failure)\n\n"
	  "Delivery to the following recipient failed permanently:\n\n     dog@example.jp\n\n"
	  "Technical details of permanent failure:\nThe recipient server did not accept our requests to connect.\n"
	  "[example.jp 192.0.2.9: socket error]\n\n----- Original message -----\n\nSubject: hi\n\n",
	  "dog@example.jp", "expired", "5.0.0", "Gmail" },
	{ "google groups",
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nX-Failed-Recipients: club@googlegroups.com\n"
	  "Subject: Delivery Status Notification (Failure)\n\nHello sender@example.org,\n\n"
	  "We're writing to let you know that the group you tried to contact (club) may not exist.\n\n"
	  " * You might have spelled or formatted the group name incorrectly.\n"
	  " * The owner of the group may have removed this group.\n"
	  " * You may need to join the group before receiving permission to post.\n"
	  " * This group may not be open to posting.\n\nThanks,\n\nGoogle Groups\n\n"
	  "----- Original message -----\n\nFrom: sender@example.org\nTo: club@googlegroups.com\n\n",
	  "club@googlegroups.com", "rejected", "5.0.0", "GoogleGroups" },
	{ "google workspace",
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification (Failure)\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain; charset=UTF-8\n\n\n** Address not found **\n\n"
	  "Your message wasn't delivered to bird@example.de because the address couldn't be found. "
	  "Check for typos or unnecessary spaces and try again.\n\n"
	  "The response from the remote server was:\n550 5.1.1 bird@example.de: no such user\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\n"
	  "Final-Recipient: rfc822; bird@example.de\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550\n\n"
	  "--B\n" RP "--B--\n",
	  "bird@example.de", "userunknown", "5.1.1", "GoogleWorkspace" },
	{ "amazon ses",
	  "From: MAILER-DAEMON@email-bounces.amazonses.com\nX-SES-Outgoing: 2016.01.01-192.0.2.1\n"
	  "Subject: Delivery Status Notification (Failure)\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nThe following message to <fox@example.jp> was undeliverable.\n"
	  "The reason for the problem:\n5.3.0 - Other mail system problem 550-'Unknown user fox@example.jp'\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a1.smtp-out.amazonses.com\n\n"
	  "Final-Recipient: rfc822;fox@example.jp\nAction: failed\nStatus: 5.0.0 (permanent failure)\n"
	  "Diagnostic-Code: smtp; 5.3.0 - Other mail system problem 550-'Unknown user fox@example.jp'\n\n"
	  "--B\n" RP "--B--\n",
	  "fox@example.jp", NULL, "5.3.0", "AmazonSES" },
	{ "amazon ses sns bounce",
	  "From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n"
	  "x-amz-sns-message-id: 00000000-1111\nContent-Type: text/plain; charset=UTF-8\n\n"
	  "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\","
	  "\"bouncedRecipients\":[{\"emailAddress\":\"owl@example.com\",\"action\":\"failed\",\"status\":\"5.2.2\","
	  "\"diagnosticCode\":\"smtp; 552 5.2.2 mailbox full\"}],\"timestamp\":\"2020-01-02T03:04:05.678Z\","
	  "\"reportingMTA\":\"dsn; a1.smtp-out.amazonses.com\"},\"mail\":{\"headers\":[{\"name\":\"Subject\",!\n"
	  " \"value\":\"caf\\u00e9\"}]}}\n\n--\nIf you wish to stop receiving notifications ...\n",
	  "owl@example.com", "mailboxfull", "5.2.2", "AmazonSES" },
	{ "amazon ses sns complaint",
	  "From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n"
	  "x-amz-sns-message-id: 00000000-2222\n\n"
	  "{\"Type\":\"Notification\",\"Message\":\"{\\\"notificationType\\\":\\\"Complaint\\\",\\\"complaint\\\":"
	  "{\\\"complainedRecipients\\\":[{\\\"emailAddress\\\":\\\"elk@example.com\\\"}],"
	  "\\\"complaintFeedbackType\\\":\\\"abuse\\\"}}\"}\n",
	  "elk@example.com", "feedback", "", "AmazonSES" },
	{ "amazon ses sns delivery",
	  "From: SES <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n"
	  "x-amz-sns-message-id: 00000000-3333\n\n"
	  "{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":[\"yak@example.com\"],"
	  "\"smtpResponse\":\"250 2.6.0 Message received\"}}\n",
	  "yak@example.com", "delivered", "2.6.0", "AmazonSES" },
	{ "amazon workmail",
	  "From: MAILER-DAEMON@us-west-2.amazonses.com\nX-SES-Outgoing: 2016.01.01-192.0.2.1\nX-Mailer: Amazon WorkMail\n"
	  "Subject: Delivery Status Notification (Failure)\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nYour message was not delivered.\n\nTechnical report:\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a1.amazonses.com\n\n"
	  "Final-Recipient: rfc822; ant@example.org\nAction: failed\nStatus: 4.4.7\n"
	  "Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>\n\n"
	  "--B\n" RP "--B--\n",
	  "ant@example.org", "expired", "4.4.2", "AmazonWorkMail" },
	{ "receiving ses",
	  "From: postmaster@example.jp\nX-SES-Outgoing: 2016.01.01-192.0.2.1\nSubject: Delivery Status Notification (Failure)\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nThis message could not be delivered.\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; inbound-smtp.us-east-1.amazonaws.com\n\n"
	  "Final-Recipient: rfc822; bee@example.jp\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\n\n--B--\n",
	  "bee@example.jp", "userunknown", "5.1.1", "ReceivingSES" },
	{ "yahoo",
	  "X-YMailISG: abc\nFrom: MAILER-DAEMON@yahoo.com\nSubject: Failure Notice\n\n"
	  "Sorry, we were unable to deliver your message to the following address.\n\n<hen@example.co.jp>:\n"
	  "Remote host said:\n550 5.2.1 <hen@example.co.jp>... User Unknown\n[RCPT_TO]\n\n"
	  "--- Below this line is a copy of the message.\n\nFrom: sender@yahoo.com\nTo: hen@example.co.jp\n\n",
	  "hen@example.co.jp", "userunknown", "5.2.1", "Yahoo" },
	{ "aol",
	  "X-AOL-IP: 192.0.2.1\nFrom: Postmaster <Postmaster@AOL.com>\nSubject: Undeliverable: hi\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; omr-m01.mx.aol.com\n\n"
	  "Final-Recipient: rfc822; cow@example.jp\nAction: failed\nStatus: 5.4.4\n"
	  "Diagnostic-Code: smtp; Host or domain name not found. Name service error for name=example.jp type=A\n\n--B--\n",
	  "cow@example.jp", "hostunknown", "5.4.4", "Aol" },
	{ "aol screen name, refused by the recipient's Mail Controls",
	  "X-AOL-IP: 192.0.2.1\nfrom: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>\nTo: <sender@example.org>\n"
	  "Subject: Mail Delivery Problem\n\n"
	  "Sorry sender@example.org. Your mail to the following recipients could not be delivered because they "
	  "are not accepting mail with attachments or embedded images:\n\tduckling42\n\n",
	  "duckling42@aol.com", "policyviolation", "5.0.0", "Aol" },
	{ "aol screen names, no X-AOL-IP, the sentence folded",
	  "From: \"Mail Delivery Subsystem\" <MAILER-DAEMON@AOL.com>\nTo: list-bounces@example.org\n"
	  "Subject: Mail Delivery Problem\n\n"
	  "Your mail to the following recipients could not be delivered because\n"
	  "they are not accepting mail from list@example.org:\n\tgoose7\n\nThanks\n",
	  "goose7@aol.com", "filtered", "5.0.0", "Aol" },
	{ "sendgrid",
	  "Return-Path: <apps@sendgrid.net>\nFrom: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nThis is an automatically generated message from SendGrid.\n\n"
	  "pig:00000:<pig@example.org> : Connection timed out in connect\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nArrival-Date: 2013-07-08 18-21-01\n\n"
	  "Final-Recipient: rfc822; pig@example.org\nAction: expired\nStatus: \nDiagnostic-Code: Connection timed out\n\n--B--\n",
	  "pig@example.org", "expired", "5.0.0", "SendGrid" },
	{ "zoho",
	  "From: mailer-daemon@mail.zoho.com\nX-ZohoMail: Si\nSubject: Undelivered Mail Returned to Sender\n\n"
	  "This message was created automatically by mail delivery software.\n"
	  "A message that you sent could not be delivered to one or more of its recipients.\n\n"
	  "rat@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <rat@example.co.jp>... User Unknown\n\n"
	  "Received:from mail.zoho.com by mx.zohomail.com\nFrom: sender@zoho.example\nSubject: hi\n",
	  "rat@example.co.jp", "userunknown", "5.1.1", "Zoho" },
	{ "yandex",
	  "From: mailer-daemon@yandex.ru\nX-Yandex-Uniq: 1\nSubject: Undelivered Mail Returned to Sender\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nThis is the mail system at host yandex.ru.\n\n"
	  "<emu@example.jp>: host mx.example.jp[192.0.2.3] said: 550 5.1.1 <emu@example.jp>... User\n"
	  "    Unknown (in reply to RCPT TO command)\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; forward1.mail.yandex.net\n\n"
	  "Final-Recipient: rfc822; emu@example.jp\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 <emu@example.jp>... User Unknown\n\n--B--\n",
	  "emu@example.jp", "userunknown", "5.1.1", "Yandex" },
	{ "mail.ru",
	  "From: mailer-daemon@corp.mail.ru\nMessage-Id: <E1XsaRY-0002nh-LV@smtp22.mail.ru>\n"
	  "Subject: Mail failure.\n\nThis message was created automatically by mail delivery software.\n\n"
	  "A message that you sent could not be delivered to one or more of its\nrecipients. The following address(es) failed:\n\n"
	  "  gnu@example.jp\n    SMTP error from remote mail server after RCPT TO:<gnu@example.jp>:\n"
	  "    host mx.example.jp [192.0.2.12]: 550 5.2.2 <gnu@example.jp>... Mailbox Full\n\n"
	  "------ This is a copy of the message, including all the headers. ------\n\nFrom: a@mail.ru\nSubject: hi\n\n",
	  "gnu@example.jp", "mailboxfull", "5.2.2", "MailRu" },
	{ "gmx",
	  "From: MAILER-DAEMON@mail.gmx.com\nX-GMX-Antispam: 0\nSubject: Mail delivery failed: returning message to sender\n\n"
	  "This message was created automatically by mail delivery software.\n\n"
	  "A message that you sent could not be delivered.\n\n\"ape@example.jp\":\n"
	  "SMTP error from remote server after RCPT command:\nhost: mx.example.jp\n"
	  "5.1.1 <ape@example.jp>... User Unknown\n\n"
	  "--- The header of the original message is following. ---\n\nFrom: a@gmx.example\nSubject: hi\n\n",
	  "ape@example.jp", "userunknown", "5.1.1", "GMX" },
	{ "1and1",
	  "From: \"Mail Delivery System\" <mailer-daemon@kundenserver.de>\n"
	  "Subject: Mail delivery failed: returning message to sender\n\n"
	  "This message was created automatically by mail delivery software.\n\n"
	  "The following address failed:\n\nyak@example.eu\n\nFor the following reason:\n\n"
	  "Mail size limit exceeded. For explanation visit\nhttp://postmaster.1and1.com/en/error-messages\n\n"
	  "--- The header of the original message is following. ---\n\nFrom: a@example.pt\nSubject: hi\n\n",
	  "yak@example.eu", "mesgtoobig", "5.0.0", "EinsUndEins" },
	{ "bigfoot",
	  "From: Mail Delivery Subsystem <MAILER-DAEMON@bigfoot.com>\nSubject: Returned mail: User unknown\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\n\n   ----- Transcript of session follows -----\n>>> RCPT TO:<doe@example.net>\n"
	  "<<< 553 Invalid recipient doe@example.net\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; litemail57.bigfoot.com\n\n"
	  "Final-Recipient: RFC822; <doe@example.net>\nAction: failed\nStatus: 5.7.1\n"
	  "Diagnostic-Code: SMTP; 553 Invalid recipient doe@example.net\n\n--B--\n",
	  "doe@example.net", "userunknown", "5.7.1", "Bigfoot" },
	{ "facebook",
	  "From: Facebook <mailer-daemon@mx.facebook.com>\nSubject: Sorry, your message could not be delivered\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	  "--B\nContent-Type: text/plain\n\nThis message was created automatically by Facebook.\n\n"
	  "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; 10.0.0.1\n\n"
	  "Final-Recipient: rfc822; kid@facebook.com\nAction: failed\nStatus: 5.1.1\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes#rcp\n\n--B--\n",
	  "kid@facebook.com", "userunknown", "5.1.1", "Facebook" },
	{ "verizon",
	  "Received: from gw1.vtext.com ([192.0.2.2])\nFrom: post_master@vtext.com\nSubject: Re: hi\n\n"
	  "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n\n"
	  "Message details:\n  Subject: hi\n  MAIL FROM: sender@example.org\n  RCPT TO: 5550001111@vtext.com\n",
	  "5550001111@vtext.com", "userunknown", "5.0.0", "Verizon" },
	{ "ezweb",
	  "From: <Postmaster@ezweb.ne.jp>\nSubject: Mail System Error - Returned Mail\n"
	  "Content-Type: text/plain; charset=us-ascii\n\n"
	  "The user(s) account is temporarily over quota.\n\n<cat@ezweb.ne.jp>\n",
	  "cat@ezweb.ne.jp", "mailboxfull", "4.0.0", "EZweb" },
	{ "kddi",
	  "From: no-reply@x0.dion.ne.jp\nSubject: mail error\n\n"
	  "Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900\n"
	  "     Could not be delivered to: <cat@x0.dion.ne.jp>\n     As their mailbox is full.\n",
	  "cat@x0.dion.ne.jp", "mailboxfull", "5.0.0", "KDDI" },
	{ "biglobe",
	  "From: postmaster@biglobe.ne.jp\nSubject: Returned mail: Delivery failed\n\n"
	  "   ----- The following addresses had delivery problems -----\ncat@biglobe.ne.jp\n\n"
	  "   ----- Non-delivered information -----\n"
	  "The number of messages in recipient's mailbox exceeded the local limit.\n",
	  "cat@biglobe.ne.jp", "mailboxfull", "5.0.0", "Biglobe" },
};

int
main(void)
{
	kaeru_parser *p;
	size_t	      i;

	if (kaeru_parser_new(&p, NULL) != 0)
		return 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		const kaeru_record *r;
		size_t		    n;
		char		    what[128];

		snprintf(what, sizeof(what), "%s: parse", c->name);
		T_OK(kaeru_parser_parse(p, c->mail, strlen(c->mail), c->name, &r, &n) == 0, what);
		snprintf(what, sizeof(what), "%s: one record", c->name);
		T_EQ_INT(n, 1, what);
		if (n != 1)
			continue;
		snprintf(what, sizeof(what), "%s: recipient", c->name);
		T_EQ_STR(r[0].recipient, c->recipient, what);
		snprintf(what, sizeof(what), "%s: decodedby", c->name);
		T_EQ_STR(r[0].decodedby, c->decodedby, what);
		snprintf(what, sizeof(what), "%s: status", c->name);
		T_EQ_STR(r[0].deliverystatus, c->status, what);
		if (c->reason != NULL) {
			snprintf(what, sizeof(what), "%s: reason", c->name);
			T_EQ_STR(r[0].reason, c->reason, what);
		}
	}
	kaeru_parser_free(p);
	return t_done("lhost_providers");
}

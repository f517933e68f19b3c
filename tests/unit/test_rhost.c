/* test_rhost - provider rules (rhost/rhost.c and the tables of data/rhost) */
#include "t.h"
#include "lib/rhost/rhost.h"

static const struct {
	const char *rhost, *dest, *status, *reply, *cmd, *text;
	const char *reason;	/* NULL: no provider rule applies */
	const char *rule;	/* start of the rule field */
} cases[] = {
	/* Google: codes of its own, texts, host and domain keys */
	{ "gmail-smtp-in.l.google.com", "example.org", "5.7.26", "550", "DATA",
	  "550-5.7.26 This mail has been blocked because the sender is unauthenticated.",
	  "authfailure", "provider:google.txt:" },
	{ "aspmx.l.google.com", "example.com", "5.7.25", "550", "DATA",
	  "550-5.7.25 The IP address sending this message does not have a PTR record setup",
	  "requireptr", "provider:google.txt:" },
	{ "", "gmail.com", "5.1.1", "550", "RCPT",
	  "550-5.1.1 The email account that you tried to reach does not exist.",
	  "userunknown", "provider:google.txt:" },
	{ "alt1.aspmx.l.google.com", "example.com", "4.2.1", "450", "RCPT",
	  "450-4.2.1 The user you are trying to contact is receiving mail too quickly.",
	  "speeding", "provider:google.txt:" },
	{ "aspmx.l.google.com", "example.com", "5.7.1", "550", "DATA",
	  "550-5.7.1 Our system has detected that this message is likely suspicious due to the very low reputation of the sending IP address.",
	  "badreputation", "provider:google.txt:" },
	{ "notgoogle.com", "example.com", "5.7.26", "550", "DATA", "550 5.7.26 x", NULL, NULL },
	/* Microsoft */
	{ "example-com.mail.protection.outlook.com", "example.com", "5.7.606", "550", "RCPT",
	  "550 5.7.606 Access denied, banned sending IP [192.0.2.1].",
	  "blocked", "provider:microsoft.txt:" },
	{ "outlook-com.olc.protection.outlook.com", "outlook.com", "5.7.515", "550", "DATA",
	  "550 5.7.515 Access denied, sending domain EXAMPLE.JP doesn't meet the required authentication level.",
	  "authfailure", "provider:microsoft.txt:" },
	{ "hotmail-com.olc.protection.outlook.com", "hotmail.com", "4.7.650", "451", "MAIL",
	  "451 4.7.650 The mail server [192.0.2.5] has been temporarily rate limited due to IP reputation.",
	  "badreputation", "provider:microsoft.txt:" },
	{ "mx1.hotmail.com", "hotmail.com", "5.5.0", "550", "RCPT",
	  "550 Requested action not taken: mailbox unavailable (-2147467259)",
	  "userunknown", "provider:microsoft.txt:" },
	{ "", "outlook.com", "5.7.1", "550", "RCPT",
	  "550 SC-001 (BAY004-MC1F2) Unfortunately, messages from 192.0.2.1 weren't sent.",
	  "blocked", "provider:microsoft.txt:" },
	/* Yahoo Inc */
	{ "mta6.am0.yahoodns.net", "yahoo.com", "4.7.0", "421", "RCPT",
	  "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
	  "badreputation", "provider:yahooinc.txt:" },
	{ "mta6.am0.yahoodns.net", "yahoo.com", "4.7.0", "421", "MAIL",
	  "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
	  "rejected", "provider:yahooinc.txt:" },
	{ "mta6.am0.yahoodns.net", "yahoo.com", "4.7.0", "421", "RCPT",
	  "Please, blocked, please, blocked, please, blocked, please, blocked, please, "
	  "blocked, please, blocked, please, blocked, please, blocked, please: [TSS09] x",
	  "blocked", "provider:yahooinc.txt:" },
	{ "", "aol.com", "5.7.1", "553", "CONN",
	  "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1",
	  "blocked", "provider:yahooinc.txt:" },
	{ "mta5.am0.yahoodns.net", "yahoo.com", "5.0.0", "554", "DATA",
	  "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0]",
	  "userunknown", "provider:yahooinc.txt:" },
	/* AOL, Apple */
	{ "mailin-01.mx.aol.com", "example.com", "4.7.1", "421", "CONN",
	  "421 4.7.1 : (DNS:NR) http://postmaster.info.aol.com/errors/421dnsnr.html",
	  "requireptr", "provider:aol.txt:" },
	{ "mx01.mail.icloud.com", "icloud.com", "5.1.6", "550", "RCPT",
	  "550 5.1.6 recipient no longer on server: x@icloud.com",
	  "hasmoved", "provider:apple.txt:" },
	{ "", "me.com", "5.7.0", "550", "DATA",
	  "550 5.7.0 [CS01] Message rejected due to local policy.",
	  "policyviolation", "provider:apple.txt:" },
	/* Cox, Spectrum: AUP# codes, selected by the recipient domain */
	{ "cxr.mx.a.cloudfilter.net", "cox.net", "5.1.0", "550", "MAIL",
	  "550 5.1.0 <a@b> sender rejected. AUP#CDRBL", "blocked", "provider:cox.txt:" },
	{ "cxr.mx.a.cloudfilter.net", "cox.net", "5.1.0", "550", "MAIL",
	  "550 5.1.0 <a@b> sender rejected.", "rejected", "provider:cox.txt:" },
	{ "", "charter.net", "5.1.0", "550", "MAIL",
	  "550 5.1.0 <a@b> sender rejected. AUP#In-1310", "toomanyconn", "provider:spectrum.txt:" },
	{ "", "rr.com", "5.0.0", "550", "", "AUP#O-1530 too large", "mesgtoobig", "provider:spectrum.txt:" },
	/* GoDaddy */
	{ "smtp.secureserver.net", "example.com", "5.1.1", "550", "RCPT",
	  "550 5.1.1 <a@b> - 192.0.2.1 has sent to too many recipients this hour. IB607",
	  "speeding", "provider:godaddy.txt:" },
	{ "smtp.secureserver.net", "example.com", "5.0.0", "554", "CONN",
	  "554 Connection refused. This IP is listed on the Spamhaus Block List (SBL). IB104",
	  "blocked", "provider:godaddy.txt:" },
	{ "smtp.secureserver.net", "example.com", "5.0.0", "554", "CONN",
	  "554 x IB1040 y", NULL, NULL },
	/* Orange / La Poste: the message number */
	{ "smtpz4.laposte.net", "laposte.net", "5.5.0", "550", "RCPT",
	  "550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416",
	  "userunknown", "provider:franceptt.txt:" },
	{ "smtp-in.orange.fr", "orange.fr", "5.2.0", "550", "DATA",
	  "550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]", "spamdetected", "provider:franceptt.txt:" },
	{ "smtp-in.orange.fr", "wanadoo.fr", "4.0.0", "421", "CONN",
	  "421 mwinf5c79 ME Trop de connexions. Too many connections, slow down. OFR005_104 [104]",
	  "toomanyconn", "provider:franceptt.txt:" },
	/* i.ua, KDDI, docomo, Tencent */
	{ "mx3.email.ua", "email.example.ua", "5.0.0", "550", "RCPT",
	  "550 Mailbox is frozen. See http://mail.i.ua/err/3/", "suspend", "provider:iua.txt:" },
	{ "lsean.ezweb.ne.jp", "ezweb.ne.jp", "5.0.0", "550", "DATA",
	  "550 : User unknown", "filtered", "provider:kddi.txt:" },
	{ "mfsmax.docomo.ne.jp", "docomo.ne.jp", "5.0.0", "550", "DATA",
	  "550 Unknown user a@docomo.ne.jp", "rejected", "provider:nttdocomo.txt:" },
	{ "mfsmax.docomo.ne.jp", "docomo.ne.jp", "5.0.0", "550", "RCPT",
	  "550 Unknown user a@docomo.ne.jp", "userunknown", "provider:nttdocomo.txt:" },
	{ "mx3.qq.com", "qq.com", "5.0.0", "550", "DATA",
	  "550 Ip frequency limited [Blocked IP 192.0.2.22]", "toomanyconn", "provider:tencent.txt:" },
	{ "mx3.qq.com", "qq.com", "5.0.0", "550", "DATA",
	  "550 DMARC check failed.", "authfailure", "provider:tencent.txt:" },
	/* Mimecast: reply code and text together */
	{ "us-smtp-inbound-1.mimecast.com", "example.com", "5.0.0", "554", "DATA",
	  "554 email rejected due to security policies - MCSpamSignature", "virusdetected", "provider:mimecast.txt:" },
	{ "us-smtp-inbound-1.mimecast.com", "example.com", "5.0.0", "550", "DATA",
	  "550 email rejected due to security policies", NULL, NULL },
	/* MessageLabs, Zoho, Cloudflare, Facebook */
	{ "cluster1.us.messagelabs.com", "example.com", "5.0.0", "550", "MAIL",
	  "550-Please turn on SMTP Authentication in your mail client.", "securityerror", "provider:messagelabs.txt:" },
	{ "mx.zoho.com", "zoho.com", "5.4.1", "541", "RCPT",
	  "541 5.4.1 Mail rejected by destination domain", "rejected", "provider:zoho.txt:" },
	{ "route3.mx.cloudflare.net", "example.com", "4.3.0", "421", "DATA",
	  "421 4.3.0 Upstream error, please check https://developers.cloudflare.com/email-routing/postmaster",
	  "systemerror", "provider:cloudflare.txt:" },
	{ "smtpin.mx.facebook.com", "facebook.com", "5.1.1", "550", "RCPT",
	  "550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes Refused due to recipient preferences",
	  "filtered", "provider:facebook.txt:" },
	/* No provider: nothing decided here */
	{ "mx.example.net", "example.net", "5.7.26", "550", "DATA", "550 5.7.26 unauthenticated", NULL, NULL },
	{ "", "", "5.1.1", "550", "RCPT", "", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, "", NULL, NULL },
};

static const struct {
	const char *rhost, *dest, *provider;
} providers[] = {
	{ "gmail-smtp-in.l.google.com", "", "google" },
	{ "GMAIL-SMTP-IN.L.GOOGLE.COM.", "", "google" },
	{ "example-com.mail.protection.outlook.com", "example.com", "microsoft" },
	{ "mta5.am0.yahoodns.net", "", "yahooinc" },
	{ "mx.example.com", "ymail.com", "yahooinc" },
	{ "mx.example.com", "nc.rr.com", "spectrum" },
	{ "mx.example.com", "example.com", NULL },
	{ "evilgoogle.com", "", NULL },
	{ "", "docomo.ne.jp", "nttdocomo" },
	{ "mx.example.com", "GMAIL.COM", "google" },
	{ "a.b.c.d.e.f.g.gmail-smtp-in.l.google.com", "", "google" },
	{ "google.com.example.net", "", NULL },
	{ "mx.example.com", "mail.gmail.com.", "google" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kfacts	f;
		struct kverdict	v;
		const char     *t = cases[i].text;
		int		got;

		memset(&f, 0, sizeof(f));
		f.rhost = cases[i].rhost;
		f.destination = cases[i].dest;
		f.status = cases[i].status;
		f.replycode = cases[i].reply;
		f.command = cases[i].cmd;
		f.diag = t;
		f.diaglen = strlen(t);
		f.diagtype = "SMTP";
		v.rule[0] = '\0';
		got = rhost_classify(&f, &v);
		T_EQ_INT(got, cases[i].reason != NULL, t);
		if (got && cases[i].reason != NULL) {
			T_EQ_STR(kaeru_reason_name(v.reason), cases[i].reason, t);
			T_OK(strncmp(v.rule, cases[i].rule, strlen(cases[i].rule)) == 0, v.rule);
		}
	}
	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		const char *p = rhost_provider(providers[i].rhost, providers[i].dest);
		T_EQ_STR(p ? p : "(none)", providers[i].provider ? providers[i].provider : "(none)",
		    providers[i].rhost);
	}
	return t_done("rhost");
}

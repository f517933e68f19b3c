/* test_classify - the reason precedence (reason/classify.c) */
#include "t.h"
#include "lib/reason/reason.h"

static const struct {
	const char *status, *reply, *command, *diag, *action, *decoder_reason, *want, *what;
	const char *diagtype;
} cases[] = {
	{ "5.1.1", "550", "RCPT", "550 5.1.1 <a@b>: user unknown", "failed", NULL, "userunknown", "code and text agree", "SMTP" },
	{ "5.1.1", "550", "RCPT", "550 5.1.1 mailbox is full", "failed", NULL, "mailboxfull", "specific text beats a generic code", "SMTP" },
	{ "5.2.2", "552", "RCPT", "552 5.2.2 over quota", "failed", NULL, "mailboxfull", "code alone", "SMTP" },
	{ "2.1.5", "250", "", "250 2.1.5 ok", "delivered", NULL, "delivered", "delivered", "SMTP" },
	{ "5.0.0", "550", "", "some unknown trouble", "failed", NULL, "onhold", "text without a cause", "SMTP" },
	{ "", "", "", "", "failed", NULL, "undefined", "nothing at all", "SMTP" },
	{ "", "", "", "", "delayed", NULL, "expired", "a delayed action", "SMTP" },
	{ "", "", "EHLO", "550 go away", "failed", NULL, "blocked", "refused at EHLO", "SMTP" },
	{ "5.6.0", "554", "", "554 something", "failed", NULL, "contenterror", "class X.6", "SMTP" },
	{ "", "", "", "anything", "failed", "mesgtoobig", "mesgtoobig", "a decoder's firm verdict", "SMTP" },
	{ "4.4.7", "", "", "", "delayed", NULL, "expired", "4.4.7 expired", "SMTP" },
	{ "5.7.26", "550", "DATA", "550 5.7.26 unauthenticated email", "failed", NULL, "authfailure", "5.7.26", "SMTP" },
	{ "5.0.0", "550", "EHLO", "550 5.0.0 Invalid domain name", "failed", NULL, "blocked", "a bad domain at HELO is ours", "SMTP" },
	{ "5.0.0", "", "", "No such domain.", "failed", NULL, "hostunknown", "Diagnostic-Code: unknown; is read as SMTP",
	    "unknown" },
	{ "5.0.0", "", "", "5.9.8 Spam", "failed", NULL, "spamdetected", "a code and one word naming the cause", "X-XWall" },
	{ "5.0.0", "550", "DATA", "550 #5.7.1 virus.", "failed", NULL, "virusdetected", "codes, one word, a full stop", "SMTP" },
	{ "5.0.0", "550", "DATA", "550 spam trap hit", "failed", NULL, "onhold", "a word that begins a longer text is not terse",
	    "SMTP" },
	{ "5.7.1", "554", "DATA", "554 5.7.1 Message Rejected Class=size limit=15728640 Subclass=reject size=18571048",
	    "failed", NULL, "mesgtoobig", "a size class beats a vague security code", "SMTP" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kfacts	f;
		struct kverdict v;

		memset(&f, 0, sizeof(f));
		f.status = cases[i].status;
		f.replycode = cases[i].reply;
		f.command = cases[i].command;
		f.diag = cases[i].diag;
		f.diaglen = strlen(cases[i].diag);
		f.diagtype = cases[i].diagtype;
		f.action = cases[i].action;
		f.decoder_reason = cases[i].decoder_reason;
		f.decoder = "test";
		f.rhost = "";
		f.destination = "";
		kr_classify(&f, &v);
		T_EQ_STR(kaeru_reason_name(v.reason), cases[i].want, cases[i].what);
		T_OK(v.rule[0] != '\0', "a rule is named");
	}
	T_OK(kaeru_reason_is_hard(KAERU_REASON_USERUNKNOWN, "550"), "userunknown is hard");
	T_OK(kaeru_reason_is_hard(KAERU_REASON_NOTACCEPT, "550"), "5xx notaccept is hard");
	T_OK(!kaeru_reason_is_hard(KAERU_REASON_NOTACCEPT, "421"), "4xx notaccept is soft");
	T_OK(!kaeru_reason_is_hard(KAERU_REASON_MAILBOXFULL, "552"), "mailboxfull is soft");
	T_EQ_STR(kaeru_action_hint_name(kr_hint(KAERU_REASON_BLOCKED, 1)), "fix_sender", "blocked: fix the sender");
	T_EQ_STR(kaeru_category_name(kr_category(KAERU_REASON_HOSTUNKNOWN, 1)), "domain_invalid", "hostunknown category");
	{
		kaeru_reason r;
		unsigned     k;
		for (k = 0; k < KAERU_REASON_COUNT; k++)
			T_OK(kaeru_reason_from_name(kaeru_reason_name((kaeru_reason)k), &r) == 0 && r == k, "names round-trip");
		T_OK(kaeru_reason_from_name("nonsense", &r) == KAERU_ENOTFOUND, "unknown name");
	}
	return t_done("classify");
}

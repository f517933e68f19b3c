/*
 * NAME
 *	test_explain - the code registry behind kaeru explain
 * DESCRIPTION
 *	Codes in both languages (registered, class-specific, unregistered,
 *	provider), errors, JSON escaping, the registry's completeness (every
 *	entry has English and Japanese text, a valid reason and advice) and
 *	its agreement with data/codes/status.tsv (kr_status_reason).
 */
#include "t.h"

#include <kaeru/kaeru.h>

#include "lib/reason/reason.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *code, *lang;
	const char *want_code, *kind, *entry, *reason, *category, *hint;
	int	    registered, hard;
	const char *meaning_has;	/* a piece of the meaning */
} cases[] = {
	{ "5.1.1", "en", "5.1.1", "status", "X.1.1", "userunknown", "address_invalid", "suppress", 1, 1, "does not exist" },
	{ "5.1.1", "ja", "5.1.1", "status", "X.1.1", "userunknown", "address_invalid", "suppress", 1, 1, "宛先のメールボックスが存在しません" },
	{ " 4.2.2 ", "en", "4.2.2", "status", "X.2.2", "mailboxfull", "mailbox_full", "suppress_after_retries", 1, 0, "Mailbox full" },
	{ "4.2.2", "ja_JP.UTF-8", "4.2.2", "status", "X.2.2", "mailboxfull", "mailbox_full", "suppress_after_retries", 1, 0, "容量超過" },
	{ "4.1.1", "en", "4.1.1", "status", "X.1.1", "userunknown", "address_invalid", "suppress_after_retries", 1, 0, "mailbox" },
	{ "5.7.26", "ja", "5.7.26", "status", "X.7.26", "authfailure", "policy_rejected", "fix_sender", 1, 0, "認証" },
	{ "5.7.1", "en", "5.7.1", "status", "X.7.1", "securityerror", "policy_rejected", "fix_sender", 1, 0, "not authorized" },
	{ "4.7.1", "en", "4.7.1", "status", "X.7.1", "blocked", "policy_rejected", "fix_sender", 1, 0, "not authorized" },
	{ "2.7.0", "en", "2.7.0", "status", "2.7.0", "delivered", "delivered", "ignore", 1, 0, "Authentication succeeded" },
	{ "2.1.5", "ja", "2.1.5", "status", "X.1.5", "delivered", "delivered", "ignore", 1, 0, "有効" },
	{ "5.1.10", "en", "5.1.10", "status", "X.1.10", "notaccept", "domain_invalid", "suppress", 1, 1, "null MX" },
	{ "5.7.30", "en", "5.7.30", "status", "X.7.30", "failedstarttls", "policy_rejected", "fix_sender", 1, 0, "REQUIRETLS" },
	{ "05.01.001", "en", "5.1.1", "status", "X.1.1", "userunknown", "address_invalid", "suppress", 1, 1, "does not exist" },
	/* unregistered: by subject, then by class */
	{ "5.1.99", "en", "5.1.99", "status", "X.1.X", "userunknown", "address_invalid", "suppress", 0, 1, "Addressing status" },
	{ "4.3.77", "ja", "4.3.77", "status", "X.3.X", "systemerror", "server_unavailable", "retry", 0, 0, "メールシステム" },
	{ "5.9.1", "en", "5.9.1", "status", "5.X.X", "undefined", "unknown", "suppress_after_retries", 0, 0, "Permanent failure" },
	{ "4.8.8", "en", "4.8.8", "status", "4.X.X", "onhold", "unknown", "retry", 0, 0, "transient" },
	/* reply codes */
	{ "550", "en", "550", "reply", "550", "undefined", "unknown", "suppress_after_retries", 1, 0, "mailbox unavailable" },
	{ "550", "ja", "550", "reply", "550", "undefined", "unknown", "suppress_after_retries", 1, 0, "メールボックス" },
	{ "421", "en", "421", "reply", "421", "systemerror", "server_unavailable", "retry", 1, 0, "closing" },
	{ "556", "en", "556", "reply", "556", "notaccept", "domain_invalid", "suppress", 1, 1, "does not accept" },
	{ "250", "ja", "250", "reply", "250", "delivered", "delivered", "ignore", 1, 0, "完了" },
	{ "559", "en", "559", "reply", "x5x", "undefined", "unknown", "suppress_after_retries", 0, 0, "Mail system" },
	{ "497", "en", "497", "reply", "4xx", "onhold", "unknown", "retry", 0, 0, "Transient" },
	/* providers */
	{ "TSS04", "en", "TSS04", "provider", "yahoo:TSS04", "badreputation", "policy_rejected", "fix_sender", 1, 0, "Yahoo" },
	{ "[tss09]", "ja", "TSS09", "provider", "yahoo:TSS09", "blocked", "policy_rejected", "fix_sender", 1, 0, "Yahoo" },
	{ "CXDNS", "en", "AUP#CXDNS", "provider", "cox:AUP#CXDNS", "requireptr", "policy_rejected", "fix_sender", 1, 0, "reverse DNS" },
	{ "AUP#CXBL", "en", "AUP#CXBL", "provider", "cox:AUP#CXBL", "blocked", "policy_rejected", "fix_sender", 1, 0, "Cox" },
	{ "5.7.606", "en", "5.7.606", "provider", "microsoft:5.7.606-649", "blocked", "policy_rejected", "fix_sender", 1, 0, "banned sending IP" },
	{ "5.7.649", "ja", "5.7.649", "provider", "microsoft:5.7.606-649", "blocked", "policy_rejected", "fix_sender", 1, 0, "Microsoft" },
	{ "5.7.515", "en", "5.7.515", "provider", "microsoft:5.7.515", "authfailure", "policy_rejected", "fix_sender", 1, 0, "authentication level" },
	{ "microsoft:5.4.1", "en", "5.4.1", "provider", "microsoft:5.4.1", "userunknown", "address_invalid", "suppress", 1, 1, "does not exist" },
	{ "Gmail:5.7.26", "ja", "5.7.26", "provider", "gmail:5.7.26", "authfailure", "policy_rejected", "fix_sender", 1, 0, "Gmail" },
	{ "5.4.1", "en", "5.4.1", "status", "X.4.1", "networkerror", "network_temporary", "retry", 1, 0, "No answer" },
};

/* check_case - one row of the table */
static void
check_case(size_t i)
{
	kaeru_explanation e;
	char		  what[96];
	int		  rc = kaeru_explain(cases[i].code, cases[i].lang, &e);

	snprintf(what, sizeof(what), "%s (%s)", cases[i].code, cases[i].lang);
	T_EQ_INT(rc, 0, what);
	if (rc != 0) {
		printf("  %s\n", kaeru_error_last());
		return;
	}
	T_EQ_STR(e.code, cases[i].want_code, what);
	T_EQ_STR(e.kind_name, cases[i].kind, what);
	T_EQ_STR(e.entry, cases[i].entry, what);
	T_EQ_STR(e.reason, cases[i].reason, what);
	T_EQ_STR(e.category, cases[i].category, what);
	T_EQ_STR(e.action_hint, cases[i].hint, what);
	T_EQ_INT(e.registered, cases[i].registered, what);
	T_EQ_INT(e.hard, cases[i].hard, what);
	T_OK(strstr(e.meaning, cases[i].meaning_has) != NULL, what);
	T_EQ_STR(e.lang, strncmp(cases[i].lang, "ja", 2) == 0 ? "ja" : "en", what);
	T_OK(e.advice[0] != '\0' && e.class_meaning[0] != '\0' && e.source[0] != '\0', what);
}

/* has_non_ascii - Japanese text holds bytes above 0x7f */
static int
has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* check_registry - every entry in both languages: text, reason, advice */
static void
check_registry(void)
{
	kaeru_explain_iter ien, ija;
	kaeru_explanation  en, ja;
	int		   n[3] = { 0, 0, 0 }, rc;

	kaeru_explain_iter_init(&ien, "en", NULL);
	kaeru_explain_iter_init(&ija, "ja", NULL);
	while ((rc = kaeru_explain_next(&ien, &en)) == 1) {
		T_EQ_INT(kaeru_explain_next(&ija, &ja), 1, en.entry);
		T_EQ_STR(ja.entry, en.entry, "same order in both languages");
		T_OK(en.meaning[0] != '\0' && en.advice[0] != '\0' && en.class_meaning[0] != '\0', en.entry);
		T_OK(ja.meaning[0] != '\0' && ja.advice[0] != '\0' && ja.class_meaning[0] != '\0', ja.entry);
		T_OK(has_non_ascii(ja.meaning) && has_non_ascii(ja.advice), ja.entry);
		T_OK(!has_non_ascii(en.meaning) && !has_non_ascii(en.advice), en.entry);
		T_OK(en.reason != NULL && en.category != NULL && en.action_hint != NULL, en.entry);
		n[en.kind]++;
	}
	T_EQ_INT(rc, 0, kaeru_error_last());
	T_EQ_INT(kaeru_explain_next(&ija, &ja), 0, "ja iteration ends with en");
	printf("registry: %d status, %d reply, %d provider entries\n",
	    n[KAERU_CODE_STATUS], n[KAERU_CODE_REPLY], n[KAERU_CODE_PROVIDER]);
	/* 3 classes, 8 subjects, 81 registered codes, 2.7.0 */
	T_EQ_INT(n[KAERU_CODE_STATUS], 93, "status entries");
	T_OK(n[KAERU_CODE_REPLY] >= 40, "reply entries");
	T_OK(n[KAERU_CODE_PROVIDER] >= 40, "provider entries");
}

/* check_status_tsv - the reason of every code status.tsv names agrees */
static void
check_status_tsv(void)
{
	static const int classes[] = { 2, 4, 5 };
	size_t c;
	int    s, d, seen = 0;

	for (c = 0; c < 3; c++)
		for (s = 0; s <= 9; s++)
			for (d = 0; d <= 40; d++) {
				char		  code[16];
				kaeru_reason	  want;
				kaeru_explanation e;

				snprintf(code, sizeof(code), "%d.%d.%d", classes[c], s, d);
				if (kr_status_reason(code, &want) != 0)
					continue;
				seen++;
				T_EQ_INT(kaeru_explain(code, "en", &e), 0, code);
				T_EQ_STR(e.reason, kaeru_reason_name(want), code);
				T_EQ_INT(e.registered, 1, code);
			}
	T_OK(seen > 90, "status.tsv rows checked");
}

/* check_providers - the provider notes on a standard code */
static void
check_providers(void)
{
	kaeru_explain_iter it;
	kaeru_explanation  e;
	int		   n = 0, gmail = 0;

	kaeru_explain_iter_init(&it, "en", "5.7.26");
	while (kaeru_explain_next(&it, &e) == 1) {
		n++;
		gmail += strcmp(e.provider, "gmail") == 0;
		T_EQ_STR(e.code, "5.7.26", "note code");
		T_EQ_STR(e.kind_name, "provider", "note kind");
	}
	T_EQ_INT(n, 1, "notes on 5.7.26");
	T_EQ_INT(gmail, 1, "Gmail's note on 5.7.26");
	kaeru_explain_iter_init(&it, "en", "5.7.620");
	T_EQ_INT(kaeru_explain_next(&it, &e), 1, "range note");
	T_EQ_STR(e.provider, "microsoft", "range note provider");
	kaeru_explain_iter_init(&it, "en", "5.1.1");
	T_EQ_INT(kaeru_explain_next(&it, &e), 0, "no note on 5.1.1");
}

/* check_errors - no code, bad language, NULL */
static void
check_errors(void)
{
	static const char *const bad[] = { "hello", "", "   ", "6.1.1", "5.1", "5.1.1.1", "1234", "650", "5.1.1000", "gmail:9.9.9", "nobody:5.1.1" };
	kaeru_explanation e;
	size_t		  i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_EQ_INT(kaeru_explain(bad[i], "en", &e), KAERU_ENOTFOUND, bad[i]);
	T_OK(strstr(kaeru_error_last(), "nobody:5.1.1") != NULL, kaeru_error_last());
	T_EQ_INT(kaeru_explain("5.1.1", "fr", &e), KAERU_EINVAL, "French");
	T_EQ_INT(kaeru_explain(NULL, "en", &e), KAERU_EINVAL, "NULL code");
	T_EQ_INT(kaeru_explain("5.1.1", NULL, &e), 0, "NULL language is English");
	T_EQ_STR(e.lang, "en", "NULL language");
}

/* check_json - escaping and shape of the JSON object */
static void
check_json(void)
{
	kaeru_explanation e;
	kaeru_buf	  b = KAERU_BUF_INIT;

	kaeru_explain("4.2.2", "en", &e);
	e.meaning = "say \"hi\"\\ now\n\ttab \x01 bad \xff end";
	T_EQ_INT(kaeru_explanation_json(&e, 0, &b), 0, "json");
	T_OK(b.ptr != NULL && b.ptr[0] == '{' && b.ptr[b.size - 1] == '}', "json object");
	T_OK(b.ptr && strstr(b.ptr, "\"meaning\":\"say \\\"hi\\\"\\\\ now\\n\\ttab \\u0001 bad \xef\xbf\xbd end\"") != NULL, b.ptr ? b.ptr : "");
	T_OK(b.ptr && strstr(b.ptr, "\"hardbounce\":false") != NULL, "json boolean");
	T_OK(b.ptr && strstr(b.ptr, "\"registered\":true") != NULL, "json registered");
	T_OK(b.ptr && strstr(b.ptr, "\"code\":\"4.2.2\",\"kind\":\"status\"") != NULL, "json first fields");
	b.size = 0;
	kaeru_explain("5.1.1", "ja", &e);
	T_EQ_INT(kaeru_explanation_line(&e, &b), 0, "line");
	T_OK(b.ptr && strncmp(b.ptr, "宛先のメールボックスが存在しません。", strlen("宛先のメールボックスが存在しません。")) == 0, b.ptr ? b.ptr : "");
	b.size = 0;
	kaeru_explain("5.1.1", "en", &e);
	kaeru_explanation_line(&e, &b);
	T_OK(b.ptr && strstr(b.ptr, "does not exist. Stop sending") != NULL, b.ptr ? b.ptr : "");
	kaeru_buf_dispose(&b);
}

/* check_reasons - every reason of the taxonomy is explained, in both languages */
static void
check_reasons(void)
{
	kaeru_explanation e;
	unsigned	  k;
	const char	 *lang[2] = { "en", "ja" };
	int		  j;

	for (k = 0; k < KAERU_REASON_COUNT; k++)
		for (j = 0; j < 2; j++) {
			const char *name = kaeru_reason_name((kaeru_reason)k);
			char	    what[96];
			snprintf(what, sizeof(what), "reason %s (%s)", name, lang[j]);
			T_EQ_INT(kaeru_explain(name, lang[j], &e), 0, what);
			T_OK(e.kind == KAERU_CODE_REASON && strcmp(e.kind_name, "reason") == 0 &&
			    e.reason_id == (kaeru_reason)k && e.meaning != NULL && e.meaning[0] != '\0' &&
			    e.advice != NULL && e.advice[0] != '\0' && strcmp(e.lang, lang[j]) == 0, what);
		}
	T_OK(kaeru_explain("UserUnknown", "en", &e) == 0 && e.hard && strcmp(e.action_hint, "suppress") == 0 &&
	    strcmp(e.entry, "reason:userunknown") == 0, "userunknown: hard, suppress (case folded)");
	T_OK(kaeru_explain("mailboxfull", "en", &e) == 0 && !e.hard && strcmp(e.severity, "transient") == 0,
	    "mailboxfull: soft, transient");
	T_OK(kaeru_explain("blocked", "ja", &e) == 0 && strcmp(e.action_hint, "fix_sender") == 0 &&
	    strstr(e.meaning, "ブロック") != NULL, "blocked: fix the sender, in Japanese");
	T_OK(kaeru_explain("vacation", "en", &e) == 0 && strcmp(e.severity, "success") == 0 &&
	    strcmp(e.action_hint, "ignore") == 0, "vacation: nothing to do");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(i);
	check_registry();
	check_status_tsv();
	check_providers();
	check_errors();
	check_json();
	check_reasons();
	return t_done("explain");
}

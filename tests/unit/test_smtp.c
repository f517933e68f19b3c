/* test_smtp - finding reply codes, status codes and commands (smtp/codes.c) */
#include "t.h"
#include "lib/smtp/smtp.h"

static const struct {
	const char *text, *status, *what;
} statuses[] = {
	{ "550 5.1.1 <a@b>: User unknown", "5.1.1", "after reply code" },
	{ "550-5.7.1 refused", "5.7.1", "after reply code and dash" },
	{ "Sorry (#5.1.1)", "5.1.1", "qmail form" },
	{ "host 192.168.5.1.1 said", "", "not inside a dotted number" },
	{ "version 5.1.10.2 here", "", "not glued to more digits" },
	{ "5.0.0 then 5.2.2 full", "5.2.2", "specific beats generic" },
	{ "error 5.0.0 only", "5.0.0", "generic when alone" },
	{ "4.7.26 unauthenticated", "4.7.26", "two-digit detail" },
	{ "5.9.1 is no class", "", "subject beyond 7" },
	{ "2.1.5 ok", "2.1.5", "success code" },
	{ "Out: 250 2.1.5 Ok In: DATA Out: 451 4.3.0 Error: queue file write error", "4.3.0", "a failure beats a success" },
	{ "250 2.1.5 Ok then 550 5.0.0 no", "5.0.0", "a generic failure beats a specific success" },
	{ "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>", "4.4.2", "expired gives way to its cause" },
	{ "550 4.4.7 QUEUE.Expired; message expired", "4.4.7", "expired alone" },
	{ "x5.1.1", "", "glued to a word" },
	{ "", "", "empty" },
};

static const struct {
	const char *text, *reply, *what;
} replies[] = {
	{ "550 5.1.1 unknown", "550", "at start" },
	{ "said: 552 mailbox full", "552", "after a blank" },
	{ "host [192.0.2.250]: 450 try later", "450", "not inside an address" },
	{ "smtp;550-5.7.1 no", "550", "after semicolon with dash" },
	{ "id 123456 queued", "", "not inside a longer number" },
	{ "error 599 x", "", "second digit above 5" },
	{ "(421)", "421", "in parentheses" },
	{ "550-Please turn on SMTP Authentication", "550", "multi-line reply's first line, a word after the dash" },
	{ "call 555-Help for support", "", "a dash and a word inside a text" },
	{ "Remote Server returned '550 5.1.1 User unknown'", "550", "quoted by Exchange" },
};

static const struct {
	const char *text, *cmd, *what;
} commands[] = {
	{ "(in reply to RCPT TO command)", "RCPT", "Postfix" },
	{ "(in reply to end of DATA command)", "DATA", "Postfix end of DATA" },
	{ "SMTP error from remote mail server after MAIL FROM:<a@b>", "MAIL", "Exim" },
	{ "SMTP error from remote mail server after end of data", NULL, "lower case is not a command" },
	{ ">>> RCPT TO:<a@b>", "RCPT", "transcript" },
	{ ">>> RCPT To:<a@b> <<< 550 <a@b>... User unknown", "RCPT", "transcript, mixed case" },
	{ ">>> MAIL From:<a@b> <<< 553 sender refused", "MAIL", "MAIL transcript, mixed case" },
	{ "Technical details: SMTP:RCPT host 192.0.2.8: 553 no such user", "RCPT", "SMTP:RCPT" },
	{ "550 5.2.1 <a@b>... User Unknown [RCPT_TO]", "RCPT", "stage tag" },
	{ "RCPTS were refused", NULL, "not a glued word" },
	{ "Connected to 192.0.2.1 but sender was rejected. Remote host said: 553 no", "MAIL", "qmail: sender rejected" },
	{ "Connected to 192.0.2.1 but my name was rejected. Remote host said: 501", "EHLO", "qmail: name rejected" },
	{ "192.0.2.1 does not like recipient. Remote host said: 550 no such user", "RCPT", "qmail: recipient" },
	{ "192.0.2.1 failed after I sent the message. Remote host said: 554 spam", "DATA", "qmail: after the message" },
	{ "SMTP error from remote mail server after initial connection: 554 go away", "CONN", "Exim: at the greeting" },
	{ "Connected to 192.0.2.1 but greeting failed. Remote host said: 421 busy", "CONN", "qmail: greeting" },
	{ "192.0.2.1 FAILED ON DATA COMMAND. Remote host said: 451 later", "DATA", "qmail: DATA, upper case" },
	{ "nothing here", NULL, "none" },
};

/*
 * ref_unwrap - smtp_unwrap by its definition, a byte at a time: after
 *	the first "NNN-X." or "NNN X." (at the start or after a space),
 *	each later "NNN-" or "NNN " with the same digits after a space goes,
 *	with the enhanced code after it when one follows
 */
static void
ref_unwrap(char *d)
{
	char *first = NULL, *w, *r, code[4];

	for (r = d; *r != '\0'; r++)
		if ((r == d || r[-1] == ' ') && r[0] >= '0' && r[0] <= '9' && r[1] >= '0' && r[1] <= '9' &&
		    r[2] >= '0' && r[2] <= '9' && (r[3] == '-' || r[3] == ' ') &&
		    (r[4] == '4' || r[4] == '5' || r[4] == '2') && r[5] == '.') {
			first = r;
			break;
		}
	if (first == NULL)
		return;
	memcpy(code, first, 3);
	w = r = first + 4;
	while (*r != '\0') {
		if (r[-1] == ' ' && r[0] == code[0] && r[1] == code[1] && r[2] == code[2] &&
		    (r[3] == '-' || r[3] == ' ')) {
			char *q = r + 4;
			if ((q[0] == '2' || q[0] == '4' || q[0] == '5') && q[1] == '.') {
				char *e = q + 2;
				while ((*e >= '0' && *e <= '9') || *e == '.')
					e++;
				if (*e == ' ' || *e == '\0')
					q = *e ? e + 1 : e;
			}
			r = q;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		char out[SMTP_STATUS_MAX] = "";
		if (!smtp_status_find(statuses[i].text, strlen(statuses[i].text), out))
			out[0] = '\0';
		T_EQ_STR(out, statuses[i].status, statuses[i].what);
	}
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		char out[4] = "";
		if (!smtp_reply_find(replies[i].text, strlen(replies[i].text), out))
			out[0] = '\0';
		T_EQ_STR(out, replies[i].reply, replies[i].what);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *c = smtp_command_find(commands[i].text, strlen(commands[i].text));
		if (commands[i].cmd == NULL)
			T_OK(c == NULL, commands[i].what);
		else
			T_EQ_STR(c, commands[i].cmd, commands[i].what);
	}
	T_OK(smtp_status_valid("5.1.10", 6), "5.1.10 valid");
	T_OK(!smtp_status_valid("5.1", 3), "5.1 invalid");
	T_OK(smtp_status_is_pseudo("5.0.910"), "pseudo code");
	T_OK(!smtp_status_is_pseudo("5.1.1"), "real code");
	{
		char d[] = "said: 550-5.7.1 Messages with multiple 550-5.7.1 addresses in From: 550 5.7.1 are not accepted";
		smtp_unwrap(d);
		T_EQ_STR(d, "said: 550-5.7.1 Messages with multiple addresses in From: are not accepted", "multi-line reply unwrapped");
	}
	/*
	 * smtp_unwrap against its definition: random texts of codes, digits,
	 * dots, dashes, blanks and letters, where codes repeat, sit glued to
	 * words, end the text or lose their enhanced code.
	 */
	{
		static const char *const piece[] = {
			"550-5.7.1 ", "550 5.7.1 ", "550 ", "550-", "551 5.1.1 ", "550 5.7.", "5.1.1 ", "x550 ",
			"550-5.7.1", " ", "  ", "a", "word ", "5", "0", ".", "-", "4.2.0 ", "250 2.0.0 ",
		};
		unsigned seed = 3;
		int	 k, bad = 0, changed = 0;
		for (k = 0; k < 20000; k++) {
			char   a[400], b[400];
			size_t n = 0;
			int    m = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
			while (m-- > 0) {
				const char *p;
				seed = seed * 1103515245u + 12345u;
				p = piece[(seed >> 16) % (sizeof(piece) / sizeof(piece[0]))];
				if (n + strlen(p) >= sizeof(a))
					break;
				memcpy(a + n, p, strlen(p));
				n += strlen(p);
			}
			a[n] = '\0';
			memcpy(b, a, n + 1);
			smtp_unwrap(a);
			ref_unwrap(b);
			bad += strcmp(a, b) != 0;
			changed += strlen(b) != n;
		}
		T_EQ_INT(bad, 0, "smtp_unwrap as its definition");
		T_OK(changed > 2000, "texts with codes to remove");
	}
	return t_done("smtp");
}

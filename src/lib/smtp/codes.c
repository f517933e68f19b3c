/*
 * NAME
 *	codes - find SMTP reply codes, enhanced status codes and commands
 * DESCRIPTION
 *	Enhanced status codes (RFC 3463) are class.subject.detail with class
 *	2, 4 or 5, a subject of one to three digits and a detail of one to
 *	three digits. A candidate is rejected when it is glued to more
 *	digits or dots (an IPv4 address, "1.5.1.1" in a version), or to a
 *	letter. Of several candidates the first specific one wins: a later
 *	"5.1.1" beats an earlier generic "5.0.0".
 *
 *	Reply codes (RFC 5321) are three digits, the first 2, 3, 4 or 5 and
 *	the second 0 to 5, standing alone: at the start of the text or after
 *	a blank, "(", "#" or ";", and followed by a blank, "-", ")" or the end.
 *	A number inside an IPv4 address or a longer number is not a code.
 */
#include "smtp.h"
#include "../../util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* digits - count of consecutive digits at s, up to max+1 */
static size_t
digits(const char *s, size_t n, size_t max)
{
	size_t i = 0;

	while (i < n && i <= max && k_isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* smtp_status_valid - is s[0..n) exactly an enhanced status code */
int
smtp_status_valid(const char *s, size_t n)
{
	size_t a, b;

	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	a = digits(s + 2, n - 2, 3);
	if (a == 0 || a > 3 || 2 + a >= n || s[2 + a] != '.')
		return 0;
	b = digits(s + 3 + a, n - 3 - a, 3);
	return b > 0 && b <= 3 && 3 + a + b == n;
}

/* status_at - length of a standalone code at s[i], 0 if none */
static size_t
status_at(const char *s, size_t n, size_t i)
{
	size_t a, b, len;
	unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';

	if (s[i] != '2' && s[i] != '4' && s[i] != '5')
		return 0;
	/* "550-5.1.1" is fine: a dash may precede. */
	if (k_isalnum(prev) || prev == '.' || prev == '_')
		return 0;
	if (i + 5 > n || s[i + 1] != '.')
		return 0;
	a = digits(s + i + 2, n - i - 2, 3);
	if (a == 0 || a > 3 || i + 2 + a >= n || s[i + 2 + a] != '.')
		return 0;
	b = digits(s + i + 3 + a, n - i - 3 - a, 3);
	if (b == 0 || b > 3)
		return 0;
	len = 3 + a + b;
	/* Glued to more of a dotted number or to a word: not a code. */
	if (i + len < n) {
		unsigned char c = (unsigned char)s[i + len];
		if (k_isalnum(c) || c == '_' || c == '@')
			return 0;
		if (c == '.' && i + len + 1 < n && k_isdigit((unsigned char)s[i + len + 1]))
			return 0;
	}
	/* The subject must be a registered class: 0 to 7. */
	if (a != 1 || s[i + 2] > '7')
		return 0;
	return len;
}

/*
 * smtp_status_find - the enhanced status code a text states
 *	Returns 1 and fills out when one is found. A failure (4.x.x, 5.x.x)
 *	wins over a success (a transcript's "250 2.1.5 Ok" before "451 4.3.0
 *	Error"), and within that a code not of the form X.0.0 over one that
 *	is; X.4.7 (delivery time expired) gives way to the code of the cause
 *	it quotes ("554 4.4.7 Message expired ... <421 4.4.2 Connection timed
 *	out>"); ties go to the first.
 */
int
smtp_status_find(const char *s, size_t n, char out[SMTP_STATUS_MAX])
{
	size_t i, len, best = 0, blen = 0;
	int    brank = 0;

	/* A code has a dot at its second byte: look only there. */
	for (i = 0; i + 5 <= n; i++) {
		const char *dot = memchr(s + i + 1, '.', n - i - 1);
		int	    rank;

		if (dot == NULL)
			break;
		i = (size_t)(dot - s) - 1;
		if (i + 5 > n)
			break;
		if ((len = status_at(s, n, i)) == 0)
			continue;
		if (s[i] == '2')
			rank = 1 + !(s[i + 2] == '0' && len == 5 && s[i + 4] == '0');
		else if (s[i + 2] == '0' && len == 5 && s[i + 4] == '0')
			rank = 3;
		else if (len == 5 && s[i + 2] == '4' && s[i + 4] == '7')
			rank = 4;	/* expired: the cause, if quoted, says more */
		else
			rank = 5;
		if (rank > brank) {
			best = i;
			blen = len;
			brank = rank;
			if (rank == 5)
				break;
		}
		i += len - 1;
	}
	if (blen == 0)
		return 0;
	memcpy(out, s + best, blen);
	out[blen] = '\0';
	return 1;
}

/*
 * smtp_reply_find - the SMTP reply code a text states
 *	Returns 1 and fills out with three digits when found.
 */
int
smtp_reply_find(const char *s, size_t n, char out[4])
{
	return smtp_reply_find_class(s, n, 0, out);
}

/*
 * smtp_reply_find_class - the first reply code of class cls ('4', '5'...),
 *	or the first of any class when cls is 0 or none matches
 */
int
smtp_reply_find_class(const char *s, size_t n, int cls, char out[4])
{
	size_t i;
	char   first[4] = "";

	for (i = 0; i + 3 <= n; i++) {
		const char   *q = k_find_range(s + i, n - 2 - i, '2', '5');
		unsigned char p, nx;

		if (q == NULL)
			break;
		i = (size_t)(q - s);
		p = i > 0 ? (unsigned char)s[i - 1] : ' ';
		if (!(p == ' ' || p == '\t' || p == '(' || p == '#' || p == ';' ||
		    p == ':' || p == '[' || p == '"' || p == '<' || p == '\n' || p == '\''))
			continue;
		if (s[i + 1] < '0' || s[i + 1] > '5' || !k_isdigit((unsigned char)s[i + 2]))
			continue;
		nx = i + 3 < n ? (unsigned char)s[i + 3] : ' ';
		if (!(nx == ' ' || nx == '-' || nx == ')' || nx == '\t' ||
		    nx == '\n' || nx == ']' || nx == ',' || nx == '"' || nx == ':'))
			continue;
		/*
		 * "550-5.1.1" and "550 5.1.1" are fine; "1.250.3.4" is not;
		 * "550-Please ..." is the first line of a multi-line reply
		 * only where the text starts (a Diagnostic-Code, a line).
		 */
		if (nx == '-' && i + 4 < n && !k_isdigit((unsigned char)s[i + 4]) &&
		    s[i + 4] != ' ' && s[i + 4] != '#' &&
		    !((i == 0 || p == '\n' || p == ';') && k_isalpha((unsigned char)s[i + 4])))
			continue;
		/* The previous token must not be "[1.2.3." nor a bare number list. */
		if (p == '[' && i + 3 < n && s[i + 3] == '.')
			continue;
		/* Without a wanted class, a failure (4xx, 5xx) wins over 2xx/3xx. */
		if (cls == 0 ? (s[i] == '4' || s[i] == '5') : s[i] == cls) {
			memcpy(out, s + i, 3);
			out[3] = '\0';
			return 1;
		}
		if (first[0] == '\0') {
			memcpy(first, s + i, 3);
			first[3] = '\0';
		}
	}
	if (first[0] == '\0')
		return 0;
	memcpy(out, first, 4);
	return 1;
}

/* Commands a bounce may name, longest first where prefixes overlap. */
static const struct k_lit commands[] = {
	K_LIT("EHLO"), K_LIT("HELO"), K_LIT("MAIL"), K_LIT("RCPT"), K_LIT("DATA"), K_LIT("QUIT"),
	K_LIT("RSET"), K_LIT("NOOP"), K_LIT("VRFY"), K_LIT("ETRN"), K_LIT("EXPN"), K_LIT("HELP"),
	K_LIT("AUTH"), K_LIT("STARTTLS"), K_LIT("XFORW"), K_LIT("XCLIENT"), K_LIT("BDAT"), K_LIT("CONN"),
};

/* lead_before - does the text just before position i end with a lead phrase */
static int
lead_before(const char *s, size_t i)
{
	static const struct k_lit lead[] = {
		K_LIT("in reply to end of "), K_LIT("in reply to the "), K_LIT("in reply to "),
		K_LIT("after end of "), K_LIT("after "), K_LIT("during "), K_LIT("while sending "),
		K_LIT("in response to "), K_LIT("error in "), K_LIT("command "), K_LIT("smtp:"),
	};
	size_t k;

	for (k = 0; k < sizeof(lead) / sizeof(lead[0]); k++) {
		size_t n = lead[k].n;
		if (i >= n && k_strncaseeq(s + i - n, lead[k].s, n) &&
		    (i == n || !k_isalpha((unsigned char)s[i - n - 1])))
			return 1;
	}
	return 0;
}

/* command_at - the command spelled at s[i] as a whole upper-case word, or NULL */
static const struct k_lit *
command_at(const char *s, size_t n, size_t i)
{
	size_t j;

	for (j = 0; j < sizeof(commands) / sizeof(commands[0]); j++) {
		size_t cl = commands[j].n;
		if (commands[j].s[0] != s[i])
			continue;	/* most words start with another letter */
		if (i + cl <= n && memcmp(s + i, commands[j].s, cl) == 0 &&
		    (i + cl == n || !k_isalpha((unsigned char)s[i + cl])))
			return &commands[j];
	}
	return NULL;
}

/*
 * stage_words - the command that qmail-remote's words name: "Connected to
 *	<ip> but greeting failed", "... but my name was rejected", "... but
 *	sender was rejected", "<ip> does not like recipient", "<ip> failed
 *	on DATA command", "<ip> failed after I sent the message"; and Exim's
 *	"SMTP error from remote mail server after initial connection"
 */
static const char *
stage_words(const char *s, size_t n)
{
	static const struct {
		struct k_lit words;
		const char  *cmd;
	} stages[] = {
		{ K_LIT("but greeting failed"), "CONN" }, { K_LIT("but my name was rejected"), "EHLO" },
		{ K_LIT("but sender was rejected"), "MAIL" }, { K_LIT("does not like recipient"), "RCPT" },
		{ K_LIT("failed on data command"), "DATA" }, { K_LIT("failed after i sent the message"), "DATA" },
		{ K_LIT("after initial connection"), "CONN" },	/* Exim: refused in the greeting */
	};
	size_t i;

	/* Each holds "but ", "like", "failed" or "initial": most texts need four searches, not seven. */
	if (k_memmem_ci(s, n, "but ", 4) == NULL && k_memmem_ci(s, n, "like", 4) == NULL &&
	    k_memmem_ci(s, n, "failed", 6) == NULL && k_memmem_ci(s, n, "initial", 7) == NULL)
		return NULL;
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (k_memmem_ci(s, n, stages[i].words.s, stages[i].words.n) != NULL)
			return stages[i].cmd;
	return NULL;
}

/*
 * smtp_command_find - the SMTP command a text names as the one in
 *	progress, or NULL. Recognised forms: "in reply to RCPT TO command",
 *	"in reply to end of DATA command", "after RCPT TO", "RCPT TO:<x>",
 *	"MAIL FROM:<x>", "(after DATA)", "SMTP error from remote mail server
 *	after RCPT TO:", "SMTP:RCPT" (Exchange-style technical details);
 *	transcripts also as "RCPT To:<x>" (sendmail 5) and the stage tag
 *	"[RCPT_TO]" (Yahoo); failing all that, qmail's words for the stage
 *	("but sender was rejected"). One pass: each upper-case word that is a command
 *	is checked for a lead phrase before it; the first such wins; failing
 *	that, a transcript's "RCPT TO" or "MAIL FROM".
 */
const char *
smtp_command_find(const char *s, size_t n)
{
	size_t i;
	int    rcpt = 0, mail = 0;

	for (i = 0; i + 4 <= n; i++) {
		const struct k_lit *c;
		const char	   *q = k_find_range(s + i, n - 3 - i, 'A', 'X');

		if (q == NULL)
			break;
		i = (size_t)(q - s);
		if (i > 0 && k_isalnum((unsigned char)s[i - 1]))
			continue;
		if ((c = command_at(s, n, i)) == NULL)
			continue;
		if (lead_before(s, i))
			return c->s;
		if (c->s[0] == 'R' && i + 7 <= n && (s[i + 4] == ' ' || s[i + 4] == '_') &&
		    k_strncaseeq(s + i + 5, "to", 2))
			rcpt = 1;
		else if (c->s[0] == 'M' && i + 9 <= n && s[i + 4] == ' ' &&
		    k_strncaseeq(s + i + 5, "from", 4))
			mail = 1;
		i += c->n - 1;
	}
	if (rcpt || mail)
		return rcpt ? "RCPT" : "MAIL";
	return stage_words(s, n);
}

/* smtp_status_is_pseudo - X.0.9NN: a code Sisimai made up, not a real one */
int
smtp_status_is_pseudo(const char *code)
{
	size_t n = strlen(code);

	return n == 7 && code[1] == '.' && code[2] == '0' && code[3] == '.' &&
	    code[4] == '9';
}

/*
 * smtp_unwrap - remove the codes that prefix each line of a multi-line
 *	reply, in the NUL-terminated d
 *	"said: 550-5.7.1 Messages with multiple 550 5.7.1 addresses in From:"
 *	becomes "said: 550-5.7.1 Messages with multiple addresses in From:":
 *	the first "NNN-X.Y.Z" or "NNN X.Y.Z" stays, later ones with the same
 *	reply code go (with their enhanced code, when one follows), so that
 *	phrases broken across lines match again. The search jumps from digit
 *	to digit and from one copy of the code's first digit to the next;
 *	what lies between is moved in one piece.
 */
void
smtp_unwrap(char *d)
{
	char *end = d + strlen(d), *first = NULL, *r, *w;

	/* The first reply code followed by an enhanced status code. */
	for (r = d; (r = (char *)(uintptr_t)k_find_range(r, (size_t)(end - r), '0', '9')) != NULL; r++)
		if ((r == d || r[-1] == ' ') && k_isdigit((unsigned char)r[1]) &&
		    k_isdigit((unsigned char)r[2]) && (r[3] == '-' || r[3] == ' ') &&
		    (r[4] == '4' || r[4] == '5' || r[4] == '2') && r[5] == '.') {
			first = r;
			break;
		}
	if (first == NULL)
		return;
	w = r = first + 4;
	for (;;) {
		/*
		 * The next copy of the code after a space. The bytes read are
		 * still as they came: writes stay behind r.
		 */
		char *q = r, *e;
		while ((q = memchr(q, first[0], (size_t)(end - q))) != NULL &&
		    !(q[-1] == ' ' && q[1] == first[1] && q[2] == first[2] && (q[3] == '-' || q[3] == ' ')))
			q++;
		if (q == NULL)
			q = end;
		memmove(w, r, (size_t)(q - r));
		w += q - r;
		if (q == end)
			break;
		r = q + 4;
		if ((r[0] == '2' || r[0] == '4' || r[0] == '5') && r[1] == '.') {
			for (e = r + 2; k_isdigit((unsigned char)*e) || *e == '.'; e++)
				;
			if (*e == ' ' || *e == '\0')
				r = *e ? e + 1 : e;
		}
	}
	*w = '\0';
}

/*
 * NAME
 *	classify - the reason rules: which reason a failed recipient gets
 * DESCRIPTION
 *	The verdict comes from the first of these steps that gives one; the
 *	rule field of the record names the step and the table entry.
 *
 *	1. The decoder's verdict, when it is not one of the retryable
 *	   reasons (undefined, onhold, systemerror, securityerror,
 *	   networkerror, hostunknown, userunknown): a dialect that states
 *	   its reason with a vendor code knows better than generic rules.
 *	   Rule "decoder:<name>". A retryable verdict takes its place in the
 *	   order of step 4 and otherwise stands after it.
 *	2. A 2.x.x status: delivered.
 *	3. Provider rules keyed by the remote host or the recipient's domain
 *	   (rhost/), when the provider gives a code its own meaning.
 *	4. Specific reasons, in this order, each true when the status code
 *	   implies it or one of its phrases occurs, with the conditions noted:
 *	     mailboxfull, mesgtoobig (not when the code says exceedlimit),
 *	     exceedlimit, suspend, hasmoved, norelaying (not at HELO/EHLO),
 *	     authfailure, userunknown (a 5.1.x code, unless the text says
 *	     relaying, blocking, full, moved, rejected or not accepting; or
 *	     the phrase at RCPT), filtered (its phrases or userunknown's,
 *	     but not at connection, HELO, MAIL or RCPT unless the code says
 *	     filtered), requireptr, notcompliantrfc,
 *	     badreputation, rejected (the code, or the phrase at MAIL, at
 *	     DATA, or with no specific code), hostunknown (the code unless
 *	     the text speaks of the network; never at connection, HELO or
 *	     MAIL, where a bad domain is the sender's), spamdetected (not before
 *	     DATA unless the code says so), speeding, toomanyconn, blocked.
 *	   Because text is tried together with codes in this order, a
 *	   specific text beats a generic code: "550 5.1.1 ... sent to too
 *	   many recipients" is exceedlimit, not userunknown. Only diagnostics
 *	   of type SMTP (or untyped, or "unknown") go through this step.
 *	5. The status code's own reason, unless it is a vague one (retryable,
 *	   expired) or the diagnostic is not SMTP: then phrases of the
 *	   general reasons are tried first, in the order mailboxfull,
 *	   authfailure, badreputation, spamdetected, virusdetected,
 *	   policyviolation, norelaying, systemerror, networkerror, suspend,
 *	   contenterror, systemfull, notaccept, expired, failedstarttls,
 *	   securityerror, suppressed, mailererror.
 *	6. Without any code: X.6 is contenterror, X.7 securityerror, an
 *	   X-UNIX diagnostic mailererror, a 50x reply syntaxerror; a delayed
 *	   action is expired; a refusal at connection or HELO/EHLO is blocked.
 *	7. Auto-reply phrases make vacation; a diagnostic that is one word
 *	   naming a cause after its codes ("Diagnostic-Code: X-XWall; 5.9.8
 *	   Spam") that cause; any other text onhold; nothing at all undefined.
 */
#include "reason.h"
#include "../rhost/rhost.h"
#include "../../util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ph_piece;
#include "reason_phrases.inc"
#include "status_reasons.inc"

#define R(x)	KAERU_REASON_##x
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NONE	((kaeru_reason)-1)

struct cctx {
	const struct kfacts *f;
	struct ph_result     ph;
	kaeru_reason	     s;		/* reason the status code implies, or NONE */
	const char	    *cmd;
};

/*
 * terse - a diagnostic that is codes and one word naming the cause ("5.9.8
 *	Spam", "550 Virus."): filters that name what they found and no more
 */
static int
terse(const struct kfacts *f, struct kverdict *v)
{
	static const struct {
		const char  *word;
		kaeru_reason r;
	} words[] = {
		{ "spam", R(SPAMDETECTED) },
		{ "virus", R(VIRUSDETECTED) },
	};
	const char *p = f->diag, *e, *w;
	size_t	    i;

	if (p == NULL || f->diaglen > 32)
		return 0;
	e = p + f->diaglen;
	/* Codes first ("550", "5.9.8", "#5.7.1"), as many as there are. */
	for (;;) {
		while (p < e && (*p == ' ' || *p == '#'))
			p++;
		for (w = p; p < e && (k_isdigit((unsigned char)*p) || *p == '.'); p++)
			;
		if (p == w || (p < e && *p != ' ')) {
			p = w;
			break;
		}
	}
	while (e > p && (e[-1] == '.' || e[-1] == '!' || e[-1] == ' '))
		e--;
	for (i = 0; i < NELEM(words); i++)
		if ((size_t)(e - p) == strlen(words[i].word) &&
		    k_memeq_ci(p, words[i].word, (size_t)(e - p))) {
			v->reason = words[i].r;
			k_cat(v->rule, sizeof(v->rule), "terse:", words[i].word, (char *)NULL);
			return 1;
		}
	return 0;
}

static int
cmp_status(const void *k, const void *e)
{
	return strcmp(k, ((const struct status_reason_row *)e)->c[0]);
}

/* kr_status_reason - reason a status code implies; KAERU_ENOTFOUND if none */
int
kr_status_reason(const char *code, kaeru_reason *out)
{
	const struct status_reason_row *r;

	if (code == NULL || code[0] == '\0')
		return KAERU_ENOTFOUND;
	r = bsearch(code, status_reason, status_reason_COUNT, sizeof(status_reason[0]), cmp_status);
	if (r == NULL)
		return KAERU_ENOTFOUND;
	return kaeru_reason_from_name(r->c[1], out);
}

/* kr_phrases - match the reason tables against a text */
int
kr_phrases(const char *s, size_t n, struct ph_result *r)
{
	ph_match(&ph_reason, s, n, r);
	return r->tags != 0;
}

/* kr_phrase_table - the compiled reason tables (for tests) */
const struct ph_automaton *
kr_phrase_table(void)
{
	return &ph_reason;
}

/* kr_phrase_rule - a reason table entry by id */
const struct ph_rule *
kr_phrase_rule(int id)
{
	if (id < 0 || (unsigned)id >= ph_reason.nrules)
		return NULL;
	return &ph_reason.rules[id];
}

static int
retryable(kaeru_reason r)
{
	switch (r) {
	case R(UNDEFINED): case R(ONHOLD): case R(SYSTEMERROR):
	case R(SECURITYERROR): case R(NETWORKERROR): case R(HOSTUNKNOWN):
	case R(USERUNKNOWN):
		return 1;
	default:
		return 0;
	}
}

static int
cmd_is(const struct cctx *c, const char *list)
{
	const char *p;
	size_t	    n;

	if (c->cmd == NULL || c->cmd[0] == '\0')
		return 0;
	n = strlen(c->cmd);
	for (p = list; (p = strstr(p, c->cmd)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int
P(const struct cctx *c, kaeru_reason r)
{
	return ph_has(&c->ph, r);
}

/* phrase_rule - "phrase:<file:line> <text>" for the rule field */
static void
phrase_rule(struct kverdict *v, const struct cctx *c, kaeru_reason r)
{
	const struct ph_rule *pr = kr_phrase_rule(c->ph.rule[r]);

	v->reason = r;
	if (pr != NULL)
		k_cat(v->rule, sizeof(v->rule), "phrase:", pr->src, " \"", pr->text, "\"", (char *)NULL);
	else
		k_cat(v->rule, sizeof(v->rule), "phrase:", kaeru_reason_name(r), (char *)NULL);
}

/* code_or_phrase - the verdict of step 4 for reason r: 1 code, 2 phrase */
static int
step4(const struct cctx *c, kaeru_reason r)
{
	kaeru_reason s = c->s;

	switch (r) {
	case R(MAILBOXFULL): case R(EXCEEDLIMIT): case R(SUSPEND):
	case R(HASMOVED): case R(AUTHFAILURE): case R(REQUIREPTR):
	case R(TOOMANYCONN): case R(BLOCKED):
		return s == r ? 1 : P(c, r) ? 2 : 0;
	case R(NOTCOMPLIANTRFC): case R(BADREPUTATION): case R(SPEEDING):
		return P(c, r) ? 2 : 0;
	case R(MESGTOOBIG):
		if (s == r)
			return 1;
		if (s == R(EXCEEDLIMIT))
			return 0;
		return P(c, r) ? 2 : 0;
	case R(NORELAYING):
		if (cmd_is(c, "CONN EHLO HELO"))
			return 0;
		return P(c, r) ? 2 : 0;
	case R(USERUNKNOWN):
		if (s == R(SUSPEND))
			return 0;
		if (s == R(USERUNKNOWN)) {
			if (P(c, R(NORELAYING)) || P(c, R(BLOCKED)) || P(c, R(MAILBOXFULL)) ||
			    P(c, R(HASMOVED)) || P(c, R(REJECTED)) || P(c, R(NOTACCEPT)))
				return 0;
			return 1;
		}
		if (cmd_is(c, "RCPT") && P(c, r))
			return 2;
		return 0;
	case R(FILTERED):
		/*
		 * "User unknown" said outside RCPT (after DATA, or with no
		 * command known) is a filter's refusal, not a dead address.
		 */
		if (s == R(SUSPEND))
			return 0;
		if (s == R(FILTERED))
			return P(c, R(USERUNKNOWN)) || P(c, r) ? 1 : 0;
		if (cmd_is(c, "CONN EHLO HELO MAIL RCPT"))
			return 0;
		return P(c, r) || P(c, R(USERUNKNOWN)) ? 2 : 0;
	case R(REJECTED):
		if (s == r)
			return 1;
		if (cmd_is(c, "MAIL"))
			return P(c, r) ? 2 : 0;
		if (cmd_is(c, "DATA"))
			return s != R(USERUNKNOWN) && P(c, r) ? 2 : 0;
		if (s == NONE || s == R(ONHOLD) || s == R(UNDEFINED) ||
		    s == R(SECURITYERROR) || s == R(SYSTEMERROR))
			return P(c, r) ? 2 : 0;
		return 0;
	case R(HOSTUNKNOWN):
		/*
		 * A bad domain name at HELO or MAIL is the sender's (our HELO
		 * name, the envelope sender's domain), not the recipient's.
		 */
		if (cmd_is(c, "CONN EHLO HELO MAIL"))
			return 0;
		if (s == r)
			return P(c, R(NETWORKERROR)) ? 0 : 1;
		return P(c, r) ? 2 : 0;
	case R(SPAMDETECTED):
		if (s == r)
			return 1;
		if (cmd_is(c, "CONN EHLO HELO MAIL RCPT"))
			return 0;
		return P(c, r) ? 2 : 0;
	default:
		return 0;
	}
}

static const kaeru_reason order4[] = {
	R(MAILBOXFULL), R(MESGTOOBIG), R(EXCEEDLIMIT), R(SUSPEND), R(HASMOVED),
	R(NORELAYING), R(AUTHFAILURE), R(USERUNKNOWN), R(FILTERED),
	R(REQUIREPTR), R(NOTCOMPLIANTRFC), R(BADREPUTATION), R(REJECTED),
	R(HOSTUNKNOWN), R(SPAMDETECTED), R(SPEEDING), R(TOOMANYCONN),
	R(BLOCKED),
};

static const kaeru_reason order5[] = {
	R(MAILBOXFULL), R(AUTHFAILURE), R(BADREPUTATION), R(SPAMDETECTED),
	R(VIRUSDETECTED), R(POLICYVIOLATION), R(NORELAYING), R(SYSTEMERROR),
	R(NETWORKERROR), R(SUSPEND), R(CONTENTERROR), R(SYSTEMFULL),
	R(NOTACCEPT), R(EXPIRED), R(FAILEDSTARTTLS), R(SECURITYERROR),
	R(SUPPRESSED), R(MAILERERROR),
};

/* decoder_rule - the decoder's verdict, with its reason for the rule field */
static void
decoder_rule(struct kverdict *v, const struct kfacts *f, kaeru_reason r)
{
	v->reason = r;
	k_cat(v->rule, sizeof(v->rule), "decoder:", f->decoder ? f->decoder : "",
	    f->decoder_rule ? " " : "", f->decoder_rule ? f->decoder_rule : "", (char *)NULL);
}

/* kr_classify - decide the reason of one record */
void
kr_classify(const struct kfacts *f, struct kverdict *v)
{
	struct cctx  c;
	kaeru_reason dr;
	size_t	     i;
	int	     smtp = f->diagtype == NULL || f->diagtype[0] == '\0' ||
			    k_strncaseeq(f->diagtype, "SMTP", 5) ||
			    k_strncaseeq(f->diagtype, "unknown", 8);

	v->rule[0] = '\0';
	c.f = f;
	c.cmd = f->command;
	/* 1. the decoder's verdict */
	if (f->decoder_reason == NULL || kaeru_reason_from_name(f->decoder_reason, &dr) != 0)
		dr = NONE;
	if (dr != NONE && !retryable(dr)) {
		decoder_rule(v, f, dr);
		return;
	}
	/* 2. delivered */
	if (f->status != NULL && f->status[0] == '2') {
		v->reason = R(DELIVERED);
		k_cat(v->rule, sizeof(v->rule), "status:", f->status, (char *)NULL);
		return;
	}
	/* 3. provider rules */
	if (rhost_classify(f, v))
		return;
	if (kr_status_reason(f->status, &c.s) != 0)
		c.s = NONE;
	{
		const char *d = f->diag ? f->diag : "";
		size_t	    dn = f->diag ? f->diaglen : 0;
		struct kr_memo *mm = f->memo;
		unsigned	k = 0;
		while (mm != NULL && k < 4 && !(mm->e[k].text != NULL && mm->e[k].len == dn &&
		    memcmp(mm->e[k].text, d, dn) == 0))
			k++;
		if (mm != NULL && k < 4)
			c.ph = mm->e[k].r;
		else {
			kr_phrases(d, dn, &c.ph);
			if (mm != NULL) {
				k = mm->next++ % 4;
				mm->e[k].text = d;
				mm->e[k].len = dn;
				mm->e[k].r = c.ph;
			}
		}
	}

	/*
	 * "Status: 5.2.1 (mailbox disabled, not accepting messages)": the
	 * reporting MTA's reading of the code. Its phrases count where the
	 * reply's own words are silent on that reason; the reply's words
	 * are what the record shows.
	 */
	if (f->comment != NULL && f->comment[0] != '\0') {
		struct ph_result cr;
		unsigned	 t;

		kr_phrases(f->comment, strlen(f->comment), &cr);
		for (t = 0; t < PH_MAX_TAGS; t++)
			if (ph_has(&cr, t) && !ph_has(&c.ph, t)) {
				c.ph.tags |= (uint64_t)1 << t;
				c.ph.rule[t] = cr.rule[t];
				c.ph.pos[t] = cr.pos[t];
			}
	}

	/* 4. specific reasons: codes and phrases together, in order */
	if (smtp) {
		for (i = 0; i < NELEM(order4); i++) {
			int how = order4[i] == dr ? 3 : step4(&c, order4[i]);
			if (how == 0)
				continue;
			if (how == 3) {
				decoder_rule(v, f, dr);
				return;
			}
			if (how == 1) {
				v->reason = order4[i];
				k_cat(v->rule, sizeof(v->rule), "status:", f->status, (char *)NULL);
			} else
				phrase_rule(v, &c, order4[i]);
			return;
		}
	}
	/* A retryable verdict of the decoder stands when nothing above beat it. */
	if (dr != NONE) {
		decoder_rule(v, f, dr);
		return;
	}
	/* 5. the code's own reason, or general phrases when it is vague */
	if (c.s == NONE || c.s == R(EXPIRED) || retryable(c.s) || !smtp) {
		for (i = 0; i < NELEM(order5); i++)
			if (P(&c, order5[i])) {
				phrase_rule(v, &c, order5[i]);
				return;
			}
	}
	/*
	 * Refused in the greeting, with a code that only says "security"
	 * ("554 5.7.1 [C14] Missing reverse DNS" after the initial
	 * connection): the server knew nothing yet but the client's address,
	 * so the sending host was blocked. At EHLO (Gmail's "550 5.7.1
	 * Access denied (state 13)") the code stands.
	 */
	if (c.s == R(SECURITYERROR) && cmd_is(&c, "CONN")) {
		v->reason = R(BLOCKED);
		k_cat(v->rule, sizeof(v->rule), "command:", c.cmd, " status:", f->status, (char *)NULL);
		return;
	}
	if (c.s != NONE) {
		v->reason = c.s;
		k_cat(v->rule, sizeof(v->rule), "status:", f->status, (char *)NULL);
		return;
	}
	/* 6. code classes, diagnostic type, action, command */
	if (f->status != NULL && strlen(f->status) >= 3 && f->status[1] == '.' &&
	    (f->status[2] == '6' || f->status[2] == '7')) {
		v->reason = f->status[2] == '6' ? R(CONTENTERROR) : R(SECURITYERROR);
		k_cat(v->rule, sizeof(v->rule), "status-class:", f->status, (char *)NULL);
		return;
	}
	if (f->diagtype != NULL && (k_strncaseeq(f->diagtype, "X-UNIX", 7) ||
	    k_strncaseeq(f->diagtype, "X-POSTFIX", 10))) {
		v->reason = R(MAILERERROR);
		k_cat(v->rule, sizeof(v->rule), "diagnostic-type:", f->diagtype, (char *)NULL);
		return;
	}
	if (f->replycode != NULL && strlen(f->replycode) == 3 &&
	    (f->replycode[0] == '4' || f->replycode[0] == '5') && f->replycode[1] == '0' &&
	    f->replycode[2] >= '0' && f->replycode[2] <= '7') {
		v->reason = R(SYNTAXERROR);
		k_cat(v->rule, sizeof(v->rule), "reply:", f->replycode, (char *)NULL);
		return;
	}
	if (f->action != NULL && (strncmp(f->action, "delayed", 7) == 0 ||
	    strncmp(f->action, "expired", 7) == 0)) {
		v->reason = R(EXPIRED);
		k_cat(v->rule, sizeof(v->rule), "action:", f->action, (char *)NULL);
		return;
	}
	if (cmd_is(&c, "CONN EHLO HELO")) {
		v->reason = R(BLOCKED);
		k_cat(v->rule, sizeof(v->rule), "command:", c.cmd, (char *)NULL);
		return;
	}
	/* 7. what is left */
	if (P(&c, R(VACATION))) {
		phrase_rule(v, &c, R(VACATION));
		return;
	}
	if (terse(f, v))
		return;
	if (f->diag != NULL && f->diaglen > 0) {
		v->reason = R(ONHOLD);
		k_cat(v->rule, sizeof(v->rule), "fallback:text without a known cause", (char *)NULL);
		return;
	}
	v->reason = R(UNDEFINED);
	k_cat(v->rule, sizeof(v->rule), "fallback:no diagnostic", (char *)NULL);
}

/*
 * NAME
 *	rfc3834 - automatic replies: vacation notices, out-of-office
 * DESCRIPTION
 *	An auto-reply is recognised from its headers (RFC 3834's
 *	Auto-Submitted: auto-replied; Precedence: auto_reply; X-Autoreply,
 *	X-Autorespond; Microsoft's X-Auto-Response-Suppress naming OOF or
 *	AutoReply; Apple's X-Apple-Action: vacation) or from a vacation
 *	subject in English or Japanese. Mail from a mailer daemon (by its
 *	address, or named "Mail Delivery ..." or "Mail System") or to root
 *	is never an auto-reply (those are bounces or system mail), nor are
 *	sudo's and Exim's notices. The record's recipient is the person who
 *	is away (the reply's sender); the reason is vacation, never a bounce.
 */
#include "lhost.h"
#include "../reason/reason.h"

#include <string.h>

static const char *const subjects[] = {
	/* English */
	"auto:", "auto response", "auto-response", "autoresponse", "auto reply",
	"auto-reply", "autoreply", "automatic reply", "automatic response",
	"out of office", "out of the office", "away from the office",
	"on vacation", "vacation reply", "i am away", "i'm away",
	/* Other languages */
	"abwesenheitsnotiz", "automatische antwort", "réponse automatique",
	"risposta automatica", "respuesta automática", "fuera de la oficina",
	"resposta automática", "automatisch antwoord", "afwezigheidsbericht",
	"automatyczna odpowiedź", "automatická odpověď", "automatiskt svar",
	"automatisk svar", "automaattinen vastaus", "otomatik yanıt",
	"автоматический ответ", "自动回复", "자동 응답",
	/* Japanese */
	"自動応答", "自動返信", "不在", "休暇",
};

/*
 * tells_failure - does the notice quote a 4xx or 5xx code, or a phrase of
 *	a reason other than vacation, in its first lines
 */
static int
tells_failure(struct kmsg *m)
{
	const char	*p, *cur, *end, *line;
	size_t		 n, len;
	int		 lines = 0;
	struct ph_result r;

	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len) && lines++ < 40) {
		if (len == 0)
			continue;
		if (lh_quotes_failure(line, len))
			return 1;
		kr_phrases(line, len, &r);
		if ((r.tags & ~((uint64_t)1 << KAERU_REASON_VACATION)) != 0)
			return 1;
	}
	return 0;
}

/* header_is - the first value of a header, lower case, starts with v */
static int
header_has(struct kmsg *m, const char *name, const char *v)
{
	const char *h = lh_header(m, name);

	return h[0] != '\0' && k_strstr_ci(h, strlen(h), v) != NULL;
}

static int
is_autoreply(struct kmsg *m)
{
	size_t i;

	if (header_has(m, "auto-submitted", "auto-replied") ||
	    header_has(m, "auto-submitted", "auto-generated") ||
	    header_has(m, "auto-submitted", "auto-notified") ||
	    header_has(m, "precedence", "auto_reply") ||
	    header_has(m, "x-auto-response-suppress", "oof") ||
	    header_has(m, "x-auto-response-suppress", "autoreply") ||
	    header_has(m, "x-apple-action", "vacation") ||
	    lh_has_header(m, "x-autoreply") || lh_has_header(m, "x-autorespond") ||
	    lh_has_header(m, "x-autoresponder"))
		return 1;
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
		if (lh_subject_has(m, subjects[i]))
			return 1;
	/*
	 * vacation(1) and many responders mark their replies only with
	 * "Precedence: junk" or "bulk" (a field RFC 3834 mentions but no
	 * standard defines) and send them from the null sender: such a mail
	 * from a person, with no delivery report, that quotes no failure, is
	 * a reply.
	 */
	if ((header_has(m, "precedence", "junk") || header_has(m, "precedence", "bulk")) &&
	    strcmp(lh_header(m, "return-path"), "<>") == 0 && !lh_has_report(m) &&
	    !tells_failure(m))
		return 1;
	return 0;
}

static int
rfc3834_decode(struct kmsg *m, struct kbounce *b)
{
	const char *from, *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len;
	int	    lines = 0;
	struct kds *d;

	if (lh_subject_has(m, "security information for") || lh_subject_has(m, "mail failure -"))
		return 0;
	from = lh_header(m, "from");
	if (addr_is_daemon(from, strlen(from)) || k_strstr_ci(from, strlen(from), "root@") ||
	    k_strstr_ci(from, strlen(from), "mailer-daemon") || k_strstr_ci(from, strlen(from), "postmaster@") ||
	    k_strstr_ci(from, strlen(from), "mail delivery") || k_strstr_ci(from, strlen(from), "mail system"))
		return 0;
	{
		const char *to = lh_header(m, "to");
		if (k_startswith_ci(to, strlen(to), "root@"))
			return 0;
	}
	if (!is_autoreply(m))
		return 0;
	b->kind = KAERU_KIND_VACATION;
	if ((d = kb_add(m, b)) == NULL)
		return -1;
	d->recipient = lh_addr(m, from, strlen(from));
	if (d->recipient == NULL) {
		const char *rp = lh_header(m, "return-path");
		d->recipient = lh_addr(m, rp, strlen(rp));
	}
	if (d->recipient == NULL)
		return 0;
	/* The first lines of the reply say why. */
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len) && lines < 5) {
		if (len == 0 || memchr(line, ' ', len) == NULL)
			continue;
		if (k_startswith(line, len, "Content-"))
			continue;
		diag = kb_append(m, diag, line, len);
		lines++;
	}
	d->diagnosis = diag != NULL ? diag : m->subject;
	d->reason = "vacation";
	d->date = lh_header(m, "date");
	return 1;
}

const struct klhost lhost_rfc3834 = { "RFC3834", rfc3834_decode };

/*
 * NAME
 *	sendmail - bounces written by Sendmail 8
 * DESCRIPTION
 *	Subject "Returned mail: <why>, see transcript for details" (or
 *	"Warning: could not send message for past N hours"); a notice with
 *	"----- The following addresses had permanent fatal errors -----" and
 *	"----- Transcript of session follows -----" whose lines quote the
 *	session: ">>> RCPT To:<a@b>" is the command, "<<< 550 5.1.1 ..." the
 *	reply, "<a@b>... User unknown" the verdict, "... while talking to
 *	host:" the peer. A standard report follows. The transcript's reply
 *	is the fullest diagnosis, and a status code in it replaces a report
 *	status that is absent or malformed.
 *	Source: sendmail/savemail.c and deliver.c (observed in bounces).
 */
#include "lhost.h"

#define MAXREPLY 32

/* replies_for - the transcript replies that name addr, or all of them when addr is NULL */
static const char *
replies_for(struct kmsg *m, const char *const *rep, size_t nrep, const char *addr)
{
	const char *out = NULL;
	size_t	    i;

	for (i = 0; i < nrep; i++)
		if (addr == NULL || k_strstr_ci(rep[i], strlen(rep[i]), addr) != NULL)
			out = kb_append(m, out, rep[i], strlen(rep[i]));
	return out;
}

static int
sendmail_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *cmd = NULL, *rep[MAXREPLY];
	size_t	    nrep = 0;
	const char *adiag = NULL, *arcpt = NULL, *astatus = NULL;
	size_t	    n, len, i;
	int	    reading = 0, session = 0, r;

	if (!lh_subject_has(m, "see transcript for details") && !lh_subject_starts(m, "Warning: "))
		return 0;
	if (lh_has_header(m, "x-aol-ip"))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (!reading) {
			if (k_startswith(line, len, "   ----- Transcript of session follows -----") ||
			    k_startswith(line, len, "----- Transcript of session follows -----"))
				reading = 1;
			continue;
		}
		if (len == 0 || line[0] == ' ')
			continue;
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (k_startswith(line, len, ">>> ")) {
			const char *c = line + 4;
			while (c < line + len && *c == ' ')
				c++;
			if (line + len - c >= 4 && k_isalpha((unsigned char)c[0]) &&
			    k_isalpha((unsigned char)c[3]))
				cmd = kb_str(m, c, 4);
			continue;
		}
		if (k_startswith(line, len, "<<< ")) {
			const char *r = line + 4;
			size_t	    rn = len - 4, k;
			k_trim(&r, &rn);
			for (k = 0; k < nrep; k++)
				if (strlen(rep[k]) == rn && memcmp(rep[k], r, rn) == 0)
					break;
			if (k == nrep && nrep < MAXREPLY && (rep[nrep] = kb_str(m, r, rn)) != NULL)
				nrep++;
			continue;
		}
		if (session)
			continue;
		if (k_startswith(line, len, "... while talking to ")) {
			session = 1;
			continue;
		}
		if (line[0] == '<') {
			const char *gt = memchr(line, '>', len);
			if (gt != NULL && gt + 4 < line + len && gt[1] == '.' && gt[2] == '.' && gt[3] == '.') {
				arcpt = kb_str(m, line + 1, (size_t)(gt - line - 1));
				adiag = kb_trimmed(m, gt + 4, (size_t)(line + len - gt - 4));
				continue;
			}
		}
		if (len > 10 && (line[0] == '4' || line[0] == '5') && line[3] == ' ' &&
		    (line[4] == '4' || line[4] == '5') && line[5] == '.') {
			char st[SMTP_STATUS_MAX];
			if (smtp_status_find(line + 4, len - 4, st))
				astatus = kb_str(m, st, strlen(st));
			adiag = kb_append(m, adiag, line, len);
		} else if (k_startswith(line, len, "Message: ") || k_startswith(line, len, "Warning: "))
			adiag = kb_append(m, adiag, line, len);
	}
	if (!reading)
		return 0;	/* no transcript: a standard report of another MTA */
	if ((r = dsn_collect_sections(m, b)) < 0)
		return -1;
	if (b->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->command == NULL && cmd != NULL) {
			char *c = (char *)cmd;
			size_t k;
			for (k = 0; k < 4; k++)
				c[k] = (char)k_upper((unsigned char)c[k]);
			d->command = c;
		}
		if (d->command == NULL && nrep > 0)
			d->command = "EHLO";
		if (adiag != NULL) {
			if (d->diagnosis == NULL || d->diagnosis[0] == '\0')
				d->diagnosis = adiag;
			else {
				const char *q = d->diagnosis;
				while (k_isdigit((unsigned char)*q))
					q++;
				if (*q == '\0')
					d->diagnosis = adiag;
			}
		}
		{
			/* The server's own replies: those naming this recipient, else all. */
			const char *mine = d->recipient ? replies_for(m, rep, nrep, d->recipient) : NULL;
			const char *all = mine ? mine : replies_for(m, rep, nrep, NULL);
			if (all != NULL && (d->diagnosis == NULL || strlen(all) > strlen(d->diagnosis)))
				d->diagnosis = all;
		}
		if (astatus != NULL && (d->status == NULL || !smtp_status_valid(d->status, strlen(d->status))))
			d->status = astatus;
		if (d->recipient == NULL && d->diagnosis != NULL)
			d->recipient = lh_addr(m, d->diagnosis, strlen(d->diagnosis));
		(void)arcpt;
	}
	return (int)b->n;
}

const struct klhost lhost_sendmail = { "Sendmail", sendmail_decode };

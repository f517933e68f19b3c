/*
 * NAME
 *	fact - turn what a decoder found into kaeru_records
 * DESCRIPTION
 *	For each record:
 *	- the recipient must be an address; otherwise the record is dropped;
 *	- the diagnosis is swept (white space collapsed, boundary debris
 *	  removed) and searched for an enhanced status code and a reply
 *	  code: a specific code in the text (X.Y.Z with Y and Z not zero)
 *	  replaces the report's Status, which is often a generic X.0.0;
 *	- the reply code must agree in class with the status, else it is
 *	  dropped (a "250" quoted in a failure is not this failure's code);
 *	- the reason comes from reason/classify.c; delivered, feedback and
 *	  vacation records carry no reply code and are never hard;
 *	- deliverystatus is the code found, or "5.0.0"/"4.0.0" by class:
 *	  kaeru does not make codes up;
 *	- the token is SHA-1 of addresser, recipient and timestamp framed as
 *	  Sisimai frames them, so that both tools name a record alike.
 */
#include "fact.h"
#include "../error.h"
#include "../reason/reason.h"
#include "../rfc/rfc5322.h"
#include "../smtp/smtp.h"
#include "../../util/sha1.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* sweep - collapse white space, trim, drop a trailing MIME boundary */
static char *
sweep(struct kmsg *m, const char *s)
{
	char  *o;
	size_t n;

	if (s == NULL)
		return "";
	n = strlen(s);
	if ((o = ka_alloc(m->a, n + 1)) == NULL)
		return "";
	n = k_squeeze_ws(o, s, n);
	if (n > 0 && o[n - 1] == ' ')
		n--;
	o[n] = '\0';
	if (o[0] == ' ')
		o++;
	/* " --boundary" debris at the end of a text part */
	{
		char *dd = strstr(o, " --");
		if (dd != NULL && strchr(dd + 3, ' ') == NULL && strlen(dd) > 12)
			*dd = '\0';
	}
	return o;
}

/* same - equal strings, either may be NULL */
static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* same_facts - would kr_classify() decide f as it decided g */
static int
same_facts(const struct kfacts *f, const struct kfacts *g)
{
	return f->diaglen == g->diaglen && same(f->diag, g->diag) &&
	    same(f->status, g->status) && same(f->replycode, g->replycode) &&
	    same(f->command, g->command) && same(f->diagtype, g->diagtype) &&
	    same(f->action, g->action) && same(f->decoder_reason, g->decoder_reason) &&
	    same(f->decoder_rule, g->decoder_rule) && same(f->decoder, g->decoder) &&
	    same(f->rhost, g->rhost) && same(f->destination, g->destination) &&
	    same(f->comment, g->comment);
}

/* clean_host - "dns; mx.example.jp", "[192.0.2.1]", "host.example." to a name */
static const char *
clean_host(struct kmsg *m, const char *h)
{
	const char *p, *e;
	char	   *o;
	size_t	    n, i, j;

	if (h == NULL || *h == '\0')
		return "";
	p = h;
	if ((e = strchr(p, ';')) != NULL)
		p = e + 1;
	if ((e = strrchr(p, '=')) != NULL)
		p = e + 1;
	while (*p == ' ' || *p == '\t' || *p == '[' || *p == '(' || *p == '<')
		p++;
	n = strcspn(p, " \t\r\n");
	if ((o = ka_alloc(m->a, n + 1)) == NULL)
		return "";
	for (i = j = 0; i < n; i++) {
		char c = p[i];
		if (c == '[' || c == ']' || c == '(' || c == ')' || c == '<' || c == '>')
			continue;
		o[j++] = (char)k_lower((unsigned char)c);
	}
	while (j > 0 && (o[j - 1] == '.' || o[j - 1] == ':'))
		j--;
	o[j] = '\0';
	return o;
}

/* domain_of - the part after the last "@", lower case */
static const char *
domain_of(struct kmsg *m, const char *a)
{
	const char *at = a ? strrchr(a, '@') : NULL;
	char	   *d;

	if (at == NULL)
		return "";
	if ((d = ka_strdup(m->a, at + 1)) == NULL)
		return "";
	k_lowercase(d, strlen(d));
	return d;
}

/* orig_value - unfolded value of a header of the returned message, or "" */
static const char *
orig_value(struct kmsg *m, const char *name)
{
	if (m->orig == NULL)
		return "";
	return kh_get_decoded(m, &m->orighdr, name);
}

/* pick_status - the report's status, or a specific code stated in the text */
static const char *
pick_status(struct kmsg *m, const char *dsn, const char *diag)
{
	char	    st[SMTP_STATUS_MAX];
	const char *s = dsn != NULL && smtp_status_valid(dsn, strlen(dsn)) ? dsn : NULL;

	if (diag != NULL && smtp_status_find(diag, strlen(diag), st)) {
		/* Both subject and detail say something: "5.1.1", not "5.7.0". */
		int specific = (st[0] == '4' || st[0] == '5') && st[2] != '0' &&
		    st[3] == '.' && st[4] != '0';
		int generic_dsn = s != NULL && strlen(s) == 5 && s[2] == '0' && s[4] == '0';
		int generic_txt = strlen(st) == 5 && st[2] == '0' && st[4] == '0';
		if (s == NULL || specific || (generic_dsn && !generic_txt))
			return kb_str(m, st, strlen(st));
	}
	return s;
}

/* permanent - 1 permanent, 0 temporary, judged from codes, action and words */
static int
permanent(const char *status, const char *reply, const char *action, const char *diag)
{
	if (status != NULL && (status[0] == '4' || status[0] == '5'))
		return status[0] == '5';
	if (action != NULL && strcmp(action, "delayed") == 0)
		return 0;
	if (reply != NULL && (reply[0] == '4' || reply[0] == '5'))
		return reply[0] == '5';
	if (diag != NULL) {
		size_t n = strlen(diag);
		if (k_strstr_ci(diag, n, "temporar") || k_strstr_ci(diag, n, "persistent"))
			return 0;
	}
	return 1;
}

/* push_record - a new zeroed record in out */
static kaeru_record *
push_record(struct kmsg *m, struct krecs *out)
{
	if (out->n == out->cap) {
		size_t	      ncap = out->cap ? out->cap * 2 : 8;
		kaeru_record *nv = ka_grow(m->a, out->v, out->n * sizeof(*nv), ncap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		out->v = nv;
		out->cap = ncap;
	}
	memset(&out->v[out->n], 0, sizeof(out->v[0]));
	return &out->v[out->n++];
}

/* addresser_of - the sender of the returned message */
static const char *
addresser_of(struct kmsg *m)
{
	static const char *const fields[] = { "from", "return-path", "reply-to", "errors-to", "sender" };
	size_t i;

	for (i = 0; m->orig != NULL && i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct khdr *h = kh_find(&m->orighdr, fields[i]);
		const char *a;
		if (h != NULL && (a = kb_addr(m, h->val, h->vlen)) != NULL)
			return a;
	}
	{
		/* The bounce is addressed to the original sender. */
		const struct khdr *h = kh_find(&m->hdr, "to");
		const char *a;
		if (h != NULL && (a = kb_addr(m, h->val, h->vlen)) != NULL)
			return a;
	}
	return "";
}

/* when - timestamp and zone of a record */
static void
when(struct kmsg *m, const struct kds *d, const struct kbounce *b, int64_t *ts, int *off)
{
	const char *cands[4];
	size_t	    i;

	cands[0] = d->date;
	cands[1] = b->date;
	cands[2] = m->orig ? kh_get(m, &m->orighdr, "date") : NULL;
	cands[3] = kh_get(m, &m->hdr, "date");
	*ts = 0;
	*off = 0;
	for (i = 0; i < 4; i++)
		if (cands[i] != NULL && cands[i][0] != '\0' &&
		    date_parse(cands[i], strlen(cands[i]), ts, off))
			return;
	if (m->unixfrom != NULL)
		date_parse(m->unixfrom, m->unixfromlen, ts, off);
}

/* received_host - from/by host of the first or last Received field */
static const char *
received_host(struct kmsg *m, int last, int want_by)
{
	const struct khdr *h = NULL, *pick = NULL;
	const char	  *f, *by;
	size_t		   fn, bn;

	while ((h = kh_find_next(&m->hdr, h, "received")) != NULL) {
		pick = h;
		if (!last)
			break;
	}
	if (pick == NULL || !received_hosts(pick->val, pick->vlen, &f, &fn, &by, &bn))
		return "";
	if (want_by)
		return bn ? clean_host(m, kb_str(m, by, bn)) : "";
	return fn ? clean_host(m, kb_str(m, f, fn)) : "";
}

/* utf8_cut - the longest prefix of s, at most n bytes, that ends between characters */
static size_t
utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * capped - s, or a copy of its first cap bytes at most (cut between
 *	characters; *cut set) when it is longer; NULL on ENOMEM
 */
static const char *
capped(struct kmsg *m, const char *s, size_t cap, int *cut)
{
	if (s == NULL || strnlen(s, cap + 1) <= cap)
		return s;
	*cut = 1;
	return kb_str(m, s, utf8_cut(s, cap));
}

/*
 * spend - diag within what is left of the mail's budget of diagnostic
 *	text (*budget, then less what diag uses); a cut copy sets *cut.
 *	NULL on ENOMEM.
 */
static const char *
spend(struct kmsg *m, const char *diag, size_t *budget, int *cut)
{
	size_t dl = strlen(diag);

	if (dl > *budget) {
		if ((diag = kb_str(m, diag, utf8_cut(diag, *budget))) == NULL)
			return NULL;
		dl = strlen(diag);
		*cut = 1;
	}
	*budget -= dl;
	return diag;
}

/* same_upto - do a and b hold the same first cap + 1 bytes (so the same text once capped) */
static int
same_upto(const char *a, const char *b, size_t cap)
{
	return a == b || (a != NULL && b != NULL && strncmp(a, b, cap + 1) == 0);
}

/*
 * internal_host - is the domain of address a a host's internal name, one
 *	label without a dot ("sims-ms-daemon", "localhost"), not a domain
 *	of the Internet nor an address literal
 */
static int
internal_host(const char *a)
{
	const char *at = strrchr(a, '@');

	return at != NULL && at[1] != '\0' && at[1] != '[' && strchr(at + 1, '.') == NULL;
}

/*
 * kf_build - append the records of b to out
 *	Returns 0, or KAERU_ENOMEM.
 *
 *	Bounds, whatever the mail: at most lim->max_records records; a
 *	record's diagnostic text at most lim->max_header_len bytes, read and
 *	kept; the records' diagnostic texts together at most
 *	lim->max_decoded bytes kept. A record past a bound is cut and
 *	carries KAERU_RECORD_TRUNCATED, and so does the mail (m->truncated).
 *	Without them a text that thousands of recipients share would be
 *	read and written once per recipient: a 1.4 MB mail of 20,000
 *	recipients and a 32 KB shared text made 128 MB of output.
 */
int
kf_build(struct kmsg *m, struct kbounce *b, const char *origin, struct krecs *out)
{
	size_t	    i;
	const char *addresser = NULL;
	const char *first_by = NULL, *last_from = NULL;	/* received_host(), once per mail */
	/*
	 * The recipients of one report often share a diagnostic, which is
	 * then read once: the codes of the last few texts, the reason
	 * tables' match of the last text, the previous record's verdict.
	 */
	struct codes {
		const char	*rawdiag, *dstatus, *dreply, *dcmd;
		const char	*diag, *status, *reply, *cmd;
		int		 cut;	/* the text was past max_header_len */
	} codes[4];			/* the last texts' codes, round robin */
	size_t		 ncodes = 0, nextc = 0;
	struct {
		int		 verdict;	/* set once a verdict is kept */
		struct kfacts	 f;
		struct kverdict	 v;
	} prev;
	struct kr_memo	 pm;		/* the reason tables' answer for the last text */

	size_t		 nrec = 0;
	size_t		 maxrec = m->lim->max_records ? m->lim->max_records : SIZE_MAX;
	size_t		 diagcap = km_text_cap(m->lim);
	size_t		 budget = m->lim->max_decoded ? m->lim->max_decoded : SIZE_MAX;

	/* An empty memo: no texts (the 3 KB of answers need no clearing). */
	for (i = 0; i < 4; i++)
		pm.e[i].text = NULL;
	pm.next = 0;
	memset(&prev, 0, sizeof(prev));

	for (i = 0; i < b->n; i++) {
		const struct kds *d = &b->ds[i];
		kaeru_record	*r;
		struct kfacts	 f;
		struct kverdict	 v;
		const char	*rcpt, *alias, *diag, *status, *reply = NULL, *cmd;
		char		 rc[4], tz[16];
		int64_t		 ts;
		int		 off, perm, cut = 0;

		if (d->recipient == NULL || (rcpt = kb_addr(m, d->recipient, strlen(d->recipient))) == NULL)
			continue;
		alias = d->alias;
		if (alias != NULL && internal_host(rcpt) && !internal_host(alias)) {
			/*
			 * "Final-Recipient: rfc822;a@sims-ms-daemon": the server's
			 * own channel, not a domain; the address the sender wrote is
			 * the Original-Recipient.
			 */
			const char *o = kb_addr(m, alias, strlen(alias));
			if (o != NULL) {
				alias = rcpt;
				rcpt = o;
			}
		}
		if (nrec == maxrec) {
			m->truncated = 1;
			break;
		}
		nrec++;
		if (addresser == NULL)
			addresser = addresser_of(m);
		if ((r = push_record(m, out)) == NULL)
			return KAERU_ENOMEM;
		{
			const char *raw = d->diagnosis != NULL && d->diagnosis[0] != '\0' ? d->diagnosis : d->status_comment;
			size_t k;
			for (k = 0; k < ncodes; k++)
				if (same_upto(raw, codes[k].rawdiag, diagcap) && same(d->status, codes[k].dstatus) &&
				    same(d->replycode, codes[k].dreply) && same(d->command, codes[k].dcmd))
					break;
			if (k < ncodes) {
				diag = codes[k].diag;
				status = codes[k].status;
				reply = codes[k].reply;
				cmd = codes[k].cmd;
				cut = codes[k].cut;
			} else {
				const char *rawc = capped(m, raw, diagcap, &cut);
				size_t	    dl;
				if (raw != NULL && rawc == NULL)
					return KAERU_ENOMEM;
				diag = sweep(m, rawc);
				if (diag[0] != '\0')
					smtp_unwrap((char *)diag);
				dl = strlen(diag);	/* once: the searches below all read the whole diagnostic */
				status = pick_status(m, d->status, diag);
				if (d->replycode != NULL && strlen(d->replycode) == 3)
					reply = d->replycode;
				else if (dl > 0 && !k_memmem_ci(diag, dl, "x-unix;", 7) &&
				    smtp_reply_find_class(diag, dl, status ? status[0] : 0, rc))
					reply = kb_str(m, rc, 3);
				cmd = d->command;
				if (cmd != NULL && strcmp(cmd, "EHLO") && strcmp(cmd, "HELO") && strcmp(cmd, "MAIL") &&
				    strcmp(cmd, "RCPT") && strcmp(cmd, "DATA") && strcmp(cmd, "QUIT") && strcmp(cmd, "CONN"))
					cmd = NULL;
				if (cmd == NULL && dl > 0)
					cmd = smtp_command_find(diag, dl);
				k = nextc;
				nextc = (nextc + 1) % (sizeof(codes) / sizeof(codes[0]));
				if (ncodes < sizeof(codes) / sizeof(codes[0]))
					ncodes++;
				codes[k].rawdiag = raw;
				codes[k].dstatus = d->status;
				codes[k].dreply = d->replycode;
				codes[k].dcmd = d->command;
				codes[k].diag = diag;
				codes[k].status = status;
				codes[k].reply = reply;
				codes[k].cmd = cmd;
				codes[k].cut = cut;
			}
		}

		r->kind = (kaeru_kind)b->kind;
		r->origin = origin ? origin : "";
		r->recipient = rcpt;
		r->destination = domain_of(m, rcpt);
		r->alias = alias ? alias : "";
		if (r->alias[0] != '\0' && strcasecmp(r->alias, rcpt) == 0)
			r->alias = "";
		r->addresser = addresser;
		r->senderdomain = domain_of(m, addresser);
		if ((diag = spend(m, diag, &budget, &cut)) == NULL)
			return KAERU_ENOMEM;
		if (cut)
			m->truncated = 1;
		r->diagnosticcode = diag;
		r->diagnostictype = d->spec ? d->spec : "";
		r->lhost = clean_host(m, d->lhost ? d->lhost : b->lhost);
		if (r->lhost[0] == '\0') {
			if (first_by == NULL)
				first_by = received_host(m, 0, 1);
			r->lhost = first_by;
		}
		r->rhost = clean_host(m, d->rhost);
		if (r->rhost[0] == '\0' && b->kind == KAERU_KIND_BOUNCE) {
			if (last_from == NULL)
				last_from = received_host(m, 1, 0);
			r->rhost = last_from;
		}
		r->feedbacktype = d->feedbacktype ? d->feedbacktype : "";
		r->feedbackid = d->feedbackid ? d->feedbackid : "";
		r->decodedby = b->decodedby ? b->decodedby : "";
		r->subject = orig_value(m, "subject");
		{
			const char *mid = orig_value(m, "message-id"), *lt = strchr(mid, '<'), *gt;
			if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
				mid = kb_str(m, lt + 1, (size_t)(gt - lt - 1));
			r->messageid = mid;
		}
		{
			const char *lid = orig_value(m, "list-id"), *lt = strrchr(lid, '<'), *gt;
			if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
				lid = kb_str(m, lt + 1, (size_t)(gt - lt - 1));
			else if (strchr(lid, ' ') != NULL)
				lid = "";
			r->listid = lid;
		}
		when(m, d, b, &ts, &off);
		r->timestamp = ts;
		{
			/* "+0900": offsets are minutes within a day, four digits at most. */
			int h = abs(off) / 60 % 100, mi = abs(off) % 60;
			tz[0] = off < 0 ? '-' : '+';
			tz[1] = (char)('0' + h / 10);
			tz[2] = (char)('0' + h % 10);
			tz[3] = (char)('0' + mi / 10);
			tz[4] = (char)('0' + mi % 10);
			r->timezoneoffset = kb_str(m, tz, 5);
		}

		memset(&f, 0, sizeof(f));
		f.status = status ? status : "";
		f.replycode = reply ? reply : "";
		f.command = cmd ? cmd : "";
		f.diag = diag;
		f.diaglen = strlen(diag);
		f.diagtype = r->diagnostictype;
		f.action = d->action ? d->action : "";
		f.decoder_reason = d->reason;
		f.decoder_rule = d->rule;
		f.decoder = r->decodedby;
		/* The Status field's comment, when the diagnosis came from elsewhere. */
		if (d->diagnosis != NULL && d->diagnosis[0] != '\0')
			f.comment = d->status_comment;
		f.rhost = r->rhost;
		f.destination = r->destination;
		f.memo = &pm;
		if (b->kind == KAERU_KIND_FEEDBACK) {
			v.reason = KAERU_REASON_FEEDBACK;
			k_cat(v.rule, sizeof(v.rule), "report:feedback-report", (char *)NULL);
		} else if (b->kind == KAERU_KIND_VACATION) {
			v.reason = KAERU_REASON_VACATION;
			k_cat(v.rule, sizeof(v.rule), "report:auto-reply", (char *)NULL);
		} else if (prev.verdict && same_facts(&f, &prev.f))
			v = prev.v;
		else {
			kr_classify(&f, &v);
			prev.f = f;
			prev.v = v;
			prev.verdict = 1;
		}
		r->reason_id = v.reason;
		r->reason = kaeru_reason_name(v.reason);
		r->rule = kb_str(m, v.rule, strlen(v.rule));
		if (v.reason == KAERU_REASON_DELIVERED)
			r->kind = KAERU_KIND_DELIVERED;

		/* Codes and the action, consistent with each other. */
		perm = permanent(status, reply, f.action, diag);
		if (status == NULL || status[0] == '\0')
			status = v.reason == KAERU_REASON_DELIVERED ? "2.0.0" :
			    (r->kind == KAERU_KIND_FEEDBACK || r->kind == KAERU_KIND_VACATION) ? "" :
			    perm ? "5.0.0" : "4.0.0";
		if (reply != NULL && status[0] != '\0' && reply[0] != status[0])
			reply = NULL;
		if (r->kind == KAERU_KIND_FEEDBACK || r->kind == KAERU_KIND_VACATION)
			reply = NULL;
		r->deliverystatus = status;
		r->replycode = reply ? reply : "";
		r->command = cmd ? cmd : "";
		if (r->diagnostictype[0] == '\0' && r->kind == KAERU_KIND_BOUNCE)
			r->diagnostictype = v.reason == KAERU_REASON_MAILERERROR ? "X-UNIX" : "SMTP";
		r->action = d->action ? d->action : "";
		if (r->action[0] == '\0' && r->kind == KAERU_KIND_BOUNCE)
			r->action = v.reason == KAERU_REASON_EXPIRED ? "delayed" :
			    (status[0] == '4' || status[0] == '5') ? "failed" : "";
		perm = status[0] == '5' || (status[0] != '4' && perm);
		if (r->kind == KAERU_KIND_BOUNCE)
			r->hardbounce = kaeru_reason_is_hard(v.reason, perm ? "5" : "4");
		r->category_id = kr_category(v.reason, perm);
		r->hint_id = kr_hint(v.reason, perm);
		r->category = kaeru_category_name(r->category_id);
		r->action_hint = kaeru_action_hint_name(r->hint_id);
		r->flags = m->truncated || cut ? KAERU_RECORD_TRUNCATED : 0;
		{
			ksha1 s;
			char  hex[41], tsb[24];
			ksha1_init(&s);
			ksha1_update(&s, "\x02", 1);
			ksha1_update(&s, addresser, strlen(addresser));
			ksha1_update(&s, "\x1e", 1);
			ksha1_update(&s, rcpt, strlen(rcpt));
			ksha1_update(&s, "\x1e", 1);
			ksha1_update(&s, tsb, k_i64(tsb, ts));
			ksha1_update(&s, "\x03", 1);
			ksha1_hex(&s, hex);
			r->token = kb_str(m, hex, 40);
		}
		if (r->token == NULL || r->rule == NULL)
			return KAERU_ENOMEM;
	}
	return 0;
}

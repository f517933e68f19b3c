/*
 * NAME
 *	kddi - bounces of au one net (KDDI's fixed-line mail, dion.ne.jp)
 * DESCRIPTION
 *	From no-reply@<host>.dion.ne.jp (or Reply-To no-reply@app.auone-net.jp),
 *	Subject "メールエラー通知" in ISO-2022-JP, a Message-Id at
 *	auone-net.jp. The text part gives a Japanese explanation, then:
 *
 *	    Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900
 *	         Could not be delivered to: <addr@x.dion.ne.jp>
 *	         As their mailbox is full.
 *
 *	("Your mail attempted to be delivered on: ..." in other versions),
 *	then the returned message. The indented English sentence states the
 *	reason (data/lhost/kddi.txt); "X-SPASIGN: NG" marks mail refused by
 *	the recipient's own filter.
 *	Source: Sisimai's Lhost::KDDI, observed in bounces of 2013.
 */
#include "lhost.h"

static int
kddi_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *date = NULL, *rt = lh_header(m, "reply-to"), *spa;
	size_t	    n, len, i;
	struct kds *d = NULL;
	int	    reading = 0;

	if (!(lh_from_has(m, "no-reply@") && lh_from_has(m, ".dion.ne.jp")) &&
	    k_strstr_ci(rt, strlen(rt), "no-reply@app.auone-net.jp") == NULL)
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *q;
		size_t	    k = len;

		if (k_startswith(line, len, "Your mail sent on") ||
		    k_startswith(line, len, "Your mail attempted to be delivered on")) {
			reading = 1;
			if ((q = memchr(line, ':', len)) != NULL)
				date = kb_trimmed(m, q + 1, (size_t)(line + len - q - 1));
			continue;
		}
		if (!reading || len == 0)
			continue;
		if (line[0] != ' ' && line[0] != '\t')
			break;
		k_trim(&l, &k);
		if (k_startswith(l, k, "Could not be delivered to:")) {
			if ((d = kb_add(m, b)) == NULL)
				return -1;
			d->recipient = lh_addr(m, l + 26, k - 26);
			d->date = date;
			continue;
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	if (b->n == 0)
		return 0;
	spa = lh_header(m, "x-spasign");
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		if (strncmp(spa, "NG", 2) == 0)
			d->reason = "filtered";
		else
			d->reason = lh_phrase(m, "kddi", d->diagnosis);
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_kddi = { "KDDI", kddi_decode };

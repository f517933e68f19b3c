/*
 * NAME
 *	yandex - bounces of Yandex Mail
 * DESCRIPTION
 *	From mailer-daemon@yandex.ru, with X-Yandex-Uniq (and other
 *	X-Yandex-) fields. Yandex runs Postfix: the notice repeats, in
 *	Russian then in English, "This is the mail system at host
 *	yandex.ru.", lists "<addr>: text" with continuation lines indented,
 *	the text naming the command ("(in reply to RCPT TO command)"), and a
 *	standard report with X-Yandex-Queue-ID follows.
 *	Source: Sisimai's Lhost::Yandex, observed in bounces of 2014.
 */
#include "lhost.h"

static int
yandex_decode(struct kmsg *m, struct kbounce *b)
{
	struct kbounce text;
	struct kds    *t = NULL;
	const char    *p, *cur, *end, *line;
	size_t	       n, len, i;
	int	       r;

	if (!lh_has_header(m, "x-yandex-uniq") || !lh_from_has(m, "mailer-daemon@yandex."))
		return 0;
	memset(&text, 0, sizeof(text));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		if (k_startswith(line, len, "Content-Type: message/delivery-status"))
			break;
		if (len == 0) {
			t = NULL;
			continue;
		}
		if (line[0] == '<') {
			const char *gt = memchr(line, '>', len);
			if (gt == NULL || gt + 1 >= line + len || gt[1] != ':' ||
			    memchr(line, '@', (size_t)(gt - line)) == NULL)
				continue;
			if ((t = kb_add(m, &text)) == NULL)
				return -1;
			t->recipient = kb_str(m, line + 1, (size_t)(gt - line - 1));
			t->diagnosis = kb_trimmed(m, gt + 2, (size_t)(line + len - gt - 2));
			continue;
		}
		if (t != NULL && (line[0] == ' ' || line[0] == '\t'))
			t->diagnosis = kb_append(m, t->diagnosis, line, len);
	}
	if ((r = lh_dsn_anywhere(m, b)) < 0)
		return -1;
	if (b->n == 0 && text.n == 0)
		return 0;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];

		if (d->diagnosis == NULL)
			continue;
		for (r = 0; r < (int)text.n; r++)
			if (lh_same_addr(text.ds[r].recipient, d->recipient) && text.ds[r].diagnosis != NULL &&
			    strlen(text.ds[r].diagnosis) > strlen(d->diagnosis))
				d->diagnosis = text.ds[r].diagnosis;
		if (d->command == NULL)
			d->command = smtp_command_find(d->diagnosis, strlen(d->diagnosis));
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_yandex = { "Yandex", yandex_decode };

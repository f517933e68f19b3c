/*
 * NAME
 *	fml - notices written by the fml mailing list manager
 * DESCRIPTION
 *	An X-MLServer header ("fml [fml 4.0.3 ...]"), From "<list>-admin@",
 *	a Message-Id "<digits.FML...@host>". fml returns a post it refused
 *	with one sentence naming the list or the sender in angle brackets,
 *	"You are not a member of this mailing list <list@host>.",
 *	"Duplicated Message-ID in <list@host>.", and the post after
 *	"Original mail as follows:". The subject repeats the verdict
 *	("You x@y are not member (list ML)", "Loop Alert: ...", "Security
 *	Alert"). The reasons are fml's fixed wordings: data/lhost/fml.txt.
 *	Source: fml 4 sources, Sisimai::Lhost::FML (markers).
 */
#include "lhost.h"

static int
fml_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *id = lh_header(m, "message-id");
	size_t	    n, len;
	struct kds *d = NULL;

	if (!lh_has_header(m, "x-mlserver") || !lh_from_has(m, "-admin@") || strstr(id, ".FML") == NULL)
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Original mail as follows:") || k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		/* A sentence ending with "<a@b>." names the address. */
		if (k > 4 && l[k - 1] == '.' && l[k - 2] == '>') {
			const char *lt = l + k - 2;
			while (lt > l && *lt != '<')
				lt--;
			if (*lt == '<' && addr_valid(lt + 1, (size_t)(l + k - 2 - lt - 1))) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = kb_str(m, lt + 1, (size_t)(l + k - 2 - lt - 1));
				d->diagnosis = kb_str(m, l, k);
				continue;
			}
		}
		if (d != NULL)
			d->diagnosis = kb_append(m, d->diagnosis, l, k);
	}
	if (d == NULL)
		return 0;
	{
		size_t i;
		for (i = 0; i < b->n; i++) {
			d = &b->ds[i];
			if ((d->reason = lh_phrase_sq(m, "fml", d->diagnosis)) == NULL)
				d->reason = lh_phrase_sq(m, "fml", m->subject);
		}
	}
	lh_orig_after(m, "Original mail as follows:");
	return (int)b->n;
}

const struct klhost lhost_fml = { "FML", fml_decode };

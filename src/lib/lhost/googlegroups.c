/*
 * NAME
 *	googlegroups - Google Groups refusing a post
 * DESCRIPTION
 *	When a post to a group is refused (the group does not exist, or the
 *	sender may not post), Google answers from "Mail Delivery Subsystem
 *	<mailer-daemon@googlemail.com>", Subject "Delivery Status
 *	Notification (Failure)", with the group's address in
 *	X-Failed-Recipients and a localised text/plain notice: "the group
 *	you tried to contact (<name>) may not exist, or you may not have
 *	permission to post messages to the group", four bulleted causes
 *	(" * ..."), a link to https://groups.google.com/support/, signed
 *	"Google Groups". The returned message follows "----- Original
 *	message -----". The notice is the same for every cause it lists, so
 *	the reason is "rejected" when the standard list is there.
 *	Source: Sisimai's Lhost::GoogleGroups, observed in bounces (English
 *	and Japanese).
 */
#include "lhost.h"

static int
googlegroups_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *diag = NULL;
	size_t	    n, len, i;
	int	    bullets = 0, r;

	if (!lh_from_has(m, "mailer-daemon@googlemail.com") ||
	    !lh_subject_has(m, "Delivery Status Notification") ||
	    !lh_has_header(m, "x-failed-recipients"))
		return 0;
	lh_notice(m, &p, &n);
	if (lh_find(p, n, "groups.google.com") == NULL && lh_find(p, n, "Google Groups") == NULL &&
	    lh_find(p, n, "Google グループ") == NULL)
		return 0;
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "----- Original message -----"))
			break;
		k_trim(&l, &k);
		/* right-to-left and left-to-right marks before a bullet */
		while (k >= 3 && (unsigned char)l[0] == 0xe2 && (unsigned char)l[1] == 0x80 &&
		    ((unsigned char)l[2] == 0x8e || (unsigned char)l[2] == 0x8f))
			l += 3, k -= 3;
		if (k == 0)
			continue;
		if (l[0] == '*')
			bullets++;
		diag = kb_append(m, diag, l, k);
	}
	if ((r = lh_failed_recipients(m, b)) <= 0)
		return r;
	lh_orig_after(m, "----- Original message -----");
	for (i = 0; i < b->n; i++) {
		b->ds[i].diagnosis = diag;
		if (bullets >= 4) {
			b->ds[i].reason = "rejected";
			b->ds[i].rule = "group refused the post";
		}
	}
	return (int)b->n;
}

const struct klhost lhost_googlegroups = { "GoogleGroups", googlegroups_decode };

/*
 * NAME
 *	mimecast - bounces written by Mimecast
 * DESCRIPTION
 *	Subject "[Postmaster] Email Delivery Failure", a Message-Id in
 *	*.mimecast.lan, X-MC-System and X-Mimecast-* headers. The notice
 *	marks each value with "-- ": the address ("An email that you
 *	attempted to send to the following address could not be
 *	delivered:" or "an email you addressed to email address :"), "The
 *	problem appears to be :" and its summary, "Additional information
 *	follows :" and the remote reply. The attached report writes its
 *	fields as "Name : value" with "rfc/822;" addresses.
 *	Source: observed Mimecast bounces.
 */
#include "lhost.h"

static int
is_mimecast(struct kmsg *m)
{
	const char *id = lh_header(m, "message-id");

	if (lh_has_header(m, "x-mc-system") || lh_has_header(m, "x-mimecast-originator") ||
	    lh_has_header(m, "x-mimecast-spam-score"))
		return 1;
	return strstr(id, ".mimecast.lan>") != NULL ||
	    (lh_subject_starts(m, "[Postmaster] Email Delivery Failure") && lh_received_has(m, "mimecast"));
}

static int
mimecast_decode(struct kmsg *m, struct kbounce *b)
{
	const char *p, *cur, *end, *line, *problem = NULL, *info = NULL;
	size_t	    n, len, i;
	struct kds *d;
	int	    what = 0;	/* 1 address, 2 problem, 3 information */

	if (!is_mimecast(m))
		return 0;
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line;
		size_t	    k = len;

		if (k_startswith(line, len, "Content-Type: "))
			break;
		k_trim(&l, &k);
		if (k == 0)
			continue;
		if (k_startswith(l, k, "-- ")) {
			const char *v = l + 3, *a;
			size_t	    vn = k - 3;
			if ((what == 1 || what == 0) && (a = lh_line_addr(m, v, vn)) != NULL) {
				if ((d = kb_add(m, b)) == NULL)
					return -1;
				d->recipient = a;
			} else if (what == 2)
				problem = kb_append(m, problem, v, vn);
			else if (what == 3)
				info = kb_append(m, info, v, vn);
			continue;
		}
		if (lh_line_has(l, k, "problem appears to be"))
			what = 2;
		else if (lh_line_has(l, k, "additional information follows"))
			what = 3;
		else if (lh_line_has(l, k, "address"))
			what = 1;
		else
			what = 0;
	}
	if (b->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		d = &b->ds[i];
		d->diagnosis = info ? info : problem;
		if (info != NULL && problem != NULL)
			d->diagnosis = kb_append(m, problem, info, strlen(info));
		lh_fill_codes(m, d);
	}
	return (int)b->n;
}

const struct klhost lhost_mimecast = { "Mimecast", mimecast_decode };

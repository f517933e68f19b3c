/*
 * NAME
 *	order - which families to try first, from the subject and header fields
 * DESCRIPTION
 *	Most families write a recognisable subject: data/lhost/subjects.tsv
 *	says which families a piece of the subject suggests, and one phrase
 *	scan of the subject finds them all. Trying those families first is
 *	only an optimisation and a tie-breaker: every decoder still checks
 *	the mail itself, and every family is tried in the end.
 */
#include "lhost.h"

#define L(x) &lhost_##x

#define KAERU_LHOST(x) extern const struct klhost lhost_##x;
#include "lhost_list.h"
#undef KAERU_LHOST

/*
 * ph_subjects: the phrases of data/lhost/subjects.tsv, tag t for its line
 * t, and ph_subjects_families[t], the families line t names.
 */
#include "../reason/phrase.h"
#include "lhost_subjects.inc"

/*
 * Header fields only one sender writes. These come after the subject's
 * hints, so a family the subject names keeps its turn.
 */
static const struct {
	struct k_lit field;		/* lower case */
	const struct klhost *families[4];
} header_hints[] = {
	{ K_LIT("x-ses-outgoing"), { L(amazonworkmail), L(receivingses), L(amazonses) } },
	{ K_LIT("x-aws-outgoing"), { L(amazonses) } },
	{ K_LIT("x-amz-sns-message-id"), { L(amazonses) } },
	{ K_LIT("x-ymailisg"), { L(yahoo) } },
	{ K_LIT("x-aol-ip"), { L(aol) } },
	{ K_LIT("x-gmx-antispam"), { L(gmx) } },
	{ K_LIT("x-zohomail"), { L(zoho) } },
	{ K_LIT("x-mlserver"), { L(fml) } },
	{ K_LIT("x-ms-exchange-message-is-ndr"), { L(office365), L(exchange2007) } },
};

/* add - append a family once */
static void
add(const struct klhost **fams, int *n, int max, const struct klhost *family)
{
	int k;

	for (k = 0; k < *n; k++)
		if (fams[k] == family)
			return;
	if (*n < max)
		fams[(*n)++] = family;
}

/* lhost_order - the families to try first; returns how many */
int
lhost_order(const struct kmsg *m, const struct klhost **fams, int max)
{
	struct ph_result r;
	size_t		 i, j;
	int		 n = 0;

	/* One pass over the subject for every line of the table. */
	ph_match(&ph_subjects, m->subject_lc, m->subject_len, &r);
	for (i = 0; i < PH_SUBJECTS_ROWS && r.tags != 0; i++) {
		if (!ph_has(&r, (unsigned)i))
			continue;
		for (j = 0; ph_subjects_families[i][j] != NULL; j++)
			add(fams, &n, max, ph_subjects_families[i][j]);
	}
	for (i = 0; i < sizeof(header_hints) / sizeof(header_hints[0]); i++) {
		const struct k_lit *f = &header_hints[i].field;
		if (kh_find_n(&m->hdr, f->s, f->n, kh_name_key(f->s, f->n)) == NULL)
			continue;
		for (j = 0; j < 4 && header_hints[i].families[j] != NULL; j++)
			add(fams, &n, max, header_hints[i].families[j]);
	}
	return n;
}

/*
 * NAME
 *	corpus_test - the analyzer against the expected results of a corpus
 * SYNOPSIS
 *	corpus_test [-v] [-g] [-e] [-f FIELD=FLOOR ...] CORPUS_DIR
 * DESCRIPTION
 *	CORPUS_DIR holds truth.tsv and maildir/{bsd,dos,mac,not}. Every mail
 *	of maildir/bsd is parsed through the library (kind bounce, delivered,
 *	feedback and vacation records alike, as "kaeru parse" prints them),
 *	and each truth row is compared with the record of the same file and
 *	position, field by field:
 *	  recipient   the address or one of its accepted spellings (no case)
 *	  reason      exactly
 *	  status      exactly; Sisimai's pseudo-codes X.0.9NN by class only
 *	  replycode   exactly (empty when truth is empty)
 *	  hardbounce  exactly
 *	It prints per-field agreement, the records kaeru found that truth
 *	does not list, and checks three invariants: no record for any mail of
 *	maildir/not, and the same recipients and reasons for the dos/ and
 *	mac/ copies as for bsd/. It fails when a field falls under its floor
 *	(-f reason=0.90) or an invariant breaks. -v lists every mismatch.
 *	-g reads every mail with the standard readers alone (RFC 3464, ARF,
 *	RFC 3834, generic), as if kaeru knew none of the MTA families: the
 *	figure that tells how it fares on bounces of MTAs it has never seen.
 *	-e also parses each mail, and up to three copies of it with a base64
 *	photo part put before a line that starts with "--", as the reader's
 *	skip_attachments hands them out (base64 attachments' bodies left
 *	out, mail/elide.c), and fails when any record differs from the
 *	whole mail's.
 */
#include <kaeru/kaeru.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mail/elide.h"

#define MAXF 16

/* -e: mails with something left out, and those whose records then differ. */
static size_t n_elided, n_elide_diff;
static int    check_elide;

/* Internal hook of libkaeru (src/lib/parser.c): standard readers only. */
void kaeru_parser_only_standard(kaeru_parser *p, int on);

struct truth {
	char *file, *recipient, *alt, *status, *reply, *reason, *hard;
	int   index;
};

struct got {
	char *file, *recipient, *status, *reply, *reason, *hard;
	int   index;
};

static char *
xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (d == NULL) {
		perror("strdup");
		exit(2);
	}
	return d;
}

/* json - the records of a parse as one string, appended to b */
static void
json(const kaeru_record *r, size_t n, kaeru_buf *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		kaeru_record_json(&r[i], 0, b);
}

/* same_parse - the records of a[0..an) and b[0..bn) are the same */
static int
same_parse(kaeru_parser *q, const char *a, size_t an, const char *b, size_t bn)
{
	kaeru_buf	    x = KAERU_BUF_INIT, y = KAERU_BUF_INIT;
	const kaeru_record *r;
	size_t		    n;
	int		    same;

	if (kaeru_parser_parse(q, a, an, "t", &r, &n) != 0)
		exit(2);
	json(r, n, &x);
	if (kaeru_parser_parse(q, b, bn, "t", &r, &n) != 0)
		exit(2);
	json(r, n, &y);
	same = x.size == y.size && (x.size == 0 || memcmp(x.ptr, y.ptr, x.size) == 0);
	kaeru_buf_dispose(&x);
	kaeru_buf_dispose(&y);
	return same;
}

/* elide_one - s[0..n) through the elider in one piece; 1 if something was left out and the records differ */
static int
elide_one(kaeru_parser *q, const char *s, size_t n, int *left_out)
{
	struct kelide e;
	kstr	      out = KSTR_INIT;
	int	      differ = 0;

	kel_init(&e, 0);
	kel_begin(&e, &out);
	kel_feed(&e, &out, s, n, 1);
	*left_out = e.elided > 0;
	if (e.elided > 0)
		differ = !same_parse(q, s, n, ks_str(&out), out.len);
	kel_dispose(&e);
	ks_dispose(&out);
	return differ;
}

/*
 * elide_check - the mail m, and up to three copies with a base64 photo
 *	part put before one of its first lines that start with "--" (a
 *	delimiter, mostly), each parsed whole and as skip_attachments hands
 *	it out: the records must be the same.
 */
static void
elide_check(const kaeru_mail *m, const char *path)
{
	static kaeru_parser *q;
	const char	    *d = m->data, *end = m->data + m->len, *l;
	const char	    *nl = memmem(d, m->len, "\r\n", 2) != NULL ? "\r\n" : "\n";
	kstr		     v = KSTR_INIT;
	int		     left, k = 0, i;

	if (q == NULL && kaeru_parser_new(&q, NULL) != 0)
		exit(2);
	if (elide_one(q, d, m->len, &left)) {
		n_elide_diff++;
		printf("  elided differs: %s\n", path);
	}
	n_elided += left;
	for (l = d; l < end && k < 3; l++) {
		const char *e;

		if (!(l == d || l[-1] == '\n') || end - l < 3 || l[0] != '-' || l[1] != '-')
			continue;
		e = memchr(l, '\n', (size_t)(end - l));
		if (e == NULL || e - l > 100)
			continue;
		ks_clear(&v);
		ks_add(&v, d, (size_t)(l - d));
		ks_add(&v, l, (size_t)(e - l));
		if (e > l && e[-1] == '\r')
			v.len--;
		ks_addf(&v, "%sContent-Type: image/png; name=\"p.png\"%sContent-Transfer-Encoding: base64%s%s",
		    nl, nl, nl, nl);
		for (i = 0; i < 40; i++)
			ks_addf(&v, "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk%02dYPhfDwAChwGA60e6k%s", i, nl);
		ks_add(&v, l, (size_t)(end - l));
		if (elide_one(q, ks_str(&v), v.len, &left)) {
			n_elide_diff++;
			printf("  elided differs: %s with a photo before line %.*s\n", path, (int)(e - l), l);
		}
		n_elided += left;
		k++;
	}
	ks_dispose(&v);
}

/*
 * parse_file - the records of one file, appended to *g
 *	The file is read as kaeru parse reads it (kaeru_reader): a file
 *	that starts with a From_ line is an mbox and may hold several
 *	mails, whose records are numbered in a row.
 */
static size_t
parse_file(kaeru_parser *p, const char *dir, const char *name, struct got **g, size_t *ng, size_t *cap)
{
	char		    path[4096];
	size_t		    n, i, total = 0;
	const kaeru_record *r;
	kaeru_reader	   *rd;
	kaeru_mail	    m;
	int		    rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (kaeru_reader_open(&rd, path, NULL) != 0) {
		fprintf(stderr, "corpus_test: %s: %s\n", path, kaeru_error_last());
		exit(2);
	}
	while ((rc = kaeru_reader_next(rd, &m)) != 0) {
		if (rc < 0) {
			fprintf(stderr, "corpus_test: cannot read %s: %s\n", path, kaeru_error_last());
			exit(2);
		}
		if (kaeru_parser_parse(p, m.data, m.len, path, &r, &n) != 0) {
			fprintf(stderr, "corpus_test: %s: %s\n", path, kaeru_error_last());
			exit(2);
		}
		if (check_elide)
			elide_check(&m, path);
		for (i = 0; i < n; i++) {
			struct got *x;
			if (*ng == *cap) {
				*cap = *cap ? *cap * 2 : 1024;
				*g = realloc(*g, *cap * sizeof(**g));
				if (*g == NULL)
					exit(2);
			}
			x = &(*g)[(*ng)++];
			x->file = xstrdup(name);
			x->index = (int)(total + i) + 1;
			x->recipient = xstrdup(r[i].recipient);
			x->status = xstrdup(r[i].deliverystatus);
			x->reply = xstrdup(r[i].replycode);
			x->reason = xstrdup(r[i].reason);
			x->hard = xstrdup(r[i].hardbounce ? "true" : "false");
		}
		total += n;
	}
	kaeru_reader_free(rd);
	return total;
}

static void
free_got(struct got *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(g[i].file);
		free(g[i].recipient);
		free(g[i].status);
		free(g[i].reply);
		free(g[i].reason);
		free(g[i].hard);
	}
	free(g);
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir - sorted names of the regular files in dir */
static char **
list_dir(const char *dir, size_t *n)
{
	char   cmd[4200], line[4096], **v = NULL;
	size_t cap = 0;
	FILE  *f;

	*n = 0;
	snprintf(cmd, sizeof(cmd), "ls -1 '%s' 2>/dev/null", dir);
	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				exit(2);
		}
		v[(*n)++] = xstrdup(line);
	}
	pclose(f);
	if (*n)
		qsort(v, *n, sizeof(*v), cmpname);
	return v;
}

static int
status_eq(const char *want, const char *got)
{
	size_t n = strlen(want);

	/* Sisimai's pseudo-codes: X.0.9NN compare by class. */
	if (n == 7 && want[2] == '0' && want[4] == '9')
		return got[0] == want[0];
	return strcmp(want, got) == 0;
}

static int
rcpt_eq(const struct truth *t, const char *got)
{
	char *alt, *tok, *save;

	if (strcasecmp(t->recipient, got) == 0)
		return 1;
	if (t->alt[0] == '\0')
		return 0;
	alt = xstrdup(t->alt);
	for (tok = strtok_r(alt, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		if (strcasecmp(tok, got) == 0) {
			free(alt);
			return 1;
		}
	free(alt);
	return 0;
}

/* A row of disputed.tsv: a truth field kaeru reads otherwise on purpose. */
struct dispute {
	char *file, *field;
	int   index;
};

/* load_disputes - the rows of a disputed.tsv (comments and blank lines skipped) */
static int
load_disputes(const char *path, struct dispute **out, size_t *n)
{
	FILE  *f = fopen(path, "r");
	char   line[4096];
	size_t cap = 0;

	if (f == NULL) {
		fprintf(stderr, "corpus_test: cannot read %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *file = line, *idx, *field, *e;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((idx = strchr(file, '\t')) == NULL || (field = strchr(idx + 1, '\t')) == NULL ||
		    (e = strchr(field + 1, '\t')) == NULL) {
			fprintf(stderr, "corpus_test: %s: a row needs file, index, field, truth, kaeru, why\n", path);
			fclose(f);
			return -1;
		}
		*idx++ = '\0';
		*field++ = '\0';
		*e = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((*out = realloc(*out, cap * sizeof(**out))) == NULL)
				return -1;
		}
		(*out)[*n].file = xstrdup(file);
		(*out)[*n].index = atoi(idx);
		(*out)[*n].field = xstrdup(field);
		(*n)++;
	}
	fclose(f);
	return 0;
}

static struct dispute *
find_dispute(struct dispute *d, size_t n, const char *file, int index, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].index == index && strcmp(d[i].file, file) == 0 && strcmp(d[i].field, field) == 0)
			return &d[i];
	return NULL;
}

static const struct got *
find_got(const struct got *g, size_t ng, const char *file, int index)
{
	size_t i;

	for (i = 0; i < ng; i++)
		if (g[i].index == index && strcmp(g[i].file, file) == 0)
			return &g[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const char   *fields[] = { "recipient", "reason", "status", "replycode", "hardbounce" };
	double	      floor[5] = { 0, 0, 0, 0, 0 };
	long	      agree[5] = { 0 };
	int	      verbose = 0, generic = 0, failed = 0, i, a;
	const char   *corpus = NULL, *disputed = NULL;
	struct dispute *dl = NULL;
	size_t	      ndl = 0, nlisted = 0, nunlisted = 0;
	char	      path[4096], line[8192];
	FILE	     *tf;
	struct truth *t = NULL;
	size_t	      nt = 0, capt = 0, k;
	struct got   *g = NULL;
	size_t	      ng = 0, capg = 0, nextra = 0;
	kaeru_parser *p;
	char	    **names;
	size_t	      nnames;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[a], "-g") == 0)
			generic = 1;
		else if (strcmp(argv[a], "-e") == 0)
			check_elide = 1;
		else if (strcmp(argv[a], "-d") == 0 && a + 1 < argc)
			disputed = argv[++a];
		else if (strcmp(argv[a], "-f") == 0 && a + 1 < argc) {
			char *eq = strchr(argv[++a], '=');
			if (eq == NULL)
				return 2;
			*eq = '\0';
			for (i = 0; i < 5; i++)
				if (strcmp(argv[a], fields[i]) == 0)
					floor[i] = atof(eq + 1);
		} else
			corpus = argv[a];
	}
	if (corpus == NULL) {
		fprintf(stderr, "usage: corpus_test [-v] [-g] [-e] [-d DISPUTED.tsv] [-f FIELD=FLOOR] CORPUS_DIR\n");
		return 2;
	}
	if (kaeru_parser_new(&p, NULL) != 0)
		return 2;
	kaeru_parser_only_standard(p, generic);
	if (disputed != NULL && load_disputes(disputed, &dl, &ndl) != 0)
		return 2;
	snprintf(path, sizeof(path), "%s/truth.tsv", corpus);
	if ((tf = fopen(path, "r")) == NULL) {
		fprintf(stderr, "corpus_test: cannot read %s\n", path);
		return 2;
	}
	while (fgets(line, sizeof(line), tf) != NULL) {
		char *c[10], *s = line;
		int   j;
		line[strcspn(line, "\r\n")] = '\0';
		for (j = 0; j < 10; j++) {
			c[j] = s;
			s = s ? strchr(s, '\t') : NULL;
			if (s)
				*s++ = '\0';
		}
		if (c[1] == NULL || !isdigit((unsigned char)c[1][0]))
			continue;
		if (nt == capt) {
			capt = capt ? capt * 2 : 1024;
			if ((t = realloc(t, capt * sizeof(*t))) == NULL)
				return 2;
		}
		t[nt].file = xstrdup(c[0]);
		t[nt].index = atoi(c[1]);
		t[nt].recipient = xstrdup(c[2]);
		t[nt].alt = xstrdup(c[3]);
		t[nt].status = xstrdup(c[4]);
		t[nt].reply = xstrdup(c[5]);
		t[nt].reason = xstrdup(c[6]);
		t[nt].hard = xstrdup(c[7]);
		nt++;
	}
	fclose(tf);

	/* bsd: the compared set */
	snprintf(path, sizeof(path), "%s/maildir/bsd", corpus);
	names = list_dir(path, &nnames);
	for (k = 0; k < nnames; k++)
		parse_file(p, path, names[k], &g, &ng, &capg);
	for (k = 0; k < nt; k++) {
		const struct got *x = find_got(g, ng, t[k].file, t[k].index);
		int ok[5];
		ok[0] = x && rcpt_eq(&t[k], x->recipient);
		ok[1] = x && strcmp(t[k].reason, x->reason) == 0;
		ok[2] = x && status_eq(t[k].status, x->status);
		ok[3] = x && strcmp(t[k].reply, x->reply) == 0;
		ok[4] = x && strcmp(t[k].hard, x->hard) == 0;
		for (i = 0; i < 5; i++) {
			struct dispute *d = find_dispute(dl, ndl, t[k].file, t[k].index, fields[i]);

			agree[i] += ok[i];
			if (d != NULL && ok[i])
				printf("SETTLED %s#%d %s: now agrees with truth; drop it from %s\n",
				    t[k].file, t[k].index, fields[i], disputed);
			if (!ok[i] && disputed != NULL) {
				if (d != NULL)
					nlisted++;
				else {
					nunlisted++;
					printf("UNLISTED ");
				}
			}
			if (!ok[i] && (verbose || (disputed != NULL && d == NULL)))
				printf("MISS %-10s %s#%d want=%s got=%s%s\n", fields[i], t[k].file, t[k].index,
				    i == 0 ? t[k].recipient : i == 1 ? t[k].reason : i == 2 ? t[k].status :
				    i == 3 ? t[k].reply : t[k].hard,
				    x == NULL ? "(no record)" : i == 0 ? x->recipient : i == 1 ? x->reason :
				    i == 2 ? x->status : i == 3 ? x->reply : x->hard,
				    d != NULL ? "  DISPUTED" : "");
		}
	}
	/* Records truth does not list, in files truth covers. */
	for (k = 0; k < ng; k++) {
		size_t j;
		int    covered = 0, listed = 0;
		for (j = 0; j < nt; j++)
			if (strcmp(t[j].file, g[k].file) == 0) {
				covered = 1;
				if (t[j].index == g[k].index)
					listed = 1;
			}
		if (covered && !listed) {
			nextra++;
			if (verbose)
				printf("EXTRA %s#%d %s %s\n", g[k].file, g[k].index, g[k].recipient, g[k].reason);
		}
	}
	printf("corpus: %zu truth records, %zu mails in maildir/bsd\n", nt, nnames);
	for (i = 0; i < 5; i++) {
		double r = nt ? (double)agree[i] / (double)nt : 0;
		printf("  %-10s %4ld/%zu  %6.2f%%%s\n", fields[i], agree[i], nt, r * 100,
		    r + 1e-9 < floor[i] ? "  BELOW FLOOR" : "");
		if (r + 1e-9 < floor[i])
			failed = 1;
	}
	printf("  extra records (not in truth): %zu\n", nextra);
	if (disputed != NULL) {
		printf("  misses listed in %s: %zu; not listed: %zu\n", disputed, nlisted, nunlisted);
		if (nunlisted > 0)
			failed = 1;
	}

	/* maildir/not: nothing */
	{
		struct got *ngot = NULL;
		size_t	    nn = 0, cn = 0, nnot, j;
		char	  **nots;
		snprintf(path, sizeof(path), "%s/maildir/not", corpus);
		nots = list_dir(path, &nnot);
		for (j = 0; j < nnot; j++)
			parse_file(p, path, nots[j], &ngot, &nn, &cn);
		for (j = 0; j < nn; j++)
			printf("  NOT %s#%d %s %s\n", ngot[j].file, ngot[j].index, ngot[j].recipient, ngot[j].reason);
		printf("  maildir/not: %zu mails, %zu records%s\n", nnot, nn, nn ? "  FAIL" : "");
		if (nn)
			failed = 1;
		free_got(ngot, nn);
		free_names(nots, nnot);
	}
	/* dos/ and mac/ copies agree with bsd/ */
	{
		const char *copies[] = { "dos", "mac" };
		int	    c;
		for (c = 0; c < 2; c++) {
			char	  **cn;
			size_t	    ncn, j, diff = 0, compared = 0;
			snprintf(path, sizeof(path), "%s/maildir/%s", corpus, copies[c]);
			cn = list_dir(path, &ncn);
			for (j = 0; j < ncn; j++) {
				struct got *a1 = NULL, *b1 = NULL;
				size_t	    na = 0, ca = 0, nb = 0, cb = 0, q;
				char	    bsd[4096];
				FILE	   *probe;
				snprintf(bsd, sizeof(bsd), "%s/maildir/bsd/%s", corpus, cn[j]);
				if ((probe = fopen(bsd, "r")) == NULL)
					continue;	/* no bsd twin */
				fclose(probe);
				compared++;
				parse_file(p, path, cn[j], &a1, &na, &ca);
				snprintf(bsd, sizeof(bsd), "%s/maildir/bsd", corpus);
				parse_file(p, bsd, cn[j], &b1, &nb, &cb);
				if (na != nb)
					diff++;
				else
					for (q = 0; q < na; q++)
						if (strcasecmp(a1[q].recipient, b1[q].recipient) ||
						    strcmp(a1[q].reason, b1[q].reason)) {
							diff++;
							if (verbose)
								printf("COPY %s/%s#%zu %s %s vs %s %s\n", copies[c], cn[j], q + 1,
								    a1[q].recipient, a1[q].reason, b1[q].recipient, b1[q].reason);
							break;
						}
				if (na != nb && verbose)
					printf("COPY %s/%s: %zu records vs %zu\n", copies[c], cn[j], na, nb);
				free_got(a1, na);
				free_got(b1, nb);
			}
			free_names(cn, ncn);
			printf("  maildir/%s: %zu mails with a bsd twin, %zu differ%s\n", copies[c], compared, diff,
			    diff ? "  FAIL" : "");
			if (diff)
				failed = 1;
		}
	}
	if (check_elide) {
		printf("  skip_attachments: %zu mails (the corpus's, and copies with a base64 photo put in)"
		    " had attachments left out; %zu gave other records%s\n",
		    n_elided, n_elide_diff, n_elide_diff ? "  FAIL" : "");
		if (n_elide_diff)
			failed = 1;
	}
	kaeru_parser_free(p);
	free_got(g, ng);
	free_names(names, nnames);
	for (k = 0; k < nt; k++) {
		free(t[k].file);
		free(t[k].recipient);
		free(t[k].alt);
		free(t[k].status);
		free(t[k].reply);
		free(t[k].reason);
		free(t[k].hard);
	}
	free(t);
	for (k = 0; k < ndl; k++) {
		free(dl[k].file);
		free(dl[k].field);
	}
	free(dl);
	return failed;
}

/*
 * NAME
 *	cmd_parse - kaeru parse: bounces in, one record per recipient out
 * SYNOPSIS
 *	kaeru parse [--format jsonl|json|csv|table] [--only bounces]
 *		    [--max-size BYTES] [--max-depth N] [--max-parts N] [--max-header BYTES]
 *		    [--max-records N] [--explain] [--lang en|ja] [--jobs N] [--keep-attachments] PATH...
 * DESCRIPTION
 *	PATH is a file, "-" for standard input, a directory, a Maildir, an
 *	mbox or a pipe (<(xzcat x.xz), read as standard input is); gzip'd
 *	ones are decompressed as they are read. Every record is printed,
 *	labelled by its kind (bounce, delivered, feedback, vacation);
 *	--only bounces keeps failures. A
 *	path that cannot be read gets one line on stderr naming it; the run
 *	goes on and the exit status is 1. --explain adds a field (a column)
 *	"explanation": what the record's status code means and what to do,
 *	from kaeru_explain() (the reply code when the status is a bare
 *	X.0.0), in the language of --lang or of the locale.
 *
 *	The limits (defaults in kaeru/parse.h: 64 MiB, depth 32, 1024 parts,
 *	64 KiB per header field, 10,000 records a mail) bound the work on
 *	hostile mail; a record's diagnostic text is at most a header field's
 *	length, and a mail's records hold at most 4 MiB of it together (text
 *	thousands of recipients share is not repeated past that). Past one,
 *	the mail is classified from what was read and its records say
 *	"truncated": true; a mail cut before any record was found gets a
 *	line on stderr and the exit status 1.
 *
 *	A mail file of 256 KiB or more, and a mail on standard input, is
 *	streamed and its base64 attachments' bodies are left out as it is
 *	read (kaeru_reader_opts.skip_attachments): the records are the same,
 *	and a 15 MB bounce full of photos is never held in memory.
 *	--keep-attachments reads such a mail whole instead.
 *
 *	--jobs N (default: the number of cores) parses with N threads, each
 *	with a parser of its own. Mails are read in batches (16 mails at
 *	first, doubling to 256, or 8 MiB);
 *	while the threads parse one batch the next is read, then the reading
 *	thread joins in. Each thread takes the next unparsed mail of the
 *	batch, and the batch's output is written in input order, so the
 *	output is the same for any N. A file of 4 MiB or more named on the
 *	command line (a large mbox) is not read by one thread: it is cut
 *	into ranges of 1 MiB that the threads read, split and parse
 *	themselves, and the ranges' output is written in order.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Columns of --format table. */
static const char *const table_fields[] = {
	"recipient", "reason", "deliverystatus", "replycode", "hardbounce",
	"action_hint", "origin",
};
#define NTABLE (sizeof(table_fields) / sizeof(table_fields[0]))

struct table {
	char  **cells;		/* rows * (NTABLE + 1) */
	size_t	rows;
	size_t	cap;
	size_t	ncols;		/* NTABLE, or NTABLE + 1 with the explanation */
	size_t	width[NTABLE + 1];
};

#define NCELLS (NTABLE + 1)

static void
parse_usage(FILE *f)
{
	fprintf(f, "usage: kaeru parse [--format jsonl|json|csv|table] [--only bounces] "
	    CLI_LIMIT_USAGE " [--explain] [--lang en|ja] [--jobs N] [--keep-attachments] PATH...\n");
}

/*
 * gzip_file - does the file at path begin with gzip's magic: its mails
 *	are then read in one stream (the reader decompresses it) and parsed
 *	by the batches, not cut into byte ranges it cannot seek in
 */
static int
gzip_file(const char *path)
{
	unsigned char m[2];
	FILE	     *f = fopen(path, "rb");
	int	      gz;

	if (f == NULL)
		return 0;
	gz = fread(m, 1, 2, f) == 2 && m[0] == 0x1f && m[1] == 0x8b;
	fclose(f);
	return gz;
}

/*
 * parse_help - --help: the usage line, then what each option does and
 *	its default (the limits' defaults are the library's own)
 */
static void
parse_help(FILE *f)
{
	parse_usage(f);
	fprintf(f, "\n"
	    "Reads each PATH (a mail file, a Maildir or directory of mails, an mbox, a pipe\n"
	    "such as <(xzcat x.xz), or - for standard input; gzip'd files are read as they\n"
	    "are) and prints one record per failed recipient, in input order.\n"
	    "\n"
	    "  --format FMT        jsonl (default), json, csv or table\n"
	    "  --only bounces      failures only: no delivery reports, complaints or\n"
	    "                      auto-replies (default: every record, with its kind)\n"
	    "  --explain           add an explanation of each record's codes\n"
	    "  --lang en|ja        the explanations' language (default: ja when the locale\n"
	    "                      (LC_ALL, LC_MESSAGES or LANG) starts with ja, else en)\n"
	    "  --jobs N            parsing threads, 1 to 64 (default: the cores online)\n"
	    "  --keep-attachments  read attachments of large mails too (default: a base64\n"
	    "                      attachment's body is skipped, never decoded)\n"
	    "\n");
	cli_limit_help(f);
	fprintf(f, "\n"
	    "Exit status: 0 when all was read; 1 when a path could not be read or a mail\n"
	    "was cut before any record (a line on stderr names it); 2 on a usage error;\n"
	    "3 when the library failed (out of memory).\n");
}

static int
table_add(struct table *t, const kaeru_record *r, const char *explanation)
{
	kaeru_buf b = KAERU_BUF_INIT;
	size_t	  i;

	if (t->rows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cells, ncap * NCELLS * sizeof(*nc));
		if (nc == NULL)
			return -1;
		t->cells = nc;
		t->cap = ncap;
	}
	for (i = 0; i < NTABLE; i++) {
		char  *c;
		size_t w;
		if (kaeru_record_field(r, table_fields[i], &b) != 0 || (c = strdup(b.ptr ? b.ptr : "")) == NULL) {
			kaeru_buf_dispose(&b);
			return -1;
		}
		t->cells[t->rows * NCELLS + i] = c;
		if ((w = cli_width(c)) > t->width[i])
			t->width[i] = w;
	}
	kaeru_buf_dispose(&b);
	t->cells[t->rows * NCELLS + NTABLE] = NULL;
	if (explanation != NULL && (t->cells[t->rows * NCELLS + NTABLE] = strdup(explanation)) == NULL) {
		for (i = 0; i < NTABLE; i++)
			free(t->cells[t->rows * NCELLS + i]);
		return -1;
	}
	t->rows++;
	return 0;
}

/* table_name - the heading of a column */
static const char *
table_name(size_t i)
{
	return i < NTABLE ? table_fields[i] : "explanation";
}

static void
table_print(struct table *t)
{
	size_t i, r, n = t->ncols;

	for (i = 0; i < n; i++)
		if (strlen(table_name(i)) > t->width[i])
			t->width[i] = strlen(table_name(i));
	for (i = 0; i < n; i++)
		if (i + 1 < n)
			printf("%-*s  ", (int)t->width[i], table_name(i));
		else
			printf("%s\n", table_name(i));
	for (i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < t->width[i]; k++)
			putchar('-');
		fputs(i + 1 < n ? "  " : "\n", stdout);
	}
	for (r = 0; r < t->rows; r++)
		for (i = 0; i < n; i++) {
			const char *c = t->cells[r * NCELLS + i];
			size_t	    pad;
			if (c == NULL)
				c = "";
			pad = t->width[i] - cli_width(c);
			fputs(c, stdout);
			if (i + 1 < n)
				printf("%*s  ", (int)pad, "");
			else
				putchar('\n');
		}
	for (r = 0; r < t->rows * NCELLS; r++)
		free(t->cells[r]);
	free(t->cells);
}

/* explanation_of - the explanation line of a record's code into out ("" if none) */
static void
explanation_of(const kaeru_record *r, const char *lang, kaeru_buf *out)
{
	const char	 *code = r->deliverystatus;
	size_t		  n = strlen(code);
	kaeru_explanation e;

	out->size = 0;
	if ((n == 0 || (n > 4 && strcmp(code + n - 4, ".0.0") == 0)) && r->replycode[0] != '\0')
		code = r->replycode;
	if (code[0] == '\0' || kaeru_explain(code, lang, &e) != 0 || kaeru_explanation_line(&e, out) != 0)
		out->size = 0;
	if (out->ptr != NULL)
		out->ptr[out->size] = '\0';
}

/* bput - append bytes to a caller-owned buffer; -1 when out of memory */
static int
bput(kaeru_buf *b, const char *s, size_t n)
{
	if (b->size + n + 1 > b->asize) {
		size_t na = b->asize ? b->asize : 4096;
		char  *np;
		while (na < b->size + n + 1)
			na *= 2;
		if ((np = realloc(b->ptr, na)) == NULL)
			return -1;
		b->ptr = np;
		b->asize = na;
	}
	memcpy(b->ptr + b->size, s, n);
	b->size += n;
	b->ptr[b->size] = '\0';
	return 0;
}

/* How records are written. */
struct emit {
	enum cli_format	fmt;
	int		only_bounces;
	int		explain;
	const char     *lang;
};

/*
 * format_record - append one record in the chosen format to dst
 *	JSON objects are preceded by ",\n": the writer drops the comma of the
 *	first record of the run. Uses the two scratch buffers given.
 */
static int
format_record(const struct emit *e, const kaeru_record *rr, kaeru_buf *dst,
    kaeru_buf *one, kaeru_buf *text)
{
	int rc = 0;

	one->size = 0;
	if (e->explain)
		explanation_of(rr, e->lang, text);
	switch (e->fmt) {
	case FMT_JSONL:
	case FMT_JSON:
		if (e->fmt == FMT_JSON)
			rc |= bput(dst, ",\n", 2);
		if (!e->explain) {
			/* Straight into dst: the usual case copies nothing twice. */
			rc |= kaeru_record_json(rr, e->fmt == FMT_JSON ? KAERU_FORMAT_PRETTY : 0, dst);
		} else if (kaeru_record_json(rr, e->fmt == FMT_JSON ? KAERU_FORMAT_PRETTY : 0, one) != 0) {
			rc = -1;
		} else if (one->size >= 1) {
			kaeru_buf v = KAERU_BUF_INIT;
			size_t	  close = e->fmt == FMT_JSON ? 2 : 1;
			rc |= kaeru_json_string(text->ptr ? text->ptr : "", text->size, &v);
			rc |= bput(dst, one->ptr, one->size - close);
			rc |= bput(dst, e->fmt == FMT_JSON ? ",\n  \"explanation\": " : ",\"explanation\":",
			    e->fmt == FMT_JSON ? 19 : 15);
			rc |= bput(dst, v.ptr ? v.ptr : "\"\"", v.ptr ? v.size : 2);
			rc |= bput(dst, e->fmt == FMT_JSON ? "\n}" : "}", e->fmt == FMT_JSON ? 2 : 1);
			kaeru_buf_dispose(&v);
		} else
			rc |= bput(dst, one->ptr, one->size);
		if (e->fmt == FMT_JSONL)
			rc |= bput(dst, "\n", 1);
		break;
	case FMT_CSV:
		rc |= kaeru_record_csv(rr, one);
		if (e->explain && one->size >= 2) {
			size_t i;
			rc |= bput(dst, one->ptr, one->size - 2);
			rc |= bput(dst, ",\"", 2);
			for (i = 0; text->ptr != NULL && i < text->size; i++) {
				if (text->ptr[i] == '"')
					rc |= bput(dst, "\"", 1);
				rc |= bput(dst, text->ptr + i, 1);
			}
			rc |= bput(dst, "\"\r\n", 3);
		} else
			rc |= bput(dst, one->ptr, one->size);
		break;
	case FMT_TABLE:
		break;
	}
	return rc ? -1 : 0;
}

/* Per-thread formatting state. */
struct worker {
	kaeru_parser	*p;
	kaeru_buf	 one;
	kaeru_buf	 text;
	kaeru_reader	*rd;		/* its reader of ranges, kept from one to the next */
};

/* One mail of a batch, and what it produced. */
struct slot {
	char		*data;		/* in its batch's buffer (set by pipe_start) */
	size_t		 len;
	size_t		 off;		/* where data and origin are in that buffer */
	size_t		 ooff;
	char		*origin;
	int		 truncated;
	int		 readerr;	/* the reader failed: msg holds the text */
	kaeru_buf	 out;		/* formatted records */
	size_t		 nrec;
	char		*msg;		/* an error to print, in order (heap), or NULL */
	int		 failed;
};

/* slot_msg - set the slot's error to "a: b" (or "a" when b is NULL) */
static void
slot_msg(struct slot *sl, const char *a, const char *b)
{
	free(sl->msg);
	if (asprintf(&sl->msg, b != NULL ? "%s: %s" : "%s", a, b) < 0)
		sl->msg = NULL;
}

/* emit_mail - parse one slot's mail and add its records' text to the slot's out */
static void
emit_mail(const struct emit *e, struct worker *w, struct slot *sl)
{
	const kaeru_record *rec;
	size_t		    n, k;

	sl->nrec = 0;
	sl->failed = 0;
	if (sl->readerr)
		return;
	if (kaeru_parser_parse(w->p, sl->data, sl->len, sl->origin, &rec, &n) != 0) {
		slot_msg(sl, sl->origin, kaeru_error_last());
		sl->failed = 1;
		return;
	}
	if (n == 0 && (sl->truncated || kaeru_parser_truncated(w->p))) {
		/* Cut before anything was found: say so rather than print nothing. */
		slot_msg(sl, sl->origin, CLI_TRUNCATED_NONE);
		sl->failed = 1;
		return;
	}
	for (k = 0; k < n; k++) {
		kaeru_record rr = rec[k];
		if (e->only_bounces && rr.kind != KAERU_KIND_BOUNCE)
			continue;
		if (sl->truncated)
			rr.flags |= KAERU_RECORD_TRUNCATED;
		if (format_record(e, &rr, &sl->out, &w->one, &w->text) != 0) {
			slot_msg(sl, sl->origin, "out of memory");
			sl->failed = 1;
			return;
		}
		sl->nrec++;
	}
}

#define BATCH 256
#define BATCH_BYTES ((size_t)8 << 20)	/* a batch holds at most 8 MiB of mail */
#define RANGE_BYTES ((uint64_t)1 << 20)	/* a thread's share of a large file at a time */
#define RANGE_MIN   ((uint64_t)4 << 20)	/* files this large are split into ranges */

/* An error to print after the records that came before it in a range. */
struct note {
	size_t	 at;		/* bytes of the range's output before it */
	size_t	 nrec;		/* ... and records */
	char	*msg;		/* heap, or NULL: out of memory */
};

/* What one range of a large file produced. */
struct rslot {
	int		 done;	/* parsed, not yet written */
	kaeru_buf	 out;
	size_t		 nrec;
	struct note	*notes;
	size_t		 nnotes, capnotes;
};

/*
 * The pipeline: mails are copied into one array of slots while the
 * threads parse the batch in the other. Threads take the next unparsed
 * mail of the batch in flight (an atomic counter), so the reading
 * thread joins in as soon as it has filled the next batch; output is
 * written batch by batch, in input order, while the helpers start on
 * the next batch. The jobs - 1 helper threads live as long as the run
 * and wait between batches, rather than being made and joined for each.
 * The first batch is 16 mails and each next one twice the last, up to
 * BATCH: the helpers start at once, and a short run (a Maildir of a few
 * hundred files) is not read whole before they do (with 256 from the
 * start, 518 small files took half as long again as with --jobs 1).
 *
 * A large regular file is not copied at all: it is cut into ranges of
 * RANGE_BYTES, and each thread reads the mails of the next range itself
 * (kaeru_reader_opts.range_from, range_to), so reading, splitting and
 * parsing all run in parallel and each mail is parsed by the thread
 * that read it, while it is in that core's cache. The calling thread
 * writes each range's output in order as soon as it is done; a range
 * is taken only within rwin ranges of the first unwritten one, which
 * bounds the output held.
 */
struct pipeline {
	const struct emit *e;
	struct worker	  *w;
	int		   jobs;
	struct slot	  *slots[2];	/* BATCH slots each */
	char		  *buf[2];	/* each array's mails and origins, end to end */
	size_t		   bufcap[2];
	int		   cur;		/* the array being filled */
	size_t		   nb, bytes;	/* its mails and bytes */
	size_t		   want;	/* mails that make a batch: 16, doubling to BATCH */
	size_t		   buflen;	/* bytes of buf[cur] used */

	int		   busy;	/* a batch is in flight */
	struct slot	  *fslots;	/* the batch in flight */
	size_t		   fn;
	size_t		   next;	/* next mail to parse (atomic) */

	pthread_mutex_t	   mu;		/* guards the four below */
	pthread_cond_t	   go;		/* a batch is in flight, or quit */
	pthread_cond_t	   done;	/* a helper finished its share */
	unsigned	   gen;		/* batches sent so far */
	int		   active;	/* helpers still on the batch in flight */
	int		   quit;
	int		   nth;		/* helpers running: th[1..nth] */

	const char	  *rpath;	/* the file split into ranges, or NULL */
	kaeru_reader_opts  rro;
	size_t		   rn;		/* its ranges */
	size_t		   rnext;	/* the next range to take (under mu) */
	size_t		   rwritten;	/* ranges written (under mu) */
	struct rslot	  *rs;		/* range k's output is rs[k % rwin] */
	size_t		   rwin;
	pthread_cond_t	   rmoved;	/* a range was written: the window moved */
	pthread_t	   th[64];
	struct share {
		struct pipeline *p;
		int		 t;
	} share[64];
};

/* run_share - parse mails of the batch in flight until none is left */
static void
run_share(struct pipeline *p, int t)
{
	size_t i;

	while ((i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) < p->fn) {
		p->fslots[i].out.size = 0;
		emit_mail(p->e, &p->w[t], &p->fslots[i]);
	}
}

/* range_note - an error after the range's output so far (msg: heap, taken) */
static void
range_note(struct rslot *rs, char *msg)
{
	if (rs->nnotes == rs->capnotes) {
		size_t	     nc = rs->capnotes ? rs->capnotes * 2 : 4;
		struct note *nn = realloc(rs->notes, nc * sizeof(*nn));
		if (nn == NULL) {
			free(msg);
			return;	/* the note is lost; its mail's records were already left out */
		}
		rs->notes = nn;
		rs->capnotes = nc;
	}
	rs->notes[rs->nnotes].at = rs->out.size;
	rs->notes[rs->nnotes].nrec = rs->nrec;
	rs->notes[rs->nnotes].msg = msg;
	rs->nnotes++;
}

/* do_range - read, parse and format the mails of range k with worker t */
static void
do_range(struct pipeline *p, int t, size_t k)
{
	struct rslot	 *rs = &p->rs[k % p->rwin];
	kaeru_reader_opts o = p->rro;
	kaeru_reader	 *r;
	kaeru_mail	  m;
	int		  rc;

	rs->out.size = 0;
	rs->nrec = 0;
	o.range_from = (uint64_t)k * RANGE_BYTES;
	o.range_to = k + 1 == p->rn ? 0 : (uint64_t)(k + 1) * RANGE_BYTES;	/* the last: to the end */
	if ((r = p->w[t].rd) != NULL ? kaeru_reader_reopen(r, p->rpath, &o) != 0 :
	    kaeru_reader_open(&p->w[t].rd, p->rpath, &o) != 0) {
		range_note(rs, strdup(kaeru_error_last()));
		return;
	}
	r = p->w[t].rd;
	while ((rc = kaeru_reader_next(r, &m)) != 0) {
		struct slot sl;
		size_t	    before = rs->out.size;

		if (rc < 0) {
			range_note(rs, strdup(kaeru_error_last()));
			continue;
		}
		memset(&sl, 0, sizeof(sl));
		sl.data = (char *)(uintptr_t)m.data;
		sl.len = m.len;
		sl.origin = (char *)(uintptr_t)m.origin;
		sl.truncated = m.truncated;
		sl.out = rs->out;
		emit_mail(p->e, &p->w[t], &sl);
		rs->out = sl.out;
		if (sl.failed) {
			rs->out.size = before;
			range_note(rs, sl.msg);
		} else
			rs->nrec += sl.nrec;
	}
}

/*
 * take_range - with worker t, parse the next range of the file if one is
 *	left within the window; 0 when none is. Called and returns with mu
 *	held.
 */
static int
take_range(struct pipeline *p, int t)
{
	size_t k;

	if (p->rnext >= p->rn || p->rnext >= p->rwritten + p->rwin)
		return 0;
	k = p->rnext++;
	pthread_mutex_unlock(&p->mu);
	do_range(p, t, k);
	pthread_mutex_lock(&p->mu);
	p->rs[k % p->rwin].done = 1;
	pthread_cond_signal(&p->done);	/* the writer may be waiting for it */
	return 1;
}

/* run_ranges - a helper's ranges, until none is left; with mu held */
static void
run_ranges(struct pipeline *p, int t)
{
	while (p->rnext < p->rn)
		if (!take_range(p, t))
			pthread_cond_wait(&p->rmoved, &p->mu);	/* the window is full */
}

/* helper - a helper thread: its share of each batch, until told to quit */
static void *
helper(void *arg)
{
	struct share	*sh = arg;
	struct pipeline *p = sh->p;
	unsigned	 seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		if (p->rpath != NULL)
			run_ranges(p, sh->t);	/* takes and leaves mu itself */
		else {
			pthread_mutex_unlock(&p->mu);
			run_share(p, sh->t);
			pthread_mutex_lock(&p->mu);
		}
		if (--p->active == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* pipe_init - a pipeline of jobs threads (the caller's among them) */
static void
pipe_init(struct pipeline *p, const struct emit *e, struct worker *w, int jobs)
{
	memset(p, 0, sizeof(*p));
	p->e = e;
	p->w = w;
	p->jobs = jobs;
	p->want = 16;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	pthread_cond_init(&p->rmoved, NULL);
}

/* pipe_go - wake the helpers (made at the first call) on new work */
static void
pipe_go(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->nth + 1 < p->jobs) {
		int t = p->nth + 1;
		p->share[t].p = p;
		p->share[t].t = t;
		if (pthread_create(&p->th[t], NULL, helper, &p->share[t]) != 0)
			break;	/* fewer helpers: the others take their share */
		p->nth = t;
	}
	p->gen++;
	p->active = p->nth;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
}

/* pipe_start - send the filled array to the threads; start filling the other */
static void
pipe_start(struct pipeline *p)
{
	size_t i;

	p->fslots = p->slots[p->cur];
	p->fn = p->nb;
	p->next = 0;
	p->busy = 1;
	for (i = 0; i < p->fn && p->buf[p->cur] != NULL; i++) {
		struct slot *sl = &p->fslots[i];
		if (!sl->readerr) {
			sl->data = p->buf[p->cur] + sl->off;
			sl->origin = p->buf[p->cur] + sl->ooff;
		}
	}
	pipe_go(p);
	p->cur ^= 1;
	p->nb = 0;
	p->bytes = 0;
	p->buflen = 0;
	if (p->want < BATCH)
		p->want *= 2;
}

/* pipe_wait - parse what is left of the batch in flight here, and wait for the helpers */
static void
pipe_wait(struct pipeline *p)
{
	run_share(p, 0);
	pthread_mutex_lock(&p->mu);
	while (p->active > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	p->busy = 0;
}

/* write_text - n formatted records' text (size bytes), after the *nrec already written */
static void
write_text(const struct emit *e, const char *text, size_t size, size_t n, size_t *nrec)
{
	if (size == 0)
		return;
	/* The first JSON object of the run has no comma before it. */
	if (e->fmt == FMT_JSON && *nrec == 0)
		cli_write(stdout, text + 1, size - 1);
	else
		cli_write(stdout, text, size);
	*nrec += n;
}

/* write_note - an error, after the records before it */
static void
write_note(const char *msg, int *status)
{
	fflush(stdout);
	cli_warn("%s", msg != NULL ? msg : "out of memory");
	*status = EXIT_INPUT;
}

/* write_slots - the output of parsed slots, in order */
static void
write_slots(const struct emit *e, struct slot *sls, size_t n, size_t *nrec, int *status)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct slot *sl = &sls[i];
		if (sl->readerr || sl->failed)
			write_note(sl->msg, status);
		else
			write_text(e, sl->out.ptr, sl->out.size, sl->nrec, nrec);
	}
}

/* pipe_finish - the batch in flight parsed and written */
static void
pipe_finish(struct pipeline *p, size_t *nrec, int *status)
{
	if (!p->busy)
		return;
	pipe_wait(p);
	write_slots(p->e, p->fslots, p->fn, nrec, status);
}

/* pipe_stop - the helpers told to quit and joined */
static void
pipe_stop(struct pipeline *p)
{
	int    t;
	size_t k;

	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (t = 1; t <= p->nth; t++)
		pthread_join(p->th[t], NULL);
	p->nth = 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->rmoved);
	for (k = 0; p->rs != NULL && k < p->rwin; k++) {
		kaeru_buf_dispose(&p->rs[k].out);
		free(p->rs[k].notes);
	}
	free(p->rs);
	p->rs = NULL;
}

/* write_range - a range's output, each of its errors where it fell */
static void
write_range(const struct emit *e, struct rslot *rs, size_t *nrec, int *status)
{
	size_t at = 0, n = 0, i;

	for (i = 0; i < rs->nnotes; i++) {
		struct note *no = &rs->notes[i];
		write_text(e, rs->out.ptr + at, no->at - at, no->nrec - n, nrec);
		write_note(no->msg, status);
		free(no->msg);
		at = no->at;
		n = no->nrec;
	}
	write_text(e, rs->out.ptr + at, rs->out.size - at, rs->nrec - n, nrec);
	rs->nnotes = 0;
}

/*
 * pipe_ranges - a large file (size bytes) split into ranges among the
 *	threads, each range's output written in order as soon as it is
 *	done (nothing else may be in flight). Returns -1 when out of memory.
 */
static int
pipe_ranges(struct pipeline *p, const char *path, const kaeru_reader_opts *ro, uint64_t size,
    size_t *nrec, int *status)
{
	size_t i;

	if (p->rs == NULL) {
		p->rwin = 2 * (size_t)p->jobs + 2;
		if ((p->rs = calloc(p->rwin, sizeof(*p->rs))) == NULL)
			return -1;
	}
	for (i = 0; i < p->rwin; i++)
		p->rs[i].done = 0;
	p->rpath = path;
	p->rro = *ro;
	p->rn = (size_t)((size + RANGE_BYTES - 1) / RANGE_BYTES);
	p->rnext = 0;
	p->rwritten = 0;
	pipe_go(p);
	pthread_mutex_lock(&p->mu);
	while (p->rwritten < p->rn) {
		struct rslot *rs = &p->rs[p->rwritten % p->rwin];

		if (rs->done) {
			pthread_mutex_unlock(&p->mu);
			write_range(p->e, rs, nrec, status);
			pthread_mutex_lock(&p->mu);
			rs->done = 0;
			p->rwritten++;
			pthread_cond_broadcast(&p->rmoved);
		} else if (!take_range(p, 0))
			pthread_cond_wait(&p->done, &p->mu);
	}
	while (p->active > 0)
		pthread_cond_wait(&p->done, &p->mu);
	p->rpath = NULL;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* pipe_flush - every mail read so far parsed and written */
static void
pipe_flush(struct pipeline *p, size_t *nrec, int *status)
{
	pipe_finish(p, nrec, status);
	if (p->nb > 0) {
		pipe_start(p);
		pipe_finish(p, nrec, status);
	}
}

/*
 * pipe_full - the array being filled is full: once the batch in flight
 *	is parsed, send this one to the helpers, then write the other's
 *	output while they start on it
 */
static void
pipe_full(struct pipeline *p, size_t *nrec, int *status)
{
	struct slot *done;
	size_t	     n;

	if (!p->busy) {
		pipe_start(p);
		return;
	}
	pipe_wait(p);
	done = p->fslots;
	n = p->fn;
	pipe_start(p);
	write_slots(p->e, done, n, nrec, status);
}

/* parse_here - one mail parsed where the reader holds it, on this thread */
static void
parse_here(const struct emit *e, struct worker *w, struct slot *view, size_t *nrec, int *status)
{
	view->out.size = 0;
	emit_mail(e, w, view);
	write_slots(e, view, 1, nrec, status);
}

/*
 * prefault - map in the whole pages of p[0..n) with one system call: the
 *	batch buffers are filled as soon as they grow, and a page faulted in
 *	on its first touch costs about 12 µs on the virtual machines we
 *	measure on (a 1 MiB buffer: 3 ms). Best effort: where
 *	MADV_POPULATE_WRITE is missing or refused, the pages fault as usual.
 */
static void
prefault(char *p, size_t n)
{
#if defined(MADV_POPULATE_WRITE)
	long	  ps = sysconf(_SC_PAGESIZE);
	uintptr_t a, e;

	if (ps <= 0)
		return;
	a = ((uintptr_t)p + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
	e = ((uintptr_t)p + n) & ~((uintptr_t)ps - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/*
 * slot_fill - the next slot of the array being filled gets a copy of a
 *	mail (or a reader error). The bytes go to the end of the array's
 *	buffer, which is reused batch after batch: its pages are touched
 *	once (a buffer per slot, grown to the largest mail it ever held,
 *	faulted in some 28 MB over a 100 MB mbox).
 */
static int
slot_fill(struct pipeline *p, const kaeru_mail *m, const char *err)
{
	struct slot *sl = &p->slots[p->cur][p->nb];
	const char  *o = m != NULL && m->origin != NULL ? m->origin : "";
	size_t	     ol = strlen(o), need;
	char	    *b;

	sl->readerr = err != NULL;
	sl->failed = 0;
	if (err != NULL) {
		slot_msg(sl, err, NULL);
		p->nb++;
		return 0;
	}
	need = p->buflen + m->len + 1 + ol + 1;
	if (need > p->bufcap[p->cur]) {
		size_t nc = p->bufcap[p->cur] * 2;
		if (nc < need)
			nc = need;
		if (nc < ((size_t)1 << 20))
			nc = (size_t)1 << 20;
		if ((b = realloc(p->buf[p->cur], nc)) == NULL)
			return -1;
		prefault(b + p->buflen, nc - p->buflen);
		p->buf[p->cur] = b;
		p->bufcap[p->cur] = nc;
	}
	b = p->buf[p->cur];
	sl->off = p->buflen;
	memcpy(b + sl->off, m->data, m->len);
	b[sl->off + m->len] = '\0';
	sl->ooff = sl->off + m->len + 1;
	memcpy(b + sl->ooff, o, ol + 1);
	p->buflen = need;
	sl->len = m->len;
	sl->truncated = m->truncated;
	p->nb++;
	return 0;
}

int
cmd_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "only", required_argument, NULL, 'o' },
		CLI_LIMIT_OPTIONS,
		{ "explain", no_argument, NULL, 'x' },
		{ "lang", required_argument, NULL, 'l' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-attachments", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct emit	  e = { FMT_JSONL, 0, 0, NULL };
	int		  c, i, t, status = 0, jobs = 0, piped = 0;
	size_t		  nrec = 0, k;
	kaeru_parse_opts  po = KAERU_PARSE_OPTS_INIT;
	kaeru_reader_opts ro = KAERU_READER_OPTS_INIT;
	struct worker	  w[64];
	struct slot	 *slots = NULL;	/* 2 * BATCH: the pipeline's two arrays */
	struct pipeline	  pl;
	kaeru_buf	  out = KAERU_BUF_INIT;
	struct table	  tab;

	memset(&tab, 0, sizeof(tab));
	memset(&pl, 0, sizeof(pl));
	memset(w, 0, sizeof(w));
	ro.skip_attachments = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:" CLI_LIMIT_SHORT "xl:j:kh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_format_opt(optarg, &e.fmt, "jsonl, json, csv, table") != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (strcmp(optarg, "bounces") != 0 && strcmp(optarg, "all") != 0) {
				cli_warn("--only takes \"bounces\" or \"all\"");
				return EXIT_USAGE;
			}
			e.only_bounces = strcmp(optarg, "bounces") == 0;
			break;
		case 'm':
		case 'D':
		case 'P':
		case 'H':
		case 'R':
			if (cli_limit_opt(c, optarg, &po, &ro) != 0)
				return EXIT_USAGE;
			break;
		case 'x':
			e.explain = 1;
			break;
		case 'l':
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "ja") != 0) {
				cli_warn("unknown language \"%s\" (en, ja)", optarg);
				return EXIT_USAGE;
			}
			e.lang = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 64) {
				cli_warn("--jobs wants a number from 1 to 64");
				return EXIT_USAGE;
			}
			jobs = (int)v;
			break;
		}
		case 'k':
			ro.skip_attachments = 0;
			break;
		case 'h':
			parse_help(stdout);
			return 0;
		default:
			parse_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		parse_usage(stderr);
		return EXIT_USAGE;
	}
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}
	if (e.fmt == FMT_TABLE)
		jobs = 1;	/* the table waits for every row anyway */
	if (e.lang == NULL)
		e.lang = cli_lang();
	/*
	 * Into a file or a pipe, records go out in 64 KiB writes rather than
	 * stdio's 4 KiB (a 100 MB mbox: 1,200 writes instead of 25,000); a
	 * terminal keeps its line buffering. glibc ignores the size unless
	 * it is given the buffer, and the buffer must outlive the process's
	 * last flush at exit: a static one (stdout is the process's anyway;
	 * a heap one shows as lost to valgrind once exit unhooks it).
	 */
	if (!isatty(STDOUT_FILENO)) {
		static char outbuf[(size_t)64 << 10];
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	}
	for (t = 0; t < jobs; t++)
		if (kaeru_parser_new(&w[t].p, &po) != 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_FAILURE_;
			goto done;
		}
	if ((slots = calloc(2 * BATCH, sizeof(*slots))) == NULL) {
		cli_warn("out of memory");
		status = EXIT_FAILURE_;
		goto done;
	}
	pipe_init(&pl, &e, w, jobs);
	piped = 1;
	pl.slots[0] = slots;
	pl.slots[1] = slots + BATCH;
	tab.ncols = e.explain ? NTABLE + 1 : NTABLE;
	if (e.fmt == FMT_CSV) {
		kaeru_record_csv_header(&out);
		if (e.explain && out.size >= 2) {
			cli_write(stdout, out.ptr, out.size - 2);	/* without CRLF */
			fputs(",explanation\r\n", stdout);
		} else
			cli_write(stdout, out.ptr, out.size);
	} else if (e.fmt == FMT_JSON)
		fputs("[", stdout);
	for (i = optind; i < argc; i++) {
		kaeru_reader *r;
		kaeru_mail    m;
		int	      rc;
		struct stat   st;

		if (jobs > 1 && e.fmt != FMT_TABLE && strcmp(argv[i], "-") != 0 &&
		    stat(argv[i], &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= RANGE_MIN &&
		    access(argv[i], R_OK) == 0 && !gzip_file(argv[i])) {
			/*
			 * A large file: its ranges are read by the threads
			 * themselves. (One that cannot be read goes the usual
			 * way, to be reported once rather than once a range.)
			 */
			pipe_flush(&pl, &nrec, &status);
			if (pipe_ranges(&pl, argv[i], &ro, (uint64_t)st.st_size, &nrec, &status) != 0) {
				cli_warn("out of memory");
				status = EXIT_FAILURE_;
			}
			continue;
		}
		if (kaeru_reader_open(&r, argv[i], &ro) != 0) {
			if (slot_fill(&pl, NULL, kaeru_error_last()) != 0)
				status = EXIT_FAILURE_;
			if (pl.nb >= pl.want)
				pipe_full(&pl, &nrec, &status);
			continue;
		}
		while ((rc = kaeru_reader_next(r, &m)) != 0) {
			if (e.fmt == FMT_TABLE && rc > 0) {
				/* One thread, straight into the table. */
				const kaeru_record *rec;
				size_t		    n;
				if (kaeru_parser_parse(w[0].p, m.data, m.len, m.origin, &rec, &n) != 0) {
					cli_warn("%s: %s", m.origin, kaeru_error_last());
					status = EXIT_INPUT;
					continue;
				}
				if (n == 0 && (m.truncated || kaeru_parser_truncated(w[0].p))) {
					cli_warn("%s: %s", m.origin, CLI_TRUNCATED_NONE);
					status = EXIT_INPUT;
					continue;
				}
				for (k = 0; k < n; k++) {
					kaeru_record rr = rec[k];
					if (e.only_bounces && rr.kind != KAERU_KIND_BOUNCE)
						continue;
					if (m.truncated)
						rr.flags |= KAERU_RECORD_TRUNCATED;
					if (e.explain)
						explanation_of(&rr, e.lang, &w[0].text);
					if (table_add(&tab, &rr, e.explain ? (w[0].text.ptr ? w[0].text.ptr : "") : NULL) != 0) {
						cli_warn("out of memory");
						status = EXIT_FAILURE_;
					}
				}
				continue;
			}
			if (e.fmt == FMT_TABLE) {
				cli_warn("%s", kaeru_error_last());
				status = EXIT_INPUT;
				continue;
			}
			if (rc > 0 && (jobs == 1 || m.len >= ((size_t)1 << 20))) {
				/*
				 * One thread, or a mail too large to be worth copying:
				 * parse the reader's bytes where they are, after the
				 * mails already waiting (the order stays).
				 */
				struct slot view;

				pipe_flush(&pl, &nrec, &status);
				memset(&view, 0, sizeof(view));
				view.data = (char *)(uintptr_t)m.data;
				view.len = m.len;
				view.origin = (char *)(uintptr_t)m.origin;
				view.truncated = m.truncated;
				view.out = slots[0].out;	/* nothing is in flight: borrow its buffer */
				parse_here(&e, w, &view, &nrec, &status);
				slots[0].out = view.out;
				free(view.msg);
				continue;
			}
			if (slot_fill(&pl, rc > 0 ? &m : NULL, rc > 0 ? NULL : kaeru_error_last()) != 0) {
				cli_warn("out of memory");
				status = EXIT_FAILURE_;
				continue;
			}
			pl.bytes += rc > 0 ? m.len : 0;
			if (pl.nb >= pl.want || pl.bytes >= BATCH_BYTES)
				pipe_full(&pl, &nrec, &status);
		}
		kaeru_reader_free(r);
	}
	pipe_flush(&pl, &nrec, &status);
	if (e.fmt == FMT_JSON)
		fputs(nrec ? "\n]\n" : "]\n", stdout);
	else if (e.fmt == FMT_TABLE)
		table_print(&tab);
done:
	if (piped)
		pipe_stop(&pl);
	kaeru_buf_dispose(&out);
	for (t = 0; t < 64; t++) {
		kaeru_parser_free(w[t].p);
		kaeru_reader_free(w[t].rd);
		kaeru_buf_dispose(&w[t].one);
		kaeru_buf_dispose(&w[t].text);
	}
	free(pl.buf[0]);
	free(pl.buf[1]);
	for (k = 0; slots != NULL && k < 2 * BATCH; k++) {
		free(slots[k].msg);
		kaeru_buf_dispose(&slots[k].out);
	}
	free(slots);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

/*
 * NAME
 *	reader - mails from files, directories, Maildirs, mboxes and stdin
 * DESCRIPTION
 *	A reader holds a queue of paths. A directory is expanded in name
 *	order when it is reached (a Maildir to its cur/ and new/, anything
 *	else to its entries, recursively), so memory follows the tree's
 *	width, not its size. A file that starts with "From " is an mbox and
 *	is streamed: one mail at a time is kept, split at "From " lines that
 *	follow an empty line (or start the file), with mboxrd quoting
 *	(">From ", ">>From ") undone. Other files and standard input are
 *	one mail each, read into the reader's own buffer: a file under
 *	256 KiB with one read() of its size plus a byte, a larger one in
 *	reads straight into a buffer of its size. (Mapping large files was
 *	tried and dropped: a file cut while its mail was held raised SIGBUS,
 *	and one written longer lost the NUL after the mail.) A
 *	file that its directory's listing says is regular (d_type) is not
 *	stat'ed: its size is guessed at 64 KiB and asked of the descriptor
 *	only when it is longer, so a Maildir file costs open, read and close
 *	(a stat is 1.8 µs here, a twelfth of a small file's whole cost).
 *	With skip_attachments,
 *	a file of 256 KiB or more and standard input are streamed through the
 *	elider instead (elide.h): the bodies of base64 attachments are never
 *	kept; so is a mail of an mbox from the point where it has filled
 *	EL_MBOX_MIN bytes of the buffer without its end found.
 *	Anything past max_mail_size is skipped and the mail flagged truncated.
 *
 *	A path that cannot be read makes kaeru_reader_next() return
 *	KAERU_EIO with the path and the system's reason in
 *	kaeru_error_last(); the next call goes on with the next path.
 */
#include <kaeru/reader.h>
#include <kaeru/parse.h>

#include "elide.h"
#include "gzip.h"
#include "../error.h"
#include "../../util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct kaeru_reader {
	char	      **queue;	/* paths still to read, a stack */
	unsigned char  *qreg;	/* for each: Q_LISTED, Q_NAMED or 0 (found in a tree, kind unknown) */
	size_t		nqueue;
	size_t		capqueue;
	size_t		maxsize;
	char	       *root;	/* origin for mails of an mbox */

	FILE	       *mbox;	/* mbox being streamed, or NULL */
	struct kgz     *gz;	/* the open stream's gzip state (gzip.h) while one is read, or NULL */
	char		pending[512];	/* a read error to report once the mails read before it are out */
	/*
	 * The directories read, so that a link back to one is not read
	 * again: an open-addressed hash set of capdirs slots (a power of
	 * two), ndirs used, a slot free while its used is 0.
	 */
	struct dirid {
		dev_t	dev;
		ino_t	ino;
		int	used;
	}	       *dirs;
	size_t		ndirs, capdirs;
	int		mbox_is_stdin;
	int		mbox_eof;
	char		nl;	/* the mbox's line end: '\n', or '\r' in an old Mac file; 0 until read */
	char	       *mboxpath;
	kstr		blk;	/* mbox bytes read and not yet handed out: [boff, blk.len) */
	char	       *held;	/* in blk: the byte after the last mail, made NUL, or NULL */
	char		heldc;	/* ... and what it was */
	size_t		boff;
	uint64_t	base;	/* the file offset of blk.p[0] */
	uint64_t	from;	/* the range: mails that start in [from, to) of their file */
	uint64_t	to;	/* 0: to the end */
	size_t		rsize;	/* kaeru_reader_opts.read_size, or 0: the sizes below */

	kstr		mail;	/* the current mail's bytes */
	char	       *origin;	/* the current mail's origin */

	int		skip;	/* skip_attachments: large mails go through el */
	kstr		eml;	/* a large mail of an mbox as the elider kept it (mbox_next()) */
	size_t		maxhdr;
	struct kelide  *el;	/* made at the first such mail */
	char	       *win;	/* its read window, EL_WIN bytes */
};

#define LARGE_MIN ((size_t)256 << 10)	/* files this large are read by read_all() or the elider */
#define EL_WIN	((size_t)256 << 10)	/* read window of a mail streamed through the elider */

/*
 * What the queue knows of a path: its directory's listing said it is a
 * regular file (it is then read without a stat first), or the caller
 * named it (a pipe or a device is then read as standard input is, where
 * one found in a tree is passed over).
 */
#define Q_LISTED 1
#define Q_NAMED	 2

/* push_typed - queue a copy of path, with what is known of it (Q_LISTED, Q_NAMED or 0) */
static int
push_typed(kaeru_reader *r, const char *path, int kind)
{
	char *d;

	if (r->nqueue == r->capqueue) {
		size_t	       ncap = r->capqueue ? r->capqueue * 2 : 16;
		char	     **nq = realloc(r->queue, ncap * sizeof(*nq));
		unsigned char *nr;

		if (nq == NULL)
			return -1;
		r->queue = nq;
		if ((nr = realloc(r->qreg, ncap)) == NULL)
			return -1;
		r->qreg = nr;
		r->capqueue = ncap;
	}
	if ((d = strdup(path)) == NULL)
		return -1;
	r->qreg[r->nqueue] = (unsigned char)kind;
	r->queue[r->nqueue++] = d;
	return 0;
}

/* push - queue a copy of path, its kind unknown */
static int
push(kaeru_reader *r, const char *path)
{
	return push_typed(r, path, 0);
}

/* set_opts - take opts (NULL: the defaults) for reading path */
static int
set_opts(kaeru_reader *r, const char *path, const kaeru_reader_opts *opts)
{
	if (opts != NULL && (opts->version < 1 || opts->version > KAERU_READER_OPTS_VERSION))
		return kerr_set(KAERU_EVERSION, "kaeru_reader_opts version %u, want 1 to %u",
		    opts->version, KAERU_READER_OPTS_VERSION);
	r->maxsize = opts && opts->max_mail_size ? opts->max_mail_size : KAERU_DEFAULT_MAX_MAIL_SIZE;
	r->skip = 0;
	r->maxhdr = 0;
	r->from = r->to = 0;
	r->rsize = opts != NULL && opts->version >= 4 ? opts->read_size : 0;
	if (opts != NULL && opts->version >= 2) {
		r->skip = opts->skip_attachments != 0;
		r->maxhdr = opts->max_header_len;
	}
	if (opts != NULL && opts->version >= 3) {
		if (opts->range_to != 0 && opts->range_to <= opts->range_from)
			return kerr_set(KAERU_EINVAL, "kaeru_reader_open: empty range [%llu, %llu)",
			    (unsigned long long)opts->range_from, (unsigned long long)opts->range_to);
		if ((opts->range_from != 0 || opts->range_to != 0) && strcmp(path, "-") == 0)
			return kerr_set(KAERU_EINVAL, "kaeru_reader_open: a range needs a file, not standard input");
		r->from = opts->range_from;
		r->to = opts->range_to;
	}
	if (r->el != NULL && r->el->maxhdr != (r->maxhdr ? r->maxhdr : KAERU_DEFAULT_MAX_HEADER_LEN)) {
		kel_dispose(r->el);
		free(r->el);
		r->el = NULL;	/* made again, for the new header limit, when needed */
	}
	return 0;
}

int
kaeru_reader_open(kaeru_reader **out, const char *path, const kaeru_reader_opts *opts)
{
	kaeru_reader *r;
	int	      rc;

	if (out == NULL || path == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_reader_open: NULL argument");
	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	ks_init(&r->mail);
	ks_init(&r->eml);
	ks_init(&r->blk);
	if ((rc = set_opts(r, path, opts)) != 0) {
		free(r);
		return rc;
	}
	if (push_typed(r, path, Q_NAMED) != 0) {
		free(r);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

/* read_error - why the open stream's last read failed: gzip's reason, else errno's */
static const char *
read_error(const kaeru_reader *r)
{
	return kgz_error(r->gz) != NULL ? kgz_error(r->gz) : strerror(errno);
}

static void
close_mbox(kaeru_reader *r)
{
	if (r->mbox != NULL && !r->mbox_is_stdin)
		fclose(r->mbox);
	r->mbox = NULL;
	r->gz = NULL;	/* freed with its stream */
	r->mbox_eof = 0;
	r->nl = 0;
	free(r->mboxpath);
	r->mboxpath = NULL;
	ks_clear(&r->blk);
	r->held = NULL;
	r->boff = 0;
	r->base = 0;
}

int
kaeru_reader_reopen(kaeru_reader *r, const char *path, const kaeru_reader_opts *opts)
{
	size_t i;
	int    rc;

	if (r == NULL || path == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_reader_reopen: NULL argument");
	close_mbox(r);
	for (i = 0; i < r->nqueue; i++)
		free(r->queue[i]);
	r->nqueue = 0;
	r->pending[0] = '\0';	/* an error of the last file is not this one's */
	r->ndirs = 0;
	if (r->dirs != NULL)
		memset(r->dirs, 0, r->capdirs * sizeof(*r->dirs));
	if ((rc = set_opts(r, path, opts)) != 0)
		return rc;
	if (push_typed(r, path, Q_NAMED) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	return 0;
}

void
kaeru_reader_free(kaeru_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	close_mbox(r);
	for (i = 0; i < r->nqueue; i++)
		free(r->queue[i]);
	free(r->queue);
	free(r->qreg);
	free(r->dirs);
	ks_dispose(&r->blk);
	free(r->origin);
	ks_dispose(&r->mail);
	ks_dispose(&r->eml);
	if (r->el != NULL) {
		kel_dispose(r->el);
		free(r->el);
	}
	free(r->win);
	free(r);
}

/* A directory's entry: its path, and whether the listing says it is a regular file. */
struct entry {
	char *path;
	int   reg;
};

static int
cmpentry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* dir_slot - the slot of (dev, ino) in a set of cap slots: its own, or the free one where it would go */
static struct dirid *
dir_slot(struct dirid *set, size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino ^ (uint64_t)dev * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
	size_t	 i = (size_t)(h >> 32) & (cap - 1);

	while (set[i].used && (set[i].dev != dev || set[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &set[i];
}

/*
 * first_visit - 1 the first time the directory st is met (then noted), 0
 *	after, -1 on ENOMEM. A symbolic link to a directory above (ln -s .
 *	loop) made the reader descend until the kernel refused the path,
 *	reading every mail forty times over. A hash set: a tree of n
 *	directories costs O(n), where a list cost O(n^2).
 */
static int
first_visit(kaeru_reader *r, const struct stat *st)
{
	struct dirid *d;
	size_t	      i;

	if (r->capdirs > 0 && (d = dir_slot(r->dirs, r->capdirs, st->st_dev, st->st_ino))->used)
		return 0;
	if (2 * (r->ndirs + 1) > r->capdirs) {
		size_t	      ncap = r->capdirs ? r->capdirs * 2 : 64;
		struct dirid *nd = calloc(ncap, sizeof(*nd));
		if (nd == NULL)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		for (i = 0; i < r->capdirs; i++)
			if (r->dirs[i].used)
				*dir_slot(nd, ncap, r->dirs[i].dev, r->dirs[i].ino) = r->dirs[i];
		free(r->dirs);
		r->dirs = nd;
		r->capdirs = ncap;
	}
	d = dir_slot(r->dirs, r->capdirs, st->st_dev, st->st_ino);
	d->dev = st->st_dev;
	d->ino = st->st_ino;
	d->used = 1;
	r->ndirs++;
	return 1;
}

/* expand - queue the entries of a directory (reverse order: the queue is a stack) */
static int
expand(kaeru_reader *r, const char *dir)
{
	DIR	      *d;
	struct dirent *e;
	struct entry  *names = NULL;
	size_t	       n = 0, cap = 0, i;
	struct stat    st;
	char	       sub[4096];
	int	       maildir = 0;

	if (strlen(dir) + 5 > sizeof(sub))
		return kerr_set(KAERU_EIO, "%.200s...: path too long", dir);
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		maildir = 1;
	snprintf(sub, sizeof(sub), "%s/new", dir);
	if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		maildir = 1;
	if (maildir) {
		/* new/ after cur/: pushed first so that it pops last */
		snprintf(sub, sizeof(sub), "%s/new", dir);
		if (stat(sub, &st) == 0 && push(r, sub) != 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		snprintf(sub, sizeof(sub), "%s/cur", dir);
		if (stat(sub, &st) == 0 && push(r, sub) != 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		return 0;
	}
	if ((d = opendir(dir)) == NULL)
		return kerr_set(KAERU_EIO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;	/* ".", "..", and hidden files (Maildir's .tmp) */
		if (n == cap) {
			size_t	      ncap = cap ? cap * 2 : 64;
			struct entry *nn = realloc(names, ncap * sizeof(*nn));
			if (nn == NULL)
				goto nomem;
			names = nn;
			cap = ncap;
		}
		{
			size_t dl = strlen(dir), el = strlen(e->d_name);
			while (dl > 1 && dir[dl - 1] == '/')
				dl--;
			if ((names[n].path = malloc(dl + el + 2)) == NULL)
				goto nomem;
			memcpy(names[n].path, dir, dl);
			names[n].path[dl] = '/';
			memcpy(names[n].path + dl + 1, e->d_name, el + 1);
#if defined(DT_REG)
			names[n].reg = e->d_type == DT_REG;
#else
			names[n].reg = 0;
#endif
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpentry);
	for (i = n; i > 0; i--)
		if (push_typed(r, names[i - 1].path, names[i - 1].reg ? Q_LISTED : 0) != 0) {
			d = NULL;
			goto nomem;
		}
	for (i = 0; i < n; i++)
		free(names[i].path);
	free(names);
	return 0;
nomem:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i].path);
	free(names);
	return kerr_set(KAERU_ENOMEM, "out of memory");
}

/* set_origin - remember the origin string of the current mail */
static int
set_origin(kaeru_reader *r, const char *o)
{
	char *d = strdup(o);

	if (d == NULL)
		return -1;
	free(r->origin);
	r->origin = d;
	return 0;
}

/*
 * 256 KiB a read: a chunk's mails are parsed while the chunk is still in
 * this core's L2 (1 MiB here); 1 MiB reads were 2.5% slower end to end
 * (bench/README, eleventh session).
 */
#define MBOX_CHUNK	((size_t)256 << 10)	/* bytes per read of an mbox */
#define MBOX_FIRST	((size_t)64 << 10)	/* ... and of its first read */
#define MBOX_TAIL	((size_t)16 << 10)	/* ... and of one at the end of a range */

/*
 * line_end - an mbox's line end, from its first bytes b[0..n): '\r' when
 *	they hold a CR and no LF (old Mac files, whose From_ lines follow a
 *	CR), else '\n'
 */
static char
line_end(const char *b, size_t n)
{
	return memchr(b, '\n', n) == NULL && memchr(b, '\r', n) != NULL ? '\r' : '\n';
}

/*
 * probe_line_end - line_end() of the bytes the usual first read would
 *	hold (the held ones and MBOX_FIRST more), read anew with pread(),
 *	so that a read_size does not change the line end; 0 when they
 *	cannot be read
 */
static char
probe_line_end(kaeru_reader *r)
{
	size_t	n = r->blk.len + MBOX_FIRST;
	char   *b = malloc(n);
	ssize_t k;
	char	nl = 0;

	if (b == NULL)
		return 0;
	if ((k = pread(fileno(r->mbox), b, n, (off_t)r->base)) > 0)
		nl = line_end(b, (size_t)k);
	free(b);
	return nl;
}

/*
 * mbox_fill - read the next chunk of the mbox after the held bytes
 *	Consumed bytes are dropped first, so the buffer holds one mail and
 *	a chunk at most. Returns the bytes read (0 at the end), -1 on error.
 */
static ssize_t
mbox_fill(kaeru_reader *r)
{
	size_t	 k, want, tail;
	uint64_t at;

	if (r->mbox_eof)
		return 0;
	if (r->boff > 0) {
		size_t keep = r->blk.len - r->boff;
		memmove(r->blk.p, r->blk.p + r->boff, keep);
		r->blk.len = keep;
		r->base += r->boff;
		r->boff = 0;
	}
	/*
	 * The first read is small: many mboxes are (a mail saved as one).
	 * In a range, reads stop near its end, and one past it only
	 * finishes the last mail.
	 */
	at = r->base + r->blk.len;
	tail = r->rsize ? r->rsize : MBOX_TAIL;
	want = r->rsize ? r->rsize : MBOX_CHUNK;
	if (r->nl == 0)
		want = r->rsize ? r->rsize : MBOX_FIRST;
	else if (r->to != 0 && at >= r->to)
		want = tail;
	else if (r->to != 0 && r->to - at < want)
		want = r->to - at > tail ? (size_t)(r->to - at) : tail;
	if (ks_reserve(&r->blk, want) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	k = fread(r->blk.p + r->blk.len, 1, want, r->mbox);
	if (r->nl == 0 && r->rsize != 0 && !r->mbox_is_stdin)
		r->nl = probe_line_end(r);
	if (r->nl == 0)
		r->nl = line_end(r->blk.p, r->blk.len + k);
	r->blk.len += k;
	r->blk.p[r->blk.len] = '\0';
	if (k < want) {
		/*
		 * A read that fails (a disk error, gzip data cut short) ends
		 * the mbox there: the mails before it are still handed out,
		 * the last one marked truncated, and then the error.
		 */
		if (ferror(r->mbox))
			snprintf(r->pending, sizeof(r->pending), "%s: %s (the mails before it were read)",
			    r->mboxpath ? r->mboxpath : "-", read_error(r));
		r->mbox_eof = 1;
	}
	return (ssize_t)k;
}

/*
 * strict_from - does the line at l (up to end) read like a real From_
 *	line: "From " SENDER, blanks, a weekday, and a time on the line
 *	("From MAILER-DAEMON Thu Jul  2 12:05:05 2020"). Such a line ends
 *	the mail before it even without an empty line in between, as in
 *	mailboxes concatenated by hand; prose never has this shape.
 */
#define FROM_LINE_MAX 4096	/* strict_from() reads no further into a line */

static int
strict_from(const char *l, const char *end, char nl)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	const char *q = l + 5, *e;
	size_t	    i;

	if (end - l > FROM_LINE_MAX)
		end = l + FROM_LINE_MAX;
	if ((e = memchr(l, nl, (size_t)(end - l))) == NULL)
		e = end;
	if (q >= e || *q == ' ')
		return 0;
	while (q < e && *q != ' ' && *q != '\t')
		q++;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (e - q < 3)
		return 0;
	for (i = 0; i < 21; i += 3)
		if (memcmp(q, days + i, 3) == 0)
			break;
	if (i == 21)
		return 0;
	for (q += 3; q + 3 < e; q++)
		if (k_isdigit((unsigned char)q[0]) && q[1] == ':' &&
		    k_isdigit((unsigned char)q[2]) && k_isdigit((unsigned char)q[3]))
			return 1;
	return 0;
}

/*
 * next_from - offset in p[0..n) of the next From_ line that starts a mail
 *	(one that follows an empty line, or a strict_from() one), searching
 *	from off; or n. k_memmem() finds "From " by its 'F' and its space
 *	together, sixteen or thirty-two bytes at a time (a search for 'F'
 *	alone stopped at every "From:" and "Final-Recipient:"), and the same
 *	pass sets *quoted when it passes a ">From " line (any number of
 *	'>') that mboxrd quoting will have to undo.
 *	When more bytes may follow (more), a From_ line with no blank line
 *	before it that strict_from() cannot judge yet (its line, or the
 *	first FROM_LINE_MAX bytes of it, not all in p) stops the search:
 *	it returns n and *pending is that line's offset (else n), so that
 *	where the reader's chunks fall never changes where mails end.
 */
static size_t
next_from(const char *p, size_t n, size_t off, char nl, int more, int *quoted, size_t *pending)
{
	const char *q = p + off, *end = p + n;

	*pending = n;
	while (q < end && (q = k_memmem(q, (size_t)(end - q), "From ", 5)) != NULL) {
		const char *t = q;

		while (t > p && t[-1] == '>')
			t--;
		if (t < q) {
			/* p is always the start of a line (of a mail). */
			if (t == p || t[-1] == nl)
				*quoted = 1;
		} else if (q > p + off && q[-1] == nl) {
			const char *e = q - 1;	/* the newline before */
			if ((e > p && e[-1] == nl) || (e - p >= 2 && e[-1] == '\r' && e[-2] == '\n') ||
			    strict_from(q, end, nl))
				return (size_t)(q - p);
			if (more && end - q < FROM_LINE_MAX && memchr(q, nl, (size_t)(end - q)) == NULL) {
				*pending = (size_t)(q - p);
				return n;
			}
		}
		q++;
	}
	return n;
}

/*
 * unquote - copy a mail into r->mail with mboxrd quoting undone:
 *	">From " and ">>From " lose one '>'
 *	Only lines that start with '>' can change: the text between them is
 *	copied in one piece (a mail cut at the size limit is copied here
 *	whole, quoted or not).
 */
static void
unquote(kaeru_reader *r, const char *p, size_t n, char nl)
{
	const char *end = p + n;
	const char  mark[2] = { nl, '>' };

	ks_clear(&r->mail);
	if (ks_reserve(&r->mail, n + 1) != 0)
		return;
	while (p < end) {
		/* p starts a line: the next line that starts with '>' (past the newline found). */
		const char *q = *p == '>' ? p : k_memmem(p, (size_t)(end - p), mark, 2);
		const char *e;
		size_t	    len, k = 0;

		if (q == NULL)
			q = end;
		else if (q != p)
			q++;
		ks_add(&r->mail, p, (size_t)(q - p));
		if ((p = q) == end)
			break;
		e = memchr(p, nl, (size_t)(end - p));
		len = e ? (size_t)(e - p) + 1 : (size_t)(end - p);
		if (len > 5) {
			while (k < len && p[k] == '>')
				k++;
			if (len - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
				p++;
				len--;
			}
		}
		ks_add(&r->mail, p, len);
		p += len;
	}
}

/*
 * A mail of an mbox that has grown past this many bytes in the buffer
 * without its end in sight is streamed through the elider (with
 * skip_attachments), so that memory stays bounded over a mbox that holds
 * a 60 MB bounce. Four reads' worth: small read sizes (the tests') make
 * every mail longer than a few bytes go this way.
 */
#define EL_MBOX_MIN(r) ((r)->rsize ? 4 * (r)->rsize : (size_t)1 << 20)

/* el_ready - the elider, made at the first mail that needs it; -1 on ENOMEM */
static int
el_ready(kaeru_reader *r)
{
	if (r->el == NULL) {
		if ((r->el = malloc(sizeof(*r->el))) == NULL)
			return -1;
		kel_init(r->el, r->maxhdr);
	}
	return 0;
}

/*
 * elide_begin - start streaming the mail at r->boff through the elider
 *	into r->eml (its From_ line too: the elider passes over one as
 *	km_parse() does). Returns 1 when started, 0 for an old Mac mbox,
 *	whose CR lines the elider does not follow, -1 on ENOMEM.
 */
static int
elide_begin(kaeru_reader *r)
{
	if (r->nl != '\n')
		return 0;
	if (el_ready(r) != 0)
		return -1;
	ks_clear(&r->eml);
	kel_begin(r->el, &r->eml);
	return 1;
}

/*
 * elide_feed - give the elider the whole lines of r->blk from r->boff to
 *	upto (eof: everything up to it), within the size limit (consumed:
 *	the mail's bytes given so far); r->boff moves past what it took.
 *	Returns 1 when the limit was reached (the rest of the mail is to be
 *	skipped), else 0.
 */
static int
elide_feed(kaeru_reader *r, size_t upto, int eof, size_t *consumed)
{
	size_t give, used;
	int    limit = 0;

	if (upto <= r->boff)
		return 0;
	give = upto - r->boff;
	if (give >= r->maxsize - *consumed) {
		give = r->maxsize - *consumed;
		limit = eof = 1;
	}
	used = kel_feed(r->el, &r->eml, r->blk.p + r->boff, give, eof);
	if (used == 0 && give >= EL_WIN) {
		/* One line longer than the window: the rest is kept as it is (kel_stream() does so). */
		kel_off(r->el);
		used = kel_feed(r->el, &r->eml, r->blk.p + r->boff, give, eof);
	}
	r->boff += used;
	*consumed += used;
	return limit;
}

/*
 * mbox_next - the next mail of the open mbox
 *	The mbox is read in large chunks; a mail is handed out where it
 *	lies in the buffer, copied only to undo ">From " quoting or to cut
 *	it at the size limit. Returns 1 with *data, *len set, 0 at the end
 *	of the mbox, <0 on error.
 */
static int
mbox_next(kaeru_reader *r, const char **data, size_t *len, int *truncated)
{
	size_t	 start, end, scan, pend, edge, upto, consumed = 0;
	uint64_t mstart;
	int	 cut = 0, quoted = 0, elide = 0, limit = 0;

	*truncated = 0;
	if (r->held != NULL) {
		*r->held = r->heldc;	/* the byte the last mail's NUL stood on */
		r->held = NULL;
	}
	if (r->to != 0 && r->base + r->boff >= r->to)
		return 0;	/* the range ends before this mail */
	if (r->blk.len == r->boff && mbox_fill(r) < 0)
		return -1;
	if (r->blk.len == r->boff)
		return 0;
	mstart = r->base + r->boff;
	scan = r->boff + 1;	/* the mail's own From_ line is not its end */
	for (;;) {
		end = next_from(r->blk.p, r->blk.len, scan, r->nl, !r->mbox_eof, &quoted, &pend);
		if (end < r->blk.len || r->mbox_eof)
			break;
		/*
		 * Not in the buffer yet. A long mail goes through the elider
		 * from here on (its whole lines below the search's edge: the
		 * bytes just before a From_ line still to be judged stay, as
		 * next_from() looks back at them), or, without
		 * skip_attachments, past the limit: keep the head and skip
		 * the rest.
		 */
		edge = pend < r->blk.len ? pend : r->blk.len > 8 ? r->blk.len - 8 : 0;
		upto = edge > r->boff + 4 ? edge - 4 : r->boff;
		if (r->skip && !cut && !elide && r->blk.len - r->boff > EL_MBOX_MIN(r) &&
		    (elide = elide_begin(r)) < 0)
			return kerr_set(KAERU_ENOMEM, "out of memory");
		if (elide) {
			if (limit) {
				if (upto > r->boff)
					r->boff = upto;		/* past the limit: skipped */
			} else {
				limit = elide_feed(r, upto, 0, &consumed);
				if (!ks_ok(&r->eml))
					return kerr_set(KAERU_ENOMEM, "out of memory");
			}
		} else if (r->blk.len - r->boff > r->maxsize + 8) {
			if (!cut) {
				unquote(r, r->blk.p + r->boff, r->maxsize, r->nl);
				if (!ks_ok(&r->mail))
					return kerr_set(KAERU_ENOMEM, "out of memory");
				cut = 1;
			}
			/* Keep the last bytes: a separator may straddle the chunks. */
			r->boff = r->blk.len - 8;
		}
		scan = r->blk.len > 8 ? r->blk.len - 8 : 0;
		/*
		 * Judge that From_ line again, whole: next_from() looks after
		 * scan, so scan must fall before it, also when it starts just
		 * there, eight bytes before the end read (a glued mbox lost a
		 * mail at every such line).
		 */
		if (pend <= scan && pend > r->boff)
			scan = pend - 1;
		start = r->boff;
		/*
		 * A mail that starts in the last eight bytes read is searched
		 * from its start: scan must not fall below it, or the move
		 * below takes it under zero (a search from before the buffer).
		 */
		if (scan < start)
			scan = start;
		if (mbox_fill(r) < 0)
			return -1;
		scan -= start - r->boff;	/* the buffer moved down */
		if (scan < r->boff + 1)
			scan = r->boff + 1;
	}
	if (elide) {
		/* The rest of a streamed mail, then ">From " unquoted from what was kept. */
		if (!limit)
			elide_feed(r, end, 1, &consumed);
		r->boff = end;
		if ((r->pending[0] != '\0' && end == r->blk.len) || r->base + end - mstart > r->maxsize)
			*truncated = 1;
		if (!ks_ok(&r->eml))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		if (quoted) {
			unquote(r, r->eml.p, r->eml.len, r->nl);
			if (!ks_ok(&r->mail))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			*data = ks_str(&r->mail);
			*len = r->mail.len;
		} else {
			*data = ks_str(&r->eml);
			*len = r->eml.len;
		}
		return 1;
	}
	start = r->boff;
	r->boff = end;
	if (r->pending[0] != '\0' && end == r->blk.len)
		*truncated = 1;	/* cut by the read error */
	if (cut) {
		*truncated = 1;
		*data = ks_str(&r->mail);
		*len = r->mail.len;
		return 1;
	}
	if (end - start > r->maxsize) {
		*truncated = 1;
		end = start + r->maxsize;
	}
	if (quoted) {
		unquote(r, r->blk.p + start, end - start, r->nl);
		if (!ks_ok(&r->mail))
			return kerr_set(KAERU_ENOMEM, "out of memory");
		*data = ks_str(&r->mail);
		*len = r->mail.len;
		return 1;
	}
	/*
	 * Handed out as a C string too: the byte after the mail (the next
	 * From_ line's "F", or the buffer's own NUL) becomes NUL until the
	 * next call puts it back.
	 */
	r->held = r->blk.p + end;
	r->heldc = *r->held;
	*r->held = '\0';
	*data = r->blk.p + start;
	*len = end - start;
	return 1;
}

/*
 * mbox_start - the open mbox made to start at the first mail whose From_
 *	line begins at or after the range's start (r->from), as a reader
 *	of the whole file would have split it: the line end is decided as
 *	line_end() decides it from the first chunk (a newline in the first
 *	4 KiB settles it without reading that chunk), then the file is read
 *	from three bytes before r->from (what next_from() looks back at).
 */
static int
mbox_start(kaeru_reader *r)
{
	uint64_t from = r->from, scan;
	size_t	 end, pend;
	int	 quoted = 0;

	if (from == 0)
		return 0;
	if (r->nl == 0) {
		/* A newline in the first 4 KiB settles it; else the first chunk as always. */
		char	probe[4096];
		ssize_t k = pread(fileno(r->mbox), probe, sizeof(probe), 0);
		if (k > 0 && memchr(probe, '\n', (size_t)k) != NULL)
			r->nl = '\n';
		else if (mbox_fill(r) < 0)
			return -1;
	}
	if (from > r->base + r->blk.len && !r->mbox_eof) {
		uint64_t at = from < 3 ? 0 : from - 3;
		if (fseeko(r->mbox, (off_t)at, SEEK_SET) != 0)
			return kerr_set(KAERU_EIO, "%s: %s", r->mboxpath, strerror(errno));
		r->blk.len = 0;
		r->boff = 0;
		r->base = at;
	}
	scan = from - 1;	/* next_from() wants a From_ line after p + off */
	for (;;) {
		size_t off = scan > r->base ? (size_t)(scan - r->base) : 0;

		if (off >= r->blk.len && r->mbox_eof) {
			r->boff = r->blk.len;
			return 0;
		}
		end = off < r->blk.len ? next_from(r->blk.p, r->blk.len, off, r->nl, !r->mbox_eof, &quoted, &pend) :
		    (pend = r->blk.len);
		if (end < r->blk.len || r->mbox_eof) {
			r->boff = end;
			return 0;
		}
		if (r->to != 0 && r->base + r->blk.len >= r->to + 8 && !(pend < r->blk.len && r->base + pend < r->to)) {
			/*
			 * Every From_ line that could start in [from, to) was
			 * judged, and none does: the range lies inside one mail
			 * and holds none. (Reading on to that mail's end made
			 * the ranges inside a large mail cost its size each.)
			 */
			r->boff = r->blk.len;
			return 0;
		}
		/*
		 * Read on, keeping the bytes a From_ line there may still need.
		 * A From_ line left to judge whole stays where the search
		 * resumes, even when scan already stands just before it (moving
		 * on to eight bytes before the end skipped it).
		 */
		if (pend < r->blk.len && pend > 0) {
			if (r->base + pend - 1 > scan)
				scan = r->base + pend - 1;
		} else if (r->blk.len > 8 && r->base + r->blk.len - 8 > scan)
			scan = r->base + r->blk.len - 8;
		r->boff = scan >= r->base + 3 ? (size_t)(scan - 3 - r->base) : 0;
		if (r->boff > r->blk.len)
			r->boff = r->blk.len;
		if (mbox_fill(r) < 0)
			return -1;
	}
}

/*
 * advise_huge - ask for huge pages over the whole 2 MiB pages of a buffer
 *	not yet written: a 15 MB mail read into 4 KiB pages took 3,700 page
 *	faults, which cost more here (a virtual machine) than reading it
 */
static void
advise_huge(char *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t	a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/*
 * drains - must what follows the size limit in f be read to its end?
 *	Only from a pipe, a terminal or a socket: a writer whose reader
 *	stops early is killed by SIGPIPE (`cat big.eml | kaeru parse`
 *	would end with cat's "Broken pipe"). A regular file is closed where
 *	the limit cut it: one byte more tells that it was cut, where reading
 *	the rest of a 2 GB file 4 KB at a time only cost time. A stream with
 *	no descriptor (gzip's) drains, as its source may be a pipe.
 */
static int
drains(FILE *f)
{
	struct stat st;
	int	    fd = fileno(f);

	return fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode);
}

/* read_all - the rest of stream f (after prefix) into r->mail, capped */
static int
read_all(kaeru_reader *r, FILE *f, const char *prefix, size_t pn, int *truncated, const char *path)
{
	struct stat st;
	size_t	    step = (size_t)64 << 10;
	char	    rest[4096];

	ks_clear(&r->mail);
	*truncated = 0;
	/*
	 * A regular file tells its size: one allocation, no regrowth, and a
	 * byte more than it said asked for, so that its end is a short read.
	 */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		step = ((size_t)st.st_size < r->maxsize ? (size_t)st.st_size : r->maxsize) + 1;
	ks_add(&r->mail, prefix, pn < r->maxsize ? pn : r->maxsize);
	*truncated = pn > r->maxsize;
	/* Read straight into the buffer, up to max_mail_size. */
	while (!*truncated && ks_ok(&r->mail)) {
		size_t room = r->maxsize - r->mail.len, want, k;

		if (room == 0) {
			/* At the limit: anything more is skipped, not kept. */
			if (!drains(f))
				*truncated = getc(f) != EOF;
			else
				while ((k = fread(rest, 1, sizeof(rest), f)) > 0)
					*truncated = 1;
			break;
		}
		if (ks_reserve(&r->mail, step < room ? step : room) != 0)
			break;
		advise_huge(r->mail.p + r->mail.len, r->mail.cap - r->mail.len);
		want = r->mail.cap - r->mail.len - 1;
		if (want > room)
			want = room;
		k = fread(r->mail.p + r->mail.len, 1, want, f);
		r->mail.len += k;
		r->mail.p[r->mail.len] = '\0';
		if (k < want)
			break;	/* the end, or an error (below) */
		step = (size_t)64 << 10;	/* longer than it said, or a stream: ks_reserve() doubles */
	}
	if (ferror(f)) {
		/* What was read is handed out, cut; the error comes next. */
		snprintf(r->pending, sizeof(r->pending), "%s: %s (the mail was read up to it)", path, read_error(r));
		*truncated = 1;
	}
	if (!ks_ok(&r->mail))
		return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
	return 0;
}

/* What read_elided() fills the elider's window from. */
struct elsrc {
	FILE	   *f;
	const char *prefix;	/* bytes already read from f, given first */
	size_t	    pn;
	size_t	    left;	/* bytes still allowed by max_mail_size */
	int	    truncated;	/* the limit cut the mail */
	int	    drain;	/* past the limit, read f to its end (drains()) */
};

/* el_fill - up to n bytes of the mail: the prefix, then f, within the limit */
static size_t
el_fill(void *arg, char *buf, size_t n)
{
	struct elsrc *c = arg;
	size_t	      k;

	if (n > c->left)
		n = c->left;
	k = c->pn < n ? c->pn : n;
	memcpy(buf, c->prefix, k);
	c->prefix += k;
	c->pn -= k;
	if (k < n)
		k += fread(buf + k, 1, n - k, c->f);
	c->left -= k;
	if (c->left == 0 && !c->truncated && getc(c->f) != EOF) {
		/* The limit: whatever follows is skipped, and said so. */
		char skip[4096];

		c->truncated = 1;
		while (c->drain && fread(skip, 1, sizeof(skip), c->f) > 0)
			;
	}
	return k;
}

/*
 * read_elided - a mail from f (prefix[0..pn) already read from it) into
 *	r->mail through the elider, up to max_mail_size bytes read: the
 *	bytes pass through a window of EL_WIN bytes, and only what the
 *	elider keeps is stored.
 */
static int
read_elided(kaeru_reader *r, FILE *f, const char *prefix, size_t pn, int *truncated, const char *path)
{
	struct elsrc src = { f, prefix, pn, r->maxsize, 0, drains(f) };

	if (el_ready(r) != 0)
		return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
	if (r->win == NULL && (r->win = malloc(EL_WIN)) == NULL)
		return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
	ks_clear(&r->mail);
	kel_stream(r->el, &r->mail, r->win, EL_WIN, el_fill, &src);
	*truncated = src.truncated;
	if (ferror(f)) {
		snprintf(r->pending, sizeof(r->pending), "%s: %s (the mail was read up to it)", path, read_error(r));
		*truncated = 1;
	}
	if (!ks_ok(&r->mail))
		return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
	if (ks_reserve(&r->mail, 1) == 0)
		r->mail.p[r->mail.len] = '\0';
	return 0;
}

#define SMALL_GUESS ((size_t)64 << 10)	/* a listed file's size, until it is known */

/*
 * read_small - a regular file under LARGE_MIN bytes, st its stat: read
 *	into r->mail with the file's own descriptor, asking once for one
 *	byte more than its size (a short read of a regular file is its end),
 *	so that a Maildir file costs open, read and close. With st NULL (a
 *	file its directory's listing says is regular) the size is guessed
 *	(SMALL_GUESS) and asked of the descriptor only when the file is
 *	longer: no stat for the usual Maildir file. An mbox found this way
 *	keeps its descriptor as the stream and its bytes as the first
 *	chunk. Returns 1 with a mail in r->mail, 0 when it became the open
 *	mbox, 2 when (st NULL) the file is not a small regular one after
 *	all, 3 when it is compressed (to be read as a stream), <0 on error.
 */
static int
read_small(kaeru_reader *r, const char *path, const struct stat *st, int *truncated)
{
	struct stat own;
	size_t	    want = (st != NULL ? (size_t)st->st_size : SMALL_GUESS) + 1, got = 0;
	/* O_NONBLOCK: a listed file replaced by a fifo since must not hang the run. */
	int	    fd = open(path, O_RDONLY | O_CLOEXEC | (st == NULL ? O_NONBLOCK : 0));

	*truncated = 0;
	if (fd < 0)
		return kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
	ks_clear(&r->mail);
	for (;;) {
		ssize_t k;

		if (ks_reserve(&r->mail, want - got) != 0) {
			close(fd);
			return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
		}
		k = read(fd, r->mail.p + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			return kerr_set(KAERU_EIO, "%s: %s", path, strerror(e));
		}
		got += (size_t)k;
		r->mail.len = got;
		if (k == 0 || got < want)
			break;
		if (st == NULL) {
			/*
			 * Longer than the guess: its own size decides, before the
			 * size limit may cut it (a large file goes the usual way,
			 * through the elider when skip_attachments is on).
			 */
			if (fstat(fd, &own) != 0 || !S_ISREG(own.st_mode) || (size_t)own.st_size >= LARGE_MIN) {
				close(fd);
				return 2;
			}
			st = &own;
			if ((size_t)own.st_size + 1 > got && got <= r->maxsize) {
				want = (size_t)own.st_size + 1;
				continue;
			}
		}
		if (got > r->maxsize)
			break;
		/* It grew since stat: read on, up to the size limit. */
		want = got + ((size_t)st->st_size > 65536 ? (size_t)st->st_size : 65536) + 1;
	}
	r->mail.p[r->mail.len] = '\0';
	if (kgz_magic(r->mail.p, got) || kgz_other(r->mail.p, got, NULL) != NULL) {
		close(fd);
		return 3;	/* compressed: read as a stream */
	}
	if (got >= 5 && memcmp(r->mail.p, "From ", 5) == 0) {
		/* An mbox: these bytes are its first chunk, the descriptor its stream. */
		kstr t = r->blk;
		FILE *f = fdopen(fd, "rb");

		if (f == NULL) {
			close(fd);
			return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
		}
		r->blk = r->mail;
		r->mail = t;
		ks_clear(&r->mail);
		r->mbox = f;
		r->mbox_is_stdin = 0;
		r->boff = 0;
		r->mbox_eof = got < want;	/* the short read was its end */
		r->nl = line_end(r->blk.p, got);
		if (r->rsize != 0 && r->blk.len > r->rsize) {
			/* With a read_size: its first piece only, then read on as a large mbox is. */
			if (fseeko(f, (off_t)r->rsize, SEEK_SET) != 0) {
				int e = errno;
				close_mbox(r);
				return kerr_set(KAERU_EIO, "%s: %s", path, strerror(e));
			}
			r->blk.len = r->rsize;
			r->blk.p[r->blk.len] = '\0';
			r->mbox_eof = 0;
		}
		return 0;
	}
	close(fd);
	if (r->mail.len > r->maxsize) {
		r->mail.len = r->maxsize;
		r->mail.p[r->mail.len] = '\0';
		*truncated = 1;
	}
	return 1;
}

/* hand_out - the mail read into r->mail, as kaeru_reader_next() returns it */
static int
hand_out(kaeru_reader *r, kaeru_mail *mail, int truncated)
{
	mail->data = ks_str(&r->mail);
	mail->len = r->mail.len;
	mail->origin = r->origin;
	mail->truncated = truncated;
	return 1;
}

int
kaeru_reader_next(kaeru_reader *r, kaeru_mail *mail)
{
	int truncated;

	if (r == NULL || mail == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_reader_next: NULL argument");
	for (;;) {
		char	    *path;
		int	     listed, named;
		struct stat  st;
		FILE	    *f;
		char	     head[5];
		const char  *name, *tool;
		size_t	     hn;
		int	     rc;

		if (r->mbox != NULL) {
			const char *d = NULL;
			size_t	    dn = 0;

			rc = mbox_next(r, &d, &dn, &truncated);
			if (rc < 0) {
				close_mbox(r);
				return rc;
			}
			if (rc > 0) {
				mail->data = d;
				mail->len = dn;
				mail->origin = r->origin;
				mail->truncated = truncated;
				return 1;
			}
			close_mbox(r);
			continue;
		}
		if (r->pending[0] != '\0') {
			/* The read error behind the last mails handed out. */
			rc = kerr_set(KAERU_EIO, "%s", r->pending);
			r->pending[0] = '\0';
			return rc;
		}
		if (r->nqueue == 0)
			return 0;
		path = r->queue[--r->nqueue];
		listed = r->qreg[r->nqueue] == Q_LISTED;
		named = r->qreg[r->nqueue] == Q_NAMED;
		if (strcmp(path, "-") == 0) {
			f = stdin;
		} else {
			/* A file its directory listed as regular is opened without a stat. */
			if (!listed && stat(path, &st) != 0) {
				rc = kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
				free(path);
				return rc;
			}
			if (!listed && S_ISDIR(st.st_mode)) {
				rc = first_visit(r, &st);
				if (rc == 0)
					rc = kerr_set(KAERU_EIO, "%s: a directory already read (a symbolic link "
					    "back to it): not read again", path);
				else if (rc > 0)
					rc = expand(r, path);
				free(path);
				if (rc != 0)
					return rc;
				continue;
			}
			if (!listed && !S_ISREG(st.st_mode) && !named) {
				free(path);
				continue;	/* sockets, fifos, devices inside a tree */
			}
			/*
			 * A pipe or a device the caller named (kaeru parse <(zcat
			 * x.gz)) is opened below and read as standard input is, to
			 * its end; a socket fails to open, and says so.
			 */
			if (listed || (S_ISREG(st.st_mode) && (size_t)st.st_size < LARGE_MIN)) {
				if (set_origin(r, path) != 0) {
					free(path);
					return kerr_set(KAERU_ENOMEM, "out of memory");
				}
				rc = read_small(r, path, listed ? NULL : &st, &truncated);
				if (rc == 2) {
					/* Not small after all: queued again, to be read the usual way. */
					r->qreg[r->nqueue++] = 0;
					continue;
				}
				if (rc == 0) {
					r->mboxpath = path;	/* the open mbox owns it now */
					if ((rc = mbox_start(r)) < 0) {
						close_mbox(r);
						return rc;
					}
					continue;
				}
				if (rc != 3) {	/* 3: compressed, opened below as a stream */
					free(path);
					if (rc < 0)
						return rc;
					if (r->from > 0)
						continue;	/* a single mail starts at 0: not in the range */
					return hand_out(r, mail, truncated);
				}
			}
			if ((f = fopen(path, "rb")) == NULL) {
				rc = kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
				free(path);
				return rc;
			}
		}
		if (set_origin(r, path) != 0) {
			if (f != stdin)
				fclose(f);
			free(path);
			return kerr_set(KAERU_ENOMEM, "out of memory");
		}
		hn = fread(head, 1, sizeof(head), f);
		if (kgz_magic(head, hn)) {
			/*
			 * gzip (a rotated spool): its decompressed bytes are read
			 * from here on as those of a pipe. A range reader cannot
			 * seek in them: the range that starts at 0 takes every
			 * mail of the file, the others none.
			 */
			FILE *g = kgz_open(f, head, hn, f != stdin, &r->gz);
			if (g == NULL) {
				if (f != stdin)
					fclose(f);
				free(path);
				return kerr_set(KAERU_ENOMEM, "out of memory");
			}
			f = g;
			if (r->from > 0) {
				fclose(f);
				r->gz = NULL;
				free(path);
				continue;
			}
			r->to = 0;
			hn = fread(head, 1, sizeof(head), f);
		} else if ((name = kgz_other(head, hn, &tool)) != NULL) {
			rc = kerr_set(KAERU_EIO, "%s: compressed with %s, which kaeru does not read (it reads gzip): "
			    "decompress it first, or give kaeru parse <(%s %s)", path, name, tool, path);
			if (f != stdin)
				fclose(f);
			free(path);
			return rc;
		}
		if (hn == 5 && memcmp(head, "From ", 5) == 0) {
			/* An mbox: stream it. The head goes back as the first line's start. */
			r->mbox = f;
			r->mbox_is_stdin = f == stdin;
			r->mboxpath = path;
			ks_clear(&r->blk);
			r->boff = 0;
			r->mbox_eof = 0;
			r->nl = 0;
			ks_add(&r->blk, head, 5);
			if (!ks_ok(&r->blk)) {
				close_mbox(r);
				return kerr_set(KAERU_ENOMEM, "out of memory");
			}
			if ((rc = mbox_start(r)) < 0) {
				close_mbox(r);
				return rc;
			}
			continue;
		}
		if (r->from > 0) {
			/* A single mail starts at 0: not in the range. */
			if (f != stdin)
				fclose(f);
			free(path);
			continue;
		}
		/* With skip_attachments: streamed, its attachments left out. */
		rc = r->skip ? read_elided(r, f, head, hn, &truncated, path) :
		    read_all(r, f, head, hn, &truncated, path);
		if (f != stdin)
			fclose(f);
		r->gz = NULL;	/* freed with its stream */
		free(path);
		if (rc != 0)
			return rc;
		return hand_out(r, mail, truncated);
	}
}

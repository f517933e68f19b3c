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
 *	one mail each; a file of 256 KiB or more is mapped rather than copied.
 *	Anything past max_mail_size is skipped and the mail flagged truncated.
 *
 *	A path that cannot be read makes kaeru_reader_next() return
 *	KAERU_EIO with the path and the system's reason in
 *	kaeru_error_last(); the next call goes on with the next path.
 */
#include <kaeru/reader.h>
#include <kaeru/parse.h>

#include "../error.h"
#include "../../util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct kaeru_reader {
	char	      **queue;	/* paths still to read, a stack */
	size_t		nqueue;
	size_t		capqueue;
	size_t		maxsize;
	char	       *root;	/* origin for mails of an mbox */

	FILE	       *mbox;	/* mbox being streamed, or NULL */
	int		mbox_is_stdin;
	char	       *mboxpath;
	char	       *line;	/* getline buffer */
	size_t		linecap;
	ssize_t		pending;/* length of a From_ line already read, or -1 */

	kstr		mail;	/* the current mail's bytes */
	char	       *origin;	/* the current mail's origin */
	void	       *map;	/* a large file mapped instead of read, or NULL */
	size_t		maplen;
};

#define MAP_MIN	((size_t)256 << 10)	/* files this large are mapped, not copied */

static int
push(kaeru_reader *r, const char *path)
{
	char *d;

	if (r->nqueue == r->capqueue) {
		size_t ncap = r->capqueue ? r->capqueue * 2 : 16;
		char **nq = realloc(r->queue, ncap * sizeof(*nq));
		if (nq == NULL)
			return -1;
		r->queue = nq;
		r->capqueue = ncap;
	}
	if ((d = strdup(path)) == NULL)
		return -1;
	r->queue[r->nqueue++] = d;
	return 0;
}

int
kaeru_reader_open(kaeru_reader **out, const char *path, const kaeru_reader_opts *opts)
{
	kaeru_reader *r;

	if (out == NULL || path == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_reader_open: NULL argument");
	*out = NULL;
	if (opts != NULL && opts->version != KAERU_READER_OPTS_VERSION)
		return kerr_set(KAERU_EVERSION, "kaeru_reader_opts version %u, want %u",
		    opts->version, KAERU_READER_OPTS_VERSION);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	r->maxsize = opts && opts->max_mail_size ? opts->max_mail_size : KAERU_DEFAULT_MAX_MAIL_SIZE;
	r->pending = -1;
	ks_init(&r->mail);
	if (push(r, path) != 0) {
		free(r);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

static void
close_mbox(kaeru_reader *r)
{
	if (r->mbox != NULL && !r->mbox_is_stdin)
		fclose(r->mbox);
	r->mbox = NULL;
	free(r->mboxpath);
	r->mboxpath = NULL;
	r->pending = -1;
}

/* unmap - let go of the mapped file of the previous mail */
static void
unmap(kaeru_reader *r)
{
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	r->map = NULL;
	r->maplen = 0;
}

void
kaeru_reader_free(kaeru_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	unmap(r);
	close_mbox(r);
	for (i = 0; i < r->nqueue; i++)
		free(r->queue[i]);
	free(r->queue);
	free(r->line);
	free(r->origin);
	ks_dispose(&r->mail);
	free(r);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* expand - queue the entries of a directory (reverse order: the queue is a stack) */
static int
expand(kaeru_reader *r, const char *dir)
{
	DIR	      *d;
	struct dirent *e;
	char	     **names = NULL;
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
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (nn == NULL)
				goto nomem;
			names = nn;
			cap = ncap;
		}
		{
			size_t dl = strlen(dir), el = strlen(e->d_name);
			while (dl > 1 && dir[dl - 1] == '/')
				dl--;
			if ((names[n] = malloc(dl + el + 2)) == NULL)
				goto nomem;
			memcpy(names[n], dir, dl);
			names[n][dl] = '/';
			memcpy(names[n] + dl + 1, e->d_name, el + 1);
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = n; i > 0; i--)
		if (push(r, names[i - 1]) != 0) {
			d = NULL;
			goto nomem;
		}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
nomem:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
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
 * mbox_next - the next mail of the open mbox into r->mail
 *	Returns 1 with a mail, 0 at the end of the mbox.
 */
static int
mbox_next(kaeru_reader *r, int *truncated)
{
	ssize_t len;
	int	prev_blank = 1, have = 0;

	ks_clear(&r->mail);
	*truncated = 0;
	if (r->pending >= 0) {
		/* The From_ line that ended the previous mail starts this one. */
		ks_add(&r->mail, r->line, (size_t)r->pending);
		r->pending = -1;
		have = 1;
		prev_blank = 0;
	}
	while ((len = getline(&r->line, &r->linecap, r->mbox)) >= 0) {
		const char *l = r->line;
		size_t	    n = (size_t)len;

		if (n >= 5 && memcmp(l, "From ", 5) == 0 && prev_blank) {
			if (have) {
				r->pending = len;
				return 1;
			}
			have = 1;
			ks_add(&r->mail, l, n);
			prev_blank = 0;
			continue;
		}
		if (!have) {
			/* Junk before the first From_ line: keep it as a mail of its own kind. */
			have = 1;
		}
		/* mboxrd: ">From " and ">>From " lose one '>' */
		if (n > 5 && l[0] == '>') {
			size_t k = 0;
			while (k < n && l[k] == '>')
				k++;
			if (n - k >= 5 && memcmp(l + k, "From ", 5) == 0) {
				l++;
				n--;
			}
		}
		prev_blank = (n == 1 && l[0] == '\n') || (n == 2 && l[0] == '\r' && l[1] == '\n');
		if (r->mail.len + n > r->maxsize) {
			*truncated = 1;
			continue;
		}
		ks_add(&r->mail, l, n);
	}
	if (ferror(r->mbox))
		return kerr_set(KAERU_EIO, "%s: %s", r->mboxpath ? r->mboxpath : "-", strerror(errno));
	return have && r->mail.len > 0;
}

/* read_all - the rest of stream f (after prefix) into r->mail, capped */
static int
read_all(kaeru_reader *r, FILE *f, const char *prefix, size_t pn, int *truncated, const char *path)
{
	char   buf[65536];
	size_t k;

	ks_clear(&r->mail);
	*truncated = 0;
	{
		/* A regular file tells its size: one allocation, no regrowth. */
		struct stat st;
		if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			ks_reserve(&r->mail, (size_t)st.st_size < r->maxsize ? (size_t)st.st_size : r->maxsize);
	}
	ks_add(&r->mail, prefix, pn);
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (r->mail.len + k > r->maxsize) {
			size_t room = r->maxsize > r->mail.len ? r->maxsize - r->mail.len : 0;
			ks_add(&r->mail, buf, room);
			*truncated = 1;
			/* Skip the rest without keeping it. */
			while (fread(buf, 1, sizeof(buf), f) > 0)
				;
			break;
		}
		ks_add(&r->mail, buf, k);
	}
	if (ferror(f))
		return kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
	if (!ks_ok(&r->mail))
		return kerr_set(KAERU_ENOMEM, "%s: out of memory", path);
	return 0;
}

int
kaeru_reader_next(kaeru_reader *r, kaeru_mail *mail)
{
	int truncated;

	if (r == NULL || mail == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_reader_next: NULL argument");
	unmap(r);
	for (;;) {
		char	    *path;
		struct stat  st;
		FILE	    *f;
		char	     head[5];
		size_t	     hn;
		int	     rc;

		if (r->mbox != NULL) {
			rc = mbox_next(r, &truncated);
			if (rc < 0) {
				close_mbox(r);
				return rc;
			}
			if (rc > 0) {
				mail->data = ks_str(&r->mail);
				mail->len = r->mail.len;
				mail->origin = r->origin;
				mail->truncated = truncated;
				return 1;
			}
			close_mbox(r);
			continue;
		}
		if (r->nqueue == 0)
			return 0;
		path = r->queue[--r->nqueue];
		if (strcmp(path, "-") == 0) {
			f = stdin;
		} else {
			if (stat(path, &st) != 0) {
				rc = kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
				free(path);
				return rc;
			}
			if (S_ISDIR(st.st_mode)) {
				rc = expand(r, path);
				free(path);
				if (rc != 0)
					return rc;
				continue;
			}
			if (!S_ISREG(st.st_mode)) {
				free(path);
				continue;	/* sockets, fifos, devices inside a tree */
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
		if (hn == 5 && memcmp(head, "From ", 5) == 0) {
			/* An mbox: stream it. The head goes back as the first line's start. */
			r->mbox = f;
			r->mbox_is_stdin = f == stdin;
			r->mboxpath = path;
			{
				ssize_t len = getline(&r->line, &r->linecap, f);
				size_t	ln = len > 0 ? (size_t)len : 0;
				char   *nl = realloc(r->line, ln + 6);
				if (nl == NULL) {
					close_mbox(r);
					return kerr_set(KAERU_ENOMEM, "out of memory");
				}
				r->line = nl;
				r->linecap = ln + 6;
				memmove(r->line + 5, r->line, ln);
				memcpy(r->line, head, 5);
				r->line[ln + 5] = '\0';
				r->pending = (ssize_t)(ln + 5);
			}
			continue;
		}
		if (f != stdin) {
			/* A large single mail is mapped: no copy, no page of heap. */
			struct stat fst;
			if (fstat(fileno(f), &fst) == 0 && S_ISREG(fst.st_mode) &&
			    (size_t)fst.st_size >= MAP_MIN) {
				size_t len = (size_t)fst.st_size < r->maxsize ? (size_t)fst.st_size : r->maxsize;
				void  *mp = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fileno(f), 0);
				if (mp != MAP_FAILED) {
					r->map = mp;
					r->maplen = len;
					fclose(f);
					free(path);
					mail->data = mp;
					mail->len = len;
					mail->origin = r->origin;
					mail->truncated = (size_t)fst.st_size > r->maxsize;
					return 1;
				}
			}
		}
		rc = read_all(r, f, head, hn, &truncated, path);
		if (f != stdin)
			fclose(f);
		free(path);
		if (rc != 0)
			return rc;
		mail->data = ks_str(&r->mail);
		mail->len = r->mail.len;
		mail->origin = r->origin;
		mail->truncated = truncated;
		return 1;
	}
}

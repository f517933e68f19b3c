/* test_reader - files, directories, Maildir, mbox, errors (mail/reader.c) */
#include "t.h"
#include "lib/mail/elide.h"

#include <kaeru/kaeru.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static char dir[] = "/tmp/kaeru-reader-XXXXXX";

static void
put(const char *name, const char *text)
{
	char  p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

/* mkd - make the directory name under dir */
static void
mkd(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	mkdir(p, 0700);
}

/* lnk - a symbolic link name under dir to the entry to under dir ("." as it is); 0 when made */
static int
lnk(const char *to, const char *name)
{
	char t[512], p[512];

	snprintf(t, sizeof(t), "%s/%s", dir, to);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return symlink(strcmp(to, ".") == 0 ? to : t, p);
}

/* One mail as read: its length, a hash of its bytes, its truncated flag. */
struct seen {
	size_t	      len;
	unsigned long h;
	int	      truncated;
};

/* collect - the mails of path read with o (and range [from, to)) appended to v */
static size_t
collect(const char *path, kaeru_reader_opts o, uint64_t from, uint64_t to, struct seen *v, size_t n, size_t cap)
{
	kaeru_reader *r;
	kaeru_mail    m;

	o.range_from = from;
	o.range_to = to;
	if (kaeru_reader_open(&r, path, &o) != 0)
		return (size_t)-1;
	while (kaeru_reader_next(r, &m) == 1) {
		unsigned long h = 5381;
		size_t	      i;
		for (i = 0; i < m.len; i++)
			h = h * 33 + (unsigned char)m.data[i];
		if (n < cap) {
			v[n].len = m.len;
			v[n].h = h;
			v[n].truncated = m.truncated;
		}
		n++;
	}
	kaeru_reader_free(r);
	return n;
}

/*
 * by_ranges - do readers over ranges of step bytes that tile path (the
 *	last open-ended) hand out the same mails as one reader of it all;
 *	a step of 0 tiles with pseudo-random steps of 1 byte to 2 MB
 */
static int
by_ranges(const char *path, kaeru_reader_opts o, uint64_t step, size_t *nmails)
{
	struct stat   st;
	struct seen  *whole, *parts;
	size_t	      cap = 4096, nw, np = 0;
	uint64_t      at = 0, seed = 7;
	int	      same;

	if (stat(path, &st) != 0)
		return 0;
	whole = calloc(cap, sizeof(*whole));
	parts = calloc(cap, sizeof(*parts));
	nw = collect(path, o, 0, 0, whole, 0, cap);
	while (np != (size_t)-1) {
		uint64_t s = step;
		if (s == 0) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			s = 1 + (seed >> 33) % (seed >> 63 ? 2000000 : 3000);
		}
		if (at + s >= (uint64_t)st.st_size) {
			np = collect(path, o, at, 0, parts, np, cap);
			break;
		}
		np = collect(path, o, at, at + s, parts, np, cap);
		at += s;
	}
	same = nw <= cap && np == nw && memcmp(whole, parts, nw * sizeof(*whole)) == 0;
	if (nmails != NULL)
		*nmails = nw;
	free(whole);
	free(parts);
	return same;
}

/*
 * big_mbox - an mbox read in chunks: 300 mails of growing size (the
 *	largest span several chunks), separators on every side of a chunk
 *	boundary, CRLF blank lines, "From " lines that do not end a mail,
 *	quoted lines, and a size limit that cuts the largest mails.
 */
static void
big_mbox(const char *dir)
{
	char	      path[4096];
	FILE	     *f;
	size_t	      i, k, sizes[300];
	kaeru_reader *r;
	kaeru_mail    m;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	int	      ok = 1, n = 0, cut = 0;

	snprintf(path, sizeof(path), "%s/big.mbox", dir);
	f = fopen(path, "wb");
	for (i = 0; i < 300; i++) {
		const char *nl = i % 3 == 0 ? "\r\n" : "\n";
		size_t	    body = (i * i * 37) % 40000 + (i == 150 ? 3u << 20 : 0);
		long	    at = ftell(f);
		fprintf(f, "From m%zu@x Mon Jan  1 00:00:00 2001%sSubject: %zu%s%s", i, nl, i, nl, nl);
		fprintf(f, "body%sFrom inside the body, not after a blank line%s>From quoted%s", nl, nl, nl);
		for (k = 0; k < body; k++)
			fputc(k % 61 == 60 ? '\n' : 'a' + (int)(k % 26), f);
		fprintf(f, "%s%s", nl, nl);
		sizes[i] = (size_t)(ftell(f) - at) - 1;	/* minus the unquoted '>' */
	}
	fclose(f);
	kaeru_reader_open(&r, path, NULL);
	while (kaeru_reader_next(r, &m) == 1) {
		char want[64];
		int  wl = snprintf(want, sizeof(want), "From m%d@x ", n);
		if (n >= 300 || m.len != sizes[n] || memcmp(m.data, want, (size_t)wl) != 0 ||
		    memmem(m.data, m.len, "\n>From", 7) != NULL || m.data[m.len] != '\0')
			ok = 0;
		n++;
	}
	kaeru_reader_free(r);
	T_EQ_INT(n, 300, "big mbox: every mail");
	T_OK(ok, "big mbox: each mail whole, in order, unquoted, NUL after");
	o.max_mail_size = 30000;
	kaeru_reader_open(&r, path, &o);
	n = 0;
	ok = 1;
	while (kaeru_reader_next(r, &m) == 1) {
		if (m.len > 30000 || (m.truncated != 0) != (sizes[n] > 30000))
			ok = 0;
		cut += m.truncated;
		n++;
	}
	kaeru_reader_free(r);
	T_EQ_INT(n, 300, "big mbox with a limit: every mail");
	T_OK(ok && cut > 0, "big mbox with a limit: long mails cut and marked");
	{
		static const uint64_t steps[] = { 4099, 65536 + 5, 300001, (1u << 20) - 1, 1u << 20,
						  (1u << 20) + 3, 0 };
		kaeru_reader_opts w = KAERU_READER_OPTS_INIT;
		size_t		  i;
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			T_OK(by_ranges(path, w, steps[i], NULL), "big mbox: ranges read as the whole");
			T_OK(by_ranges(path, o, steps[i], NULL), "big mbox with a limit: ranges read as the whole");
		}
	}
}

/*
 * glued_big - an mbox of 3,000 mails glued by strict From_ lines with no
 *	empty line before them, some 200 bytes long: some straddle the
 *	reader's chunks, and each must still end the mail before it
 */
static void
glued_big(const char *dir)
{
	char		  path[4096];
	FILE		 *f;
	size_t		  i, k, n = 0;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;

	snprintf(path, sizeof(path), "%s/glued-big.mbox", dir);
	f = fopen(path, "wb");
	for (i = 0; i < 3000; i++) {
		fprintf(f, "From sender%zu@example.org", i);
		for (k = 0; k < 150 + i % 50; k++)
			fputc(' ', f);
		fprintf(f, "Mon Jan  1 00:00:%02zu 2001\nSubject: %zu\n\n", i % 60, i);
		for (k = 0; k < (i * 7919) % 5000; k++)
			fputc(k % 71 == 70 ? '\n' : 'a' + (int)(k % 26), f);
		fputc('\n', f);
	}
	fclose(f);
	T_OK(by_ranges(path, o, 1u << 20, &n), "glued big mbox: ranges of 1 MiB read as the whole");
	T_EQ_INT(n, 3000, "glued big mbox: every strict From_ line ends a mail, across chunks");
	T_OK(by_ranges(path, o, 0, NULL), "glued big mbox: random ranges read as the whole");
}

/*
 * edge_starts - mails whose From_ line starts in the last bytes of a read:
 *	for each k of 1..12, an mbox whose second mail begins k bytes before
 *	the end of the first read (64 KiB), then mails of 300,000 bytes
 *	(past several later reads), each read whole and in order. The reader
 *	once resumed its search from before its buffer there (found by ASan
 *	when the reads shrank to 256 KiB).
 */
static void
edge_starts(const char *dir)
{
	static const size_t first_read = (size_t)64 << 10;
	char		    path[4096];
	size_t		    k, i, j;
	int		    ok = 1, all = 1;

	snprintf(path, sizeof(path), "%s/edge.mbox", dir);
	for (k = 1; k <= 12; k++) {
		static const char head[] = "From a@b Mon Jan  1 00:00:00 2001\nSubject: x\n\n";
		size_t	      sizes[5], n = 0;
		FILE	     *f = fopen(path, "wb");
		kaeru_reader *r;
		kaeru_mail    m;

		for (i = 0; i < 5; i++) {
			/* mail 0 ends k bytes before the first read's end; then some of 300,000 bytes */
			size_t size = i == 0 ? first_read - k : i % 2 ? 300000 : 300000 + k;
			fputs(head, f);
			for (j = sizeof(head) - 1; j + 2 < size; j++)
				fputc(j % 61 == 60 ? '\n' : 'a', f);
			fputs("\n\n", f);
			sizes[i] = size;
		}
		fclose(f);
		kaeru_reader_open(&r, path, NULL);
		while (kaeru_reader_next(r, &m) == 1) {
			if (n >= 5 || m.len != sizes[n] || memcmp(m.data, "From a@b ", 9) != 0)
				ok = 0;
			n++;
		}
		kaeru_reader_free(r);
		all &= n == 5;
	}
	T_OK(all, "a mail that starts in the last bytes of a read: every mail found");
	T_OK(ok, "a mail that starts in the last bytes of a read: each whole");
}

/* put_mail - a file of about size bytes under dir/sub: mails of fill text, mbox when n > 1 */
static void
put_mail(const char *sub, const char *name, size_t size, int n)
{
	char	path[4096];
	FILE   *f;
	size_t	k;
	int	i;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	for (i = 0; i < n; i++) {
		if (n > 1)
			fprintf(f, "From m%d@x Mon Jan  1 00:00:00 2001\n", i);
		fprintf(f, "Subject: %s %d\n\n", name, i);
		for (k = 0; k < size / (size_t)n; k++)
			fputc(k % 71 == 70 ? '\n' : 'a' + (int)(k % 26), f);
		fputs("\n\n", f);
	}
	fclose(f);
}

/*
 * listed - files that a directory's listing says are regular are read
 *	without a stat, their size guessed: each must read as it reads when
 *	named alone (where it is stat'ed first), whatever its size (under
 *	the guess, between the guess and the mapping size, past it; single
 *	mails and mboxes); a fifo is still skipped and a symbolic link
 *	followed
 */
static void
listed(void)
{
	static const struct {
		const char *name;
		size_t	    size;
		int	    n;
	} files[] = {
		{ "a.eml", 300, 1 }, { "b.eml", 100000, 1 }, { "c.eml", 400000, 1 },
		{ "d.mbox", 150000, 3 }, { "e.mbox", 300000, 4 }, { "f.eml", 65536 - 40, 1 },
	};
	struct seen	  all[64], one[64];
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	char		  path[4096], target[4096];
	size_t		  i, n, k = 0;
	int		  same = 1;

	snprintf(path, sizeof(path), "%s/listed", dir);
	mkdir(path, 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put_mail("listed", files[i].name, files[i].size, files[i].n);
	snprintf(path, sizeof(path), "%s/listed/g-fifo", dir);
	T_OK(mkfifo(path, 0600) == 0, "listed: a fifo in the directory");
	snprintf(path, sizeof(path), "%s/listed/h-link.eml", dir);
	snprintf(target, sizeof(target), "%s/listed/a.eml", dir);
	T_OK(symlink(target, path) == 0, "listed: a symbolic link in the directory");

	snprintf(path, sizeof(path), "%s/listed", dir);
	n = collect(path, o, 0, 0, all, 0, 64);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/listed/%s", dir, files[i].name);
		k = collect(path, o, 0, 0, one, k, 64);
	}
	snprintf(path, sizeof(path), "%s/listed/h-link.eml", dir);
	k = collect(path, o, 0, 0, one, k, 64);
	T_EQ_INT((int)n, 1 + 1 + 1 + 3 + 4 + 1 + 1, "listed: every mail of the directory, the fifo skipped");
	T_EQ_INT((int)k, (int)n, "listed: as many as the files named one by one");
	for (i = 0; i < n && i < k; i++)
		if (all[i].len != one[i].len || all[i].h != one[i].h || all[i].truncated != one[i].truncated)
			same = 0;
	T_OK(same, "listed: each mail as it reads when its file is named alone");

	/*
	 * A size limit under the guess, attachments skipped: a large listed
	 * file with a base64 image must still go through the elider (which
	 * leaves the image out: a few hundred bytes), not be cut at the
	 * limit (30,000 bytes of the image).
	 */
	snprintf(path, sizeof(path), "%s/listed2", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/listed2/img.eml", dir);
	{
		FILE *f = fopen(path, "wb");
		fputs("From: a@b\nSubject: photo\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\n"
		    "Content-Type: text/plain\n\nhello\n--B\nContent-Type: image/jpeg\n"
		    "Content-Transfer-Encoding: base64\n\n", f);
		for (i = 0; i < 300000; i++)
			fputc(i % 77 == 76 ? '\n' : 'A' + (int)(i % 26), f);
		fputs("\n--B--\n", f);
		fclose(f);
	}
	o.skip_attachments = 1;
	o.max_mail_size = 30000;
	snprintf(path, sizeof(path), "%s/listed2", dir);
	n = collect(path, o, 0, 0, all, 0, 64);
	snprintf(path, sizeof(path), "%s/listed2/img.eml", dir);
	k = collect(path, o, 0, 0, one, 0, 64);
	T_OK(n == 1 && k == 1 && all[0].len == one[0].len && all[0].h == one[0].h &&
	    all[0].truncated == one[0].truncated && all[0].len < 1000,
	    "listed: a large file under a small limit goes through the elider, as named alone");
}

/*
 * glued_edge - a From_ line with no empty line before it that starts 1 to
 *	13 bytes before the end of the first read of a streamed mbox (one
 *	of 256 KiB or more: its first five bytes, then 64 KiB), its line
 *	not all read yet: it must still end the mail before it. At 8 bytes
 *	the reader used to search on from just after it, and two mails
 *	came out as one.
 */
static void
glued_edge(void)
{
	static const char first[] = "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\n";
	static const char glued[] = "From sender@example.org                              "
				    "Mon Jan  1 00:00:00 2001\nSubject: 2\n\nbody\n";
	char		  path[4096];
	size_t		  k, i, end = 5 + ((size_t)64 << 10);
	int		  all = 1;

	snprintf(path, sizeof(path), "%s/glued-edge.mbox", dir);
	for (k = 1; k <= 13; k++) {
		FILE	     *f = fopen(path, "wb");
		int	      n = 0;
		kaeru_reader *r;
		kaeru_mail    m;

		fputs(first, f);
		for (i = sizeof(first) - 1; i + 1 < end - k; i++)
			fputc(i % 71 == 70 ? '\n' : 'a', f);
		fputc('\n', f);
		fputs(glued, f);
		fputs("\nFrom c@d Mon Jan  1 00:00:00 2001\nSubject: 3\n\n", f);
		for (i = 0; i < 300000; i++)
			fputc(i % 71 == 70 ? '\n' : 'b', f);
		fputs("\n", f);
		fclose(f);
		kaeru_reader_open(&r, path, NULL);
		while (kaeru_reader_next(r, &m) == 1)
			n++;
		kaeru_reader_free(r);
		all &= n == 3;
	}
	T_OK(all, "a glued From_ line at the end of the first read still ends a mail");
}

/*
 * read_sizes - any read_size hands out the mails of the default reads:
 *	the small mboxes (quoting, glued From_ lines, old Mac line ends)
 *	read 1, 3, 7 or 64 bytes at a time, the large ones (CRLF, glued
 *	From_ lines by the thousand, mails that start where the first read
 *	ends) 4093 or 65537, whole and in ranges. Reads of a few bytes put
 *	every mail's start and every From_ line across a read's edge
 *	somewhere (fuzz_mbox does the same on every input): the bugs that
 *	edge_starts() and glued_edge() keep out were missed because nothing
 *	moved those edges.
 */
static void
read_sizes(void)
{
	static const struct {
		const char *name;
		int	    small;
	} files[] = {
		{ "box.mbox", 1 }, { "glued.mbox", 1 }, { "mac.mbox", 1 }, { "big.mbox", 0 },
		{ "glued-big.mbox", 0 }, { "edge.mbox", 0 }, { "glued-edge.mbox", 0 },
	};
	static const size_t small_sizes[] = { 1, 3, 7, 64 }, large_sizes[] = { 4093, 65537 };
	static struct seen  want[4096], got[4096];
	kaeru_reader_opts   o = KAERU_READER_OPTS_INIT;
	char		    path[4096];
	size_t		    i, j, k, n, m;
	int		    same = 1, tiled = 1;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const size_t *sizes = files[i].small ? small_sizes : large_sizes;
		size_t	      nsizes = files[i].small ? 4 : 2;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		o.read_size = 0;
		n = collect(path, o, 0, 0, want, 0, 4096);
		for (j = 0; j < nsizes; j++) {
			o.read_size = sizes[j];
			m = collect(path, o, 0, 0, got, 0, 4096);
			if (m != n || n == 0 || n == (size_t)-1)
				same = 0;
			for (k = 0; k < n && k < m && k < 4096; k++)
				if (got[k].len != want[k].len || got[k].h != want[k].h || got[k].truncated != want[k].truncated)
					same = 0;
			if (files[i].small) {
				uint64_t step;
				for (step = 1; step < 120; step += 7)
					tiled &= by_ranges(path, o, step, NULL);
			} else
				tiled &= by_ranges(path, o, 300001, NULL);
		}
	}
	T_OK(same, "read sizes of 1 to 65537 bytes: the mails of the default reads");
	T_OK(tiled, "read sizes of 1 to 65537 bytes: ranges read as the whole");
}

/*
 * elided_ref - what the elider keeps of a mail handed out whole, From_
 *	line and all, through kel_stream() from memory (the reader streams
 *	it through kel_feed() in reads of any size, and must keep the same
 *	bytes for a mail without a CR alone)
 */
static void
elided_ref(const char *p, size_t n, kstr *out)
{
	struct kelide  e;
	struct kel_mem mem;
	static char    win[256 << 10];

	ks_clear(out);
	kel_init(&e, 0);
	mem.p = p;
	mem.left = n;
	kel_stream(&e, out, win, sizeof(win), kel_mem_fill, &mem);
	kel_dispose(&e);
}

/* A mail of read_all(): its bytes, kept. */
struct held {
	char   *p;
	size_t	len;
	int	truncated;
};

/* read_all - up to cap mails of path read with o (ranges from, to), copied into v; their number */
static size_t
read_all(const char *path, kaeru_reader_opts o, uint64_t from, uint64_t to, struct held *v, size_t cap)
{
	kaeru_reader *r;
	kaeru_mail    m;
	size_t	      n = 0;

	o.range_from = from;
	o.range_to = to;
	if (kaeru_reader_open(&r, path, &o) != 0)
		return 0;
	while (kaeru_reader_next(r, &m) == 1) {
		if (n < cap) {
			v[n].p = malloc(m.len + 1);
			memcpy(v[n].p, m.data, m.len + 1);
			v[n].len = m.len;
			v[n].truncated = m.truncated;
		}
		n++;
	}
	kaeru_reader_free(r);
	return n;
}

static void
free_all(struct held *v, size_t n)
{
	while (n-- > 0)
		free(v[n].p);
}

/*
 * like_whole - got[0..m) are the mails of want[0..n), each whole or as the
 *	elider keeps it (elided_ref()), cut or not as it was; *elided counts
 *	those that the elider shortened
 */
static int
like_whole(const struct held *want, size_t n, const struct held *got, size_t m, size_t *elided)
{
	kstr   ref = KSTR_INIT;
	size_t i;
	int    ok = n == m && n > 0;

	for (i = 0; ok && i < n; i++) {
		if (got[i].truncated != want[i].truncated)
			ok = 0;
		else if (got[i].len == want[i].len && memcmp(got[i].p, want[i].p, want[i].len) == 0)
			continue;
		elided_ref(want[i].p, want[i].len, &ref);
		if (got[i].len != ref.len || memcmp(got[i].p, ref.p, ref.len) != 0 || got[i].p[got[i].len] != '\0')
			ok = 0;
		else if (ref.len < want[i].len)
			(*elided)++;
	}
	ks_dispose(&ref);
	return ok;
}

/*
 * elided_mbox - with skip_attachments, a long mail of an mbox is streamed
 *	through the elider instead of held whole: its base64 photos are left
 *	out as in a file of its own, so memory stays bounded over an mbox
 *	that holds a 60 MB bounce. The mails must split where they do
 *	without it, each whole or exactly what the elider keeps of it
 *	(">From " unquoted, cut at the size limit as it was), for reads of
 *	any size, in ranges too, LF and CRLF; and the bounce must give the
 *	same records.
 */
static void
elided_mbox(void)
{
	static const char *const sizes_name[] = { "default reads", "reads of 1 byte", "reads of 7 bytes",
		"reads of 4093 bytes" };
	static const size_t read_size[] = { 0, 1, 7, 4093 };
	static struct held want[16], got[16];
	char		   path[4096];
	int		   crlf, lim;

	snprintf(path, sizeof(path), "%s/photos.mbox", dir);
	for (crlf = 0; crlf < 2; crlf++) {
		const char *nl = crlf ? "\r\n" : "\n";
		FILE	   *f = fopen(path, "wb");
		size_t	    i;

#define L(s) fprintf(f, "%s%s", s, nl)
		L("From a@b Mon Jan  1 00:00:00 2001");
		L("Subject: first");
		L("");
		L("one");
		L("");
		L("From MAILER-DAEMON Mon Jan  1 00:00:01 2001");
		L("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>");
		L("To: alice@example.com");
		L("Subject: Undelivered Mail Returned to Sender");
		L("MIME-Version: 1.0");
		L("Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"");
		L("");
		L("--R");
		L("Content-Type: text/plain");
		L("");
		L("<bob@example.org>: host mx.example.org said: 550 5.1.1 unknown user");
		L(">From here the quoting is mboxrd's");
		L("--R");
		L("Content-Type: message/delivery-status");
		L("");
		L("Final-Recipient: rfc822; bob@example.org");
		L("Action: failed");
		L("Status: 5.1.1");
		L("");
		L("--R");
		L("Content-Type: message/rfc822");
		L("");
		L("From: alice@example.com");
		L("To: bob@example.org");
		L("Subject: photos");
		L("Content-Type: multipart/mixed; boundary=\"P\"");
		L("");
		L("--P");
		L("Content-Type: text/plain");
		L("");
		L("see the photos");
		for (i = 0; i < 2; i++) {
			size_t k;
			L("--P");
			L("Content-Type: image/jpeg");
			L("Content-Transfer-Encoding: base64");
			L("");
			for (k = 0; k < 20000; k++)
				fprintf(f, "%.*s%s", 76, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLw==", nl);
		}
		L("--P--");
		L("");
		L("--R--");
		L("");
		L("From c@d Mon Jan  1 00:00:02 2001");
		L("Subject: third");
		L("");
		L("three");
#undef L
		fclose(f);
		for (lim = 0; lim < 2; lim++) {
			kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
			size_t		  n, m, j, elided;
			char		  what[160];

			o.max_mail_size = lim ? 1500000 : 0;	/* a limit inside the photos */
			n = read_all(path, o, 0, 0, want, 16);
			T_OK(n == 3 && (lim ? want[1].len <= 1500000 && want[1].len > 1400000 : want[1].len > 3000000) &&
			    (want[1].truncated != 0) == lim,
			    "photos mbox, attachments kept: three mails, the bounce whole or cut");
			o.skip_attachments = 1;
			for (j = 0; j < sizeof(read_size) / sizeof(read_size[0]); j++) {
				o.read_size = read_size[j];
				elided = 0;
				m = read_all(path, o, 0, 0, got, 16);
				snprintf(what, sizeof(what), "photos mbox (%s%s), %s: the mails whole or as the elider keeps them",
				    crlf ? "CRLF" : "LF", lim ? ", limit 1.5 MB" : "", sizes_name[j]);
				T_OK(like_whole(want, n, got, m, &elided), what);
				snprintf(what, sizeof(what), "photos mbox (%s%s), %s: the bounce without its photos",
				    crlf ? "CRLF" : "LF", lim ? ", limit 1.5 MB" : "", sizes_name[j]);
				T_OK(m == 3 && got[1].len < 4000 && elided >= 1, what);
				if (j == 0 && lim == 0) {
					kaeru_parser	   *pp;
					const kaeru_record *ra, *rb;
					size_t		    na, nb;
					char		   *a = NULL;
					int		    same;
					kaeru_parser_new(&pp, NULL);
					kaeru_parser_parse(pp, want[1].p, want[1].len, "w", &ra, &na);
					if (na == 1)
						a = strdup(ra[0].deliverystatus);
					kaeru_parser_parse(pp, got[1].p, got[1].len, "g", &rb, &nb);
					same = na == 1 && nb == 1 && strcmp(rb[0].recipient, "bob@example.org") == 0 &&
					    strcmp(rb[0].deliverystatus, a) == 0 && strcmp(rb[0].reason, "userunknown") == 0;
					T_OK(same, "photos mbox: the bounce elided gives the record it gives whole");
					free(a);
					kaeru_parser_free(pp);
				}
				free_all(got, m < 16 ? m : 16);
			}
			/* Ranges, as kaeru parse --jobs reads a large mbox. */
			{
				uint64_t cuts[] = { 0, 200, 1000000, 2500000, 0 };
				size_t	 c, total = 0, e2 = 0, at = 0;
				int	 ok = 1;
				o.read_size = 0;
				for (c = 0; c + 1 < sizeof(cuts) / sizeof(cuts[0]); c++) {
					m = read_all(path, o, cuts[c], cuts[c + 1], got, 16);
					ok &= at + m <= n && (m == 0 || like_whole(want + at, m, got, m, &e2));
					free_all(got, m < 16 ? m : 16);
					at += m;
					total += m;
				}
				snprintf(what, sizeof(what), "photos mbox (%s%s), ranges: the same three mails",
				    crlf ? "CRLF" : "LF", lim ? ", limit 1.5 MB" : "");
				T_OK(ok && total == n, what);
			}
			free_all(want, n < 16 ? n : 16);
		}
	}
}

/* joined - the mails of path, read with o, joined by '|' into got; their number, -1 after an error (*err: its text) */
static int
joined(const char *path, const kaeru_reader_opts *o, char *got, size_t cap, char *err, size_t errcap, int *cut)
{
	kaeru_reader *r;
	kaeru_mail    m;
	int	      n = 0, rc, failed = 0;
	size_t	      len = 0;

	got[0] = err[0] = '\0';
	*cut = 0;
	if (kaeru_reader_open(&r, path, o) != 0)
		return -1;
	while ((rc = kaeru_reader_next(r, &m)) != 0) {
		if (rc < 0) {
			failed = 1;
			snprintf(err, errcap, "%s", kaeru_error_last());
			continue;
		}
		if (len + m.len + 2 < cap) {
			if (n > 0)
				got[len++] = '|';
			memcpy(got + len, m.data, m.len);
			len += m.len;
			got[len] = '\0';
		}
		*cut += m.truncated != 0;
		n++;
	}
	kaeru_reader_free(r);
	return failed ? -1 - n : n;
}

/*
 * fifo_writer - make a fifo at path and a child that writes text into it
 *	once a reader opens it; the child exits 0 when every byte went in
 *	(SIGPIPE kills it when the reader closes first). The child's pid, or
 *	-1 when the fifo cannot be made.
 */
static pid_t
fifo_writer(const char *path, const char *text)
{
	pid_t pid;

	unlink(path);
	if (mkfifo(path, 0600) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		FILE *f = fopen(path, "w");
		if (f == NULL)
			_exit(1);
		fputs(text, f);
		_exit(fclose(f) != 0);
	}
	return pid;
}

/*
 * from_pipe - the mails of text written into a fifo that the reader was
 *	given by name, as `kaeru parse <(zcat x.gz)` gives one: read to its
 *	end as standard input is, not passed over as a fifo found in a
 *	directory is. The mails' bytes are joined with '|' into got.
 */
static int
from_pipe(const char *text, const kaeru_reader_opts *o, char *got, size_t cap)
{
	char  path[512], err[512];
	pid_t pid;
	int   n, st, cut;

	snprintf(path, sizeof(path), "%s/named-fifo", dir);
	if ((pid = fifo_writer(path, text)) < 0)
		return -1;
	n = joined(path, o, got, cap, err, sizeof(err), &cut);
	kill(pid, SIGKILL);	/* a writer no reader opened for would wait for ever */
	waitpid(pid, &st, 0);
	unlink(path);
	return n;
}

static void
named_pipes(void)
{
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	char		  got[4096], path[512];
	kaeru_reader	 *r;
	kaeru_mail	  m;
	struct sockaddr_un sa;
	int		  fd;

	T_EQ_INT(from_pipe("Subject: piped\n\nbody\n", NULL, got, sizeof(got)), 1, "named fifo: one mail");
	T_EQ_STR(got, "Subject: piped\n\nbody\n", "named fifo: the mail whole");
	T_EQ_INT(from_pipe("From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n\n"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n", NULL, got, sizeof(got)), 2,
	    "named fifo: an mbox, two mails");
	T_EQ_STR(got, "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n\n|"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n", "named fifo: the mbox's mails");
	o.skip_attachments = 1;
	T_EQ_INT(from_pipe("Subject: piped\n\nbody\n", &o, got, sizeof(got)), 1,
	    "named fifo, skip_attachments: one mail");
	T_EQ_STR(got, "Subject: piped\n\nbody\n", "named fifo, skip_attachments: the mail whole");
	/* A socket cannot be read: an error that names it, not silence. */
	snprintf(path, sizeof(path), "%s/named-socket", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	T_OK(strlen(path) < sizeof(sa.sun_path), "a socket path that fits");
	memcpy(sa.sun_path, path, strlen(path) + 1 < sizeof(sa.sun_path) ? strlen(path) + 1 : 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	T_OK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "a socket to name");
	T_OK(kaeru_reader_open(&r, path, NULL) == 0, "named socket: opened");
	T_OK(kaeru_reader_next(r, &m) < 0 && strstr(kaeru_error_last(), "named-socket") != NULL,
	    "named socket: an error naming it");
	kaeru_reader_free(r);
	close(fd);
	unlink(path);
}

/* gz_put - text as gzip data in dir/name (level 0: stored blocks, as large as the text); its size */
static long
gz_put(const char *name, const char *text, size_t n, int level)
{
	char   p[512], mode[8];
	gzFile g;
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	snprintf(mode, sizeof(mode), "wb%d", level);
	if ((g = gzopen(p, mode)) == NULL)
		return -1;
	if (n > 0 && gzwrite(g, text, (unsigned)n) != (int)n) {
		gzclose(g);
		return -1;
	}
	gzclose(g);
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/*
 * gzipped - compressed mailboxes: gzip is read through, as a single mail,
 *	an mbox, members one after another, in a directory, small and large,
 *	with skip_attachments; gzip data cut short gives the mails before the
 *	cut and then an error; xz, bzip2 and zstd data are named, not read
 */
static void
gzipped(void)
{
	static const char mbox[] = "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n\n"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n";
	static const char one[] = "Subject: zipped\n\nbody\n";
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	char		  p[512], got[8192], err[512], *big;
	int		  cut, n, i;
	long		  sz;
	size_t		  bn = 0;
	FILE		 *f;

	gz_put("one.eml.gz", one, strlen(one), 6);
	snprintf(p, sizeof(p), "%s/one.eml.gz", dir);
	T_EQ_INT(joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut), 1, "gzip: one mail");
	T_EQ_STR(got, one, "gzip: the mail decompressed");
	o.skip_attachments = 1;
	T_EQ_INT(joined(p, &o, got, sizeof(got), err, sizeof(err), &cut), 1, "gzip, skip_attachments: one mail");
	T_EQ_STR(got, one, "gzip, skip_attachments: the mail decompressed");

	gz_put("box.mbox.gz", mbox, strlen(mbox), 9);
	snprintf(p, sizeof(p), "%s/box.mbox.gz", dir);
	T_EQ_INT(joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut), 2, "gzip: an mbox, two mails");
	T_EQ_STR(got, "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n\n|"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n", "gzip: the mbox's mails");

	/* Two members (cat a.gz b.gz), then bytes that begin no member: ignored, as gzip does. */
	{
		char q[512], cmd[2048];
		snprintf(q, sizeof(q), "%s/two.gz", dir);
		snprintf(cmd, sizeof(cmd), "cat %s %s/one.eml.gz > %s && printf 'trailing\\000' >> %s", p, dir, q, q);
		T_OK(system(cmd) == 0, "two members written");
		T_EQ_INT(joined(q, NULL, got, sizeof(got), err, sizeof(err), &cut), 2, "gzip: two members, read on");
		T_OK(strstr(got, "y\nSubject: zipped\n\nbody\n") != NULL && strstr(got, "trailing") == NULL,
		    "gzip: the second member follows the first, the trailing bytes left out");
	}

	/* Cut short: the mails before the cut, the last one marked, then an error saying so. */
	big = malloc(400000);
	for (i = 0; bn < 350000; i++)
		bn += (size_t)snprintf(big + bn, 400000 - bn, "From m%d@x Mon Jan  1 00:00:00 2001\nSubject: %d\n\n"
		    "line %d of a body that is long enough to need a few blocks of deflate\n\n", i, i, i * 7919);
	sz = gz_put("long.mbox.gz", big, bn, 1);
	snprintf(p, sizeof(p), "%s/long.mbox.gz", dir);
	{
		char  q[512], *buf = malloc((size_t)sz);
		FILE *in = fopen(p, "rb");
		T_OK(in != NULL && fread(buf, 1, (size_t)sz, in) == (size_t)sz, "long mbox read back");
		fclose(in);
		snprintf(q, sizeof(q), "%s/cut.mbox.gz", dir);
		f = fopen(q, "wb");
		fwrite(buf, 1, (size_t)sz / 2, f);
		fclose(f);
		n = joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut);
		T_EQ_INT(n, i, "gzip: every mail of the long mbox");
		n = joined(q, NULL, got, sizeof(got), err, sizeof(err), &cut);
		T_OK(n < -1 - i / 4 && n > -1 - i, "gzip cut short: the mails before the cut, then an error");
		T_OK(strstr(err, "cut.mbox.gz") != NULL && strstr(err, "ends early") != NULL, "gzip cut short: the error says so");
		T_EQ_INT(cut, 1, "gzip cut short: the last mail marked truncated");
		/* Bytes changed in the middle: an error, not silence. */
		for (n = 0; n < 64; n++)
			buf[sz / 2 + n] ^= 0x5a;
		f = fopen(q, "wb");
		fwrite(buf, 1, (size_t)sz, f);
		fclose(f);
		n = joined(q, NULL, got, sizeof(got), err, sizeof(err), &cut);
		T_OK(n < 0 && strstr(err, "corrupt gzip data") != NULL, "corrupt gzip: an error that says so");
		free(buf);
	}

	/* Stored blocks: a gzip file of 350 KB, read the large-file way; ranges give its mails once. */
	sz = gz_put("stored.mbox.gz", big, bn, 0);
	T_OK(sz > 256 << 10, "a large gzip file");
	snprintf(p, sizeof(p), "%s/stored.mbox.gz", dir);
	T_EQ_INT(joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut), i, "gzip, large: every mail");
	{
		kaeru_reader_opts w = KAERU_READER_OPTS_INIT;
		size_t		  nm = 0;
		T_OK(by_ranges(p, w, 100000, &nm) && nm == (size_t)i, "gzip, large: ranges give every mail once");
	}
	free(big);

	/* In a directory: found and read like a named one. */
	snprintf(p, sizeof(p), "%s/zdir", dir);
	mkdir(p, 0700);
	gz_put("zdir/a.gz", one, strlen(one), 6);
	T_EQ_INT(joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut), 1, "gzip in a directory: read");
	T_EQ_STR(got, one, "gzip in a directory: the mail decompressed");

	/* Other compressions: an error naming the tool, no mail. */
	{
		static const struct {
			const char *name, *magic, *tool;
			size_t	    n;
		} other[] = {
			{ "x.xz", "\xfd" "7zXZ\0\0\4", "xzcat", 8 },
			{ "x.bz2", "BZh91AY&SY", "bzcat", 10 },
			{ "x.zst", "\x28\xb5\x2f\xfd\x24\x04", "zstdcat", 6 },
		};
		size_t k;
		for (k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
			snprintf(p, sizeof(p), "%s/%s", dir, other[k].name);
			f = fopen(p, "wb");
			fwrite(other[k].magic, 1, other[k].n, f);
			fclose(f);
			T_OK(joined(p, NULL, got, sizeof(got), err, sizeof(err), &cut) == -1 &&
			    strstr(err, other[k].tool) != NULL && strstr(err, other[k].name) != NULL,
			    "another compression: an error naming the file and the tool");
		}
	}
}

/* count - mails and errors read from path */
static void
count(const char *path, int *mails, int *errors, kaeru_reader_opts *o, int *truncated)
{
	kaeru_reader *r;
	kaeru_mail    m;
	int	      rc;

	*mails = *errors = 0;
	if (truncated)
		*truncated = 0;
	if (kaeru_reader_open(&r, path, o) != 0) {
		(*errors)++;
		return;
	}
	while ((rc = kaeru_reader_next(r, &m)) != 0) {
		if (rc < 0) {
			(*errors)++;
			continue;
		}
		(*mails)++;
		if (truncated && m.truncated)
			(*truncated)++;
	}
	kaeru_reader_free(r);
}

/*
 * links - symbolic links to directories: one back up the tree (ln -s .
 *	loop) and a second way into a directory already read give an error
 *	each, naming the link, and every mail is read once
 */
static void
links(void)
{
	char p[512];
	int  n, e;

	mkd("lk");
	mkd("lk/sub");
	put("lk/a.eml", "Subject: a\n\n");
	put("lk/sub/b.eml", "Subject: b\n\n");
	T_OK(lnk(".", "lk/loop") == 0, "a link back up");
	T_OK(lnk("lk/sub", "lk/zz-again") == 0, "a second way in");
	snprintf(p, sizeof(p), "%s/lk", dir);
	count(p, &n, &e, NULL, NULL);
	T_EQ_INT(n, 2, "links: each mail once");
	T_EQ_INT(e, 2, "links: an error for each link to a directory read already");
}

/*
 * many_dirs - a tree of 300 directories (the set of those read grows
 *	several times) with a mail in each, a link in the last to the first
 *	and one in the first to the last: every mail once, an error for each
 *	link met after its directory was read (the first link's target, and
 *	the last directory itself when the walk comes to it), and the same
 *	again when the reader is opened anew on the tree
 */
static void
many_dirs(void)
{
	kaeru_reader *r;
	kaeru_mail    m;
	char	      p[512], nm[32];
	int	      n, e, i, k, rc;

	mkd("many");
	for (i = 0; i < 300; i++) {
		snprintf(nm, sizeof(nm), "many/d%03d", i);
		mkd(nm);
		snprintf(nm, sizeof(nm), "many/d%03d/m.eml", i);
		put(nm, "Subject: m\n\n");
	}
	T_OK(lnk("many/d000", "many/d299/back") == 0, "a link to the first directory");
	T_OK(lnk("many/d299", "many/d000/ahead") == 0, "a link to the last directory");
	snprintf(p, sizeof(p), "%s/many", dir);
	count(p, &n, &e, NULL, NULL);
	T_EQ_INT(n, 300, "many directories: each mail once");
	T_EQ_INT(e, 2, "many directories: an error for each link met after its directory was read");
	/* One reader reopened on the tree: it forgets the directories read. */
	T_OK(kaeru_reader_open(&r, p, NULL) == 0, "many directories: open");
	for (k = 0; k < 2; k++) {
		n = e = 0;
		T_OK(k == 0 || kaeru_reader_reopen(r, p, NULL) == 0, "many directories: reopen");
		while ((rc = kaeru_reader_next(r, &m)) != 0)
			(void)(rc < 0 ? e++ : n++);
		T_EQ_INT(n, 300, "many directories, reopened: each mail once");
		T_EQ_INT(e, 2, "many directories, reopened: the same errors");
	}
	kaeru_reader_free(r);
}

/*
 * past_limit - a single mail longer than max_mail_size, whole and with
 *	its attachments elided: from a regular file it is cut at the limit
 *	and marked (the reader closes it there); from a fifo too, and what
 *	follows the limit is still read, so that the writer is not killed
 *	by SIGPIPE
 */
static void
past_limit(void)
{
	static const size_t sizes[] = { 5000, 600000 };	/* under and over the size read whole */
	char		  path[512];
	size_t		  si, len;
	int		  skip;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		char *text = malloc(sizes[si] + 1);

		T_OK(text != NULL, "past the limit: memory");
		if (text == NULL)
			return;
		len = (size_t)snprintf(text, sizes[si], "Subject: long\n\n");
		memset(text + len, 'x', sizes[si] - len);
		for (len = 80; len < sizes[si]; len += 80)
			text[len] = '\n';
		text[sizes[si]] = '\0';
		for (skip = 0; skip < 2; skip++) {
			kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
			kaeru_reader	 *r;
			kaeru_mail	  m;
			pid_t		  pid;
			int		  st, n = 0, ok = 1;

			o.max_mail_size = 1000;
			o.skip_attachments = skip;
			/* A regular file. */
			snprintf(path, sizeof(path), "%s/long.eml", dir);
			put("long.eml", text);
			T_OK(kaeru_reader_open(&r, path, &o) == 0, "past the limit: open");
			while (kaeru_reader_next(r, &m) == 1) {
				ok &= m.truncated && m.len <= 1000 && m.len > 0 && memcmp(m.data, text, m.len) == 0 &&
				    m.data[m.len] == '\0';
				n++;
			}
			kaeru_reader_free(r);
			T_OK(n == 1 && ok, "past the limit, a file: one mail, cut and marked");
			/* A fifo: the writer must see its every byte read. */
			snprintf(path, sizeof(path), "%s/long-fifo", dir);
			T_OK((pid = fifo_writer(path, text)) > 0, "past the limit: a fifo");
			if (pid <= 0)
				continue;
			n = 0;
			ok = 1;
			T_OK(kaeru_reader_open(&r, path, &o) == 0, "past the limit: open the fifo");
			while (kaeru_reader_next(r, &m) == 1) {
				ok &= m.truncated && m.len <= 1000 && memcmp(m.data, text, m.len) == 0;
				n++;
			}
			kaeru_reader_free(r);
			/* Closed: a writer not done yet dies of SIGPIPE now. */
			waitpid(pid, &st, 0);
			T_OK(n == 1 && ok, "past the limit, a fifo: one mail, cut and marked");
			T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "past the limit, a fifo: read to its end");
			unlink(path);
		}
		free(text);
	}
}

/*
 * changed_under - a single mail of 300,000 bytes (past the size that was
 *	once mapped) whose file is cut to nothing, then written longer, while
 *	the mail is held: the mail keeps every byte as read and its NUL, in
 *	a child so that a SIGBUS or SIGSEGV shows as a failure, not a crash
 */
static void
changed_under(void)
{
	char	  p[512];
	pid_t	  pid;
	int	  st = -1;
	size_t	  n = 300000, i;
	char	 *text = malloc(n + 1);
	FILE	 *f;

	memcpy(text, "Subject: big\n\n", 14);
	for (i = 14; i < n; i++)
		text[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
	text[n] = '\0';
	snprintf(p, sizeof(p), "%s/cut.eml", dir);
	f = fopen(p, "w");
	fwrite(text, 1, n, f);
	fclose(f);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		kaeru_reader *r;
		kaeru_mail    m;
		int	      ok;

		if (kaeru_reader_open(&r, p, NULL) != 0 || kaeru_reader_next(r, &m) != 1)
			_exit(2);
		if (truncate(p, 0) != 0)
			_exit(3);
		ok = m.len == n && memcmp(m.data, text, n) == 0;
		/* Written again, longer: the bytes past the mail are not the mail's. */
		f = fopen(p, "w");
		for (i = 0; i < 3 * n; i++)
			fputc('x', f);
		fclose(f);
		ok = ok && m.data[m.len] == '\0' && memcmp(m.data, text, n) == 0;
		kaeru_reader_free(r);
		_exit(ok ? 0 : 4);
	}
	waitpid(pid, &st, 0);
	T_OK(WIFEXITED(st), "a held mail whose file is cut: no signal");
	T_EQ_INT(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0, "a held mail whose file is cut and rewritten: its bytes as read");
	free(text);
}

/* ref_unquote - mboxrd quoting undone by the definition, a line at a time: ">From " and ">>From " lose one '>' */
static size_t
ref_unquote(const char *p, size_t n, char *out)
{
	const char *end = p + n;
	size_t	    o = 0;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t	    len = e ? (size_t)(e - p) + 1 : (size_t)(end - p), k = 0;
		if (len > 5 && p[0] == '>') {
			while (k < len && p[k] == '>')
				k++;
			if (len - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
				p++;
				len--;
			}
		}
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	return o;
}

int
main(void)
{
	char p[512];
	int  n, e, t;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;

	T_OK(mkdtemp(dir) != NULL, "temp dir");
	put("one.eml", "Subject: a\n\nbody\n");
	put("box.mbox", "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n>From quoted\n\n"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n");
	mkd("md");
	mkd("md/cur");
	mkd("md/new");
	put("md/cur/1", "Subject: c\n\n");
	put("md/new/2", "Subject: n\n\n");
	put("md/tmp-not-read", "x");

	snprintf(p, sizeof(p), "%s/one.eml", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 1 && e == 0, "one file, one mail");
	snprintf(p, sizeof(p), "%s/box.mbox", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 2 && e == 0, "mbox: two mails");
	{
		kaeru_reader *r;
		kaeru_mail    m;
		kaeru_reader_open(&r, p, NULL);
		kaeru_reader_next(r, &m);
		T_OK(memmem(m.data, m.len, "\nFrom quoted", 12) != NULL, ">From unquoted");
		T_OK(memmem(m.data, m.len, "Subject: 2", 10) == NULL, "first mail ends at the second");
		T_EQ_STR(m.origin, p, "origin is the mbox path");
		kaeru_reader_free(r);
	}
	/*
	 * Quoted mboxes: mails of lines that start with any number of '>'
	 * before "From " or "Fro", ">" alone, "From " inside a line, read
	 * back as the line-at-a-time definition unquotes them.
	 */
	{
		static const char *const line[] = {
			">From a\n", ">>From b\n", ">>>From c\n", ">Fro\n", ">\n", ">>\n", "text >From x\n",
			"plain line\n", "\n", ">From\n", ">From \n", "> From y\n", ">x\n", "a\n",
		};
		unsigned seed = 17;
		int	 k, bad = 0;
		snprintf(p, sizeof(p), "%s/quoted.mbox", dir);
		for (k = 0; k < 300; k++) {
			static char body[4096], want[4096];
			FILE	   *f = fopen(p, "w");
			size_t	    bn = 0, wn;
			int	    lines = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 60;
			kaeru_reader *r;
			kaeru_mail    m;
			memcpy(body, "Subject: q\n\n", 13);
			bn = 13;
			while (lines-- > 0) {
				const char *l = line[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof(line) / sizeof(line[0]))];
				memcpy(body + bn, l, strlen(l));
				bn += strlen(l);
			}
			if (k % 2)
				bn--;	/* no last newline */
			fprintf(f, "From a@b Mon Jan  1 00:00:00 2001\n");
			fwrite(body, 1, bn, f);
			fclose(f);
			wn = ref_unquote(body, bn, want);
			kaeru_reader_open(&r, p, NULL);
			/* The mail as read: its From_ line, then the body unquoted. */
			if (kaeru_reader_next(r, &m) != 1 || m.len != 34 + wn || memcmp(m.data + 34, want, wn) != 0)
				bad++;
			kaeru_reader_free(r);
		}
		T_EQ_INT(bad, 0, "quoted mbox lines unquoted as the definition");
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/md", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 2 && e == 0, "Maildir: cur and new only");
	count(dir, &n, &e, NULL, NULL);
	T_OK(n == 5 && e == 0, "directory recursion (a Maildir inside counts cur and new)");
	snprintf(p, sizeof(p), "%s/nonexistent", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 0 && e == 1, "missing path is one error");
	T_OK(strstr(kaeru_error_last(), "nonexistent") != NULL, "error names the path");
	o.max_mail_size = 8;
	snprintf(p, sizeof(p), "%s/one.eml", dir);
	count(p, &n, &e, &o, &t);
	T_OK(n == 1 && t == 1, "size limit marks truncated");
	big_mbox(dir);
	glued_big(dir);
	edge_starts(dir);
	listed();
	named_pipes();
	gzipped();
	links();
	many_dirs();
	changed_under();
	past_limit();
	/* Mailboxes glued without an empty line; prose that starts with "From "; old Mac line ends. */
	put("glued.mbox", "From a@b Thu Jan  1 00:00:00 2001\nSubject: 1\n\nbody\n"
	    "From the desk of Mon (no time here), not a From_ line\n"
	    "From Friday Mon 12:00 is prose: its sender is a word, but it has the shape\n"
	    "--end--\nFrom MAILER-DAEMON Fri Jan  2 00:00:00 2001\nSubject: 2\n\nx\n");
	snprintf(p, sizeof(p), "%s/glued.mbox", dir);
	count(p, &n, &e, NULL, NULL);
	T_EQ_INT(n, 3, "glued mbox: a strict From_ line ends a mail without an empty line");
	put("mac.mbox", "From a@b Thu Jan  1 00:00:00 2001\rSubject: 1\r\rbody\r\r"
	    "From c@d Fri Jan  2 00:00:00 2001\rSubject: 2\r\r>From quoted\r");
	snprintf(p, sizeof(p), "%s/mac.mbox", dir);
	count(p, &n, &e, NULL, NULL);
	T_EQ_INT(n, 2, "CR-only mbox: two mails");
	{
		kaeru_reader *r;
		kaeru_mail    m;
		kaeru_reader_open(&r, p, NULL);
		kaeru_reader_next(r, &m);
		kaeru_reader_next(r, &m);
		T_OK(memmem(m.data, m.len, "\rFrom quoted", 12) != NULL, "CR-only mbox: >From unquoted");
		kaeru_reader_free(r);
	}
	glued_edge();
	read_sizes();
	elided_mbox();
	{
		/* Ranges over small files, every step; and what a range cannot be. */
		static const char *const names[] = { "box.mbox", "glued.mbox", "mac.mbox", "one.eml" };
		kaeru_reader	       *r;
		size_t			i, ok = 1;
		uint64_t		s;
		for (i = 0; i < 4; i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
			for (s = 1; s < 200; s++)
				ok &= (size_t)by_ranges(p, o, s, NULL);
		}
		T_OK(ok, "small files: ranges of 1 to 199 bytes read as the whole");
		o.range_from = 10;
		o.range_to = 10;
		T_EQ_INT(kaeru_reader_open(&r, p, &o), KAERU_EINVAL, "an empty range is refused");
		o.range_to = 0;
		T_EQ_INT(kaeru_reader_open(&r, "-", &o), KAERU_EINVAL, "a range of standard input is refused");
		o.range_from = 0;
	}
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	T_OK(system(p) == 0, "cleanup");
	return t_done("reader");
}

/*
 * NAME
 *	fuzz_mbox - the mbox splitter, through kaeru_reader_* on a memory file
 * DESCRIPTION
 *	The input is written to a memfd and read back through its
 *	/proc/self/fd path, so the reader's own open, stat and stream code
 *	runs without touching the disk. The mails handed back must hold
 *	no more bytes than the file, and with max_mail_size small enough
 *	the cap must hold. Three readers over ranges that tile the file
 *	(cut where the second and third bytes say) must hand out the same
 *	mails, in the same order; and so must readers that read 1 to 64
 *	bytes at a time (the fourth byte says how many), whole and over
 *	the same ranges: where reads begin and end must not matter. With
 *	skip_attachments and such reads, a mail longer than four reads is
 *	streamed through the elider: the mails must split as they do
 *	without it, each whole or shortened with its From_ line kept, and
 *	give the records the whole mail gives.
 *
 *	An input that begins with gzip's magic is decompressed as the reader
 *	reads it (mail/gzip.c). Most such inputs are corrupt, which must be
 *	an error and never a crash, and a few KB of them can stand for
 *	megabytes: such an input is read once, whole, for at most 256 mails
 *	or 4 MB, and then as ranges, of which the one from 0 must hold every
 *	mail read and the others none. An input of xz, bzip2 or zstd data
 *	must be refused with an error and no mail.
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include "lib/mail/gzip.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int  fd = -1;
static char path[64];

/* The mails seen, as hashes of (length, bytes, truncated), and their bytes. */
struct seen {
	uint64_t h[512];
	size_t	 n;
	size_t	 total;
};

/*
 * mails - read the range [from, to) of the file (size bytes) with o into
 *	s, checking each mail as it comes
 */
static void
mails(kaeru_reader_opts o, uint64_t from, uint64_t to, size_t size, struct seen *s)
{
	kaeru_reader *r;
	kaeru_mail    m;
	int	      rc;

	o.range_from = from;
	o.range_to = to;
	FUZZ_CHECK(kaeru_reader_open(&r, path, &o) == 0);
	while ((rc = kaeru_reader_next(r, &m)) == 1) {
		uint64_t h = 1469598103934665603ull ^ m.len ^ ((uint64_t)m.truncated << 63);
		size_t	 i;

		FUZZ_CHECK(m.data != NULL && m.origin != NULL);
		FUZZ_CHECK(m.len == 0 || m.data[m.len] == '\0');
		if (o.max_mail_size != 0)
			FUZZ_CHECK(m.len <= o.max_mail_size + 4096);
		for (i = 0; i < m.len; i++)
			h = (h ^ (unsigned char)m.data[i]) * 1099511628211ull;
		if (s->n < 512)
			s->h[s->n] = h;
		s->n++;
		s->total += m.len;
		FUZZ_CHECK(s->n <= size + 1);
	}
	FUZZ_CHECK(rc == 0);
	kaeru_reader_free(r);
}

/*
 * same_as - read the file with o, whole (a == b == 0) or as the ranges
 *	[0, a), [a, b), [b, end) (the empty ones left out), and check that
 *	the mails are those of whole
 */
static void
same_as(const struct seen *whole, kaeru_reader_opts o, uint64_t a, uint64_t b, size_t size)
{
	static struct seen parts;

	memset(&parts, 0, sizeof(parts));
	if (a > 0)
		mails(o, 0, a, size, &parts);
	if (b > a)
		mails(o, a, b, size, &parts);
	mails(o, b, 0, size, &parts);
	FUZZ_CHECK(parts.n == whole->n && parts.total == whole->total);
	FUZZ_CHECK(memcmp(parts.h, whole->h, (whole->n < 512 ? whole->n : 512) * sizeof(whole->h[0])) == 0);
}

/* The mails read whole, end to end in one buffer, for elided_like(). */
static struct {
	char   *buf;
	size_t	cap, len;
	size_t	off[257], n;
	int	cut[256];
} held;

/* hold - the mails of the file read with o, without skip_attachments, into held */
static void
hold(kaeru_reader_opts o)
{
	kaeru_reader *r;
	kaeru_mail    m;

	held.len = held.n = 0;
	o.skip_attachments = 0;
	FUZZ_CHECK(kaeru_reader_open(&r, path, &o) == 0);
	while (held.n < 256 && kaeru_reader_next(r, &m) == 1) {
		if (held.len + m.len + 1 > held.cap) {
			held.cap = (held.len + m.len + 1) * 2;
			held.buf = realloc(held.buf, held.cap);
			FUZZ_CHECK(held.buf != NULL);
		}
		memcpy(held.buf + held.len, m.data, m.len);
		held.off[held.n] = held.len;
		held.cut[held.n] = m.truncated;
		held.len += m.len;
		held.n++;
	}
	held.off[held.n] = held.len;
	kaeru_reader_free(r);
}

/* records - the JSON of every record of mail p[0..n), end to end, into out */
static void
records(const char *p, size_t n, kaeru_buf *out)
{
	static kaeru_parser *parser;
	const kaeru_record  *r;
	size_t		     k, i;

	if (parser == NULL)
		FUZZ_CHECK(kaeru_parser_new(&parser, NULL) == 0);
	out->size = 0;
	FUZZ_CHECK(kaeru_parser_parse(parser, p, n, "m", &r, &k) == 0);
	for (i = 0; i < k; i++)
		FUZZ_CHECK(kaeru_record_json(&r[i], 0, out) == 0);
}

/*
 * elided_like - the mails read with o and skip_attachments are those of
 *	hold(): the same number, each whole or shortened by the elider (its
 *	From_ line kept, cut as it was), giving the records the whole gives.
 *	(Not the bytes of one kel_stream() over the whole mail: where the
 *	elider first meets a CR alone, it stops leaving anything out, and
 *	that depends on where the bytes it is given end.)
 */
static void
elided_like(kaeru_reader_opts o)
{
	static kaeru_buf a, b;
	kaeru_reader	*r;
	kaeru_mail	 m;
	size_t		 i = 0;

	o.skip_attachments = 1;
	FUZZ_CHECK(kaeru_reader_open(&r, path, &o) == 0);
	while (i < held.n && kaeru_reader_next(r, &m) == 1) {
		const char *w = held.buf + held.off[i], *nl;
		size_t	    wn = held.off[i + 1] - held.off[i];

		FUZZ_CHECK(m.truncated == held.cut[i]);
		FUZZ_CHECK(m.len == 0 || m.data[m.len] == '\0');
		if (!(m.len == wn && memcmp(m.data, w, wn) == 0)) {
			FUZZ_CHECK(m.len < wn && (nl = memchr(w, '\n', wn)) != NULL);
			FUZZ_CHECK(memcmp(m.data, w, (size_t)(nl - w) + 1) == 0);
			records(w, wn, &a);
			records(m.data, m.len, &b);
			FUZZ_CHECK(a.size == b.size && (a.size == 0 || memcmp(a.ptr, b.ptr, a.size) == 0));
		}
		i++;
	}
	FUZZ_CHECK(i == held.n);
	if (held.n < 256)
		FUZZ_CHECK(kaeru_reader_next(r, &m) == 0);	/* no mail more */
	kaeru_reader_free(r);
}

/*
 * zipped - read a compressed input: up to 256 mails or 4 MB through a
 *	reader of the range [from, to), errors allowed; the mails' number
 */
static size_t
zipped(uint64_t from, uint64_t to, size_t *bytes, int *failed)
{
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	kaeru_reader	 *r;
	kaeru_mail	  m;
	size_t		  n = 0;
	int		  rc;

	o.range_from = from;
	o.range_to = to;
	o.skip_attachments = from == 0 && to == 0;	/* the elider reads the stream too */
	*bytes = 0;
	*failed = 0;
	FUZZ_CHECK(kaeru_reader_open(&r, path, &o) == 0);
	while (n < 256 && *bytes < (4u << 20) && (rc = kaeru_reader_next(r, &m)) != 0) {
		if (rc < 0) {
			*failed = 1;
			FUZZ_CHECK(kaeru_error_last()[0] != '\0');
			continue;
		}
		FUZZ_CHECK(m.data != NULL && m.origin != NULL && (m.len == 0 || m.data[m.len] == '\0'));
		*bytes += m.len;
		n++;
	}
	kaeru_reader_free(r);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen whole;
	kaeru_reader_opts  o = KAERU_READER_OPTS_INIT;

	if (fd < 0) {
		if ((fd = memfd_create("fuzz_mbox", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (kgz_magic((const char *)data, size)) {
		size_t bw, b0, b1, nw, n0, n1;
		int    fw, f0, f1;

		nw = zipped(0, 0, &bw, &fw);
		n0 = zipped(0, size / 2 + 1, &b0, &f0);
		n1 = zipped(size / 2 + 1, 0, &b1, &f1);
		FUZZ_CHECK(n0 == nw && f0 == fw);
		FUZZ_CHECK(n1 == 0 && b1 == 0 && !f1);
		return 0;
	}
	if (kgz_other((const char *)data, size, NULL) != NULL) {
		size_t b;
		int    f;
		FUZZ_CHECK(zipped(0, 0, &b, &f) == 0 && f);
		return 0;
	}
	/* The first byte's low bits choose a small cap now and then. */
	o.max_mail_size = size > 0 && (data[0] & 3) == 3 ? 64 : 0;
	memset(&whole, 0, sizeof(whole));
	mails(o, 0, 0, size, &whole);
	/* mboxrd unquoting only removes bytes. */
	FUZZ_CHECK(whole.total <= size);
	if (size >= 3) {
		uint64_t a = (uint64_t)data[1] * size / 256, b = a + (uint64_t)data[2] * (size - a) / 256;

		same_as(&whole, o, a, b, size);
		/*
		 * Read a few bytes at a time (the fourth byte says how many),
		 * whole and over the same ranges: where the reads' edges fall
		 * must not change a mail.
		 */
		o.read_size = 1 + (size > 3 ? data[3] % 64 : 0);
		same_as(&whole, o, 0, 0, size);
		same_as(&whole, o, a, b, size);
		hold(o);
		elided_like(o);
	}
	return 0;
}

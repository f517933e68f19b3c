/*
 * NAME
 *	gzip - compressed mailboxes: gzip read through zlib, others named
 * DESCRIPTION
 *	See gzip.h. zlib does the inflating; this file only feeds it from a
 *	stdio stream, one member after another, and gives the result as a
 *	stdio stream of its own so that the reader's mbox, single-mail and
 *	attachment-eliding paths read it as they read standard input.
 */
#include "gzip.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define KGZ_IN (64 << 10)	/* compressed bytes read from f at a time */

struct kgz {
	FILE	     *f;
	int	      own;
	z_stream      s;
	int	      member_end;	/* a member just ended: another may follow */
	int	      done;		/* the end, after the last member */
	const char   *err;		/* why it failed, or NULL */
	unsigned char in[KGZ_IN];
};

int
kgz_magic(const char *p, size_t n)
{
	return n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
}

const char *
kgz_other(const char *p, size_t n, const char **tool)
{
	const unsigned char *u = (const unsigned char *)p;
	const char	    *name = NULL, *cat = NULL;

	if (n >= 5 && memcmp(p, "\xfd" "7zXZ", 5) == 0)
		name = "xz", cat = "xzcat";
	else if (n >= 4 && u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd)
		name = "zstd", cat = "zstdcat";
	/* "BZh", a block size 1-9, then the first byte of a block (0x31) or of the end (0x17). */
	else if (n >= 5 && memcmp(p, "BZh", 3) == 0 && u[3] >= '1' && u[3] <= '9' && (u[4] == 0x31 || u[4] == 0x17))
		name = "bzip2", cat = "bzcat";
	if (tool != NULL)
		*tool = cat;
	return name;
}

/* fill - more compressed bytes when zlib has used those it had; 0 at f's end or on error */
static size_t
fill(struct kgz *z)
{
	size_t k;

	if (z->s.avail_in > 0)
		return z->s.avail_in;
	k = fread(z->in, 1, sizeof(z->in), z->f);
	if (k == 0 && ferror(z->f))
		z->err = "read error";
	z->s.next_in = z->in;
	z->s.avail_in = (uInt)k;
	return k;
}

/* kgz_read - fopencookie's read: up to size decompressed bytes */
static ssize_t
kgz_read(void *cookie, char *buf, size_t size)
{
	struct kgz *z = cookie;
	size_t	    got;

	if (size > UINT32_MAX)
		size = UINT32_MAX;
	z->s.next_out = (Bytef *)buf;
	z->s.avail_out = (uInt)size;
	while (z->s.avail_out > 0 && !z->done && z->err == NULL) {
		int rc;

		if (z->member_end) {
			/* Another member only when its first byte follows; anything else ends it all. */
			if (fill(z) == 0 || z->s.next_in[0] != 0x1f) {
				z->done = 1;
				break;
			}
			if (inflateReset(&z->s) != Z_OK) {
				z->err = "corrupt gzip data";
				break;
			}
			z->member_end = 0;
		}
		if (fill(z) == 0) {
			if (z->err == NULL)
				z->err = "gzip data ends early (truncated)";
			break;
		}
		{
			uInt in = z->s.avail_in, out = z->s.avail_out;

			rc = inflate(&z->s, Z_NO_FLUSH);
			if (rc == Z_STREAM_END)
				z->member_end = 1;
			else if (rc == Z_MEM_ERROR)
				z->err = "out of memory";
			else if (rc != Z_OK && rc != Z_BUF_ERROR)
				z->err = "corrupt gzip data";
			else if (z->s.avail_in == in && z->s.avail_out == out)
				z->err = "corrupt gzip data";	/* no progress with room on both sides: never loop */
		}
	}
	got = size - z->s.avail_out;
	if (got > 0)
		return (ssize_t)got;	/* the bytes before a failure first */
	if (z->err != NULL) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* kgz_close - fopencookie's close: zlib's state, and f when owned */
static int
kgz_close(void *cookie)
{
	struct kgz *z = cookie;
	int	    rc = 0;

	inflateEnd(&z->s);
	if (z->own)
		rc = fclose(z->f);
	free(z);
	return rc;
}

FILE *
kgz_open(FILE *f, const char *head, size_t n, int own, struct kgz **out)
{
	static const cookie_io_functions_t io = { kgz_read, NULL, NULL, kgz_close };
	struct kgz *z;
	FILE	   *g;

	if (n > KGZ_IN || (z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->f = f;
	z->own = own;
	/* 16 + 15: gzip's header and trailer, a window of up to 32 KiB. */
	if (inflateInit2(&z->s, 16 + 15) != Z_OK) {
		free(z);
		return NULL;
	}
	memcpy(z->in, head, n);
	z->s.next_in = z->in;
	z->s.avail_in = (uInt)n;
	if ((g = fopencookie(z, "rb", io)) == NULL) {
		inflateEnd(&z->s);
		free(z);
		return NULL;
	}
	*out = z;
	return g;
}

const char *
kgz_error(const struct kgz *z)
{
	return z != NULL ? z->err : NULL;
}

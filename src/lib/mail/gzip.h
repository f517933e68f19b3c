/*
 * NAME
 *	gzip - compressed mailboxes: gzip read through, others named
 * SYNOPSIS
 *	if (kgz_magic(head, hn)) {
 *		struct kgz *z;
 *		FILE *g = kgz_open(f, head, hn, 1, &z);
 *		... fread(buf, 1, n, g) ...; if (ferror(g)) why = kgz_error(z);
 *		fclose(g);	(closes f too, frees z)
 *	} else if ((name = kgz_other(head, hn, &tool)) != NULL)
 *		refuse, naming the tool that decompresses it;
 * DESCRIPTION
 *	Rotated mail spools are compressed (logrotate's default is gzip), and
 *	a compressed file read as a mail holds no bounce: it used to give no
 *	record and no error. The reader hands gzip data (RFC 1952, members
 *	one after another as "cat a.gz b.gz" makes them) through zlib as the
 *	bytes it decompresses to, and names xz, bzip2 and zstd data instead
 *	of reading it as mail.
 *
 *	kgz_open() returns a read-only stdio stream (fopencookie) of the
 *	decompressed bytes: first of the n bytes at head, which the caller
 *	already read from f, then of the rest of f. It cannot seek and has no
 *	descriptor. Bytes after the last member that do not start another
 *	one are ignored, as gzip does. Data that is corrupt or ends before
 *	its member does is a read error once the bytes before it are handed
 *	out; kgz_error() then says which. With own set, closing the stream
 *	closes f. The state z lives until the stream is closed.
 */
#ifndef KAERU_MAIL_GZIP_H
#define KAERU_MAIL_GZIP_H

#include <stddef.h>
#include <stdio.h>

struct kgz;

/* kgz_magic - do the n bytes at p begin gzip data */
int	    kgz_magic(const char *p, size_t n);
/*
 * kgz_other - "xz", "bzip2" or "zstd" when the n bytes at p begin such
 *	data, else NULL; *tool (when tool is not NULL) the command that
 *	writes it out decompressed ("xzcat", "bzcat", "zstdcat")
 */
const char *kgz_other(const char *p, size_t n, const char **tool);
/* kgz_open - the stream of f's decompressed bytes (see above); NULL on ENOMEM */
FILE	   *kgz_open(FILE *f, const char *head, size_t n, int own, struct kgz **z);
/* kgz_error - why the stream failed ("corrupt gzip data", ...), or NULL */
const char *kgz_error(const struct kgz *z);

#endif

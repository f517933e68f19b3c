/*
 * NAME
 *	kaeru/reader.h - mails from files, directories, Maildirs and mboxes
 * SYNOPSIS
 *	kaeru_reader *r;
 *	kaeru_mail m;
 *	int rc;
 *
 *	kaeru_reader_open(&r, path, NULL);
 *	while ((rc = kaeru_reader_next(r, &m)) != 0) {
 *		if (rc < 0) { report(kaeru_error_last()); continue; }
 *		parse(m.data, m.len, m.origin);
 *	}
 *	kaeru_reader_free(r);
 * DESCRIPTION
 *	A path is "-" (standard input), a regular file (one mail, or an mbox
 *	when it starts with a "From " line), a Maildir (cur/ and new/) or any
 *	other directory (every regular file in it, in name order, recursing
 *	into subdirectories). A pipe or a device given as the path itself
 *	(a shell's <(xzcat bounces.xz)) is read to its end as standard input
 *	is; one found inside a directory is passed over, and a path that
 *	cannot be opened (a socket) is an error. A directory met a second
 *	time (through a symbolic link back up the tree, or a second link to
 *	it) is not read again, and is reported as an error naming the link.
 *	An mbox is streamed: memory stays bounded by the largest mail (itself
 *	capped by max_mail_size).
 *
 *	gzip data (a file, a pipe or standard input that begins with gzip's
 *	magic, members one after another) is decompressed as it is read, and
 *	max_mail_size counts the decompressed bytes. A range reader cannot
 *	seek in it: the range that starts at 0 gives all its mails, the
 *	others none. xz, bzip2 and zstd data is an error that names the tool
 *	to pipe it through. A read that fails (a disk error, gzip data cut
 *	short or corrupt) ends that input: the mails read before it are
 *	handed out, the last one marked truncated, and the next call returns
 *	the error.
 *
 *	kaeru_reader_next() returns 1 with a mail, 0 at the end, or a
 *	negative code when one input could not be read; the reader then goes
 *	on with the next input at the following call. The mail's bytes and
 *	origin belong to the reader until its next call; data[len] is a NUL,
 *	so the bytes may also be read as a C string (a mail holding NUL
 *	bytes then ends early that way; len is the truth).
 *
 *	With skip_attachments set, a mail file of 256 KiB or more, a mail
 *	on standard input and a mail of an mbox past its first MiB are
 *	streamed in pieces and handed out
 *	without the bodies of their base64 attachments (images, archives:
 *	the parts that kaeru_parser_parse() never reads); headers, boundary
 *	lines and every other byte are kept, so the parser's records are
 *	the same. Give the parser's max_header_len with it, so that both
 *	read part headers alike. A 15 MB bounce full of photos then costs a
 *	few KB of memory, and its attachments are never copied.
 *	Leave it unset to get the mail's bytes as they are (to store them).
 *
 *	A range (range_from, range_to) gives only the mails that start at a
 *	byte offset in [range_from, range_to) of their file: an mbox's mails
 *	whose From_ line starts there, split exactly as a reader of the
 *	whole file splits them; a single-mail file's mail when the range
 *	holds offset 0. Readers over ranges that tile a file hand out its
 *	mails once each, in order, and each reads little more than its own
 *	range (the file's first chunk, to learn its line end, and the end of
 *	its last mail): threads can split one large mbox this way. A range
 *	needs a file: standard input is refused (KAERU_EINVAL).
 *
 *	read_size sets how many bytes each read of an mbox asks for, an mbox
 *	under 256 KiB included (it is otherwise read whole at once). Where
 *	the reads' edges fall never changes the mails handed out (but on
 *	standard input, whose first read also decides an old Mac mailbox's
 *	line end); tests and the fuzzer read with a few bytes a time so
 *	that a mail's start or a From_ line falls across an edge.
 *
 *	kaeru_reader_reopen() starts r over on another path (or range), as
 *	kaeru_reader_open() would, but keeps its buffers: a thread that reads
 *	range after range reuses the same memory instead of having fresh
 *	pages faulted in for each. On an error r reads nothing until the
 *	next successful reopen.
 */
#ifndef KAERU_READER_H
#define KAERU_READER_H

#include <kaeru/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kaeru_reader kaeru_reader;

typedef struct kaeru_mail {
	const char	*data;
	size_t		 len;
	const char	*origin;	/* the path as given; for an mbox, the mbox path */
	int		 truncated;	/* 1 when max_mail_size cut this mail */
} kaeru_mail;

#define KAERU_READER_OPTS_VERSION 4

typedef struct kaeru_reader_opts {
	unsigned int	version;	/* KAERU_READER_OPTS_VERSION; 1 and 2 still read their fields */
	size_t		max_mail_size;	/* 0: KAERU_DEFAULT_MAX_MAIL_SIZE */
	/* Since version 2: */
	int		skip_attachments;
	size_t		max_header_len;	/* the parser's (0: KAERU_DEFAULT_MAX_HEADER_LEN) */
	/* Since version 3: only the mails that start at a byte offset in
	   [range_from, range_to) of their file (range_to 0: to its end) */
	uint64_t	range_from;
	uint64_t	range_to;
	/* Since version 4: bytes per read of an mbox (0: 256 KiB, and 64 KiB
	   for the first); never changes which mails come out */
	size_t		read_size;
} kaeru_reader_opts;

#define KAERU_READER_OPTS_INIT { KAERU_READER_OPTS_VERSION, 0, 0, 0, 0, 0, 0 }

KAERU_EXTERN int  kaeru_reader_open(kaeru_reader **out, const char *path,
		    const kaeru_reader_opts *opts);
KAERU_EXTERN int  kaeru_reader_reopen(kaeru_reader *r, const char *path,
		    const kaeru_reader_opts *opts);
KAERU_EXTERN int  kaeru_reader_next(kaeru_reader *r, kaeru_mail *mail);
KAERU_EXTERN void kaeru_reader_free(kaeru_reader *r);

#ifdef __cplusplus
}
#endif

#endif

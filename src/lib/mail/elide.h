/*
 * NAME
 *	elide - stream a mail, leaving out the bodies of base64 attachments
 * SYNOPSIS
 *	struct kelide e;
 *
 *	kel_init(&e, max_header_len);
 *	kel_stream(&e, &out, win, sizeof(win), fill, ctx);	(one mail)
 *	kel_dispose(&e);
 * DESCRIPTION
 *	A 15 MB bounce is mostly the photos it returns. km_parse() never
 *	reads them, but mapping or copying them costs more than parsing the
 *	rest. kel_feed() copies the mail to out as it comes, except the body
 *	of each part that km_parse() would skip and no decoder can read: a
 *	part of a multipart whose media type km_part_type() calls KP_OTHER
 *	(image/, application/, audio/ ...) and whose transfer encoding is
 *	base64. Boundary lines, part headers and every other byte are kept,
 *	so parsing the output gives the records that parsing the input gives.
 *
 *	It reads the MIME structure as km_parse() does: header blocks by
 *	kh_parse() with the parser's max_header_len, boundaries by
 *	kh_param(), delimiter lines "--B" or "--B--" with only blanks after,
 *	the outermost multipart's first, CRLF as LF. When the mail leaves
 *	what it can follow with certainty (a CR alone, a header block over
 *	256 KiB, a line longer than the caller's window) or past 4,096 parts,
 *	it stops leaving anything out: the rest is copied as it is.
 *
 *	kel_stream() reads one mail through the window win: fill(ctx, buf, n)
 *	puts up to n bytes of it in buf and returns how many, fewer only at
 *	its end. Underneath, kel_begin() starts a mail and kel_feed() takes
 *	whole lines: it returns how many of the n bytes it used (the rest
 *	begins an unfinished line, to be given again with more bytes); with
 *	eof set it uses all. When a full window comes back unused (one line
 *	fills it), kel_off() makes the next call take everything.
 *	kel_mem_fill() is such a fill for a mail already in memory (ctx: a
 *	struct kel_mem, advanced as it is read).
 */
#ifndef KAERU_MAIL_ELIDE_H
#define KAERU_MAIL_ELIDE_H

#include "../../util/arena.h"
#include "../../util/str.h"

#include <stddef.h>

#define KEL_DEPTH 32	/* nested multiparts followed; deeper ones are copied */

struct kel_bd {
	size_t		 off;	/* a multipart's boundary: bds.p[off..off+n) */
	size_t		 n;
};

struct kelide {
	karena		 a;		/* the header block being read, parsed */
	kstr		 hdr;		/* a header block with CRLF made LF, to parse */
	kstr		 bds;		/* the open multiparts' boundaries, end to end */
	size_t		 maxhdr;	/* the parser's max_header_len */
	struct kel_bd	 bd[KEL_DEPTH];	/* open multiparts, outermost first */
	int		 nbd;
	int		 st;		/* KEL_HEAD, KEL_COPY, KEL_SKIP or KEL_OFF */
	int		 bol;		/* the next byte fed starts a line */
	int		 parent;	/* in KEL_HEAD: KEL_TOP, KEL_PART or KEL_MSG */
	int		 lead;		/* in KEL_HEAD: no line of the block seen yet */
	size_t		 nfields;	/* in KEL_HEAD: field lines seen */
	size_t		 hoff;		/* in KEL_HEAD: where the block starts in out */
	size_t		 nparts;	/* parts begun (delimiters seen) */
	int		 unsafe;	/* a returned message's header block ended at a
					   line that is not a field, and no empty line
					   has been seen since (see decide()) */
	size_t		 elided;	/* bytes left out of this mail */
};

void	kel_init(struct kelide *e, size_t max_header_len);
void	kel_dispose(struct kelide *e);
void	kel_begin(struct kelide *e, const kstr *out);
size_t	kel_feed(struct kelide *e, kstr *out, const char *p, size_t n, int eof);
void	kel_off(struct kelide *e);
/* A mail in memory, as kel_mem_fill() hands it to kel_stream(). */
struct kel_mem {
	const char	*p;
	size_t		 left;
};

size_t	kel_mem_fill(void *ctx, char *buf, size_t n);
void	kel_stream(struct kelide *e, kstr *out, char *win, size_t winsize,
	    size_t (*fill)(void *ctx, char *buf, size_t n), void *ctx);

#endif

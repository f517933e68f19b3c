/*
 * NAME
 *	kaeru/parse.h - read a returned mail, classify each recipient
 * SYNOPSIS
 *	kaeru_parser *p;
 *	kaeru_parse_opts o = KAERU_PARSE_OPTS_INIT;
 *	const kaeru_record *rec;
 *	size_t n;
 *
 *	if (kaeru_parser_new(&p, &o) != 0) ...
 *	if (kaeru_parser_parse(p, buf, len, "path", &rec, &n) == 0)
 *		for (i = 0; i < n; i++) use(&rec[i]);
 *	kaeru_parser_free(p);
 * DESCRIPTION
 *	A parser holds options and scratch memory that it reuses from mail to
 *	mail, so parsing allocates almost nothing once warm. A parser is used
 *	by one thread at a time; create one per thread. The records belong
 *	to the parser and stay valid until its next parse or its free.
 *
 *	A mail that is not a bounce, a complaint, an auto-reply or a delivery
 *	report yields zero records and returns 0: that is not an error.
 *	Malformed MIME, wrong charsets and binary junk are read as well as
 *	they can be; only out-of-memory and invalid arguments fail.
 */
#ifndef KAERU_PARSE_H
#define KAERU_PARSE_H

#include <kaeru/common.h>
#include <kaeru/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kaeru_parser kaeru_parser;

#define KAERU_PARSE_OPTS_VERSION 2	/* 2 added max_records; 1 is still accepted */

/*
 * Resource limits: 0 selects the default. Past a limit the mail is still
 * classified from what was read and its records carry
 * KAERU_RECORD_TRUNCATED.
 *
 * A record's diagnostic text is at most max_header_len bytes (it is one
 * field of a report), and the records of one mail together keep at most
 * max_decoded bytes of it: text that many recipients share is repeated in
 * each record, and these two bound what one mail can make the output hold.
 */
typedef struct kaeru_parse_opts {
	unsigned int	version;	/* KAERU_PARSE_OPTS_VERSION */
	size_t		max_mail_size;	/* bytes examined per mail (64 MiB) */
	unsigned	max_depth;	/* MIME nesting depth (32) */
	unsigned	max_parts;	/* MIME parts per mail (1024) */
	size_t		max_header_len;	/* bytes of one header field (64 KiB) */
	size_t		max_decoded;	/* decoded text kept per mail (4 MiB) */
	size_t		max_records;	/* records per mail (10,000); version 2 */
} kaeru_parse_opts;

#define KAERU_PARSE_OPTS_INIT { KAERU_PARSE_OPTS_VERSION, 0, 0, 0, 0, 0, 0 }

#define KAERU_DEFAULT_MAX_MAIL_SIZE	((size_t)64 << 20)
#define KAERU_DEFAULT_MAX_DEPTH		32u
#define KAERU_DEFAULT_MAX_PARTS		1024u
#define KAERU_DEFAULT_MAX_HEADER_LEN	((size_t)64 << 10)
#define KAERU_DEFAULT_MAX_DECODED	((size_t)4 << 20)
#define KAERU_DEFAULT_MAX_RECORDS	((size_t)10000)

/* kaeru_parser_new - parser with the given options (NULL: defaults); free with kaeru_parser_free */
KAERU_EXTERN int  kaeru_parser_new(kaeru_parser **out, const kaeru_parse_opts *opts);

/* kaeru_parser_free - release a parser and its records; accepts NULL */
KAERU_EXTERN void kaeru_parser_free(kaeru_parser *p);

/*
 * kaeru_parser_parse - analyse one mail of len bytes
 *	origin is copied into each record (may be NULL). On success *records
 *	points to *count records owned by the parser.
 */
KAERU_EXTERN int  kaeru_parser_parse(kaeru_parser *p, const char *buf,
		    size_t len, const char *origin,
		    const kaeru_record **records, size_t *count);

/*
 * kaeru_parser_truncated - 1 when the last mail given to kaeru_parser_parse
 *	reached a limit (size, depth, parts, header length, decoded text,
 *	records, diagnostic text),
 *	whether or not it gave records; 0 otherwise. A mail cut before its
 *	report gives no record, and this tells it apart from a mail that is
 *	no bounce.
 */
KAERU_EXTERN int  kaeru_parser_truncated(const kaeru_parser *p);

#ifdef __cplusplus
}
#endif

#endif

/*
 * NAME
 *	message - RFC 5322 headers, MIME structure and the flat text view
 * SUMMARY
 *	km_parse() reads one mail: it normalises newlines to LF (copying only
 *	when the mail has CR), indexes the top-level header fields without
 *	copying them, walks the MIME tree and builds the flat text that the
 *	bounce decoders read:
 *
 *	- text/plain parts (and text/html without a plain twin, as text) in
 *	  UTF-8, transfer-decoded, trailing blanks of each line removed;
 *	- each message/delivery-status, message/global-delivery-status or
 *	  message/feedback-report part as the marker line
 *	  "Content-Type: message/delivery-status" (or feedback-report)
 *	  followed by its decoded fields;
 *	- each message/rfc822, message/global, text/rfc822-headers part as
 *	  "Content-Type: message/rfc822" (or text/rfc822-headers) followed
 *	  by the header block of the returned message only.
 *
 *	Attachments (images, archives, the returned message's body) are
 *	located but never decoded.
 * OWNERSHIP
 *	All strings live in the parse arena or the parser's flat buffer and
 *	die with the next parse.
 */
#ifndef KAERU_MIME_MESSAGE_H
#define KAERU_MIME_MESSAGE_H

#include "../../util/arena.h"
#include "../../util/charset.h"
#include "../../util/str.h"

#include <stdint.h>

/* One header field: slices into the mail, value raw (may be folded). */
struct khdr {
	const char	*name;
	const char	*val;
	uint32_t	 nlen;
	uint32_t	 vlen;
	uint32_t	 key;		/* kh_name_key() of the name */
	char		*unfolded;	/* kh_get()'s answer, memoised (arena), or NULL */
	char		*decoded;	/* kh_get_decoded()'s answer, memoised, or NULL */
};

#define KH_SLOTS 128	/* kh_find()'s table: first field of each name */

struct khdrs {
	struct khdr	*v;
	size_t		 n;
	size_t		 cap;
	uint16_t	 slot[KH_SLOTS];	/* index + 1 into v, 0 empty; unused when n > KH_SLOTS / 2 */
};

enum kpart_type {
	KP_TEXT,	/* text/plain and other text/ */
	KP_HTML,	/* text/html */
	KP_MULTIPART,
	KP_RFC822,	/* message/rfc822, message/global */
	KP_HEADERS,	/* text/rfc822-headers, message/global-headers */
	KP_DSN,		/* message/delivery-status, message/global-delivery-status */
	KP_FEEDBACK,	/* message/feedback-report */
	KP_OTHER	/* attachment: skipped */
};

enum kcte { CTE_7BIT, CTE_8BIT, CTE_BINARY, CTE_BASE64, CTE_QP };

struct klimits {
	size_t		max_mail_size;
	unsigned	max_depth;
	unsigned	max_parts;
	size_t		max_header_len;
	size_t		max_decoded;
	size_t		max_records;
};

/*
 * km_text_cap - the bytes of a record's text that count: max_header_len
 *	(one field of a report), or all of them without limits
 */
static inline size_t
km_text_cap(const struct klimits *lim)
{
	return lim != NULL && lim->max_header_len ? lim->max_header_len : SIZE_MAX - 1;
}

/* Byte range of a flat-text section. */
struct ksect {
	size_t		off;
	size_t		len;
	enum kpart_type	type;
};

#define KM_MAX_SECTS 64

struct kmsg {
	karena		*a;
	kcharset	*cs;
	const struct klimits *lim;

	const char	*raw;		/* whole mail, LF newlines */
	size_t		 rawlen;
	const char	*unixfrom;	/* "From " line without the newline, or NULL */
	size_t		 unixfromlen;
	struct khdrs	 hdr;		/* top-level fields */
	const char	*body;		/* top-level body (raw) */
	size_t		 bodylen;

	kstr		*flat;		/* owned by the parser, reused */
	kstr		*scratch;	/* three work buffers owned by the parser, reused */
	struct ksect	 sect[KM_MAX_SECTS];
	unsigned	 nsect;
	size_t		 rfc822_off;	/* flat offset of the first returned-message marker, or SIZE_MAX */

	const char	*orig;		/* header block of the returned message (raw slice), or NULL */
	size_t		 origlen;
	const char	*origend;	/* the end of its MIME part when that lies in raw, or NULL */
	struct khdrs	 orighdr;

	const char	*ctype;		/* top-level media type, lower case, "" if none */
	const char	*subject;	/* decoded Subject, "Fwd:" removed (set by the parser) */
	const char	*from;		/* decoded From (set by the parser) */
	const char	*subject_lc;	/* the subject in ASCII lower case, and its length */
	size_t		 subject_len;
	const char	*from_lc;
	size_t		 from_len;
	/*
	 * The decoders' last lh_phrase() and lh_fill_codes() answers (lhost.c),
	 * reused for the same text: text is a copy; a text over LH_MEMO_MAX
	 * bytes is kept by its address and hash instead (text NULL).
	 */
	struct {
		const char *text, *result, *at;
		size_t	    len;
		uint64_t    hash;
		unsigned    family;
	} phrase_memo[4];		/* round robin */
	unsigned	 phrase_next;
	struct kcodes_memo {
		const char *text, *status_in, *status_out, *status_src, *reply, *at;
		size_t	    len;
		uint64_t    hash;
	} codes_memo[4];
	unsigned	 codes_next;
	uint64_t	 subject_bi[8];	/* kh_bigrams() of subject_lc and of from_lc */
	uint64_t	 from_bi[8];
	unsigned	 nparts;
	unsigned	 truncated;	/* a limit was reached */
	unsigned	 depth_seen;
	unsigned	 only_standard;	/* skip family decoders (a test hook) */
	unsigned	 nested;	/* a bounce read inside another (lhost/generic.c) */

	/* kb_append() bookkeeping (bounce.c): its last result and the bytes it used. */
	const char	*app_last;
	size_t		 app_len;
	size_t		 app_total;
};

int	 km_parse(struct kmsg *m, const char *buf, size_t len);
/* km_normalise - buf with CR and CRLF as LF (buf itself when it has no CR; else in a); *len updated */
const char *km_normalise(karena *a, const char *buf, size_t *len);
/* How km_parse() reads a part: by its lower-case media type, its Content-Transfer-Encoding. */
enum kpart_type km_part_type(const char *mt);
enum kcte km_cte(const struct khdrs *h);

/* Headers */
/* Length of "Name" when the line p[0..n) starts a field "Name:", else 0 (as kh_parse() reads lines). */
size_t	 kh_field_name_len(const char *p, size_t n);
int	 kh_parse(karena *a, const char *p, size_t n, size_t maxlen,
	    struct khdrs *out, size_t *bodyoff, unsigned *truncated);
/* kh_name_key - a field name's length and first and last letters, lower case */
static inline uint32_t
kh_name_key(const char *name, size_t n)
{
	if (n == 0)
		return 0;
	return (uint32_t)(n & 0xffff) << 16 | (uint32_t)k_lower((unsigned char)name[0]) << 8 |
	    (uint32_t)k_lower((unsigned char)name[n - 1]);
}
void	 kh_bigrams(const char *lc, size_t n, uint64_t set[8]);

#define KH_BIGRAM(a, b) ((((unsigned)(a) * 31u) ^ (unsigned)(b)) & 511u)

/* kh_bigram_in - may the pair a, b occur in the text of set */
static inline int
kh_bigram_in(const uint64_t set[8], unsigned char a, unsigned char b)
{
	unsigned k = KH_BIGRAM(a, b);

	return (int)((set[k >> 6] >> (k & 63)) & 1);
}
const struct khdr *kh_find_n(const struct khdrs *h, const char *name, size_t zn, uint32_t zk);
/* kh_find - first field called name, or NULL (inline: a literal's key folds) */
static inline const struct khdr *
kh_find(const struct khdrs *h, const char *name)
{
	size_t zn = strlen(name);

	return kh_find_n(h, name, zn, kh_name_key(name, zn));
}
const struct khdr *kh_find_next_n(const struct khdrs *h, const struct khdr *after,
	    const char *name, size_t zn, uint32_t zk);
/* kh_find_next - next field called name after the given one, or NULL (inline, as kh_find) */
static inline const struct khdr *
kh_find_next(const struct khdrs *h, const struct khdr *after, const char *name)
{
	size_t zn = strlen(name);

	return kh_find_next_n(h, after, name, zn, kh_name_key(name, zn));
}
size_t	 kh_count(const struct khdrs *h, const char *name);
char	*kh_unfold(karena *a, const char *v, size_t n);
const char *kh_field_get(struct kmsg *m, const struct khdrs *h, const struct khdr *f);
const char *kh_field_get_decoded(struct kmsg *m, const struct khdrs *h, const struct khdr *f);

/* kh_get - unfolded raw value of the first field called name, or "" */
static inline const char *
kh_get(struct kmsg *m, const struct khdrs *h, const char *name)
{
	return kh_field_get(m, h, kh_find(h, name));
}

/* kh_get_decoded - its value with encoded words decoded to UTF-8, or "" */
static inline const char *
kh_get_decoded(struct kmsg *m, const struct khdrs *h, const char *name)
{
	return kh_field_get_decoded(m, h, kh_find(h, name));
}

/* RFC 2047 encoded words to UTF-8 (appends). */
void	 kh_decode_words(kcharset *cs, const char *s, size_t n, kstr *out);

/* Content-Type: media type (lower case, into buf) and a parameter. */
void	 kh_media_type(const char *v, size_t n, char *buf, size_t bufsize);
int	 kh_param(const char *v, size_t n, const char *name, const char **val,
	    size_t *vlen, karena *a);

/* HTML to text (appends). */
void	 km_html_text(const char *s, size_t n, kstr *out);

/* Flat-text line iteration: *line points into the flat text, no newline. */
static inline int
km_nextline(const char **cur, const char *end, const char **line, size_t *len)
{
	const char *p = *cur, *nl;

	if (p >= end)
		return 0;
	nl = k_find_nl(p, (size_t)(end - p));
	*line = p;
	if (nl == NULL) {
		*len = (size_t)(end - p);
		*cur = end;
	} else {
		*len = (size_t)(nl - p);
		*cur = nl + 1;
	}
	return 1;
}

#endif

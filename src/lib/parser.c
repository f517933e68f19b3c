/*
 * NAME
 *	parser - kaeru_parser: read one mail, return its records
 * DESCRIPTION
 *	The parser owns an arena that is reset for each mail, the flat-text
 *	buffer and the iconv cache; after the first few mails a parse
 *	allocates nothing from the system. Stages:
 *	1. km_parse(): newlines, headers, MIME walk, flat text (mime/);
 *	2. the decoded Subject and From; a forwarded bounce ("Fwd:") has
 *	   one level of its quoting removed;
 *	3. lhost_decode(): the family decoder, else the standard readers
 *	   (lhost/);
 *	4. kf_build(): codes, classification, hard/soft, tokens (fact/).
 */
#include <kaeru/parse.h>

#include "error.h"
#include "fact/fact.h"
#include "lhost/lhost.h"

#include <stdlib.h>

struct kaeru_parser {
	struct klimits	lim;
	karena		arena;
	kcharset       *cs;
	kstr		flat;
	kstr		scratch[3];
	struct krecs	recs;
	unsigned	only_standard;	/* test hook: skip the family decoders */
	int		truncated;	/* the last mail reached a limit */
};

/*
 * kaeru_parser_only_standard - internal test hook (not in the public
 *	headers): read every mail with the standard readers alone, as if no
 *	family decoder existed, to measure how kaeru fares on unknown MTAs.
 */
void kaeru_parser_only_standard(kaeru_parser *p, int on);

int
kaeru_parser_truncated(const kaeru_parser *p)
{
	return p != NULL && p->truncated;
}
void
kaeru_parser_only_standard(kaeru_parser *p, int on)
{
	p->only_standard = on != 0;
}

int
kaeru_parser_new(kaeru_parser **out, const kaeru_parse_opts *opts)
{
	kaeru_parser *p;

	if (out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_parser_new: out is NULL");
	*out = NULL;
	if (opts != NULL && (opts->version < 1 || opts->version > KAERU_PARSE_OPTS_VERSION))
		return kerr_set(KAERU_EVERSION, "kaeru_parse_opts version %u, want 1 to %u",
		    opts->version, KAERU_PARSE_OPTS_VERSION);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return kerr_set(KAERU_ENOMEM, "out of memory");
	p->lim.max_mail_size = opts && opts->max_mail_size ? opts->max_mail_size : KAERU_DEFAULT_MAX_MAIL_SIZE;
	p->lim.max_depth = opts && opts->max_depth ? opts->max_depth : KAERU_DEFAULT_MAX_DEPTH;
	p->lim.max_parts = opts && opts->max_parts ? opts->max_parts : KAERU_DEFAULT_MAX_PARTS;
	p->lim.max_header_len = opts && opts->max_header_len ? opts->max_header_len : KAERU_DEFAULT_MAX_HEADER_LEN;
	p->lim.max_decoded = opts && opts->max_decoded ? opts->max_decoded : KAERU_DEFAULT_MAX_DECODED;
	/* A version 1 caller's struct ends before max_records. */
	p->lim.max_records = opts && opts->version >= 2 && opts->max_records ? opts->max_records :
	    KAERU_DEFAULT_MAX_RECORDS;
	ka_init(&p->arena, 0);
	ks_init(&p->flat);
	ks_init(&p->scratch[0]);
	ks_init(&p->scratch[1]);
	ks_init(&p->scratch[2]);
	if ((p->cs = kcs_new()) == NULL) {
		free(p);
		return kerr_set(KAERU_ENOMEM, "out of memory");
	}
	*out = p;
	return 0;
}

void
kaeru_parser_free(kaeru_parser *p)
{
	if (p == NULL)
		return;
	ka_dispose(&p->arena);
	ks_dispose(&p->flat);
	ks_dispose(&p->scratch[0]);
	ks_dispose(&p->scratch[1]);
	ks_dispose(&p->scratch[2]);
	kcs_free(p->cs);
	free(p);
}

/* unquote_forward - drop "> " quoting of a forwarded bounce, in place */
static void
unquote_forward(kstr *flat)
{
	char  *r = flat->p, *w = flat->p, *end = flat->p + flat->len;
	int    bol = 1;

	if (r == NULL)
		return;
	while (r < end) {
		if (bol && *r == '>') {
			/*
			 * One level: a quoted transcript line ">>>> DATA" is
			 * ">>> DATA", whose marks are the transcript's own.
			 */
			r++;
			if (r < end && *r == ' ')
				r++;
			bol = 0;
			continue;
		}
		bol = *r == '\n';
		*w++ = *r++;
	}
	flat->len = (size_t)(w - flat->p);
	flat->p[flat->len] = '\0';
}

int
kaeru_parser_parse(kaeru_parser *p, const char *buf, size_t len,
    const char *origin, const kaeru_record **records, size_t *count)
{
	struct kmsg    m;
	struct kbounce b;
	int	       r;

	if (p == NULL || records == NULL || count == NULL || (buf == NULL && len > 0))
		return kerr_set(KAERU_EINVAL, "kaeru_parser_parse: NULL argument");
	*records = NULL;
	*count = 0;
	ka_reset(&p->arena);
	p->recs.v = NULL;
	p->recs.n = p->recs.cap = 0;
	p->truncated = 0;
	if (len == 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.a = &p->arena;
	m.cs = p->cs;
	m.lim = &p->lim;
	m.flat = &p->flat;
	m.scratch = p->scratch;
	if (km_parse(&m, buf, len) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory reading %s", origin ? origin : "mail");
	p->truncated |= m.truncated != 0;
	m.subject = kh_get_decoded(&m, &m.hdr, "subject");
	m.from = kh_get_decoded(&m, &m.hdr, "from");
	{
		const char *s = m.subject;
		while (*s == ' ')
			s++;
		if (k_startswith_ci(s, strlen(s), "fwd:") || k_startswith_ci(s, strlen(s), "fw:")) {
			s = strchr(s, ':') + 1;
			while (*s == ' ')
				s++;
			m.subject = s;
			unquote_forward(m.flat);
		}
	}
	m.only_standard = p->only_standard;
	/* Lower-cased copies for the decoders' many subject and From tests. */
	if (lh_prepare_tests(&m) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory reading %s", origin ? origin : "mail");
	if ((r = lhost_decode(&m, &b)) < 0)
		return kerr_set(KAERU_ENOMEM, "out of memory reading %s", origin ? origin : "mail");
	if (r == 0)
		return 0;
	if (kf_build(&m, &b, origin, &p->recs) != 0)
		return kerr_set(KAERU_ENOMEM, "out of memory reading %s", origin ? origin : "mail");
	p->truncated |= m.truncated != 0;	/* records or diagnostic text cut */
	*records = p->recs.v;
	*count = p->recs.n;
	return 0;
}

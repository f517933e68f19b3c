/*
 * NAME
 *	listenc - the encoding of a list file, and its text as UTF-8
 * DESCRIPTION
 *	Lists come out of spreadsheets and CRMs. A spreadsheet in Japan
 *	saves CSV in Shift_JIS (Windows code page 932) unless told
 *	otherwise, older Unix tools write EUC-JP, and European ones
 *	Windows-1252. kaeru_clean() reads UTF-8 only, so a list is converted
 *	first, and strictly: every byte converts or the list is refused with
 *	the line and byte that did not. A name that came out with U+FFFD in
 *	it would be damage done without a word.
 *
 *	Guessing tries, in order, and takes the first that reads every
 *	byte: UTF-8; ISO-2022-JP when its escapes are there; CP932 and
 *	EUC-JP, first the one whose byte pairs kcs_guess() counts more of
 *	(a run of EUC-JP pairs is also valid CP932 as half-width katakana,
 *	so order matters); last Windows-1252, which reads almost any bytes,
 *	and so only when the Japanese ones failed before any non-ASCII text.
 * THREADS
 *	Each call opens its own iconv descriptor: no shared state.
 */
#include <kaeru/store.h>

#include "../error.h"
#include "../../util/charset.h"
#include "../../util/codec.h"
#include "../../util/str.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

/* where - line and byte (1-based) of offset off in data */
static void
where(const char *data, size_t off, long *line, size_t *byte)
{
	const char *p = data, *e = data + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		(*line)++;
		p = nl + 1;
	}
	*byte = (size_t)(e - p) + 1;
}

/*
 * strict - data converted from one encoding to another, appended to out:
 *	0; -1 with *bad the offset of the first byte that does not convert
 *	(nothing appended); -2 when iconv knows either encoding not
 */
static int
strict(const char *to, const char *from, const char *data, size_t len, kstr *out, size_t *bad)
{
	iconv_t cd = iconv_open(to, from);
	char   *ip = (char *)(uintptr_t)data, *op;
	size_t	il = len, start = out->len, ol;
	int	rc = 0;

	if (cd == (iconv_t)-1)
		return -2;
	while (il > 0 && rc == 0) {
		if (ks_reserve(out, il * 3 + 16) != 0)
			break;
		op = out->p + out->len;
		ol = out->cap - out->len - 1;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			*bad = (size_t)(ip - data);	/* EILSEQ, or EINVAL: cut short at the end */
			rc = -1;
		}
		out->len = (size_t)(op - out->p);
	}
	/* The end of a shift state (ISO-2022-JP back to ASCII) writes nothing, or little. */
	if (rc == 0 && ks_reserve(out, 16) == 0) {
		op = out->p + out->len;
		ol = 16;
		iconv(cd, NULL, NULL, &op, &ol);
		out->len = (size_t)(op - out->p);
	}
	iconv_close(cd);
	if (rc != 0)
		out->len = start;
	if (out->p != NULL)
		out->p[out->len] = '\0';
	return rc;
}

/* high_before - a byte of 0x80 or more in data[0..n) */
static int
high_before(const char *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)data[i] >= 0x80)
			return 1;
	return 0;
}

/* display - the common name of an encoding guessed (its iconv name is more exact) */
static const char *
display(const char *iconv_name)
{
	if (strcmp(iconv_name, "CP932") == 0)
		return "Shift_JIS (CP932)";
	if (strcmp(iconv_name, "EUC-JP-MS") == 0)
		return "EUC-JP";
	if (strcmp(iconv_name, "ISO-2022-JP-3") == 0)
		return "ISO-2022-JP";
	if (strcmp(iconv_name, "WINDOWS-1252") == 0)
		return "Windows-1252";
	return iconv_name;
}

/* kaeru_list_to_utf8 - a list's bytes as UTF-8, from the encoding named or guessed */
int
kaeru_list_to_utf8(const char *data, size_t len, const char *encoding, kaeru_buf *out,
    const char **used)
{
	const char *cand[5];
	size_t	    ncand = 0, i, bad = 0, first_bad = 0;
	const char *first_enc = "UTF-8";
	long	    line;
	size_t	    byte;
	kstr	    k;
	int	    rc = -1, named = encoding != NULL && *encoding != '\0';

	if ((data == NULL && len > 0) || out == NULL || used == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_list_to_utf8: NULL argument");
	if (data == NULL)
		data = "";
	*used = NULL;
	if (named) {
		const char *canon = kcs_canonical(encoding, strlen(encoding));

		if (canon != NULL && strcmp(canon, "UTF-8") == 0) {
			if (!kc_utf8_valid(data, len)) {
				where(data, kc_utf8_valid_prefix(data, len), &line, &byte);
				return kerr_set(KAERU_EPARSE, "line %ld: invalid UTF-8 (byte %zu of the line)",
				    line, byte);
			}
			*used = "UTF-8";
			return 0;
		}
		cand[ncand++] = encoding;
	} else {
		const char *g = kcs_guess(data, len);

		if (strcmp(g, "UTF-8") == 0) {
			*used = "UTF-8";
			return 0;
		}
		if (strncmp(g, "ISO-2022-JP", 11) == 0) {
			/* Seven bits: ISO-2022-JP when its escapes read, else UTF-8 as it is. */
			k = (kstr){ out->ptr, out->size, out->asize, 0 };
			rc = strict("UTF-8", "ISO-2022-JP-3", data, len, &k, &bad);
			out->ptr = k.p;
			out->size = k.len;
			out->asize = k.cap;
			if (!ks_ok(&k))
				return kerr_set(KAERU_ENOMEM, "out of memory");
			if (rc == 0) {
				*used = "ISO-2022-JP-3";
				return 1;
			}
			if (kc_utf8_valid(data, len)) {
				*used = "UTF-8";
				return 0;
			}
		}
		if (strcmp(g, "EUC-JP-MS") == 0) {
			cand[ncand++] = "EUC-JP-MS";
			cand[ncand++] = "CP932";
		} else {
			cand[ncand++] = "CP932";
			cand[ncand++] = "EUC-JP-MS";
		}
		/* Last: it reads almost any bytes (Müller, café), so only when nothing else did. */
		cand[ncand++] = "WINDOWS-1252";
	}
	k = (kstr){ out->ptr, out->size, out->asize, 0 };
	for (i = 0; i < ncand && rc != 0; i++) {
		/*
		 * Windows-1252 reads almost any bytes: not for a list that
		 * CP932 or EUC-JP read non-ASCII text of before a bad byte (a
		 * Japanese list with a broken byte is refused, not garbled).
		 */
		if (!named && strcmp(cand[i], "WINDOWS-1252") == 0 && high_before(data, first_bad))
			break;
		rc = strict("UTF-8", cand[i], data, len, &k, &bad);
		if (rc == -2 && named) {
			out->ptr = k.p;
			out->asize = k.cap;
			return kerr_set(KAERU_EINVAL, "unknown encoding \"%s\"", encoding);
		}
		if (rc == -1 && (i == 0 || bad > first_bad)) {
			first_bad = bad;
			first_enc = cand[i];
		}
		if (rc == 0)
			*used = cand[i];
	}
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	if (!ks_ok(&k))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (rc == 0)
		return 1;
	where(data, first_bad, &line, &byte);
	if (named)
		return kerr_set(KAERU_EPARSE, "line %ld: not %s (byte %zu of the line)", line, encoding, byte);
	return kerr_set(KAERU_EPARSE, "line %ld: not %s (byte %zu of the line), nor UTF-8 or any "
	    "other encoding tried: name the list's encoding", line, display(first_enc), byte);
}

/* kaeru_list_from_utf8 - a list's UTF-8 bytes in another encoding, strictly */
int
kaeru_list_from_utf8(const char *data, size_t len, const char *encoding, kaeru_buf *out)
{
	kstr   k;
	size_t bad = 0, byte;
	long   line;
	int    rc;

	if ((data == NULL && len > 0) || encoding == NULL || out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_list_from_utf8: NULL argument");
	if (data == NULL)
		data = "";
	k = (kstr){ out->ptr, out->size, out->asize, 0 };
	rc = strict(encoding, "UTF-8", data, len, &k, &bad);
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	if (!ks_ok(&k))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	if (rc == -2)
		return kerr_set(KAERU_EINVAL, "unknown encoding \"%s\"", encoding);
	if (rc == -1) {
		where(data, bad, &line, &byte);
		return kerr_set(KAERU_EPARSE, "line %ld: a character that %s cannot hold (byte %zu of the line)",
		    line, encoding, byte);
	}
	return 0;
}

/*
 * NAME
 *	address - the store's key of an address, RFC 5321 validity, typos
 * DESCRIPTION
 *	The key writes the domain in lower case, with IDNA2008 A-labels
 *	(libidn2, non-transitional) for non-ASCII domains, and by default
 *	the local part's ASCII letters in lower case too: RFC 5321 leaves
 *	the local part's case to the receiving host, and hosts ignore it
 *	almost everywhere, so Foo@ and foo@ are one subscriber. Other
 *	characters of a UTF-8 local part (RFC 6531) are kept as written:
 *	their case mapping would need Unicode tables the receiver may not
 *	share. Without KADDR_FOLD (kaeru.conf local_part_case_sensitive) the
 *	local part is kept as written.
 *
 *	Validity: a dot-atom or quoted-string local part of at most 64
 *	octets (UTF-8 allowed as in RFC 6531), a domain of LDH labels of at
 *	most 63 octets, at least two labels and a non-numeric top label, or
 *	an address literal ([192.0.2.1], [IPv6:...]); 254 octets in all.
 *
 *	Typos: a domain one edit (insertion, deletion, substitution or
 *	transposition) away from a well-known mail domain, and not itself
 *	one, is reported with the well-known one. Nothing is allocated
 *	except by libidn2, and its result is freed at once.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

/*
 * to_alabels - IDNA2008 A-labels of a NUL-terminated UTF-8 domain into
 *	out (appended); 0, or -1 when the name is not valid or libidn2 is
 *	missing (*why says which).
 *
 *	libidn2 (with libunistring) is opened here, on the first
 *	non-ASCII domain, not linked: loading it cost every kaeru start
 *	0.44 M instructions, nearly half of a one-mail "kaeru parse", and
 *	few addresses need it. Once opened it stays (RTLD_NODELETE), so a
 *	later call's dlopen() only finds it again; nothing is kept here.
 */
static int
to_alabels(const char *domain, kstr *out, const char **why)
{
	typedef int (*to_ascii_fn)(const char *, char **, int);
	typedef void (*free_fn)(void *);
	void	   *dl = dlopen("libidn2.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	to_ascii_fn to_ascii = NULL;
	free_fn	    release = NULL;
	char	   *a = NULL;
	int	    rc;

	if (dl != NULL) {
		void *f = dlsym(dl, "idn2_to_ascii_8z"), *g = dlsym(dl, "idn2_free");
		memcpy(&to_ascii, &f, sizeof(f));
		memcpy(&release, &g, sizeof(g));
	}
	if (to_ascii == NULL || release == NULL) {
		if (dl != NULL)
			dlclose(dl);
		*why = "internationalised domain names need libidn2 (Debian: apt-get install libidn2-0)";
		return -1;
	}
	rc = to_ascii(domain, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc == IDN2_OK)
		ks_adds(out, a);
	release(a);
	dlclose(dl);
	if (rc != IDN2_OK) {
		*why = "domain is not a valid internationalised name (IDNA2008)";
		return -1;
	}
	return 0;
}

/* is_atext - RFC 5322 atext, plus UTF-8 bytes (RFC 6531) */
static int
is_atext(unsigned char c)
{
	return k_isalnum(c) || c >= 0x80 || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* check_local - a dot-atom or a quoted string */
static const char *
check_local(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "empty local part";
	if (n > 64)
		return "local part longer than 64 octets";
	if (s[0] == '"') {
		if (n < 2 || s[n - 1] != '"')
			return "unterminated quoted local part";
		for (i = 1; i + 1 < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '\\') {
				if (++i + 1 >= n || (unsigned char)s[i] < 0x20)
					return "bad escape in quoted local part";
			} else if (c == '"' || (c < 0x20 && c != '\t') || c == 0x7f)
				return "bad character in quoted local part";
		}
		return NULL;
	}
	if (s[0] == '.' || s[n - 1] == '.')
		return "local part starts or ends with a dot";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return "two dots in a row in the local part";
		} else if (!is_atext(c))
			return "character not allowed in the local part";
	}
	return NULL;
}

/* check_ldh - an ASCII domain of LDH labels */
static const char *
check_ldh(const char *d, size_t n)
{
	size_t i, start = 0, labels = 0;
	int    alldigit = 1;

	if (n == 0)
		return "empty domain";
	if (n > 253)
		return "domain longer than 253 octets";
	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			size_t len = i - start;
			if (len == 0)
				return "empty label in the domain";
			if (len > 63)
				return "domain label longer than 63 octets";
			if (d[start] == '-' || d[i - 1] == '-')
				return "domain label starts or ends with a hyphen";
			labels++;
			if (i < n)
				alldigit = 1;
			start = i + 1;
			continue;
		}
		if (!k_isalnum((unsigned char)d[i]) && d[i] != '-')
			return "character not allowed in the domain";
		if (!k_isdigit((unsigned char)d[i]))
			alldigit = 0;
	}
	if (labels < 2)
		return "domain without a dot";
	if (alldigit)
		return "numeric top-level domain";
	return NULL;
}

/* check_literal - [IPv4] or [IPv6:...] */
static const char *
check_literal(const char *d, size_t n)
{
	char	      buf[64];
	unsigned char addr[16];

	if (n < 3 || d[n - 1] != ']' || n - 2 >= sizeof(buf))
		return "bad address literal";
	memcpy(buf, d + 1, n - 2);
	buf[n - 2] = '\0';
	if (strncmp(buf, "IPv6:", 5) == 0 ? inet_pton(AF_INET6, buf + 5, addr) == 1
	    : inet_pton(AF_INET, buf, addr) == 1)
		return NULL;
	return "bad address literal";
}

/*
 * kaddr_norm - the key of in[0..n) into out (replaced); flags: KADDR_CHECK
 * also validates, KADDR_FOLD writes the local part's ASCII letters in
 * lower case. -1 with *why on failure.
 */
int
kaddr_norm(const char *in, size_t n, kstr *out, const char **why, int flags)
{
	int check = flags & KADDR_CHECK;

	const char *at = NULL, *d;
	size_t	    i, dn, ln;
	int	    ascii = 1;

	ks_clear(out);
	for (i = n; i > 0; i--)
		if (in[i - 1] == '@') {
			at = in + i - 1;
			break;
		}
	if (at == NULL) {
		*why = "no @";
		return -1;
	}
	ln = (size_t)(at - in);
	d = at + 1;
	dn = n - ln - 1;
	if (memchr(in, '\0', n) != NULL) {
		*why = "NUL byte";
		return -1;
	}
	if (check) {
		if (n > 254) {
			*why = "address longer than 254 octets";
			return -1;
		}
		if ((*why = check_local(in, ln)) != NULL)
			return -1;
	} else if (ln == 0 || dn == 0) {
		*why = ln == 0 ? "empty local part" : "empty domain";
		return -1;
	}
	for (i = 0; i < dn; i++)
		if ((unsigned char)d[i] >= 0x80)
			ascii = 0;
	ks_add(out, in, ln + 1);
	if ((flags & KADDR_FOLD) && ks_ok(out))
		k_lowercase(out->p, ln);
	if (dn > 0 && d[0] == '[') {
		if (check && (*why = check_literal(d, dn)) != NULL)
			return -1;
		ks_add(out, d, dn);
	} else if (ascii) {
		size_t start = out->len;
		ks_add(out, d, dn);
		if (ks_ok(out))
			k_lowercase(out->p + start, dn);
		if (check && ks_ok(out) && (*why = check_ldh(out->p + start, dn)) != NULL)
			return -1;
	} else {
		char   tmp[512];
		size_t start = out->len;

		if (dn >= sizeof(tmp)) {
			*why = "domain too long";
			return -1;
		}
		memcpy(tmp, d, dn);
		tmp[dn] = '\0';
		if (to_alabels(tmp, out, why) != 0)
			return -1;
		if (ks_ok(out))
			k_lowercase(out->p + start, out->len - start);
		if (check && ks_ok(out) && (*why = check_ldh(out->p + start, out->len - start)) != NULL)
			return -1;
	}
	if (!ks_ok(out)) {
		*why = "out of memory";
		return -1;
	}
	/* A UTF-8 domain can outgrow the limit as A-labels, which are what DNS and SMTP carry. */
	if (check && out->len > 254) {
		*why = "address longer than 254 octets (its domain as A-labels)";
		return -1;
	}
	return 0;
}

/* norm_to_buf - hand a kstr's bytes over as a kaeru_buf (replacing its content) */
static int
norm_to_buf(const char *addr, size_t n, kaeru_buf *out, const char **why, int flags)
{
	kstr	    k = { out->ptr, 0, out->asize, 0 };
	const char *w = NULL;
	int	    rc;

	rc = kaddr_norm(addr, n, &k, &w, flags);
	out->ptr = k.p;
	out->size = k.len;
	out->asize = k.cap;
	if (why != NULL)
		*why = w;
	if (!ks_ok(&k))
		return kerr_set(KAERU_ENOMEM, "out of memory");
	return rc == 0 ? 0 : kerr_set(KAERU_EINVAL, "invalid address: %s", w);
}

/* kaeru_address_normalize - the store's default key of an address */
int
kaeru_address_normalize(const char *addr, size_t n, kaeru_buf *out)
{
	if (addr == NULL || out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_address_normalize: NULL argument");
	return norm_to_buf(addr, n, out, NULL, KADDR_FOLD);
}

/* kaeru_address_check - validate and normalise an address */
int
kaeru_address_check(const char *addr, size_t n, kaeru_buf *out, const char **why)
{
	if (addr == NULL || out == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_address_check: NULL argument");
	return norm_to_buf(addr, n, out, why, KADDR_CHECK | KADDR_FOLD);
}

/* Well-known mail domains: a typo is one edit away from one of these. */
static const char *const known_domains[] = {
	"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "yahoo.co.uk",
	"yahoo.fr", "ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
	"outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
	"aol.com", "mail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
	"protonmail.com", "proton.me", "yandex.ru", "mail.ru", "qq.com",
	"163.com", "comcast.net", "verizon.net", "att.net", "orange.fr",
	"free.fr", "laposte.net", "t-online.de", "libero.it", "docomo.ne.jp",
	"ezweb.ne.jp", "softbank.ne.jp", "i.softbank.jp", "naver.com",
	"fastmail.com", "zoho.com",
};

/* kaddr_within_one - 1 when a and b are one insertion, deletion, substitution or transposition apart */
int
kaddr_within_one(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0;

	if (an > bn + 1 || bn > an + 1)
		return 0;
	while (i < an && i < bn && a[i] == b[i])
		i++;
	if (an == bn) {
		if (i == an)
			return 0;	/* equal */
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return 1;	/* substitution */
		return i + 1 < an && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    strcmp(a + i + 2, b + i + 2) == 0;	/* transposition */
	}
	return an > bn ? strcmp(a + i + 1, b + i) == 0 : strcmp(a + i, b + i + 1) == 0;
}

/* kaeru_domain_typo - the well-known domain this one likely misspells, or NULL */
const char *
kaeru_domain_typo(const char *domain)
{
	size_t i, n;
	const char *hit = NULL;

	if (domain == NULL)
		return NULL;
	n = strlen(domain);
	if (n < 6)
		return NULL;
	for (i = 0; i < sizeof(known_domains) / sizeof(known_domains[0]); i++) {
		if (strcmp(domain, known_domains[i]) == 0)
			return NULL;
		if (hit == NULL && kaddr_within_one(domain, n, known_domains[i], strlen(known_domains[i])))
			hit = known_domains[i];
	}
	return hit;
}

/*
 * NAME
 *	fuzz_addrkey - the store's address key: kaeru_address_normalize,
 *	kaeru_address_check and kaeru_domain_typo
 * DESCRIPTION
 *	Every call of the store matches an address by its key, so the key
 *	must be a fixed point: the key of a key is itself, and an address
 *	that passes the check has a key that passes it too, with the same
 *	key. A key is valid UTF-8 without NUL and has an '@', and its domain
 *	is in lower case, and ASCII (IDNA A-labels) when the check passed; an
 *	address literal is kept as written. A typo hint names another domain,
 *	never the same one.
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include "util/codec.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *why = NULL, *at, *p, *typo;
	kaeru_buf   k = KAERU_BUF_INIT, k2 = KAERU_BUF_INIT, c = KAERU_BUF_INIT;
	int	    rn, rc;

	rn = kaeru_address_normalize(s, size, &k);
	rc = kaeru_address_check(s, size, &c, &why);
	if (rc == 0) {
		/* What passes the check has a key, the same one. */
		FUZZ_CHECK(rn == 0);
		FUZZ_CHECK(k.size == c.size && memcmp(k.ptr, c.ptr, k.size) == 0);
	} else
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	if (rn != 0)
		goto done;
	FUZZ_CHECK(k.ptr != NULL && strlen(k.ptr) == k.size);
	FUZZ_CHECK(kc_utf8_valid(k.ptr, k.size) || !kc_utf8_valid(s, size));
	at = strrchr(k.ptr, '@');
	FUZZ_CHECK(at != NULL);
	/*
	 * The domain: lower case, and ASCII when the check passed (A-labels).
	 * An address literal ("[192.0.2.1]") is kept as written.
	 */
	for (p = at + 1; at[1] != '[' && *p != '\0'; p++) {
		FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z'));
		if (rc == 0)
			FUZZ_CHECK((unsigned char)*p < 0x80);
	}
	/* The key of a key is itself. */
	FUZZ_CHECK(kaeru_address_normalize(k.ptr, k.size, &k2) == 0);
	FUZZ_CHECK(k2.size == k.size && memcmp(k2.ptr, k.ptr, k.size) == 0);
	if (rc == 0) {
		why = NULL;
		FUZZ_CHECK(kaeru_address_check(k.ptr, k.size, &k2, &why) == 0);
		FUZZ_CHECK(k2.size == k.size && memcmp(k2.ptr, k.ptr, k.size) == 0);
		typo = kaeru_domain_typo(at + 1);
		FUZZ_CHECK(typo == NULL || strcmp(typo, at + 1) != 0);
	}
done:
	kaeru_buf_dispose(&k);
	kaeru_buf_dispose(&k2);
	kaeru_buf_dispose(&c);
	return 0;
}

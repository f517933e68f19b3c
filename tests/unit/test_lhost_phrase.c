/*
 * test_lhost_phrase - the family tables through lh_phrase() and
 *	lh_phrase_sq(), and the memo they share (lhost/lhost.c)
 */
#include "t.h"
#include "lib/lhost/lhost.h"

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(none)";
}

int
main(void)
{
	struct klimits lim = { 1 << 20, 8, 64, 64 << 10, 4 << 20, 10000 };
	struct kmsg    m;
	karena	       a;
	const char    *one = "The user(s) account is disabled.";
	const char    *two = "The user(s)  account\tis disabled.";	/* white space to squeeze */
	static char    longtext[6000], other[6000];
	size_t	       i;

	memset(&m, 0, sizeof(m));
	ka_init(&a, 0);
	m.a = &a;
	m.lim = &lim;

	T_EQ_STR(nz(lh_phrase(&m, "ezweb", one)), "suspend", "a family phrase");
	T_EQ_STR(nz(lh_phrase(&m, "ezweb", two)), "(none)", "unsqueezed white space does not match");
	T_EQ_STR(nz(lh_phrase_sq(&m, "ezweb", two)), "suspend", "squeezed, it does");
	T_EQ_STR(nz(lh_phrase(&m, "ezweb", two)), "(none)", "the squeezed answer is not the plain one's memo");
	T_EQ_STR(nz(lh_phrase(&m, "nosuchfamily", one)), "(none)", "an unknown family");
	T_EQ_STR(nz(lh_phrase(&m, "ezweb", NULL)), "(none)", "no text");

	/* Texts past the memo copies: kept by address and hash. */
	memset(longtext, 'x', sizeof(longtext) - 1);
	for (i = 0; i + 80 < sizeof(longtext); i += 80)
		longtext[i] = ' ';
	memcpy(longtext + 3000, " the user(s)  account is disabled. ", 35);
	memcpy(other, longtext, sizeof(other));
	memcpy(other + 3000, " the user(s)  account is enabled.  ", 35);
	T_EQ_STR(nz(lh_phrase_sq(&m, "ezweb", longtext)), "suspend", "a long text, squeezed");
	T_EQ_STR(nz(lh_phrase_sq(&m, "ezweb", longtext)), "suspend", "the same long text again (the memo)");
	T_EQ_STR(nz(lh_phrase(&m, "ezweb", longtext)), "(none)", "the same long text, plain");
	T_EQ_STR(nz(lh_phrase_sq(&m, "ezweb", other)), "(none)", "another long text of the same length");
	/* The same buffer rewritten: same address and length, new bytes. */
	memcpy(longtext, other, sizeof(longtext));
	T_EQ_STR(nz(lh_phrase_sq(&m, "ezweb", longtext)), "(none)", "a buffer rewritten is read again");
	ka_dispose(&a);
	return t_done("lhost_phrase");
}

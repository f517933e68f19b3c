/* test_order - which families a subject puts first (lhost/order.c, data/lhost/subjects.tsv) */
#include "t.h"
#include "lib/lhost/lhost.h"

/* order - the names of the families lhost_order puts first for subject, space-separated */
static const char *
order(const char *subject)
{
	static char	     out[512];
	const struct klhost *fams[16];
	struct kmsg	     m;
	karena		     a;
	int		     n, i;

	memset(&m, 0, sizeof(m));
	ka_init(&a, 0);
	m.a = &a;
	m.subject = subject;
	m.from = "";
	out[0] = '\0';
	if (lh_prepare_tests(&m) == 0) {
		n = lhost_order(&m, fams, 16);
		for (i = 0; i < n; i++) {
			if (i > 0)
				strcat(out, " ");
			strcat(out, fams[i]->name);
		}
	}
	ka_dispose(&a);
	return out;
}

static const struct {
	const char *subject, *families, *what;
} cases[] = {
	{ "Undelivered Mail Returned to Sender", "SendGrid Zoho Yandex Postfix", "one line, four families" },
	{ "failure notice", "qmail mFILTER X4", "a piece on two lines: the first line's families, then the second's" },
	{ "Delivery Status Notification (Failure)", "GoogleGroups Gmail GoogleWorkspace X3 OpenSMTPD Outlook",
	    "two lines of one piece" },
	{ "Returned mail: see transcript for details", "Sendmail V5sendmail X1", "lines in file order, not subject order" },
	{ "Mail delivery failed: returning message to sender", "GMX EinsUndEins Exim MXLogic DragonFly",
	    "a longer piece and the shorter inside it" },
	{ "UNDELIVERABLE: hello", "Office365 Exchange2007 Exchange2003 IMailServer MailMarshalSMTP Notes",
	    "any case" },
	{ "[Bounce] hello", "ApacheJames", "brackets are plain bytes" },
	{ "hello world", "", "no piece: no family" },
	{ "", "", "no subject" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_EQ_STR(order(cases[i].subject), cases[i].families, cases[i].what);
	return t_done("order");
}

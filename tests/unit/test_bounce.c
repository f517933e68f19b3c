/* test_bounce - the decoders' record list (bounce.c): max_records */
#include "t.h"
#include "lib/bounce.h"
#include "lib/mime/message.h"

int
main(void)
{
	struct klimits lim = { 1 << 20, 8, 64, 4096, 1 << 20, 3 };
	struct kmsg    m;
	struct kbounce b;
	karena	       a;
	struct kds    *d[5];
	int	       i, distinct = 1;

	memset(&m, 0, sizeof(m));
	memset(&b, 0, sizeof(b));
	ka_init(&a, 0);
	m.a = &a;
	m.lim = &lim;
	for (i = 0; i < 5; i++) {
		d[i] = kb_add(&m, &b);
		T_OK(d[i] != NULL, "kb_add gives a record");
		d[i]->recipient = "x@example.com";
	}
	T_EQ_INT((int)b.n, 3, "max_records records kept");
	T_EQ_INT(b.overflow, 1, "the list says it overflowed");
	for (i = 0; i < 3; i++)
		distinct &= d[i] == &b.ds[i];
	T_OK(distinct, "the first three are the list's own");
	T_OK(d[3] == &b.spare && d[4] == &b.spare, "past the limit, the spare record, never counted");
	T_OK(kb_last(&m, &b) == &b.spare, "kb_last after an overflow: the spare, not a kept record");
	lim.max_records = 0;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 5; i++)
		(void)kb_add(&m, &b);
	T_OK(b.n == 5 && !b.overflow, "max_records 0: no limit");
	ka_dispose(&a);
	return t_done("bounce");
}

/* test_arena - the parse arena (util/arena.c) */
#include "t.h"
#include "util/arena.h"

#include <kaeru/kaeru.h>
#include <stdint.h>
#include <stdlib.h>

int
main(void)
{
	karena a;
	char  *big, *small;
	int    round;

	ka_init(&a, 0);
	for (round = 0; round < 3; round++) {
		/* A big block first, on an empty arena (the first block after a
		 * reset): the small blocks that follow must not land in it. */
		big = ka_alloc(&a, 100000);
		T_OK(big != NULL, "big block");
		memset(big, 'B', 100000);
		small = ka_alloc(&a, 32);
		T_OK(small != NULL, "small block");
		memset(small, 'S', 32);
		T_OK(small + 32 <= big || small >= big + 100000, "small block outside the big one");
		T_OK(big[0] == 'B' && big[99999] == 'B', "big block intact");
		ka_reset(&a);
	}
	ka_dispose(&a);

	/* The same mail with CRLF newlines and over 16 KB gives the same record. */
	{
		const char *head = "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
		    "Content-Type: multipart/report; boundary=B\n\n--B\nContent-Type: message/delivery-status\n\n"
		    "Final-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.2.2\n"
		    "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n--B\nContent-Type: text/plain\n\n";
		size_t	    pad = 40000, n = strlen(head), i, k = 0;
		char	   *lf = malloc(n + pad + 16), *crlf = malloc(2 * (n + pad + 16));
		kaeru_parser *p;
		const kaeru_record *r;
		size_t	    nr;
		char	    want[128] = "";

		memcpy(lf, head, n);
		memset(lf + n, 'x', pad);
		for (i = n; i < n + pad; i += 70)
			lf[i] = '\n';
		memcpy(lf + n + pad, "\n--B--\n", 7);
		n += pad + 7;
		for (i = 0; i < n; i++) {
			if (lf[i] == '\n')
				crlf[k++] = '\r';
			crlf[k++] = lf[i];
		}
		kaeru_parser_new(&p, NULL);
		T_OK(kaeru_parser_parse(p, lf, n, "lf", &r, &nr) == 0 && nr == 1, "LF mail");
		if (nr == 1)
			snprintf(want, sizeof(want), "%s %s %s", r[0].recipient, r[0].reason, r[0].deliverystatus);
		T_EQ_STR(want, "a@example.jp mailboxfull 5.2.2", "LF record");
		for (round = 0; round < 2; round++) {
			char got[128] = "";
			T_OK(kaeru_parser_parse(p, crlf, k, "crlf", &r, &nr) == 0 && nr == 1, "CRLF mail");
			if (nr == 1)
				snprintf(got, sizeof(got), "%s %s %s", r[0].recipient, r[0].reason, r[0].deliverystatus);
			T_EQ_STR(got, want, "CRLF record equals LF record");
		}
		kaeru_parser_free(p);
		free(lf);
		free(crlf);
	}
	/*
	 * Blocks of random sizes (0 to past a quarter chunk, the edges often):
	 * each 16-aligned, none overlapping another (each is filled with its
	 * own byte and checked at the end), over three resets; and under a
	 * limit, blocks are handed out exactly while their rounded sizes fit.
	 */
	{
		static const size_t edge[] = { 0, 1, 15, 16, 17, 4096, 16383, 16384, 16385, 20000, 65536 };
		unsigned seed = 5, bad = 0;
		for (round = 0; round < 3; round++) {
			char  *blk[400];
			size_t len[400], i, j;
			ka_init(&a, 0);
			for (i = 0; i < 400; i++) {
				seed = seed * 1103515245u + 12345u;
				len[i] = (seed >> 16) % 3 == 0 ? edge[(seed >> 8) % 11] : (seed >> 16) % 3000;
				blk[i] = ka_alloc(&a, len[i]);
				bad += blk[i] == NULL || ((uintptr_t)blk[i] & 15) != 0;
				if (blk[i] != NULL)
					memset(blk[i], (int)(i & 255), len[i]);
			}
			for (i = 0; i < 400; i++)
				for (j = 0; blk[i] != NULL && j < len[i]; j++)
					bad += (unsigned char)blk[i][j] != (i & 255);
			ka_reset(&a);
			ka_dispose(&a);
		}
		T_EQ_INT(bad, 0, "ka_alloc: random sizes aligned and apart");
		for (round = 0; round < 2; round++) {
			size_t limit = round == 0 ? 1000 : 70000, used = 0, n, need;
			int    ok = 1;
			ka_init(&a, limit);
			for (n = 1; n < 40000; n = n * 3 + 1) {
				void *q = ka_alloc(&a, n);
				need = (n + 15) & ~(size_t)15;
				ok &= (q != NULL) == (used + need <= limit);
				if (q != NULL)
					used += need;
			}
			ka_reset(&a);
			ok &= ka_alloc(&a, 10) != NULL;	/* the limit counts from the reset */
			ka_dispose(&a);
			T_OK(ok, "ka_alloc: under a limit, a block exactly while it fits");
		}
	}
	return t_done("arena");
}

/*
 * NAME
 *	t.h - the smallest table-driven test harness
 * SYNOPSIS
 *	T_EQ_STR(got, want, "what"); T_EQ_INT(got, want, "what"); T_OK(cond, "what");
 *	x = t_pieces(want, pieces, k, &seed); ... free(x);
 *	return t_done("module");
 * DESCRIPTION
 *	Each check counts as passed or failed; a failure prints where and
 *	why. t_done() prints "N passed, N failed" and returns the exit
 *	status (0 only when nothing failed and something passed).
 */
#ifndef KAERU_TEST_T_H
#define KAERU_TEST_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

#define T_OK(cond, what) do { \
	if (cond) t_pass++; \
	else { t_fail++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, (what)); } \
} while (0)

#define T_EQ_STR(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0) t_pass++; \
	else { t_fail++; printf("FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
	    (what), g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define T_EQ_INT(got, want, what) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) t_pass++; \
	else { t_fail++; printf("FAIL %s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, (what), g_, w_); } \
} while (0)

/*
 * t_pieces - a random text of exactly want bytes made of pieces (the
 *	first k of them, picked by the linear congruence in *seed; the last
 *	cut to fit), in a malloc'd block of just that size, so that a read
 *	past its end trips ASan; the caller frees it. NULL on ENOMEM.
 */
static inline char *
t_pieces(size_t want, const char *const *pieces, size_t k, unsigned *seed)
{
	char  *x = malloc(want + 1);
	size_t n = 0;

	while (x != NULL && n < want) {
		const char *b;
		size_t	    bn;
		*seed = *seed * 1103515245u + 12345u;
		b = pieces[(*seed >> 16) % k];
		bn = strlen(b) < want - n ? strlen(b) : want - n;
		memcpy(x + n, b, bn);
		n += bn;
	}
	return x;
}

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail == 0 && t_pass > 0 ? 0 : 1;
}

#endif

/*
 * NAME
 *	t.h - the smallest table-driven test harness
 * SYNOPSIS
 *	T_EQ_STR(got, want, "what"); T_EQ_INT(got, want, "what"); T_OK(cond, "what");
 *	return t_done("module");
 * DESCRIPTION
 *	Each check counts as passed or failed; a failure prints where and
 *	why. t_done() prints "N passed, N failed" and returns the exit
 *	status (0 only when nothing failed and something passed).
 */
#ifndef KAERU_TEST_T_H
#define KAERU_TEST_T_H

#include <stdio.h>
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

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail == 0 && t_pass > 0 ? 0 : 1;
}

#endif

/*
 * NAME
 *	rhost - provider rules: codes and texts a provider gives its own meaning
 * SUMMARY
 *	Some receiving providers use codes and phrases in their own way (a
 *	Gmail "550 5.7.26" is an authentication failure, a Yahoo "TSS04" a
 *	throttle). rhost_classify() applies the rules of the provider that the
 *	remote host or the recipient's domain names; it returns 1 and fills
 *	the verdict when a rule decides, 0 otherwise. Called by
 *	reason/classify.c as step 3 of the precedence. rhost_provider()
 *	names the provider whose rules would apply (NULL for none).
 */
#ifndef KAERU_RHOST_H
#define KAERU_RHOST_H

#include "../reason/reason.h"

int	rhost_classify(const struct kfacts *f, struct kverdict *v);
const char *rhost_provider(const char *rhost, const char *destination);

#endif

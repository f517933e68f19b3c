/*
 * NAME
 *	rhost - provider rules
 * DESCRIPTION
 *	The provider tables are added per provider under data/rhost/; until a
 *	provider has rules, its bounces go through the generic steps.
 */
#include "rhost.h"

/* rhost_classify - the verdict of the provider's rules, 1 when one applies */
int
rhost_classify(const struct kfacts *f, struct kverdict *v)
{
	(void)f;
	(void)v;
	return 0;
}

/*
 * NAME
 *	fact - turn what a decoder found into kaeru_records
 * SUMMARY
 *	kf_build() completes and normalises each kds of a kbounce (codes
 *	found in the text, hosts, dates, the returned message's headers),
 *	classifies it and appends a kaeru_record to the output array.
 */
#ifndef KAERU_FACT_H
#define KAERU_FACT_H

#include "../bounce.h"

struct krecs {
	kaeru_record	*v;
	size_t		 n;
	size_t		 cap;
};

int	kf_build(struct kmsg *m, struct kbounce *b, const char *origin,
	    struct krecs *out);

#endif

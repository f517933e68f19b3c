/*
 * NAME
 *	fuzz.h - what the fuzz targets share
 * DESCRIPTION
 *	Every target defines LLVMFuzzerTestOneInput(). Built with
 *	-Dfuzzing=true (clang) it links libFuzzer's main; otherwise it links
 *	standalone_driver.c, which replays a corpus directory once, so that
 *	gcc builds run the regression inputs in "make check".
 *
 *	FUZZ_CHECK() aborts on a broken invariant: the sanitizers catch
 *	memory errors, the targets add what a correct answer must satisfy.
 */
#ifndef KAERU_FUZZ_H
#define KAERU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif

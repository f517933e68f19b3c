/*
 * NAME
 *	standalone_driver - replay fuzz inputs without libFuzzer
 * SYNOPSIS
 *	fuzz_TARGET [-s ms] file-or-dir...
 * DESCRIPTION
 *	Runs LLVMFuzzerTestOneInput() once on every regular file given, or
 *	in the directories given (sorted, not recursive). A crash is the
 *	sanitizers' business; this driver reports how many inputs ran and
 *	the slowest one. With -s, an input slower than ms milliseconds counts
 *	as a failure (a hang check; sanitizer builds run several times
 *	slower, so pick the limit for the build).
 *	Prints "NAME: N passed, N failed" like every kaeru test.
 */
#include "fuzz.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static unsigned long	npass, nfail;
static double		slowest_ms, limit_ms;
static char		slowest[4096];

/* now_ms - monotonic clock in milliseconds */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* run_file - read one file into memory and run the target on it */
static void
run_file(const char *path)
{
	FILE   *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t	n = 0, cap = 0, k;
	double	t0, dt;

	if (f == NULL) {
		perror(path);
		nfail++;
		return;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb;
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				exit(2);
			}
			buf = nb;
		}
		if ((k = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += k;
	}
	fclose(f);
	/* An exact-size copy lets ASan see reads past the end. */
	{
		uint8_t *exact = malloc(n ? n : 1);
		if (exact == NULL)
			exit(2);
		memcpy(exact, buf, n);
		free(buf);
		buf = exact;
	}
	t0 = now_ms();
	LLVMFuzzerTestOneInput(buf, n);
	dt = now_ms() - t0;
	free(buf);
	if (dt > slowest_ms) {
		slowest_ms = dt;
		snprintf(slowest, sizeof(slowest), "%s", path);
	}
	if (limit_ms > 0 && dt > limit_ms) {
		printf("SLOW %s: %.1f ms (limit %.0f ms)\n", path, dt, limit_ms);
		nfail++;
	} else
		npass++;
}

/* cmp - sort names */
static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* run_dir - run every regular file of a directory, in name order */
static void
run_dir(const char *dir)
{
	DIR	      *d = opendir(dir);
	struct dirent *e;
	char	     **names = NULL;
	size_t	       n = 0, cap = 0, i;

	if (d == NULL) {
		perror(dir);
		nfail++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof(*names))) == NULL)
				exit(2);
		}
		if ((names[n++] = strdup(path)) == NULL)
			exit(2);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int	    i = 1;
	struct stat st;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		limit_ms = atof(argv[2]);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [-s ms] file-or-dir...\n", name);
		return 2;
	}
	for (; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	if (slowest[0] != '\0')
		printf("slowest input: %s (%.1f ms)\n", slowest, slowest_ms);
	printf("%s: %lu passed, %lu failed\n", name, npass, nfail);
	return nfail == 0 && npass > 0 ? 0 : 1;
}

/*
 * NAME
 *	bench_parse - in-memory throughput of kaeru_parser_parse
 * SYNOPSIS
 *	bench_parse [-t seconds | -n rounds] [-p] [-q] [-w [-e KB]] path...
 * DESCRIPTION
 *	Loads every mail under the paths (files, directories, Maildirs,
 *	mboxes: whatever kaeru_reader reads) into memory once, then parses
 *	them round after round with one parser on one core for at least the
 *	given wall time (default 3 s), and prints messages/s and MB/s of
 *	parse+classify.
 *
 *	The floor loop reads the same bytes once per round, summing them and
 *	counting newlines with memchr, for the same time: the ceiling of a
 *	parser that must look at every byte. The ratio floor/parse says how
 *	far the parser is from touching each byte once.
 *
 *	-n rounds parses exactly that many rounds after the warm-up one,
 *	whatever the time (under valgrind: instructions per parse are the
 *	count inside kaeru_parser_parse over rounds + 1 parses of each mail).
 *	-p skips the floor loop (for profiling the parser alone).
 *	-w parses each mail twice in a row and times only the second parse:
 *	the same work with the caches and branch predictors already trained
 *	on that mail. Against the normal figure it shows what a mail costs
 *	for being new, the part that fewer instructions alone do not remove.
 *	-e KB, with -w, writes a byte in each 64-byte line of a KB buffer
 *	between the two parses: the timed parse then finds its code and
 *	data pushed out of the caches (1024 KB is this machine's L2) while
 *	the branch predictors keep what the first parse taught them. With
 *	-w alone and the normal figure it splits a new mail's cost into
 *	caches and prediction.
 *	-q prints one machine-readable line instead:
 *	"mails BYTES records msgs/s MB/s floorMB/s us/mail" (floorMB/s 0
 *	with -p).
 *	Figures only: this program never fails on a slow result.
 */
#include <kaeru/kaeru.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mail {
	char   *data;
	size_t	len;
};

static struct mail *mails;
static size_t	    nmails, capmails, totalbytes;

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* load - copy every mail under path into memory */
static void
load(const char *path)
{
	kaeru_reader *r;
	kaeru_mail    m;
	int	      rc;

	if (kaeru_reader_open(&r, path, NULL) != 0) {
		fprintf(stderr, "bench_parse: %s\n", kaeru_error_last());
		exit(2);
	}
	while ((rc = kaeru_reader_next(r, &m)) != 0) {
		if (rc < 0) {
			fprintf(stderr, "bench_parse: %s\n", kaeru_error_last());
			continue;
		}
		if (nmails == capmails) {
			capmails = capmails ? capmails * 2 : 1024;
			if ((mails = realloc(mails, capmails * sizeof(*mails))) == NULL)
				exit(2);
		}
		if ((mails[nmails].data = malloc(m.len ? m.len : 1)) == NULL)
			exit(2);
		memcpy(mails[nmails].data, m.data, m.len);
		mails[nmails].len = m.len;
		totalbytes += m.len;
		nmails++;
	}
	kaeru_reader_free(r);
}

static char	   *evict_buf;	/* -e: written between the two parses of -w */
static size_t	    evict_n;

/* evict - a byte written in each cache line of the -e buffer */
static void
evict(void)
{
	size_t i;

	for (i = 0; i < evict_n; i += 64)
		evict_buf[i]++;
}

/* floor_round - touch every byte once: sum them, count newlines */
static size_t
floor_round(void)
{
	size_t i, acc = 0;

	for (i = 0; i < nmails; i++) {
		const unsigned char *p = (const unsigned char *)mails[i].data;
		const unsigned char *end = p + mails[i].len, *nl;
		size_t		     k;

		for (k = 0; k < mails[i].len; k++)
			acc += p[k];
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			acc++;
			p = nl + 1;
		}
	}
	return acc;
}

int
main(int argc, char **argv)
{
	double	      secs = 3.0, t0, t, parse_s, floor_s;
	int	      quiet = 0, nofloor = 0, warm = 0, i;
	double	      warm_s = 0;
	unsigned long rounds = 0, frounds = 0, nrounds = 0;
	size_t	      records = 0, k, sink = 0;
	kaeru_parser *p;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0)
			nrounds = (unsigned long)atol(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "-p") == 0)
			nofloor = 1;
		else if (strcmp(argv[i], "-w") == 0)
			warm = 1;
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			evict_n = (size_t)atol(argv[++i]) << 10;
		else {
			fprintf(stderr, "usage: bench_parse [-t seconds | -n rounds] [-p] [-q] [-w [-e KB]] path...\n");
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench_parse [-t seconds | -n rounds] [-p] [-q] [-w [-e KB]] path...\n");
		return 2;
	}
	if (evict_n > 0 && (evict_buf = calloc(evict_n, 1)) == NULL)
		return 2;
	for (; i < argc; i++)
		load(argv[i]);
	if (nmails == 0) {
		fprintf(stderr, "bench_parse: no mail found\n");
		return 2;
	}
	if (kaeru_parser_new(&p, NULL) != 0)
		return 2;

	/* One warm-up round: caches, the arena's first chunk, iconv descriptors. */
	for (k = 0; k < nmails; k++) {
		const kaeru_record *rec;
		size_t		    n;
		kaeru_parser_parse(p, mails[k].data, mails[k].len, "bench", &rec, &n);
		records += n;
	}
	t0 = now();
	do {
		for (k = 0; k < nmails; k++) {
			const kaeru_record *rec;
			size_t		    n;
			double w0 = 0;
			if (warm) {
				kaeru_parser_parse(p, mails[k].data, mails[k].len, "bench", &rec, &n);
				evict();
				w0 = now();
			}
			if (kaeru_parser_parse(p, mails[k].data, mails[k].len, "bench", &rec, &n) != 0) {
				fprintf(stderr, "bench_parse: %s\n", kaeru_error_last());
				return 2;
			}
			if (warm)
				warm_s += now() - w0;
			sink += n;
		}
		rounds++;
	} while (nrounds > 0 ? rounds < nrounds : now() - t0 < secs);
	t = now();
	parse_s = warm ? warm_s : t - t0;

	t0 = now();
	do {
		sink += floor_round();
		frounds++;
	} while (!nofloor && (nrounds > 0 ? frounds < nrounds : now() - t0 < secs));
	t = now();
	floor_s = nofloor ? 1e9 : t - t0;
	kaeru_parser_free(p);

	{
		double msgs = (double)nmails * rounds / parse_s;
		double mbs = (double)totalbytes * rounds / parse_s / 1e6;
		double fmbs = (double)totalbytes * frounds / floor_s / 1e6;

		if (quiet)
			printf("%zu %zu %zu %.0f %.1f %.1f %.1f\n", nmails, totalbytes, records,
			    msgs, mbs, fmbs, 1e6 / msgs);
		else {
			printf("mails loaded:      %zu (%.2f MB, %zu records per round)\n",
			    nmails, totalbytes / 1e6, records);
			printf("%s %.0f msgs/s, %.1f MB/s (%lu rounds in %.2f s, %.1f us/mail)\n",
			    !warm ? "parse+classify:   " : evict_n ? "parse, warm, evicted:" : "parse, warm:      ", msgs, mbs, rounds, parse_s, 1e6 / msgs);
			if (!nofloor) {
				printf("floor (read once): %.1f MB/s (%lu rounds in %.2f s)\n", fmbs, frounds, floor_s);
				printf("floor / parse:     %.1fx\n", fmbs / mbs);
			}
		}
	}
	free(evict_buf);
	return sink == 0xdeadbeef;	/* keep the loops from being optimised away */
}

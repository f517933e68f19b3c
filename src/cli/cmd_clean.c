/*
 * NAME
 *	cmd_clean - kaeru clean: a CSV mailing list in, the mailable rows out
 * SYNOPSIS
 *	kaeru clean [--db URL] [--config FILE] [--column NAME|N] [--rejects FILE]
 *		    [--max-line BYTES] IN.csv|- > OUT.csv
 * DESCRIPTION
 *	Drops suppressed addresses, addresses of domains flagged as not
 *	existing, invalid addresses and duplicates; kept rows get a
 *	"did_you_mean" column naming a likely typo (gmial.com -> gmail.com),
 *	the address itself is never rewritten. --rejects writes the dropped
 *	rows with the reason. The input is read whole and checked before
 *	anything is written: malformed CSV fails with the line number and
 *	writes nothing (the rejects file is written to a temporary name and
 *	renamed). A summary goes to standard error.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
clean_usage(FILE *f)
{
	fprintf(f, "usage: kaeru clean [--db URL] [--config FILE] [--column NAME|N] "
	    "[--rejects FILE] [--max-line BYTES] IN.csv|- > OUT.csv\n");
}

/* slurp - a whole file (or standard input) into b */
static int
slurp(const char *path, kaeru_buf *b)
{
	FILE  *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (b->asize - b->size < 65536) {
			size_t ncap = b->asize ? b->asize * 2 : 1 << 20;
			char  *np = realloc(b->ptr, ncap);
			if (np == NULL) {
				cli_warn("%s: out of memory", path);
				if (f != stdin)
					fclose(f);
				return -1;
			}
			b->ptr = np;
			b->asize = ncap;
		}
		n = fread(b->ptr + b->size, 1, b->asize - b->size - 1, f);
		b->size += n;
		if (n == 0)
			break;
	}
	b->ptr[b->size] = '\0';
	if (ferror(f)) {
		cli_warn("%s: read error", path);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* write_file - bytes to path through a temporary name and a rename */
static int
write_file(const char *path, const kaeru_buf *b)
{
	char  tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "wb")) == NULL) {
		cli_warn("%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (cli_write(f, b->ptr ? b->ptr : "", b->size) != 0 || fclose(f) != 0) {
		cli_warn("%s: cannot write", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		cli_warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
cmd_clean(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "column", required_argument, NULL, 'k' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	 *db = NULL, *conf = NULL, *rejpath = NULL;
	kaeru_clean_opts  o = KAERU_CLEAN_OPTS_INIT;
	kaeru_clean_stats st;
	kaeru_buf	  in = KAERU_BUF_INIT, out = KAERU_BUF_INIT, rej = KAERU_BUF_INIT;
	kaeru_store	 *s;
	int		  c, rc, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:c:k:r:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'k':
			o.column = optarg;
			break;
		case 'r':
			rejpath = optarg;
			break;
		case 'm': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end != '\0' || v == 0) {
				cli_warn("--max-line wants a number of bytes");
				return EXIT_USAGE;
			}
			o.max_line = (size_t)v;
			break;
		}
		case 'h':
			clean_usage(stdout);
			return 0;
		default:
			clean_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		clean_usage(stderr);
		return EXIT_USAGE;
	}
	if (slurp(argv[optind], &in) != 0) {
		kaeru_buf_dispose(&in);
		return EXIT_INPUT;
	}
	if ((rc = cli_store_open(db, conf, &s)) != 0) {
		kaeru_buf_dispose(&in);
		return rc;
	}
	o.now = (int64_t)time(NULL);
	rc = kaeru_clean(s, in.ptr, in.size, &o, &out, rejpath ? &rej : NULL, &st);
	kaeru_store_free(s);
	kaeru_buf_dispose(&in);
	if (rc != 0) {
		cli_warn("%s: %s", argv[optind], kaeru_error_last());
		return rc == KAERU_EPARSE || rc == KAERU_EINVAL ? EXIT_INPUT : EXIT_FAILURE_;
	}
	if (rejpath != NULL && write_file(rejpath, &rej) != 0)
		status = EXIT_FAILURE_;
	else if (cli_write(stdout, out.ptr ? out.ptr : "", out.size) != 0 || fflush(stdout) != 0) {
		cli_warn("cannot write the output");
		status = EXIT_FAILURE_;
	}
	kaeru_buf_dispose(&out);
	kaeru_buf_dispose(&rej);
	if (status == 0)
		fprintf(stderr, "kaeru: clean: %zu rows, %zu kept, %zu suppressed, %zu invalid, "
		    "%zu duplicates, %zu in dead domains, %zu likely typos\n", st.rows, st.kept,
		    st.suppressed, st.invalid, st.duplicate, st.bad_domain, st.typos);
	return status;
}

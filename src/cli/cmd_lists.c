/*
 * NAME
 *	cmd_lists - kaeru lists: mailing lists and their subscribers
 * SYNOPSIS
 *	kaeru lists [show [NAME]] [--format table|jsonl|json|csv]
 *	kaeru lists create NAME...
 *	kaeru lists import NAME FILE.csv|- [--column NAME|N] [--max-line BYTES] [--encoding NAME]
 *	kaeru lists export NAME [--all] [--format csv|jsonl|json|table] [--output-encoding NAME]
 *	kaeru lists add|remove|unsubscribe NAME ADDR...
 *	(each with [--db URL] [--config FILE])
 * DESCRIPTION
 *	show counts each list's subscribers per state and those mailable;
 *	create makes empty lists; import subscribes a CSV list's addresses
 *	(read as kaeru clean reads it) in one transaction, and imports
 *	nothing when a row is malformed or has no valid address, naming each
 *	such line; export prints the mailable subscribers (--all: every one,
 *	with its state and whether it is mailable: not when suppressed,
 *	unsubscribed, complained, or in a domain flagged as not existing),
 *	CSV by default (--output-encoding: in another encoding, all or
 *	nothing, for a mailer that wants CP932); add subscribes addresses; remove
 *	takes them off the list; unsubscribe takes them off and suppresses
 *	them (reason unsubscribe).
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void
lists_usage(FILE *f)
{
	fprintf(f, "usage: kaeru lists [show [NAME]] [--db URL] [--config FILE] "
	    "[--format table|jsonl|json|csv]\n"
	    "       kaeru lists create NAME...\n"
	    "       kaeru lists import NAME FILE.csv|- [--column NAME|N] [--max-line BYTES]\n"
	    "                          [--encoding NAME]\n"
	    "       kaeru lists export NAME [--all] [--format csv|jsonl|json|table]\n"
	    "                          [--output-encoding NAME]\n"
	    "       kaeru lists add|remove|unsubscribe NAME ADDR...\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "  show [NAME]         each list's subscribers per state, and those mailable\n"
	    "  create NAME...      empty lists\n"
	    "  import NAME FILE    subscribe a CSV list's addresses (read as kaeru clean\n"
	    "                      reads it: --column, --max-line, --encoding),\n"
	    "                      all or nothing\n"
	    "  export NAME         the subscribers still mailable, CSV by default (--all:\n"
	    "                      every one, with its state and whether it is mailable;\n"
	    "                      --output-encoding CP932 ...: the CSV in that encoding,\n"
	    "                      nothing written when an address does not fit it)\n"
	    "  add NAME ADDR...    subscribe\n"
	    "  remove NAME ADDR... take off the list\n"
	    "  unsubscribe NAME ADDR...\n"
	    "                      take off the list and suppress (reason unsubscribe)\n"
	    "\n");
	cli_store_help(f, "table; csv for export");
}

/* show_row - one list's counts as a row */
static int
show_row(void *arg, const kaeru_list_info *l)
{
	char	    v[KAERU_ADDR_STATE_COUNT + 2][24];
	const char *vals[KAERU_ADDR_STATE_COUNT + 3];
	int	    i;

	vals[0] = l->name;
	snprintf(v[0], sizeof(v[0]), "%lld", (long long)l->subscribers);
	for (i = 0; i < KAERU_ADDR_STATE_COUNT; i++)
		snprintf(v[i + 1], sizeof(v[i + 1]), "%lld", (long long)l->state[i]);
	snprintf(v[i + 1], sizeof(v[i + 1]), "%lld", (long long)l->mailable);
	for (i = 0; i < KAERU_ADDR_STATE_COUNT + 2; i++)
		vals[i + 1] = v[i];
	return cli_out_row(arg, vals) != 0 ? KAERU_ENOMEM : 0;
}

/* export_row - one subscriber as a row */
static int
export_row(void *arg, const kaeru_subscriber *m)
{
	char	    added[32];
	const char *vals[4];

	cli_time(m->added, added);
	vals[0] = m->address;
	vals[1] = kaeru_addr_state_name(m->state);
	vals[2] = m->mailable ? "yes" : "no";
	vals[3] = added;
	return cli_out_row(arg, vals) != 0 ? KAERU_ENOMEM : 0;
}

/*
 * write_in - the CSV of lists export, made in memory, written in another
 *	encoding: converted whole first, so that an address the encoding
 *	cannot hold fails the run with nothing written; the exit status
 */
static int
write_in(const char *list, const char *encoding, const char *csv, size_t n)
{
	kaeru_buf conv = KAERU_BUF_INIT;
	int	  rc, status = 0;

	if ((rc = kaeru_list_from_utf8(csv, n, encoding, &conv)) != 0) {
		cli_warn("%s: --output-encoding %s: %s", list, encoding, kaeru_error_last());
		status = rc == KAERU_EPARSE ? EXIT_INPUT : EXIT_FAILURE_;
	} else if (cli_write(stdout, conv.ptr, conv.size) != 0) {
		cli_warn("cannot write the output");
		status = EXIT_FAILURE_;
	}
	kaeru_buf_dispose(&conv);
	return status;
}

/* import - kaeru lists import NAME FILE */
static int
import(kaeru_store *s, const char *list, const char *path, const char *enc, kaeru_clean_opts *o,
    enum cli_format fmt)
{
	static const char *const cols[] = { "#rows", "#added", "#present" };
	kaeru_import_stats	 st;
	kaeru_buf		 in = KAERU_BUF_INIT, bad = KAERU_BUF_INIT;
	char			 v[3][24];
	const char		*vals[3] = { v[0], v[1], v[2] };
	struct cli_out		 out;
	int			 rc;

	if (cli_slurp(path, &in) != 0) {
		kaeru_buf_dispose(&in);
		return EXIT_INPUT;
	}
	if ((rc = cli_list_utf8(path, enc, &in, NULL)) != 0) {
		kaeru_buf_dispose(&in);
		return rc;
	}
	o->now = (int64_t)time(NULL);
	rc = kaeru_store_list_import(s, list, in.ptr, in.size, o, &bad, &st);
	kaeru_buf_dispose(&in);
	if (rc != 0) {
		const char *p = bad.ptr, *e;

		for (; p != NULL && (e = memchr(p, '\n', bad.size - (size_t)(p - bad.ptr))) != NULL; p = e + 1)
			cli_warn("%s: %.*s", path, (int)(e - p), p);
		cli_warn("%s: %s%s", path, kaeru_error_last(),
		    bad.size > 0 ? " (kaeru clean drops such rows)" : "");
		kaeru_buf_dispose(&bad);
		return rc == KAERU_EPARSE || rc == KAERU_EINVAL || rc == KAERU_ENOTFOUND ? EXIT_INPUT
		    : EXIT_FAILURE_;
	}
	kaeru_buf_dispose(&bad);
	snprintf(v[0], sizeof(v[0]), "%zu", st.rows);
	snprintf(v[1], sizeof(v[1]), "%zu", st.added);
	snprintf(v[2], sizeof(v[2]), "%zu", st.present);
	cli_out_start(&out, fmt, cols, 3);
	cli_out_row(&out, vals);
	cli_out_end(&out);
	return 0;
}

/* each_addr - add, remove or unsubscribe addresses, in one transaction */
static int
each_addr(kaeru_store *s, const char *sub, const char *list, char **addrs, int n)
{
	int64_t now = (int64_t)time(NULL);
	int	i, rc, status = 0;

	if (kaeru_store_begin(s) != 0) {
		cli_warn("%s", kaeru_error_last());
		return EXIT_FAILURE_;
	}
	for (i = 0; i < n; i++) {
		rc = strcmp(sub, "add") == 0 ? kaeru_store_subscribe(s, list, addrs[i], now)
		    : strcmp(sub, "remove") == 0 ? kaeru_store_list_remove(s, list, addrs[i])
		    : kaeru_store_unsubscribe(s, list, addrs[i], now);
		if (rc != 0) {
			cli_warn("%s", kaeru_error_last());
			status = rc == KAERU_ESTORE || rc == KAERU_EBUSY || rc == KAERU_ENOMEM ? EXIT_FAILURE_
			    : EXIT_INPUT;
			/* A list that does not exist fails every address alike: stop. */
			if (status == EXIT_FAILURE_ || strstr(kaeru_error_last(), "no list") != NULL)
				break;
		}
	}
	if (status == EXIT_FAILURE_)
		kaeru_store_rollback(s);
	else if (kaeru_store_commit(s) != 0) {
		cli_warn("%s", kaeru_error_last());
		status = EXIT_FAILURE_;
	}
	return status;
}

int
cmd_lists(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STORE_OPTIONS,
		{ "all", no_argument, NULL, 'a' },
		{ "column", required_argument, NULL, 'k' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "output-encoding", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const scols[] = { "list", "#subscribers", "#active", "#soft_bouncing",
		"#suppressed", "#unsubscribed", "#complained", "#mailable" };
	static const char *const ecols[] = { "address", "state", "mailable", "added" };
	static const char *const subs[] = { "show", "create", "import", "export", "add", "remove",
		"unsubscribe", NULL };
	struct cli_store_opts so = { NULL, NULL, FMT_TABLE };
	kaeru_clean_opts      co = KAERU_CLEAN_OPTS_INIT;
	const char	     *sub = "show", *enc = NULL, *outenc = NULL;
	int		      all = 0, c, i, rc, status = 0, nargs;
	kaeru_store	     *s;
	struct cli_out	      o;
	FILE		     *mf = NULL;	/* lists export --output-encoding: the CSV in memory */
	char		     *mem = NULL;
	size_t		      memn = 0;

	if (argc >= 2 && argv[1][0] != '-') {
		sub = argv[1];
		argc--;
		argv++;
	}
	for (i = 0; subs[i] != NULL && strcmp(sub, subs[i]) != 0; i++)
		;
	if (subs[i] == NULL) {
		cli_warn("unknown lists command \"%s\"", sub);
		lists_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "export") == 0)
		so.fmt = FMT_CSV;	/* for a mailer */
	optind = 1;
	while ((c = cli_store_getopt(&so, argc, argv, "ak:m:e:o:", longopts, lists_usage, &status)) != CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_EXIT:
			return status;
		case 'e':
			enc = optarg;
			break;
		case 'o':
			outenc = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'k':
			co.column = optarg;
			break;
		case 'm': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end != '\0' || v == 0) {
				cli_warn("--max-line wants a number of bytes");
				return EXIT_USAGE;
			}
			co.max_line = (size_t)v;
			break;
		}
		}
	}
	nargs = argc - optind;
	if ((strcmp(sub, "show") == 0 && nargs > 1) || (strcmp(sub, "create") == 0 && nargs < 1) ||
	    (strcmp(sub, "import") == 0 && nargs != 2) || (strcmp(sub, "export") == 0 && nargs != 1) ||
	    ((strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0 ||
	    strcmp(sub, "unsubscribe") == 0) && nargs < 2)) {
		lists_usage(stderr);
		return EXIT_USAGE;
	}
	if (outenc != NULL && strcasecmp(outenc, "UTF-8") == 0)
		outenc = NULL;
	if (outenc != NULL) {
		kaeru_buf chk = KAERU_BUF_INIT;
		if (strcmp(sub, "export") != 0 || so.fmt != FMT_CSV) {
			cli_warn("--output-encoding is for lists export as CSV");
			return EXIT_USAGE;
		}
		/* The name, before any store is read. */
		rc = kaeru_list_from_utf8("a", 1, outenc, &chk);
		kaeru_buf_dispose(&chk);
		if (rc != 0) {
			cli_warn("--output-encoding %s: %s", outenc, kaeru_error_last());
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_store_open(so.db, so.conf,
	    strcmp(sub, "show") != 0 && strcmp(sub, "export") != 0, NULL, &s)) != 0)
		return rc;
	if (strcmp(sub, "create") == 0) {
		for (i = optind; i < argc; i++)
			if (kaeru_store_list_create(s, argv[i]) != 0) {
				cli_warn("%s", kaeru_error_last());
				status = EXIT_INPUT;
			}
	} else if (strcmp(sub, "import") == 0)
		status = import(s, argv[optind], argv[optind + 1], enc, &co, so.fmt);
	else if (strcmp(sub, "show") == 0 || strcmp(sub, "export") == 0) {
		int64_t now = (int64_t)time(NULL);

		if (strcmp(sub, "show") == 0) {
			cli_out_start(&o, so.fmt, scols, 8);
			rc = kaeru_store_lists(s, nargs == 1 ? argv[optind] : NULL, now, show_row, &o);
		} else {
			/* --output-encoding: the rows go to memory first (write_in). */
			if (outenc != NULL && (mf = open_memstream(&mem, &memn)) == NULL) {
				cli_warn("out of memory");
				kaeru_store_free(s);
				return EXIT_FAILURE_;
			}
			cli_out_open(&o, mf != NULL ? mf : stdout, so.fmt, ecols, 4, 0);
			rc = kaeru_store_members(s, argv[optind], now, all, export_row, &o);
		}
		if (rc == 0)
			cli_out_end(&o);
		else {
			cli_out_abort(&o);
			cli_warn("%s", kaeru_error_last());
			status = rc == KAERU_ENOTFOUND || rc == KAERU_EINVAL ? EXIT_INPUT : EXIT_FAILURE_;
		}
		if (mf != NULL) {
			if (fclose(mf) != 0 && status == 0) {
				cli_warn("out of memory");
				status = EXIT_FAILURE_;
			} else if (status == 0)
				status = write_in(argv[optind], outenc, mem, memn);
			free(mem);
		}
	} else
		status = each_addr(s, sub, argv[optind], argv + optind + 1, nargs - 1);
	kaeru_store_free(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

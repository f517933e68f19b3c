/*
 * NAME
 *	cmd_explain - kaeru explain: what a reply or status code means
 * SYNOPSIS
 *	kaeru explain [--lang en|ja] [--format text|json] CODE...
 * DESCRIPTION
 *	CODE is a reply code (550), an enhanced status code (5.7.26), a
 *	provider token (TSS04, AUP#CXBL), provider:code (microsoft:5.4.1) or
 *	a reason name (userunknown).
 *	For each, the meaning, kaeru's reason, category, hard or soft and
 *	what to do, then the meanings providers give the same code. The
 *	language defaults to Japanese when LC_ALL, LC_MESSAGES or LANG (the
 *	first one set) starts with "ja". A CODE that is no code gets one line
 *	on stderr; the others are still explained and the exit status is 1.
 */
#include "cli.h"

#include <kaeru/kaeru.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { L_MEANING, L_CLASS, L_REASON, L_BOUNCE, L_ACTION, L_COUNT };

/* Labels and words of the text output, English then Japanese. */
static const char *const labels[2][L_COUNT] = {
	{ "meaning:", "class:", "reason:", "bounce:", "action:" },
	{ "意味:", "クラス:", "理由:", "種別:", "対処:" },
};

static void
explain_usage(FILE *f)
{
	fprintf(f, "usage: kaeru explain [--lang en|ja] [--format text|json] CODE...\n"
	    "       kaeru explain [--lang en|ja] [--format text|json] --reasons\n");
	if (f != stdout)
		return;
	fprintf(f, "\n"
	    "Explains each CODE: a reply code (550), an enhanced status code (5.7.26), a\n"
	    "provider token (TSS04, AUP#CXBL), provider:code (microsoft:5.4.1), or one of\n"
	    "kaeru's reasons (userunknown, suspend, ...). For each: the meaning, kaeru's\n"
	    "reason, category, hard or soft, what to do, and what providers mean by the\n"
	    "same code.\n"
	    "\n"
	    "  --lang en|ja        English or Japanese (default: ja when the locale\n"
	    "                      (LC_ALL, LC_MESSAGES or LANG) starts with ja, else en)\n"
	    "  --format text|json  (default text)\n"
	    "  --reasons           list every reason: name, category, hard or soft and\n"
	    "                      meaning (with --format json, every explanation whole)\n"
	    "\n"
	    "Exit status: 0; 1 when a CODE is no code (a line on stderr names it, the\n"
	    "others are still explained); 2 on a usage error.\n");
}

/* heading - the first line of an explanation: code, kind, source */
static void
heading(const kaeru_explanation *e, int ja)
{
	static const char *const kinds[2][4] = {
		{ "reply code", "status code", "provider code", "reason" },
		{ "応答コード", "拡張ステータスコード", "事業者独自のコード", "バウンスの理由" },
	};
	const char *kind = (unsigned)e->kind < 4 ? kinds[ja][e->kind] : "";

	if (e->kind == KAERU_CODE_PROVIDER)
		printf(ja ? "%s  %s（%s、%s）\n" : "%s  %s (%s, %s)\n", e->code, kind, e->source, e->entry);
	else if (e->registered)
		printf(ja ? "%s  %s（%s）\n" : "%s  %s (%s)\n", e->code, kind, e->source);
	else
		printf(ja ? "%s  %s（未登録のため %s として説明、%s）\n"
		    : "%s  %s (not registered: explained as %s, %s)\n",
		    e->code, kind, e->entry, e->source);
}

/* print_text - one explanation as labelled lines */
static void
print_text(const kaeru_explanation *e, int ja)
{
	static const char *const bounce[2][3] = {
		{ "none (success)", "soft", "hard" },
		{ "なし（成功）", "ソフトバウンス", "ハードバウンス" },
	};
	const char *const *l = labels[ja];
	int	    b = strcmp(e->severity, "success") == 0 ? 0 : e->hard ? 2 : 1;
	const char *fmt = "  %-9s%s\n";

	heading(e, ja);
	/* Japanese labels are two columns wide a character: pad by hand */
	if (ja) {
		printf("  %s     %s\n", l[L_MEANING], e->meaning);
		printf("  %s   %s\n", l[L_CLASS], e->class_meaning);
		printf("  %s     %s（%s）\n", l[L_REASON], e->reason, e->category);
		printf("  %s     %s\n", l[L_BOUNCE], bounce[1][b]);
		printf("  %s     %s：%s\n", l[L_ACTION], e->action_hint, e->advice);
		return;
	}
	printf(fmt, l[L_MEANING], e->meaning);
	printf(fmt, l[L_CLASS], e->class_meaning);
	printf("  %-9s%s (%s)\n", l[L_REASON], e->reason, e->category);
	printf(fmt, l[L_BOUNCE], bounce[0][b]);
	printf("  %-9s%s: %s\n", l[L_ACTION], e->action_hint, e->advice);
}

/* print_json - one explanation as an element of the output array */
static int
print_json(const kaeru_explanation *e, int *n, kaeru_buf *out)
{
	out->size = 0;
	if (kaeru_explanation_json(e, KAERU_FORMAT_PRETTY, out) != 0)
		return -1;
	fputs((*n)++ ? ",\n" : "\n", stdout);
	return cli_write(stdout, out->ptr, out->size);
}

/*
 * list_reasons - every reason of the taxonomy: one line each (name,
 *	category, hard or soft, meaning), or the whole explanations as
 *	elements of the JSON array; the exit status
 */
static int
list_reasons(const char *lang, int json, int *n, kaeru_buf *out)
{
	int	 status = 0;
	unsigned k;

	for (k = 0; k < KAERU_REASON_COUNT; k++) {
		kaeru_explanation e;
		if (kaeru_explain(kaeru_reason_name((kaeru_reason)k), lang, &e) != 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_FAILURE_;
			continue;
		}
		if (json) {
			if (print_json(&e, n, out) != 0)
				status = EXIT_FAILURE_;
		} else
			printf("%-16s %-19s %-5s %s\n", e.reason, e.category,
			    strcmp(e.severity, "success") == 0 ? "-" : e.hard ? "hard" : "soft", e.meaning);
	}
	return status;
}

int
cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "reasons", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lang = cli_lang();
	int	    json = 0, c, i, status = 0, n = 0, ja, reasons = 0;
	kaeru_buf   out = KAERU_BUF_INIT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "l:f:hr", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reasons = 1;
			break;
		case 'l':
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "ja") != 0) {
				cli_warn("unknown language \"%s\" (en, ja)", optarg);
				return EXIT_USAGE;
			}
			lang = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				cli_warn("unknown format \"%s\" (text, json)", optarg);
				return EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'h':
			explain_usage(stdout);
			return 0;
		default:
			explain_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (reasons && optind < argc) {
		cli_warn("--reasons lists every reason: it takes no CODE");
		return EXIT_USAGE;
	}
	if (!reasons && optind >= argc) {
		explain_usage(stderr);
		return EXIT_USAGE;
	}
	ja = strcmp(lang, "ja") == 0;
	if (json)
		fputs("[", stdout);
	if (reasons)
		status = list_reasons(lang, json, &n, &out);
	for (i = optind; i < argc; i++) {
		kaeru_explanation  e;
		kaeru_explain_iter it;
		int		   rc;

		if (kaeru_explain(argv[i], lang, &e) != 0) {
			fflush(stdout);
			cli_warn("%s", kaeru_error_last());
			status = EXIT_INPUT;
			continue;
		}
		if (json) {
			if (print_json(&e, &n, &out) != 0)
				status = EXIT_FAILURE_;
		} else {
			if (n++)
				putchar('\n');
			print_text(&e, ja);
		}
		/* then what providers mean by the same code */
		if (e.kind == KAERU_CODE_PROVIDER)
			continue;
		kaeru_explain_iter_init(&it, lang, argv[i]);
		while ((rc = kaeru_explain_next(&it, &e)) == 1) {
			if (json) {
				if (print_json(&e, &n, &out) != 0)
					status = EXIT_FAILURE_;
			} else {
				putchar('\n');
				print_text(&e, ja);
			}
		}
		if (rc < 0) {
			cli_warn("%s", kaeru_error_last());
			status = EXIT_FAILURE_;
		}
	}
	if (json)
		fputs(n ? "\n]\n" : "]\n", stdout);
	kaeru_buf_dispose(&out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		return EXIT_FAILURE_;
	}
	return status;
}

/* test_reader - files, directories, Maildir, mbox, errors (mail/reader.c) */
#include "t.h"

#include <kaeru/kaeru.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/kaeru-reader-XXXXXX";

static void
put(const char *name, const char *text)
{
	char  p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

/* count - mails and errors read from path */
static void
count(const char *path, int *mails, int *errors, kaeru_reader_opts *o, int *truncated)
{
	kaeru_reader *r;
	kaeru_mail    m;
	int	      rc;

	*mails = *errors = 0;
	if (truncated)
		*truncated = 0;
	if (kaeru_reader_open(&r, path, o) != 0) {
		(*errors)++;
		return;
	}
	while ((rc = kaeru_reader_next(r, &m)) != 0) {
		if (rc < 0) {
			(*errors)++;
			continue;
		}
		(*mails)++;
		if (truncated && m.truncated)
			(*truncated)++;
	}
	kaeru_reader_free(r);
}

int
main(void)
{
	char p[512];
	int  n, e, t;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;

	T_OK(mkdtemp(dir) != NULL, "temp dir");
	put("one.eml", "Subject: a\n\nbody\n");
	put("box.mbox", "From a@b Mon Jan  1 00:00:00 2001\nSubject: 1\n\nx\n>From quoted\n\n"
	    "From c@d Mon Jan  1 00:00:00 2001\nSubject: 2\n\ny\n");
	snprintf(p, sizeof(p), "%s/md", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/md/cur", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/md/new", dir);
	mkdir(p, 0700);
	put("md/cur/1", "Subject: c\n\n");
	put("md/new/2", "Subject: n\n\n");
	put("md/tmp-not-read", "x");

	snprintf(p, sizeof(p), "%s/one.eml", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 1 && e == 0, "one file, one mail");
	snprintf(p, sizeof(p), "%s/box.mbox", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 2 && e == 0, "mbox: two mails");
	{
		kaeru_reader *r;
		kaeru_mail    m;
		kaeru_reader_open(&r, p, NULL);
		kaeru_reader_next(r, &m);
		T_OK(strstr(m.data, "\nFrom quoted") != NULL, ">From unquoted");
		T_EQ_STR(m.origin, p, "origin is the mbox path");
		kaeru_reader_free(r);
	}
	snprintf(p, sizeof(p), "%s/md", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 2 && e == 0, "Maildir: cur and new only");
	count(dir, &n, &e, NULL, NULL);
	T_OK(n == 5 && e == 0, "directory recursion (a Maildir inside counts cur and new)");
	snprintf(p, sizeof(p), "%s/nonexistent", dir);
	count(p, &n, &e, NULL, NULL);
	T_OK(n == 0 && e == 1, "missing path is one error");
	T_OK(strstr(kaeru_error_last(), "nonexistent") != NULL, "error names the path");
	o.max_mail_size = 8;
	snprintf(p, sizeof(p), "%s/one.eml", dir);
	count(p, &n, &e, &o, &t);
	T_OK(n == 1 && t == 1, "size limit marks truncated");
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	T_OK(system(p) == 0, "cleanup");
	return t_done("reader");
}

/*
 * NAME
 *	fuzz_mbox - the mbox splitter, through kaeru_reader_* on a memory file
 * DESCRIPTION
 *	The input is written to a memfd and read back through its
 *	/proc/self/fd path, so the reader's own open, stat and stream code
 *	runs without touching the disk. The mails handed back must hold
 *	no more bytes than the file, and with max_mail_size small enough
 *	the cap must hold.
 */
#include "fuzz.h"

#include <kaeru/kaeru.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int  fd = -1;
static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kaeru_reader	 *r;
	kaeru_reader_opts o = KAERU_READER_OPTS_INIT;
	kaeru_mail	  mail;
	size_t		  total = 0, nmail = 0;
	int		  rc;

	if (fd < 0) {
		if ((fd = memfd_create("fuzz_mbox", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	/* The first byte's low bits choose a small cap now and then. */
	o.max_mail_size = size > 0 && (data[0] & 3) == 3 ? 64 : 0;
	FUZZ_CHECK(kaeru_reader_open(&r, path, &o) == 0);
	while ((rc = kaeru_reader_next(r, &mail)) != 0) {
		FUZZ_CHECK(rc == 1);
		FUZZ_CHECK(mail.data != NULL && mail.origin != NULL);
		FUZZ_CHECK(mail.len == 0 || mail.data[mail.len] == '\0');
		if (o.max_mail_size != 0)
			FUZZ_CHECK(mail.len <= o.max_mail_size + 4096);
		total += mail.len;
		nmail++;
		FUZZ_CHECK(nmail <= size + 1);
	}
	/* mboxrd unquoting only removes bytes. */
	FUZZ_CHECK(total <= size);
	kaeru_reader_free(r);
	return 0;
}

/*
 * NAME
 *	fuzz_dsn - RFC 3464 field parsing: dsn_field and dsn_collect
 * DESCRIPTION
 *	The input is read as flat text (the shape the MIME layer hands the
 *	decoders): every line through dsn_field, then the whole through
 *	dsn_collect into a kbounce. Field slices must lie inside the line;
 *	every record string must be NUL-terminated text of the arena.
 */
#include "fuzz.h"

#include "lib/rfc/dsn.h"
#include "lib/smtp/smtp.h"

static karena arena;
static int    ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct klimits lim = { 1 << 20, 12, 200, 8192, 256 << 10, 10000 };
	struct kmsg    m;
	struct kbounce b;
	const char    *cur, *end, *line;
	size_t	       len, i;
	int	       r;
	char	      *text;

	if (!ready) {
		ka_init(&arena, 0);
		ready = 1;
	}
	ka_reset(&arena);
	memset(&m, 0, sizeof(m));
	memset(&b, 0, sizeof(b));
	m.a = &arena;
	m.lim = &lim;
	/* Flat text never holds NUL; the decoders rely on it. */
	if ((text = ka_strndup(&arena, (const char *)data, size)) == NULL)
		return 0;
	for (i = 0; i < size; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	cur = text;
	end = text + size;
	while (km_nextline(&cur, end, &line, &len)) {
		struct dsn_field f;
		char		 code[SMTP_STATUS_MAX], reply[4];

		if (dsn_field(line, len, &f) != DSN_NONE) {
			FUZZ_CHECK(f.val >= line && f.val + f.vallen <= line + len);
			FUZZ_CHECK(f.typelen == 0 || (f.type >= line && f.type + f.typelen <= line + len));
		}
		if (smtp_status_find(line, len, code))
			FUZZ_CHECK(strlen(code) < SMTP_STATUS_MAX && smtp_status_valid(code, strlen(code)));
		if (smtp_reply_find(line, len, reply))
			FUZZ_CHECK(strlen(reply) == 3);
		(void)smtp_command_find(line, len);
	}
	r = dsn_collect(&m, &b, text, size, DSN_ANYWHERE);
	FUZZ_CHECK(r >= -1 && (size_t)(r < 0 ? 0 : r) <= b.n);
	for (i = 0; i < b.n; i++) {
		const struct kds *d = &b.ds[i];
		if (d->recipient != NULL)
			FUZZ_CHECK(strlen(d->recipient) <= size);
		if (d->diagnosis != NULL)
			FUZZ_CHECK(strlen(d->diagnosis) <= size);
		if (d->status != NULL)
			FUZZ_CHECK(strlen(d->status) < SMTP_STATUS_MAX);
	}
	return 0;
}

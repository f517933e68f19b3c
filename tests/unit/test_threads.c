/* test_threads - parsers in several threads at once give the same records */
#include "t.h"

#include <kaeru/kaeru.h>
#include <pthread.h>
#include <stdio.h>

static const char *const mails[] = {
	"From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
	"--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.jp.\n\n"
	"<a@example.jp>: host x[192.0.2.1] said: 552 5.2.2 Mailbox full (in reply to RCPT TO command)\n\n"
	"--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.jp\nAction: failed\nStatus: 5.2.2\n\n--B--\n",
	"From: Mail Delivery System <Mailer-Daemon@x.example.org>\nSubject: Mail delivery failed: returning message to sender\n"
	"Message-Id: <E1abcde-000Abc-2k@x.example.org>\nX-Failed-Recipients: b@example.org\n\n"
	"This message was created automatically by mail delivery software.\n\n"
	"  b@example.org\n    SMTP error from remote mail server after RCPT TO:<b@example.org>:\n"
	"    host mx [192.0.2.2]: 550 5.1.1 User unknown\n",
	"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <c@example.co.jp>\nSubject: Out of Office\nAuto-Submitted: auto-replied\n\nAway.\n",
};

#define NMAIL (sizeof(mails) / sizeof(mails[0]))
#define ROUNDS 300

struct job {
	char	want[NMAIL][256];
	int	bad;
};

/* describe - one line per mail: its records' recipient, reason, status */
static void
describe(kaeru_parser *p, size_t i, char *out, size_t n)
{
	const kaeru_record *r;
	size_t		    k, j, o = 0;

	out[0] = '\0';
	if (kaeru_parser_parse(p, mails[i], strlen(mails[i]), "t", &r, &k) != 0)
		return;
	for (j = 0; j < k && o < n; j++)
		o += (size_t)snprintf(out + o, n - o, "%s %s %s;", r[j].recipient, r[j].reason, r[j].deliverystatus);
}

static void *
run(void *arg)
{
	struct job   *jb = arg;
	kaeru_parser *p;
	char	      got[256];
	int	      round;
	size_t	      i;

	if (kaeru_parser_new(&p, NULL) != 0) {
		jb->bad++;
		return NULL;
	}
	for (round = 0; round < ROUNDS; round++)
		for (i = 0; i < NMAIL; i++) {
			describe(p, i, got, sizeof(got));
			if (strcmp(got, jb->want[i]) != 0)
				jb->bad++;
		}
	kaeru_parser_free(p);
	return NULL;
}

int
main(void)
{
	struct job    jobs[4];
	pthread_t     th[4];
	kaeru_parser *p;
	size_t	      i;
	int	      t;

	T_OK(kaeru_parser_new(&p, NULL) == 0, "parser");
	for (i = 0; i < NMAIL; i++) {
		describe(p, i, jobs[0].want[i], sizeof(jobs[0].want[i]));
		T_OK(jobs[0].want[i][0] != '\0', "a record per sample");
	}
	kaeru_parser_free(p);
	for (t = 0; t < 4; t++) {
		memcpy(jobs[t].want, jobs[0].want, sizeof(jobs[0].want));
		jobs[t].bad = 0;
		T_OK(pthread_create(&th[t], NULL, run, &jobs[t]) == 0, "thread started");
	}
	for (t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		T_EQ_INT(jobs[t].bad, 0, "same records in every thread, every round");
	}
	return t_done("threads");
}

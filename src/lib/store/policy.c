/*
 * NAME
 *	policy - when a bounce suppresses an address, and for how long
 * DESCRIPTION
 *	kpol_effect() sorts a record into what it does to its recipient:
 *	hard bounces and complaints suppress at once; soft bounces (hints
 *	retry and suppress_after_retries) count one per distinct day;
 *	delivered reports reset the count; faults of the sender (fix_sender,
 *	slow_down, reduce_size) are counted per sending domain, never
 *	against the recipient; vacation replies count for nothing.
 *
 *	The soft score follows Mailman 3's bounce score: days with a bounce
 *	within soft_window_days of the latest, stopping at the first gap of
 *	more than soft_quiet_days (a quiet period forgets what came before).
 *
 *	kaeru_policy_load() reads a kaeru.conf into a copy and replaces the
 *	caller's policy only when the whole file is good. Nothing here
 *	allocates except the line buffer of the loader, freed before return.
 */
#include <kaeru/store.h>

#include "store_int.h"
#include "../error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kaeru_policy_defaults - the documented defaults */
void
kaeru_policy_defaults(kaeru_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->version = KAERU_POLICY_VERSION;
	p->soft_threshold = 5;
	p->soft_window_days = 30;
	p->soft_quiet_days = 7;
	p->domain_threshold = 3;
	/*
	 * Below what providers act on: Amazon SES reviews a sender past 5%
	 * of bounces; Gmail and Yahoo ask for spam complaints under 0.1% and
	 * refuse bulk senders past 0.3%.
	 */
	p->warn_bounce_rate = 0.02;
	p->warn_complaint_rate = 0.001;
	p->warn_min_mails = 100;
	/* Soft reasons: the mailbox may come back. Hard ones never expire. */
	p->expire_days[KAERU_REASON_MAILBOXFULL] = 90;
	p->expire_days[KAERU_REASON_SUSPEND] = 180;
	p->expire_days[KAERU_REASON_SYSTEMFULL] = 30;
	p->expire_days[KAERU_REASON_SYSTEMERROR] = 30;
	p->expire_days[KAERU_REASON_MAILERERROR] = 30;
	p->expire_days[KAERU_REASON_NETWORKERROR] = 30;
	p->expire_days[KAERU_REASON_EXPIRED] = 30;
	p->expire_days[KAERU_REASON_ONHOLD] = 30;
	p->expire_days[KAERU_REASON_UNDEFINED] = 30;
	p->expire_days[KAERU_REASON_FILTERED] = 90;
}

/* kpol_never_expires - complaints and unsubscribes are for good */
int
kpol_never_expires(const char *reason)
{
	return strcmp(reason, "feedback") == 0 || strcmp(reason, "unsubscribe") == 0;
}

/*
 * kpol_supp_reason - may a suppression made by hand have this reason:
 *	"manual", "unsubscribe", or a reason name ("feedback" for a
 *	complaint, "userunknown" ...); else KAERU_EINVAL, naming the word it
 *	is one edit away from. A misspelt "unsubscibe" would otherwise be an
 *	ordinary suppression, counted as suppressed, not unsubscribed.
 */
int
kpol_supp_reason(const char *reason)
{
	kaeru_reason r;
	const char  *near = NULL, *w;
	size_t	     n = strlen(reason);
	unsigned     k;

	if (strcmp(reason, "manual") == 0 || strcmp(reason, "unsubscribe") == 0 ||
	    kaeru_reason_from_name(reason, &r) == 0)
		return 0;
	for (k = 0; near == NULL && k < KAERU_REASON_COUNT + 2; k++) {
		w = k == 0 ? "manual" : k == 1 ? "unsubscribe" : kaeru_reason_name((kaeru_reason)(k - 2));
		if (kaddr_within_one(reason, n, w, strlen(w)))
			near = w;
	}
	return kerr_set(KAERU_EINVAL, "unknown suppression reason \"%s\"%s%s%s: it is manual, unsubscribe, "
	    "feedback (a complaint) or a bounce reason such as userunknown or mailboxfull", reason,
	    near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

int
kaeru_suppression_reason_check(const char *reason)
{
	if (reason == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_suppression_reason_check: NULL reason");
	return kpol_supp_reason(reason);
}

/* kpol_until - when a suppression for reason made at since ends (0: never) */
int64_t
kpol_until(const kaeru_policy *p, const char *reason, int64_t since)
{
	kaeru_reason r;

	if (kpol_never_expires(reason) || kaeru_reason_from_name(reason, &r) != 0)
		return 0;
	if (p->expire_days[r] <= 0)
		return 0;
	return since + (int64_t)p->expire_days[r] * 86400;
}

/* kpol_effect - what a record does to its recipient */
enum kpol_effect
kpol_effect(const kaeru_record *r)
{
	switch (r->kind) {
	case KAERU_KIND_DELIVERED:
		return KPOL_DELIVERED;
	case KAERU_KIND_FEEDBACK:
		return KPOL_COMPLAINT;
	case KAERU_KIND_VACATION:
		return KPOL_NONE;
	case KAERU_KIND_BOUNCE:
		break;
	}
	if (r->reason_id == KAERU_REASON_DELIVERED)
		return KPOL_DELIVERED;
	if (r->reason_id == KAERU_REASON_VACATION)
		return KPOL_NONE;
	if (r->reason_id == KAERU_REASON_FEEDBACK)
		return KPOL_COMPLAINT;
	switch (r->hint_id) {
	case KAERU_HINT_SUPPRESS:
		return KPOL_HARD;
	case KAERU_HINT_RETRY:
	case KAERU_HINT_SUPPRESS_AFTER_RETRIES:
		return r->hardbounce ? KPOL_HARD : KPOL_SOFT;
	case KAERU_HINT_FIX_SENDER:
	case KAERU_HINT_SLOW_DOWN:
	case KAERU_HINT_REDUCE_SIZE:
		return KPOL_SENDER;
	case KAERU_HINT_IGNORE:
	case KAERU_HINT_COUNT:
		break;
	}
	return KPOL_NONE;
}

/*
 * kpol_soft_score - bounce days that count, given the distinct days
 * (day numbers, newest first) already limited to the window and to
 * after the last reset
 */
int
kpol_soft_score(const kaeru_policy *p, const int64_t *days, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 1; i < n; i++)
		if (days[i - 1] - days[i] > p->soft_quiet_days)
			break;
	return (int)i;
}

/* parse_int - a whole non-negative number up to max */
static int
parse_int(const char *v, int max, int *out)
{
	char *end;
	long  x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || x < 0 || x > max)
		return -1;
	*out = (int)x;
	return 0;
}

/* parse_percent - "2%", "0.1%" (up to 100%) as a fraction */
static int
parse_percent(const char *v, double *out)
{
	char  *end;
	double x;
	size_t i, dot = 0, digits = 0;

	/* Digits, one dot, then "%": no exponents, signs, nan or inf for strtod to take. */
	for (i = 0; v[i] != '\0' && v[i] != '%'; i++) {
		if (v[i] == '.' && dot++ == 0)
			continue;
		if (v[i] < '0' || v[i] > '9')
			return -1;
		digits++;
	}
	if (digits == 0 || v[i] != '%' || v[i + 1] != '\0')
		return -1;
	errno = 0;
	x = strtod(v, &end);
	if (errno != 0 || *end != '%' || x > 100)
		return -1;
	*out = x / 100;
	return 0;
}

/* set_key - apply one key; -1 with *why on a bad key or value */
static int
set_key(kaeru_policy *p, const char *k, const char *v, const char **why)
{
	kaeru_reason r;
	int	     x;

	if (strcmp(k, "warn_bounce_rate") == 0 || strcmp(k, "warn_complaint_rate") == 0) {
		if (parse_percent(v, k[5] == 'b' ? &p->warn_bounce_rate : &p->warn_complaint_rate) != 0) {
			*why = "a percentage from 0% to 100%, such as 2% or 0.1%";
			return -1;
		}
		return 0;
	}
	if (parse_int(v, 100000, &x) != 0) {
		*why = "value is not a whole number from 0 to 100000";
		return -1;
	}
	if (strcmp(k, "soft_threshold") == 0 || strcmp(k, "domain_threshold") == 0) {
		if (x < 1) {
			*why = "a threshold is at least 1";
			return -1;
		}
		*(k[0] == 's' ? &p->soft_threshold : &p->domain_threshold) = x;
	} else if (strcmp(k, "soft_window_days") == 0) {
		if (x < 1) {
			*why = "the window is at least 1 day";
			return -1;
		}
		p->soft_window_days = x;
	} else if (strcmp(k, "soft_quiet_days") == 0)
		p->soft_quiet_days = x;
	else if (strcmp(k, "warn_min_mails") == 0)
		p->warn_min_mails = x;
	else if (strcmp(k, "local_part_case_sensitive") == 0) {
		if (x > 1) {
			*why = "0 or 1";
			return -1;
		}
		p->local_part_case_sensitive = x;
	} else if (strncmp(k, "expire.", 7) == 0) {
		if (strcmp(k + 7, "feedback") == 0 || strcmp(k + 7, "unsubscribe") == 0) {
			*why = "complaints and unsubscribes never expire";
			return -1;
		}
		if (kaeru_reason_from_name(k + 7, &r) != 0) {
			*why = "no such reason after \"expire.\"";
			return -1;
		}
		p->expire_days[r] = x;
	} else {
		*why = "unknown key";
		return -1;
	}
	return 0;
}

/* kaeru_stats_rates - the rates of a stats row and the thresholds they pass */
void
kaeru_stats_rates(const kaeru_stats_row *r, int64_t sent, const kaeru_policy *p, kaeru_rates *out)
{
	kaeru_policy def;

	if (p == NULL) {
		kaeru_policy_defaults(&def);
		p = &def;
	}
	memset(out, 0, sizeof(*out));
	/*
	 * Without the number sent, the mails a row saw are its bounces and
	 * its delivery reports: with no delivery report that is the bounces
	 * alone, a "rate" of 100% that says nothing.
	 */
	out->mails = sent > 0 ? sent : r->delivered > 0 ? r->hard + r->soft + r->delivered : 0;
	if (out->mails <= 0) {
		out->mails = 0;
		out->bounce = out->complaint = -1;
		return;
	}
	out->bounce = (double)(r->hard + r->soft) / (double)out->mails;
	out->complaint = (double)r->complaints / (double)out->mails;
	if (out->mails < p->warn_min_mails)
		return;
	if (out->bounce > p->warn_bounce_rate)
		out->warn |= KAERU_WARN_BOUNCE;
	if (out->complaint > p->warn_complaint_rate)
		out->warn |= KAERU_WARN_COMPLAINT;
}

/* trim - strip blanks at both ends, in place */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* kaeru_policy_load - apply a kaeru.conf over *p, all or nothing */
int
kaeru_policy_load(kaeru_policy *p, const char *path)
{
	kaeru_policy tmp;
	FILE	    *f;
	char	    *line = NULL;
	size_t	     cap = 0;
	long	     lineno = 0;
	int	     rc = 0;

	if (p == NULL || path == NULL)
		return kerr_set(KAERU_EINVAL, "kaeru_policy_load: NULL argument");
	if ((f = fopen(path, "r")) == NULL)
		return kerr_set(KAERU_EIO, "%s: %s", path, strerror(errno));
	tmp = *p;
	while (getline(&line, &cap, f) != -1) {
		char	   *s, *eq, *k, *v;
		const char *why = NULL;

		lineno++;
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			rc = kerr_set(KAERU_EPARSE, "%s:%ld: expected \"key = value\"", path, lineno);
			break;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (set_key(&tmp, k, v, &why) != 0) {
			rc = kerr_set(KAERU_EPARSE, "%s:%ld: %s: %s", path, lineno, k, why);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = kerr_set(KAERU_EIO, "%s: read error", path);
	free(line);
	fclose(f);
	if (rc == 0)
		*p = tmp;
	return rc;
}

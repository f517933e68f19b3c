/*
 * NAME
 *	kaeru/store.h - the bounce store, the suppression policy, list cleaning
 * SYNOPSIS
 *	kaeru_policy pol;
 *	kaeru_store *s;
 *	kaeru_ingest_result res;
 *
 *	kaeru_policy_defaults(&pol);
 *	kaeru_policy_load(&pol, "kaeru.conf");		(optional)
 *	kaeru_store_open(&s, NULL, &pol);		(default SQLite file)
 *	kaeru_store_begin(s);
 *	for each record r: kaeru_store_ingest(s, r, time(NULL), &res);
 *	kaeru_store_commit(s);
 *	kaeru_store_free(s);
 * DESCRIPTION
 *	A store keeps one event per bounce record, keyed by the record's token
 *	and recipient, so that a mail ingested twice is counted once. Each new
 *	event goes through the policy, which moves the recipient between the
 *	states below and adds suppressions, each with the rule behind it.
 *
 *	The location is a file path (SQLite, the default) or a
 *	"postgresql://..." URL (PostgreSQL); both behave the same. Writers
 *	are serialised per database: kaeru_store_begin() waits for other
 *	writers (KAERU_EBUSY after the busy timeout). Several processes may
 *	ingest into one database at once.
 *
 *	A store handle is used by one thread at a time. Strings handed to
 *	callbacks are borrowed for the duration of the callback; strings in
 *	a kaeru_address_info belong to the store until its next call.
 *	Callbacks must not call the store; a callback returning non-zero
 *	stops the iteration, and the function returns that value.
 */
#ifndef KAERU_STORE_H
#define KAERU_STORE_H

#include <kaeru/common.h>
#include <kaeru/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kaeru_store kaeru_store;

/* What the store thinks of an address. */
typedef enum kaeru_addr_state {
	KAERU_ADDR_ACTIVE,		/* mail it */
	KAERU_ADDR_SOFT_BOUNCING,	/* soft bounces counted, not yet suppressed */
	KAERU_ADDR_SUPPRESSED,		/* hard bounce, or soft bounces past the threshold */
	KAERU_ADDR_UNSUBSCRIBED,	/* the recipient asked to leave */
	KAERU_ADDR_COMPLAINED,		/* the recipient reported a mail as spam */
	KAERU_ADDR_STATE_COUNT
} kaeru_addr_state;

/* kaeru_addr_state_name - static name of a state; NULL when out of range */
KAERU_EXTERN const char *kaeru_addr_state_name(kaeru_addr_state st);

#define KAERU_POLICY_VERSION 3

/* The policy; see docs/kaeru.conf.example for each knob. */
typedef struct kaeru_policy {
	unsigned int	version;		/* KAERU_POLICY_VERSION */
	int		soft_threshold;		/* soft bounce days that suppress (5) */
	int		soft_window_days;	/* ... within this many days (30) */
	int		soft_quiet_days;	/* a gap longer than this resets the score (7) */
	int		domain_threshold;	/* hostunknown addresses that flag a domain (3) */
	int		expire_days[KAERU_REASON_COUNT]; /* suppression lifetime per reason; 0: never */
	int		local_part_case_sensitive; /* 1: Foo@ and foo@ are two addresses (0) */
	/* Rates past which kaeru_stats_rates() warns, as fractions (0.02 is 2%). */
	double		warn_bounce_rate;	/* (hard + soft) / mails (0.02) */
	double		warn_complaint_rate;	/* complaints / mails (0.001) */
	int64_t		warn_min_mails;		/* fewer mails than this never warn (100) */
} kaeru_policy;

/* kaeru_policy_defaults - fill p with the documented defaults */
KAERU_EXTERN void kaeru_policy_defaults(kaeru_policy *p);

/*
 * kaeru_policy_load - apply a kaeru.conf ("key = value" lines, "#" comments)
 *	over *p. An unknown key or a bad value fails with KAERU_EPARSE and a
 *	message naming the file and line; *p is then unchanged.
 */
KAERU_EXTERN int kaeru_policy_load(kaeru_policy *p, const char *path);

/* kaeru_store_default_path - the default database file (created folders included) into out */
KAERU_EXTERN int kaeru_store_default_path(kaeru_buf *out);

/*
 * kaeru_store_open - open or create a store, migrating its schema
 *	location: NULL (default SQLite file), a path, or postgresql://...
 *	pol: NULL for the defaults; copied.
 */
KAERU_EXTERN int  kaeru_store_open(kaeru_store **out, const char *location,
		    const kaeru_policy *pol);

/*
 * kaeru_store_open_existing - kaeru_store_open() of a store that must
 *	exist already, for a caller that only reads: a SQLite file that is
 *	missing is KAERU_ENOTFOUND ("no store at PATH"), and neither it nor
 *	its folders are made (a typo in a path would otherwise read as an
 *	empty store). A PostgreSQL database must exist in either case; one
 *	without kaeru's tables gets them, as from kaeru_store_open().
 */
KAERU_EXTERN int  kaeru_store_open_existing(kaeru_store **out, const char *location,
		    const kaeru_policy *pol);

/* kaeru_store_free - close; an open transaction is rolled back; accepts NULL */
KAERU_EXTERN void kaeru_store_free(kaeru_store *s);

/* kaeru_store_backend - "sqlite" or "postgresql" */
KAERU_EXTERN const char *kaeru_store_backend(const kaeru_store *s);

/* Write transactions: batch many ingests into one. */
KAERU_EXTERN int kaeru_store_begin(kaeru_store *s);
KAERU_EXTERN int kaeru_store_commit(kaeru_store *s);
KAERU_EXTERN int kaeru_store_rollback(kaeru_store *s);

typedef struct kaeru_ingest_result {
	int		 stored;	/* 1: a new event */
	int		 duplicate;	/* 1: seen before; nothing changed */
	int		 skipped;	/* 1: no usable recipient */
	int		 new_suppression; /* 1: this event suppressed the address */
	int		 domain_flagged;  /* 1: this event flagged the recipient's domain */
	kaeru_addr_state state;		/* the address's state afterwards */
} kaeru_ingest_result;

/*
 * kaeru_store_ingest - store one record and apply the policy
 *	now: the current time (expiry, ingestion date); the policy counts
 *	in the record's own time. Outside a transaction the call is its own.
 */
KAERU_EXTERN int kaeru_store_ingest(kaeru_store *s, const kaeru_record *r,
		    int64_t now, kaeru_ingest_result *res);

/*
 * A batch of records to ingest together: kaeru_ingest_batch_add() copies
 * what the store keeps of a record (so the parser may move on), and
 * kaeru_store_ingest_batch() stores them all with a few statements for
 * the whole batch, with the same results as kaeru_store_ingest() called
 * for each in turn. res: NULL, or room for kaeru_ingest_batch_count()
 * results, in the order the records were added. The batch is not
 * emptied; kaeru_ingest_batch_clear() does that, keeping its memory.
 */
typedef struct kaeru_ingest_batch kaeru_ingest_batch;

KAERU_EXTERN int    kaeru_ingest_batch_new(kaeru_ingest_batch **out);
KAERU_EXTERN void   kaeru_ingest_batch_free(kaeru_ingest_batch *b);	/* accepts NULL */
KAERU_EXTERN int    kaeru_ingest_batch_add(kaeru_ingest_batch *b, const kaeru_record *r);
KAERU_EXTERN size_t kaeru_ingest_batch_count(const kaeru_ingest_batch *b);
KAERU_EXTERN void   kaeru_ingest_batch_clear(kaeru_ingest_batch *b);
KAERU_EXTERN int    kaeru_store_ingest_batch(kaeru_store *s, const kaeru_ingest_batch *b,
		    int64_t now, kaeru_ingest_result *res);

typedef struct kaeru_suppression {
	const char	*address;	/* the store's key (see kaeru_address_normalize) */
	const char	*reason;	/* a reason name, "unsubscribe" or "manual" */
	const char	*source;	/* "policy" or "manual" */
	int64_t		 event_id;	/* the causing event; 0 for none */
	int64_t		 since;
	int64_t		 until;		/* 0: never expires */
	const char	*display;	/* the address as first seen */
} kaeru_suppression;

typedef int (*kaeru_suppression_cb)(void *arg, const kaeru_suppression *sp);

/*
 * kaeru_store_suppress - suppress an address by hand
 *	reason "unsubscribe" makes it unsubscribed, "feedback" complained,
 *	"manual" or another reason name suppressed; any other word is
 *	KAERU_EINVAL (the message names a reason one edit away). until 0:
 *	never expires.
 */
KAERU_EXTERN int kaeru_store_suppress(kaeru_store *s, const char *address,
		    const char *reason, int64_t now, int64_t until);

/*
 * kaeru_suppression_reason_check - 0 when kaeru_store_suppress() takes
 *	reason; else KAERU_EINVAL, with the message kaeru_error_last() gives
 */
KAERU_EXTERN int kaeru_suppression_reason_check(const char *reason);

/* kaeru_store_unsuppress - lift a suppression, the address becomes active; KAERU_ENOTFOUND if none */
KAERU_EXTERN int kaeru_store_unsuppress(kaeru_store *s, const char *address, int64_t now);

/* kaeru_store_suppressions - each suppression in force at now (all when include_expired) */
KAERU_EXTERN int kaeru_store_suppressions(kaeru_store *s, int64_t now,
		    int include_expired, kaeru_suppression_cb cb, void *arg);

/* kaeru_store_is_suppressed - 1 when a suppression is in force, 0 when not, or an error */
KAERU_EXTERN int kaeru_store_is_suppressed(kaeru_store *s, const char *address, int64_t now);

typedef struct kaeru_address_info {
	const char	*address;	/* the store's key (see kaeru_address_normalize) */
	kaeru_addr_state state;
	int		 score;		/* soft bounce days counted */
	int64_t		 updated;
	int		 suppressed;	/* 1: a suppression is in force */
	const char	*supp_reason;	/* "" when none */
	int64_t		 supp_since, supp_until;
	const char	*display;	/* the address as first seen */
} kaeru_address_info;

typedef struct kaeru_history {
	int64_t		 ts;
	const char	*old_state, *new_state;
	int64_t		 event_id;	/* 0 for manual changes */
	const char	*reason;	/* the event's reason */
	const char	*rule;		/* the policy rule behind the change */
} kaeru_history;

typedef int (*kaeru_history_cb)(void *arg, const kaeru_history *h);

/* kaeru_store_address - state of an address, then its history oldest first; KAERU_ENOTFOUND if unknown */
KAERU_EXTERN int kaeru_store_address(kaeru_store *s, const char *address,
		    int64_t now, kaeru_address_info *info, kaeru_history_cb cb, void *arg);

/* Domains flagged as non-existent, with the addresses that showed it. */
typedef int (*kaeru_domain_cb)(void *arg, const char *domain, int64_t since,
		    const char *address);
KAERU_EXTERN int kaeru_store_domains(kaeru_store *s, kaeru_domain_cb cb, void *arg);

/* Statistics, grouped by a key. */
typedef enum kaeru_stats_by {
	KAERU_STATS_TOTAL, KAERU_STATS_DAY, KAERU_STATS_DOMAIN,
	KAERU_STATS_REASON, KAERU_STATS_SENDER
} kaeru_stats_by;

typedef struct kaeru_stats_row {
	const char	*key;		/* YYYY-MM-DD, domain, reason, sender domain, or "total" */
	int64_t		 events;
	int64_t		 hard, soft;	/* bounces counted against recipients */
	int64_t		 sender;	/* bounces the sender must fix (fix_sender, slow_down, reduce_size) */
	int64_t		 complaints, delivered, vacations;
} kaeru_stats_row;

typedef int (*kaeru_stats_cb)(void *arg, const kaeru_stats_row *row);

/* kaeru_store_stats - one row per key for events since the given time (0: all) */
KAERU_EXTERN int kaeru_store_stats(kaeru_store *s, kaeru_stats_by by, int64_t since,
		    kaeru_stats_cb cb, void *arg);

/* The rates of a stats row, and which of the policy's thresholds they pass. */
#define KAERU_WARN_BOUNCE	1u	/* bounce rate past warn_bounce_rate */
#define KAERU_WARN_COMPLAINT	2u	/* complaint rate past warn_complaint_rate */

typedef struct kaeru_rates {
	int64_t		 mails;		/* sent, else hard + soft + delivered when delivered > 0; 0: unknown */
	double		 bounce;	/* (hard + soft) / mails; -1 when mails is 0 */
	double		 complaint;	/* complaints / mails; -1 when mails is 0 */
	unsigned	 warn;		/* KAERU_WARN_* */
} kaeru_rates;

/*
 * kaeru_stats_rates - the rates of row r over sent mails (0: the mails the
 *	row itself saw, its bounces and delivery reports, when the MTA
 *	reports deliveries; else none, and the rates are unknown) and the
 *	thresholds of p (NULL: the defaults) that they pass. A row of fewer
 *	than p->warn_min_mails mails never warns: two bounces of three mails
 *	is not yet a rate.
 */
KAERU_EXTERN void kaeru_stats_rates(const kaeru_stats_row *r, int64_t sent,
		    const kaeru_policy *p, kaeru_rates *out);

/* kaeru_store_policy - the policy the store was opened with (owned by the store); NULL for NULL */
KAERU_EXTERN const kaeru_policy *kaeru_store_policy(const kaeru_store *s);

/*
 * Mailing lists and their subscribers. Addresses are matched by the
 * store's key (see kaeru_address_normalize) and shown as first seen.
 * A subscriber is mailable unless a suppression is in force for it (a
 * bounce, an unsubscribe, a complaint) or its domain is flagged as not
 * existing: that is read when the list is, never stored with it.
 */

/* kaeru_store_list_create - a new, empty list; KAERU_EINVAL if the name is taken */
KAERU_EXTERN int kaeru_store_list_create(kaeru_store *s, const char *list);

/* kaeru_store_subscribe - add an address to a list (created on first use) */
KAERU_EXTERN int kaeru_store_subscribe(kaeru_store *s, const char *list,
		    const char *address, int64_t now);

/* kaeru_store_list_remove - take an address off a list, nothing else; KAERU_ENOTFOUND if not on it */
KAERU_EXTERN int kaeru_store_list_remove(kaeru_store *s, const char *list, const char *address);

/* kaeru_store_unsubscribe - take an address off a list and suppress it (reason "unsubscribe") */
KAERU_EXTERN int kaeru_store_unsubscribe(kaeru_store *s, const char *list,
		    const char *address, int64_t now);

typedef struct kaeru_subscriber {
	const char	*address;	/* as first seen */
	kaeru_addr_state state;		/* as kaeru_store_address() says at the time given */
	int		 mailable;	/* 1: no suppression in force, domain not flagged */
	int64_t		 added;
} kaeru_subscriber;

typedef int (*kaeru_subscriber_cb)(void *arg, const kaeru_subscriber *sub);

/* kaeru_store_members - a list's subscribers at now, by key: the mailable ones, or all */
KAERU_EXTERN int kaeru_store_members(kaeru_store *s, const char *list, int64_t now, int all,
		    kaeru_subscriber_cb cb, void *arg);

typedef struct kaeru_list_info {
	const char	*name;
	int64_t		 subscribers;
	int64_t		 state[KAERU_ADDR_STATE_COUNT];	/* subscribers per state */
	int64_t		 mailable;
} kaeru_list_info;

typedef int (*kaeru_list_cb)(void *arg, const kaeru_list_info *l);

/* kaeru_store_lists - every list by name (or only list; KAERU_ENOTFOUND if none), counted at now */
KAERU_EXTERN int kaeru_store_lists(kaeru_store *s, const char *list, int64_t now,
		    kaeru_list_cb cb, void *arg);

/*
 * Addresses. kaeru_address_normalize() writes the store's key of an
 * address into out (replaced): the local part with its ASCII letters in
 * lower case (a store opened with local_part_case_sensitive keeps them as
 * written), the domain in lower case and IDNA A-labels. Every call of the
 * store that takes an address matches it by this key; the address as
 * first seen is kept for display. kaeru_address_check() also validates it
 * under RFC 5321/5322 (RFC 6531 UTF-8 local parts allowed); on failure
 * *why says what is wrong (static text). kaeru_domain_typo() returns a
 * well-known domain that the given one likely misspells, or NULL.
 */
KAERU_EXTERN int kaeru_address_normalize(const char *addr, size_t n, kaeru_buf *out);
KAERU_EXTERN int kaeru_address_check(const char *addr, size_t n, kaeru_buf *out,
		    const char **why);
KAERU_EXTERN const char *kaeru_domain_typo(const char *domain);

#define KAERU_CLEAN_OPTS_VERSION 1

typedef struct kaeru_clean_opts {
	unsigned int	 version;
	const char	*column;	/* header name or 1-based number; NULL: guess */
	size_t		 max_line;	/* longest record in bytes (0: 1 MiB) */
	int64_t		 now;		/* suppressions in force at this time */
} kaeru_clean_opts;

#define KAERU_CLEAN_OPTS_INIT { KAERU_CLEAN_OPTS_VERSION, NULL, 0, 0 }

typedef struct kaeru_clean_stats {
	size_t	rows, kept, suppressed, invalid, duplicate, bad_domain, typos;
} kaeru_clean_stats;

/*
 * kaeru_clean - a CSV list in (RFC 4180, UTF-8), the mailable rows out
 *	Rows whose address is suppressed, invalid, a duplicate or in a
 *	flagged domain go to rejects (may be NULL) with a "dropped" column;
 *	kept rows go to out with a "did_you_mean" column for likely typos.
 *	Malformed CSV (broken quoting, invalid UTF-8, an over-long record)
 *	fails with KAERU_EPARSE naming the line, and out is left empty, so
 *	the caller writes nothing half-done. s may be NULL (no suppressions).
 */
KAERU_EXTERN int kaeru_clean(kaeru_store *s, const char *data, size_t len,
		    const kaeru_clean_opts *o, kaeru_buf *out, kaeru_buf *rejects,
		    kaeru_clean_stats *st);

/* One record of a cleaned list, as kaeru_clean() would write it. */
typedef struct kaeru_clean_row {
	long		    line;	/* where the record starts in the input */
	const char *const  *fields;	/* its fields, unquoted (lens[i] bytes each) */
	const size_t	   *lens;
	size_t		    n;
	int		    header;	/* 1: the header row: fields are column names */
	const char	   *extra;	/* the added column: the typo hint of a kept row, why a
					   row was dropped; for the header, its name */
	size_t		    column;	/* the address column (0-based): named, or as guessed */
} kaeru_clean_row;

typedef int (*kaeru_clean_cb)(void *arg, const kaeru_clean_row *row);

/*
 * kaeru_clean_row_csv - append one row as kaeru_clean() writes it: its
 *	fields, then extra, quoted where they must be (RFC 4180), CRLF. A
 *	kaeru_clean_each() callback can write a cleaned list as it comes.
 */
KAERU_EXTERN int kaeru_clean_row_csv(const kaeru_clean_row *row, kaeru_buf *out);

/*
 * kaeru_clean_each - kaeru_clean() row by row: the header (if the input
 *	has one) then each kept row to kept, each dropped row to dropped
 *	(either may be NULL), in input order. Nothing is handed over before
 *	the whole input was read and found good.
 */
KAERU_EXTERN int kaeru_clean_each(kaeru_store *s, const char *data, size_t len,
		    const kaeru_clean_opts *o, kaeru_clean_cb kept, kaeru_clean_cb dropped,
		    void *arg, kaeru_clean_stats *st);

/*
 * kaeru_list_to_utf8 - a list file's bytes as UTF-8, for kaeru_clean(),
 *	kaeru_clean_each() and kaeru_store_list_import(), which read UTF-8
 *	only. encoding names the bytes' encoding (an iconv name: "CP932",
 *	"SHIFT_JIS", "EUC-JP", "ISO-2022-JP", "WINDOWS-1252", "UTF-8", ...);
 *	NULL or "" guesses: UTF-8, then ISO-2022-JP when its escapes are
 *	there, then CP932 (Shift_JIS as spreadsheets in Japan save CSV) and
 *	EUC-JP in the order their byte pairs suggest, then Windows-1252;
 *	the first that reads every byte. Nothing is replaced: a byte that
 *	does not convert fails the whole list.
 *	Returns 0 when the bytes are UTF-8 already (out untouched, *used
 *	"UTF-8"); 1 with the text appended to out and *used the encoding
 *	read, as iconv names it ("CP932", "EUC-JP-MS", "ISO-2022-JP-3",
 *	"WINDOWS-1252"; or encoding itself), which kaeru_list_from_utf8()
 *	takes to write the list back the same way; KAERU_EPARSE naming the
 *	line and byte that did not convert; KAERU_EINVAL for an encoding
 *	iconv does not know.
 */
KAERU_EXTERN int kaeru_list_to_utf8(const char *data, size_t len, const char *encoding,
		    kaeru_buf *out, const char **used);

/*
 * kaeru_list_from_utf8 - the way back: UTF-8 bytes (a cleaned list)
 *	appended to out in encoding (an iconv name), for a mailer that wants
 *	the list as the spreadsheet wrote it. Strict too: a character the
 *	encoding cannot hold (an emoji in a name, for CP932) fails with
 *	KAERU_EPARSE naming its line and byte, and appends nothing;
 *	KAERU_EINVAL for an encoding iconv does not know.
 */
KAERU_EXTERN int kaeru_list_from_utf8(const char *data, size_t len, const char *encoding,
		    kaeru_buf *out);

typedef struct kaeru_import_stats {
	size_t	rows;		/* data rows read */
	size_t	added;		/* new subscribers */
	size_t	present;	/* subscribed already, or twice in the file */
	size_t	invalid;	/* rows without a valid address */
} kaeru_import_stats;

/*
 * kaeru_store_list_import - a CSV list's addresses subscribed to an
 *	existing list, all in one transaction (the caller's if one is open).
 *	The CSV is read as kaeru_clean() reads it (o: the column, the longest
 *	record; o->now is the time subscribed). Every row is checked first: a
 *	row without a valid address is named in bad ("line N: ADDRESS: why",
 *	one a line, replacing its content; bad may be NULL), and then, as for
 *	malformed CSV, nothing is subscribed and the call fails with
 *	KAERU_EPARSE. Suppressed addresses are subscribed (and not exported).
 */
KAERU_EXTERN int kaeru_store_list_import(kaeru_store *s, const char *list, const char *data,
		    size_t len, const kaeru_clean_opts *o, kaeru_buf *bad, kaeru_import_stats *st);

#ifdef __cplusplus
}
#endif

#endif

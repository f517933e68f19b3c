/*
 * NAME
 *	kaeru/format.h - records as JSON and CSV
 * DESCRIPTION
 *	The writers append to a caller-owned kaeru_buf. JSON output is valid
 *	UTF-8 whatever bytes the mail held: invalid sequences become U+FFFD
 *	and control characters are escaped. CSV follows RFC 4180.
 */
#ifndef KAERU_FORMAT_H
#define KAERU_FORMAT_H

#include <kaeru/common.h>
#include <kaeru/record.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KAERU_FORMAT_PRETTY	0x1u	/* indent JSON objects */

/* kaeru_record_json - append one JSON object (no newline) */
KAERU_EXTERN int kaeru_record_json(const kaeru_record *r, unsigned flags, kaeru_buf *out);

/* kaeru_record_csv_header - append the CSV header line (with CRLF) */
KAERU_EXTERN int kaeru_record_csv_header(kaeru_buf *out);

/* kaeru_record_csv - append one CSV line (with CRLF) */
KAERU_EXTERN int kaeru_record_csv(const kaeru_record *r, kaeru_buf *out);

/* kaeru_json_string - append s as a JSON string literal, sanitising UTF-8 */
KAERU_EXTERN int kaeru_json_string(const char *s, size_t n, kaeru_buf *out);

/* Field names in output order, for table writers: NULL-terminated, static. */
KAERU_EXTERN const char *const *kaeru_record_fields(void);

/* kaeru_record_field - the value of a named field as text into out (replaced) */
KAERU_EXTERN int kaeru_record_field(const kaeru_record *r, const char *name, kaeru_buf *out);

#ifdef __cplusplus
}
#endif

#endif

/*
 * NAME
 *	smtp - find SMTP reply codes, enhanced status codes and commands in text
 * SUMMARY
 *	Bounce texts quote the remote server in every way imaginable:
 *	"550 5.1.1 <a@b>: ...", "550-5.7.1 ...", "(#5.1.1)", "said: 552 ...",
 *	"in reply to RCPT TO command". These helpers find the codes without
 *	mistaking IPv4 addresses, version numbers or dates for them.
 */
#ifndef KAERU_SMTP_H
#define KAERU_SMTP_H

#include <stddef.h>

/* Buffers: an enhanced code is at most "5.999.999". */
#define SMTP_STATUS_MAX 12

int	smtp_status_valid(const char *s, size_t n);
int	smtp_status_find(const char *s, size_t n, char out[SMTP_STATUS_MAX]);
int	smtp_reply_find(const char *s, size_t n, char out[4]);
int	smtp_reply_find_class(const char *s, size_t n, int cls, char out[4]);
const char *smtp_command_find(const char *s, size_t n);
int	smtp_status_is_pseudo(const char *code);
void	smtp_unwrap(char *d);

#endif

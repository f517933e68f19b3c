/*
 * NAME
 *	rfc5322 - addresses, dates and Received fields
 * SUMMARY
 *	Address helpers find and clean an e-mail address in free text
 *	("rfc822; <Neko@Example.JP>", "\"Name\" <a@b>", "a@b."), dates turn
 *	the many shapes of a Date field (RFC 5322, RFC 850, asctime, two-digit
 *	years, named zones) into seconds since the epoch and an offset, and
 *	received_hosts() pulls "from" and "by" hosts out of a Received field.
 */
#ifndef KAERU_RFC5322_H
#define KAERU_RFC5322_H

#include <stddef.h>
#include <stdint.h>

int	addr_find(const char *s, size_t n, const char **a, size_t *an);
int	addr_valid(const char *s, size_t n);
int	addr_is_daemon(const char *s, size_t n);
int	date_parse(const char *s, size_t n, int64_t *epoch, int *offset_min);
int	received_hosts(const char *s, size_t n, const char **from, size_t *fn,
	    const char **by, size_t *bn);

#endif

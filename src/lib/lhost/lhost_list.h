/*
 * lhost_list.h - the MTA families, in the order they are tried
 *	One line per family: KAERU_LHOST(name) refers to
 *	"const struct klhost lhost_<name>" in lhost/<name>.c. Families the
 *	subject points to are tried first (order.c); the rest in this order.
 *	The standard readers (RFC 3464, ARF, RFC 3834, generic) come last
 *	and are not listed here.
 */
KAERU_LHOST(postfix)
KAERU_LHOST(sendmail)
KAERU_LHOST(exim)
KAERU_LHOST(qmail)
KAERU_LHOST(dragonfly)
KAERU_LHOST(googlegroups)
KAERU_LHOST(gmail)
KAERU_LHOST(googleworkspace)
KAERU_LHOST(amazonworkmail)
KAERU_LHOST(receivingses)
KAERU_LHOST(amazonses)
KAERU_LHOST(yahoo)
KAERU_LHOST(aol)
KAERU_LHOST(sendgrid)
KAERU_LHOST(zoho)
KAERU_LHOST(yandex)
KAERU_LHOST(mailru)
KAERU_LHOST(gmx)
KAERU_LHOST(einsundeins)
KAERU_LHOST(bigfoot)
KAERU_LHOST(facebook)
KAERU_LHOST(verizon)
KAERU_LHOST(ezweb)
KAERU_LHOST(kddi)
KAERU_LHOST(biglobe)

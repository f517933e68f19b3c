/*
 * lhost_list.h - the MTA families, in the order they are tried
 *	One line per family: KAERU_LHOST(name) refers to
 *	"const struct klhost lhost_<name>" in lhost/<name>.c. Families the
 *	subject points to are tried first (order.c); the rest in this order.
 *	The standard readers (RFC 3464, ARF, RFC 3834, generic) come last
 *	and are not listed here.
 */
KAERU_LHOST(activehunter)
KAERU_LHOST(exchange2003)
KAERU_LHOST(mcafee)
KAERU_LHOST(mxlogic)
KAERU_LHOST(messagelabs)
KAERU_LHOST(surfcontrol)
KAERU_LHOST(fml)
KAERU_LHOST(mimecast)
KAERU_LHOST(amavis)
KAERU_LHOST(x3)
KAERU_LHOST(x5)
KAERU_LHOST(office365)
KAERU_LHOST(exchange2007)
KAERU_LHOST(outlook)
KAERU_LHOST(domino)
KAERU_LHOST(mailfoundry)
KAERU_LHOST(interscanmss)
KAERU_LHOST(courier)
KAERU_LHOST(opensmtpd)
KAERU_LHOST(messagingserver)
KAERU_LHOST(powermta)
KAERU_LHOST(mailmarshalsmtp)
KAERU_LHOST(barracuda)
KAERU_LHOST(apachejames)
KAERU_LHOST(x1)
KAERU_LHOST(x6)
KAERU_LHOST(imailserver)
KAERU_LHOST(postfix)
KAERU_LHOST(sendmail)
KAERU_LHOST(exim)
KAERU_LHOST(qmail)
KAERU_LHOST(notes)
KAERU_LHOST(v5sendmail)
KAERU_LHOST(mfilter)
KAERU_LHOST(x2)
KAERU_LHOST(x4)

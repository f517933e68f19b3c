/*
 * NAME
 *	exchange2007 - bounces written by Exchange Server 2007 and later
 * DESCRIPTION
 *	Exchange writes its notices in the sender's language; the subject
 *	starts "Undeliverable:", "Non remis :", "Non recapitabile:",
 *	"Unzustellbar:", "No se puede entregar:", "Onbestelbaar:", ...;
 *	the mail carries a Content-Language header and often an empty
 *	X-MS-Exchange-Message-Is-Ndr. The notice has a part for users and
 *	one headed "Diagnostic information for administrators:" (translated)
 *	that lists "Generating server: <host>", then each recipient alone on
 *	a line followed by the server's reply ("#550 5.1.1
 *	RESOLVER.ADR.RecipNotFound; not found ##", "Remote Server returned
 *	'...'", or dated attempts, newest first), and ends at "Original
 *	message headers:". A standard report follows in newer versions.
 *	The transport component in the reply (RESOLVER.ADR.RecipNotFound,
 *	QUEUE.Expired, ...) has a fixed meaning: data/lhost/exchange2007.txt.
 *	Exchange Online (office365.c) writes the same notice; mails with its
 *	cross-tenant headers are left to that decoder.
 *	Source: Microsoft's NDR documentation, Sisimai::Lhost::Exchange2007
 *	(localized markers), observed bounces.
 */
#include "lhost.h"

/* Subjects of the notice, per language (prefixes). */
static const struct k_lit subjects[] = {
	K_LIT("Undeliverable:"), K_LIT("Non remis"), K_LIT("Non recapitabile:"), K_LIT("Unzustellbar:"),
	K_LIT("No se puede entregar:"), K_LIT("Onbestelbaar:"), K_LIT("Não entregue:"), K_LIT("Nao entregue:"),
	K_LIT("Olevererbart:"), K_LIT("Kan ikke leveres:"), K_LIT("Ikke leveret:"), K_LIT("Nedoručitelné:"),
	K_LIT("Nie można dostarczyć:"), K_LIT("Kézbesíthetetlen:"), K_LIT("Teslim edilemiyor:"),
	K_LIT("Невозможно доставить:"), K_LIT("配信不能:"), K_LIT("无法送达:"), K_LIT("無法傳遞:"),
	K_LIT("배달 못함:"),
	K_LIT("Undeliverable message"),
};

/* Headings of the administrators' part, per language (prefixes). */
static const struct k_lit admin[] = {
	K_LIT("Diagnostic information for administrators"),
	K_LIT("Informations de diagnostic pour les administrateurs"),
	K_LIT("Informazioni di diagnostica per gli amministratori"),
	K_LIT("Diagnoseinformationen für Administratoren"),
	K_LIT("Información de diagnóstico para administradores"),
	K_LIT("Diagnostische gegevens voor beheerders"),
	K_LIT("Informações de diagnóstico para administradores"),
	K_LIT("Diagnostikinformation för administratörer"),
	K_LIT("Diagnostische informatie voor beheerders"),
	K_LIT("管理者向けの診断情報"), K_LIT("Error Details"),
};

/* Labels of the server that wrote the notice, per language (prefixes). */
static const struct k_lit generating[] = {
	K_LIT("Generating server:"), K_LIT("Serveur de g"), K_LIT("Server di generazione:"),
	K_LIT("Generierender Server:"), K_LIT("Servidor de generaci"), K_LIT("Genererende server:"),
	K_LIT("Servidor de gera"), K_LIT("Genererande server:"), K_LIT("生成サーバー:"),
};

/* Headings of the returned headers, per language (prefixes). */
static const struct k_lit original[] = {
	K_LIT("Original message headers:"), K_LIT("Original Message Headers"),
	K_LIT("En-têtes de message d'origine"),
	K_LIT("Intestazioni originali del messaggio:"), K_LIT("Ursprüngliche Nachrichtenkopfzeilen:"),
	K_LIT("Ursprüngliche Nachrichtenheader:"), K_LIT("Encabezados del mensaje original:"),
	K_LIT("Oorspronkelijke berichtkoppen:"), K_LIT("Cabeçalhos da mensagem original:"),
	K_LIT("Ursprungliga meddelandehuvuden:"), K_LIT("元のメッセージ ヘッダー:"),
	K_LIT("Message Hops"),
};

/* STARTS - does the line start with one of list's prefixes, in any case */
#define STARTS(l, n, list) (k_starts_any(l, n, list, sizeof(list) / sizeof(list[0]), 1) != NULL)

/* has_reply - a line holding "NNN N.N.N" (a reply with a status code) */
static int
has_reply(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i + 9 <= n; i++)
		if ((l[i] == '4' || l[i] == '5') && k_isdigit((unsigned char)l[i + 1]) &&
		    k_isdigit((unsigned char)l[i + 2]) && l[i + 3] == ' ' &&
		    (l[i + 4] == '4' || l[i + 4] == '5') && l[i + 5] == '.' &&
		    (i == 0 || !k_isdigit((unsigned char)l[i - 1])))
			return 1;
	return 0;
}

/*
 * lh_exchange_notice - records of an Exchange 2007+ notice
 *	Recipients and the servers' replies from the administrators' part;
 *	when it lists none, the "Name<mailto:a@b>" lines of the users' part.
 *	*lhost is set to the generating server. Returns the number of
 *	records, -1 on ENOMEM.
 */
int
lh_exchange_notice(struct kmsg *m, struct kbounce *t, const char **lhost)
{
	const char *p, *cur, *end, *line;
	size_t	    n, len;
	struct kds *d = NULL;
	struct kbounce users;
	int	    part = 0;

	memset(&users, 0, sizeof(users));
	lh_notice(m, &p, &n);
	cur = p;
	end = p + n;
	while (km_nextline(&cur, end, &line, &len)) {
		const char *l = line, *a;
		size_t	    k = len;

		k_trim(&l, &k);
		if (k_startswith(line, len, "Content-Type: message/") ||
		    (part == 1 && STARTS(l, k, original)))
			break;
		if (k == 0)
			continue;
		if (part == 0) {
			const char *mt = lh_find(l, k, "<mailto:");
			if (STARTS(l, k, admin)) {
				part = 1;
				continue;
			}
			if (mt != NULL && (a = lh_addr(m, mt, (size_t)(l + k - mt))) != NULL) {
				struct kds *u = kb_add(m, &users);
				if (u == NULL)
					return -1;
				u->recipient = a;
			}
			continue;
		}
		if (STARTS(l, k, generating)) {
			const char *c = memchr(l, ':', k);
			if (c != NULL && *lhost == NULL) {
				size_t hn = (size_t)(l + k - c - 1);
				const char *h = c + 1;
				k_trim(&h, &hn);
				if (hn > 0)
					*lhost = kb_str(m, h, hn);
			}
			continue;
		}
		if ((a = lh_line_addr(m, l, k)) != NULL) {
			if ((d = kb_add(m, t)) == NULL)
				return -1;
			d->recipient = a;
			continue;
		}
		if (d != NULL && d->diagnosis == NULL && has_reply(l, k)) {
			/* "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" */
			while (k > 0 && l[0] == '#')
				l++, k--;
			while (k > 0 && (l[k - 1] == '#' || l[k - 1] == ' '))
				k--;
			d->diagnosis = kb_str(m, l, k);
		}
	}
	if (t->n == 0 && lh_merge(m, t, &users) < 0)
		return -1;
	return (int)t->n;
}

/* is_office365 - the cross-tenant stamps of Exchange Online */
static int
is_office365(const struct kmsg *m)
{
	return lh_has_header(m, "x-ms-exchange-crosstenant-originalarrivaltime") ||
	    lh_has_header(m, "x-ms-exchange-crosstenant-fromentityheader");
}

static int
exchange2007_decode(struct kmsg *m, struct kbounce *b)
{
	struct kbounce text;
	const char    *lhost = NULL, *s = m->subject;
	size_t	       i;
	int	       subj = 0;

	if (s != NULL) {
		while (*s == ' ')
			s++;
		subj = STARTS(s, strlen(s), subjects);
	}
	if (!(subj && lh_has_header(m, "content-language")) &&
	    !lh_has_header(m, "x-ms-exchange-message-is-ndr"))
		return 0;
	if (is_office365(m))
		return 0;
	memset(&text, 0, sizeof(text));
	if (lh_exchange_notice(m, &text, &lhost) < 0)
		return -1;
	if (dsn_collect_sections(m, b) < 0)
		return -1;
	if (b->n == 0 && text.n == 0)
		return 0;
	if (lh_merge(m, b, &text) < 0)
		return -1;
	if (b->lhost == NULL)
		b->lhost = lhost;
	for (i = 0; i < b->n; i++) {
		struct kds *d = &b->ds[i];
		if (d->diagnosis != NULL && d->reason == NULL)
			d->reason = lh_phrase_sq(m, "exchange2007", d->diagnosis);
	}
	for (i = 0; i < sizeof(original) / sizeof(original[0]) && m->orig == NULL; i++)
		lh_orig_after(m, original[i].s);
	return (int)b->n;
}

const struct klhost lhost_exchange2007 = { "Exchange2007", exchange2007_decode };

/**
 * The messages and pages of the email flows, in the visitor's language (en, de, fr, es, ar).
 *
 * - The confirmation message carries only the confirmation: no offers, no promotion, since a
 *   confirmation request can itself count as advertising (OLG München, R5.2). It names the
 *   list, links to a page whose button confirms (a GET never confirms), offers one-click
 *   unsubscribe (link and headers), and ends with the sender's postal address.
 * - `unsubscribeHeaders()` gives the RFC 2369 / RFC 8058 header values for list mail (R5.4).
 * Every value put into HTML is escaped.
 */
import { localeDirection } from "../consent/policy";
import type { CommunicationList, EmailSettings, SiteConfig } from "../contract";
import type { EmailMessage } from "./mailer";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

interface Strings {
  confirmSubject: (site: string) => string;
  confirmIntro: (site: string, lists: string) => string;
  confirmAction: string;
  confirmIgnore: (days: number) => string;
  confirmNever: string;
  confirmPageTitle: string;
  confirmPageButton: string;
  confirmedTitle: string;
  confirmedBody: (lists: string) => string;
  goneTitle: string;
  goneBody: string;
  unsubTitle: string;
  unsubIntro: string;
  unsubOne: (list: string) => string;
  unsubAll: string;
  unsubDone: string;
  unsubInvalid: string;
  subscribed: string;
  notSubscribed: string;
}

const en: Strings = {
  confirmSubject: (site) => `Please confirm your subscription to ${site}`,
  confirmIntro: (site, lists) => `Someone — hopefully you — asked to receive ${lists} from ${site} at this address.`,
  confirmAction: "Confirm my subscription",
  confirmIgnore: (days) => `If it wasn't you, ignore this message: nothing happens, and the link stops working in ${days} days.`,
  confirmNever: "Not for you? Unsubscribe, and this address is taken off the list at once:",
  confirmPageTitle: "Confirm your subscription",
  confirmPageButton: "Yes, confirm my subscription",
  confirmedTitle: "Subscription confirmed",
  confirmedBody: (lists) => `You will now receive ${lists}. Every message has a one-click unsubscribe link.`,
  goneTitle: "This link no longer works",
  goneBody: "It was used already or it expired. Sign up again from the site if you still want to subscribe.",
  unsubTitle: "Your email preferences",
  unsubIntro: "Choose what you no longer want to receive.",
  unsubOne: (list) => `Unsubscribe from ${list}`,
  unsubAll: "Unsubscribe from all",
  unsubDone: "You are unsubscribed. It takes effect at once.",
  unsubInvalid: "This link is not valid.",
  subscribed: "subscribed",
  notSubscribed: "not subscribed",
};

const de: Strings = {
  confirmSubject: (site) => `Bitte bestätigen Sie Ihr Abonnement bei ${site}`,
  confirmIntro: (site, lists) => `Jemand – hoffentlich Sie – möchte ${lists} von ${site} an diese Adresse erhalten.`,
  confirmAction: "Abonnement bestätigen",
  confirmIgnore: (days) => `Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Es passiert nichts, und der Link verfällt in ${days} Tagen.`,
  confirmNever: "Nicht für Sie? Abmelden, und diese Adresse wird sofort von der Liste genommen:",
  confirmPageTitle: "Abonnement bestätigen",
  confirmPageButton: "Ja, Abonnement bestätigen",
  confirmedTitle: "Abonnement bestätigt",
  confirmedBody: (lists) => `Sie erhalten jetzt ${lists}. Jede Nachricht enthält einen Abmeldelink.`,
  goneTitle: "Dieser Link funktioniert nicht mehr",
  goneBody: "Er wurde bereits verwendet oder ist abgelaufen. Melden Sie sich auf der Website erneut an, wenn Sie weiterhin abonnieren möchten.",
  unsubTitle: "Ihre E-Mail-Einstellungen",
  unsubIntro: "Wählen Sie, was Sie nicht mehr erhalten möchten.",
  unsubOne: (list) => `${list} abbestellen`,
  unsubAll: "Alles abbestellen",
  unsubDone: "Sie sind abgemeldet. Das gilt sofort.",
  unsubInvalid: "Dieser Link ist ungültig.",
  subscribed: "abonniert",
  notSubscribed: "nicht abonniert",
};

const fr: Strings = {
  confirmSubject: (site) => `Merci de confirmer votre abonnement à ${site}`,
  confirmIntro: (site, lists) => `Quelqu’un – vous, espérons-le – a demandé à recevoir ${lists} de ${site} à cette adresse.`,
  confirmAction: "Confirmer mon abonnement",
  confirmIgnore: (days) => `Si ce n’était pas vous, ignorez ce message : rien ne se passera, et le lien expire dans ${days} jours.`,
  confirmNever: "Ce n’est pas pour vous ? Désabonnez-vous, et cette adresse est retirée de la liste aussitôt :",
  confirmPageTitle: "Confirmer votre abonnement",
  confirmPageButton: "Oui, je confirme mon abonnement",
  confirmedTitle: "Abonnement confirmé",
  confirmedBody: (lists) => `Vous recevrez désormais ${lists}. Chaque message contient un lien de désabonnement.`,
  goneTitle: "Ce lien ne fonctionne plus",
  goneBody: "Il a déjà été utilisé ou a expiré. Inscrivez-vous à nouveau sur le site si vous le souhaitez.",
  unsubTitle: "Vos préférences e-mail",
  unsubIntro: "Choisissez ce que vous ne voulez plus recevoir.",
  unsubOne: (list) => `Se désabonner de : ${list}`,
  unsubAll: "Se désabonner de tout",
  unsubDone: "Vous êtes désabonné. C’est immédiat.",
  unsubInvalid: "Ce lien n’est pas valide.",
  subscribed: "abonné",
  notSubscribed: "non abonné",
};

const es: Strings = {
  confirmSubject: (site) => `Confirma tu suscripción a ${site}`,
  confirmIntro: (site, lists) => `Alguien – esperamos que tú – ha pedido recibir ${lists} de ${site} en esta dirección.`,
  confirmAction: "Confirmar mi suscripción",
  confirmIgnore: (days) => `Si no has sido tú, ignora este mensaje: no pasará nada y el enlace caduca en ${days} días.`,
  confirmNever: "¿No es para ti? Date de baja y esta dirección se retira de la lista al instante:",
  confirmPageTitle: "Confirma tu suscripción",
  confirmPageButton: "Sí, confirmo mi suscripción",
  confirmedTitle: "Suscripción confirmada",
  confirmedBody: (lists) => `A partir de ahora recibirás ${lists}. Cada mensaje incluye un enlace para darte de baja.`,
  goneTitle: "Este enlace ya no funciona",
  goneBody: "Ya se usó o ha caducado. Vuelve a suscribirte desde el sitio si aún lo deseas.",
  unsubTitle: "Tus preferencias de correo",
  unsubIntro: "Elige lo que ya no quieres recibir.",
  unsubOne: (list) => `Darse de baja de ${list}`,
  unsubAll: "Darse de baja de todo",
  unsubDone: "Te has dado de baja. Es inmediato.",
  unsubInvalid: "Este enlace no es válido.",
  subscribed: "suscrito",
  notSubscribed: "no suscrito",
};

const ar: Strings = {
  confirmSubject: (site) => `يرجى تأكيد اشتراكك في ${site}`,
  confirmIntro: (site, lists) => `طلب شخص ما — نأمل أن تكون أنت — تلقي ${lists} من ${site} على هذا العنوان.`,
  confirmAction: "تأكيد اشتراكي",
  confirmIgnore: (days) => `إن لم تكن أنت، فتجاهل هذه الرسالة: لن يحدث شيء، وسيتوقف الرابط عن العمل بعد ${days} أيام.`,
  confirmNever: "ليست لك؟ ألغِ الاشتراك، وسيُحذف هذا العنوان من القائمة فورًا:",
  confirmPageTitle: "تأكيد اشتراكك",
  confirmPageButton: "نعم، أؤكد اشتراكي",
  confirmedTitle: "تم تأكيد الاشتراك",
  confirmedBody: (lists) => `ستتلقى الآن ${lists}. تحتوي كل رسالة على رابط لإلغاء الاشتراك بنقرة واحدة.`,
  goneTitle: "لم يعد هذا الرابط يعمل",
  goneBody: "سبق استخدامه أو انتهت صلاحيته. اشترك مرة أخرى من الموقع إن كنت لا تزال ترغب في ذلك.",
  unsubTitle: "تفضيلات بريدك الإلكتروني",
  unsubIntro: "اختر ما لم تعد ترغب في تلقيه.",
  unsubOne: (list) => `إلغاء الاشتراك في ${list}`,
  unsubAll: "إلغاء الاشتراك في الكل",
  unsubDone: "تم إلغاء اشتراكك. يسري ذلك فورًا.",
  unsubInvalid: "هذا الرابط غير صالح.",
  subscribed: "مشترك",
  notSubscribed: "غير مشترك",
};

const TABLES: Record<string, Strings> = { en, de, fr, es, ar };

/** The strings for a locale (by primary subtag), English otherwise. */
export function emailStrings(locale: string): Strings {
  return TABLES[locale.toLowerCase().split("-")[0]!] ?? en;
}

/** The site's wording locale closest to `locale`. */
function textsFor(site: SiteConfig, locale: string) {
  return site.texts[locale] ?? site.texts[locale.split("-")[0]!] ?? site.texts[site.defaultLocale]!;
}

/** "Marketing email and Blog updates" in the visitor's language. */
export function listTitles(site: SiteConfig, lists: string[], locale: string): string {
  const texts = textsFor(site, locale);
  const titles = lists.map((id) => texts.communications[id]?.title ?? id);
  try {
    return new Intl.ListFormat(locale, { type: "conjunction" }).format(titles);
  } catch {
    // A locale stored before every locale was canonicalized on the way in: English joins.
    return new Intl.ListFormat("en", { type: "conjunction" }).format(titles);
  }
}

/**
 * The confirmation message for one list (transactional, no advertising). Like list mail it
 * carries the list's RFC 8058 headers and a visible unsubscribe link (`unsubscribe`): someone
 * signed up by a stranger can leave in one click, which suppresses the address for that list
 * and voids the confirmation link. (A later signup still sends a new request, at most one per
 * 10 minutes: coming back must stay possible, R5.7.)
 */
export function confirmationMessage(
  site: SiteConfig,
  email: EmailSettings,
  to: string,
  list: CommunicationList,
  locale: string,
  link: string,
  unsubscribe: { url: string; listIdDomain: string },
): EmailMessage {
  const s = emailStrings(locale);
  const names = listTitles(site, [list.id], locale);
  const lines = [
    s.confirmIntro(site.name, names), "", `${s.confirmAction}: ${link}`, "", s.confirmIgnore(email.confirmDays), "",
    `${s.confirmNever} ${unsubscribe.url}`, "", "—", email.fromName, email.postalAddress,
  ];
  const html = `<!doctype html><html lang="${escapeHtml(locale)}" dir="${localeDirection(locale)}"><body>
<p>${escapeHtml(s.confirmIntro(site.name, names))}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(s.confirmAction)}</a></p>
<p>${escapeHtml(s.confirmIgnore(email.confirmDays))}</p>
<p>${escapeHtml(s.confirmNever)} <a href="${escapeHtml(unsubscribe.url)}">${escapeHtml(unsubscribe.url)}</a></p>
<p>— ${escapeHtml(email.fromName)}<br>${escapeHtml(email.postalAddress)}</p>
</body></html>`;
  return {
    ...envelope(site, email, to),
    subject: s.confirmSubject(site.name),
    text: lines.join("\n"),
    html,
    headers: { "Auto-Submitted": "auto-generated", ...listHeaders(site, list, unsubscribe.url, unsubscribe.listIdDomain) },
  };
}

/** Who sends a site's transactional message, to whom, and on which stream (every message but a list's own). */
export function envelope(site: SiteConfig, email: EmailSettings, to: string): Pick<EmailMessage, "siteId" | "from" | "to" | "replyTo" | "stream"> {
  return {
    siteId: site.id,
    from: `${email.fromName} <${email.fromAddress}>`,
    to,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    stream: "transactional",
  };
}

/**
 * The header values every message of a list must carry (RFC 2369, RFC 8058, R5.3, R5.4):
 * exactly one HTTPS one-click URI, the exact One-Click post value, and a List-Id.
 */
export function listHeaders(site: SiteConfig, list: CommunicationList, unsubscribeUrl: string, listIdDomain: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${unsubscribeUrl}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": `${list.id}.${site.id}.${listIdDomain}`,
  };
}

/** A small, self-contained HTML page for the confirm and unsubscribe flows. */
export function page(locale: string, title: string, body: string): string {
  return `<!doctype html><html lang="${escapeHtml(locale)}" dir="${localeDirection(locale)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/email/pages.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

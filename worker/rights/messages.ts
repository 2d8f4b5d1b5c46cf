/**
 * The messages of the rights flows: to the requester in their language (verification,
 * download link, new-address confirmation, the Shine the Light answer, extension, denial and
 * completion notices), and to the site owner's privacy contact in English (a new request, a
 * reminder, an overdue request). Every message goes through the mailer's transactional stream,
 * carries no promotion, and ends with the sender's postal address.
 */
import { type Lang, langOf } from "../../shared/languages";
import { localeDirection } from "../consent/policy";
import type { RightsRequestType, SiteConfig } from "../contract";
import type { EmailMessage } from "../email/mailer";
import { envelope, escapeHtml } from "../email/messages";
import { ar } from "./i18n/ar";
import { de } from "./i18n/de";
import { en } from "./i18n/en";
import { es } from "./i18n/es";
import { fr } from "./i18n/fr";
import type { RightsStrings } from "./i18n/types";

const TABLES: Record<Lang, RightsStrings> = { en, de, fr, es, ar };

/** The wording for a locale (by primary subtag), English otherwise. */
export function rightsStrings(locale: string): RightsStrings {
  return TABLES[langOf(locale)];
}

/** A calendar date (YYYY-MM-DD) written out for the locale, e.g. "15 January 2027". */
export function formatDate(date: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
  } catch {
    return date;
  }
}

/** The type's name in the requester's language. */
export const typeName = (type: RightsRequestType, locale: string) => rightsStrings(locale).types[type].name;

/** The sender of a site's rights messages: its email settings, which a site must have to send any. */
export function canMail(site: SiteConfig): site is SiteConfig & { email: NonNullable<SiteConfig["email"]> } {
  return site.email !== undefined;
}

/**
 * A plain message (text and HTML from the same paragraphs; links on their own line), ending
 * with why it was sent (the requester's language's sign-off unless `signOff` says otherwise),
 * the sender and its postal address.
 */
function message(
  site: SiteConfig & { email: NonNullable<SiteConfig["email"]> },
  to: string,
  locale: string,
  subject: string,
  paragraphs: (string | { link: string; label: string })[],
  signOff = rightsStrings(locale).signOff,
): EmailMessage {
  const email = site.email;
  const text = [...paragraphs.map((p) => (typeof p === "string" ? p : `${p.label}: ${p.link}`)), "—", signOff, email.fromName, email.postalAddress].join("\n\n");
  const html = `<!doctype html><html lang="${escapeHtml(locale)}" dir="${localeDirection(locale)}"><body>
${paragraphs.map((p) => (typeof p === "string" ? `<p>${escapeHtml(p)}</p>` : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.label)}</a></p>`)).join("\n")}
<p>— ${escapeHtml(signOff)}<br>${escapeHtml(email.fromName)}<br>${escapeHtml(email.postalAddress)}</p>
</body></html>`;
  return { ...envelope(site, email, to), subject, text, html, headers: { "Auto-Submitted": "auto-generated" } };
}

type MailingSite = SiteConfig & { email: NonNullable<SiteConfig["email"]> };

/** The verification message, which is also the acknowledgement of receipt and names the due date. */
export function verifyMessage(site: MailingSite, to: string, locale: string, type: RightsRequestType, receivedOn: string, dueBy: string, link: string, days: number): EmailMessage {
  const s = rightsStrings(locale);
  return message(site, to, locale, s.verifySubject(site.name), [
    s.verifyBody(typeName(type, locale), formatDate(receivedOn, locale)),
    { link, label: s.verifyAction },
    s.dueLine(formatDate(dueBy, locale)),
    s.verifyIgnore(days),
  ]);
}

/** The link to an access request's download. */
export function accessMessage(site: MailingSite, to: string, locale: string, link: string, days: number): EmailMessage {
  const s = rightsStrings(locale);
  return message(site, to, locale, s.accessSubject(site.name), [s.accessBody(days), { link, label: s.downloadButton }]);
}

/** The confirmation of a corrected (new) address. */
export function newAddressMessage(site: MailingSite, to: string, locale: string, link: string, days: number): EmailMessage {
  const s = rightsStrings(locale);
  return message(site, to, locale, s.newAddressSubject(site.name), [s.newAddressBody, { link, label: s.newAddressButton }, s.verifyIgnore(days)]);
}

/** The paragraphs of a Shine the Light answer for `year` (the preceding calendar year), from the site config (R9.7). */
export function shineTheLightAnswer(site: SiteConfig, locale: string, year: number): string[] {
  const s = rightsStrings(locale);
  if (site.rights.shineTheLightMode === "optout-exemption") return [s.stlExemption(site.name)];
  const recipients = site.categories.flatMap((c) => c.vendors.filter((v) => v.directMarketing));
  if (recipients.length === 0) return [s.stlNone(site.name, year)];
  return [
    s.stlIntro(site.name, year),
    ...recipients.map((v) => s.stlRecipient(v.name, v.postalAddress ?? "", v.personalInformation.join(", ") || "—")),
  ];
}

/** The Shine the Light message: the answer, or that this year's was given already. */
export function shineTheLightMessage(site: MailingSite, to: string, locale: string, year: number, repeat: boolean): EmailMessage {
  const s = rightsStrings(locale);
  return message(site, to, locale, s.stlSubject(site.name), repeat ? [s.stlRepeat] : shineTheLightAnswer(site, locale, year));
}

/** A notice to the requester about what the owner did: an extension, a denial, a completion. */
export function noticeMessage(site: MailingSite, to: string, locale: string, notice: { kind: "extended"; reason: string; date: string } | { kind: "denied"; basis: string } | { kind: "completed"; note: string | null }): EmailMessage {
  const s = rightsStrings(locale);
  switch (notice.kind) {
    case "extended":
      return message(site, to, locale, s.extendSubject(site.name), [s.extendBody(notice.reason, formatDate(notice.date, locale))]);
    case "denied":
      return message(site, to, locale, s.deniedSubject(site.name), [s.deniedBody(notice.basis)]);
    case "completed":
      return message(site, to, locale, s.completedSubject(site.name), [s.completedBody, ...(notice.note ? [notice.note] : [])]);
  }
}

/** Where the owner hears about requests: `rights.contactEmail`, else the sender's reply-to address. */
export function ownerAddress(site: SiteConfig): string | null {
  return site.rights.contactEmail ?? site.email?.replyTo ?? null;
}

/** A message to the site owner's privacy contact (English: the console and the docs are). */
export function ownerMessage(site: MailingSite, to: string, subject: string, lines: string[], consoleUrl: string): EmailMessage {
  return message(
    site,
    to,
    "en",
    `[${site.name}] ${subject}`,
    [...lines, { link: consoleUrl, label: "Open the request in the console" }],
    `Sent by Assent to the privacy contact of ${site.name} (rights.contactEmail in the site's configuration).`,
  );
}

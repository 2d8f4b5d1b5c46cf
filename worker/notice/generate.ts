/**
 * The privacy notice of a site in one language (R9.11, R9.10, R2.9, R9.7, R9.8): the section a
 * site owner pastes into their privacy policy, built from the site config alone. It covers
 *
 * - the purposes, each with its providers (what they do, how long they keep data, their
 *   policy) and its cookies and storage;
 * - the email lists, when the site collects addresses;
 * - the retention schedule (./retention-schedule.ts) with the site's own periods;
 * - the rights, each linked to its form on the Worker's rights pages, and the preference center;
 * - the handling of opt-out preference signals (GPC), including where GPC conflicts with a choice;
 * - "Your California Privacy Rights" (Shine the Light in the site's mode) and the minors'
 *   removal notice, when the site offers them;
 * - children, and the contact point.
 *
 * Every link it makes either opens on the Worker (`workerOrigin`), is one the config names, is a
 * `mailto:`, or is a fragment of the notice itself; ./lint.ts checks that.
 */
import type { RightsRequestType, SiteConfig } from "../contract";
import { localeDirection } from "../consent/policy";
import { offeredTypes, verifyDays } from "../rights/intake";
import { formatDate, rightsStrings } from "../rights/messages";
import { noticeLang, noticeStrings } from "./i18n";
import type { NoticeRetentionId, NoticeStrings } from "./i18n/types";
import { type Block, type Inline, type Notice, type NoticeSection, link, p, sectionAnchor } from "./model";
import { retentionPeriods, retentionSchedule } from "./retention-schedule";

/** A period in days as the language writes it: whole years as years, else days. */
export function formatPeriod(days: number, s: NoticeStrings): string {
  return days >= 365 && days % 365 === 0 ? s.years(days / 365) : s.days(days);
}

/** The site's locales a notice can be written in (it has their texts and the notice a table). */
export function noticeLocales(site: SiteConfig): string[] {
  return Object.keys(site.texts).filter((locale) => noticeLang(locale) !== null);
}

/** True when the site collects email addresses: lists, sender settings, not directed to children. */
export const collectsEmail = (site: SiteConfig) => !site.childDirected && site.email !== undefined && site.communications.length > 0;

/** The notice's retention rows for a site: the schedule's notice entries that apply to it. */
export function noticeRetentionIds(site: SiteConfig): NoticeRetentionId[] {
  return retentionSchedule(site)
    .filter((e) => e.notice === "always" || (e.notice === "email" && collectsEmail(site)))
    .map((e) => e.id as NoticeRetentionId);
}

/** The public contact address of the site's privacy questions, if it has one. */
export const contactAddress = (site: SiteConfig): string | undefined => site.rights.contactEmail ?? site.email?.replyTo;

/** The links to the Worker's rights pages of one site and language. */
function rightsLinks(site: SiteConfig, locale: string, workerOrigin: string) {
  const lang = `?lang=${encodeURIComponent(locale)}`;
  const base = `${workerOrigin}/r/${encodeURIComponent(site.id)}`;
  return { page: `${base}${lang}`, california: `${base}${lang}#california`, form: (type: RightsRequestType) => `${base}/${type}${lang}` };
}

/**
 * Builds the notice of `site` in `locale` (one of `noticeLocales(site)`), with links to the
 * rights pages of the Worker at `workerOrigin` (scheme, host and port, no path).
 */
export function buildNotice(site: SiteConfig, locale: string, workerOrigin: string): Notice {
  const lang = noticeLang(locale);
  const texts = site.texts[locale];
  if (!lang || !texts) throw new Error(`no notice for "${locale}": the site's notice languages are ${noticeLocales(site).join(", ")}`);
  const s = noticeStrings(lang);
  const r = rightsStrings(lang);
  const period = (days: number) => formatPeriod(days, s);
  const periods = retentionPeriods(site);
  const links = rightsLinks(site, locale, workerOrigin);
  const offered = offeredTypes(site);
  const formLink = (type: RightsRequestType) => link(r.types[type].name, links.form(type));
  const choices = link(s.privacyChoices, `#${sectionAnchor("rights")}`, true);
  const gpcLink = link(s.gpcLinkText, `#${sectionAnchor("gpc")}`);
  const sections: NoticeSection[] = [];

  // Purposes: each category with its providers and its storage.
  const purposes: Block[] = [p(s.purposesIntro, " ", choices, ".")];
  if (site.policy.cookiePolicyUrl) purposes.push(p(s.cookiePolicyLead, " ", link(s.cookiePolicyLink, site.policy.cookiePolicyUrl), "."));
  for (const category of site.categories) {
    const title = texts.categories[category.id]!.title;
    purposes.push({ kind: "h3", id: `assent-purpose-${category.id}`, text: title });
    purposes.push(p(texts.categories[category.id]!.description));
    purposes.push(p(category.required ? s.alwaysOn : s.optional));
    if (category.saleOrSharing && !category.required) purposes.push(p(s.saleOrSharing, " ", gpcLink, "."));
    if (category.vendors.length > 0)
      purposes.push({
        kind: "table",
        caption: s.vendorsCaption(title),
        head: [s.vendorHead.name, s.vendorHead.purpose, s.vendorHead.party, s.vendorHead.kept],
        rows: category.vendors.map((v) => [[link(v.name, v.policyUrl)], [texts.vendors[v.id]!.purpose], [v.thirdParty ? s.thirdParty : s.firstParty], [period(v.retentionDays)]]),
      });
    if (category.storage.length > 0)
      purposes.push({
        kind: "table",
        caption: s.storageCaption(title),
        head: [s.storageHead.name, s.storageHead.type, s.storageHead.duration],
        rows: category.storage.map((item) => [[item.name], [s.storageTypes[item.type]], [item.durationDays === null ? s.session : period(item.durationDays)]]),
      });
  }
  sections.push({ id: "purposes", title: s.purposesTitle, blocks: purposes });

  if (collectsEmail(site))
    sections.push({
      id: "communications",
      title: s.communicationsTitle,
      blocks: [
        p(s.communicationsIntro(period(periods.confirmDays))),
        { kind: "list", items: site.communications.map((list) => [`${texts.communications[list.id]!.title}: ${texts.communications[list.id]!.description}`]) },
      ],
    });

  // Retention (R9.10): the schedule's rows about visitors, with this site's periods.
  sections.push({
    id: "retention",
    title: s.retentionTitle,
    blocks: [
      p(s.retentionIntro),
      {
        kind: "table",
        caption: s.retentionCaption,
        head: [s.retentionHead.data, s.retentionHead.kept, s.retentionHead.how],
        rows: noticeRetentionIds(site).map((id) => [[s.retention[id].data], [s.retention[id].kept(periods, period)], [s.retention[id].how]]),
      },
      p(s.vendorRetention),
    ],
  });

  // Rights: each request the site offers, linked to its form; the preference center; deadlines.
  const general = offered.filter((t) => t !== "shine_the_light" && t !== "minor_content_removal" && t !== "child_data_deletion");
  const rights: Block[] = [
    p(s.rightsIntro(period(verifyDays(site)))),
    { kind: "list", items: general.map((t) => [formLink(t), ` — ${r.types[t].description}`]) },
    p(s.rightsChoices, " ", choices, "."),
    p(s.rightsAll, " ", link(r.title, links.page)),
  ];
  if (site.rights.laws.includes("gdpr")) rights.push(p(s.deadlineGdpr), p(s.complaint));
  if (site.rights.laws.includes("ccpa")) rights.push(p(s.deadlineCcpa), p(s.nonDiscrimination));
  sections.push({ id: "rights", title: s.rightsTitle, blocks: rights });

  // Opt-out preference signals (R2.9): the statement, what GPC turns off, and conflicts.
  const shared = site.categories.filter((c) => c.saleOrSharing && !c.required);
  const gpc: Block[] = [p(s.gpcAbides(site.name))];
  if (shared.length > 0)
    gpc.push(
      p(s.gpcEffect),
      { kind: "list", items: shared.map((c) => [texts.categories[c.id]!.title]) },
      p(s.gpcConflict),
      p(s.gpcShown, " ", s.quote(texts.gpcHonored)),
    );
  else gpc.push(p(s.gpcNothingToSell));
  if (offered.includes("opt_out")) gpc.push(p(s.gpcElsewhere, " ", formLink("opt_out"), "."));
  sections.push({ id: "gpc", title: s.gpcTitle, blocks: gpc });

  // Your California Privacy Rights (R9.7): Shine the Light in the site's mode.
  if (site.rights.california) {
    const california: Block[] = [p(s.californiaLead)];
    if (site.rights.shineTheLightMode === "optout-exemption") {
      const means: Inline[] = [s.stlExemption, " ", choices];
      if (offered.includes("opt_out")) means.push(` ${s.stlExemptionOr} `, formLink("opt_out"));
      california.push(p(...means, "."));
    } else {
      california.push(p(s.stlDisclosure));
      const recipients = site.categories.flatMap((c) => c.vendors).filter((v) => v.directMarketing);
      california.push(recipients.length > 0 ? p(s.stlRecipients, " ", new Intl.ListFormat(locale, { type: "conjunction" }).format(recipients.map((v) => v.name)), ".") : p(s.stlNoRecipients));
    }
    if (offered.includes("shine_the_light")) california.push(p(s.stlRequest, " ", formLink("shine_the_light")));
    california.push(p(s.californiaAll, " ", link(r.californiaTitle, links.california)));
    sections.push({ id: "california", title: r.californiaTitle, blocks: california });
  }

  // California minors (R9.8): only where the site offers the removal.
  if (offered.includes("minor_content_removal"))
    sections.push({ id: "minors", title: s.minorsTitle, blocks: [p(r.minorNotice), p(s.minorsHow, " ", formLink("minor_content_removal"))] });

  // Children (R9.9).
  const children: Block[] = site.childDirected ? [p(r.childDirectedNote), p(s.childrenDirected)] : [p(s.childrenNotDirected)];
  if (offered.includes("child_data_deletion")) children.push(p(s.childrenDelete, " ", formLink("child_data_deletion")));
  sections.push({ id: "children", title: s.childrenTitle, blocks: children });

  // The contact point (R9.7: email or postal).
  const contact: Block[] = [p(s.contactIntro(site.name))];
  const address = contactAddress(site);
  const lines: Inline[][] = [];
  if (address) lines.push([s.contactEmail, " ", link(address, `mailto:${address}`)]);
  if (site.email?.postalAddress) lines.push([s.contactPostal, " ", site.email.postalAddress]);
  lines.push([s.contactRights, " ", link(r.title, links.page)]);
  contact.push({ kind: "list", items: lines });
  sections.push({ id: "contact", title: s.contactTitle, blocks: contact });

  return {
    siteId: site.id,
    locale,
    dir: localeDirection(locale),
    intro: [s.intro(site.name, formatDate(site.policy.lastUpdated, locale), site.policy.version)],
    sections,
  };
}

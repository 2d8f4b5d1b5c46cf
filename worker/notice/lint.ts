/**
 * The privacy notice's lint (R9.11): reads a notice's HTML as a site owner would paste it and
 * checks it against the site config it claims to describe:
 *
 * - every section the site needs is there once, by its stable id, and none it must not have
 *   (a minors' section on a site that does not offer the removal, for example);
 * - what each section must say: every purpose and provider, every retention period (R9.10),
 *   the opt-out preference signal statement (R2.9), Shine the Light in the site's mode (R9.7),
 *   the minors' notice (R9.8), the contact point;
 * - nothing executable: no script, style, frame or event-handler attribute;
 * - every link is absolute http(s), a well-formed `mailto:`, or a fragment of the notice itself.
 *
 * It returns every link, so a test (or a site owner's CI) can fetch them: the Worker's own
 * pages must answer 200 (test/worker/privacy-notice.test.ts does that).
 */
import type { SiteConfig } from "../contract";
import { escapeHtml } from "../email/messages";
import { offeredTypes } from "../rights/intake";
import { rightsStrings } from "../rights/messages";
import { collectsEmail, contactAddress, formatPeriod } from "./generate";
import { noticeLang, noticeStrings } from "./i18n";
import { SECTION_IDS, type SectionId } from "./model";
import { retentionPeriods } from "./retention-schedule";

/** What the lint found. `ok` when nothing is missing, unexpected or wrong. */
export interface NoticeLint {
  ok: boolean;
  /** Sections the site's notice must have that this one lacks. */
  missing: SectionId[];
  /** Sections this one has that the site's config does not call for. */
  unexpected: string[];
  /** Every link target in document order, as a browser reads it (entities decoded). */
  links: string[];
  /** Everything else that is wrong, in words. */
  problems: string[];
}

/** The sections a site's notice must have, in order. */
export function requiredSections(site: SiteConfig): SectionId[] {
  const offered = offeredTypes(site);
  return SECTION_IDS.filter((id) => {
    if (id === "communications") return collectsEmail(site);
    if (id === "california") return site.rights.california;
    if (id === "minors") return offered.includes("minor_content_removal");
    return true;
  });
}

/** Decodes the entities escapeHtml writes (and numeric ones), as a browser reads an attribute. */
function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#(\d+)|#x([0-9a-f]+));/gi, (entity, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" } as Record<string, string>)[entity.toLowerCase()]!;
  });
}

/** An address as a `mailto:` link may carry it: one local part, one domain with a dot. */
const MAILTO = /^mailto:[^\s@<>"(),;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** Checks a notice's HTML against the site it describes, in the notice's language. */
export function lintNotice(html: string, site: SiteConfig, locale: string): NoticeLint {
  const problems: string[] = [];
  const lang = noticeLang(locale);
  if (!lang) return { ok: false, missing: [], unexpected: [], links: [], problems: [`no notice wording for "${locale}"`] };
  const s = noticeStrings(lang);
  const r = rightsStrings(lang);

  // Sections: `<section id="assent-…">` up to the next `</section>` (sections do not nest).
  const bodies = new Map<string, string>();
  for (const match of html.matchAll(/<section id="assent-([^"]*)">([\s\S]*?)<\/section>/g)) {
    if (bodies.has(match[1]!)) problems.push(`section "${match[1]}" appears twice`);
    bodies.set(match[1]!, match[2]!);
  }
  const required = requiredSections(site);
  const missing = required.filter((id) => !bodies.has(id));
  const unexpected = [...bodies.keys()].filter((id) => !(required as string[]).includes(id));
  const says = (id: SectionId, text: string, what: string) => {
    const body = bodies.get(id);
    if (body !== undefined && !body.includes(escapeHtml(text))) problems.push(`section "${id}" does not state ${what}: "${text.slice(0, 80)}"`);
  };

  const texts = site.texts[locale];
  if (!texts) problems.push(`the site has no texts for "${locale}"`);
  else
    for (const category of site.categories) {
      says("purposes", texts.categories[category.id]?.title ?? category.id, `the purpose "${category.id}"`);
      for (const vendor of category.vendors) {
        says("purposes", vendor.name, `the provider "${vendor.id}"`);
        says("purposes", formatPeriod(vendor.retentionDays, s), `how long "${vendor.id}" keeps data`);
      }
    }
  const periods = retentionPeriods(site);
  const stated = [periods.grantDays, periods.refusalDays, periods.optOutDays, periods.proofDays, periods.optOutProofDays, periods.rightsLogDays, ...(collectsEmail(site) ? [periods.confirmDays] : [])];
  for (const days of stated) says("retention", formatPeriod(days, s), `a retention period of ${days} days`);
  says("gpc", s.gpcAbides(site.name), "that the site responds to and abides by opt-out preference signals");
  if (site.rights.california)
    says("california", site.rights.shineTheLightMode === "optout-exemption" ? s.stlExemption : s.stlDisclosure, `Shine the Light (${site.rights.shineTheLightMode ?? "disclosure"})`);
  says("minors", r.minorNotice, "the minors' removal notice");
  const address = contactAddress(site);
  if (address) says("contact", address, "the contact address");
  else if (site.email?.postalAddress) says("contact", site.email.postalAddress, "the postal address");

  if (/<(?:script|style|iframe|object|embed|link|meta|base|form)\b/i.test(html)) problems.push("the notice contains an element that is not text or a link");
  if (/<[^>]*\son[a-z]+\s*=/i.test(html)) problems.push("the notice contains an event-handler attribute");

  const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1]!)));
  const links = [...html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
  for (const href of links) {
    if (href.startsWith("#")) {
      if (!ids.has(href.slice(1))) problems.push(`the link ${href} points to no element of the notice`);
    } else if (href.startsWith("mailto:")) {
      if (!MAILTO.test(href)) problems.push(`the link ${href} is not a well-formed mailto: address`);
    } else if (!/^https?:\/\/[^\s/?#]+/i.test(href)) problems.push(`the link ${href} is not an absolute http(s) URL`);
  }

  return { ok: missing.length === 0 && unexpected.length === 0 && problems.length === 0, missing, unexpected, links, problems };
}

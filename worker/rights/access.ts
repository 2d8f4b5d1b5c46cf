/**
 * The answer to a verified access request (R9.1): everything Assent holds about an address on a
 * site, as one JSON document the requester downloads from the link they were sent. It is built
 * when downloaded, so it shows what is held then:
 *
 * - the subscriptions (list, status, the consent wording's version and — while the site still
 *   shows that version — its text, language, page, dates), and signups still waiting;
 * - the address's email history (signups, confirmations, unsubscribes; hashes only are stored);
 * - the suppressions that keep it off lists;
 * - the browsers linked to it by a confirmed signup, with every consent decision they made;
 * - the privacy requests filed for it, with their dates and outcomes.
 */
import { listDecisions } from "../consent/store/ledger";
import type { Receipt, SiteConfig } from "../contract";
import type { Env } from "../env";
import { addressRecords } from "../email/store";
import { requestsOfAddress } from "./store";

/** Decisions read per page, and at most this many pages per browser. */
const PAGE = 200;
const MAX_PAGES = 50;

/** The version of this document's shape (docs/rights.md describes it). */
export const ACCESS_EXPORT_FORMAT = "assent.access-export/1";

/** The consent wording of a list in a language, while the site still shows that version. */
function wording(site: SiteConfig, listId: string, textVersion: string, locale: string): string | null {
  const list = site.communications.find((l) => l.id === listId);
  if (!list || list.textVersion !== textVersion) return null;
  const texts = site.texts[locale] ?? site.texts[site.defaultLocale];
  const t = texts?.communications?.[listId];
  return t ? [t.title, t.consentText].filter(Boolean).join(" — ") : null;
}

/** All decisions of a browser, oldest first. */
async function decisionsOf(env: Env, siteId: string, visitorId: string): Promise<Receipt[]> {
  const receipts: Receipt[] = [];
  let after: number | null = 0;
  for (let page = 0; page < MAX_PAGES && after !== null; page++) {
    const { rows, next } = await listDecisions(env, siteId, visitorId, PAGE, after);
    receipts.push(...rows.map((r) => r.receipt));
    after = next;
  }
  return receipts;
}

/** The access export of an address (see the module comment). */
export async function accessExport(env: Env, site: SiteConfig, email: string, emailHash: string, now: Date) {
  const held = await addressRecords(env, site.id, emailHash);
  const browsers = [];
  for (const visitorId of held.visitorIds) browsers.push({ visitorId, decisions: await decisionsOf(env, site.id, visitorId) });
  const requests = await requestsOfAddress(env, site.id, emailHash);
  return {
    format: ACCESS_EXPORT_FORMAT,
    site: { id: site.id, name: site.name },
    generatedAt: now.toISOString(),
    email,
    subscriptions: held.subscriptions.map((s) => ({
      list: s.list_id,
      status: s.status,
      wordingVersion: s.text_version,
      wording: wording(site, s.list_id, s.text_version, s.locale),
      locale: s.locale,
      page: s.source_url,
      createdAt: s.created_at,
      confirmedAt: s.confirmed_at,
      unsubscribedAt: s.unsubscribed_at,
    })),
    pendingSignups: held.requests.map((r) => ({
      list: r.list_id,
      wordingVersion: r.text_version,
      requestedAt: r.created_at,
      expiresAt: r.expires_at,
      used: r.used_at !== null,
    })),
    emailHistory: held.events.map((e) => ({ list: e.list_id, kind: e.kind, wordingVersion: e.text_version, source: e.source, at: e.at })),
    suppressions: held.suppressions.map((s) => ({ list: s.list_id, reason: s.reason, since: s.created_at })),
    linkedBrowsers: browsers,
    privacyRequests: requests.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      receivedAt: r.received_at,
      dueBy: r.extended_to ?? r.due_by,
      respondedAt: r.responded_at,
      outcome: r.outcome,
    })),
  };
}

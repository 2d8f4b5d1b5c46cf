/**
 * The answer to a verified access request (R9.1): everything Assent holds about an address on a
 * site, as one JSON document the requester downloads from the link they were sent. It is built
 * when downloaded, so it shows what is held then:
 *
 * - the subscriptions (list, status, the consent wording's version and — while the site still
 *   shows that version — its text, language, page, dates), and signups still waiting;
 * - the address's email history (signups, confirmations, unsubscribes; hashes only are stored);
 * - the suppressions that keep it off lists;
 * - the browsers linked to it by a confirmed signup, with every consent decision they made (up
 *   to ACCESS_DECISIONS per browser, enough to read in one request: past it the document says
 *   `decisionsComplete: false`, never silently less);
 * - the privacy requests filed for it, with their dates and outcomes.
 */
import { allDecisions } from "../consent/store/ledger";
import type { Receipt, SiteConfig } from "../contract";
import type { Env } from "../env";
import { addressRecords } from "../email/store";
import { requestsOfAddress } from "./store";

/**
 * A browser's decisions in the document: read `page` at a time, at most `maxPages` pages (each
 * page is a D1 query, plus a read of each archived day its rows are in, and the whole document
 * is built in one request). Ten thousand decisions is far past what a person makes by hand.
 */
const ACCESS_DECISIONS = { page: 200, maxPages: 50 };

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

/**
 * A browser's decisions, oldest first, up to `limits`; `complete` is false when there are more
 * (the site owner finds them in the console, by the visitor id).
 */
export async function decisionsOf(
  env: Env,
  siteId: string,
  visitorId: string,
  limits = ACCESS_DECISIONS,
): Promise<{ receipts: Receipt[]; complete: boolean }> {
  const { rows, complete } = await allDecisions(env, siteId, visitorId, limits.page, limits.maxPages);
  return { receipts: rows.map((r) => r.receipt), complete };
}

/** The access export of an address (see the module comment). */
export async function accessExport(env: Env, site: SiteConfig, email: string, emailHash: string, now: Date) {
  const held = await addressRecords(env, site.id, emailHash);
  const browsers = [];
  for (const visitorId of held.visitorIds) {
    const { receipts, complete } = await decisionsOf(env, site.id, visitorId);
    browsers.push({ visitorId, decisions: receipts, decisionsComplete: complete });
  }
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

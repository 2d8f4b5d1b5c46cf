/**
 * The per-visitor record in KV (`pref:v1:{siteId}:{visitorId}`): the visitor's current consent
 * and the status of each email list they signed up to, so the three preferences of a visitor
 * (usage-data tracking, marketing email, blog) are in one place on the hot read path.
 *
 * The record is a projection of D1, which holds the truth: the ledger (decisions) and the
 * subscriptions (keyed by address, R0.2). It is written in two ways, never read-modify-written:
 *
 * - A decision writes it from the new ledger row and the list statuses read in the same D1
 *   transaction (routes/consents.ts): still one KV write and no KV read per decision (R6.7).
 * - A subscription change (signup, confirmation, unsubscribe) rebuilds it from the visitor's
 *   latest ledger row and their subscriptions (`refreshVisitorRecord`), for every visitor linked
 *   to the address. These are rare, so their two extra D1 reads do not matter.
 *
 * Merge rule: both writers build the whole record from committed D1 state, so neither can bring
 * back an older decision or status than D1 had when it ran; if two run at once, KV keeps the last
 * write (R6.2) and the record may lag one change behind until the next one. Nothing that decides
 * whom to email reads this copy: the subscriber API and the unsubscribe pages read D1.
 */
import type { Preferences } from "./contract";
import type { Env } from "./env";
import { type StoredDecision, latestDecision } from "./store/ledger";
import { putPreferences } from "./store/prefs";
import { type SubscriptionStatus, statusesByVisitor } from "./store/subscriptions";

/** The KV record for a stored decision and the visitor's list statuses. */
export function preferencesOf(stored: StoredDecision, lists: Record<string, SubscriptionStatus>): Preferences {
  const r = stored.receipt;
  return {
    siteId: r.siteId,
    visitorId: r.visitorId,
    categories: r.categories,
    action: r.action,
    gpc: r.gpc,
    policyFingerprint: r.policyFingerprint,
    policyVersion: r.policyVersion,
    receiptId: r.id,
    version: stored.version,
    updatedAt: r.recordedAt,
    expiresAt: r.expiresAt,
    lists,
  };
}

/**
 * Rebuilds a visitor's KV record after one of their subscriptions changed. Writes nothing when
 * the visitor has no live decision (none, erased or expired): a subscription alone does not
 * create a consent record. Never throws: the change itself is already stored in D1, and the copy
 * catches up with the visitor's next decision or subscription change.
 */
export async function refreshVisitorRecord(env: Env, siteId: string, visitorId: string): Promise<void> {
  try {
    const [stored, lists] = await Promise.all([latestDecision(env, siteId, visitorId), statusesByVisitor(env, siteId, visitorId)]);
    if (!stored || Date.parse(stored.receipt.expiresAt) <= Date.now()) return;
    await putPreferences(env, preferencesOf(stored, lists));
  } catch (err) {
    console.error("visitor record refresh failed; D1 holds the change:", err);
  }
}

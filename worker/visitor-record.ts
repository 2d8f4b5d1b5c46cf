/**
 * The per-visitor record in KV (`pref:v1:{siteId}:{visitorId}`): the visitor's current consent
 * and the status of each email list linked to them, so the three preferences of a visitor
 * (usage-data tracking, marketing email, blog) are in one place on the hot read path.
 *
 * The record is a projection of D1, which holds the truth: the ledger (decisions) and the
 * subscriptions and signup requests (keyed by address, R0.2). It is never read-modify-written.
 *
 * **How it stays equal to D1 under races.** KV has no transactions and keeps the last write
 * (R6.2), so two writers can land in the wrong order: decision A commits, decision B commits,
 * B's KV write lands, then A's (older) lands last. Every writer therefore *settles*
 * (`settleVisitorRecord`): after its write has landed, it reads the truth from D1 again and, if
 * KV no longer matches it, writes the truth (or deletes the record when there is no live
 * decision), and checks again. Why that converges: take the last write W to land, by writer X.
 * After W landed, X read D1 and found it equal to what W wrote (otherwise X would have written
 * again, after W). Any change committed after that read is written to KV by its own writer
 * after its commit, so after W, contradicting that W landed last. Hence the final record equals
 * D1's latest state. The loop is bounded (SETTLE_ROUNDS); a visitor making changes faster than
 * that is still settled by whichever change comes last.
 *
 * Costs: a decision writes its record from the row and list statuses its own D1 batch read (one
 * KV write, no KV read, R6.7), then one D1 read to settle. A subscription change, an erasure's
 * straggler or a replay settles from a D1 read. Nothing that decides whom to email reads this
 * copy: the subscriber API and the unsubscribe pages read D1.
 */
import type { Preferences } from "./contract";
import type { Env } from "./env";
import { storage } from "./errors";
import { type StoredDecision, latestDecisionStatement, toLatest } from "./store/ledger";
import { deletePreferences, putPreferences } from "./store/prefs";
import { type SubscriptionStatus, toStatuses, visitorListsStatement } from "./store/subscriptions";

/** How many times a writer re-reads D1 after writing before it leaves the rest to later writers. */
const SETTLE_ROUNDS = 4;

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

/** What D1 says the record should be: null when the visitor has no live decision. */
async function truth(env: Env, siteId: string, visitorId: string, now: Date): Promise<Preferences | null> {
  const [latest, lists] = await storage("state read", () =>
    env.LEDGER.batch([latestDecisionStatement(env, siteId, visitorId), visitorListsStatement(env, siteId, visitorId, now)]),
  );
  const stored = toLatest(latest?.results ?? []);
  if (!stored || Date.parse(stored.receipt.expiresAt) <= now.getTime()) return null;
  return preferencesOf(stored, toStatuses((lists?.results ?? []) as { list_id: string; status: SubscriptionStatus }[]));
}

/** Two records say the same (same decision, same list statuses), or both are absent. */
function same(a: Preferences | null, b: Preferences | null): boolean {
  if (!a || !b) return a === b;
  return a.receiptId === b.receiptId && a.version === b.version && JSON.stringify(a.lists) === JSON.stringify(b.lists);
}

async function write(env: Env, siteId: string, visitorId: string, record: Preferences | null): Promise<void> {
  if (record) await putPreferences(env, record);
  else await deletePreferences(env, siteId, visitorId);
}

/**
 * Makes the KV record equal to D1 (see the module comment). `written` is what this caller has
 * just written to KV (a decision's own record), or `undefined` when it wrote nothing yet (a
 * subscription change, a replay): then the record is written from D1 first. Throws
 * StorageError when KV or D1 fails.
 */
export async function settleVisitorRecord(env: Env, siteId: string, visitorId: string, written?: Preferences | null): Promise<void> {
  let last = written;
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const expected = await truth(env, siteId, visitorId, new Date());
    if (last !== undefined && same(expected, last)) return;
    await write(env, siteId, visitorId, expected);
    last = expected;
  }
}

/**
 * Settles a visitor's record after one of their subscriptions changed. Never throws: the change
 * itself is stored in D1, and the copy catches up with the visitor's next change.
 */
export async function refreshVisitorRecord(env: Env, siteId: string, visitorId: string): Promise<void> {
  try {
    await settleVisitorRecord(env, siteId, visitorId);
  } catch (err) {
    console.error("visitor record refresh failed; D1 holds the change:", err);
  }
}

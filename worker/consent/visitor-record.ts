/**
 * The per-visitor record in KV (`pref:v1:{siteId}:{visitorId}`): the visitor's current consent
 * and the status of each email list linked to them, so the three preferences of a visitor
 * (usage-data tracking, marketing email, blog) are in one place on the read path.
 *
 * The record is a projection of D1, which holds the truth: the ledger (decisions) and the
 * subscriptions and signup requests (keyed by address, R0.2). It is never read-modify-written.
 *
 * **KV holds the records that are read.** (A deviation from the first design, where every
 * decision wrote KV.) A visitor's record goes to KV the first time something reads it — the
 * site owner's API (`/admin/visitors`, `/admin/subjects`), the visitor's `GET /me`, an
 * identification — and `kv_records` in D1 remembers that it did; from then on every change of
 * that visitor writes it. Why: the widget applies a returning visitor's choice from its own
 * storage with no request, so most records are never read from the Worker, and a KV write is
 * the most expensive thing a decision did (KV writes cost ten times D1 rows, the Free plan allows
 * 1,000 a day, and one key takes one write a second). A decision nobody reads now costs one D1
 * transaction and no KV write; the first read of a record costs two D1 reads and one KV write.
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
 * D1's latest state. A change skips KV only when its own D1 transaction saw the record not kept;
 * a first read marks it kept before it reads D1, so a change committed after the mark writes KV
 * itself, and one committed before is in what the read finds. The loop is bounded
 * (SETTLE_ROUNDS); a visitor changing faster than that is settled by whichever change comes last.
 *
 * Nothing that decides whom to email reads this copy: the subscriber API and the unsubscribe
 * pages read D1.
 */
import type { Preferences } from "../contract";
import { type SubscriptionStatus, toStatuses, visitorListsStatement } from "../email/store";
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { keepStatement, keptStatement } from "./store/kv-records";
import { type StoredDecision, latestDecisionStatement, toLatest } from "./store/ledger";
import { deletePreferences, getPreferences, putPreferences } from "./store/prefs";

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
    usOptOut: { ...r.usOptOut, gpcSeen: { value: r.gpc, at: r.recordedAt } },
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
 * What D1 says: whether the record is kept in KV, and what it should be (null when the visitor
 * has no live decision). With `keep`, the record is marked kept first, in the same transaction.
 */
async function truth(env: Env, siteId: string, visitorId: string, now: Date, keep = false): Promise<{ kept: boolean; expected: Preferences | null }> {
  const batch = await runNamedBatch(env.LEDGER, "state read", [
    ["kept", [keep ? keepStatement(env, siteId, visitorId) : keptStatement(env, siteId, visitorId)]],
    ["latest", [latestDecisionStatement(env, siteId, visitorId)]],
    ["lists", [visitorListsStatement(env, siteId, visitorId, now)]],
  ]);
  const stored = toLatest(batch.rows("latest"));
  const kept = keep || batch.rows("kept").length > 0;
  if (!stored || Date.parse(stored.receipt.expiresAt) <= now.getTime()) return { kept, expected: null };
  return { kept, expected: preferencesOf(stored, toStatuses(batch.rows<{ list_id: string; status: SubscriptionStatus }>("lists"))) };
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
 * Makes the KV record equal to D1 (see the module comment), if the record is kept in KV.
 * `written` is what this caller has just written to KV (a decision's own record), or `undefined`
 * when it wrote nothing yet (a subscription change, a replay): then the record is written from
 * D1 first. Throws StorageError when KV or D1 fails.
 */
export async function settleVisitorRecord(env: Env, siteId: string, visitorId: string, written?: Preferences | null): Promise<void> {
  let last = written;
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const { kept, expected } = await truth(env, siteId, visitorId, new Date());
    if (!kept && last === undefined) return;
    if (last !== undefined && same(expected, last)) return;
    await write(env, siteId, visitorId, expected);
    last = expected;
  }
}

/**
 * A visitor's current record, or null when they have no live decision: from KV when it is kept
 * there; otherwise from D1, and from then on kept in KV (see the module comment).
 */
export async function readVisitorRecord(env: Env, siteId: string, visitorId: string): Promise<Preferences | null> {
  const cached = await getPreferences(env, siteId, visitorId);
  if (cached) return cached;
  const { expected } = await truth(env, siteId, visitorId, new Date(), true);
  if (!expected) return null;
  await write(env, siteId, visitorId, expected);
  await settleVisitorRecord(env, siteId, visitorId, expected);
  return expected;
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

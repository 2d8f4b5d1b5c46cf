/**
 * Erasing every visitor of a site, one bounded chunk per call (R6.5, R6.6, R9.2): the site
 * owner's `POST …/admin/visitors/erase-all` (worker/consent/erase-all.ts) calls `eraseAllChunk`
 * and the owner passes the returned cursor back until `done`.
 *
 * **Each visitor is erased exactly as a single erasure erases them** (`eraseVisitor`,
 * worker/consent/store/erasure.ts, the same function `DELETE /me` and the rights requests call):
 * tokens revoked for good, decisions, subject mapping, links and own signup requests deleted,
 * linked addresses unsubscribed and suppressed (keyed hash only), webhook events naming them
 * redacted, an erasure record with no visitor id kept as proof, `consent.erased` queued; then
 * the KV record deleted, after the D1 batch as `DELETE /me` does (a decision racing the erasure
 * settles its own KV write against D1 and deletes it again). A visitor already erased is
 * claimed by nobody: nothing changes and nothing is queued, so a call repeated (a retry after a
 * 503, a lost answer, two loops at once) is harmless and counts them in no `erased`.
 *
 * **Who is erased, in two phases, both in key order:**
 * 1. `kv`: the site's KV records, walked with the site's prefix `pref:v1:{siteId}:` (the colon
 *    included, so site `demo` never reaches `demo2`'s keys) and KV's cursor (worker/lib/kv-pages.ts);
 * 2. `d1`: the visitors D1 knows of (worker/consent/store/site-visitors.ts): most of a site's
 *    visitors, since KV holds only records something read. Their KV record is deleted only when
 *    D1 marks it kept (a record is marked before it is written), so a visitor never read costs
 *    no KV delete (the Free plan allows 1,000 a day).
 *
 * **Bounds per call:** at most `limit` visitors (each two D1 round trips: their linked
 * addresses, then the erasure batch) and ERASE_ALL_KV_BUDGET KV operations, counting every
 * list call and delete; the rest of the request (the site config read) stays far below the
 * 1,000 a Worker invocation may issue.
 *
 * **Webhooks: one `consent.erased` per visitor, no summary event.** That is what the single
 * erasure queues, inside its own transaction and only when it wins the claim, and what the
 * owner's systems already handle: each event names the visitor and, when identified, the
 * person's subject id, which is what a CRM or mailing system needs to erase on its side. A
 * summary could not name them (or would grow with the site), and a second, bulk-only event
 * type would leave receivers that know only `consent.erased` with nothing to act on. The
 * events are D1 rows; the outbox delivers them at its own pace (see docs/webhooks.md).
 *
 * Limit: a visitor whose first decision arrives while the job runs, with an id that sorts
 * before the cursor, is not reached; run the job again once the site stops collecting.
 */
import type { EraseAllCursor } from "../contract";
import type { Env } from "../env";
import { KV_OPERATIONS_PER_INVOCATION, KvBudget, walkKvPages } from "../lib/kv-pages";
import { eraseVisitor } from "./store/erasure";
import { prefKey } from "./store/keys";
import { deletePreferences } from "./store/prefs";
import { knownVisitorsAfter } from "./store/site-visitors";

/**
 * KV operations one call's erasure may spend (lists and deletes). The rest of the invocation's
 * 1,000 is left to the request around it (the site config read).
 */
export const ERASE_ALL_KV_BUDGET = KV_OPERATIONS_PER_INVOCATION - 100;

/**
 * Visitors erased at the same time. Each erasure waits on D1 twice, then on KV; a few at once
 * overlap those waits (D1 still runs the batches one after another) and stay under the six
 * connections a Worker invocation may hold open.
 */
const CONCURRENCY = 6;

/**
 * Runs `work` on every item, at most CONCURRENCY at a time. A group is always let finish (no
 * erasure is left running after the answer); then the first failure, if any, is thrown.
 */
async function eachConcurrently<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    const outcomes = await Promise.allSettled(items.slice(i, i + CONCURRENCY).map(work));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/** What one chunk did, and where the next one goes on from. */
export interface EraseAllChunk {
  /** Visitors this chunk erased (claims it won). */
  erased: number;
  /** Where to go on from; null once done. */
  cursor: EraseAllCursor | null;
  done: boolean;
  /** Webhook events the erasures queued (for the delivery after the response). */
  webhooksQueued: number;
}

/** Where a chunk starts: in the KV walk (at KV's cursor) or in D1's list (after a visitor id). */
type Position = { phase: "kv"; kvCursor: string | null } | { phase: "d1"; after: string };

function positionOf(cursor: EraseAllCursor | null | undefined): Position {
  if (!cursor) return { phase: "kv", kvCursor: null };
  const value = cursor.slice(3);
  return cursor.startsWith("kv:") ? { phase: "kv", kvCursor: value || null } : { phase: "d1", after: value };
}

/**
 * Erases up to `limit` visitors of `siteId` from `cursor` (see the module comment). Throws
 * StorageError when KV or D1 fails; visitors erased before the failure stay erased, and the
 * same cursor again picks up the rest.
 */
export async function eraseAllChunk(env: Env, siteId: string, cursor: EraseAllCursor | null | undefined, limit: number, now: Date): Promise<EraseAllChunk> {
  const budget = new KvBudget(ERASE_ALL_KV_BUDGET);
  let erased = 0;
  let webhooksQueued = 0;
  let left = limit;
  const result = (next: EraseAllCursor | null): EraseAllChunk => ({ erased, cursor: next, done: next === null, webhooksQueued });

  /** One visitor, as a single erasure does it: D1 first, then (when due) the KV record. */
  const eraseOne = async (visitorId: string, deleteKv: boolean) => {
    const outcome = await eraseVisitor(env, siteId, visitorId, now);
    if (outcome.claimed) erased++;
    webhooksQueued += outcome.webhooksQueued;
    if (!deleteKv) return;
    // walkKvPages kept one operation back for each key it listed, and the D1 phase asks for
    // no more visitors than the budget has operations left: running out here is a bug.
    if (!budget.take(1)) throw new Error("bulk erasure: KV budget overspent");
    await deletePreferences(env, siteId, visitorId);
  };

  let position = positionOf(cursor);
  if (position.phase === "kv") {
    const prefix = prefKey(siteId, "");
    const walk = await walkKvPages(env.PREFS, {
      prefix,
      cursor: position.kvCursor,
      budget,
      maxKeys: left,
      opsPerKey: 1,
      onPage: async (names) => {
        await eachConcurrently(names, (name) => eraseOne(name.slice(prefix.length), true));
      },
    });
    left -= walk.keys;
    if (!walk.complete) return result(`kv:${walk.cursor ?? ""}`);
    position = { phase: "d1", after: "" };
  }

  // Every visitor of this page may need one KV delete: ask for no more than the budget allows.
  const want = Math.min(left, budget.left);
  if (want < 1) return result(`d1:${position.after}`);
  const visitors = await knownVisitorsAfter(env, siteId, position.after, want);
  await eachConcurrently(visitors, (v) => eraseOne(v.visitorId, v.kept));
  if (visitors.length < want) return result(null);
  return result(`d1:${visitors[visitors.length - 1]!.visitorId}`);
}

/**
 * The hot window of the proof ledger (#13): D1 keeps the last LEDGER_HOT_DAYS days (default 90) of
 * rows and chain entries; older ones leave it once their day is sealed in the archive (./seal.ts)
 * and no removal waits for the segment's rewrite. A segment leaves as a whole, in one transaction,
 * and always a site's first segment still in D1, so the chain in D1 is one stretch that goes on
 * from the last evicted segment's head hash (the walk of ./verify.ts starts there).
 *
 * What stays: a slim index row per archived row (./archive-store.ts), through which the visitor's
 * receipts and export, rights requests, the console's search and export, erasure and retention find
 * it; and, as a hot copy, each visitor's latest decision that still counts, so that everything
 * reading a visitor's current decision (the KV record's settling, identity, GET /me, an opt-out)
 * reads `ledger` as before. The daily step deletes a hot copy once a newer decision exists or it
 * expires.
 *
 * Why this and not keeping every visitor's latest decision in D1: most rows are a visitor's
 * latest (few people decide twice), so that would keep most of the ledger; a decision counts up to
 * 13 months, and only a still-counting one is needed on the hot path.
 */
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { evictStatements, firstSealInD1, sitesToEvict, sweepHotCopies } from "./archive-store";

/** Days of the ledger D1 keeps by default (`LEDGER_HOT_DAYS`). */
export const HOT_WINDOW_DAYS = 90;
/** Entries one run moves out of D1 at most, across sites. */
export const EVICT_ENTRIES_PER_RUN = 20_000;
/** Hot copies one sweep deletes at most. */
export const HOT_COPIES_PER_SWEEP = 5000;

/**
 * The hot window in days: `LEDGER_HOT_DAYS` (a whole number from 1 to 3650), or HOT_WINDOW_DAYS
 * when it is not set. A value that is not one is reported and the default used: a typo must not
 * empty D1 of the ledger.
 */
export function hotWindowDays(env: Pick<Env, "LEDGER_HOT_DAYS">): number {
  const raw = env.LEDGER_HOT_DAYS;
  if (raw === undefined || raw === "") return HOT_WINDOW_DAYS;
  const days = Number(raw);
  if (Number.isInteger(days) && days >= 1 && days <= 3650) return days;
  console.error(`LEDGER_HOT_DAYS must be a whole number of days from 1 to 3650, not "${raw}"; keeping ${HOT_WINDOW_DAYS}`);
  return HOT_WINDOW_DAYS;
}

/** What one eviction run did. */
export interface EvictionRun {
  segments: number;
  entries: number;
}

/**
 * Moves out of D1 the segments sealed for days more than `hotDays` before `now`'s UTC day, each
 * site's in order, up to `budget` entries. A site stops at a segment waiting for its rewrite.
 */
export async function evictPastWindow(env: Env, now: Date, { hotDays = hotWindowDays(env), budget = EVICT_ENTRIES_PER_RUN } = {}): Promise<EvictionRun> {
  const run: EvictionRun = { segments: 0, entries: 0 };
  const before = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - hotDays * 86_400_000).toISOString().slice(0, 10);
  for (const siteId of await sitesToEvict(env, before, 100)) {
    while (run.entries < budget) {
      const seal = await firstSealInD1(env, siteId);
      if (!seal || seal.day >= before || seal.stale > 0) break;
      await runNamedBatch(env.LEDGER, "ledger eviction", [["evict", evictStatements(env, seal, now.toISOString())]]);
      // The segment was marked stale in between (an erasure committed first): the next run.
      if (!(await movedOut(env, siteId, seal.first_position))) break;
      run.segments++;
      run.entries += seal.entries;
    }
    if (run.entries >= budget) break;
  }
  return run;
}

async function movedOut(env: Env, siteId: string, firstPosition: number): Promise<boolean> {
  const next = await firstSealInD1(env, siteId);
  return !next || next.first_position > firstPosition;
}

/** The daily step: deletes the hot copies no longer needed (see the module comment). */
export async function sweepHot(env: Env, now: Date, limit = HOT_COPIES_PER_SWEEP): Promise<number> {
  return sweepHotCopies(env, now.toISOString(), limit);
}

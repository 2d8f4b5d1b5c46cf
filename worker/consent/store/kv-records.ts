/**
 * Which visitors' records are kept in KV (table `kv_records`, migrations/0007_hardening.sql).
 * A record goes to KV when it is first read (worker/consent/visitor-record.ts); from then on every change
 * of the visitor writes it. Every statement about the table is built here.
 */
import type { Env } from "../../env";
import { storage } from "../../lib/errors";

/** A statement that yields one row when the visitor's record is kept in KV, none otherwise. */
export function keptStatement(env: Env, siteId: string, visitorId: string): D1PreparedStatement {
  return env.LEDGER.prepare(`SELECT 1 AS kept FROM kv_records WHERE site_id = ?1 AND visitor_id = ?2`).bind(siteId, visitorId);
}

/**
 * The statement that marks a visitor's record as kept in KV (idempotent), when the visitor has
 * a decision at all: a read of an unknown visitor id writes nothing.
 */
export function keepStatement(env: Env, siteId: string, visitorId: string): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO kv_records (site_id, visitor_id) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM ledger WHERE site_id = ?1 AND visitor_id = ?2)
     ON CONFLICT DO NOTHING`,
  ).bind(siteId, visitorId);
}

/** For the erasure's batch: the visitor's record is no longer kept, guarded by `guard` (anonymous `?`). */
export function forgetStatement(env: Env, siteId: string, visitorId: string, guard: string, guardBinds: unknown[]): D1PreparedStatement {
  return env.LEDGER.prepare(`DELETE FROM kv_records WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(siteId, visitorId, ...guardBinds);
}

/**
 * One step of the retention job: forgets up to `batch` visitors with no live decision left (their
 * KV record expired with it). Returns how many.
 */
export async function purgeKeptRecords(env: Env, now: Date, batch: number): Promise<number> {
  const result = await storage("kv record purge", () =>
    env.LEDGER.prepare(
      `DELETE FROM kv_records WHERE rowid IN (
         SELECT k.rowid FROM kv_records k WHERE NOT EXISTS (
           SELECT 1 FROM ledger l WHERE l.site_id = k.site_id AND l.visitor_id = k.visitor_id AND l.expires_at > ?1)
         LIMIT ?2)`,
    ).bind(now.toISOString(), batch).run(),
  );
  return result.meta.changes;
}

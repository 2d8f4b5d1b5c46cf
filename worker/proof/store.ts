/**
 * Every D1 statement about the proof's hash chain (`ledger_chain` and its progress, migration
 * 0016). The ledger's own statements (worker/consent/store/ledger.ts) put `markRemovedStatement`
 * in their transactions before a row is erased or purged.
 */
import type { Env } from "../env";
import { storage } from "../lib/errors";

/** Why an entry's row is gone on purpose. */
export type Removal = "erasure" | "retention" | "before_link";

/** One entry of a site's chain. */
export interface ChainEntry {
  position: number;
  receiptId: string;
  rowDigest: string;
  hash: string;
  removed: Removal | null;
}

interface ChainRow {
  position: number;
  receipt_id: string;
  row_digest: string;
  hash: string;
  removed: Removal | null;
}

const toEntry = (r: ChainRow): ChainEntry => ({ position: r.position, receiptId: r.receipt_id, rowDigest: r.row_digest, hash: r.hash, removed: r.removed });

/**
 * Marks the entries of the ledger rows `rowsSql` selects (a `SELECT receipt_id FROM ledger …`
 * with `binds`) as removed on purpose, before the same transaction deletes those rows: the
 * entry's position, digest and hash stay, so the chain still verifies; its receipt id is
 * replaced, so nothing in it points back to the person. Rows not linked yet have no
 * entry; the chaining step never sees them once they are gone.
 */
export function markRemovedStatement(env: Env, why: "erasure" | "retention", at: string, rowsSql: string, binds: unknown[], guard = "1", guardBinds: unknown[] = []): D1PreparedStatement {
  // The receipt id goes too (the visitor may hold it): the entry keeps its place, digest and link.
  return env.LEDGER.prepare(
    `UPDATE ledger_chain SET removed = ?, removed_at = ?, receipt_id = 'removed:' || site_id || ':' || position WHERE receipt_id IN (${rowsSql}) AND ${guard}`,
  ).bind(why, at, ...binds, ...guardBinds);
}

/** The last ledger `seq` the chaining step linked. */
export async function chainProgress(env: Env): Promise<number> {
  const row = await storage("chain read", () => env.LEDGER.prepare(`SELECT last_seq FROM ledger_chain_progress WHERE id = 1`).first<{ last_seq: number }>());
  return row?.last_seq ?? 0;
}


/** The last entry of a site's chain, or null before its first. */
export async function chainHead(env: Env, siteId: string): Promise<ChainEntry | null> {
  const row = await storage("chain read", () =>
    env.LEDGER.prepare(`SELECT position, receipt_id, row_digest, hash, removed FROM ledger_chain WHERE site_id = ?1 ORDER BY position DESC LIMIT 1`).bind(siteId).first<ChainRow>(),
  );
  return row ? toEntry(row) : null;
}

/**
 * Moves the progress from `from` to `to`: the first statement of a run's batch. When another run
 * moved it first, this run's entries collide with that run's (same positions, same receipts) and
 * D1 rolls the whole batch back, so two runs can never link a fork.
 */
export function progressStatement(env: Env, from: number, to: number): D1PreparedStatement {
  return env.LEDGER.prepare(`UPDATE ledger_chain_progress SET last_seq = ?2 WHERE id = 1 AND last_seq = ?1`).bind(from, to);
}

/**
 * Appends one entry. A row erased (or purged) between the run's read and this write is linked
 * anyway, marked `before_link`, so positions stay without a hole; its salt went with it.
 */
export function appendStatement(env: Env, siteId: string, position: number, receiptId: string, digest: string, hash: string, at: string): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO ledger_chain (site_id, position, receipt_id, row_digest, hash, removed, removed_at, linked_at)
     SELECT ?1, ?2, ?3, ?4, ?5, g.gone, CASE WHEN g.gone IS NULL THEN NULL ELSE ?6 END, ?6
     FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM ledger WHERE receipt_id = ?3) THEN NULL ELSE 'before_link' END AS gone) g`,
  ).bind(siteId, position, receiptId, digest, hash, at);
}


/** A site's entries after `position`, in order, at most `limit`. */
export async function entriesAfter(env: Env, siteId: string, position: number, limit: number): Promise<ChainEntry[]> {
  const { results } = await storage("chain read", () =>
    env.LEDGER.prepare(`SELECT position, receipt_id, row_digest, hash, removed FROM ledger_chain WHERE site_id = ?1 AND position > ?2 ORDER BY position LIMIT ?3`)
      .bind(siteId, position, limit)
      .all<ChainRow>(),
  );
  return results.map(toEntry);
}

/**
 * Receipt ids of a site's ledger rows up to `seq` (the chaining step's progress) that have no
 * entry: none should, so one is a row added by hand. Rows after it are simply not linked yet.
 */
export async function unchainedRows(env: Env, siteId: string, seq: number, limit: number): Promise<string[]> {
  const { results } = await storage("chain read", () =>
    env.LEDGER.prepare(
      `SELECT l.receipt_id FROM ledger l LEFT JOIN ledger_chain c ON c.receipt_id = l.receipt_id
       WHERE l.site_id = ?1 AND l.seq <= ?2 AND c.receipt_id IS NULL ORDER BY l.seq LIMIT ?3`,
    )
      .bind(siteId, seq, limit)
      .all<{ receipt_id: string }>(),
  );
  return results.map((r) => r.receipt_id);
}


/** A site's row of `ledger_verifications` (migration 0017), its JSON columns as written. */
export interface VerificationRow {
  site_id: string;
  last: string | null;
  pass: string | null;
  version: number;
}

/** A site's verification row, or null before its first verification. */
export async function verificationRow(env: Env, siteId: string): Promise<VerificationRow | null> {
  return storage("verification read", () => env.LEDGER.prepare(`SELECT * FROM ledger_verifications WHERE site_id = ?1`).bind(siteId).first<VerificationRow>());
}

/**
 * Writes a site's verification over the version it read (0: there was no row). Returns false
 * when another run wrote first: its work stands, this run's is dropped.
 */
export async function writeVerification(env: Env, siteId: string, readVersion: number, last: string | null, pass: string | null): Promise<boolean> {
  const result = await storage("verification write", () =>
    readVersion === 0
      ? env.LEDGER.prepare(`INSERT INTO ledger_verifications (site_id, last, pass, version) VALUES (?1, ?2, ?3, 1) ON CONFLICT (site_id) DO NOTHING`).bind(siteId, last, pass).run()
      : env.LEDGER.prepare(`UPDATE ledger_verifications SET last = ?2, pass = ?3, version = version + 1 WHERE site_id = ?1 AND version = ?4`).bind(siteId, last, pass, readVersion).run(),
  );
  return result.meta.changes > 0;
}

/** Sites with a chain and no pass in progress, at most `limit` (the daily cron starts theirs). */
export async function sitesToVerify(env: Env, limit: number): Promise<string[]> {
  const { results } = await storage("verification read", () =>
    env.LEDGER.prepare(
      `SELECT s.site_id FROM (SELECT DISTINCT site_id FROM ledger_chain) s LEFT JOIN ledger_verifications v ON v.site_id = s.site_id
       WHERE v.pass IS NULL ORDER BY s.site_id LIMIT ?1`,
    ).bind(limit).all<{ site_id: string }>(),
  );
  return results.map((r) => r.site_id);
}

/** Sites with a pass in progress, at most `limit` (the per-minute cron continues them). */
export async function passesInProgress(env: Env, limit: number): Promise<string[]> {
  const { results } = await storage("verification read", () =>
    env.LEDGER.prepare(`SELECT site_id FROM ledger_verifications WHERE pass IS NOT NULL ORDER BY site_id LIMIT ?1`).bind(limit).all<{ site_id: string }>(),
  );
  return results.map((r) => r.site_id);
}

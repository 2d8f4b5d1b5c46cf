/**
 * Every D1 statement about the proof's hash chain (`ledger_chain` and its progress, migration
 * 0016) and its sealed segments (`ledger_seals`, 0018). The ledger's own statements (worker/consent/
 * store/ledger.ts) put `removalStatements` in their transactions before a row is erased or purged.
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

export interface ChainRow {
  position: number;
  receipt_id: string;
  row_digest: string;
  hash: string;
  removed: Removal | null;
}

/** A `ledger_chain` row as an entry (also the CLI's, which reads the same columns through wrangler). */
export const toEntry = (r: ChainRow): ChainEntry => ({ position: r.position, receiptId: r.receipt_id, rowDigest: r.row_digest, hash: r.hash, removed: r.removed });

/**
 * The statements that mark the entries of the ledger rows `rowsSql` selects (a `SELECT
 * receipt_id FROM ledger …` with `binds`) as removed on purpose, for the transaction that then
 * deletes those rows: first the segments holding them in the archive are marked stale (the
 * resealing step rewrites them with tombstones), then each entry is marked. The entry's position,
 * digest and hash stay, so the chain still verifies; its receipt id is replaced, so nothing in it
 * points back to the person. Rows not linked yet have no entry; the chaining step never sees
 * them once they are gone. `guard` (with `guardBinds`) is the transaction's own condition.
 */
export function removalStatements(
  env: Env,
  why: "erasure" | "retention",
  at: string,
  rowsSql: string,
  binds: unknown[],
  guard = "1",
  guardBinds: unknown[] = [],
  archivedSeals?: { sql: string; binds: unknown[] },
): D1PreparedStatement[] {
  return [
    staleSealsStatement(env, rowsSql, binds, archivedSeals),
    // The receipt id goes too (the visitor may hold it): the entry keeps its place, digest and link.
    env.LEDGER.prepare(
      `UPDATE ledger_chain SET removed = ?, removed_at = ?, receipt_id = 'removed:' || site_id || ':' || position WHERE receipt_id IN (${rowsSql}) AND ${guard}`,
    ).bind(why, at, ...binds, ...guardBinds),
  ];
}

/** The last ledger `seq` the chaining step linked. */
export async function chainProgress(env: Env): Promise<number> {
  const row = await storage("chain read", () => env.LEDGER.prepare(`SELECT last_seq FROM ledger_chain_progress WHERE id = 1`).first<{ last_seq: number }>());
  return row?.last_seq ?? 0;
}


/**
 * The position and hash of the last entry of a site's chain, or null before its first: the last
 * in D1, or, when every entry left D1 for the archive (./evict.ts), the last evicted segment's head.
 */
export async function chainHead(env: Env, siteId: string): Promise<{ position: number; hash: string } | null> {
  const row = await storage("chain read", () =>
    env.LEDGER.prepare(
      `SELECT position, hash FROM (
         SELECT position, hash FROM (SELECT position, hash FROM ledger_chain WHERE site_id = ?1 ORDER BY position DESC LIMIT 1)
         UNION ALL SELECT last_position, head_hash FROM (SELECT last_position, head_hash FROM ledger_seals WHERE site_id = ?1 AND evicted_at IS NOT NULL ORDER BY first_position DESC LIMIT 1)
       ) ORDER BY position DESC LIMIT 1`,
    ).bind(siteId).first<{ position: number; hash: string }>(),
  );
  return row;
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
 * entry: none should, so one is a row added by hand. Rows after it are simply not linked yet; a
 * hot copy (./evict.ts) has its entry in the archive, and is checked against it there.
 */
export async function unchainedRows(env: Env, siteId: string, seq: number, limit: number): Promise<string[]> {
  const { results } = await storage("chain read", () =>
    env.LEDGER.prepare(
      `SELECT l.receipt_id FROM ledger l LEFT JOIN ledger_chain c ON c.receipt_id = l.receipt_id
       WHERE l.site_id = ?1 AND l.seq <= ?2 AND c.receipt_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM ledger_archived a WHERE a.seq = l.seq AND a.receipt_id = l.receipt_id AND a.hot = 1) ORDER BY l.seq LIMIT ?3`,
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
      `SELECT s.site_id FROM (SELECT DISTINCT site_id FROM ledger_chain UNION SELECT DISTINCT site_id FROM ledger_seals) s LEFT JOIN ledger_verifications v ON v.site_id = s.site_id
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

/** A segment's row of `ledger_seals` (migration 0018). */
export interface SealRow {
  site_id: string;
  first_position: number;
  last_position: number;
  day: string;
  part: number;
  object_key: string;
  entries: number;
  prev_hash: string;
  head_hash: string;
  manifest: string;
  sealed_at: string;
  written_at: string;
  stale: number;
  verified_at: string | null;
  emptied_at: string | null;
  /** When its entries and rows left D1 for the archive (./evict.ts), or null. */
  evicted_at: string | null;
}

/** A chain entry with the time it was linked: what the sealing step groups by day. */
export interface LinkedEntry extends ChainEntry {
  linkedAt: string;
}

/**
 * Sites with a chain entry linked before `before` that no segment holds yet: the next position
 * after their last segment. One lookup per site (the site ids come from the chain's primary key
 * one at a time, not from a scan of every entry).
 */
export async function sitesToSeal(env: Env, before: string, limit: number): Promise<string[]> {
  const { results } = await storage("seal read", () =>
    env.LEDGER.prepare(
      `WITH RECURSIVE sites(id) AS (
         SELECT (SELECT MIN(site_id) FROM ledger_chain)
         UNION ALL SELECT (SELECT MIN(site_id) FROM ledger_chain WHERE site_id > sites.id) FROM sites WHERE sites.id IS NOT NULL
       )
       SELECT id FROM sites WHERE id IS NOT NULL AND EXISTS (
         SELECT 1 FROM ledger_chain c WHERE c.site_id = sites.id AND c.linked_at < ?1
           AND c.position = COALESCE((SELECT MAX(last_position) FROM ledger_seals WHERE site_id = sites.id), 0) + 1)
       LIMIT ?2`,
    )
      .bind(before, limit)
      .all<{ id: string }>(),
  );
  return results.map((r) => r.id);
}

/** A site's last segment, or null before its first. */
export async function lastSeal(env: Env, siteId: string): Promise<SealRow | null> {
  return storage("seal read", () => env.LEDGER.prepare(`SELECT * FROM ledger_seals WHERE site_id = ?1 ORDER BY first_position DESC LIMIT 1`).bind(siteId).first<SealRow>());
}

/** The next part number of a site's day (1 for a day with no segment yet). */
export async function nextPart(env: Env, siteId: string, day: string): Promise<number> {
  const row = await storage("seal read", () => env.LEDGER.prepare(`SELECT COALESCE(MAX(part), 0) + 1 AS part FROM ledger_seals WHERE site_id = ?1 AND day = ?2`).bind(siteId, day).first<{ part: number }>());
  return row?.part ?? 1;
}

/** A site's entries after `position` with the time each was linked, in order, at most `limit`. */
export async function linkedEntriesAfter(env: Env, siteId: string, position: number, limit: number): Promise<LinkedEntry[]> {
  const { results } = await storage("chain read", () =>
    env.LEDGER.prepare(`SELECT position, receipt_id, row_digest, hash, removed, linked_at FROM ledger_chain WHERE site_id = ?1 AND position > ?2 ORDER BY position LIMIT ?3`)
      .bind(siteId, position, limit)
      .all<ChainRow & { linked_at: string }>(),
  );
  return results.map((r) => ({ ...toEntry(r), linkedAt: r.linked_at }));
}

/**
 * Records a segment once its objects are in the archive. False when another run recorded the
 * same stretch first (the same positions and hashes: its objects say the same).
 */
export async function insertSeal(env: Env, seal: Omit<SealRow, "stale" | "verified_at" | "emptied_at" | "evicted_at">): Promise<boolean> {
  const result = await storage("seal write", () =>
    env.LEDGER.prepare(
      `INSERT INTO ledger_seals (site_id, first_position, last_position, day, part, object_key, entries, prev_hash, head_hash, manifest, sealed_at, written_at, stale)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0) ON CONFLICT DO NOTHING`,
    )
      .bind(seal.site_id, seal.first_position, seal.last_position, seal.day, seal.part, seal.object_key, seal.entries, seal.prev_hash, seal.head_hash, seal.manifest, seal.sealed_at, seal.written_at)
      .run(),
  );
  return result.meta.changes > 0;
}

/**
 * Marks the segments holding the rows `rowsSql` selects as stale (`removalStatements` runs it
 * first in its transaction, while the entries still have their receipt ids):
 * the resealing step rewrites them with tombstones. Each entry finds its segment by the last one
 * starting at or before its position (an index lookup, not a scan of the site's segments).
 */
export function staleSealsStatement(env: Env, rowsSql: string, binds: unknown[], archivedSeals?: { sql: string; binds: unknown[] }): D1PreparedStatement {
  return env.LEDGER.prepare(
    `UPDATE ledger_seals SET stale = stale + 1 WHERE rowid IN (
       SELECT s.rowid FROM ledger_chain c JOIN ledger_seals s ON s.site_id = c.site_id
         AND s.first_position = (SELECT MAX(first_position) FROM ledger_seals WHERE site_id = c.site_id AND first_position <= c.position)
       WHERE c.receipt_id IN (${rowsSql}) AND c.position <= s.last_position${archivedSeals ? ` UNION ${archivedSeals.sql}` : ""})`,
  ).bind(...binds, ...(archivedSeals?.binds ?? []));
}

/** Marks one segment stale (see `staleSealsStatement`). */
export async function markStale(env: Env, siteId: string, firstPosition: number): Promise<void> {
  await storage("seal write", () => env.LEDGER.prepare(`UPDATE ledger_seals SET stale = stale + 1 WHERE site_id = ?1 AND first_position = ?2`).bind(siteId, firstPosition).run());
}

/** Segments rows of which were removed since they were written, at most `limit`. */
export async function staleSeals(env: Env, limit: number): Promise<SealRow[]> {
  const { results } = await storage("seal read", () => env.LEDGER.prepare(`SELECT * FROM ledger_seals WHERE stale > 0 LIMIT ?1`).bind(limit).all<SealRow>());
  return results;
}

/**
 * Clears a segment's staleness after its rewrite (or its deletion, `emptied`: every row of it
 * removed), unless another removal marked it again while the rewrite ran (then the next run
 * rewrites it once more).
 */
export async function markResealed(env: Env, seal: SealRow, at: string, emptied: boolean): Promise<boolean> {
  const result = await storage("seal write", () =>
    env.LEDGER.prepare(`UPDATE ledger_seals SET stale = 0, written_at = ?3, emptied_at = CASE WHEN ?5 THEN ?3 ELSE NULL END WHERE site_id = ?1 AND first_position = ?2 AND stale = ?4`)
      .bind(seal.site_id, seal.first_position, at, seal.stale, emptied ? 1 : 0)
      .run(),
  );
  return result.meta.changes > 0;
}

/** Records that a verification checked a segment in full at `at`, unless it was rewritten since it was read. */
export async function markVerified(env: Env, seal: SealRow, at: string): Promise<void> {
  await storage("seal write", () =>
    env.LEDGER.prepare(`UPDATE ledger_seals SET verified_at = ?3 WHERE site_id = ?1 AND first_position = ?2 AND written_at = ?4`).bind(seal.site_id, seal.first_position, at, seal.written_at).run(),
  );
}

/** A site's segments after `position` (by their first position), in order, at most `limit`. */
export async function sealsAfter(env: Env, siteId: string, position: number, limit: number): Promise<SealRow[]> {
  const { results } = await storage("seal read", () =>
    env.LEDGER.prepare(`SELECT * FROM ledger_seals WHERE site_id = ?1 AND first_position > ?2 ORDER BY first_position LIMIT ?3`).bind(siteId, position, limit).all<SealRow>(),
  );
  return results;
}

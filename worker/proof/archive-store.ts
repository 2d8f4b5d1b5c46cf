/**
 * Every D1 statement about the ledger's hot window (#13, migration 0019): which sealed segments
 * leave D1 next, the statements that move one out (its rows into the slim `ledger_archived`
 * index, its rows and chain entries out of D1), the daily sweep of the copies kept hot, and the
 * index's reads (a visitor's archived rows, one receipt, a site's rows by time) and removals
 * (erasure, retention), each of which marks the segments holding the rows stale so the resealing
 * step rewrites them with tombstones (./seal.ts).
 */
import type { Env } from "../env";
import { storage } from "../lib/errors";
import type { LedgerRow } from "../consent/store/ledger-row";
import type { SealRow } from "./store";

/** Where an archived row is: its receipt, its `seq` and the segment that holds it. */
export interface ArchivedRef {
  seq: number;
  receiptId: string;
  recordedAt: string;
  objectKey: string;
}

interface ArchivedRefRow {
  seq: number;
  receipt_id: string;
  recorded_ms: number;
  object_key: string;
}

// `recorded_at` is `Date#toISOString()` when it is written, so it comes back exactly from its milliseconds.
const toRef = (r: ArchivedRefRow): ArchivedRef => ({ seq: r.seq, receiptId: r.receipt_id, recordedAt: new Date(r.recorded_ms).toISOString(), objectKey: r.object_key });

/** An ISO time (or day) as the index's milliseconds. */
const ms = (iso: string): number => Date.parse(iso);

/** The index joined with its segment's key; `hot = 0`: rows only in the archive (a hot copy is read from `ledger`). */
const REFS = `SELECT a.seq, a.receipt_id, a.recorded_ms, s.object_key FROM ledger_archived a
  JOIN ledger_seals s ON s.site_id = a.site_id AND s.first_position = a.seal_position`;

/**
 * Sites with a segment still in D1 sealed for a day before `beforeDay` (yyyy-mm-dd), at most
 * `limit`: the ones the eviction step looks at.
 */
export async function sitesToEvict(env: Env, beforeDay: string, limit: number): Promise<string[]> {
  const { results } = await storage("seal read", () =>
    env.LEDGER.prepare(`SELECT DISTINCT site_id FROM ledger_seals WHERE evicted_at IS NULL AND day < ?1 ORDER BY site_id LIMIT ?2`).bind(beforeDay, limit).all<{ site_id: string }>(),
  );
  return results.map((r) => r.site_id);
}

/** A site's first segment whose entries are still in D1, or null. */
export async function firstSealInD1(env: Env, siteId: string): Promise<SealRow | null> {
  return storage("seal read", () => env.LEDGER.prepare(`SELECT * FROM ledger_seals WHERE site_id = ?1 AND evicted_at IS NULL ORDER BY first_position LIMIT 1`).bind(siteId).first<SealRow>());
}

/**
 * The last entry of a site's chain that left D1 (the last evicted segment's last position and
 * head hash), or null when all of it is still there: where the chain in D1 goes on from.
 */
export async function evictedHead(env: Env, siteId: string): Promise<{ position: number; hash: string } | null> {
  const row = await storage("seal read", () =>
    env.LEDGER.prepare(`SELECT last_position, head_hash FROM ledger_seals WHERE site_id = ?1 AND evicted_at IS NOT NULL ORDER BY first_position DESC LIMIT 1`)
      .bind(siteId)
      .first<{ last_position: number; head_hash: string }>(),
  );
  return row ? { position: row.last_position, hash: row.head_hash } : null;
}

/** SQL: an ISO time `yyyy-mm-ddThh:mm:ss.mmmZ` (as the ledger writes them) as milliseconds since 1970, exactly. */
const MS_OF = (column: string) => `(CAST(strftime('%s', ${column}) AS INTEGER) * 1000 + CAST(substr(${column}, 21, 3) AS INTEGER))`;

/**
 * The statements that move one segment's stretch out of D1, in one transaction, each guarded by
 * "the segment is still in D1 and nothing waits for its rewrite" (an erasure that commits first
 * makes the whole move a no-op; the next run moves it after the rewrite):
 *
 * 1. each row still present goes into the index, `hot` when it is its visitor's latest decision
 *    and has not expired at `now`;
 * 2. the rows that are not hot leave `ledger`;
 * 3. the stretch's chain entries leave `ledger_chain` (the segment holds them all);
 * 4. the segment is marked evicted (last, so the guard holds for every statement before it).
 */
export function evictStatements(env: Env, seal: SealRow, now: string): D1PreparedStatement[] {
  const guard = `EXISTS (SELECT 1 FROM ledger_seals WHERE site_id = ?1 AND first_position = ?2 AND evicted_at IS NULL AND stale = 0)`;
  const stretch = `SELECT receipt_id FROM ledger_chain WHERE site_id = ?1 AND position BETWEEN ?2 AND ?3 AND removed IS NULL`;
  const latestLive = `l.expires_at > ?4 AND NOT EXISTS (SELECT 1 FROM ledger n WHERE n.site_id = l.site_id AND n.visitor_id = l.visitor_id AND n.seq > l.seq)`;
  const binds = [seal.site_id, seal.first_position, seal.last_position, now];
  return [
    env.LEDGER.prepare(
      `INSERT INTO ledger_archived (seq, site_id, visitor_id, receipt_id, recorded_ms, retain_s, seal_position, hot)
       SELECT l.seq, l.site_id, l.visitor_id, l.receipt_id, ${MS_OF("l.recorded_at")}, CAST(strftime('%s', l.retain_until) AS INTEGER), ?2, CASE WHEN ${latestLive} THEN 1 ELSE 0 END
       FROM ledger l WHERE l.site_id = ?1 AND l.receipt_id IN (${stretch}) AND ${guard}`,
    ).bind(...binds),
    env.LEDGER.prepare(`DELETE FROM ledger WHERE seq IN (SELECT l.seq FROM ledger l WHERE l.site_id = ?1 AND l.receipt_id IN (${stretch}) AND NOT (${latestLive})) AND ${guard}`).bind(...binds),
    env.LEDGER.prepare(`DELETE FROM ledger_chain WHERE site_id = ?1 AND position BETWEEN ?2 AND ?3 AND ${guard}`).bind(...binds.slice(0, 3)),
    env.LEDGER.prepare(`UPDATE ledger_seals SET evicted_at = ?4 WHERE site_id = ?1 AND first_position = ?2 AND evicted_at IS NULL AND stale = 0 AND ?3 = last_position`).bind(...binds),
  ];
}

/**
 * Deletes up to `limit` hot copies no longer needed (a newer decision of the visitor exists, or
 * the copy expired at `now`) from `ledger`; their rows stay in the archive. Returns how many.
 */
export async function sweepHotCopies(env: Env, now: string, limit: number): Promise<number> {
  const done = `SELECT a.seq FROM ledger_archived a JOIN ledger l ON l.seq = a.seq
    WHERE a.hot = 1 AND (l.expires_at <= ?1 OR EXISTS (SELECT 1 FROM ledger n WHERE n.site_id = l.site_id AND n.visitor_id = l.visitor_id AND n.seq > l.seq)) LIMIT ?2`;
  const [deleted] = await storage("ledger write", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM ledger WHERE seq IN (${done})`).bind(now, limit),
      // A hot mark whose row is gone (the sweep above, or a copy erased) is cleared.
      env.LEDGER.prepare(`UPDATE ledger_archived SET hot = 0 WHERE hot = 1 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.seq = ledger_archived.seq)`),
    ]),
  );
  return deleted?.meta.changes ?? 0;
}

/**
 * One page of a visitor's archived rows that are only in the archive, oldest first, after `seq`
 * (a statement, so the caller reads it in the same transaction as the visitor's rows in `ledger`).
 */
export function visitorArchivedStatement(env: Env, siteId: string, visitorId: string, afterSeq: number, limit: number): D1PreparedStatement {
  return env.LEDGER.prepare(`${REFS} WHERE a.site_id = ?1 AND a.visitor_id = ?2 AND a.seq > ?3 AND a.hot = 0 ORDER BY a.seq LIMIT ?4`).bind(siteId, visitorId, afterSeq, limit);
}

/** The refs a statement of this module read. */
export const toRefs = (rows: unknown[]): ArchivedRef[] => (rows as ArchivedRefRow[]).map(toRef);

/** A site's archived row by receipt id (only in the archive), or null. */
export async function archivedReceipt(env: Env, siteId: string, receiptId: string): Promise<ArchivedRef | null> {
  const row = await storage("ledger read", () => env.LEDGER.prepare(`${REFS} WHERE a.site_id = ?1 AND a.receipt_id = ?2 AND a.hot = 0`).bind(siteId, receiptId).first<ArchivedRefRow>());
  return row ? toRef(row) : null;
}

/** What a search of the archived rows narrows by (the index holds no decision content). */
export interface ArchivedFilter {
  receiptId?: string;
  visitorId?: string;
  subject?: string;
  from?: string;
  to?: string;
}

/**
 * The statement reading a page of a site's archived rows (only in the archive) in time order,
 * newest first (`desc`) or oldest first, strictly beyond the cursor `(recordedAt, seq)`
 * (read it with `toRefs`).
 */
export function archivedByTimeStatement(env: Env, siteId: string, f: ArchivedFilter, beyond: { recordedAt: string; seq: number } | null, desc: boolean, limit: number): D1PreparedStatement {
  const where = ["a.site_id = ?1", "a.hot = 0"];
  const binds: unknown[] = [siteId];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      binds.push(v);
      // The next bare `?` (one already numbered, `?3`, is skipped).
      text = text.replace(/\?(?!\d)/, `?${binds.length}`);
    }
    where.push(text);
  };
  if (f.receiptId) add("a.receipt_id = ?", f.receiptId);
  if (f.visitorId) add("a.visitor_id = ?", f.visitorId);
  if (f.subject) add("a.visitor_id = (SELECT visitor_id FROM subjects WHERE site_id = ?1 AND subject = ?)", f.subject);
  if (f.from) add("a.recorded_ms >= ?", ms(f.from));
  if (f.to) add("a.recorded_ms < ?", ms(f.to));
  if (beyond) add(`(a.recorded_ms, a.seq) ${desc ? "<" : ">"} (?, ?)`, ms(beyond.recordedAt), beyond.seq);
  binds.push(limit);
  const order = desc ? "DESC" : "";
  return env.LEDGER.prepare(`${REFS} WHERE ${where.join(" AND ")} ORDER BY a.recorded_ms ${order}, a.seq ${order} LIMIT ?${binds.length}`).bind(...binds);
}

/**
 * What a visitor's erasure does to their archived rows, for its batch: `seals` selects the
 * `rowid`s of the segments holding them (for the chain's stale-marking statement, ./store.ts
 * `removalStatements`, so the resealing step rewrites them with tombstones), and `remove` deletes
 * their index entries, guarded by `guard` (anonymous `?` binds).
 */
export function eraseArchivedStatements(env: Env, siteId: string, visitorId: string, guard: string, guardBinds: unknown[]): { seals: { sql: string; binds: unknown[] }; remove: D1PreparedStatement } {
  return {
    seals: {
      sql: `SELECT s.rowid FROM ledger_archived a JOIN ledger_seals s ON s.site_id = a.site_id AND s.first_position = a.seal_position WHERE a.site_id = ? AND a.visitor_id = ?`,
      binds: [siteId, visitorId],
    },
    remove: env.LEDGER.prepare(`DELETE FROM ledger_archived WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(siteId, visitorId, ...guardBinds),
  };
}

/** SQL counting a visitor's rows only in the archive (binds: site, visitor). */
export const ARCHIVED_ONLY_COUNT = `(SELECT COUNT(*) FROM ledger_archived WHERE site_id = ? AND visitor_id = ? AND hot = 0)`;

/**
 * The statements that remove up to `batch` archived rows past their retention at `now` (only in
 * the archive: a hot copy is purged with `ledger`'s rows), for the retention job's batch: their
 * segments marked stale, then the index rows. The second statement's changes are the rows purged.
 */
export function purgeArchivedStatements(env: Env, now: string, batch: number): D1PreparedStatement[] {
  // retain_s is rounded down: a row whose second is before now's is past its retain_until.
  const expired = `SELECT seq FROM ledger_archived WHERE retain_s < ?1 AND hot = 0 ORDER BY retain_s LIMIT ?2`;
  return [
    env.LEDGER.prepare(
      `UPDATE ledger_seals SET stale = stale + 1 WHERE rowid IN (SELECT s.rowid FROM ledger_archived a JOIN ledger_seals s ON s.site_id = a.site_id AND s.first_position = a.seal_position
       WHERE a.seq IN (${expired}))`,
    ).bind(Math.floor(ms(now) / 1000), batch),
    env.LEDGER.prepare(`DELETE FROM ledger_archived WHERE seq IN (${expired})`).bind(Math.floor(ms(now) / 1000), batch),
  ];
}

/** The receipt ids of a segment's rows the index still holds (the rest were removed since it left D1). */
export async function archivedInSeal(env: Env, siteId: string, sealPosition: number): Promise<Map<string, { seq: number; hot: boolean }>> {
  const { results } = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT seq, receipt_id, hot FROM ledger_archived WHERE +site_id = ?1 AND seal_position = ?2`).bind(siteId, sealPosition).all<{ seq: number; receipt_id: string; hot: number }>(),
  );
  return new Map(results.map((r) => [r.receipt_id, { seq: r.seq, hot: r.hot === 1 }]));
}

/** SQL of a segment's index entries with their hot copies' rows (binds: site, the segment's first position). */
export const ARCHIVED_ENTRIES_SQL = `SELECT a.receipt_id AS archived_receipt_id, l.* FROM ledger_archived a LEFT JOIN ledger l ON l.seq = a.seq AND a.hot = 1
  WHERE +a.site_id = ?1 AND a.seal_position = ?2 ORDER BY a.seq`;

/** A row the index says a segment holds, with its copy still in D1 if it is hot. */
export interface ArchivedEntry {
  receiptId: string;
  hotRow: LedgerRow | null;
}

/** A row of ARCHIVED_ENTRIES_SQL as an index entry with its hot copy. */
export const toArchivedEntry = (r: Partial<LedgerRow> & { archived_receipt_id: string }): ArchivedEntry => ({ receiptId: r.archived_receipt_id, hotRow: r.seq == null ? null : (r as LedgerRow) });

/** A segment's index entries, each with its row in D1 when it is a hot copy (for verification). */
export async function archivedEntries(env: Env, siteId: string, sealPosition: number): Promise<ArchivedEntry[]> {
  const { results } = await storage("ledger read", () => env.LEDGER.prepare(ARCHIVED_ENTRIES_SQL).bind(siteId, sealPosition).all<Partial<LedgerRow> & { archived_receipt_id: string }>());
  return results.map(toArchivedEntry);
}

/**
 * Reading a site's proof ledger for its owner (the console's ledger page and export): search
 * by receipt, visitor or subject with filters, one receipt, and pages of a date range in time
 * order. Every page is a range of the (site_id, recorded_at, seq) index (migrations/0011), with
 * a cursor of the last row's (recorded_at, seq), so a page costs the same on the first row as
 * on the millionth, and nothing holds more than one page. Rows older than the hot window are
 * found the same way in the archive's index (migrations/0019) and read from their segments.
 */
import type { ConsentAction, Regime } from "../../contract";
import type { Env } from "../../env";
import { storage } from "../../lib/errors";
import { type ArchivedFilter, type ArchivedRef, archivedByTimeStatement, archivedReceipt, toRefs } from "../../proof/archive-store";
import { type LastSegment, PAGE_SEGMENTS, readArchivedRows, withinSegments } from "../../proof/archived-rows";
import { type LedgerRow, type StoredDecision, toStored } from "./ledger";

/** Where a page ends: the last row's time and sequence number. */
export interface LedgerCursor {
  recordedAt: string;
  seq: number;
}

/** What the search narrows by; every field optional. */
export interface LedgerFilter {
  receiptId?: string;
  visitorId?: string;
  subject?: string;
  /** recorded_at ≥ from (ISO 8601). */
  from?: string;
  /** recorded_at < to (ISO 8601). */
  to?: string;
  action?: ConsentAction;
  regime?: Regime;
}

/** A decision as the console lists it: the stored decision and its cursor. */
export interface LedgerEntry {
  decision: StoredDecision;
  cursor: LedgerCursor;
}

const entry = (row: LedgerRow): LedgerEntry => ({ decision: toStored(row), cursor: { recordedAt: row.recorded_at, seq: row.seq } });

/** A page and where the next one starts (null: there is none). */
export interface LedgerPage {
  entries: LedgerEntry[];
  next: LedgerCursor | null;
}

/** Index entries of archived rows one search reads at most when it filters by what only the rows say. */
export const ARCHIVE_SCAN_ROWS = 2000;

/** Compares two cursors in time order. */
const compare = (a: LedgerCursor, b: LedgerCursor) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.seq - b.seq);

/**
 * Merges a page of rows still in D1 with the archived rows found (worker/proof/archive-store.ts)
 * in time order (`desc`: newest first). `scannedTo` is where the archive's scan stopped while more
 * may follow: rows beyond it wait for the next page, so no archived row is skipped.
 */
function mergePage(hot: LedgerEntry[], archived: LedgerEntry[], scannedTo: LedgerCursor | null, desc: boolean, limit: number): LedgerPage {
  const sign = desc ? -1 : 1;
  const seen = new Set<number>();
  let merged = [...hot, ...archived]
    .filter((e) => !seen.has(e.cursor.seq) && seen.add(e.cursor.seq))
    .sort((a, b) => sign * compare(a.cursor, b.cursor));
  if (scannedTo) merged = merged.filter((e) => sign * compare(e.cursor, scannedTo) <= 0);
  const entries = merged.slice(0, limit);
  const next = entries.length === limit ? entries.at(-1)!.cursor : scannedTo;
  return { entries, next };
}

/**
 * The archived side of a search: its first page of index entries (read by the caller in the same
 * transaction as the rows in D1), then more pages while `keep` drops rows, up to ARCHIVE_SCAN_ROWS
 * index entries and `maxSegments` segments (a day of the site's ledger each, up to about a
 * megabyte): on a quiet site a filter can go back years, a day per row. The first entry is
 * always read, so every page moves on.
 */
async function archivedSide(
  env: Env,
  siteId: string,
  f: ArchivedFilter,
  first: ArchivedRef[],
  desc: boolean,
  limit: number,
  keep: (row: LedgerRow) => boolean,
  maxSegments = Infinity,
  last: LastSegment = {},
): Promise<{ entries: LedgerEntry[]; scannedTo: LedgerCursor | null }> {
  const found: LedgerEntry[] = [];
  const segments = new Set<string>();
  const cursorOf = (ref: ArchivedRef): LedgerCursor => ({ recordedAt: ref.recordedAt, seq: ref.seq });
  let refs = first;
  let scanned = 0;
  let lastRead: ArchivedRef | undefined;
  for (;;) {
    const take = withinSegments(refs, (ref) => ref.objectKey, maxSegments, segments);
    const batch = refs.slice(0, take);
    const rows = await readArchivedRows(env, batch, last);
    for (const ref of batch) {
      const row = rows.get(ref.receiptId)!;
      if (keep(row)) found.push(entry(row));
    }
    scanned += batch.length;
    lastRead = batch.at(-1) ?? lastRead;
    // The cap is reached: what is left waits for the next page.
    if (take < refs.length) return { entries: found, scannedTo: cursorOf(lastRead!) };
    if (refs.length < limit || !lastRead) return { entries: found, scannedTo: null };
    const cursor = cursorOf(lastRead);
    if (found.length >= limit || scanned >= ARCHIVE_SCAN_ROWS) return { entries: found, scannedTo: cursor };
    const { results } = await storage("ledger search", () => archivedByTimeStatement(env, siteId, f, cursor, desc, limit).all());
    refs = toRefs(results);
  }
}

/**
 * A page of a site's decisions, newest first, older than `before`. Rows older than the hot window
 * are found through the archive's index (receipt, visitor, subject, time) and read from their
 * segments; an action or regime filter is applied to them as they are read, so such a page may
 * come back short with a `next` cursor where the scan stopped, as may a page whose archived rows
 * span more than PAGE_SEGMENTS segments.
 */
export async function searchLedger(env: Env, siteId: string, f: LedgerFilter, before: LedgerCursor | null, limit: number): Promise<LedgerPage> {
  const where = ["site_id = ?1"];
  const binds: unknown[] = [siteId];
  const add = (sql: string, value: unknown) => {
    binds.push(value);
    where.push(sql.replace("?", `?${binds.length}`));
  };
  if (f.receiptId) add("receipt_id = ?", f.receiptId);
  if (f.visitorId) add("visitor_id = ?", f.visitorId);
  // A subject (the site's own id for a person) is the visitor record it was linked to.
  if (f.subject) add("visitor_id = (SELECT visitor_id FROM subjects WHERE site_id = ?1 AND subject = ?)", f.subject);
  if (f.from) add("recorded_at >= ?", f.from);
  if (f.to) add("recorded_at < ?", f.to);
  if (f.action) add("action = ?", f.action);
  if (f.regime) add("regime = ?", f.regime);
  if (before) {
    binds.push(before.recordedAt, before.seq);
    where.push(`(recorded_at, seq) < (?${binds.length - 1}, ?${binds.length})`);
  }
  binds.push(limit);
  const sql = `SELECT * FROM ledger WHERE ${where.join(" AND ")} ORDER BY recorded_at DESC, seq DESC LIMIT ?${binds.length}`;
  const [hot, archived] = await storage("ledger search", () =>
    env.LEDGER.batch([env.LEDGER.prepare(sql).bind(...binds), archivedByTimeStatement(env, siteId, f, before, true, limit)]),
  );
  const keep = (row: LedgerRow) => (!f.action || row.action === f.action) && (!f.regime || row.regime === f.regime);
  const side = await archivedSide(env, siteId, f, toRefs(archived!.results), true, limit, keep, PAGE_SEGMENTS);
  return mergePage((hot!.results as LedgerRow[]).map(entry), side.entries, side.scannedTo, true, limit);
}

/** One decision of the site by its receipt id, or null; read from the archive once it left D1. */
export async function findReceipt(env: Env, siteId: string, receiptId: string): Promise<StoredDecision | null> {
  const row = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND receipt_id = ?2`).bind(siteId, receiptId).first<LedgerRow>(),
  );
  if (row) return toStored(row);
  const ref = await archivedReceipt(env, siteId, receiptId);
  return ref ? toStored((await readArchivedRows(env, [ref])).get(receiptId)!) : null;
}

/**
 * A page of the decisions recorded in [from, to), oldest first, after `after` (the export),
 * archived days included. An export hands every page the same `last`, so a day's segment is read
 * once, not once a page.
 */
export async function ledgerRange(env: Env, siteId: string, from: string, to: string, after: LedgerCursor | null, limit: number, last: LastSegment = {}): Promise<LedgerEntry[]> {
  const [hot, archived] = await storage("ledger export read", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(
        `SELECT * FROM ledger WHERE site_id = ?1 AND recorded_at < ?3 AND (recorded_at, seq) > (?2, ?4)
         ORDER BY recorded_at, seq LIMIT ?5`,
      ).bind(siteId, after?.recordedAt ?? from, to, after?.seq ?? -1, limit),
      archivedByTimeStatement(env, siteId, { to }, after ?? { recordedAt: from, seq: -1 }, false, limit),
    ]),
  );
  const side = await archivedSide(env, siteId, { to }, toRefs(archived!.results), false, limit, () => true, Infinity, last);
  return mergePage((hot!.results as LedgerRow[]).map(entry), side.entries, side.scannedTo, false, limit).entries;
}

/**
 * Reading a site's proof ledger for its owner (the console's ledger page and export): search
 * by receipt, visitor or subject with filters, one receipt, and pages of a date range in time
 * order. Every page is a range of the (site_id, recorded_at, seq) index (migrations/0011), with
 * a cursor of the last row's (recorded_at, seq), so a page costs the same on the first row as
 * on the millionth, and nothing holds more than one page.
 */
import type { ConsentAction, Regime } from "../../contract";
import type { Env } from "../../env";
import { storage } from "../../lib/errors";
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

/** A page of a site's decisions, newest first, older than `before`. */
export async function searchLedger(env: Env, siteId: string, f: LedgerFilter, before: LedgerCursor | null, limit: number): Promise<LedgerEntry[]> {
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
  const { results } = await storage("ledger search", () => env.LEDGER.prepare(sql).bind(...binds).all<LedgerRow>());
  return results.map(entry);
}

/** One decision of the site by its receipt id, or null. */
export async function findReceipt(env: Env, siteId: string, receiptId: string): Promise<StoredDecision | null> {
  const row = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND receipt_id = ?2`).bind(siteId, receiptId).first<LedgerRow>(),
  );
  return row ? toStored(row) : null;
}

/** A page of the decisions recorded in [from, to), oldest first, after `after` (the export). */
export async function ledgerRange(env: Env, siteId: string, from: string, to: string, after: LedgerCursor | null, limit: number): Promise<LedgerEntry[]> {
  const { results } = await storage("ledger export read", () =>
    env.LEDGER.prepare(
      `SELECT * FROM ledger WHERE site_id = ?1 AND recorded_at < ?3 AND (recorded_at, seq) > (?2, ?4)
       ORDER BY recorded_at, seq LIMIT ?5`,
    )
      .bind(siteId, after?.recordedAt ?? from, to, after?.seq ?? -1, limit)
      .all<LedgerRow>(),
  );
  return results.map(entry);
}

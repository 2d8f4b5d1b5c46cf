/**
 * Compliance scan reports in D1 (migrations/0014): every SQL statement about them lives here.
 *
 * A site keeps its MAX_SCANS_PER_SITE newest reports. Storing one is a single batch (one
 * transaction): the insert, then the deletion of whatever the site holds beyond the newest
 * MAX_SCANS_PER_SITE, so the cap holds after every write, with no job to run and no window in
 * which a site holds more.
 *
 * "Newest" is the order of `received_at`, then `id`: the history's order and its cursor.
 */
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { storage } from "../lib/errors";

/** Reports kept per site; an insert beyond it deletes the oldest. */
export const MAX_SCANS_PER_SITE = 100;

/** A history row: every column but the report. */
export interface ScanRow {
  id: string;
  site_id: string;
  received_at: string;
  url: string;
  tool: string;
  started_at: string;
  finished_at: string;
  errors: number;
  warnings: number;
  infos: number;
}

/** A report as stored: its id, arrival and JSON text (never parsed on the way out). */
export interface ScanReportRow {
  id: string;
  received_at: string;
  report: string;
}

/** A new report id: `scan_` and 8 random bytes, hex. */
export function newScanId(): string {
  return `scan_${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const HISTORY_COLUMNS = "id, site_id, received_at, url, tool, started_at, finished_at, errors, warnings, infos";

/** Stores a report and trims the site's history to MAX_SCANS_PER_SITE, in one batch; the number of reports deleted. */
export async function insertScan(env: Env, row: ScanRow, report: string): Promise<{ dropped: number }> {
  const batch = await runNamedBatch(env.LEDGER, "scan write", [
    [
      "insert",
      [
        env.LEDGER.prepare(`INSERT INTO scans (${HISTORY_COLUMNS}, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`).bind(
          row.id, row.site_id, row.received_at, row.url, row.tool, row.started_at, row.finished_at, row.errors, row.warnings, row.infos, report,
        ),
      ],
    ],
    [
      // Older than the site's MAX_SCANS_PER_SITE-th newest (none when it holds fewer: the
      // subquery is then empty and the comparison NULL).
      "trim",
      [
        env.LEDGER.prepare(
          `DELETE FROM scans WHERE site_id = ?1 AND (received_at, id) <
             (SELECT received_at, id FROM scans WHERE site_id = ?1 ORDER BY received_at DESC, id DESC LIMIT 1 OFFSET ?2)`,
        ).bind(row.site_id, MAX_SCANS_PER_SITE - 1),
      ],
    ],
  ]);
  return { dropped: batch.changes("trim") };
}

/** A page of a site's history, newest first, after the (received_at, id) pair of the previous page's last row. */
export async function listScans(env: Env, siteId: string, page: { limit: number; after?: { receivedAt: string; id: string } }): Promise<ScanRow[]> {
  const after = page.after ? "AND (received_at, id) < (?3, ?4)" : "";
  const binds: unknown[] = [siteId, page.limit, ...(page.after ? [page.after.receivedAt, page.after.id] : [])];
  const { results } = await storage("scan read", () =>
    env.LEDGER.prepare(`SELECT ${HISTORY_COLUMNS} FROM scans WHERE site_id = ?1 ${after} ORDER BY received_at DESC, id DESC LIMIT ?2`)
      .bind(...binds)
      .all<ScanRow>(),
  );
  return results;
}

/** One report of the site, or null (another site's id is none of this site's). */
export async function findScanReport(env: Env, siteId: string, id: string): Promise<ScanReportRow | null> {
  return storage("scan read", () =>
    env.LEDGER.prepare(`SELECT id, received_at, report FROM scans WHERE site_id = ?1 AND id = ?2`).bind(siteId, id).first<ScanReportRow>(),
  );
}

/** The site's newest report, or null when it has none. */
export async function latestScanReport(env: Env, siteId: string): Promise<ScanReportRow | null> {
  return storage("scan read", () =>
    env.LEDGER.prepare(`SELECT id, received_at, report FROM scans WHERE site_id = ?1 ORDER BY received_at DESC, id DESC LIMIT 1`).bind(siteId).first<ScanReportRow>(),
  );
}

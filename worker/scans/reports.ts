/**
 * What a site owner does with compliance scan reports, shared by the admin API (./api.ts) and
 * the console (worker/console/scans-api.ts): record one, page through the history, read one.
 *
 * A report is validated by the contract's ScanReport before it gets here; it is stored as the
 * JSON of what zod parsed (unknown keys dropped) and sent back as that text, never parsed again:
 * a report can be a megabyte.
 */
import { type ScanCreated, ScanId, type ScanList, ScanListQuery, type ScanReport } from "../contract";
import type { Env } from "../env";
import { ApiError, invalidQuery, parseQuery } from "../lib/errors";
import { type ScanReportRow, type ScanRow, findScanReport, insertScan, latestScanReport, listScans, newScanId } from "./store";

const notFound = () => new ApiError(404, "scan_not_found", "No such scan", { detail: "This site has no scan report with that id." });

/** A path's scan id, or 404 `scan_not_found` (a malformed id is no report). */
export function scanIdOf(id: string | undefined): string {
  if (!ScanId.safeParse(id).success) throw notFound();
  return id!;
}

/** Records a report for the site; refuses (422 `scan_site_mismatch`) one that names another site. */
export async function recordScan(env: Env, siteId: string, report: ScanReport, now: Date): Promise<ScanCreated> {
  if (report.site !== null && report.site !== siteId)
    throw new ApiError(422, "scan_site_mismatch", "The report is about another site", {
      detail: `The report's site is "${report.site}"; send it to /v1/sites/${report.site}/admin/scans with that site's key, or scan with --site ${siteId}.`,
    });
  const { errors, warnings, infos } = report.summary;
  const row: ScanRow = {
    id: newScanId(),
    site_id: siteId,
    received_at: now.toISOString(),
    url: report.url,
    tool: report.tool,
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    errors,
    warnings,
    infos,
  };
  await insertScan(env, row, JSON.stringify(report));
  return { id: row.id, receivedAt: row.received_at, summary: { errors, warnings, infos } };
}

/** The history's query from a request's query parameters, or 400 `invalid_query`. */
export function scanListQuery(query: Record<string, string>): ScanListQuery {
  return parseQuery(ScanListQuery, query, "limit is 1–100; cursor comes from a previous page's `next`; nothing else is taken.");
}

/** A history cursor: the last row's receipt time and id. */
const encodeCursor = (r: ScanRow) => `${r.received_at}~${r.id}`;
function decodeCursor(cursor: string): { receivedAt: string; id: string } {
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)~(scan_[0-9a-f]{16})$/.exec(cursor);
  if (!m) throw invalidQuery("cursor comes from a previous page's `next`.");
  return { receivedAt: m[1]!, id: m[2]! };
}

/** One page of the site's history, newest first. */
export async function scanHistory(env: Env, siteId: string, q: ScanListQuery): Promise<ScanList> {
  const rows = await listScans(env, siteId, { limit: q.limit + 1, ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}) });
  const page = rows.slice(0, q.limit);
  return {
    scans: page.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      url: r.url,
      tool: r.tool,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      errors: r.errors,
      warnings: r.warnings,
      infos: r.infos,
    })),
    next: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

/** A StoredScan answer (`{ id, receivedAt, report }`) written around the stored text. */
function storedScanResponse(row: ScanReportRow): Response {
  return new Response(`{"id":${JSON.stringify(row.id)},"receivedAt":${JSON.stringify(row.received_at)},"report":${row.report}}`, {
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}

/** One report of the site (404 `scan_not_found` for an unknown id, another site's included). */
export async function scanReport(env: Env, siteId: string, id: string): Promise<Response> {
  const row = await findScanReport(env, siteId, id);
  if (!row) throw notFound();
  return storedScanResponse(row);
}

/** The site's newest report (404 `scan_not_found` when it has none yet). */
export async function latestScan(env: Env, siteId: string): Promise<Response> {
  const row = await latestScanReport(env, siteId);
  if (!row)
    throw new ApiError(404, "scan_not_found", "No scan yet", { detail: "No scan report was sent for this site yet: see docs/console.md#compliance-scans." });
  return storedScanResponse(row);
}

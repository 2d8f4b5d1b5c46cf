/**
 * The proof ledger in the console, under /console/api (any role on the site):
 *
 * - `GET /sites/{siteId}/ledger?receipt=&visitor=&subject=&from=&to=&action=&regime=&cursor=&limit=`:
 *   decisions newest first, a page at a time (`next` is the cursor of the next page).
 * - `GET /sites/{siteId}/ledger/receipts/{receiptId}`: one receipt with every recorded field.
 * - `GET /sites/{siteId}/ledger/verification`: the last verification of the site's proof chain
 *   and the pass in progress; `POST` ("Verify now") walks the chain at once, up to
 *   VERIFY_NOW_ENTRIES entries (a longer chain continues on the per-minute cron), rate limited
 *   per person, in the audit log.
 * - `GET /sites/{siteId}/ledger/export?from=&to=&format=csv|jsonl`: every decision recorded in
 *   [from, to), oldest first, as CSV or JSON Lines, streamed: the body is produced a page of
 *   EXPORT_PAGE rows at a time as the client reads it, so a million rows never sit in the
 *   Worker's memory. Each export is in the audit log (who exported which range).
 *
 * The ledger holds no IP address and no full user agent; what is exported is what the proof
 * holds (pseudonymous visitor ids, coarse location, browser family).
 */
import { Hono } from "hono";
import type * as z from "zod";
import type { StoredDecision } from "../consent/store/ledger";
import { type LedgerCursor, type LedgerEntry, findReceipt, ledgerRange, searchLedger } from "../consent/store/ledger-search";
import { type ConsoleLedgerVerification, ConsoleLedgerExportQuery, ConsoleLedgerQuery, ReceiptId } from "../contract";
import { ApiError, invalidBody, parseConsoleQuery } from "../lib/errors";
import { csvField } from "../lib/csv";
import { pagedStream } from "../lib/paged-stream";
import type { LastSegment } from "../proof/archived-rows";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { VERIFY_NOW_ENTRIES, advanceVerification, verificationOf } from "../proof";
import { type ConsoleEnv, requireRole } from "./auth";
import { writeAudit } from "./store";

/** Rows read from D1 per page of an export. */
export const EXPORT_PAGE = 1000;

/** The columns of an export, in order. */
export const EXPORT_COLUMNS = [
  "receiptId",
  "recordedAt",
  "visitorId",
  "action",
  "surface",
  "categories",
  "policyVersion",
  "policyLastUpdated",
  "policyFingerprint",
  "textHash",
  "widgetVersion",
  "locale",
  "regime",
  "jurisdiction",
  "country",
  "gpc",
  "gpcApplied",
  "usOptOut",
  "consentModeMapping",
  "uaFamily",
  "prevId",
  "expiresAt",
] as const;

/** A decision as the export and the receipt view show it. */
export function receiptOf(d: StoredDecision): Record<(typeof EXPORT_COLUMNS)[number], unknown> & { version: number } {
  const { id, siteId: _site, ...rest } = d.receipt;
  return { receiptId: id, ...rest, version: d.version };
}

/** The export's body: pages of the range, read from D1 only as the client reads. */
function exportStream(env: ConsoleEnv["Bindings"], siteId: string, q: z.infer<typeof ConsoleLedgerExportQuery>): ReadableStream<Uint8Array> {
  const segment: LastSegment = {};
  return pagedStream<LedgerEntry, LedgerCursor>({
    head: q.format === "csv" ? `${EXPORT_COLUMNS.join(",")}\r\n` : "",
    pageSize: EXPORT_PAGE,
    next: (cursor) => ledgerRange(env, siteId, q.from, q.to, cursor, EXPORT_PAGE, segment),
    cursorOf: (last) => last.cursor,
    encode: ({ decision }) => {
      const r = receiptOf(decision);
      return q.format === "csv" ? `${EXPORT_COLUMNS.map((c) => csvField(r[c])).join(",")}\r\n` : `${JSON.stringify(r)}\n`;
    },
  });
}

export const ledgerApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/ledger", requireRole("viewer"), async (c) => {
    const { cursor, limit, receipt, visitor, subject, ...rest } = parseConsoleQuery(ConsoleLedgerQuery, c.req.query());
    const { entries, next } = await searchLedger(
      c.env,
      c.req.param("siteId"),
      { ...rest, ...(receipt ? { receiptId: receipt } : {}), ...(visitor ? { visitorId: visitor } : {}), ...(subject ? { subject } : {}) },
      cursor ?? null,
      limit,
    );
    return c.json({ entries: entries.map((e) => receiptOf(e.decision)), next: next ? `${next.recordedAt}~${next.seq}` : null });
  })
  .get("/sites/:siteId/ledger/receipts/:receiptId", requireRole("viewer"), async (c) => {
    const id = ReceiptId.safeParse(c.req.param("receiptId"));
    if (!id.success) throw invalidBody(id.error, "invalid_path");
    const found = await findReceipt(c.env, c.req.param("siteId"), id.data);
    if (!found) throw new ApiError(404, "not_found", "Not found", { detail: "This site has no decision with this receipt id (it may have been erased or be past its retention)." });
    return c.json(receiptOf(found));
  })
  .get("/sites/:siteId/ledger/verification", requireRole("viewer"), async (c) => {
    const body: ConsoleLedgerVerification = await verificationOf(c.env, c.req.param("siteId"));
    return c.json(body);
  })
  .post("/sites/:siteId/ledger/verification", requireRole("viewer"), async (c) => {
    const siteId = c.req.param("siteId");
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(siteId, "console", { account: user.email }));
    await writeAudit(c.env, { siteId, actor: user.email, action: "ledger.verify", target: siteId, beforeFingerprint: null, afterFingerprint: null }, new Date());
    await advanceVerification(c.env, siteId, VERIFY_NOW_ENTRIES, user.email);
    const body: ConsoleLedgerVerification = await verificationOf(c.env, siteId);
    return c.json(body);
  })
  .get("/sites/:siteId/ledger/export", requireRole("viewer"), async (c) => {
    const q = parseConsoleQuery(ConsoleLedgerExportQuery, c.req.query());
    const siteId = c.req.param("siteId");
    const user = c.get("user")!;
    await writeAudit(
      c.env,
      { siteId, actor: user.email, action: "ledger.export", target: `${q.from}..${q.to} (${q.format})`, beforeFingerprint: null, afterFingerprint: null },
      new Date(),
    );
    const name = `assent-${siteId}-ledger-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}.${q.format === "csv" ? "csv" : "jsonl"}`;
    return new Response(exportStream(c.env, siteId, q), {
      headers: {
        "Content-Type": q.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
      },
    });
  });

/**
 * Compliance scan reports in the site owner API, under `/v1/sites/{siteId}/admin/scans` (API
 * key), so a CI run of `npm run scan -- <url> --json scan.json` feeds the owner's console:
 *
 * - `POST /`: a report (the contract's ScanReport, at most 1 MB) → 201 `{ id, receivedAt,
 *   summary }` with a `Location` header. The body is size-capped and validated before anything
 *   is written; a report naming another site is 422 `scan_site_mismatch`. The site keeps its 100
 *   newest reports.
 * - `GET /?limit=&cursor=`: the history, newest first.
 * - `GET /{scanId}`: one report, as `{ id, receivedAt, report }`.
 */
import { Hono } from "hono";
import { ScanReport } from "../contract";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { scanSizeGuard } from "../middleware/size-guard";
import { recordScan, scanHistory, scanIdOf, scanListQuery, scanReport } from "./reports";

export const scanAdminRoutes = new Hono<AdminEnv>()
  .post("/", scanSizeGuard, async (c) => {
    const siteId = c.get("site").config.id;
    const report = await parseJsonBody(c.req.raw, ScanReport);
    const created = await recordScan(c.env, siteId, report, new Date());
    c.header("Location", `/v1/sites/${siteId}/admin/scans/${created.id}`);
    return c.json(created, 201);
  })
  .get("/", async (c) => c.json(await scanHistory(c.env, c.get("site").config.id, scanListQuery(c.req.query()))))
  .get("/:id", async (c) => scanReport(c.env, c.get("site").config.id, scanIdOf(c.req.param("id"))));

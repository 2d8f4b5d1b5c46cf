/**
 * Compliance scan reports in the console, under /console/api (any role: a report names pages,
 * cookies, storage keys and hosts, nobody's data, so a viewer reads it as they read the
 * configuration), from the same store as the admin API (worker/scans/reports.ts answers both):
 *
 * - `GET /sites/{siteId}/scans?limit=&cursor=`: the history, newest first.
 * - `GET /sites/{siteId}/scans/latest`: the newest report (404 `scan_not_found` when none was sent).
 * - `GET /sites/{siteId}/scans/{scanId}`: one report.
 *
 * Reports arrive only through the admin API (a CI run with the site's API key); the console
 * reads them.
 */
import { Hono } from "hono";
import { latestScan, scanHistory, scanIdOf, scanListQuery, scanReport } from "../scans/reports";
import { type ConsoleEnv, requireRole } from "./auth";

export const scansApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/scans", requireRole("viewer"), async (c) => c.json(await scanHistory(c.env, c.req.param("siteId"), scanListQuery(c.req.query()))))
  .get("/sites/:siteId/scans/latest", requireRole("viewer"), async (c) => latestScan(c.env, c.req.param("siteId")))
  .get("/sites/:siteId/scans/:id", requireRole("viewer"), async (c) => scanReport(c.env, c.req.param("siteId"), scanIdOf(c.req.param("id"))));

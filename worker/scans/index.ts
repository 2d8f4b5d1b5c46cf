/**
 * worker/scans: compliance scan reports (`npm run scan`, scanner/) sent by the site owner's CI
 * and read in the console:
 *
 * - api.ts: `POST`/`GET /v1/sites/{siteId}/admin/scans`, `GET …/scans/{scanId}` (API key)
 * - reports.ts: recording a report, the history and one report (admin API and console)
 * - store.ts: every SQL statement about scan reports (the 100-per-site cap included)
 */
export { scanAdminRoutes } from "./api";

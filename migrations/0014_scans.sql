-- Compliance scan reports (worker/scans/): what `npm run scan` found on a site, sent by the
-- owner's CI through the admin API (`POST /v1/sites/{siteId}/admin/scans`) and read in the
-- console. One row per report: the columns the history lists, and the whole report as JSON
-- (at most 1 MB, the admin route's body cap). A site keeps its 100 newest reports: the insert's
-- batch deletes the older ones (worker/scans/store.ts).
--
-- A report holds page URLs, cookie and storage names, hosts and the scanner's findings about
-- them: no visitor, address or identifier of a person.

CREATE TABLE scans (
  id           TEXT PRIMARY KEY,                  -- scan_ + 16 hex
  site_id      TEXT NOT NULL,
  received_at  TEXT NOT NULL,                     -- when the Worker stored it (ISO 8601, UTC)
  url          TEXT NOT NULL,                     -- the page the scan started on
  tool         TEXT NOT NULL,                     -- the scanner and its version
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  errors       INTEGER NOT NULL,
  warnings     INTEGER NOT NULL,
  infos        INTEGER NOT NULL,
  report       TEXT NOT NULL                      -- the report as JSON (the contract's ScanReport)
);
-- A site's history, newest first (and the cursor of its pages: received_at, id).
CREATE INDEX scans_by_site ON scans (site_id, received_at DESC, id DESC);

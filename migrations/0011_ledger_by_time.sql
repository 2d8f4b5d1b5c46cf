-- The console's ledger search and export (worker/consent/store/ledger-search.ts) read a site's
-- decisions by time: newest first for the search, oldest first for an export of a date range,
-- both paged by (recorded_at, seq) so that every page is an index range, however many rows.
CREATE INDEX ledger_by_site_time ON ledger (site_id, recorded_at, seq);

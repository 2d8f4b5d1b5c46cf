-- What visitors chose, without tracking anyone (the console's charts): daily counters per
-- site × day (UTC) × regime × country × locale × metric. No identifier, no IP, nothing per
-- visitor: a row is a number. Every figure the console shows is a query over these days, never
-- over ledger rows.
--
-- Metrics: `impression` (a banner was shown: a bootstrap that is not a returning visitor's
-- background check, added up in the Worker and written after a response), `decision:<action>`,
-- `granted:<category>`, `gpc` (the decision carried Global Privacy Control) and `gpc_applied`
-- (GPC turned something off). A decision is counted by the trigger below, inside the INSERT of
-- its ledger row: the same statement, so a decision is never recorded without being counted
-- nor counted without being recorded, a replay (no insert) counts nothing, and the decision's
-- batch has no statement more. Deleting ledger rows (retention, erasure) leaves the counts:
-- they are sums that name nobody.

CREATE TABLE stats_daily (
  site_id   TEXT NOT NULL,
  day       TEXT NOT NULL,                        -- YYYY-MM-DD, UTC
  regime    TEXT NOT NULL,
  country   TEXT NOT NULL,                        -- ISO code, or '' when unknown
  locale    TEXT NOT NULL,
  metric    TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (site_id, day, regime, country, locale, metric)
);

CREATE TRIGGER ledger_counts AFTER INSERT ON ledger
BEGIN
  INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n)
  SELECT NEW.site_id, substr(NEW.recorded_at, 1, 10), NEW.regime, COALESCE(NEW.country, ''), NEW.locale, metric, 1
  FROM (
    SELECT 'decision:' || NEW.action AS metric
    UNION ALL SELECT 'granted:' || key FROM json_each(NEW.categories) WHERE type = 'true'
    UNION ALL SELECT 'gpc' WHERE NEW.gpc = 1
    UNION ALL SELECT 'gpc_applied' WHERE NEW.gpc_applied = 1
  )
  WHERE true
  ON CONFLICT (site_id, day, regime, country, locale, metric) DO UPDATE SET n = n + 1;
END;

-- What visitors chose, without tracking anyone (the console's charts): daily counters per
-- site × day (UTC) × regime × country × locale × metric. No identifier, no IP, nothing per
-- visitor: a row is a number. Every figure the console shows is a query over these days, never
-- over ledger rows.
--
-- Metrics: `impression` (a banner was shown: a bootstrap that is not a returning visitor's
-- background check, counted after the response), `decision:<action>`, `granted:<category>`,
-- `gpc` (the decision carried Global Privacy Control) and `gpc_applied` (GPC turned something
-- off), counted in the same D1 transaction as the decision itself.

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

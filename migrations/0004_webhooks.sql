-- Webhooks: the site owner's servers are told about every consent and subscription change.
-- A transactional outbox: each event row is inserted in the same D1 batch (one transaction) as
-- the change it reports, so a change is never stored without its event or the other way round.
-- The scheduled job (and an immediate attempt after each change) delivers them at least once.

-- Where a site wants its events. The signing secret is not stored: it is derived from the
-- SITE_SECRET_KEY Wrangler secret and the endpoint id (worker/site-secrets.ts).
CREATE TABLE webhook_endpoints (
  id           TEXT PRIMARY KEY,                  -- wh_<random>
  site_id      TEXT NOT NULL,
  url          TEXT NOT NULL,
  events       TEXT NOT NULL,                     -- JSON array of event types; "*" = all
  description  TEXT,
  created_at   TEXT NOT NULL,
  disabled_at  TEXT                               -- set when the owner deletes it
);
CREATE INDEX webhook_endpoints_by_site ON webhook_endpoints (site_id);

-- One row per event; only written when at least one endpoint of the site wants it.
CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,                   -- evt_<random>; the receiver's idempotency key
  site_id     TEXT NOT NULL,
  type        TEXT NOT NULL,
  payload     TEXT NOT NULL,                      -- the exact JSON body that is sent and signed
  created_at  TEXT NOT NULL
);
CREATE INDEX webhook_events_by_time ON webhook_events (created_at);

-- One row per event and endpoint: the delivery state machine.
-- pending → delivered, or pending → failed after the last retry (kept, and can be redelivered).
CREATE TABLE webhook_deliveries (
  event_id         TEXT NOT NULL,
  endpoint_id      TEXT NOT NULL,
  site_id          TEXT NOT NULL,
  status           TEXT NOT NULL,                 -- pending | delivered | failed | cancelled
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  claim_id         TEXT,                          -- the delivery run holding it
  lease_until      TEXT,                          -- until when that run holds it
  last_status      INTEGER,                       -- HTTP status of the last attempt (NULL: network error)
  last_error       TEXT,
  delivered_at     TEXT,
  PRIMARY KEY (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, status, event_id);
CREATE INDEX webhook_deliveries_by_claim ON webhook_deliveries (claim_id);

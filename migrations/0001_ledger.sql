-- The append-only proof of every consent decision (R1.14). One row per decision.
-- No IP address and no full user agent are ever stored here.
CREATE TABLE ledger (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT, -- global order; per visitor it is the version
  receipt_id          TEXT NOT NULL UNIQUE,              -- rcpt_<random>, shown to the visitor
  site_id             TEXT NOT NULL,
  visitor_id          TEXT NOT NULL,                     -- pseudonymous random UUID
  idempotency_key     TEXT NOT NULL,                     -- client-made UUID: a retry never records twice
  request_hash        TEXT NOT NULL,                     -- hash of the decision, to refuse a reused key
  recorded_at         TEXT NOT NULL,                     -- server time, ISO 8601
  action              TEXT NOT NULL,                     -- accept_all | reject_all | custom | withdraw
  surface             TEXT NOT NULL,                     -- banner | preferences | gpc | api
  categories          TEXT NOT NULL,                     -- JSON: every category stated true/false
  policy_version      TEXT NOT NULL,
  policy_last_updated TEXT NOT NULL,
  policy_fingerprint  TEXT NOT NULL,
  text_hash           TEXT NOT NULL,
  widget_version      TEXT NOT NULL,
  locale              TEXT NOT NULL,
  regime              TEXT NOT NULL,
  jurisdiction        TEXT,
  country             TEXT,
  gpc                 INTEGER NOT NULL,
  gpc_applied         INTEGER NOT NULL,
  ua_family           TEXT NOT NULL,
  prev_receipt_id     TEXT,                              -- the visitor's previous decision
  expires_at          TEXT NOT NULL,                     -- when the decision stops counting
  retain_until        TEXT NOT NULL,                     -- expires_at + evidence period (R1.15)
  UNIQUE (site_id, idempotency_key)
);
CREATE INDEX ledger_by_visitor ON ledger (site_id, visitor_id, seq);
CREATE INDEX ledger_by_retention ON ledger (retain_until);

-- Erasures (R9.2): that one happened, when, and how much was removed. No visitor id.
CREATE TABLE erasures (
  id               TEXT PRIMARY KEY,
  site_id          TEXT NOT NULL,
  erased_at        TEXT NOT NULL,
  receipts_deleted INTEGER NOT NULL
);
CREATE INDEX erasures_by_site ON erasures (site_id, erased_at);

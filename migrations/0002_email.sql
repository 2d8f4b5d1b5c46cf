-- Email communications (marketing email, blog): a record type of its own, keyed by the address,
-- never by the cookie visitor (R0.2). Every step is also appended to subscription_events.

-- One row per address and list. The address is kept only while it is needed to send; erasure
-- deletes the row and leaves only a suppression hash (R5.7, R9.2).
CREATE TABLE subscriptions (
  id               TEXT PRIMARY KEY,              -- sub_<random>
  site_id          TEXT NOT NULL,
  list_id          TEXT NOT NULL,
  email            TEXT NOT NULL,                 -- normalized address
  email_hash       TEXT NOT NULL,                 -- HMAC of the normalized address
  status           TEXT NOT NULL,                 -- pending | confirmed | unsubscribed
  text_version     TEXT NOT NULL,                 -- the consent wording the visitor agreed to
  locale           TEXT NOT NULL,
  visitor_id       TEXT,                          -- the cookie visitor who signed up, if known
  created_at       TEXT NOT NULL,
  confirmed_at     TEXT,
  unsubscribed_at  TEXT,
  UNIQUE (site_id, list_id, email_hash)
);
CREATE INDEX subscriptions_by_list ON subscriptions (site_id, list_id, status, id);
CREATE INDEX subscriptions_by_visitor ON subscriptions (site_id, visitor_id);

-- Double opt-in confirmation tokens: stored hashed, single use, expiring (R5.2, R6.8).
CREATE TABLE confirm_tokens (
  token_hash       TEXT PRIMARY KEY,
  site_id          TEXT NOT NULL,
  subscription_id  TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  used_at          TEXT
);
CREATE INDEX confirm_tokens_by_expiry ON confirm_tokens (expires_at);

-- Addresses that unsubscribed or were erased, per list, as a keyed hash only (R5.7).
CREATE TABLE suppressions (
  site_id     TEXT NOT NULL,
  list_id     TEXT NOT NULL,
  email_hash  TEXT NOT NULL,
  reason      TEXT NOT NULL,                      -- unsubscribe | erase
  created_at  TEXT NOT NULL,
  PRIMARY KEY (site_id, list_id, email_hash)
);

-- The email part of the proof ledger: every signup, confirmation, unsubscribe and erasure,
-- with the wording version. Addresses appear only as hashes.
CREATE TABLE subscription_events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id       TEXT NOT NULL,
  list_id       TEXT NOT NULL,
  email_hash    TEXT NOT NULL,
  kind          TEXT NOT NULL,                    -- signup | confirm | unsubscribe | erase
  text_version  TEXT,
  source        TEXT NOT NULL,                    -- preferences | email_link | one_click | api
  at            TEXT NOT NULL
);
CREATE INDEX subscription_events_by_address ON subscription_events (site_id, email_hash, seq);

-- The local outbox: what the development mailer "sends" (viewable at /dev/outbox).
CREATE TABLE outbox (
  id          TEXT PRIMARY KEY,
  site_id     TEXT NOT NULL,
  to_address  TEXT NOT NULL,
  from_address TEXT NOT NULL,
  subject     TEXT NOT NULL,
  headers     TEXT NOT NULL,                      -- JSON object
  text_body   TEXT NOT NULL,
  html_body   TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX outbox_by_time ON outbox (created_at);

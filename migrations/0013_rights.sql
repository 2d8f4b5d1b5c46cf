-- Privacy rights requests (R9.1–R9.9, worker/rights/): the request log, the links that verify
-- a requester's address and carry their download, and each request's history.
--
-- 1. `rights_requests`: one row per request (R9.5), whatever its type and channel: when it was
--    received, how it was verified, its deadlines (worker/rights/deadlines.ts, in the site's
--    time zone), its response date, outcome and denial basis. While it is open it holds the
--    address and the details the request needs; once closed they are cleared and only the
--    keyed hash of the address (worker/email/address.ts) stays, for the log and for the
--    once-a-year rule of Shine the Light. A closed row is kept until `retain_until` (24 months
--    after it closed), then the retention job deletes it with its events.
-- 2. `rights_links`: verification, download and new-address links. Only the SHA-256 of the
--    link's token is kept; a verification is used once (`used_at`) and expires.
-- 3. `rights_request_events`: the history of a request (received, verified, started, extended,
--    completed, denied, reminded), shown to the owner; deleted with the request.

CREATE TABLE rights_requests (
  id               TEXT PRIMARY KEY,                 -- rr_ + 24 hex
  site_id          TEXT NOT NULL,
  type             TEXT NOT NULL CHECK (type IN ('access', 'deletion', 'correction', 'opt_out', 'shine_the_light', 'minor_content_removal', 'child_data_deletion')),
  status           TEXT NOT NULL CHECK (status IN ('awaiting_verification', 'open', 'in_progress', 'completed', 'denied', 'not_verified')),
  channel          TEXT NOT NULL CHECK (channel IN ('web_form', 'api')),
  verification     TEXT NOT NULL CHECK (verification IN ('none', 'email')),
  locale           TEXT NOT NULL,
  email            TEXT,                             -- cleared when closed
  email_hash       TEXT,                             -- keyed hash; kept for the log
  details          TEXT,                             -- JSON; cleared when closed
  received_at      TEXT NOT NULL,
  verified_at      TEXT,
  acknowledge_by   TEXT,                             -- YYYY-MM-DD, site's time zone
  due_by           TEXT NOT NULL,                    -- YYYY-MM-DD
  extendable_to    TEXT,                             -- the longest extension the law allows
  extend_notice_by TEXT,                             -- an extension must be taken by then
  extended_to      TEXT,                             -- set when extended
  extension_reason TEXT,
  responded_at     TEXT,
  outcome          TEXT,
  denial_basis     TEXT,
  note             TEXT,
  reminded_at      TEXT,                             -- the owner was reminded of the due date
  overdue_at       TEXT,                             -- flagged overdue (and the owner told)
  retain_until     TEXT,                             -- set when closed
  mailed           INTEGER NOT NULL DEFAULT 0,       -- 1: a message went to the requester (the daily limits count these)
  origin           TEXT NOT NULL                     -- the Worker origin it was filed on: links in later messages
);
CREATE INDEX rights_requests_queue ON rights_requests (site_id, status, due_by);
CREATE INDEX rights_requests_received ON rights_requests (site_id, received_at, id);
CREATE INDEX rights_requests_by_address ON rights_requests (site_id, email_hash, type);
CREATE INDEX rights_requests_due ON rights_requests (status, due_by);
CREATE INDEX rights_requests_retention ON rights_requests (retain_until);

CREATE TABLE rights_links (
  token_hash   TEXT PRIMARY KEY,                     -- SHA-256 of the link's token
  request_id   TEXT NOT NULL,
  site_id      TEXT NOT NULL,
  purpose      TEXT NOT NULL CHECK (purpose IN ('verify', 'download', 'new_address')),
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT
);
CREATE INDEX rights_links_by_request ON rights_links (request_id);
CREATE INDEX rights_links_expiry ON rights_links (expires_at);

CREATE TABLE rights_request_events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id  TEXT NOT NULL,
  site_id     TEXT NOT NULL,
  at          TEXT NOT NULL,
  kind        TEXT NOT NULL,
  actor       TEXT NOT NULL,                         -- requester | assent | the owner's email
  note        TEXT
);
CREATE INDEX rights_request_events_by_request ON rights_request_events (request_id, seq);
CREATE INDEX rights_request_events_by_site ON rights_request_events (site_id, kind, at);

-- The console's `compliance` role (R9.5: the request log is read and worked only by the people
-- who answer requests): it reads what a viewer reads, and it reads and answers the site's rights
-- requests; only owners change configurations, keys, webhooks and members. SQLite cannot change
-- a CHECK constraint in place, so the table is rebuilt with its rows.
CREATE TABLE console_members_v2 (
  site_id     TEXT NOT NULL,
  email       TEXT NOT NULL,                      -- lower-cased
  role        TEXT NOT NULL CHECK (role IN ('owner', 'compliance', 'viewer')),
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,                      -- an email, or "cli" for `npm run sites`
  PRIMARY KEY (site_id, email)
);
INSERT INTO console_members_v2 (site_id, email, role, added_at, added_by) SELECT site_id, email, role, added_at, added_by FROM console_members;
DROP TABLE console_members;
ALTER TABLE console_members_v2 RENAME TO console_members;
CREATE INDEX console_members_by_email ON console_members (email);

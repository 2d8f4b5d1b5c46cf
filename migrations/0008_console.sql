-- The site owner's console (/console): who may use it for which site, how they signed in, and
-- what they changed.
--
-- 1. `console_members`: a person (their email address, lower-cased) and their role on one
--    site: `owner` changes configs, keys, webhooks and members; `viewer` reads. These are site
--    owners' staff, not visitors: the address is kept in clear, it is how they are shown.
-- 2. `console_links`: one-time sign-in links. Only the SHA-256 of the link's token is kept; a
--    link is used once (`used_at`) and expires ten minutes after it was made.
-- 3. `console_sessions`: a signed-in browser. Only the SHA-256 of the cookie's value is kept;
--    a session ends at `expires_at` or when revoked (sign-out, "sign out everywhere").
-- 4. `console_audit`: every change made through the console, and every sign-in and sign-out:
--    who, what, when, and the fingerprint (SHA-256 of canonical JSON) of the thing before and
--    after. Append-only: nothing updates or deletes its rows.

CREATE TABLE console_members (
  site_id     TEXT NOT NULL,
  email       TEXT NOT NULL,                      -- lower-cased
  role        TEXT NOT NULL CHECK (role IN ('owner', 'viewer')),
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,                      -- an email, or "cli" for `npm run sites`
  PRIMARY KEY (site_id, email)
);
CREATE INDEX console_members_by_email ON console_members (email);

CREATE TABLE console_links (
  token_hash  TEXT PRIMARY KEY,                   -- SHA-256 of the link's token
  email       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  used_at     TEXT
);
CREATE INDEX console_links_by_expiry ON console_links (expires_at);

CREATE TABLE console_sessions (
  id_hash     TEXT PRIMARY KEY,                   -- SHA-256 of the cookie's value
  email       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE INDEX console_sessions_by_email ON console_sessions (email);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

CREATE TABLE console_audit (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id     TEXT,                               -- NULL: not about one site (sign-in, sign-out)
  actor       TEXT NOT NULL,                      -- the signed-in email
  action      TEXT NOT NULL,                      -- e.g. "member.add", "session.sign_in"
  target      TEXT,                               -- what was changed (a member's email, a config version)
  before_fp   TEXT,                               -- fingerprint of the thing before; NULL if it did not exist
  after_fp    TEXT,                               -- fingerprint after; NULL if it was removed
  at          TEXT NOT NULL
);
CREATE INDEX console_audit_by_site ON console_audit (site_id, id);
CREATE INDEX console_audit_by_actor ON console_audit (actor, id);

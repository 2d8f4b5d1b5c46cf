-- Site owner API keys (R7.12): per site, stored as the SHA-256 of the secret only. The secret
-- (`ask_<base64url>`) is shown once by `npm run sites -- key create` and never kept.
CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,                 -- ak_<12 hex>, safe to show and log
  site_id       TEXT NOT NULL,
  key_hash      TEXT NOT NULL UNIQUE,             -- SHA-256 hex of the secret
  label         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  last_used_at  TEXT,                             -- updated at most once a minute
  revoked_at    TEXT                              -- a revoked key is refused like an unknown one
);
CREATE INDEX api_keys_by_site ON api_keys (site_id);

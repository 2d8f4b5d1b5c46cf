-- Drafts shown in the console's live preview (worker/console/preview.ts): the real widget,
-- in an iframe, rendering a configuration nobody has published. Only the SHA-256 of the
-- preview's id (in its URL) is kept; a preview lasts an hour, and only people with a role on
-- its site can open it. The retention job deletes them a day after they end.

CREATE TABLE console_previews (
  id_hash     TEXT PRIMARY KEY,
  site_id     TEXT NOT NULL,
  config      TEXT NOT NULL,                      -- the validated draft, normalized
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
CREATE INDEX console_previews_by_expiry ON console_previews (expires_at);

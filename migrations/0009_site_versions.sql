-- Every published site configuration, kept (issue #10: versions, diff, rollback).
--
-- A row per publish: the whole normalized document as written to SITES, its hash (SHA-256 of
-- canonical JSON, what "unchanged" and optimistic concurrency compare), its policy fingerprint
-- (what visitors' decisions are tied to), who published it and how: from the console, as a
-- rollback to an earlier version, with `npm run sites -- push`, or when a site was created.
-- Versions are numbered per site from 1 and never rewritten; a publish that could not reach
-- SITES is removed again, and the console's audit log says it failed.

CREATE TABLE site_versions (
  site_id       TEXT NOT NULL,
  version       INTEGER NOT NULL,
  config        TEXT NOT NULL,                    -- normalized JSON, as in SITES
  config_hash   TEXT NOT NULL,                    -- SHA-256 of its canonical JSON
  fingerprint   TEXT NOT NULL,                    -- the policy fingerprint (fp1-…)
  published_by  TEXT NOT NULL,                    -- an email, or "cli"
  published_at  TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('console', 'rollback', 'cli', 'create')),
  restored_from INTEGER,                          -- for a rollback: the version it restored
  PRIMARY KEY (site_id, version)
);

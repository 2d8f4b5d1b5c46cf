-- The last verification of each site's proof chain (#13), and the pass in progress (worker/proof/
-- verifications.ts). A pass walks the chain from position 1 a bounded number of entries per run
-- (the console's "Verify now", then the per-minute cron), so a chain of any length is verified
-- without one invocation running out of CPU; the daily cron starts a new pass for every site.
CREATE TABLE ledger_verifications (
  site_id  TEXT PRIMARY KEY,
  last     TEXT,                -- JSON: the last finished pass (holds, or the first break), null before one
  pass     TEXT,                -- JSON: the pass in progress (where it is, what it counted), null when none
  version  INTEGER NOT NULL     -- bumped by every write: a run writes only over what it read
);

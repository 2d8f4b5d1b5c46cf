-- The hot window of the proof ledger (#13, worker/proof/evict.ts). Once a sealed segment's day is
-- older than the window (LEDGER_HOT_DAYS, default 90) and no removal is waiting for its rewrite,
-- its rows and chain entries leave D1: the archive holds them, under the signed manifest. What
-- stays in D1 is this slim index, one row per archived ledger row still in the segment, so that a
-- visitor's receipts, an export, a rights request and the console's search find archived rows
-- (and read them from R2), and erasure and retention find the segments to rewrite. No salt, no
-- decision content: those are in the segment only.
--
-- `hot` = 1: the row is also still in `ledger`, because it was its visitor's latest decision and
-- had not expired when its segment left D1 (everything that reads a visitor's current decision
-- reads `ledger`). The daily step deletes that copy once a newer decision exists or it expires.
-- Times are integers (milliseconds and seconds since 1970) and the segment index has no site
-- column: an index row costs about half the bytes it would with ISO strings (docs/proof.md, Capacity).
CREATE TABLE ledger_archived (
  seq           INTEGER PRIMARY KEY,  -- the row's ledger seq (its version)
  site_id       TEXT NOT NULL,
  visitor_id    TEXT NOT NULL,
  receipt_id    TEXT NOT NULL UNIQUE,
  recorded_ms   INTEGER NOT NULL,     -- recorded_at, ms since 1970
  retain_s      INTEGER NOT NULL,     -- retain_until, s since 1970 (rounded down)
  seal_position INTEGER NOT NULL,     -- the first position of its segment (ledger_seals)
  hot           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ledger_archived_by_visitor ON ledger_archived (site_id, visitor_id, seq);
CREATE INDEX ledger_archived_by_time ON ledger_archived (site_id, recorded_ms, seq);
CREATE INDEX ledger_archived_by_retention ON ledger_archived (retain_s);
CREATE INDEX ledger_archived_by_seal ON ledger_archived (seal_position);
CREATE INDEX ledger_archived_hot ON ledger_archived (seq) WHERE hot = 1;

-- When a segment's entries left D1 (null: still in D1). The evicted segments of a site are always
-- its first ones: the chain in D1 starts after the last of them, from its head hash.
ALTER TABLE ledger_seals ADD COLUMN evicted_at TEXT;
CREATE INDEX ledger_seals_in_d1 ON ledger_seals (day) WHERE evicted_at IS NULL;

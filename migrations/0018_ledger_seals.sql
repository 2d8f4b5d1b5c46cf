-- Sealed segments of the proof ledger in R2 (#13, worker/proof/seal.ts). Once a day is over, the
-- sealing step writes each site's chain entries linked that day, with their rows, as gzipped JSON
-- Lines to the ARCHIVE bucket (`ledger/{site}/{yyyy}/{mm}/{dd}.jsonl.gz`; a day of more than
-- SEAL_PART_ENTRIES entries in parts, `{dd}.{n}.jsonl.gz`), beside a manifest signed with the
-- site's receipt key (`….manifest.jws`): the positions it covers, its entry count, the hash before
-- it and its head hash. One row here per segment: where it is, what its manifest says, and whether
-- an erasure or the retention job removed rows of it since it was written (`stale`, a counter the
-- resealing step clears once it rewrote the segment with tombstones), and when a verification last
-- checked it in full (the daily pass reads again only what changed since, or was last read 30 days ago).
CREATE TABLE ledger_seals (
  site_id        TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  last_position  INTEGER NOT NULL,
  day            TEXT NOT NULL,      -- yyyy-mm-dd (UTC) its entries were linked on
  part           INTEGER NOT NULL,   -- 1, 2 … within the day
  object_key     TEXT NOT NULL,      -- the segment in ARCHIVE
  entries        INTEGER NOT NULL,
  prev_hash      TEXT NOT NULL,      -- the hash before its first entry (hex; zeros before position 1)
  head_hash      TEXT NOT NULL,      -- the hash of its last entry
  manifest       TEXT NOT NULL,      -- the signed manifest (compact JWS), as put beside the segment
  sealed_at      TEXT NOT NULL,
  written_at     TEXT NOT NULL,      -- the segment's last (re)write
  stale          INTEGER NOT NULL DEFAULT 0,
  verified_at    TEXT,               -- when a verification last read and checked it in full
  emptied_at     TEXT,               -- when every row of it was removed and the segment deleted (its manifest stays)
  PRIMARY KEY (site_id, first_position)
);
CREATE UNIQUE INDEX ledger_seals_by_day ON ledger_seals (site_id, day, part);
CREATE INDEX ledger_seals_stale ON ledger_seals (stale) WHERE stale > 0;

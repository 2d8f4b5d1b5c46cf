-- The proof's hash chain, one per site (#13). A ledger row keeps a random salt (16 bytes, hex);
-- the chaining step (worker/proof/chaining.ts, every minute) takes the rows recorded since its
-- last run in their order (`seq`) and appends each to its site's chain: its row digest,
-- SHA-256(salt ‖ canonical row), and its link, SHA-256(previous hash ‖ row digest). Erasure and
-- retention delete a row (and its salt) and keep its entry, marked `removed`, so the chain still
-- verifies and nothing about the person remains (without the salt the digest cannot be reversed).
ALTER TABLE ledger ADD COLUMN salt TEXT;

CREATE TABLE ledger_chain (
  site_id     TEXT NOT NULL,
  position    INTEGER NOT NULL,   -- 1, 2, 3 … within the site, never reused
  receipt_id  TEXT NOT NULL UNIQUE,
  row_digest  TEXT NOT NULL,      -- hex
  hash        TEXT NOT NULL,      -- hex
  removed     TEXT,               -- 'erasure', 'retention', or 'before_link' (gone while being linked)
  removed_at  TEXT,
  linked_at   TEXT NOT NULL,
  PRIMARY KEY (site_id, position)
);

-- How far the chaining step has come: the last ledger `seq` it linked (rows recorded before this
-- migration are linked by its first runs, in their order).
CREATE TABLE ledger_chain_progress (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO ledger_chain_progress (id, last_seq) VALUES (1, 0);

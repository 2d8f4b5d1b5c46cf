/**
 * The chaining step (every minute, worker/scheduled/index.ts): takes the ledger rows recorded
 * since its last run, in their order (`seq`), and appends each to its site's chain with its row
 * digest and its link, hash = SHA-256(previous hash ‖ row digest).
 *
 * Why after the decision, not inside it (measured, docs/proof.md): D1 has no SHA-256, so a chain
 * advanced inside the decision's transaction needs the Worker to read the site's head first and
 * write conditionally, which serialises every decision of a site behind the one before; and even
 * an entry taken in the decision's transaction (its position, its digest) cost a fifth of the
 * decision throughput in `npm run bench`. Appending here costs a decision nothing but its salt,
 * and a row is linked at most about a minute after it was recorded.
 *
 * Safe to run twice at once: a run's batch first moves the progress from where it read it; a
 * second run reading the same rows writes the same positions and receipts, collides, and D1 rolls
 * its batch back. Rows recorded before the chain get their salt here, once.
 */
import { type LedgerRow, proofFieldsOfRow, rowsAfter, saltStatement } from "../consent/store/ledger";
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { GENESIS, linkHash, newSalt, rowDigest } from "./chain";
import { appendStatement, chainHead, chainProgress, progressStatement } from "./store";

/** Rows linked per D1 batch. */
export const LINKS_PER_BATCH = 200;

/** What one run linked. */
export interface ChainingRun {
  linked: number;
  /** True when rows were left for the next run (or another run moved the progress first). */
  backlog: boolean;
}

/** Links up to `maxRows` rows recorded since the last run. */
export async function linkPending(env: Env, maxRows: number, now = new Date()): Promise<ChainingRun> {
  const run: ChainingRun = { linked: 0, backlog: false };
  while (run.linked < maxRows) {
    const from = await chainProgress(env);
    const rows = await rowsAfter(env, from, Math.min(LINKS_PER_BATCH, maxRows - run.linked));
    if (rows.length === 0) return run;
    const statements = await appendRows(env, rows, now.toISOString());
    try {
      await runNamedBatch(env.LEDGER, "chain links", [["progress", [progressStatement(env, from, rows.at(-1)!.seq)]], ["links", statements]]);
    } catch (err) {
      // Another run linked these rows first (its entries hold the positions): leave the rest to it.
      if (await movedOn(env, from)) return { ...run, backlog: true };
      throw err;
    }
    run.linked += rows.length;
  }
  return { ...run, backlog: true };
}

/** True when the progress is no longer where this run read it. */
async function movedOn(env: Env, from: number): Promise<boolean> {
  return (await chainProgress(env)) !== from;
}

/** The statements that append `rows` (in `seq` order) to their sites' chains. */
async function appendRows(env: Env, rows: LedgerRow[], at: string): Promise<D1PreparedStatement[]> {
  const heads = new Map<string, { position: number; hash: string }>();
  const statements: D1PreparedStatement[] = [];
  for (const row of rows) {
    let head = heads.get(row.site_id);
    if (!head) {
      const stored = await chainHead(env, row.site_id);
      head = { position: stored?.position ?? 0, hash: stored?.hash ?? GENESIS };
    }
    let salt = row.salt;
    if (!salt) {
      salt = newSalt();
      statements.push(saltStatement(env, row.seq, salt));
    }
    const digest = rowDigest(salt, proofFieldsOfRow(row));
    const hash = linkHash(head.hash, digest);
    head = { position: head.position + 1, hash };
    heads.set(row.site_id, head);
    statements.push(appendStatement(env, row.site_id, head.position, row.receipt_id, digest, hash, at));
  }
  return statements;
}

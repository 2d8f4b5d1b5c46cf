/**
 * Verifying a site's hash chain: walks it from its first entry still in D1 (older ones left for
 * the archive, ./evict.ts, and are checked there) and names the first position where it no longer holds. Each entry is checked three ways:
 *
 * - its row, if the row is still there: the digest recomputed from the row and its salt must be
 *   the entry's (a changed field, or another row's content, breaks it);
 * - a row that is gone must have been removed on purpose (erasure or retention): a row deleted by
 *   hand breaks it;
 * - the link: SHA-256(previous hash ‖ digest) must be the entry's hash (two entries put in
 *   another order, or a replaced entry, break it), and positions run 1, 2, 3 … without a hole.
 *
 * Rows the chaining step has not reached yet (at most about a minute behind, ./chaining.ts) are
 * counted as pending; a row it has passed that has no entry was added by hand, and is reported.
 * The source is an interface so that the same walk runs in the Worker (D1) and in
 * `npm run ledger` (wrangler).
 */
import { proofFieldsOfRow, rowsByReceipt, rowsRecordedAfter } from "../consent/store/ledger";
import type { Env } from "../env";
import { evictedHead } from "./archive-store";
import { GENESIS, type ProofFields, linkHash, rowDigest } from "./chain";
import { type ChainEntry, chainProgress, entriesAfter, unchainedRows } from "./store";

/** Where the walk reads a chain and its rows. */
export interface ChainSource {
  /** Entries after `position`, in order, at most `limit`. */
  entries(position: number, limit: number): Promise<ChainEntry[]>;
  /** The rows still present among `receiptIds`, with their salts. */
  rows(receiptIds: string[]): Promise<Map<string, { salt: string | null; fields: ProofFields }>>;
  /** Receipt ids of rows the chaining step has passed that have no entry, at most `limit`. */
  unchained(limit: number): Promise<string[]>;
  /** How many of the site's rows the chaining step has not reached yet. */
  notLinked(): Promise<number>;
  /**
   * Where the chain still in D1 starts: the last entry that left it for the archive (its
   * position and hash, from the last evicted segment; the segments' walk checks those), or null.
   */
  start(): Promise<{ position: number; hash: string } | null>;
}

/** The first place the chain does not hold. */
export interface ChainBreak {
  position: number;
  receiptId: string | null;
  reason: "row_changed" | "row_missing" | "link_broken" | "position_missing" | "row_not_in_chain";
  detail: string;
}

/** The outcome of a walk. */
export interface Verification {
  ok: boolean;
  /** True when the walk reached the end of the chain (or a break); false when `maxEntries` stopped it first. */
  complete: boolean;
  /** The last position checked. */
  position: number;
  /** Entries checked (up to the break, if any). */
  checked: number;
  linked: number;
  /** Rows the chaining step has not linked yet. */
  pending: number;
  removed: number;
  /** The hash of the last linked entry: what a later seal or receipt can commit to. */
  head: string;
  broken: ChainBreak | null;
}

/** Entries read per page. */
const PAGE = 500;

/** Where a walk starts and how far it may go. */
export interface WalkOptions {
  /** Continue after this position, whose hash is `head` (a pass in progress); default: from the start. */
  from?: { position: number; head: string };
  /** Stop after this many entries, `complete: false`; default: no limit. */
  maxEntries?: number;
}

/**
 * Walks the chain (see the module comment), from its start or from where an earlier walk of the
 * same pass stopped. The counts are this walk's; the end checks (rows added by hand, rows not
 * linked yet) run only when it reaches the end.
 */
export async function verifyChain(source: ChainSource, options: WalkOptions = {}): Promise<Verification> {
  const max = options.maxEntries ?? Number.POSITIVE_INFINITY;
  let position = options.from?.position ?? 0;
  let head = options.from?.head ?? GENESIS;
  // Entries that left D1 for the archive are the segments' walk's (./verify-seals.ts).
  const start = await source.start();
  if (start && start.position > position) ({ position, hash: head } = start);
  const v: Verification = { ok: true, complete: true, position, checked: 0, linked: 0, pending: 0, removed: 0, head, broken: null };
  const fail = (b: ChainBreak) => ({ ...v, ok: false, position, broken: b });
  for (;;) {
    if (v.checked >= max) return { ...v, complete: false, position };
    const asked = Math.min(PAGE, max - v.checked);
    const entries = await source.entries(position, asked);
    if (entries.length === 0) break;
    const rows = await source.rows(entries.map((e) => e.receiptId));
    for (const e of entries) {
      if (e.position !== position + 1)
        return fail({ position: position + 1, receiptId: null, reason: "position_missing", detail: `position ${position + 1} is missing from the chain` });
      position = e.position;
      const row = rows.get(e.receiptId);
      if (row) {
        if (row.salt === null || rowDigest(row.salt, row.fields) !== e.rowDigest)
          return fail({ position, receiptId: e.receiptId, reason: "row_changed", detail: `the row at position ${position} (${e.receiptId}) does not match its digest: it was changed` });
      } else if (!e.removed) {
        return fail({ position, receiptId: e.receiptId, reason: "row_missing", detail: `the row at position ${position} (${e.receiptId}) is gone, and no erasure or retention removed it` });
      } else v.removed++;
      if (linkHash(v.head, e.rowDigest) !== e.hash)
        return fail({ position, receiptId: e.receiptId, reason: "link_broken", detail: `the link at position ${position} (${e.receiptId}) does not hold: entries were reordered or replaced` });
      v.head = e.hash;
      v.linked++;
      v.checked++;
    }
    // A short page is the chain's end: no read to find it empty.
    if (entries.length < asked) break;
  }
  v.position = position;
  const [stray] = await source.unchained(1);
  if (stray) return fail({ position: position + 1, receiptId: stray, reason: "row_not_in_chain", detail: `the row ${stray} is in the ledger but not in the chain: it was added by hand` });
  v.pending = await source.notLinked();
  return v;
}

/** A site's chain in this Worker's D1. */
export function d1ChainSource(env: Env, siteId: string): ChainSource {
  // The progress is read once, before the walk: rows linked while it runs count as pending.
  const progress = chainProgress(env);
  return {
    entries: (position, limit) => entriesAfter(env, siteId, position, limit),
    rows: async (ids) => new Map([...(await rowsByReceipt(env, siteId, ids))].map(([id, row]) => [id, { salt: row.salt, fields: proofFieldsOfRow(row) }])),
    unchained: async (limit) => unchainedRows(env, siteId, await progress, limit),
    notLinked: async () => rowsRecordedAfter(env, siteId, await progress),
    start: () => evictedHead(env, siteId),
  };
}

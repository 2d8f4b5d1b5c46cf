/**
 * Sealed segments in R2 (#13): once a UTC day is over, the sealing step (every minute, worker/
 * scheduled/index.ts) writes each site's chain entries linked that day, with their rows, to the
 * ARCHIVE bucket as a segment (./segments.ts says what a line holds), beside a manifest signed
 * with the site's receipt key, and records the segment in `ledger_seals`. A day of more than
 * SEAL_PART_ENTRIES entries is sealed in parts, so no run holds more than one part in memory.
 *
 * Before a stretch is sealed it is checked the way a verifier would check the segment (every
 * digest, every link): a stretch that does not hold is not sealed; the site's verification names
 * the break, and sealing resumes once it is resolved.
 *
 * Erasure and the retention job mark the segments holding the rows they remove as stale, in
 * their own transaction (./store.ts `removalStatements`); the resealing step (also every minute)
 * rewrites each stale segment with those lines replaced by tombstones, so the person's data is
 * gone from the archive at most about a minute after it is gone from D1. The manifest stays valid:
 * it commits to positions and hashes, which a tombstone keeps. A segment whose every row was
 * removed (the retention job's end of an evidence period) is deleted, its manifest kept.
 *
 * Once a segment's day is older than the hot window, its rows and entries leave D1 (./evict.ts);
 * the segment is then the only copy, and a rewrite takes its tombstones from the slim index of
 * archived rows (./archive-store.ts) instead of the chain's marks.
 *
 * Verifying the segments is ./verify-seals.ts.
 *
 * Two runs at once seal the same stretch at the same keys (the segment's bytes the same, the
 * manifests differing at most in `sealedAt`, which verification does not compare); the second
 * record of it in `ledger_seals` is refused by its primary key.
 */
import { type LedgerRow, proofFieldsOfRow, rowsByReceipt } from "../consent/store/ledger";
import type { Env } from "../env";
import { GENESIS } from "./chain";
import { receiptKeys } from "./receipt-keys";
import { signSiteJws } from "./site-jws";
import { SEAL_TYP, type SealClaims, type SegmentLine, checkSegment, decodeSegment, encodeSegment, manifestKey, segmentKey } from "./segments";
import { archivedInSeal } from "./archive-store";
import { type LinkedEntry, type Removal, type SealRow, insertSeal, lastSeal, linkedEntriesAfter, markResealed, markStale, nextPart, sitesToSeal, staleSeals } from "./store";

/** Entries in one segment at most (about 1 MB gzipped, 6 MB of JSON in memory while sealing). */
export const SEAL_PART_ENTRIES = 5000;
/** Entries one run seals at most, across sites. */
export const SEAL_ENTRIES_PER_RUN = 20_000;
/** Stale segments one run rewrites at most. */
export const RESEALS_PER_RUN = 20;

/** What one sealing run did. */
export interface SealingRun {
  segments: number;
  entries: number;
  /** Sites whose next stretch did not hold: not sealed (their verification names the break). */
  refused: string[];
}

/** Seals the days before `now`'s UTC day, up to `budget` entries, in segments of at most `partEntries`. */
export async function sealDays(env: Env, now: Date, { budget = SEAL_ENTRIES_PER_RUN, partEntries = SEAL_PART_ENTRIES } = {}): Promise<SealingRun> {
  const run: SealingRun = { segments: 0, entries: 0, refused: [] };
  const before = `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
  for (const siteId of await sitesToSeal(env, before, 100)) {
    while (run.entries < budget) {
      const sealed = await sealNext(env, siteId, before, now, partEntries);
      if (sealed === "refused") run.refused.push(siteId);
      if (typeof sealed !== "number" || sealed === 0) break;
      run.segments++;
      run.entries += sealed;
    }
    if (run.entries >= budget) break;
  }
  return run;
}

/** Seals a site's next stretch linked before `before`; the entries sealed, 0 for none. */
async function sealNext(env: Env, siteId: string, before: string, now: Date, partEntries: number): Promise<number | "refused"> {
  const last = await lastSeal(env, siteId);
  const entries = await linkedEntriesAfter(env, siteId, last?.last_position ?? 0, partEntries);
  if (entries.length === 0 || entries[0]!.linkedAt >= before) return 0;
  const day = entries[0]!.linkedAt.slice(0, 10);
  const end = entries.findIndex((e) => e.linkedAt.slice(0, 10) !== day);
  const stretch = end === -1 ? entries : entries.slice(0, end);
  const part = await nextPart(env, siteId, day);
  const object = segmentKey(siteId, day, part);
  const claims: SealClaims = {
    format: "assent-seal/1",
    site: siteId,
    day,
    part,
    object,
    entries: stretch.length,
    first: stretch[0]!.position,
    last: stretch.at(-1)!.position,
    prevHash: last?.head_hash ?? GENESIS,
    headHash: stretch.at(-1)!.hash,
    sealedAt: now.toISOString(),
  };
  // A row gone without a removal may have been erased between the two reads: read once more.
  const lines = (await stretchLines(env, siteId, stretch)) ?? (await stretchLines(env, siteId, await linkedEntriesAfter(env, siteId, claims.first - 1, stretch.length)));
  const broken = lines ? checkSegment(lines, claims, proofFieldsOfRow) : { position: claims.first, reason: "row_missing", detail: "a row is gone without a removal" };
  if (broken) {
    console.error(`proof seal of site ${siteId}: the stretch from position ${claims.first} does not hold at ${broken.position} (${broken.reason}); not sealed`);
    return "refused";
  }
  const manifest = await signManifest(env, claims);
  await putSegment(env, object, lines!);
  await env.ARCHIVE.put(manifestKey(object), manifest, { httpMetadata: { contentType: "application/jose" } });
  const at = now.toISOString();
  const recorded = await insertSeal(env, {
    site_id: siteId,
    first_position: claims.first,
    last_position: claims.last,
    day,
    part,
    object_key: object,
    entries: claims.entries,
    prev_hash: claims.prevHash,
    head_hash: claims.headHash,
    manifest,
    sealed_at: at,
    written_at: at,
  });
  // A row erased (or purged) after this run read it and before the record above existed found
  // no segment to mark stale: look again now, and leave the rewrite to the resealing step.
  if (recorded) {
    const rowsSealed = new Set(lines!.flatMap((l) => ("row" in l ? [l.position] : [])));
    const since = await linkedEntriesAfter(env, siteId, claims.first - 1, claims.entries);
    if (since.some((e) => e.removed && rowsSealed.has(e.position))) await markStale(env, siteId, claims.first);
  }
  return stretch.length;
}

/** The lines of a stretch of entries, with their rows read from D1 (see `linesOf`). */
async function stretchLines(env: Env, siteId: string, entries: LinkedEntry[]): Promise<SegmentLine[] | null> {
  return linesOf(entries, await rowsByReceipt(env, siteId, entries.filter((e) => !e.removed).map((e) => e.receiptId)));
}

/** A segment's lines from chain entries and the rows still in D1; null when a row is gone without a removal. */
function linesOf(entries: LinkedEntry[], rows: Map<string, LedgerRow>): SegmentLine[] | null {
  const lines: SegmentLine[] = [];
  for (const e of entries) {
    const row = e.removed ? undefined : rows.get(e.receiptId);
    if (row) lines.push({ position: e.position, rowDigest: e.rowDigest, hash: e.hash, row });
    else if (e.removed) lines.push({ position: e.position, rowDigest: e.rowDigest, hash: e.hash, removed: e.removed });
    else return null;
  }
  return lines;
}

async function putSegment(env: Env, object: string, lines: SegmentLine[]): Promise<void> {
  await env.ARCHIVE.put(object, await encodeSegment(lines), { httpMetadata: { contentType: "application/gzip" } });
}

/** The manifest: a compact JWS (EdDSA, the site's current receipt key, `typ` assent-seal). */
async function signManifest(env: Env, claims: SealClaims): Promise<string> {
  const [current] = await receiptKeys(env, claims.site);
  return signSiteJws(current!, SEAL_TYP, claims);
}

/**
 * Rewrites the stale segments (rows of them removed since they were written), up to `limit`:
 * each line whose entry is now marked removed becomes a tombstone; the rest stay as archived;
 * a segment of tombstones only is deleted. Returns how many segments were rewritten or deleted.
 */
export async function resealStale(env: Env, now: Date, limit = RESEALS_PER_RUN): Promise<number> {
  let rewritten = 0;
  for (const seal of await staleSeals(env, limit)) {
    const lines = seal.evicted_at ? await evictedLines(env, seal, now) : await linesInD1(env, seal);
    if (!lines) {
      console.error(`proof seal of site ${seal.site_id}: segment ${seal.object_key} cannot be rewritten (${seal.evicted_at ? "it is gone or unreadable, and its rows left D1" : "a row is gone without a removal"})`);
      continue;
    }
    // Every row removed: nothing is left to archive but the chain's hashes, which D1 and the
    // manifest keep; the segment goes (retention's "whole segments past their evidence period").
    const emptied = lines.every((l) => "removed" in l);
    if (emptied) await env.ARCHIVE.delete(seal.object_key);
    else await putSegment(env, seal.object_key, lines);
    if (await markResealed(env, seal, now.toISOString(), emptied)) rewritten++;
  }
  return rewritten;
}

/** The archived segment's lines, or null when it is gone or unreadable. */
async function archivedLines(env: Env, key: string): Promise<SegmentLine[] | null> {
  const archived = await env.ARCHIVE.get(key);
  if (!archived) return null;
  try {
    return (await decodeSegment(await archived.arrayBuffer())) as SegmentLine[];
  } catch {
    return null;
  }
}

/** A segment still in D1, rewritten: a tombstone where the entry is now marked removed. */
async function linesInD1(env: Env, seal: SealRow): Promise<SegmentLine[] | null> {
  const entries = await linkedEntriesAfter(env, seal.site_id, seal.first_position - 1, seal.entries);
  const removed = new Map(entries.filter((e) => e.removed).map((e) => [e.position, e]));
  const lines = (await archivedLines(env, seal.object_key))?.map((line) => {
    const gone = removed.get(line.position);
    return gone ? tombstone(line, gone.removed!) : line;
  });
  // A segment gone or unreadable is written again from D1, which still holds every entry.
  return lines ?? (await stretchLines(env, seal.site_id, entries));
}

/**
 * A segment whose rows left D1 (./evict.ts), rewritten: a tombstone for each row the index no
 * longer holds (erased, or past its retention: the reason is told by its `retain_until`).
 * Null when the segment is gone or unreadable: D1 no longer holds the rows to write it again.
 */
async function evictedLines(env: Env, seal: SealRow, now: Date): Promise<SegmentLine[] | null> {
  const kept = await archivedInSeal(env, seal.site_id, seal.first_position);
  const at = now.toISOString();
  return (await archivedLines(env, seal.object_key))?.map((line) =>
    "row" in line && !kept.has(line.row.receipt_id) ? tombstone(line, line.row.retain_until < at ? "retention" : "erasure") : line,
  ) ?? null;
}

const tombstone = (line: SegmentLine, removed: Removal): SegmentLine => ({ position: line.position, rowDigest: line.rowDigest, hash: line.hash, removed });

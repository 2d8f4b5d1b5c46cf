/**
 * Verifying a site's sealed segments (#13; ./seal.ts writes them): walks them in order and checks
 * each one (`checkSeal`), naming the first position where the archive does not hold. The source
 * is an interface, like the chain's walk (./verify.ts), so the same walk runs in the Worker (D1
 * and R2) and in `npm run ledger -- verify` (wrangler).
 */
import { type JSONWebKeySet, createLocalJWKSet } from "jose";
import { proofFieldsOfRow } from "../consent/store/ledger";
import type { Env } from "../env";
import { type ArchivedEntry, archivedEntries } from "./archive-store";
import { GENESIS } from "./chain";
import { receiptJwks } from "./receipt-keys";
import { openSiteJws } from "./site-jws";
import { SEAL_TYP, type SealClaims, type SegmentBreak, type SegmentLine, checkSegment, decodeSegment, digestOfRow, manifestKey } from "./segments";
import { type ChainEntry, type SealRow, linkedEntriesAfter, markVerified, sealsAfter } from "./store";

/** Where the walk reads a site's segments. */
export interface SealSource {
  /** The site's segments as recorded, after `position` (by first position), in order, at most `limit`. */
  seals(position: number, limit: number): Promise<SealRow[]>;
  /** An object of the archive, or null when it is not there. */
  object(key: string): Promise<Uint8Array<ArrayBuffer> | null>;
  /** The chain's entries `first`…`first + count - 1` still in D1 (none once they left it). */
  entries(first: number, count: number): Promise<ChainEntry[]>;
  /**
   * The index entries (./archive-store.ts) of a segment whose rows left D1, each with its row in
   * D1 when it is a hot copy (./evict.ts).
   */
  archived(seal: SealRow): Promise<ArchivedEntry[]>;
  /** The site's JWK Set (read once a segment is there to check). */
  keys(): Promise<JSONWebKeySet>;
  /** Records that a segment was checked in full (the Worker's passes; the CLI records nothing). */
  verified?(seal: SealRow): Promise<void>;
}

/** Why a site's segments do not hold, by chain position. */
export interface SealBreak {
  position: number;
  reason: SegmentBreak["reason"] | "seal_missing" | "manifest_missing" | "manifest_invalid" | "segment_missing" | "chain_mismatch" | "row_missing";
  detail: string;
}

/** The outcome of a walk over a site's segments. */
export interface SealWalk {
  ok: boolean;
  complete: boolean;
  /** The last position of the last segment checked, and its head hash. */
  position: number;
  head: string;
  /** Segments walked, and of those the ones read and checked in full (the rest were checked recently). */
  segments: number;
  readInFull: number;
  /** Entries in the segments walked. */
  entries: number;
  /** What the walk cost against `maxEntries`: the entries of segments read, and 1 for each one not read. */
  cost: number;
  broken: SealBreak | null;
}

/** Where a walk starts, how far it may go, and which segments it may take as checked. */
export interface SealWalkOptions {
  from?: { position: number; head: string };
  maxEntries?: number;
  /**
   * Segments checked in full at or after this time (ISO), and not rewritten since, are taken as
   * checked: only their place in the sequence is (their first position, the hash before them).
   * Default: every segment is read.
   */
  recheckBefore?: string;
}

/** Segments read per page. */
const SEAL_PAGE = 20;

/**
 * Walks a site's segments in order and checks each: it follows the one before it without a gap
 * (its first position, the hash before it); its manifest in the archive verifies with the site's
 * JWK Set and states what `ledger_seals` records; its segment is there and holds (./segments.ts
 * `checkSegment`), or was deleted because every row of it was removed; and, while D1 holds its
 * entries, it is the same stretch as the chain there.
 * From a pass's position, at most about `maxEntries` entries; see `SealWalkOptions.recheckBefore`
 * for the segments it may take as checked.
 */
export async function verifySeals(source: SealSource, options: SealWalkOptions = {}): Promise<SealWalk> {
  const max = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const walk: SealWalk = { ok: true, complete: true, position: options.from?.position ?? 0, head: options.from?.head ?? GENESIS, segments: 0, readInFull: 0, entries: 0, cost: 0, broken: null };
  let jwks: ReturnType<typeof createLocalJWKSet> | undefined;
  const fail = (b: SealBreak): SealWalk => ({ ...walk, ok: false, broken: b });
  const recent = (seal: SealRow) => !!options.recheckBefore && !!seal.verified_at && seal.verified_at >= options.recheckBefore && seal.written_at <= seal.verified_at;
  for (;;) {
    if (walk.cost >= max) return { ...walk, complete: false };
    const seals = await source.seals(walk.position, SEAL_PAGE);
    if (seals.length === 0) return walk;
    for (const seal of seals) {
      let broken: SealBreak | null;
      if (recent(seal)) {
        broken = placeOf(seal, walk);
        walk.cost += 1;
      } else {
        jwks ??= createLocalJWKSet(await source.keys());
        broken = await checkSeal(source, seal, walk, jwks);
        if (!broken) await source.verified?.(seal);
        walk.readInFull++;
        walk.cost += seal.entries;
      }
      if (broken) return fail(broken);
      walk.position = seal.last_position;
      walk.head = seal.head_hash;
      walk.segments++;
      walk.entries += seal.entries;
      if (walk.cost >= max) return { ...walk, complete: false };
    }
    // A short page is the last one: no read to find the next empty.
    if (seals.length < SEAL_PAGE) return walk;
  }
}

/** A segment's place in the sequence: right after the one before, from its head hash. */
function placeOf(seal: SealRow, walk: SealWalk): SealBreak | null {
  if (seal.first_position !== walk.position + 1)
    return { position: walk.position + 1, reason: "seal_missing", detail: `no segment holds position ${walk.position + 1}: the one after it starts at ${seal.first_position}` };
  if (seal.prev_hash !== walk.head) return { position: seal.first_position, reason: "link_broken", detail: `the segment ${seal.object_key} does not follow the one before it` };
  return null;
}

async function checkSeal(source: SealSource, seal: SealRow, walk: SealWalk, jwks: ReturnType<typeof createLocalJWKSet>): Promise<SealBreak | null> {
  const first = seal.first_position;
  const misplaced = placeOf(seal, walk);
  if (misplaced?.reason === "seal_missing") return misplaced;
  const manifestObject = await source.object(manifestKey(seal.object_key));
  if (!manifestObject) return { position: first, reason: "manifest_missing", detail: `the manifest of ${seal.object_key} is not in the archive` };
  const opened = await openSiteJws(new TextDecoder().decode(manifestObject), jwks, SEAL_TYP);
  if (!opened.ok) return { position: first, reason: "manifest_invalid", detail: `the manifest of ${seal.object_key} does not verify with the site's keys (${opened.detail}): it was replaced or changed` };
  if (typeof opened.payload !== "object" || opened.payload === null) return { position: first, reason: "manifest_invalid", detail: `the manifest of ${seal.object_key} states nothing` };
  const claims = opened.payload as SealClaims;
  const expected = { site: seal.site_id, object: seal.object_key, entries: seal.entries, first, last: seal.last_position, prevHash: seal.prev_hash, headHash: seal.head_hash };
  const differs = (Object.keys(expected) as (keyof typeof expected)[]).find((k) => claims[k] !== expected[k]);
  if (differs) return { position: first, reason: "manifest_invalid", detail: `the manifest of ${seal.object_key} states another ${differs} than the segment it sits beside` };
  if (misplaced) return misplaced;
  if (seal.emptied_at) return emptiedHolds(source, seal);
  const segment = await source.object(seal.object_key);
  if (!segment) return { position: first, reason: "segment_missing", detail: `the segment ${seal.object_key} is not in the archive` };
  let lines: unknown[];
  try {
    lines = await decodeSegment(segment);
  } catch {
    return { position: first, reason: "segment_unreadable", detail: `the segment ${seal.object_key} is not gzipped JSON Lines` };
  }
  const broken = checkSegment(lines, claims, proofFieldsOfRow);
  if (broken) return { ...broken, detail: `${broken.detail} (${seal.object_key})` };
  if (seal.evicted_at) return archivedHold(source, seal, lines as SegmentLine[]);
  // While D1 still holds the stretch's entries, the segment must be the same stretch: the same
  // hashes, and a tombstone only where the entry was removed on purpose (a row turned into a
  // tombstone by hand would otherwise still link).
  const inD1 = new Map((await source.entries(first, seal.entries)).map((e) => [e.position, e]));
  for (const line of lines as SegmentLine[]) {
    const entry = inD1.get(line.position);
    if (!entry) continue;
    if (entry.hash !== line.hash) return { position: line.position, reason: "chain_mismatch", detail: `the segment ${seal.object_key} holds another entry at position ${line.position} than the chain in D1` };
    if ("removed" in line && !entry.removed) return { position: line.position, reason: "row_missing", detail: `the row at position ${line.position} is gone from ${seal.object_key}, and no erasure or retention removed it` };
  }
  return null;
}

/**
 * A segment whose rows left D1: every row the index still lists must be in it (a row dropped
 * from the archive, or turned into a tombstone, by hand breaks it), and every hot copy in D1 must
 * be the archived row (its digest recomputed from the copy).
 */
async function archivedHold(source: SealSource, seal: SealRow, lines: SegmentLine[]): Promise<SealBreak | null> {
  const rows = new Map(lines.flatMap((l) => ("row" in l ? [[l.row.receipt_id, l] as const] : [])));
  for (const entry of await source.archived(seal)) {
    const line = rows.get(entry.receiptId);
    if (!line) return { position: seal.first_position, reason: "row_missing", detail: `the row ${entry.receiptId} is gone from ${seal.object_key}, and no erasure or retention removed it` };
    if (entry.hotRow && digestOfRow(entry.hotRow, proofFieldsOfRow) !== line.rowDigest) return { position: line.position, reason: "row_changed", detail: `the row at position ${line.position} (${entry.receiptId}) in D1 is not the one archived in ${seal.object_key}: it was changed` };
  }
  return null;
}

/**
 * A segment deleted because every row of it was removed: its manifest (checked above) pins the
 * stretch's hashes; while D1 still holds the entries, each must be marked removed and the last
 * must end on the manifest's head hash.
 */
async function emptiedHolds(source: SealSource, seal: SealRow): Promise<SealBreak | null> {
  const [listed] = seal.evicted_at ? await source.archived(seal) : [];
  if (listed) return { position: seal.first_position, reason: "segment_missing", detail: `the segment ${seal.object_key} was deleted as emptied, but the row ${listed.receiptId} was never removed` };
  const entries = await source.entries(seal.first_position, seal.entries);
  const kept = entries.find((e) => !e.removed);
  if (kept) return { position: kept.position, reason: "segment_missing", detail: `the segment ${seal.object_key} was deleted as emptied, but the row at position ${kept.position} was never removed` };
  const last = entries.at(-1);
  if (last && last.position === seal.last_position && last.hash !== seal.head_hash)
    return { position: last.position, reason: "chain_mismatch", detail: `the chain in D1 ends the emptied segment ${seal.object_key} on another hash than its manifest` };
  return null;
}

/** A site's segments in this Worker's D1 and ARCHIVE. */
export function d1SealSource(env: Env, siteId: string): SealSource {
  return {
    seals: (position, limit) => sealsAfter(env, siteId, position, limit),
    object: async (key) => {
      const object = await env.ARCHIVE.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    entries: (first, count) => linkedEntriesAfter(env, siteId, first - 1, count),
    archived: (seal) => archivedEntries(env, siteId, seal.first_position),
    keys: () => receiptJwks(env, siteId),
    verified: (seal) => markVerified(env, seal, new Date().toISOString()),
  };
}

/**
 * Sealed segments of the proof ledger (#13), as pure functions shared by the Worker's sealing
 * step (./seal.ts), its verification and the `npm run ledger` CLI: where a segment lives, what one
 * line of it holds, its gzip encoding, the signed manifest's claims, and the check that a
 * segment is the stretch of chain its manifest says it is.
 *
 * A segment is one site's chain entries linked on one UTC day (a big day in parts), in position
 * order, one JSON object a line:
 *
 * - `{"position", "rowDigest", "hash", "row": {…}}`: the ledger row as stored, with its salt, so
 *   anyone holding the segment can recompute the digest and every link;
 * - `{"position", "rowDigest", "hash", "removed": "erasure" | "retention" | "before_link"}`: a
 *   tombstone, the entry of a row that was removed on purpose. The digest and the link stay, so
 *   the segment still verifies; nothing about the person does.
 *
 * The manifest commits to the stretch of chain (its positions, its count, the hash before it and
 * its head hash), not to the segment's bytes: rewriting a segment with tombstones after an
 * erasure changes its bytes and keeps its manifest valid.
 */
import type { LedgerRow } from "../consent/store/ledger-row";
import { type ProofFields, linkHash, rowDigest } from "./chain";
import type { Removal } from "./store";

/** The `typ` header of a segment's manifest. */
export const SEAL_TYP = "assent-seal";

/** One line of a segment. */
export type SegmentLine =
  | { position: number; rowDigest: string; hash: string; row: LedgerRow }
  | { position: number; rowDigest: string; hash: string; removed: Removal };

/** What a segment's manifest states (the payload of its compact JWS). */
export interface SealClaims {
  format: "assent-seal/1";
  site: string;
  /** The UTC day its entries were linked on, yyyy-mm-dd. */
  day: string;
  /** 1, 2 … within the day. */
  part: number;
  /** The segment's key in the archive. */
  object: string;
  entries: number;
  first: number;
  last: number;
  /** The hash before the first entry (zeros before position 1). */
  prevHash: string;
  /** The hash of the last entry. */
  headHash: string;
  sealedAt: string;
}

/** The segment's key: `ledger/{site}/{yyyy}/{mm}/{dd}.jsonl.gz`, `{dd}.{n}.jsonl.gz` for part n ≥ 2. */
export function segmentKey(siteId: string, day: string, part: number): string {
  const [y, m, d] = day.split("-");
  return `ledger/${siteId}/${y}/${m}/${d}${part > 1 ? `.${part}` : ""}.jsonl.gz`;
}

/** The manifest's key beside its segment: `….manifest.jws`. */
export function manifestKey(segment: string): string {
  return segment.replace(/\.jsonl\.gz$/, ".manifest.jws");
}

const encoder = new TextEncoder();

/** The segment's bytes: its lines as JSON Lines, gzipped. */
export async function encodeSegment(lines: SegmentLine[]): Promise<Uint8Array<ArrayBuffer>> {
  const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  const stream = new Blob([encoder.encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A segment's JSON Lines text from its bytes; throws when they are not gzip. */
export async function decodeText(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

/** A segment's lines from its bytes; throws when they are not gzipped JSON Lines. */
export async function decodeSegment(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<unknown[]> {
  const text = await decodeText(bytes);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * The digest a ledger row's salt and content give (./chain.ts `rowDigest`), or null when it has
 * no salt or its content is not a row's any more: what every check of a row against its entry
 * (a segment's line, a hot copy, the CLI's receipt lookup) compares.
 */
export function digestOfRow(row: LedgerRow, fieldsOf: (row: LedgerRow) => ProofFields): string | null {
  try {
    return row.salt ? rowDigest(row.salt, fieldsOf(row)) : null;
  } catch {
    return null;
  }
}

/** Where a segment does not hold, by chain position. */
export interface SegmentBreak {
  position: number;
  reason: "row_changed" | "link_broken" | "position_missing" | "segment_unreadable";
  detail: string;
}

/**
 * Checks a segment's lines against its manifest's claims: positions `first`…`last` one a line
 * and in order, each present row's digest recomputed from its salt and content, each link from
 * `prevHash`, and the last hash equal to `headHash`. Returns the first break, or null.
 */
export function checkSegment(lines: unknown[], claims: Pick<SealClaims, "entries" | "first" | "last" | "prevHash" | "headHash">, fieldsOf: (row: LedgerRow) => ProofFields): SegmentBreak | null {
  let previous = claims.prevHash;
  let position = claims.first - 1;
  for (const raw of lines) {
    const line = raw as Partial<SegmentLine> & { row?: LedgerRow; removed?: string };
    const at = position + 1;
    if (at > claims.last) return { position: at, reason: "segment_unreadable", detail: `the segment has more lines than its manifest's ${claims.entries} entries` };
    if (typeof line !== "object" || line === null || typeof line.rowDigest !== "string" || typeof line.hash !== "string")
      return { position: at, reason: "segment_unreadable", detail: `the line for position ${at} is not an entry` };
    if (line.position !== at) return { position: at, reason: "position_missing", detail: `position ${at} is missing from the segment` };
    position = at;
    if (line.row) {
      if (digestOfRow(line.row, fieldsOf) !== line.rowDigest) return { position, reason: "row_changed", detail: `the archived row at position ${position} does not match its digest: it was changed` };
    } else if (!line.removed) return { position, reason: "segment_unreadable", detail: `the line for position ${position} has neither a row nor a removal` };
    let hash: string;
    try {
      hash = linkHash(previous, line.rowDigest);
    } catch {
      return { position, reason: "link_broken", detail: `the digest at position ${position} is not a digest` };
    }
    if (hash !== line.hash) return { position, reason: "link_broken", detail: `the link at position ${position} of the segment does not hold: entries were reordered or replaced` };
    previous = hash;
  }
  if (position < claims.last) return { position: position + 1, reason: "position_missing", detail: `the segment ends at position ${position}; its manifest says ${claims.last}` };
  if (previous !== claims.headHash) return { position, reason: "link_broken", detail: `the segment's last hash is not its manifest's head hash` };
  return null;
}

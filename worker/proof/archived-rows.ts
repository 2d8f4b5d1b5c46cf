/**
 * Reading ledger rows that left D1 back from their sealed segments in the archive (#13): what
 * `/me/receipts`, the visitor's export, a rights request's access and the console's search and
 * export do for rows older than the hot window (./archive-store.ts finds them). Each segment
 * needed is read once per call; only the lines naming a wanted receipt are parsed.
 */
import type { LedgerRow } from "../consent/store/ledger-row";
import type { Env } from "../env";
import { StorageError, storage } from "../lib/errors";
import type { ArchivedRef } from "./archive-store";
import { decodeText } from "./segments";

/**
 * Archived segments one page of a visitor's receipts or of the console's search reads at most: a
 * segment is a day of the site's ledger, up to about a megabyte, and on a quiet site a page of
 * rows can span years, a day a row. A long history takes more pages, never one long read. (An
 * export, which reads everything anyway, has no cap.)
 */
export const PAGE_SEGMENTS = 8;

/**
 * How many of `items`, in reading order, a page takes within `maxSegments` segments: counting the
 * segments in `seen` and adding those it takes. An item with no segment (a row still in D1) costs
 * none. With `seen` empty the first item always fits, so every page moves on.
 */
export function withinSegments<T>(items: T[], segmentOf: (item: T) => string | null, maxSegments: number, seen = new Set<string>()): number {
  let taken = 0;
  for (const item of items) {
    const key = segmentOf(item);
    if (key !== null && !seen.has(key)) {
      if (seen.size >= maxSegments) break;
      seen.add(key);
    }
    taken++;
  }
  return taken;
}

/** A row's own receipt id in a segment's line (`"prev_receipt_id"` does not match: no quote before `receipt_id`). */
const RECEIPT_FIELD = /"receipt_id":"([^"]+)"/;

/**
 * The segment a reader decoded last, handed to its next call: pages read in time order start in
 * the segment the previous one ended in (a busy day is one segment of up to 5,000 rows), which is
 * then not fetched and gunzipped again. One segment, so a long read holds no more than one.
 */
export interface LastSegment {
  key?: string;
  text?: string;
}

/**
 * The rows `refs` point to, by receipt id. A segment that is gone or unreadable, or a row the
 * index has but its segment does not, is a storage fault (503 with Retry-After): the caller never
 * answers as if the decision had not been made. The verification names the break.
 */
export async function readArchivedRows(env: Env, refs: ArchivedRef[], last: LastSegment = {}): Promise<Map<string, LedgerRow>> {
  const byObject = new Map<string, Map<string, ArchivedRef>>();
  for (const ref of refs) {
    const wanted = byObject.get(ref.objectKey) ?? new Map<string, ArchivedRef>();
    wanted.set(ref.receiptId, ref);
    byObject.set(ref.objectKey, wanted);
  }
  const rows = new Map<string, LedgerRow>();
  for (const [key, wanted] of byObject) {
    const text = last.key === key ? last.text! : await segmentText(env, key);
    Object.assign(last, { key, text });
    try {
      for (const line of text.split("\n")) {
        // Only the lines of wanted rows are parsed (a receipt id is a plain token; a tombstone has none).
        const id = RECEIPT_FIELD.exec(line)?.[1];
        const ref = id ? wanted.get(id) : undefined;
        if (!ref) continue;
        const row = (JSON.parse(line) as { row?: LedgerRow }).row;
        // The row the index points to, not a line that merely names it.
        if (row?.receipt_id === ref.receiptId && row.seq === ref.seq) rows.set(ref.receiptId, row);
      }
    } catch (err) {
      throw new StorageError("archive read", err);
    }
    const missing = [...wanted.keys()].find((id) => !rows.has(id));
    if (missing) throw new StorageError("archive read", new Error(`segment ${key} does not hold ${missing}`));
  }
  return rows;
}

/** A segment's text, gunzipped; gone or unreadable is a storage fault. */
async function segmentText(env: Env, key: string): Promise<string> {
  const object = await storage("archive read", () => env.ARCHIVE.get(key));
  if (!object) throw new StorageError("archive read", new Error(`segment ${key} is not in the archive`));
  try {
    return await decodeText(await object.arrayBuffer());
  } catch (err) {
    throw new StorageError("archive read", err);
  }
}

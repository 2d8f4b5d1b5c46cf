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

/** A row's own receipt id in a segment's line (`"prev_receipt_id"` does not match: no quote before `receipt_id`). */
const RECEIPT_FIELD = /"receipt_id":"([^"]+)"/;

/**
 * The rows `refs` point to, by receipt id. A segment that is gone or unreadable, or a row the
 * index has but its segment does not, is a storage fault (503 with Retry-After): the caller never
 * answers as if the decision had not been made. The verification names the break.
 */
export async function readArchivedRows(env: Env, refs: ArchivedRef[]): Promise<Map<string, LedgerRow>> {
  const byObject = new Map<string, Map<string, ArchivedRef>>();
  for (const ref of refs) {
    const wanted = byObject.get(ref.objectKey) ?? new Map<string, ArchivedRef>();
    wanted.set(ref.receiptId, ref);
    byObject.set(ref.objectKey, wanted);
  }
  const rows = new Map<string, LedgerRow>();
  for (const [key, wanted] of byObject) {
    const object = await storage("archive read", () => env.ARCHIVE.get(key));
    if (!object) throw new StorageError("archive read", new Error(`segment ${key} is not in the archive`));
    try {
      const text = await decodeText(await object.arrayBuffer());
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

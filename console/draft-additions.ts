/**
 * Storage entries on their way from a compliance scan's suggestions to the configuration
 * page's draft. The scans page queues them and opens the configuration page; that page, when it
 * builds its draft from the live configuration, takes them and adds each to its category's
 * `storage` list. Nothing is written: the draft is the page's own, checked and published (or
 * discarded) as any edit is. The queue lives in memory, for one navigation: a reload drops it,
 * as it drops an unpublished draft.
 */
import type { ScanSuggestion } from "../worker/contract";

/** A suggested `storage` entry, as a category of the configuration holds it. */
export type StorageEntry = NonNullable<ScanSuggestion["storage"]>;

/** Entries for one site's draft, by category id, and where they come from (for the page's status). */
export interface DraftAdditions {
  siteId: string;
  source: string;
  storage: Record<string, StorageEntry[]>;
}

/** What adding did. */
export interface AdditionResult {
  added: { category: string; name: string }[];
  /** Entries whose category already lists the same name and type. */
  present: { category: string; name: string }[];
  /** Categories the draft does not have: their entries are left out. */
  missing: string[];
}

let pending: DraftAdditions | null = null;

/** Queues entries for the next configuration draft of `additions.siteId` (replacing any queued). */
export function queueDraftAdditions(additions: DraftAdditions): void {
  pending = additions;
}

/** The entries queued for `siteId`, taken (they are added once), or null. */
export function takeDraftAdditions(siteId: string): DraftAdditions | null {
  if (!pending || pending.siteId !== siteId) return null;
  const taken = pending;
  pending = null;
  return taken;
}

/** Adds the entries to a configuration draft in place (see AdditionResult). */
export function addStorageEntries(draft: Record<string, unknown>, storage: DraftAdditions["storage"]): AdditionResult {
  const result: AdditionResult = { added: [], present: [], missing: [] };
  const categories = Array.isArray(draft.categories) ? (draft.categories as Record<string, unknown>[]) : [];
  for (const [id, entries] of Object.entries(storage)) {
    const category = categories.find((c) => c && c.id === id);
    if (!category) {
      result.missing.push(id);
      continue;
    }
    const list = Array.isArray(category.storage) ? (category.storage as Record<string, unknown>[]) : (category.storage = []);
    for (const entry of entries) {
      if (list.some((s) => s.name === entry.name && s.type === entry.type)) result.present.push({ category: id, name: entry.name });
      else {
        list.push({ ...entry });
        result.added.push({ category: id, name: entry.name });
      }
    }
  }
  return result;
}

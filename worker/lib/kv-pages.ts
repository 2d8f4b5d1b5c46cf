/**
 * Walking the keys under one KV prefix a page at a time, within a budget of KV operations
 * (R6.5, R6.6). Off the hot path only: admin jobs such as erasing every visitor of a site
 * (worker/consent/bulk-erasure.ts), never a visitor's request (R6.9).
 *
 * What KV's `list()` requires, and why the walk is written this way:
 *
 * - a page holds at most 1,000 keys, and **may be empty while more remain** (`keys: []` with
 *   `list_complete: false`): only `list_complete` says the walk is over, never an empty page;
 * - the **same prefix goes with every call**: a cursor alone does not restrict the keys to it;
 * - an invocation may issue at most 1,000 KV operations, lists included. The walk takes one
 *   from a `KvBudget` for every list call, and before each call keeps back what the caller will
 *   spend on the page's keys (`opsPerKey`, e.g. one delete each), so a page is never listed that
 *   could not be handled. When the budget (or `maxKeys`) runs out, it returns the cursor to go
 *   on from in the next invocation.
 *
 * A cursor is where a page ends: a walk resumes only at page boundaries, which is why a page is
 * never longer than what the caller can finish in this invocation.
 */
import { storage } from "./errors";

/** Cloudflare's limit of KV operations (reads, writes, deletes, lists) per Worker invocation. */
export const KV_OPERATIONS_PER_INVOCATION = 1000;

/** The most keys one `list()` call returns. */
export const KV_LIST_PAGE_MAX = 1000;

/** The part of a KV namespace the walk uses; tests pass a fake with only `list`. */
export type KvLister = Pick<KVNamespace, "list">;

/**
 * The KV operations one invocation may still issue. Everything the invocation does with KV
 * takes from the same budget, so lists and the work on their keys are counted together.
 */
export class KvBudget {
  #spent = 0;

  /** @param limit operations this budget allows in all */
  constructor(readonly limit: number) {}

  /** Operations taken so far. */
  get spent(): number {
    return this.#spent;
  }

  /** Operations still allowed. */
  get left(): number {
    return this.limit - this.#spent;
  }

  /** Takes `n` operations; false, and nothing taken, when fewer than `n` are left. */
  take(n = 1): boolean {
    if (n > this.left) return false;
    this.#spent += n;
    return true;
  }
}

/** What to walk, from where, and what to do with each page. */
export interface KvWalkOptions {
  /** Every key walked starts with it; sent with every `list()` call. */
  prefix: string;
  /** Where an earlier walk stopped; null or absent starts at the first key. */
  cursor?: string | null;
  /** The invocation's KV budget: one operation per list, plus what `onPage` spends. */
  budget: KvBudget;
  /** At most this many keys go to `onPage` in this walk (the caller's other limits, e.g. D1 work). */
  maxKeys: number;
  /** KV operations `onPage` takes from `budget` per key; kept back before each list. */
  opsPerKey: number;
  /** Handles one non-empty page of key names, in KV's (lexicographic) order. */
  onPage: (names: string[]) => Promise<void>;
}

/** Where a walk stopped. */
export interface KvWalkResult {
  /** True when KV said `list_complete`: every key under the prefix was handed over. */
  complete: boolean;
  /** The cursor to resume from; null when complete (or when no page could be listed yet). */
  cursor: string | null;
  /** Keys handed to `onPage`. */
  keys: number;
  /** `list()` calls made. */
  pages: number;
}

/**
 * Lists the keys under `prefix` page by page from `cursor`, handing each page to `onPage`,
 * until KV says `list_complete` or the budget or `maxKeys` runs out (see the module comment).
 * A failing `list()` is a StorageError (503 with Retry-After); the caller retries from the
 * cursor it sent, and what was already done is found done.
 */
export async function walkKvPages(kv: KvLister, options: KvWalkOptions): Promise<KvWalkResult> {
  const { prefix, budget, maxKeys, opsPerKey, onPage } = options;
  let cursor = options.cursor ?? null;
  let keys = 0;
  let pages = 0;
  for (;;) {
    // Room for this page: what KV returns at most, what the caller may still take, and what
    // the budget can pay for once this list call is paid.
    const affordable = opsPerKey > 0 ? Math.floor((budget.left - 1) / opsPerKey) : KV_LIST_PAGE_MAX;
    const limit = Math.min(KV_LIST_PAGE_MAX, maxKeys - keys, affordable);
    if (limit < 1 || !budget.take(1)) return { complete: false, cursor, keys, pages };
    const page = await storage("kv list", () => kv.list({ prefix, limit, ...(cursor ? { cursor } : {}) }));
    pages++;
    // KV applies the prefix; checked again so that nothing outside it is ever handed over.
    const names = page.keys.map((k) => k.name).filter((name) => name.startsWith(prefix));
    if (names.length > 0) await onPage(names);
    keys += names.length;
    if (page.list_complete) return { complete: true, cursor: null, keys, pages };
    // An empty page with list_complete false is not the end: go on from its cursor.
    cursor = page.cursor;
  }
}

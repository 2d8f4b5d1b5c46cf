/**
 * Site owner API: erasing every visitor of a site, `POST /v1/sites/{siteId}/admin/visitors/erase-all`
 * (worker/consent/erase-all.ts). Each call erases one chunk and answers where to go on from;
 * the caller sends `cursor` back until `done` (R6.6).
 */
import * as z from "zod";

/** Visitors one call erases when the body gives no `limit`. */
export const ERASE_ALL_DEFAULT_LIMIT = 25;

/**
 * The most visitors one call may erase. Each costs two D1 round trips holding 11 queries, plus 6
 * per email address linked to the visitor, and up to one KV delete; D1 allows 1,000 queries per
 * invocation on the Workers Paid plan (each statement of a batch counts), so 50 visitors with an
 * address each stay under it.
 */
export const ERASE_ALL_MAX_LIMIT = 50;

/**
 * Where a previous call stopped, sent back unchanged: `kv:` and KV's own list cursor while KV is
 * walked, then `d1:` and the last visitor id erased from D1's list (empty: its start). Opaque
 * to callers.
 */
export const EraseAllCursor = z
  .string()
  .regex(/^(?:kv:[\x21-\x7e]{0,2048}|d1:[\x21-\x7e]{0,128})$/, "the cursor is the `cursor` of the previous answer, unchanged");
export type EraseAllCursor = z.infer<typeof EraseAllCursor>;

/**
 * The body of an erase-all call for `siteId`. `confirm` must be that site id, so that a call
 * sent to the wrong site, or with a body meant for another, erases nothing; the route answers a
 * missing or different `confirm` with 400 `confirmation_required`.
 */
export function eraseAllVisitorsRequest(siteId: string) {
  return z.strictObject({
    confirm: z.literal(siteId, { error: `confirm must be this site's id, "${siteId}"` }),
    /** Absent or null on the first call; then the previous answer's `cursor`. */
    cursor: EraseAllCursor.nullish(),
    /** Visitors to erase in this call (fewer when the KV budget runs out first). */
    limit: z.int().min(1).max(ERASE_ALL_MAX_LIMIT).default(ERASE_ALL_DEFAULT_LIMIT),
  });
}
export type EraseAllVisitorsRequest = z.infer<ReturnType<typeof eraseAllVisitorsRequest>>;

/** What one call did, and where the next one goes on from. */
export const EraseAllVisitorsResponse = z.object({
  /** Visitors this call erased (a visitor already erased, by this job or otherwise, is not counted again). */
  erased: z.int().min(0),
  /** Send it back as `cursor`; null once `done`. */
  cursor: z.string().nullable(),
  /** True when no visitor of the site was left to erase. */
  done: z.boolean(),
  /** KV is eventually consistent: other locations may serve deleted records for about 60 s. */
  propagation: z.string(),
});
export type EraseAllVisitorsResponse = z.infer<typeof EraseAllVisitorsResponse>;

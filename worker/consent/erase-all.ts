/**
 * `POST /v1/sites/{siteId}/admin/visitors/erase-all` `{ confirm, cursor?, limit? }`: the site
 * owner's "erase every visitor of my site", one chunk per call (worker/consent/bulk-erasure.ts),
 * answered `{ erased, cursor, done, propagation }`; the caller sends `cursor` back until `done`.
 * Mounted under the admin app (worker/consent/admin.ts, worker/app.ts), so a key of this site is
 * required: another site's key is refused (403) before anything is read, and every storage key
 * and query is this site's.
 *
 * `confirm` must be the site id of the path. A careless call (a copied command aimed at the
 * wrong site, an empty body, a body meant for another site) is refused with 400
 * `confirmation_required` before anything is read or written.
 */
import { Hono } from "hono";
import * as z from "zod";
import { type EraseAllVisitorsResponse, eraseAllVisitorsRequest } from "../contract";
import { ApiError, invalidBody } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { sizeGuard } from "../middleware/size-guard";
import { queuedWebhooks } from "../webhooks/after-response";
import { eraseAllChunk } from "./bulk-erasure";

const PROPAGATION = "Deleted here now; other Cloudflare locations may serve a deleted visitor record for up to about 60 seconds.";

const notConfirmed = (siteId: string) =>
  new ApiError(400, "confirmation_required", "Confirm the site to erase", {
    detail: `Erasing every visitor needs "confirm": "${siteId}" in the body (the id of the site in the path). Nothing was erased.`,
  });

/** The erase-all route (see the module comment). */
export const eraseAllRoutes = new Hono<AdminEnv>().post("/visitors/erase-all", sizeGuard, async (c) => {
  const siteId = c.get("site").config.id;
  // Malformed JSON is 400 malformed_json (parseJsonBody); then the contract, built for this site.
  const parsed = eraseAllVisitorsRequest(siteId).safeParse(await parseJsonBody(c.req.raw, z.unknown()));
  if (!parsed.success) {
    if (parsed.error.issues.some((issue) => issue.path[0] === "confirm")) throw notConfirmed(siteId);
    throw invalidBody(parsed.error);
  }
  const { cursor, limit } = parsed.data;
  const chunk = await eraseAllChunk(c.env, siteId, cursor, limit, new Date());
  queuedWebhooks(c, siteId, chunk.webhooksQueued);
  const body: EraseAllVisitorsResponse = { erased: chunk.erased, cursor: chunk.cursor, done: chunk.done, propagation: PROPAGATION };
  return c.json(body);
});

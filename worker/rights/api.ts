/**
 * The rights API:
 *
 * - `POST /v1/sites/{siteId}/rights/requests` (browser-facing: the site's own form; Origin
 *   checked, CORS): files a request, the same path as the rights page (worker/rights/intake.ts).
 *   With the site's `turnstile` block, every type but the opt-out needs a Turnstile token (an
 *   opt-out never meets a challenge, R2.8). 202 when a verification link was sent, 201 otherwise.
 *   An opt-out sent with the browser's visitor token (`Authorization: Bearer`) also records a
 *   decision in the proof ledger for that browser (./opt-out.ts), whose receipt id it answers.
 * - Under `/v1/sites/{siteId}/admin/rights` (API key): the owner's queue and actions
 *   (worker/rights/owner.ts), a CSV of the request log, and "delete a child's data".
 */
import { Hono } from "hono";
import { negotiateLocale, requestGeo } from "../consent/policy";
import { RightsChildDeletion, RightsQueueQuery, RightsRequestCreate, type RightsRequestReceipt } from "../contract";
import { parseQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import type { SiteEnv } from "../middleware/site";
import { authenticateVisitor } from "../middleware/visitor-auth";
import { sizeGuard } from "../middleware/size-guard";
import { requireTurnstile } from "../email/turnstile";
import { queuedWebhooks } from "../webhooks/after-response";
import { eraseChildData } from "./fulfil";
import { fileRequest } from "./intake";
import { recordOptOutDecision } from "./opt-out";
import { actOnRequest, readOwnerAction, requestIdOf, rightsLogCsv, rightsQueue, rightsRequest } from "./owner";
import { findRightsRequest, noteRequest } from "./store";

export const rightsRoutes = new Hono<SiteEnv>().post("/rights/requests", sizeGuard, async (c) => {
  const loaded = c.get("site");
  const site = loaded.config;
  await enforceRateLimit(c.env, rateLimitKey(site.id, "rights", clientNetwork(c.req)));
  const input = await parseJsonBody(c.req.raw, RightsRequestCreate);
  if (input.type !== "opt_out") await requireTurnstile(c.env, site, input.turnstileToken, c.req.header("CF-Connecting-IP"));
  // An opt-out with the browser's visitor token is recorded in the proof ledger too (R9.4); a
  // forged, foreign or revoked token is refused before anything is written.
  const visitor = input.type === "opt_out" ? await authenticateVisitor(c.env, c.req.header("Authorization"), site.id) : null;
  const now = new Date();
  const acceptLanguage = c.req.header("Accept-Language");
  const filed = await fileRequest(c.env, site, input, { channel: "api", origin: new URL(c.req.url).origin, now, acceptLanguage });
  let queued = filed.webhooksQueued;
  const receipt: RightsRequestReceipt = { ...filed.receipt };
  if (visitor) {
    const decision = await recordOptOutDecision(c.env, loaded, visitor, {
      locale: negotiateLocale(Object.keys(site.texts), site.defaultLocale, input.locale, acceptLanguage),
      cf: requestGeo(c.req.raw, c.env),
      secGpc: c.req.header("Sec-GPC"),
      userAgent: c.req.header("User-Agent"),
      now,
    });
    if (decision) {
      queued += decision.webhooksQueued;
      receipt.decisionReceiptId = decision.receiptId;
      const row = await findRightsRequest(c.env, site.id, filed.receipt.id);
      if (row) await noteRequest(c.env, row, "decision_recorded", "assent", `Opt-out recorded for the browser: ${decision.receiptId}`, now.toISOString());
    }
  }
  queuedWebhooks(c, site.id, queued);
  c.header("Cache-Control", "no-store");
  return c.json(receipt, receipt.next === "check_email" ? 202 : 201);
});

/** Who acted, for the request's history: the API key. */
const apiActor = (keyId: string) => `api key ${keyId}`;

export const rightsAdminRoutes = new Hono<AdminEnv>()
  .get("/requests", async (c) => {
    const query = parseQuery(
      RightsQueueQuery,
      c.req.query(),
      "type is a request type; status a status, active or all; due a date (YYYY-MM-DD) or overdue; limit 1–200; cursor from `next`.",
    );
    return c.json(await rightsQueue(c.env, c.get("site").config, query, new Date()));
  })
  .get("/requests.csv", async (c) => rightsLogCsv(c.env, c.get("site").config.id))
  .get("/requests/:id", async (c) => c.json(await rightsRequest(c.env, c.get("site").config, requestIdOf(c.req.param("id")), new Date())))
  .post("/requests/:id/:action{start|extend|complete|deny}", sizeGuard, async (c) => {
    const id = requestIdOf(c.req.param("id"));
    const action = await readOwnerAction(c.req.param("action"), c.req.raw);
    const site = c.get("site").config;
    const { request, webhooksQueued } = await actOnRequest(c.env, site, id, action, apiActor(c.get("apiKeyId")), new Date());
    queuedWebhooks(c, site.id, webhooksQueued);
    return c.json(request);
  })
  .post("/child-data-deletion", sizeGuard, async (c) => {
    const body = await parseJsonBody(c.req.raw, RightsChildDeletion);
    const site = c.get("site").config;
    const { id, webhooksQueued } = await eraseChildData(c.env, site, body.email, new URL(c.req.url).origin, new Date());
    queuedWebhooks(c, site.id, webhooksQueued);
    return c.json(await rightsRequest(c.env, site, id, new Date()), 201);
  });

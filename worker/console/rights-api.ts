/**
 * Privacy rights requests in the console, under /console/api (owner or compliance role, R9.5:
 * viewers get 403 `compliance_only`), the same operations as the admin API
 * (worker/rights/owner.ts answers both):
 *
 * - `GET  /sites/{siteId}/rights/requests?type=&status=&due=&limit=&cursor=`: the queue.
 * - `GET  /sites/{siteId}/rights/requests.csv`: the whole request log (R9.5), audited.
 * - `GET  /sites/{siteId}/rights/requests/{id}`: one request with its history.
 * - `POST /sites/{siteId}/rights/requests/{id}/start|extend|complete|deny`: what the member did,
 *   recorded in the request's history under their email and in the site's audit log.
 */
import { Hono } from "hono";
import { RightsQueueQuery } from "../contract";
import { parseConsoleQuery } from "../lib/errors";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { actOnRequest, readOwnerAction, requestIdOf, rightsLogCsv, rightsQueue, rightsRequest } from "../rights/owner";
import { loadSite } from "../sites/store";
import { queuedWebhooks } from "../webhooks/after-response";
import { type ConsoleEnv, requireRole } from "./auth";
import { fingerprint } from "./fingerprint";
import { writeAudit } from "./store";

export const rightsApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/rights/requests", requireRole("compliance"), async (c) => {
    const q = parseConsoleQuery(RightsQueueQuery, c.req.query());
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    return c.json(await rightsQueue(c.env, site, q, new Date()));
  })
  .get("/sites/:siteId/rights/requests.csv", requireRole("compliance"), async (c) => {
    const siteId = c.req.param("siteId");
    const user = c.get("user")!;
    await writeAudit(c.env, { siteId, actor: user.email, action: "rights.export", target: "request log (csv)", beforeFingerprint: null, afterFingerprint: null }, new Date());
    return rightsLogCsv(c.env, siteId);
  })
  .get("/sites/:siteId/rights/requests/:id", requireRole("compliance"), async (c) => {
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    return c.json(await rightsRequest(c.env, site, requestIdOf(c.req.param("id")), new Date()));
  })
  .post("/sites/:siteId/rights/requests/:id/:action{start|extend|complete|deny}", requireRole("compliance"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const id = requestIdOf(c.req.param("id"));
    const action = await readOwnerAction(c.req.param("action"), c.req.raw);
    const site = (await loadSite(c.env, c.req.param("siteId"))).config;
    const now = new Date();
    const { request, webhooksQueued } = await actOnRequest(c.env, site, id, action, user.email, now);
    queuedWebhooks(c, site.id, webhooksQueued);
    await writeAudit(
      c.env,
      { siteId: site.id, actor: user.email, action: `rights.${action.kind}`, target: id, beforeFingerprint: null, afterFingerprint: await fingerprint({ id, status: request.status, extendedTo: request.extendedTo }) },
      now,
    );
    return c.json(request);
  });

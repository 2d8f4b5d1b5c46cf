/**
 * What connects a site to its owner's servers, in the console, under /console/api:
 *
 * - API keys: `GET /sites/{siteId}/keys` (any role: ids, labels, dates, never a secret),
 *   `POST /sites/{siteId}/keys` `{ label }` (owner; the secret is in this answer only),
 *   `DELETE /sites/{siteId}/keys/{keyId}` (owner).
 * - Webhook endpoints: `/sites/{siteId}/webhooks/…` (owner only: endpoints carry their signing
 *   secrets) are the site owner API's own routes (worker/webhooks/admin.ts), mounted here
 *   behind the console's sign-in instead of an API key: add, list, delete, delivery log,
 *   redeliver, test event. Not a copy: one module answers both.
 *
 * Every change writes an audit row with the fingerprints of the site's key list (ids, labels,
 * revoked or not) or endpoint list (ids, URLs, event types; never secrets) before and after.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiKeyId, ConsoleApiKeyCreate } from "../contract";
import { ApiError, invalidBody } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { createApiKey, listApiKeys, revokeApiKey } from "../middleware/api-key-store";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { loadSite } from "../sites/store";
import { webhookAdminRoutes } from "../webhooks/admin";
import { listEndpoints } from "../webhooks/store";
import { fingerprint } from "./fingerprint";
import { type ConsoleEnv, requireRole } from "./auth";
import { writeAudit } from "./store";

/** The key list as the audit log fingerprints it: ids, labels and whether each is revoked. */
async function keysFingerprint(env: ConsoleEnv["Bindings"], siteId: string): Promise<string> {
  return fingerprint((await listApiKeys(env, siteId)).map((k) => ({ id: k.id, label: k.label, revoked: k.revokedAt !== null })));
}

/** The endpoint list as the audit log fingerprints it: no secrets. */
async function endpointsFingerprint(env: ConsoleEnv["Bindings"], siteId: string): Promise<string> {
  const rows = await listEndpoints(env, siteId);
  return fingerprint(rows.map((r) => ({ id: r.id, url: r.url, events: r.events })));
}

/**
 * In front of the webhook routes: an owner of the site, its config loaded as the admin routes
 * expect (`c.var.site`), the person's write limit, and the audit row of a change that worked.
 */
const webhookGuard = createMiddleware<ConsoleEnv & { Variables: AdminEnv["Variables"] }>(async function webhookGuard(c, next) {
  const siteId = c.req.param("siteId")!;
  c.set("site", await loadSite(c.env, siteId));
  const user = c.get("user")!;
  const change = c.req.method !== "GET" && c.req.method !== "HEAD";
  if (change) await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
  const before = change ? await endpointsFingerprint(c.env, siteId) : null;
  await next();
  if (!change || c.res.status >= 300) return;
  const tail = new URL(c.req.url).pathname.split("/webhooks")[1] ?? "";
  const [, id, verb] = tail.split("/");
  const action = c.req.method === "POST" && !id ? "webhook.add" : c.req.method === "DELETE" ? "webhook.delete" : `webhook.${verb ?? "change"}`;
  await writeAudit(
    c.env,
    { siteId, actor: user.email, action, target: id ?? null, beforeFingerprint: before, afterFingerprint: await endpointsFingerprint(c.env, siteId) },
    new Date(),
  );
});

export const integrationsApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/keys", requireRole("viewer"), async (c) => c.json({ keys: await listApiKeys(c.env, c.req.param("siteId")) }))
  .post("/sites/:siteId/keys", requireRole("owner"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const siteId = c.req.param("siteId");
    const { label } = await parseJsonBody(c.req.raw, ConsoleApiKeyCreate);
    const before = await keysFingerprint(c.env, siteId);
    const key = await createApiKey(c.env, siteId, label, new Date());
    await writeAudit(c.env, { siteId, actor: user.email, action: "key.create", target: key.id, beforeFingerprint: before, afterFingerprint: await keysFingerprint(c.env, siteId) }, new Date());
    return c.json({ id: key.id, label, secret: key.secret }, 201);
  })
  .delete("/sites/:siteId/keys/:keyId", requireRole("owner"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const siteId = c.req.param("siteId");
    const keyId = ApiKeyId.safeParse(c.req.param("keyId"));
    if (!keyId.success) throw invalidBody(keyId.error, "invalid_path");
    const before = await keysFingerprint(c.env, siteId);
    if (!(await revokeApiKey(c.env, siteId, keyId.data, new Date())))
      throw new ApiError(404, "not_found", "Not found", { detail: "This site has no live key with this id." });
    await writeAudit(c.env, { siteId, actor: user.email, action: "key.revoke", target: keyId.data, beforeFingerprint: before, afterFingerprint: await keysFingerprint(c.env, siteId) }, new Date());
    return c.body(null, 204);
  })
  // (Hono's `/*` matches the bare path too: one registration guards both.)
  .use("/sites/:siteId/webhooks/*", requireRole("owner"), webhookGuard)
  // The admin API's module, as it is: its handlers read only `c.var.site` and the bindings.
  .route("/sites/:siteId/webhooks", webhookAdminRoutes as unknown as Hono<ConsoleEnv>);

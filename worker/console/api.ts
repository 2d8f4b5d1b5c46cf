/**
 * The console's JSON API, under /console/api (signed in; every answer `no-store`; errors are
 * problem+json like the rest of the Worker):
 *
 * - `GET  /me`: who is signed in, how, and their sites with their role on each.
 * - `GET  /me/activity`: their own sign-ins and sign-outs.
 * - `GET  /sites/{siteId}/audit?before=&limit=`: the site's audit log, newest first (any role).
 * - `GET  /sites/{siteId}/members`: who has which role (any role).
 * - `PUT  /sites/{siteId}/members/{email}` `{ role }`: add a member or change a role (owner).
 * - `DELETE /sites/{siteId}/members/{email}`: remove a member (owner).
 *
 * - the configuration, its versions and new sites: ./config-api.ts; the live preview:
 *   ./preview.ts; the proof ledger's search and export: ./ledger-api.ts; API keys and webhook
 *   endpoints: ./integrations-api.ts; email lists: ./lists-api.ts; what visitors chose:
 *   ./stats-api.ts; privacy rights requests: ./rights-api.ts; compliance scan reports:
 *   ./scans-api.ts.
 *
 * A site is never left without an owner: the last owner cannot be removed or made a viewer
 * (409 `last_owner`). Every change writes its audit row in the same transaction.
 */
import { Hono } from "hono";
import { ConsoleAuditQuery, ConsoleEmail, ConsoleMemberInput, type ConsoleMe } from "../contract";
import { ApiError, invalidBody, parseConsoleQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { loadSite } from "../sites/store";
import { type ConsoleEnv, requireRole } from "./auth";
import { configApi } from "./config-api";
import { fingerprint } from "./fingerprint";
import { integrationsApi } from "./integrations-api";
import { ledgerApi } from "./ledger-api";
import { listsApi } from "./lists-api";
import { statsApi } from "./stats-api";
import { previewApi } from "./preview";
import { rightsApi } from "./rights-api";
import { scansApi } from "./scans-api";
import { listMembers, ownAudit, putMember, removeMember, roleOn, rolesOf, siteAudit } from "./store";


/** The site's display name, or null when its config is gone or cannot be read. */
async function siteName(env: ConsoleEnv["Bindings"], siteId: string): Promise<string | null> {
  try {
    return (await loadSite(env, siteId)).config.name;
  } catch {
    return null;
  }
}

function memberEmail(raw: string): string {
  const parsed = ConsoleEmail.safeParse(decodeURIComponent(raw));
  if (!parsed.success) throw invalidBody(parsed.error, "invalid_path");
  return parsed.data;
}

const lastOwner = () =>
  new ApiError(409, "last_owner", "A site needs an owner", { detail: "Make someone else an owner first; the last owner cannot be removed or made a viewer." });

export const consoleApi = new Hono<ConsoleEnv>()
  .route("/", configApi)
  .route("/", previewApi)
  .route("/", ledgerApi)
  .route("/", integrationsApi)
  .route("/", listsApi)
  .route("/", statsApi)
  .route("/", rightsApi)
  .route("/", scansApi)
  .get("/me", async (c) => {
    const user = c.get("user")!;
    const roles = await rolesOf(c.env, user.email);
    const sites = await Promise.all(roles.map(async (r) => ({ id: r.siteId, name: await siteName(c.env, r.siteId), role: r.role })));
    return c.json({ email: user.email, via: user.via, sessionExpiresAt: user.sessionExpiresAt, sites } satisfies ConsoleMe);
  })
  .get("/me/activity", async (c) => c.json({ entries: await ownAudit(c.env, c.get("user")!.email, 50) }))
  .get("/sites/:siteId/audit", requireRole("viewer"), async (c) => {
    const { before, limit } = parseConsoleQuery(ConsoleAuditQuery, c.req.query());
    const entries = await siteAudit(c.env, c.req.param("siteId"), before, limit);
    return c.json({ entries, next: entries.length === limit ? entries[entries.length - 1]!.id : null });
  })
  .get("/sites/:siteId/members", requireRole("viewer"), async (c) => c.json({ members: await listMembers(c.env, c.req.param("siteId")) }))
  .put("/sites/:siteId/members/:email", requireRole("owner"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const siteId = c.req.param("siteId");
    const email = memberEmail(c.req.param("email"));
    const { role } = await parseJsonBody(c.req.raw, ConsoleMemberInput);
    const before = await roleOn(c.env, siteId, email);
    if (before === role) return c.json({ email, role, changed: false });
    const changed = await putMember(
      c.env,
      siteId,
      email,
      role,
      user.email,
      {
        siteId,
        actor: user.email,
        action: before ? "member.role" : "member.add",
        target: email,
        beforeFingerprint: before ? await fingerprint({ siteId, email, role: before }) : null,
        afterFingerprint: await fingerprint({ siteId, email, role }),
      },
      new Date(),
    );
    if (!changed) throw lastOwner();
    return c.json({ email, role, changed: true }, before ? 200 : 201);
  })
  .delete("/sites/:siteId/members/:email", requireRole("owner"), async (c) => {
    const user = c.get("user")!;
    await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
    const siteId = c.req.param("siteId");
    const email = memberEmail(c.req.param("email"));
    const before = await roleOn(c.env, siteId, email);
    if (!before) throw new ApiError(404, "not_found", "Not found", { detail: `${email} has no role on this site.` });
    const removed = await removeMember(
      c.env,
      siteId,
      email,
      { siteId, actor: user.email, action: "member.remove", target: email, beforeFingerprint: await fingerprint({ siteId, email, role: before }), afterFingerprint: null },
      new Date(),
    );
    if (!removed) throw lastOwner();
    return c.body(null, 204);
  });

/**
 * The console's configuration API, under /console/api (mounted by ./api.ts):
 *
 * - `GET  /schema/site-config`: the JSON Schema of a site config, generated from the contract's
 *   zod schema, which the console's forms are drawn from (one schema for the form, the CLI and
 *   the Worker).
 * - `POST /sites`: a new site from the template (the demo site), its creator its owner.
 * - `GET  /sites/{siteId}/config`: the live document, its hashes and the latest version (any role).
 * - `POST /sites/{siteId}/config/check`: validate a draft and say what publishing it changes:
 *   whether the policy fingerprint changes (everyone is asked again) and why (any role).
 * - `PUT  /sites/{siteId}/config`: publish a draft (owner), see worker/sites/publish.ts.
 * - `GET  /sites/{siteId}/versions`, `GET …/versions/{n}`: the history (any role).
 * - `POST /sites/{siteId}/versions/{n}/rollback`: publish version n again, as a new version (owner).
 *
 * Invalid drafts get 422 `invalid_config` with every problem at its path (`errors`), and
 * nothing is written.
 */
import { Hono } from "hono";
import * as z from "zod";
import demo from "../../examples/sites/demo.json";
import {
  ConsoleConfigCheckInput,
  ConsoleCreateSiteInput,
  type ConsoleDraftCheck,
  type ConsoleLiveConfig,
  ConsolePublishInput,
  ConsoleRollbackInput,
  SiteConfig,
  VersionNumber,
} from "../contract";
import { ApiError, invalidBody, storage } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { checkDraft, configHash, publish } from "../sites/publish";
import { loadSite } from "../sites/store";
import { siteKey } from "../sites/keys";
import { getVersion, latestVersion, listVersions } from "../sites/versions";
import { type ConsoleEnv, requireRole } from "./auth";
import { putMember } from "./store";

/** The site config's JSON Schema, made once per isolate. */
let schema: unknown = null;

function versionParam(raw: string | undefined): number {
  const parsed = VersionNumber.safeParse(raw);
  if (!parsed.success) throw invalidBody(parsed.error, "invalid_path");
  return parsed.data;
}

/** The live config, with what the editor needs to publish on top of it. */
async function live(env: ConsoleEnv["Bindings"], siteId: string) {
  // Fresh from KV: the editor must see what is live now, not an isolate's memo of it.
  const site = await loadSite({ ...env, SITE_CACHE_SECONDS: "0" }, siteId);
  const hash = await configHash(site.config);
  const latest = await latestVersion(env, siteId);
  return { site, hash, latest };
}

const rateLimited = (c: { env: ConsoleEnv["Bindings"]; get(k: "user"): ConsoleEnv["Variables"]["user"] }) =>
  enforceRateLimit(c.env, rateLimitKey(null, "console", { account: c.get("user")!.email }));

export const configApi = new Hono<ConsoleEnv>()
  .get("/schema/site-config", (c) => {
    schema ??= z.toJSONSchema(SiteConfig, { io: "input", unrepresentable: "any" });
    return c.json(schema);
  })
  .post("/sites", async (c) => {
    await rateLimited(c);
    const user = c.get("user")!;
    const input = await parseJsonBody(c.req.raw, ConsoleCreateSiteInput);
    const exists = await storage("site config read", () => c.env.SITES.get(siteKey(input.id)));
    if (exists !== null) throw new ApiError(409, "site_exists", "A site with this id exists", { detail: `Choose another id than "${input.id}".` });
    const draft = await checkDraft(input.id, { ...structuredClone(demo), id: input.id, name: input.name, allowedOrigins: [input.origin] }, null);
    const version = await publish(c.env, { draft, by: user.email, source: "create", basedOn: null, action: "site.create", beforeHash: null });
    await putMember(
      c.env,
      input.id,
      user.email,
      "owner",
      user.email,
      { siteId: input.id, actor: user.email, action: "member.add", target: user.email, beforeFingerprint: null, afterFingerprint: null },
      new Date(),
    );
    return c.json({ id: input.id, version }, 201);
  })
  .get("/sites/:siteId/config", requireRole("viewer"), async (c) => {
    const { site, hash, latest } = await live(c.env, c.req.param("siteId"));
    return c.json({
      config: site.config,
      configHash: hash,
      fingerprint: site.fingerprint,
      latest,
      outOfSync: latest !== null && latest.configHash !== hash,
    } satisfies ConsoleLiveConfig);
  })
  .post("/sites/:siteId/config/check", requireRole("viewer"), async (c) => {
    const siteId = c.req.param("siteId");
    const { config } = await parseJsonBody(c.req.raw, ConsoleConfigCheckInput);
    const { site } = await live(c.env, siteId);
    const draft = await checkDraft(siteId, config, site.config);
    return c.json({
      valid: true,
      config: draft.config,
      configHash: draft.configHash,
      fingerprint: draft.fingerprint,
      liveFingerprint: site.fingerprint,
      changed: draft.changed,
      material: draft.material,
    } satisfies ConsoleDraftCheck);
  })
  .put("/sites/:siteId/config", requireRole("owner"), async (c) => {
    await rateLimited(c);
    const siteId = c.req.param("siteId");
    const input = await parseJsonBody(c.req.raw, ConsolePublishInput);
    const { site, hash, latest } = await live(c.env, siteId);
    const draft = await checkDraft(siteId, input.config, site.config);
    if (!draft.changed) return c.json({ version: latest?.version ?? null, changed: false, material: draft.material });
    const version = await publish(c.env, {
      draft,
      by: c.get("user")!.email,
      source: "console",
      basedOn: input.basedOn,
      action: "config.publish",
      beforeHash: hash,
    });
    return c.json({ version, changed: true, fingerprint: draft.fingerprint, material: draft.material });
  })
  .get("/sites/:siteId/versions", requireRole("viewer"), async (c) => c.json({ versions: await listVersions(c.env, c.req.param("siteId")) }))
  .get("/sites/:siteId/versions/:version", requireRole("viewer"), async (c) => {
    const found = await getVersion(c.env, c.req.param("siteId"), versionParam(c.req.param("version")));
    if (!found) throw new ApiError(404, "not_found", "Not found", { detail: "This site has no such version." });
    return c.json(found);
  })
  .post("/sites/:siteId/versions/:version/rollback", requireRole("owner"), async (c) => {
    await rateLimited(c);
    const siteId = c.req.param("siteId");
    const n = versionParam(c.req.param("version"));
    const { basedOn } = await parseJsonBody(c.req.raw, ConsoleRollbackInput);
    const old = await getVersion(c.env, siteId, n);
    if (!old) throw new ApiError(404, "not_found", "Not found", { detail: "This site has no such version." });
    const { site, hash } = await live(c.env, siteId);
    // Checked again: a version valid when published may not be under today's rules.
    const draft = await checkDraft(siteId, old.config, site.config);
    if (!draft.changed) throw new ApiError(409, "already_live", "This version is what is live", { detail: `Version ${n} is the live configuration already.` });
    const version = await publish(c.env, {
      draft,
      by: c.get("user")!.email,
      source: "rollback",
      restoredFrom: n,
      basedOn,
      action: "config.rollback",
      beforeHash: hash,
    });
    return c.json({ version, restoredFrom: n, fingerprint: draft.fingerprint, material: draft.material });
  });

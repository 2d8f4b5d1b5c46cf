/**
 * Authentication of the site owner API (R7.12): `Authorization: Bearer ask_…`, a key of this
 * site. The secret is hashed at once and never logged or stored; only the key id is kept in the
 * context. A key of another site is refused with 403, so a site owner holding two sites' keys
 * sees the mix-up, while a stranger learns nothing a wrong key would not tell.
 */
import { createMiddleware } from "hono/factory";
import { ApiKeySecret } from "../contract";
import { bearerCredential } from "../lib/bearer";
import { ApiError } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import { findLiveKey, touchKey } from "./api-key-store";
import { enforceRateLimit, ipPrefix, rateLimitKey } from "./rate-limit";
import type { SiteEnv } from "./site";

/** Hono generic for the admin routes: the site plus the authenticated key's id. */
export interface AdminEnv extends SiteEnv {
  Variables: SiteEnv["Variables"] & { apiKeyId: string };
}

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="assent-admin"' };

const invalidKey = () =>
  new ApiError(401, "api_key_invalid", "The API key is not valid", {
    detail: "The key is unknown or was revoked. Create one with `npm run sites -- key create <siteId>`.",
    headers: CHALLENGE,
  });

/** Seconds a network over the failure limit is refused without a lookup (the limiter's window). */
const BLOCK_SECONDS = 60;
/** Networks over the failure limit, until when (per isolate). */
const blocked = new Map<string, number>();

const tooManyFailures = () =>
  new ApiError(429, "rate_limited", "Too many failed API key attempts", {
    detail: "Too many requests with a wrong API key came from your network; wait and retry with a valid key.",
    headers: { "Retry-After": String(BLOCK_SECONDS) },
  });

/** Counts a failed attempt of `network`; over the limit, remembers the block and answers 429. */
async function failed(env: AdminEnv["Bindings"], network: string, refusal: ApiError): Promise<never> {
  const { success } = await env.AUTH_FAIL_LIMIT.limit({ key: rateLimitKey(null, "admin-auth", { network }) });
  if (!success) {
    if (blocked.size > 10_000) blocked.clear();
    blocked.set(network, Date.now() + BLOCK_SECONDS * 1000);
    throw tooManyFailures();
  }
  throw refusal;
}

/** Requires a live API key of the loaded site; runs after `siteLoader`. */
export const apiKeyAuth = createMiddleware<AdminEnv>(async function apiKeyAuth(c, next) {
  const network = ipPrefix(c.req.header("CF-Connecting-IP"));
  const until = blocked.get(network);
  if (until !== undefined && until > Date.now()) throw tooManyFailures();
  const header = c.req.header("Authorization");
  const secret = header && header.length <= 256 ? bearerCredential(header) : null;
  if (!secret)
    await failed(
      c.env,
      network,
      new ApiError(401, "api_key_required", "An API key is required", {
        detail: "Send the site's API key as `Authorization: Bearer ask_…`.",
        headers: CHALLENGE,
      }),
    );
  // A malformed secret cannot match any stored hash: refuse it without a query.
  if (!ApiKeySecret.safeParse(secret).success) await failed(c.env, network, invalidKey());
  const key = await findLiveKey(c.env, await sha256Hex(secret!));
  if (!key) return failed(c.env, network, invalidKey());
  const siteId = c.get("site").config.id;
  if (key.site_id !== siteId)
    throw new ApiError(403, "api_key_wrong_site", "This API key belongs to another site", {
      detail: `Use a key created for the site "${siteId}".`,
    });
  // A guard on cost, per key (keys are 256-bit random, so guessing them is not the worry).
  await enforceRateLimit(c.env, rateLimitKey(siteId, "admin", { apiKey: key.id }), c.env.ADMIN_LIMIT);
  c.set("apiKeyId", key.id);
  await next();
  // Only a request that was served counts as a use: a refused one writes nothing.
  if (c.res.status < 400) {
    try {
      await touchKey(c.env, key, new Date());
    } catch (err) {
      console.error(`api key ${key.id}: last_used_at not updated`, err instanceof Error ? err.cause : err);
    }
  }
});

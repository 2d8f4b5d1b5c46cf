/**
 * Request guards for the per-site API: site loading, CORS that echoes only a site's own
 * origins (R7.4), the Origin and Content-Type checks that stop cross-site forgery (R7.5), the
 * body cap (R6.3) and rate limiting of writes (R6.10).
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { SiteId } from "./contract";
import type { AppEnv, Env } from "./env";
import { ApiError } from "./errors";
import { type LoadedSite, loadSite } from "./store/sites";

/** Hono generic for routes under /v1/sites/{siteId}. */
export interface SiteEnv extends AppEnv {
  Variables: { site: LoadedSite };
}

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 8 * 1024;

/** Validates the `siteId` path segment and loads the site (404 when unknown). */
export const siteLoader: MiddlewareHandler<SiteEnv> = async function siteLoader(c, next) {
  const siteId = c.req.param("siteId");
  if (!SiteId.safeParse(siteId).success)
    throw new ApiError(400, "invalid_site_id", "The site id is not valid", { detail: "A site id is 1–48 of a-z, 0-9 and '-'." });
  c.set("site", await loadSite(c.env, siteId!));
  await next();
};

/** CORS for a site: the `Origin` is echoed only when the site lists it, always with Vary: Origin. */
export const siteCors = cors({
  origin: (origin, c: Context<SiteEnv>) => (c.get("site").config.allowedOrigins.includes(origin) ? origin : null),
  allowMethods: ["GET", "POST", "DELETE"],
  allowHeaders: ["Content-Type", "Authorization", "Idempotency-Key"],
  exposeHeaders: ["Retry-After", "Content-Disposition"],
  maxAge: 600,
});

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * State-changing requests need an `Origin` the site lists: a missing, `null` or foreign origin
 * gets 403 before anything is read or written. Bodies must be JSON (a form or text/plain post
 * is refused with 415), so a browser always sends a CORS preflight first.
 */
export const writeGuard: MiddlewareHandler<SiteEnv> = async function writeGuard(c, next) {
  if (STATE_CHANGING.has(c.req.method)) {
    const origin = c.req.header("Origin");
    if (!origin)
      throw new ApiError(403, "origin_required", "An Origin header is required", {
        detail: "State-changing requests must come from a page on one of the site's allowed origins.",
      });
    if (!c.get("site").config.allowedOrigins.includes(origin))
      throw new ApiError(403, "origin_not_allowed", "This origin may not change data for this site", {
        detail: `The origin ${origin.slice(0, 100)} is not in the site's allowedOrigins.`,
      });
    if (c.req.method !== "DELETE") {
      const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json")
        throw new ApiError(415, "unsupported_media_type", "The body must be JSON", {
          detail: "Send the body with Content-Type: application/json.",
        });
    }
  }
  await next();
};

/** Refuses bodies over MAX_BODY_BYTES with 413: by Content-Length up front, or while reading a streamed body. */
export const sizeGuard = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, "body_too_large", "The request body is too large", {
      detail: `Bodies are limited to ${MAX_BODY_BYTES} bytes.`,
    });
  },
});

/** Seconds a rate-limited client is told to wait: the limiter's window. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 10;

/**
 * Applies the write rate limit for `key` (`site:{siteId}:v:{visitorId}` or
 * `site:{siteId}:ip:{prefix}`), throwing 429 with Retry-After when it is exceeded.
 */
export async function enforceRateLimit(env: Env, key: string, limiter: RateLimit = env.WRITE_LIMIT): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success)
    throw new ApiError(429, "rate_limited", "Too many requests", {
      detail: "Slow down and retry after the Retry-After delay.",
      headers: { "Retry-After": String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
    });
}

/**
 * The network prefix used to rate-limit anonymous writes: the /24 of an IPv4 address or the
 * /64 of an IPv6 address. Used only as a limiter key, never stored.
 */
export function ipPrefix(ip: string | undefined): string {
  if (!ip) return "unknown";
  if (ip.includes(":")) {
    // Expand "::" so the first four groups are the real /64 however the address is written.
    const [head = "", tail] = ip.toLowerCase().split("::");
    const left = head ? head.split(":") : [];
    const right = tail ? tail.split(":") : [];
    const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0");
    const groups = [...left, ...zeros, ...right].slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
    return `${groups.join(":")}::/64`;
  }
  const parts = ip.split(".");
  return parts.length === 4 ? `${parts.slice(0, 3).join(".")}.0/24` : "unknown";
}

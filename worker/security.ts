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

/**
 * What `cappedHeader` returns for a value longer than its cap. Callers answer as they would for
 * an invalid value, and never echo it: a giant header must cost no more than a small one.
 */
export const TOO_LONG: unique symbol = Symbol("header value too long");

/**
 * A header value checked against a length cap before anything parses it: `undefined` when the
 * header is missing (`null` or `undefined` in), TOO_LONG when it has more than `max` characters,
 * else the value unchanged (an empty value stays ""). Constant time: it reads only the length.
 * Header values are byte strings (Fetch), so characters and bytes are the same count.
 *
 *   const origin = cappedHeader(c.req.header("Origin"), MAX_ORIGIN_CHARS);
 *   if (origin === TOO_LONG) throw new ApiError(403, "origin_not_allowed", …);
 */
export function cappedHeader(value: string | null | undefined, max: number): string | undefined | typeof TOO_LONG {
  if (value == null) return undefined;
  return value.length > max ? TOO_LONG : value;
}

/**
 * Longest `Origin` accepted on a write. An origin is a scheme, a host of at most 253 characters
 * and a port; 2048 leaves room for any real one. A longer value is refused as a foreign origin.
 */
export const MAX_ORIGIN_CHARS = 2048;

/** Longest `Content-Type` read on a write: `application/json; charset=utf-8` is 31 characters. */
export const MAX_CONTENT_TYPE_CHARS = 256;

/**
 * Longest `CF-Connecting-IP` read: the longest textual IP address, an IPv6 address with an
 * embedded IPv4 one (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`), is 45 characters.
 */
export const MAX_IP_CHARS = 45;

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
    const origin = cappedHeader(c.req.header("Origin"), MAX_ORIGIN_CHARS);
    if (!origin)
      throw new ApiError(403, "origin_required", "An Origin header is required", {
        detail: "State-changing requests must come from a page on one of the site's allowed origins.",
      });
    // No listed origin is that long; the value is not echoed.
    if (origin === TOO_LONG)
      throw new ApiError(403, "origin_not_allowed", "This origin may not change data for this site", {
        detail: `The Origin header is longer than ${MAX_ORIGIN_CHARS} characters; no allowed origin is.`,
      });
    if (!c.get("site").config.allowedOrigins.includes(origin))
      throw new ApiError(403, "origin_not_allowed", "This origin may not change data for this site", {
        detail: `The origin ${origin.slice(0, 100)} is not in the site's allowedOrigins.`,
      });
    if (c.req.method !== "DELETE") {
      const header = cappedHeader(c.req.header("Content-Type"), MAX_CONTENT_TYPE_CHARS);
      // Only the media type before the first ";" is read (parameters such as charset are ignored).
      const type = header === TOO_LONG ? null : (header ?? "").split(";", 1)[0]!.trim().toLowerCase();
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
 * /64 of an IPv6 address. Used only as a limiter key, never stored. A value longer than
 * MAX_IP_CHARS is no address: "unknown". Linear in the (capped) length.
 */
export function ipPrefix(ip: string | undefined): string {
  if (!ip || ip.length > MAX_IP_CHARS) return "unknown";
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

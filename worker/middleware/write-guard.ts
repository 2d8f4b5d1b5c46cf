/**
 * The forgery guard of the browser-facing per-site API (R7.5): a state-changing request needs an
 * `Origin` the site lists and a JSON body, so a browser always sends a CORS preflight first and
 * a form post from another site is refused before anything is read or written. Also the length
 * caps of the headers it reads (`cappedHeader`), which other guards share.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../lib/errors";
import type { SiteEnv } from "./site";

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

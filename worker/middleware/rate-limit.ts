/**
 * Rate limiting of writes (R6.10) through the Workers rate-limit bindings (wrangler.toml):
 * WRITE_LIMIT for every state-changing request, and for a visitor's history reads (their rows
 * older than the hot window are read from archived segments, up to a segment a day, so a token
 * replaying them in a loop would cost far more than it asks for); ADMIN_LIMIT per API key,
 * AUTH_FAIL_LIMIT for failed API-key attempts per network.
 *
 * Every limiter key is built by `rateLimitKey`, in one shape: `{scope}:{action}:{kind}:{value}`,
 * the scope being `site:{siteId}` (or `any` for limits across sites). The action keeps the
 * buckets of different endpoints apart (a visitor's decisions do not use up their erasure), the
 * kind says who is counted: a visitor, a network (`ipPrefix`, never stored), a confirmation
 * link, an address hash, an API key or a console account (its email).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";

/** Seconds a rate-limited client is told to wait: the limiter's window. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 10;

/**
 * Longest `CF-Connecting-IP` read: the longest textual IP address, an IPv6 address with an
 * embedded IPv4 one (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`), is 45 characters.
 */
export const MAX_IP_CHARS = 45;

/** What a limited request does; one bucket per action. */
export type RateLimitAction =
  | "decision"
  | "erase"
  | "history"
  | "identify"
  | "logout"
  | "signup"
  | "confirm"
  | "unsubscribe"
  | "admin"
  | "admin-auth"
  | "console-sign-in"
  | "console-link-email"
  | "console"
  | "rights";

/** Who is counted: exactly one of these. */
export type RateLimitSubject =
  | { visitor: string }
  | { network: string }
  | { link: string }
  | { address: string }
  | { apiKey: string }
  | { account: string };

/** The one builder of limiter keys (see the module comment). `siteId` null: a limit across sites. */
export function rateLimitKey(siteId: string | null, action: RateLimitAction, subject: RateLimitSubject): string {
  const [kind, value] = Object.entries(subject)[0] as [string, string];
  return `${siteId === null ? "any" : `site:${siteId}`}:${action}:${kind}:${value}`;
}

/**
 * Applies a rate limit for `key` (built by `rateLimitKey`), throwing 429 with Retry-After when
 * it is exceeded. WRITE_LIMIT unless another limiter is given.
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
 * The same as a middleware, for routes whose limit comes before anything else the handler
 * does: `key` builds the limiter key from the context (and the variables set before it).
 */
export function rateLimit<E extends { Bindings: Env }>(key: (c: Context<E>) => string): MiddlewareHandler<E> {
  return async function rateLimit(c, next) {
    await enforceRateLimit(c.env, key(c));
    await next();
  };
}

/** The client's network (`ipPrefix` of `CF-Connecting-IP`), the subject of anonymous limits. */
export function clientNetwork(req: { header(name: string): string | undefined }): { network: string } {
  return { network: ipPrefix(req.header("CF-Connecting-IP")) };
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

/**
 * CORS of the browser-facing per-site API (R7.4): an `Origin` is echoed only when the site's
 * config lists it, always with `Vary: Origin`. The site owner API (admin) has no CORS at all.
 */
import type { Context } from "hono";
import { cors } from "hono/cors";
import type { SiteEnv } from "./site";

/** CORS for a site: the `Origin` is echoed only when the site lists it, always with Vary: Origin. */
export const siteCors = cors({
  origin: (origin, c: Context<SiteEnv>) => (c.get("site").config.allowedOrigins.includes(origin) ? origin : null),
  allowMethods: ["GET", "POST", "DELETE"],
  allowHeaders: ["Content-Type", "Authorization", "Idempotency-Key"],
  exposeHeaders: ["Retry-After", "Content-Disposition"],
  maxAge: 600,
});

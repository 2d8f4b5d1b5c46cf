/**
 * `Cache-Control: no-store` on every answer of a group of routes (the site owner API, the
 * visitor's own data): nothing they return may be kept by a browser or a shared cache.
 */
import type { MiddlewareHandler } from "hono";

/** Sets `Cache-Control: no-store` on the response, whatever the handler set. */
export const noStore: MiddlewareHandler = async function noStore(c, next) {
  await next();
  c.header("Cache-Control", "no-store");
};

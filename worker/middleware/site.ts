/**
 * Site loading for every route under /v1/sites/{siteId}: the path segment is validated and the
 * site's configuration loaded (worker/sites/store.ts) into `c.var.site`, or the request ends
 * with 400 `invalid_site_id` / 404 before any other work.
 */
import type { MiddlewareHandler } from "hono";
import { SiteId } from "../contract";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { type LoadedSite, loadSite } from "../sites/store";

/** Hono generic for routes under /v1/sites/{siteId}. */
export interface SiteEnv extends AppEnv {
  Variables: { site: LoadedSite };
}

/** Validates the `siteId` path segment and loads the site (404 when unknown). */
export const siteLoader: MiddlewareHandler<SiteEnv> = async function siteLoader(c, next) {
  const siteId = c.req.param("siteId");
  if (!SiteId.safeParse(siteId).success)
    throw new ApiError(400, "invalid_site_id", "The site id is not valid", { detail: "A site id is 1–48 of a-z, 0-9 and '-'." });
  c.set("site", await loadSite(c.env, siteId!));
  await next();
};

/**
 * GET /v1/sites/{siteId}/privacy-notice?lang=de&format=html|md: the site's privacy-notice
 * section (./generate.ts), for the site owner to paste into their privacy policy or to fetch
 * from their own build (R9.11). Public, like bootstrap: it says only what the config already
 * shows every visitor.
 *
 * - `lang`: one of the site's languages the notice is written in (default: the site's default
 *   language); a malformed tag, or a language the site has no notice in, is 400 `invalid_query`
 *   (the detail lists the languages it has).
 * - `format`: `html` (default, a fragment) or `md`.
 *
 * The answer depends only on the config and the URL, so shared caches may keep it for a few
 * minutes, and it carries an ETag (a changed config changes it): Hono's `etag` middleware hashes
 * the body and answers a matching `If-None-Match` with 304. Links to the rights pages use
 * the origin the request came to, which is the Worker's public origin.
 */
import { Hono } from "hono";
import { etag } from "hono/etag";
import * as z from "zod";
import { Locale } from "../contract";
import { invalidQuery, parseQuery } from "../lib/errors";
import type { SiteEnv } from "../middleware/site";
import { buildNotice, noticeLocales } from "./generate";
import { noticeHtml, noticeMarkdown } from "./render";

/** Seconds browsers and shared caches may reuse a notice. */
export const NOTICE_MAX_AGE_SECONDS = 300;

/** The query of the route; unknown parameters are ignored. */
export const NoticeQuery = z.object({
  lang: Locale.optional(),
  format: z.enum(["html", "md"]).default("html"),
});

const CONTENT_TYPE = { html: "text/html; charset=utf-8", md: "text/markdown; charset=utf-8" } as const;

/** The route, mounted under /v1/sites/{siteId} behind the site loader and CORS (worker/app.ts). */
export const privacyNoticeRoutes = new Hono<SiteEnv>().get("/privacy-notice", etag(), async (c) => {
  const query = parseQuery(NoticeQuery, c.req.query(), "lang must be a BCP 47 tag such as en or de-CH; format must be html or md.");
  const { config } = c.get("site");
  const available = noticeLocales(config);
  const wanted = query.lang ?? config.defaultLocale;
  const locale = available.find((l) => l.toLowerCase() === wanted.toLowerCase());
  if (!locale) {
    const message = available.length > 0 ? `the site's privacy notice is available in: ${available.join(", ")}` : "none of the site's languages has privacy-notice wording yet";
    throw invalidQuery(`lang: ${message}.`, [{ path: "lang", message }]);
  }
  const notice = buildNotice(config, locale, new URL(c.req.url).origin);
  const body = query.format === "md" ? noticeMarkdown(notice) : noticeHtml(notice);
  return c.body(body, 200, {
    "Content-Type": CONTENT_TYPE[query.format],
    "Content-Language": locale,
    "Cache-Control": `public, max-age=${NOTICE_MAX_AGE_SECONDS}`,
    // A fragment to paste, not a page to run: nothing in it may load or execute if opened as is.
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
});

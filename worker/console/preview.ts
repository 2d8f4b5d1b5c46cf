/**
 * The live preview: the real widget (`assent.js` and its Lit modules, nothing imitated)
 * rendering a draft nobody has published, in an iframe of the configuration page.
 *
 * - `POST /console/api/sites/{siteId}/previews` `{ config }` (any role): validates the draft
 *   with the contract's schema (422 `invalid_config` with every problem) and keeps it for an
 *   hour under the SHA-256 of a random id; answers the id.
 * - `GET /console/preview/{id}?mode=&lang=&scheme=&view=`: the page. It loads `assent.js` with
 *   `data-endpoint` pointing at `/console/preview/{id}/{mode}/{scheme}/`, so every request the
 *   widget makes comes back here:
 *   - `…/v1/sites/{siteId}/bootstrap`: the draft's bootstrap, built by the same function as
 *     the real one (worker/consent/bootstrap.ts), with the edge decision the console asked
 *     for (`opt-in` as in the EU, `opt-out` as in California, `gpc`: opt-out with Global
 *     Privacy Control, `notice`) and the colour scheme (`light`, `dark`);
 *   - `…/v/{version}/{file}`: the widget's modules, from the static assets;
 *   - `…/v1/sites/{siteId}/consents`: refused with 403 `preview_not_recorded`, so a click in
 *     the preview records nothing (the widget keeps its local decision and says so in the
 *     console); any other API path: 404.
 *
 * The page needs a signed-in person with a role on the preview's site. The widget's own
 * requests carry no cookie (it never sends credentials), so for them the preview's id is the
 * credential: 32 random bytes, in no URL but the console's iframe (Referrer-Policy
 * same-origin), valid for an hour, and all it opens is the draft's bootstrap. The page may be
 * framed by the console only (`frame-ancestors 'self'`).
 */
import { Hono } from "hono";
import * as z from "zod";
import { BootstrapQuery, bootstrapBody } from "../consent/bootstrap";
import { negotiateLocale } from "../consent/policy";
import { ConsoleConfigCheckInput, type EdgeDecision, Locale } from "../contract";
import { escapeHtml } from "../email/messages";
import { ApiError, parseConsoleQuery } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { ASSENT_VERSION } from "../lib/version";
import { sha256Hex } from "../lib/sha256";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { checkDraft } from "../sites/publish";
import { loadSite, prepareSite } from "../sites/store";
import { type ConsoleEnv, requireRole, requireUser } from "./auth";
import { newSecret } from "./sign-in";
import { createPreview, findPreview, roleOn } from "./store";

/** What the preview simulates: a regime, or opt-out with Global Privacy Control. */
export const PreviewMode = z.enum(["opt-in", "opt-out", "gpc", "notice"]);
export type PreviewMode = z.infer<typeof PreviewMode>;

/** The colour scheme the widget is shown in. */
const PreviewScheme = z.enum(["light", "dark"]);

const PreviewQuery = z.object({
  mode: PreviewMode.default("opt-in"),
  lang: Locale.optional(),
  scheme: PreviewScheme.default("light"),
  view: z.enum(["banner", "preferences"]).default("banner"),
});

const PREVIEW_ID = /^[A-Za-z0-9_-]{43}$/;

const notFound = () => new ApiError(404, "not_found", "Not found", { detail: "There is no such preview, it ended (they last an hour), or it is of a site you have no role on." });

/**
 * The preview of `id`; with `person`, only for someone with a role on its site. 404 otherwise,
 * with no hint which.
 */
async function previewFor(env: ConsoleEnv["Bindings"], id: string, person?: string) {
  if (!PREVIEW_ID.test(id)) throw notFound();
  const preview = await findPreview(env, await sha256Hex(id), new Date());
  if (!preview || (person !== undefined && !(await roleOn(env, preview.siteId, person)))) throw notFound();
  return preview;
}

/** The edge decision a preview mode stands for. */
function edgeOf(mode: PreviewMode): EdgeDecision {
  const regime = mode === "gpc" ? "opt-out" : mode;
  return { regime, jurisdiction: null, country: null, gpc: mode === "gpc" };
}

/** The API route: keep a validated draft to preview. */
export const previewApi = new Hono<ConsoleEnv>().post("/sites/:siteId/previews", requireRole("viewer"), async (c) => {
  const user = c.get("user")!;
  await enforceRateLimit(c.env, rateLimitKey(null, "console", { account: user.email }));
  const siteId = c.req.param("siteId");
  const { config } = await parseJsonBody(c.req.raw, ConsoleConfigCheckInput);
  const live = await loadSite({ ...c.env, SITE_CACHE_SECONDS: "0" }, siteId);
  const draft = await checkDraft(siteId, config, live.config);
  const id = newSecret();
  const expiresAt = await createPreview(c.env, await sha256Hex(id), siteId, draft.config, user.email, new Date());
  return c.json({ id, expiresAt }, 201);
});

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "SAMEORIGIN",
  // The widget under the strict CSP it promises to work under (docs/embed.md), framed by the console only.
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
};

/** The pages and the widget's requests under /console/preview. */
export const previewRoutes = new Hono<ConsoleEnv>()
  .get("/:id", requireUser, async (c) => {
    const id = c.req.param("id");
    const preview = await previewFor(c.env, id, c.get("user")!.email);
    const { mode, lang, scheme, view } = parseConsoleQuery(PreviewQuery, c.req.query());
    const site = await prepareSite(preview.config);
    const locale = negotiateLocale(Object.keys(site.config.texts), site.config.defaultLocale, lang, null);
    const base = `/console/v/${ASSENT_VERSION}`;
    const e = escapeHtml;
    return c.body(
      `<!doctype html><html lang="${e(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview of ${e(site.config.name)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${base}/preview.css">
<script src="${base}/preview-page.js" data-view="${e(view)}"></script>
<script src="/assent.js" data-site="${e(site.config.id)}" data-endpoint="/console/preview/${e(id)}/${e(mode)}/${scheme}/" data-lang="${e(locale)}" defer></script>
</head><body class="${scheme}"><main class="page" aria-label="A page of the site (stand-in)"><h1>${e(site.config.name)}</h1><p>A stand-in for a page of the site: the banner below is the real widget, showing the draft.</p>
<div class="line"></div><div class="line"></div><div class="line short"></div></main></body></html>`,
      200,
      PAGE_HEADERS,
    );
  })
  .get("/:id/:mode/:scheme/v1/sites/:siteId/bootstrap", async (c) => {
    const preview = await previewFor(c.env, c.req.param("id"));
    const mode = PreviewMode.safeParse(c.req.param("mode"));
    const scheme = PreviewScheme.safeParse(c.req.param("scheme"));
    const query = BootstrapQuery.safeParse(c.req.query());
    if (!mode.success || !scheme.success || !query.success || c.req.param("siteId") !== preview.siteId) throw notFound();
    const site = await prepareSite(preview.config);
    const locale = negotiateLocale(Object.keys(site.config.texts), site.config.defaultLocale, query.data.lang, c.req.header("Accept-Language"));
    const body = bootstrapBody(site, locale, edgeOf(mode.data));
    return c.json({ ...body, theme: { ...body.theme, colorScheme: scheme.data } });
  })
  .post("/:id/:mode/:scheme/v1/sites/:siteId/consents", async (c) => {
    await previewFor(c.env, c.req.param("id"));
    throw new ApiError(403, "preview_not_recorded", "Decisions made in a preview are not recorded", {
      detail: "This is the console's preview of a draft: the banner works, and nothing is stored.",
    });
  })
  .get("/:id/:mode/:scheme/v/*", async (c) => {
    await previewFor(c.env, c.req.param("id"));
    const path = new URL(c.req.url).pathname.replace(/^\/console\/preview\/[^/]+\/[^/]+\/[^/]+\//, "/");
    return c.env.ASSETS.fetch(new Request(new URL(path, c.req.url)));
  })
  .all("/:id/:mode/:scheme/*", async (c) => {
    await previewFor(c.env, c.req.param("id"));
    throw new ApiError(404, "not_found", "Not in a preview", { detail: "The preview answers bootstrap and the widget's files; nothing else." });
  });

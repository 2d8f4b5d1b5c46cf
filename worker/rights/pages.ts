/**
 * The rights pages a site's visitors reach from its preference center ("Your privacy rights",
 * "Your California Privacy Rights") or its privacy policy, and from the messages Assent sends:
 *
 * - `GET /r/{siteId}`: the request types the site offers, with a California section when
 *   `rights.california` is on. `?lang=` picks one of the site's languages (else Accept-Language).
 * - `GET /r/{siteId}/{type}`, `POST` the same: the form of one type, asking only what it needs;
 *   errors come back on the same form, field by field.
 * - `GET /r/{siteId}/verify/{token}`: a page whose button confirms; a GET never verifies, so a
 *   mail scanner that follows links does nothing (R9.4). `POST`: verifies once, then does what
 *   Assent can (worker/rights/fulfil.ts).
 * - `GET`/`POST /r/{siteId}/new-address/{token}`: the confirmation of a corrected address (R9.3).
 * - `GET /r/{siteId}/download/{token}`: an access request's answer, as a JSON download, built
 *   when fetched; the link works for DOWNLOAD_DAYS and changes nothing.
 *
 * Plain HTML forms, no script at all (the CSP allows none), the pages' one stylesheet from the
 * Worker's own origin, no third party. Turnstile needs Cloudflare's script, so it guards the API
 * only (worker/rights/api.ts); the page's POSTs are rate limited per network instead.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type * as z from "zod";
import { negotiateLocale } from "../consent/policy";
import { RightsRequestCreate, RightsRequestType, type SiteConfig } from "../contract";
import type { AppEnv, Env } from "../env";
import { escapeHtml, page } from "../email/messages";
import { ApiError } from "../lib/errors";
import { htmlResponse } from "../lib/html-response";
import { sha256Hex } from "../lib/sha256";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { sizeGuard } from "../middleware/size-guard";
import { findSite as siteOrNull } from "../sites/store";
import { queuedWebhooks } from "../webhooks/after-response";
import { accessExport } from "./access";
import { DOWNLOAD_DAYS, confirmNewAddress, verifyRequest } from "./fulfil";
import type { RightsStrings } from "./i18n/types";
import { type Filed, fileRequest, offeredTypes, verifyDays } from "./intake";
import { formatDate, rightsStrings } from "./messages";
import { findRightsLink } from "./store";

type Status = 200 | 400 | 404 | 410 | 413 | 422 | 429 | 503;

const html = (body: string, status: Status = 200, extra: Record<string, string> = {}) => htmlResponse(body, status, extra);

/** The same answer for an unknown site, type or link: no hint which. */
const notFound = () => html(page("en", "Not found", `<p>${escapeHtml(rightsStrings("en").invalidLink)}</p>`), 404);

const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
const localeOf = (site: SiteConfig, lang: string | undefined, acceptLanguage: string | undefined) =>
  negotiateLocale(Object.keys(site.texts), site.defaultLocale, lang, acceptLanguage);

/** The index: each offered type, a link to its form and what it does. */
function indexPage(site: SiteConfig, locale: string): string {
  const s = rightsStrings(locale);
  const offered = offeredTypes(site);
  const item = (t: RightsRequestType) =>
    `<li><a href="/r/${escapeHtml(site.id)}/${t}?lang=${encodeURIComponent(locale)}">${escapeHtml(s.types[t].name)}</a><br>${escapeHtml(s.types[t].description)}</li>`;
  const general = offered.filter((t) => t !== "shine_the_light" && t !== "minor_content_removal");
  const california = offered.filter((t) => t === "shine_the_light" || t === "minor_content_removal");
  return page(
    locale,
    s.title,
    `${p(s.intro(site.name))}${site.childDirected ? p(s.childDirectedNote) : ""}<ul>${general.map(item).join("")}</ul>${
      site.rights.california
        ? `<section aria-labelledby="california"><h2 id="california">${escapeHtml(s.californiaTitle)}</h2>${p(s.californiaIntro)}<ul>${california.map(item).join("")}</ul></section>`
        : ""
    }`,
  );
}

/** The fields of a form, as posted (strings) and their errors. */
type Values = Record<string, string>;
type Errors = Record<string, string>;

/** A form of one type, with what was typed and the errors of the last attempt. */
function formPage(site: SiteConfig, type: RightsRequestType, locale: string, values: Values = {}, errors: Errors = {}): string {
  const s = rightsStrings(locale);
  const days = verifyDays(site);
  const v = (name: string) => escapeHtml(values[name] ?? "");
  const described = (name: string, hint: boolean) => {
    const ids = [hint ? `${name}-hint` : "", errors[name] ? `${name}-error` : ""].filter(Boolean).join(" ");
    return `${ids ? ` aria-describedby="${ids}"` : ""}${errors[name] ? ' aria-invalid="true"' : ""}`;
  };
  // Each field's label, for the error summary ("Your email address: Enter an email address…").
  const labels: Record<string, string> = {};
  const err = (name: string) => (errors[name] ? `<span class="error" id="${name}-error">${escapeHtml(errors[name]!)}</span>` : "");
  const email = (name: string, label: string, hint: string | null, required: boolean) =>
    (labels[name] = label) &&
    `<label for="${name}">${escapeHtml(label)}${required ? "" : ` (${escapeHtml(s.optional)})`}</label>${hint ? `<span class="hint" id="${name}-hint">${escapeHtml(hint)}</span>` : ""}${err(name)}
<input type="email" id="${name}" name="${name}" autocomplete="email" maxlength="254" value="${v(name)}"${required ? " required" : ""}${described(name, hint !== null)}>`;
  const area = (name: string, label: string, required: boolean) =>
    (labels[name] = label) &&
    `<label for="${name}">${escapeHtml(label)}${required ? "" : ` (${escapeHtml(s.optional)})`}</label>${err(name)}
<textarea id="${name}" name="${name}" rows="4" maxlength="2000"${required ? " required" : ""}${described(name, false)}>${v(name)}</textarea>`;
  const check = (name: string, label: string) =>
    (labels[name] = label) &&
    `${err(name)}<label class="check" for="${name}"><input type="checkbox" id="${name}" name="${name}" value="yes" required${values[name] ? " checked" : ""}${described(name, false)}> ${escapeHtml(label)}</label>`;
  let fields: string;
  switch (type) {
    case "opt_out":
      fields = email("email", s.optOutEmailLabel, null, false);
      break;
    case "shine_the_light":
      fields = email("email", s.emailLabel, s.emailHelpAnswer, true);
      break;
    case "correction":
      fields = `${email("email", s.emailLabel, s.emailHelpVerify(days), true)}${area("correction", s.correctionLabel, true)}${email("newEmail", s.newEmailLabel, null, false)}`;
      break;
    case "minor_content_removal":
      fields = `${email("email", s.emailLabel, s.emailHelpVerify(days), true)}${area("contentLocation", s.contentLocationLabel, true)}${check("californiaResident", s.californiaResidentLabel)}`;
      break;
    case "child_data_deletion":
      // A site directed to children collected no child's address: the parent gives their own (R9.9).
      fields = `${email("email", site.childDirected ? s.emailLabel : s.childEmailLabel, s.emailHelpVerify(days), true)}${check("parentOrGuardian", s.parentOrGuardianLabel)}${area("details", s.detailsLabel, false)}`;
      break;
    default:
      fields = email("email", s.emailLabel, s.emailHelpVerify(days), true);
  }
  const names = Object.keys(errors);
  const summary = names.length
    ? `<div class="summary" role="alert"><h2>${escapeHtml(s.fixErrors)}</h2><ul>${names.map((n) => `<li><a href="#${n}">${escapeHtml(labels[n] ? `${labels[n].replace(/[.:。]$/u, "")}: ${errors[n]!}` : errors[n]!)}</a></li>`).join("")}</ul></div>`
    : "";
  return page(
    locale,
    s.types[type].name,
    `${summary}${p(s.types[type].description)}${type === "minor_content_removal" ? `<p class="notice">${escapeHtml(s.minorNotice)}</p>` : ""}
<form method="post" action="/r/${escapeHtml(site.id)}/${type}" novalidate><input type="hidden" name="locale" value="${escapeHtml(locale)}">${fields}
<button type="submit">${escapeHtml(s.submit)}</button></form>
<p><a href="/r/${escapeHtml(site.id)}?lang=${encodeURIComponent(locale)}">${escapeHtml(s.back)}</a></p>`,
  );
}

/** The fields of each type's form: what the contract's schema gets from a posted form. */
const FORM_FIELDS: Record<string, "text" | "check"> = {
  email: "text", correction: "text", newEmail: "text", contentLocation: "text", details: "text", californiaResident: "check", parentOrGuardian: "check",
};

/** A posted form as the contract's input: empty fields left out, ticked boxes true, unknown fields ignored. */
function formInput(type: RightsRequestType, body: Record<string, unknown>): { input: Record<string, unknown>; values: Values } {
  const input: Record<string, unknown> = { type };
  const values: Values = {};
  for (const [name, kind] of Object.entries(FORM_FIELDS)) {
    const raw = body[name];
    if (typeof raw !== "string" || raw.trim() === "") continue;
    values[name] = raw;
    input[name] = kind === "check" ? true : raw.trim();
  }
  if (typeof body.locale === "string") input.locale = body.locale.slice(0, 35);
  return { input, values };
}

/** Each field's error, in the requester's words. */
function fieldErrors(error: z.ZodError, s: RightsStrings): Errors {
  const errors: Errors = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? "");
    if (!(name in FORM_FIELDS) || errors[name]) continue;
    errors[name] = FORM_FIELDS[name] === "check" ? s.errorStatement : name === "email" || name === "newEmail" ? (issue.code === "invalid_type" ? s.errorRequired : s.errorEmail) : s.errorRequired;
  }
  return errors;
}

/** The page after a request was filed. */
function filedPage(site: SiteConfig, filed: Filed, locale: string): string {
  const s = rightsStrings(locale);
  const due = p(s.dueLine(formatDate(filed.receipt.dueBy, locale)));
  const back = `<p><a href="/r/${escapeHtml(site.id)}?lang=${encodeURIComponent(locale)}">${escapeHtml(s.back)}</a></p>`;
  switch (filed.receipt.next) {
    case "check_email":
      return page(locale, s.checkEmailTitle, `<div role="status">${p(s.checkEmail(verifyDays(site)))}</div>${due}${back}`);
    case "answer_emailed":
      return page(locale, s.answerSentTitle, `<div role="status">${p(s.answerSent)}</div>${back}`);
    case "owner":
      return page(locale, s.optOutDoneTitle, `<div role="status">${p(s.optOutDone)}</div>${p(s.optOutBrowser)}${due}${back}`);
    case "done":
      return page(locale, s.optOutDoneTitle, `<div role="status">${p(s.optOutDone)}</div>${p(s.optOutBrowser)}${back}`);
  }
}

/** A limited or failed POST as a page, with the API error's status and headers. */
function errorPage(err: ApiError, locale: string): Response {
  const s = rightsStrings(locale);
  const text = err.status === 429 ? s.tooMany : err.status === 503 ? s.sendFailed : err.status === 413 ? s.tooLong : s.unavailable;
  const status = ([413, 422, 429, 503] as const).find((code) => code === err.status) ?? 400;
  return html(page(locale, err.status === 429 ? s.tooMany : s.title, `<p role="alert">${escapeHtml(text)}</p>`), status, err.headers);
}

/**
 * The body cap of a form (R6.3), answered as a page in the requester's language rather than the
 * API's problem+json: a person who wrote too much sees what to do.
 */
const formSizeGuard = createMiddleware<AppEnv>(async (c, next) => {
  try {
    await sizeGuard(c, next);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "body_too_large")) throw err;
    const site = await siteOrNull(c.env, c.req.param("siteId") ?? "");
    if (!site) return notFound();
    c.res = errorPage(err, localeOf(site, c.req.query("lang"), c.req.header("Accept-Language")));
  }
});

/** The rate limit of a page's POST. */
const limitPost = (env: Env, siteId: string, req: Parameters<typeof clientNetwork>[0]) => enforceRateLimit(env, rateLimitKey(siteId, "rights", clientNetwork(req)));

export const rightsPages = new Hono<AppEnv>()
  .get("/r/:siteId", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    if (!site) return notFound();
    return html(indexPage(site, localeOf(site, c.req.query("lang"), c.req.header("Accept-Language"))));
  })
  .get("/r/:siteId/download/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const found = site ? await findRightsLink(c.env, site.id, await sha256Hex(c.req.param("token"))) : null;
    if (!site || !found || found.link.purpose !== "download") return notFound();
    const s = rightsStrings(found.request.locale);
    if (Date.parse(found.link.expires_at) <= Date.now() || !found.request.email_hash)
      return html(page(found.request.locale, s.goneTitle, p(s.goneBody)), 410);
    // The address itself is gone once the request is closed; the export names it from the link's request while it is held.
    const body = await accessExport(c.env, site, found.request.email ?? "", found.request.email_hash, new Date());
    return new Response(JSON.stringify(body, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${site.id}-my-data.json"`,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; sandbox",
      },
    });
  })
  .get("/r/:siteId/:kind{verify|new-address}/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const found = site ? await findRightsLink(c.env, site.id, await sha256Hex(c.req.param("token"))) : null;
    const purpose = c.req.param("kind") === "verify" ? "verify" : "new_address";
    if (!site || !found || found.link.purpose !== purpose) return notFound();
    const { locale } = found.request;
    const s = rightsStrings(locale);
    if (found.link.used_at || Date.parse(found.link.expires_at) <= Date.now()) return html(page(locale, s.goneTitle, p(s.goneBody)), 410);
    const [title, intro, button] =
      purpose === "verify" ? [s.verifyTitle, s.verifyIntro(s.types[found.request.type].name), s.verifyButton] : [s.newAddressTitle, s.newAddressIntro, s.newAddressButton];
    // A correction names the address the subscriptions would move to, so nobody confirms a move they did not ask for.
    const newEmail = purpose === "verify" && found.request.details ? (JSON.parse(found.request.details) as { newEmail?: string }).newEmail : undefined;
    return html(page(locale, title, `${p(intro)}${newEmail ? p(s.movesTo(newEmail)) : ""}<form method="post"><button type="submit">${escapeHtml(button)}</button></form>`));
  })
  .post("/r/:siteId/:kind{verify|new-address}/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    if (!site) return notFound();
    const tokenHash = await sha256Hex(c.req.param("token"));
    try {
      await enforceRateLimit(c.env, rateLimitKey(site.id, "confirm", { link: tokenHash.slice(0, 32) }));
      await limitPost(c.env, site.id, c.req);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) return errorPage(err, site.defaultLocale);
      throw err;
    }
    const found = await findRightsLink(c.env, site.id, tokenHash);
    const purpose = c.req.param("kind") === "verify" ? "verify" : "new_address";
    if (!found || found.link.purpose !== purpose) return notFound();
    const { locale } = found.request;
    const s = rightsStrings(locale);
    const gone = () => html(page(locale, s.goneTitle, p(s.goneBody)), 410);
    const origin = new URL(c.req.url).origin;
    const now = new Date();
    if (purpose === "new_address") {
      const { moved, webhooksQueued } = await confirmNewAddress(c.env, site, found.link, found.request, now);
      queuedWebhooks(c, site.id, webhooksQueued);
      return moved ? html(page(locale, s.verifiedTitle, `<div role="status">${p(s.newAddressDone)}</div>`)) : gone();
    }
    const { result, webhooksQueued } = await verifyRequest(c.env, site, found.link, found.request, origin, now);
    queuedWebhooks(c, site.id, webhooksQueued);
    switch (result.kind) {
      case "gone":
        return gone();
      case "download":
        return html(
          page(locale, s.verifiedTitle, `<div role="status">${p(s.accessReady(DOWNLOAD_DAYS))}</div><p><a href="${escapeHtml(result.url)}" download>${escapeHtml(s.downloadButton)}</a></p>${p(s.ownerNext)}`),
        );
      case "erased":
        return html(page(locale, s.verifiedTitle, `<div role="status">${p(s.deletionDone)}</div>${p(s.propagation)}${p(s.ownerNext)}`));
      case "new_address_sent":
        return html(page(locale, s.verifiedTitle, `<div role="status">${p(s.newAddressSent)}</div>${p(s.ownerNext)}`));
      case "owner":
        return html(page(locale, s.verifiedTitle, `<div role="status">${p(s.ownerNext)}</div>`));
    }
  })
  .get("/r/:siteId/:type", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const type = RightsRequestType.safeParse(c.req.param("type"));
    if (!site || !type.success || !offeredTypes(site).includes(type.data)) return notFound();
    return html(formPage(site, type.data, localeOf(site, c.req.query("lang"), c.req.header("Accept-Language"))));
  })
  .post("/r/:siteId/:type", formSizeGuard, async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const type = RightsRequestType.safeParse(c.req.param("type"));
    if (!site || !type.success || !offeredTypes(site).includes(type.data)) return notFound();
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const { input, values } = formInput(type.data, body);
    const locale = localeOf(site, typeof input.locale === "string" ? input.locale : undefined, c.req.header("Accept-Language"));
    input.locale = locale;
    const s = rightsStrings(locale);
    const parsed = RightsRequestCreate.safeParse(input);
    if (!parsed.success) return html(formPage(site, type.data, locale, values, fieldErrors(parsed.error, s)), 400);
    try {
      await limitPost(c.env, site.id, c.req);
      const filed = await fileRequest(c.env, site, parsed.data, { channel: "web_form", origin: new URL(c.req.url).origin, now: new Date(), acceptLanguage: c.req.header("Accept-Language") });
      queuedWebhooks(c, site.id, filed.webhooksQueued);
      return html(filedPage(site, filed, locale));
    } catch (err) {
      if (err instanceof ApiError && err.status !== 500 && !(err.code === "storage_unavailable")) return errorPage(err, locale);
      throw err;
    }
  });

/**
 * The pages people reach from an email, outside the per-site API (no Origin check, no token
 * header: the link itself is the credential):
 *
 * - `GET /e/{siteId}/confirm/{token}`: a page whose button confirms. A GET never confirms, so a
 *   mail scanner that follows links confirms nothing (R5.2).
 * - `POST /e/{siteId}/confirm/{token}`: confirms once; 410 after use or expiry.
 * - `GET /u/{token}`: the email-preferences page: each list, and "unsubscribe from all". It
 *   changes nothing (link scanners prefetch). A genuine link for an address this site has
 *   nothing on record about gets the same answer as a forged one, and changes nothing: no
 *   suppression, no event about nobody.
 * - `POST /u/{token}`: RFC 8058 one-click unsubscribe. Any body (normally
 *   `List-Unsubscribe=One-Click`), no cookies or authorization read, idempotent, 200, never a
 *   redirect (R5.4, R5.5). `?all=1` leaves every list of the site.
 * - `GET /dev/outbox`: the local outbox, only when DEV_MODE is "true" (local development).
 *
 * The two POSTs change state and are rate limited: a confirmation per link and per network, an
 * unsubscribe per address and list (mailbox providers send RFC 8058 POSTs for many people from
 * the same networks, so a per-network limit would refuse real unsubscribes). A limited request
 * gets a plain page with 429 and Retry-After.
 */
import { Hono } from "hono";
import { refreshVisitorRecord } from "../consent/visitor-record";
import type { AppEnv, Env } from "../env";
import { ApiError, storage } from "../lib/errors";
import { htmlResponse } from "../lib/html-response";
import { sha256Hex } from "../lib/sha256";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { findSite as siteOrNull } from "../sites/store";
import { queuedWebhooks } from "../webhooks/after-response";
import { openUnsubscribeToken } from "./links";
import { escapeHtml, emailStrings, listTitles, page } from "./messages";
import { addressState, confirm, findSignupRequest, unsubscribe } from "./store";

const html = (body: string, status: 200 | 400 | 404 | 410 | 429 = 200) => htmlResponse(body, status);

/** The same answer for a forged, unknown or foreign link: no hint which (R5.5). */
const invalidLink = () => html(page("en", emailStrings("en").unsubInvalid, ""), 400);

/** Applies a rate limit to a page's POST: a plain page with 429 and Retry-After when exceeded. */
async function limited(env: Env, key: string): Promise<Response | null> {
  try {
    await enforceRateLimit(env, key);
    return null;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 429) throw err;
    const res = html(page("en", "Too many requests", "<p>Please wait a few seconds and try again.</p>"), 429);
    for (const [name, value] of Object.entries(err.headers)) res.headers.set(name, value);
    return res;
  }
}

export const emailPages = new Hono<AppEnv>()
  .get("/e/:siteId/confirm/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const found = site ? await findSignupRequest(c.env, site.id, await sha256Hex(c.req.param("token"))) : null;
    if (!site || !found) return invalidLink();
    const s = emailStrings(found.locale);
    if (found.used_at || Date.parse(found.expires_at) <= Date.now())
      return html(page(found.locale, s.goneTitle, `<p>${escapeHtml(s.goneBody)}</p>`), 410);
    const lists = listTitles(site, [found.list_id], found.locale);
    return html(
      page(
        found.locale,
        s.confirmPageTitle,
        `<p>${escapeHtml(s.confirmIntro(site.name, lists))}</p>
<form method="post"><button type="submit">${escapeHtml(s.confirmPageButton)}</button></form>`,
      ),
    );
  })
  .post("/e/:siteId/confirm/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    if (!site) return invalidLink();
    const tokenHash = await sha256Hex(c.req.param("token"));
    const limit =
      (await limited(c.env, rateLimitKey(site.id, "confirm", { link: tokenHash.slice(0, 32) }))) ??
      (await limited(c.env, rateLimitKey(site.id, "confirm", clientNetwork(c.req))));
    if (limit) return limit;
    const found = await findSignupRequest(c.env, site.id, tokenHash);
    if (!found) return invalidLink();
    const { outcome, webhooksQueued } = await confirm(c.env, found, new Date().toISOString());
    queuedWebhooks(c, site.id, webhooksQueued);
    const s = emailStrings(found.locale);
    if (outcome !== "confirmed") return html(page(found.locale, s.goneTitle, `<p>${escapeHtml(s.goneBody)}</p>`), 410);
    // The browser that asked is linked now: its KV record shows the list as confirmed.
    if (found.visitor_id) await refreshVisitorRecord(c.env, site.id, found.visitor_id);
    const lists = listTitles(site, [found.list_id], found.locale);
    return html(page(found.locale, s.confirmedTitle, `<p>${escapeHtml(s.confirmedBody(lists))}</p>`));
  })
  .get("/u/:token", async (c) => {
    const payload = await openUnsubscribeToken(c.env, c.req.param("token"));
    const site = payload ? await siteOrNull(c.env, payload.s) : null;
    if (!payload || !site || !site.communications.some((l) => l.id === payload.l)) return invalidLink();
    const { known, statuses, locale: subscriberLocale } = await addressState(c.env, site.id, payload.e, new Date());
    if (!known) return invalidLink();
    // The subscriber's language when their subscription is still on record, else the site's.
    const locale = subscriberLocale ?? site.defaultLocale;
    const s = emailStrings(locale);
    const rows = site.communications
      .map((l) => {
        const title = listTitles(site, [l.id], locale);
        const subscribed = statuses[l.id] === "confirmed" || statuses[l.id] === "pending";
        return `<li><strong>${escapeHtml(title)}</strong> — ${escapeHtml(subscribed ? s.subscribed : s.notSubscribed)}${
          l.id === payload.l
            ? `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(s.unsubOne(title))}</button></form>`
            : ""
        }</li>`;
      })
      .join("");
    return html(
      page(
        locale,
        s.unsubTitle,
        `<p>${escapeHtml(s.unsubIntro)}</p><ul>${rows}</ul>
<form method="post" action="?all=1"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(s.unsubAll)}</button></form>`,
      ),
    );
  })
  .post("/u/:token", async (c) => {
    // RFC 8058: no cookies, no authorization, no CSRF token — the signed link is the credential.
    const payload = await openUnsubscribeToken(c.env, c.req.param("token"));
    const site = payload ? await siteOrNull(c.env, payload.s) : null;
    if (!payload || !site || !site.communications.some((l) => l.id === payload.l)) return invalidLink();
    const limit = await limited(c.env, rateLimitKey(site.id, "unsubscribe", { address: payload.e }));
    if (limit) return limit;
    const address = await addressState(c.env, site.id, payload.e, new Date());
    if (!address.known) return invalidLink();
    const lists = c.req.query("all") === "1" ? site.communications.map((l) => l.id) : [payload.l];
    const at = new Date().toISOString();
    let queued = 0;
    for (const listId of lists)
      queued += (await unsubscribe(c.env, { siteId: site.id, listId, emailHash: payload.e, at, source: "one_click" })).webhooksQueued;
    queuedWebhooks(c, site.id, queued);
    // Every browser linked to this address shows the new status in its KV record.
    for (const visitorId of address.visitorIds) await refreshVisitorRecord(c.env, site.id, visitorId);
    const locale = address.locale ?? site.defaultLocale;
    const s = emailStrings(locale);
    return html(page(locale, s.unsubTitle, `<p role="status">${escapeHtml(s.unsubDone)}</p>`));
  })
  .get("/dev/outbox", async (c) => {
    if (c.env.DEV_MODE !== "true") return c.notFound();
    const { results } = await storage("outbox read", () =>
      c.env.LEDGER.prepare(`SELECT * FROM outbox ORDER BY created_at DESC LIMIT 50`).all<{
        id: string;
        to_address: string;
        from_address: string;
        subject: string;
        headers: string;
        text_body: string;
        created_at: string;
      }>(),
    );
    if (c.req.query("format") === "json") return c.json({ messages: results });
    const items = results
      .map((m) => {
        const text = escapeHtml(m.text_body).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
        return `<article><h2>${escapeHtml(m.subject)}</h2><p>To ${escapeHtml(m.to_address)} · from ${escapeHtml(m.from_address)} · ${escapeHtml(m.created_at)}</p>
<pre>${text}</pre><details><summary>Headers</summary><pre>${escapeHtml(m.headers)}</pre></details></article>`;
      })
      .join("");
    return html(page("en", "Local outbox (development only)", items || "<p>No messages yet.</p>"));
  });

/**
 * The pages people reach from an email, outside the per-site API (no Origin check, no token
 * header: the link itself is the credential):
 *
 * - `GET /e/{siteId}/confirm/{token}`: a page whose button confirms. A GET never confirms, so a
 *   mail scanner that follows links confirms nothing (R5.2).
 * - `POST /e/{siteId}/confirm/{token}`: confirms once; 410 after use or expiry.
 * - `GET /u/{token}`: the email-preferences page: each list, and "unsubscribe from all". It
 *   changes nothing (link scanners prefetch).
 * - `POST /u/{token}`: RFC 8058 one-click unsubscribe. Any body (normally
 *   `List-Unsubscribe=One-Click`), no cookies or authorization read, idempotent, 200, never a
 *   redirect (R5.4, R5.5). `?all=1` leaves every list of the site.
 * - `GET /dev/outbox`: the local outbox, only when DEV_MODE is "true" (local development).
 */
import { Hono } from "hono";
import type { SiteConfig } from "../contract";
import type { AppEnv, Env } from "../env";
import { escapeHtml, emailStrings, listTitles, page } from "../email/messages";
import { storage } from "../errors";
import { sha256Hex } from "../fingerprint";
import { loadSite } from "../store/sites";
import { addressState, confirm, findByConfirmToken, unsubscribe } from "../store/subscriptions";
import { openSealed, signSealed } from "../tokens";
import { refreshVisitorRecord } from "../visitor-record";
import { deliverSoon } from "../webhooks/deliver";

/** What an unsubscribe link carries: site, list and the keyed hash of the address. */
interface UnsubscribePayload {
  s: string;
  l: string;
  e: string;
  iat: number;
}

/**
 * The one-click unsubscribe URL for an address and list: HMAC-signed with a key id, no expiry
 * (R5.6); rotation by key id, the previous key still verifies.
 */
export async function unsubscribeUrl(env: Env, origin: string, siteId: string, listId: string, emailHash: string): Promise<string> {
  const token = await signSealed(env, "u1", { s: siteId, l: listId, e: emailHash, iat: Math.floor(Date.now() / 1000) });
  return `${origin}/u/${token}`;
}

const html = (body: string, status: 200 | 400 | 404 | 410 = 200) =>
  new Response(body, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'",
    },
  });

async function siteOrNull(env: Env, siteId: string): Promise<SiteConfig | null> {
  try {
    return (await loadSite(env, siteId)).config;
  } catch {
    return null;
  }
}

/** The same answer for a forged, unknown or foreign link: no hint which (R5.5). */
const invalidLink = () => html(page("en", emailStrings("en").unsubInvalid, ""), 400);

export const emailPages = new Hono<AppEnv>()
  .get("/e/:siteId/confirm/:token", async (c) => {
    const site = await siteOrNull(c.env, c.req.param("siteId"));
    const found = site ? await findByConfirmToken(c.env, site.id, await sha256Hex(c.req.param("token"))) : null;
    if (!site || !found) return invalidLink();
    const s = emailStrings(found.sub.locale);
    if (found.usedAt || Date.parse(found.expiresAt) <= Date.now())
      return html(page(found.sub.locale, s.goneTitle, `<p>${escapeHtml(s.goneBody)}</p>`), 410);
    const lists = listTitles(site, [found.sub.list_id], found.sub.locale);
    return html(
      page(
        found.sub.locale,
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
    const { outcome, webhooksQueued } = await confirm(c.env, site.id, tokenHash, new Date().toISOString());
    deliverSoon(c, site.id, webhooksQueued);
    if (outcome === "unknown") return invalidLink();
    const found = await findByConfirmToken(c.env, site.id, tokenHash);
    const locale = found?.sub.locale ?? site.defaultLocale;
    const s = emailStrings(locale);
    if (outcome !== "confirmed") return html(page(locale, s.goneTitle, `<p>${escapeHtml(s.goneBody)}</p>`), 410);
    if (found?.sub.visitor_id) await refreshVisitorRecord(c.env, site.id, found.sub.visitor_id);
    const lists = listTitles(site, [found!.sub.list_id], locale);
    return html(page(locale, s.confirmedTitle, `<p>${escapeHtml(s.confirmedBody(lists))}</p>`));
  })
  .get("/u/:token", async (c) => {
    const payload = await openSealed<UnsubscribePayload>(c.env, "u1", c.req.param("token"));
    const site = payload ? await siteOrNull(c.env, payload.s) : null;
    if (!payload || !site || !site.communications.some((l) => l.id === payload.l)) return invalidLink();
    const { statuses, locale: subscriberLocale } = await addressState(c.env, site.id, payload.e);
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
    const payload = await openSealed<UnsubscribePayload>(c.env, "u1", c.req.param("token"));
    const site = payload ? await siteOrNull(c.env, payload.s) : null;
    if (!payload || !site || !site.communications.some((l) => l.id === payload.l)) return invalidLink();
    const lists = c.req.query("all") === "1" ? site.communications.map((l) => l.id) : [payload.l];
    const at = new Date().toISOString();
    let queued = 0;
    for (const listId of lists)
      queued += (await unsubscribe(c.env, { siteId: site.id, listId, emailHash: payload.e, at, source: "one_click" })).webhooksQueued;
    deliverSoon(c, site.id, queued);
    const address = await addressState(c.env, site.id, payload.e);
    // Every browser that signed this address up shows the new status in its KV record.
    for (const visitorId of address.visitorIds.slice(0, 20)) await refreshVisitorRecord(c.env, site.id, visitorId);
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

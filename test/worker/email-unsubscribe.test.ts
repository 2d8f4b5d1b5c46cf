/**
 * Unsubscribing (R5.4–R5.7): RFC 8058 one-click POST /u/{token} that ignores cookies and
 * authorization, never redirects, is idempotent, forgets the address (only its keyed hash stays)
 * and suppresses it, and voids the address's signup requests still waiting in the inbox; a GET
 * page that changes nothing; "unsubscribe from all"; uniform failures for forged links; links
 * that keep working (no expiry, key rotation of the link keys, old `u1.` links signed with the
 * visitor-token keys); a limit per address. And the List-* headers of list mail.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { emailHash } from "../../worker/email/address";
import { listHeaders } from "../../worker/email/messages";
import { signUnsubscribeToken, unsubscribeUrl } from "../../worker/email/links";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { base64url, fromBase64url } from "../../worker/lib/base64url";
import { BASE, call, flippedByte, freshSite, keySetting, withinOneRateWindow } from "./helpers";
import {
  ageSendLog,
  confirmToken,
  confirmedSubscriber,
  eventRows,
  outboxRows,
  postConfirm,
  postSignup,
  requestRows,
  signupBody,
  signupForToken,
  subscriptionRows,
  suppressionRows,
  newAddress,
  oneClick,
  unsubscribePath,
  workerEnv,
} from "./email-helpers";

const DAY_S = 86_400;
const ONE_CLICK = "List-Unsubscribe=One-Click";


/** Everything D1 holds about a site's email state. */
async function emailState(siteId: string) {
  return {
    subscriptions: await subscriptionRows(siteId),
    requests: await requestRows(siteId),
    suppressions: await suppressionRows(siteId),
    events: await eventRows(siteId),
  };
}

function statusByList(rows: { list_id: string; status: string }[]) {
  return Object.fromEntries(rows.map((r) => [r.list_id, r.status]));
}

/**
 * A sealed token signed with any key, independently of the Worker's code: by default a legacy
 * `u1.` unsubscribe link, as they were signed with the visitor-token keys.
 */
async function sealWith(kid: string, secret: string, payload: object, prefix = "u1"): Promise<string> {
  const enc = new TextEncoder();
  const signed = `${prefix}.${kid}.${base64url(enc.encode(JSON.stringify(payload)))}`;
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `${signed}.${base64url(await crypto.subtle.sign("HMAC", key, enc.encode(signed)))}`;
}

describe("one-click unsubscribe (RFC 8058, R5.5)", () => {
  it("POST with the One-Click body, a Cookie and an Authorization → 200, unsubscribed and suppressed at once (R5.3, R5.7)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const hash = await emailHash(workerEnv, email);
    const before = new Date().toISOString();
    const res = await oneClick(await unsubscribePath(site.id, "marketing-email", email), {
      Cookie: "session=someone-elses; assent=1",
      Authorization: "Bearer not-a-valid-token",
    });
    const after = new Date().toISOString();

    expect(res.status).toBe(200);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toContain("You are unsubscribed. It takes effect at once.");

    const rows = await subscriptionRows(site.id);
    expect(statusByList(rows)).toEqual({ "marketing-email": "unsubscribed", blog: "confirmed" });
    // The list left forgets the address (only the keyed hash stays); the other keeps it.
    expect(rows.map((r) => [r.list_id, r.email, r.email_hash])).toEqual([
      ["blog", email.toLowerCase(), hash],
      ["marketing-email", null, hash],
    ]);
    const unsubscribedAt = rows.find((r) => r.list_id === "marketing-email")!.unsubscribed_at!;
    expect(unsubscribedAt >= before && unsubscribedAt <= after).toBe(true);
    // R5.7: the suppression holds the keyed hash, never the address.
    expect(await suppressionRows(site.id)).toEqual([
      { site_id: site.id, list_id: "marketing-email", email_hash: hash, reason: "unsubscribe", created_at: unsubscribedAt },
    ]);
    const events = await eventRows(site.id);
    expect(events.filter((e) => e.kind === "unsubscribe")).toMatchObject([
      { list_id: "marketing-email", email_hash: hash, source: "one_click", text_version: null, at: unsubscribedAt },
    ]);
  });

  it("accepts multipart/form-data, as RFC 8058 allows", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["blog"]);
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const res = await call(await unsubscribePath(site.id, "blog", email), { method: "POST", body: form, redirect: "manual" });
    expect(res.status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ blog: "unsubscribed" });
  });

  it("POST twice → 200 both times, still one suppression row and one unsubscribe event", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    const first = await oneClick(path);
    const state = await emailState(site.id);
    const second = await oneClick(path);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toBe(await first.text());
    expect(await emailState(site.id)).toEqual(state);
    expect(state.suppressions).toHaveLength(1);
    expect(state.events.filter((e) => e.kind === "unsubscribe")).toHaveLength(1);
  });

  it("twenty simultaneous one-click POSTs → all 200, one suppression, one event (R6.8)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    const responses = await Promise.all(Array.from({ length: 20 }, () => oneClick(path)));
    expect(responses.map((r) => r.status)).toEqual(Array<number>(20).fill(200));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(await suppressionRows(site.id)).toHaveLength(1);
    expect((await eventRows(site.id)).filter((e) => e.kind === "unsubscribe")).toHaveLength(1);
  });

  it("?all=1 leaves every list of the site", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const res = await oneClick(`${await unsubscribePath(site.id, "blog", email)}?all=1`);
    expect(res.status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed", blog: "unsubscribed" });
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["blog", "marketing-email"]);
    expect((await eventRows(site.id)).filter((e) => e.kind === "unsubscribe").map((e) => e.list_id).sort()).toEqual(["blog", "marketing-email"]);
  });

  it("?all=1 also suppresses the lists the address never joined, so a later import cannot add it (R5.7)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    expect((await oneClick(`${await unsubscribePath(site.id, "marketing-email", email)}?all=1`)).status).toBe(200);
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["blog", "marketing-email"]);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed" });
  });

  it("a pending signup can be left too, before it is confirmed: its link is void and its address forgotten", async () => {
    const site = await freshSite();
    const { email, token } = await signupForToken(site.id);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ list_id: "marketing-email", email: null, used_at: expect.any(String) }]);
    expect(await suppressionRows(site.id)).toHaveLength(1);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "unsubscribe"]);
    expect((await postConfirm(site.id, token)).status).toBe(410);
  });

  it("an address whose subscription row was deleted is still suppressed (R5.7)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    await env.LEDGER.prepare("DELETE FROM subscriptions WHERE site_id = ?").bind(site.id).run();
    const res = await oneClick(path);
    expect(res.status).toBe(200);
    expect(await suppressionRows(site.id)).toMatchObject([{ list_id: "marketing-email", email_hash: await emailHash(workerEnv, email), reason: "unsubscribe" }]);
    expect((await eventRows(site.id)).filter((e) => e.kind === "unsubscribe")).toHaveLength(1);
    expect(await subscriptionRows(site.id)).toEqual([]);
  });

  it("an address that signed up again after unsubscribing, and leaves before confirming, is logged again", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    expect((await oneClick(path)).status).toBe(200);
    await ageSendLog(site.id);
    const { token } = await signupForToken(site.id, "marketing-email", email); // a new request, still suppressed
    expect(await outboxRows(site.id)).toHaveLength(2);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed" });
    expect((await requestRows(site.id)).filter((r) => r.used_at === null)).toHaveLength(1);

    expect((await oneClick(path)).status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed" });
    expect(await suppressionRows(site.id)).toHaveLength(1);
    // The new request is void: its link no longer confirms, and it forgot the address.
    expect((await requestRows(site.id)).every((r) => r.used_at !== null && r.email === null)).toBe(true);
    expect((await postConfirm(site.id, token)).status).toBe(410);
    // The proof log shows every change of state: the second unsubscribe too.
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm", "unsubscribe", "signup", "unsubscribe"]);
    // …once: a third click changes nothing more.
    expect((await oneClick(path)).status).toBe(200);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm", "unsubscribe", "signup", "unsubscribe"]);
  });
});

describe("GET /u/{token}: the email-preferences page", () => {
  it("lists both lists with an unsubscribe-from-all form, asks for nothing, and changes nothing (R5.5, R5.6, R5.8)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    const state = await emailState(site.id);

    for (let i = 0; i < 3; i++) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      const html = await res.text();
      expect(html).toContain("<strong>Marketing email</strong> — subscribed");
      expect(html).toContain("<strong>Blog updates</strong> — subscribed");
      expect(html).toMatch(/<form method="post">.*Unsubscribe from Marketing email<\/button><\/form>/s);
      expect(html).toMatch(/<form method="post" action="\?all=1">.*Unsubscribe from all<\/button><\/form>/s);
      // R5.6: no login, no address to type: only the hidden One-Click fields.
      const inputs = html.match(/<input[^>]*>/g) ?? [];
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs) expect(input).toBe('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
      expect(html).not.toMatch(/password|log ?in|sign ?in|<textarea|<select/i);
    }
    expect(await emailState(site.id)).toEqual(state);
    expect(state.suppressions).toEqual([]);
  });

  it("shows a list left as not subscribed (R5.8)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const path = await unsubscribePath(site.id, "blog", email);
    await oneClick(path);
    const html = await (await call(path)).text();
    expect(html).toContain("<strong>Blog updates</strong> — not subscribed");
    expect(html).toContain("<strong>Marketing email</strong> — subscribed");
  });

  it("speaks the subscriber's language (from their signup)", async () => {
    const site = await freshSite();
    const email = newAddress();
    expect((await postSignup(site.id, signupBody({ email, lists: ["blog"], locale: "de" }))).status).toBe(202);
    const path = await unsubscribePath(site.id, "blog", email);
    const page = await (await call(path)).text();
    expect(page).toContain('<html lang="de"');
    expect(page).toContain("Ihre E-Mail-Einstellungen");
    const done = await (await oneClick(path)).text();
    expect(done).toContain('<html lang="de"');
  });

  it("a genuine link for an address the site has nothing on record about: the forged link's answer, and nothing written (R5.5)", async () => {
    const site = await freshSite();
    const webhookEvents = async () => (await workerEnv.LEDGER.prepare("SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ?").bind(site.id).first<{ n: number }>())!.n;
    const stranger = await unsubscribePath(site.id, "blog", newAddress());
    const parts = stranger.split(".");
    const forged = [...parts.slice(0, -1), flippedByte(parts.at(-1)!)].join(".");
    const [get, post, forgedGet, forgedPost] = [await call(stranger), await oneClick(stranger), await call(forged), await oneClick(forged)];
    expect([get.status, post.status]).toEqual([400, 400]);
    const bodies = await Promise.all([get, post, forgedGet, forgedPost].map((r) => r.text()));
    for (const body of bodies) expect(body).toBe(bodies[3]);
    expect(await suppressionRows(site.id)).toEqual([]);
    expect(await eventRows(site.id)).toEqual([]);
    expect(await webhookEvents()).toBe(0);
  });

  it("its forms post back to the same link: the page's 'all' button leaves both lists (R5.5, R5.8)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    const html = await (await call(path)).text();
    const action = /<form method="post" action="([^"]+)">/.exec(html)![1]!;
    const target = new URL(action, `${BASE}${path}`);
    expect(target.pathname).toBe(path);
    const res = await call(`${target.pathname}${target.search}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed", blog: "unsubscribed" });
  });
});

describe("forged and broken links (R5.5: no oracle)", () => {
  it("a changed payload, a changed signature, an unknown key id and garbage → the same 400, byte for byte", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const hash = await emailHash(workerEnv, email);
    const path = await unsubscribePath(site.id, "marketing-email", email);
    const token = path.slice("/u/".length);
    const [prefix, kid, payload, sig] = token.split(".") as [string, string, string, string];
    expect(prefix).toBe("u2");
    const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as { s: string; l: string; e: string; iat: number };
    expect(claims).toMatchObject({ s: site.id, l: "marketing-email", e: hash });
    const reencode = (over: object) => base64url(new TextEncoder().encode(JSON.stringify({ ...claims, ...over })));
    const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
    const current = keySetting(workerEnv.TOKEN_KEY_CURRENT);

    const forged = {
      "another list in the payload": `${prefix}.${kid}.${reencode({ l: "blog" })}.${sig}`,
      "another address in the payload": `${prefix}.${kid}.${reencode({ e: await emailHash(workerEnv, "victim@example.com") })}.${sig}`,
      "a changed signature": `${prefix}.${kid}.${payload}.${flip(sig)}`,
      "a truncated signature": `${prefix}.${kid}.${payload}.${sig.slice(0, 20)}`,
      "an unknown key id": await sealWith("k9", current.secret, claims, "u2"),
      "an unknown key id (legacy link)": await sealWith("k9", current.secret, claims),
      "the right key id, a wrong secret": await sealWith(kid, "x".repeat(40), claims, "u2"),
      "the right key id, a wrong secret (legacy link)": await sealWith(current.kid, "x".repeat(40), claims),
      // A link signed with a visitor-token key is only ever a legacy `u1.` link.
      "a visitor-token key under the new prefix": await sealWith(current.kid, current.secret, claims, "u2"),
      "another prefix (a visitor token's)": await sealWith(current.kid, current.secret, claims, "v1"),
      "a valid seal for a list the site lacks": await signUnsubscribeToken(workerEnv, site.id, "sms", hash),
      "a valid seal for a site that does not exist": await signUnsubscribeToken(workerEnv, "no-such-site", "marketing-email", hash),
      "a valid legacy seal for a list the site lacks": await sealWith(current.kid, current.secret, { ...claims, l: "sms" }),
      "a valid legacy seal for a site that does not exist": await sealWith(current.kid, current.secret, { ...claims, s: "no-such-site" }),
      "a valid legacy seal of a visitor token's payload": await sealWith(current.kid, current.secret, { s: site.id, v: crypto.randomUUID(), iat: claims.iat }),
      "random garbage": "totally-not-a-token",
      "four dots of nothing": "u2...",
      "four dots of nothing (legacy)": "u1...",
      "an over-long token": `${prefix}.${kid}.${payload}.${sig}${"A".repeat(1100)}`,
    };
    const state = await emailState(site.id);

    const bodies = new Map<string, string>();
    for (const [name, bad] of Object.entries(forged))
      for (const method of ["GET", "POST"] as const) {
        const res = method === "GET" ? await call(`/u/${bad}`) : await oneClick(`/u/${bad}`);
        expect(res.status, `${method} ${name}`).toBe(400);
        expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
        bodies.set(`${method} ${name}`, await res.text());
      }
    expect(new Set(bodies.values()).size).toBe(1);
    expect([...bodies.values()][0]).toContain("This link is not valid.");
    expect(await emailState(site.id)).toEqual(state);

    // The genuine link still works.
    expect((await oneClick(path)).status).toBe(200);
  });
});

describe("links keep working", () => {
  it("a link issued 60 days ago still unsubscribes (R5.6)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const token = await signUnsubscribeToken(workerEnv, site.id, "marketing-email", await emailHash(workerEnv, email), new Date(Date.now() - 60 * DAY_S * 1000));
    expect(token).toMatch(/^u2\./);
    expect((await call(`/u/${token}`)).status).toBe(200);
    expect((await oneClick(`/u/${token}`)).status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed" });
  });

  it("a legacy u1 link (signed with the current visitor-token key, 60 days ago) still unsubscribes (R5.6)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const current = keySetting(workerEnv.TOKEN_KEY_CURRENT);
    const iat = Math.floor(Date.now() / 1000) - 60 * DAY_S;
    const token = await sealWith(current.kid, current.secret, { s: site.id, l: "marketing-email", e: await emailHash(workerEnv, email), iat });
    expect((await call(`/u/${token}`)).status).toBe(200);
    expect((await oneClick(`/u/${token}`)).status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed" });
    expect(await suppressionRows(site.id)).toHaveLength(1);
  });

  it("a link signed before a new key was put in front of UNSUBSCRIBE_KEYS still unsubscribes; new links use the new key (R5.6, R6.12)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    const hash = await emailHash(workerEnv, email);
    // Signed while no ring is configured: the key derived from EMAIL_HASH_KEY (kid e1).
    const before = await signUnsubscribeToken({ ...workerEnv, UNSUBSCRIBE_KEYS: undefined }, site.id, "marketing-email", hash);
    expect(before).toMatch(/^u2\.e1\./);
    const rotated: Env = { ...workerEnv, UNSUBSCRIBE_KEYS: `r2:${"s".repeat(40)},e1` };
    const after = await signUnsubscribeToken(rotated, site.id, "blog", hash);
    expect(after).toMatch(/^u2\.r2\./);
    const post = async (token: string, over: Env) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`${BASE}/u/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
        over,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await post(before, rotated)).status).toBe(200);
    expect((await post(after, rotated)).status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed", blog: "unsubscribed" });
    // A link of a key taken out of the ring no longer verifies.
    const withoutE1: Env = { ...workerEnv, UNSUBSCRIBE_KEYS: `r2:${"s".repeat(40)}` };
    expect((await post(before, withoutE1)).status).toBe(400);
  });

  it("a legacy link signed with the previous visitor-token key (after a key rotation) still unsubscribes (R5.6, R6.12)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const previous = keySetting(workerEnv.TOKEN_KEY_PREVIOUS);
    const token = await sealWith(previous.kid, previous.secret, {
      s: site.id,
      l: "marketing-email",
      e: await emailHash(workerEnv, email),
      iat: Math.floor(Date.now() / 1000) - 400 * DAY_S,
    });
    expect((await oneClick(`/u/${token}`)).status).toBe(200);
    expect(await suppressionRows(site.id)).toHaveLength(1);
  });

  it("a link for one site never touches another site's subscriber with the same address (R7.12)", async () => {
    const a = await freshSite();
    const b = await freshSite();
    const email = await confirmedSubscriber(a.id, ["marketing-email"]);
    await confirmedSubscriber(b.id, ["marketing-email"], email);
    expect((await oneClick(await unsubscribePath(a.id, "marketing-email", email))).status).toBe(200);
    expect(statusByList(await subscriptionRows(a.id))).toEqual({ "marketing-email": "unsubscribed" });
    expect(statusByList(await subscriptionRows(b.id))).toEqual({ "marketing-email": "confirmed" });
    expect(await suppressionRows(b.id)).toEqual([]);
  });
});

describe("listHeaders(): the List-* headers of list mail (R5.3, R5.4)", () => {
  it("exactly one https URI in angle brackets, the exact One-Click value, a List-Id", async () => {
    const site = await freshSite();
    const list = site.config.communications.find((l) => l.id === "marketing-email")!;
    const url = await unsubscribeUrl(workerEnv, "https://assent.example", site.id, list.id, await emailHash(workerEnv, "someone@example.com"));
    const headers = listHeaders(site.config, list, url, "lists.assent.example");

    const entries = headers["List-Unsubscribe"]!.split(",").map((s) => s.trim());
    expect(entries).toHaveLength(1);
    const uris = entries.map((e) => /^<([^<>\s]+)>$/.exec(e)?.[1]);
    const https = uris.filter((u) => u?.startsWith("https://"));
    expect(https).toEqual([url]);
    expect(new URL(https[0]!).pathname).toMatch(/^\/u\/u2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(headers["List-Id"]).toBe(`marketing-email.${site.id}.lists.assent.example`);
    // RFC 2919: a List-Id is a dot-atom of letters, digits and hyphens.
    expect(headers["List-Id"]).toMatch(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/);
  });

  it("each list has its own List-Id", async () => {
    const site = await freshSite();
    const ids = site.config.communications.map((l) => listHeaders(site.config, l, "https://assent.example/u/x", "lists.assent.example")["List-Id"]);
    expect(new Set(ids).size).toBe(2);
  });

  it("the header's link, posted as a mailbox provider would, unsubscribes that address from that list", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    const list = site.config.communications.find((l) => l.id === "blog")!;
    const url = await unsubscribeUrl(workerEnv, "https://assent.example", site.id, list.id, await emailHash(workerEnv, email));
    const uri = /^<(.+)>$/.exec(listHeaders(site.config, list, url, "lists.assent.example")["List-Unsubscribe"]!)![1]!;
    const res = await oneClick(new URL(uri).pathname);
    expect(res.status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "confirmed", blog: "unsubscribed" });
  });
});

describe("signing up again after leaving all lists (R5.7)", () => {
  it("a signup after ?all=1 gets the same answer, no message within 10 minutes, later a request for the list asked for only", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id);
    await oneClick(`${await unsubscribePath(site.id, "blog", email)}?all=1`);
    const state = await emailState(site.id);

    // At once: unsubscribing did not reset the limit; the answer is a signup's all the same, and
    // the request is recorded, but no message goes out and nothing else changes.
    const res = await postSignup(site.id, signupBody({ email, lists: ["blog"] }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "pending", lists: ["blog"] });
    expect(await outboxRows(site.id)).toHaveLength(2);
    const now = await emailState(site.id);
    expect({ ...now, requests: undefined, events: undefined }).toEqual({ ...state, requests: undefined, events: undefined });

    await ageSendLog(site.id);
    expect((await postSignup(site.id, signupBody({ email, lists: ["blog"] }))).status).toBe(202);
    // Both lists stay unsubscribed (without the address) until the click; live requests for blog
    // only (the quiet one from before, which had no message, and this one).
    expect((await subscriptionRows(site.id)).map((r) => [r.list_id, r.status, r.email])).toEqual([
      ["blog", "unsubscribed", null],
      ["marketing-email", "unsubscribed", null],
    ]);
    expect((await requestRows(site.id)).filter((r) => r.used_at === null).map((r) => r.list_id)).toEqual(["blog", "blog"]);
    const last = (await outboxRows(site.id)).at(-1)!;
    expect(last.to_address).toBe(email.toLowerCase());
    const token = confirmToken(last, site.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await postConfirm(site.id, token)).status).toBe(200);
    expect(statusByList(await subscriptionRows(site.id))).toEqual({ "marketing-email": "unsubscribed", blog: "confirmed" });
  });
});

describe("limits on the pages' POSTs (R6.10)", () => {
  it("one address's unsubscribes past the limit → 429 page with Retry-After; another address is not held up", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["blog"]);
    const path = await unsubscribePath(site.id, "blog", email);
    // Fixed 10 s windows: a run across a boundary may pass up to twice the limit (20) first.
    let limited: Response | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await oneClick(path, { "CF-Connecting-IP": `198.51.${i}.7` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited!.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    // Keyed by the address, not the network or the link: another address from the same network passes.
    const other = await confirmedSubscriber(site.id, ["blog"]);
    expect((await oneClick(await unsubscribePath(site.id, "blog", other), { "CF-Connecting-IP": "198.51.0.7" })).status).toBe(200);
    expect((await subscriptionRows(site.id)).map((r) => [r.status, r.email])).toEqual([
      ["unsubscribed", null],
      ["unsubscribed", null],
    ]);
    expect(await suppressionRows(site.id)).toHaveLength(2);
  });

  it("one confirmation link POSTed past the limit → 429 page with Retry-After", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    let limited: Response | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await call(`/e/${site.id}/confirm/${token}`, { method: "POST", headers: { "CF-Connecting-IP": `198.51.${i}.9` } });
      if (res.status === 429) limited = res;
      else expect([200, 410]).toContain(res.status);
      await res.arrayBuffer();
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited!.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  });

  it("confirmations from one network past the limit → 429, whatever the link", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    let limited: Response | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      // Unknown links: the network's limit comes before the lookup.
      const res = await call(`/e/${site.id}/confirm/${"A".repeat(40)}${String(i).padStart(3, "0")}`, { method: "POST", headers: { "CF-Connecting-IP": "198.51.100.4" } });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(400);
      await res.arrayBuffer();
    }
    expect(limited).not.toBeNull();
    // Another network is not held up.
    const { token } = await signupForToken(site.id);
    expect((await call(`/e/${site.id}/confirm/${token}`, { method: "POST", headers: { "CF-Connecting-IP": "203.0.113.50" } })).status).toBe(200);
  });
});

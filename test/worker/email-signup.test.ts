/**
 * POST /v1/sites/{siteId}/subscriptions: an email signup. A signup request per list with the
 * normalized address, its keyed hash, the wording version, the locale and the page, and no
 * subscription row until the mailbox confirms (R5.1, R5.2, R5.7); one confirmation message per
 * list with only the confirmation and the postal address (R5.2, R5.6); refusals that write and
 * send nothing (R6.3, R7.5, R9.9); the same answer whatever the address's history; banner
 * decisions that never touch email (R0.2); /dev/outbox only in development.
 * The takeover attempts and the sending limits are in email-takeover.test.ts.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConsentResponse, ExportDocument, SubscriptionResponse } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import { app } from "../../worker/app";
import { BASE, ORIGIN, auth, b64url, call, decisionBody, expectProblem, freshSite, getMe, insertApiKey, newVisitor, postDecision } from "./helpers";
import {
  ageSendLog,
  TEXT_VERSION,
  confirmToken,
  confirmedSubscriber,
  eventRows,
  expectNoEmailState,
  linkRows,
  newAddress,
  outboxRows,
  postConfirm,
  postSignup,
  requestRows,
  sendRows,
  signupBody,
  subscriptionRows,
  suppressionRows,
  workerEnv,
} from "./email-helpers";

const DAY_MS = 86_400_000;

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** HMAC-SHA-256 with the configured EMAIL_HASH_KEY, computed independently of the Worker. */
async function hmacOf(address: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(workerEnv.EMAIL_HASH_KEY!), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return b64url(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(address)));
}

describe("a signup", () => {
  it("→ 202 pending, the lists, and a confirmBy seven days out (R0.2, R5.2)", async () => {
    const site = await freshSite();
    const before = Date.now();
    const res = await postSignup(site.id, signupBody());
    const after = Date.now();
    expect(res.status).toBe(202);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const body = (await res.json()) as SubscriptionResponse;
    expect(body).toEqual({ status: "pending", lists: ["marketing-email"], confirmBy: expect.any(String) });
    const confirmBy = Date.parse(body.confirmBy);
    expect(confirmBy).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(confirmBy).toBeLessThanOrEqual(after + 7 * DAY_MS);
  });

  it("stores a signup request, no subscription row: normalized address, keyed hash, wording version, locale, page (R5.1, R5.2, R5.7)", async () => {
    const site = await freshSite();
    const email = newAddress();
    const before = new Date().toISOString();
    const res = await postSignup(site.id, signupBody({ email, locale: "de-CH", sourceUrl: `${ORIGIN}/news` }));
    const body = (await res.json()) as SubscriptionResponse;
    const after = new Date().toISOString();

    // Nothing is subscribed until the mailbox confirms.
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await linkRows(site.id)).toEqual([]);
    const rows = await requestRows(site.id);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const normalized = email.toLowerCase();
    expect(row).toMatchObject({
      site_id: site.id,
      list_id: "marketing-email",
      email: normalized,
      visitor_id: null,
      text_version: TEXT_VERSION,
      // One of the site's own languages, negotiated from the one asked for.
      locale: "de",
      source_url: `${ORIGIN}/news`,
      expires_at: body.confirmBy,
      used_at: null,
    });
    expect(row.created_at >= before && row.created_at <= after).toBe(true);

    // R5.7: an HMAC with the server secret, not a hash anyone could recompute from the address.
    expect(row.email_hash).toBe(await hmacOf(normalized));
    expect(row.email_hash).toBe(await emailHash(workerEnv, email));
    const plain = await sha256(normalized);
    expect(row.email_hash).not.toBe(hex(plain));
    expect(row.email_hash).not.toBe(b64url(plain));

    // The link's token is only in the message; the request is keyed by its SHA-256.
    const [message] = await outboxRows(site.id);
    const token = confirmToken(message!, site.id);
    expect(row.token_hash).not.toContain(token);
    expect(row.token_hash).toBe(hex(await sha256(token)));
    // The send log names the same request, by hashes only.
    const sends = await sendRows(site.id);
    expect(sends).toEqual([{ token_hash: row.token_hash, site_id: site.id, list_id: "marketing-email", email_hash: row.email_hash, sent_at: row.created_at }]);
    expect(JSON.stringify(sends)).not.toContain(normalized);
  });

  it("a language the site lacks becomes the site's default", async () => {
    const site = await freshSite();
    expect((await postSignup(site.id, signupBody({ locale: "it-IT" }))).status).toBe(202);
    expect((await requestRows(site.id))[0]!.locale).toBe(site.config.defaultLocale);
    expect((await outboxRows(site.id))[0]!.html_body).toContain(`<html lang="${site.config.defaultLocale}" dir="ltr">`);
  });

  it("appends a signup event with the wording version and only the address's hash (R5.1)", async () => {
    const site = await freshSite();
    const email = newAddress();
    await postSignup(site.id, signupBody({ email }));
    const events = await eventRows(site.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      list_id: "marketing-email",
      email_hash: await hmacOf(email.toLowerCase()),
      kind: "signup",
      text_version: TEXT_VERSION,
    });
    expect(JSON.stringify(events)).not.toContain(email.toLowerCase());
  });

  it("records the asking browser when the page sends the visitor token, and links it only at the click (R0.2)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const res = await postSignup(site.id, signupBody(), { headers: auth(visitor.token!) });
    expect(res.status).toBe(202);
    expect((await requestRows(site.id))[0]!.visitor_id).toBe(visitor.visitorId);
    expect(await linkRows(site.id)).toEqual([]);
    // The browser's own view shows its request as pending.
    expect(await (await getMe(site.id, visitor.token!, "/subscriptions")).json()).toEqual({ lists: { "marketing-email": "pending" } });

    const [message] = await outboxRows(site.id);
    expect((await postConfirm(site.id, confirmToken(message!, site.id))).status).toBe(200);
    expect(await linkRows(site.id)).toEqual([
      { site_id: site.id, list_id: "marketing-email", email_hash: (await requestRows(site.id))[0]!.email_hash, visitor_id: visitor.visitorId, linked_at: expect.any(String) },
    ]);
    expect(await (await getMe(site.id, visitor.token!, "/subscriptions")).json()).toEqual({ lists: { "marketing-email": "confirmed" } });
  });

  it("keeps the page the signup was made on, without query or fragment, as proof (R5.2)", async () => {
    const site = await freshSite();
    const signed = (sourceUrl: string | undefined) => postSignup(site.id, signupBody({ lists: ["blog"], ...(sourceUrl === undefined ? {} : { sourceUrl }) }));
    expect((await signed(`${ORIGIN}/blog/welcome?utm_source=mail&email=a%40b.c#signup`)).status).toBe(202);
    // A URL of another origin cannot be claimed; the Origin stands for the page, as without one.
    expect((await signed("https://elsewhere.example/form")).status).toBe(202);
    expect((await signed("not a url")).status).toBe(202);
    expect((await signed(undefined)).status).toBe(202);
    const sources = (await requestRows(site.id)).map((r) => r.source_url);
    expect(sources).toEqual([`${ORIGIN}/blog/welcome`, ORIGIN, ORIGIN, ORIGIN]);
    // …and the subscriber API shows it once confirmed.
    const key = (await insertApiKey(site.id)).secret;
    const first = (await requestRows(site.id))[0]!;
    const message = (await outboxRows(site.id)).find((m) => m.to_address === first.email)!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    const page = await call(`/v1/sites/${site.id}/admin/lists/blog/subscribers`, { headers: auth(key) });
    expect(((await page.json()) as { subscribers: { email: string; sourceUrl: string | null }[] }).subscribers).toEqual([
      expect.objectContaining({ email: first.email, sourceUrl: `${ORIGIN}/blog/welcome` }),
    ]);
  });

  it("lists each list once when the form repeats one", async () => {
    const site = await freshSite();
    const res = await postSignup(site.id, signupBody({ lists: ["blog", "blog"] }));
    expect(res.status).toBe(202);
    expect(((await res.json()) as SubscriptionResponse).lists).toEqual(["blog"]);
    expect(await requestRows(site.id)).toHaveLength(1);
    expect(await outboxRows(site.id)).toHaveLength(1);
  });

  it("answers a CORS preflight from an allowed origin", async () => {
    const site = await freshSite();
    const res = await call(`/v1/sites/${site.id}/subscriptions`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
  });
});

describe("the confirmation message", () => {
  it("one message, to the address, from the site's transactional sender, with a confirm link and the postal address (R5.2, R5.3, R5.6)", async () => {
    const site = await freshSite();
    const email = newAddress();
    await postSignup(site.id, signupBody({ email }));
    const messages = await outboxRows(site.id);
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    const settings = site.config.email!;
    expect(m.to_address).toBe(email.toLowerCase());
    // Confirmations are transactional: the site's own sender, not a list's marketing sender (R5.3).
    expect(m.from_address).toBe(`${settings.fromName} <${settings.fromAddress}>`);
    expect(m.from_address).not.toContain("offers@penguin.example");
    expect(m.subject).toBe(`Please confirm your subscription to ${site.config.name}`);
    expect(JSON.parse(m.headers)).toMatchObject({ "Reply-To": settings.replyTo, "Auto-Submitted": "auto-generated" });

    const token = confirmToken(m, site.id);
    const link = `${BASE}/e/${site.id}/confirm/${token}`;
    expect(token.length).toBeGreaterThanOrEqual(43); // 32 random bytes
    for (const body of [m.text_body, m.html_body]) {
      expect(body).toContain(link);
      expect(body).toContain(settings.postalAddress);
      expect(body).toContain("Marketing email"); // names the list it confirms
    }
  });

  it("carries the list's one-click unsubscribe headers and link: a stranger's signup can be refused in one click (R5.4, R5.5)", async () => {
    const site = await freshSite();
    const email = newAddress();
    await postSignup(site.id, signupBody({ email }));
    const m = (await outboxRows(site.id))[0]!;
    const headers = JSON.parse(m.headers) as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(headers["List-Id"]).toBe(`marketing-email.${site.id}.assent.test`);
    const url = /^<([^>]+)>$/.exec(headers["List-Unsubscribe"]!)![1]!;
    expect(url).toMatch(new RegExp(`^${BASE.replaceAll(".", "\\.")}/u/`));
    expect(m.text_body).toContain(url);
    expect(m.html_body).toContain(`href="${url}"`);

    const res = await call(new URL(url).pathname, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(200);
    expect((await suppressionRows(site.id)).map((r) => r.list_id)).toEqual(["marketing-email"]);
    // The confirmation link in the same message no longer confirms: the request is void and
    // forgot the address; nothing was ever subscribed.
    expect((await postConfirm(site.id, confirmToken(m, site.id))).status).toBe(410);
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ email: null, used_at: expect.any(String) }]);
  });

  it("carries no advertising: none of the lists' promotional wording (R5.2)", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ lists: ["marketing-email", "blog"] }));
    const messages = await outboxRows(site.id);
    expect(messages).toHaveLength(2);
    const texts = site.config.texts.en!.communications;
    for (const m of messages)
      for (const body of [m.text_body, m.html_body].map((b) => b.replace(/\/confirm\/[A-Za-z0-9_-]+/g, "/confirm/TOKEN"))) {
        for (const list of Object.values(texts)) {
          expect(body).not.toContain(list.description);
          expect(body).not.toContain(list.consentText);
        }
        expect(body).not.toMatch(/offer|discount|sale|event/i);
        expect(body).not.toMatch(/<img/i); // no promo blocks (the unsubscribe link is not one)
      }
  });

  it("two lists → two messages, each with its own link, and two signup requests (R5.1, R5.2)", async () => {
    const site = await freshSite();
    const email = newAddress();
    const res = await postSignup(site.id, signupBody({ email, lists: ["marketing-email", "blog"] }));
    expect(res.status).toBe(202);
    expect(((await res.json()) as SubscriptionResponse).lists).toEqual(["marketing-email", "blog"]);
    const messages = await outboxRows(site.id);
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.to_address)).toEqual([email.toLowerCase(), email.toLowerCase()]);
    const tokens = messages.map((m) => confirmToken(m, site.id));
    expect(new Set(tokens).size).toBe(2);
    expect(messages.map((m) => (m.text_body.includes("Blog updates") ? "blog" : "marketing-email")).sort()).toEqual(["blog", "marketing-email"]);
    expect(await subscriptionRows(site.id)).toEqual([]);
    const rows = await requestRows(site.id);
    expect(rows.map((r) => [r.list_id, r.email, r.used_at])).toEqual([
      ["blog", email.toLowerCase(), null],
      ["marketing-email", email.toLowerCase(), null],
    ]);
    expect(new Set(rows.map((r) => r.email_hash)).size).toBe(1);
    // Each message's link is its own list's request.
    const hashes = await Promise.all(tokens.map(async (t) => hex(await sha256(t))));
    expect(hashes.sort()).toEqual(rows.map((r) => r.token_hash).sort());
    expect((await eventRows(site.id)).map((e) => [e.kind, e.list_id])).toEqual([
      ["signup", "marketing-email"],
      ["signup", "blog"],
    ]);
  });

  it("is written in the visitor's language", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ locale: "de" }));
    const [m] = await outboxRows(site.id);
    expect(m!.subject).toBe(`Bitte bestätigen Sie Ihr Abonnement bei ${site.config.name}`);
    expect(m!.text_body).toContain("Marketing-E-Mails");
    expect(m!.html_body).toContain('<html lang="de" dir="ltr">');
  });

  it("is listed at /dev/outbox in development, as JSON and as a page", async () => {
    const site = await freshSite();
    const email = newAddress();
    await postSignup(site.id, signupBody({ email }));
    const [stored] = await outboxRows(site.id);

    const res = await call("/dev/outbox?format=json");
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { id: string; to_address: string; text_body: string }[] };
    const mine = messages.filter((m) => m.to_address === email.toLowerCase());
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: stored!.id, text_body: stored!.text_body });

    const page = await call("/dev/outbox");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    const link = `${BASE}/e/${site.id}/confirm/${confirmToken(stored!, site.id)}`;
    expect(await page.text()).toContain(`<a href="${link}">`);
  });
});

describe("/dev/outbox outside development", () => {
  async function fetchWithout(path: string, devMode: string | undefined) {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`), { ...workerEnv, DEV_MODE: devMode }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each([undefined, "false", "1"])("DEV_MODE=%s → 404, showing no message", async (devMode) => {
    const site = await freshSite();
    const email = newAddress();
    await postSignup(site.id, signupBody({ email }));
    for (const path of ["/dev/outbox?format=json", "/dev/outbox"]) {
      const res = await fetchWithout(path, devMode);
      const text = await res.text();
      expect(res.status).toBe(404);
      expect(text).not.toContain(email.toLowerCase());
      expect(text).not.toContain("/confirm/");
    }
  });
});

describe("refusals write nothing and send nothing", () => {
  it("an unknown list → 422 unknown_list, even next to a known one", async () => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, signupBody({ lists: ["marketing-email", "sms-offers"] })), 422, "unknown_list");
    await expectNoEmailState(site.id);
  });

  it("a wording version other than the list's → 422 text_version_mismatch (R5.1)", async () => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, signupBody({ textVersion: "2025-01-01" })), 422, "text_version_mismatch");
    await expectProblem(await postSignup(site.id, signupBody({ lists: ["blog", "marketing-email"], textVersion: "2026-10-31" })), 422, "text_version_mismatch");
    await expectNoEmailState(site.id);
  });

  it("a list whose wording changed since the page loaded → 422 for that list, nothing for the other (R5.1)", async () => {
    const site = await freshSite((c) => (c.communications![1]!.textVersion = "2027-01-01"));
    await expectProblem(await postSignup(site.id, signupBody({ lists: ["marketing-email", "blog"] })), 422, "text_version_mismatch");
    await expectNoEmailState(site.id);
  });

  it.each([
    ["an invalid address", { email: "not-an-address" }],
    ["an address with spaces", { email: "a b@example.com" }],
    ["no lists", { lists: [] }],
    ["an invalid locale", { locale: "english please" }],
  ])("%s → 422 invalid_body", async (_name, over) => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, signupBody(over as never)), 422, "invalid_body");
    await expectNoEmailState(site.id);
  });

  it("no wording version (a bare consent) → 422 invalid_body (R5.1)", async () => {
    const site = await freshSite();
    const { textVersion: _, ...body } = signupBody();
    const problem = await expectProblem(await postSignup(site.id, { ...body, consent: true }), 422, "invalid_body");
    expect(problem.errors?.map((e) => e.path)).toContain("textVersion");
    await expectNoEmailState(site.id);
  });

  it("a child-directed site → 403 email_capture_disabled (R9.9)", async () => {
    const site = await freshSite((c) => (c.childDirected = true));
    await expectProblem(await postSignup(site.id, signupBody()), 403, "email_capture_disabled");
    await expectNoEmailState(site.id);
  });

  it("a site with no lists → 404 no_lists", async () => {
    const site = await freshSite((c) => {
      c.communications = [];
      for (const t of Object.values(c.texts)) t.communications = {};
    });
    await expectProblem(await postSignup(site.id, signupBody()), 404, "no_lists");
    await expectNoEmailState(site.id);
  });

  it("a foreign or missing Origin → 403 (R7.4)", async () => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, signupBody(), { origin: "https://evil.example" }), 403, "origin_not_allowed");
    await expectProblem(await postSignup(site.id, signupBody(), { origin: "null" }), 403, "origin_not_allowed");
    await expectProblem(await postSignup(site.id, signupBody(), { origin: null }), 403, "origin_required");
    await expectNoEmailState(site.id);
  });

  it("a text/plain or form body → 415 (R7.5)", async () => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, signupBody(), { contentType: "text/plain" }), 415, "unsupported_media_type");
    await expectProblem(
      await postSignup(site.id, "email=a%40example.com&lists=blog", { contentType: "application/x-www-form-urlencoded" }),
      415,
      "unsupported_media_type",
    );
    await expectNoEmailState(site.id);
  });

  it("a body over 8 KB → 413 (R6.3)", async () => {
    const site = await freshSite();
    const big = JSON.stringify({ ...signupBody(), padding: "x".repeat(9000) });
    expect(new TextEncoder().encode(big).length).toBeGreaterThan(8 * 1024);
    await expectProblem(await postSignup(site.id, big), 413, "body_too_large");
    await expectNoEmailState(site.id);
  });

  it("malformed JSON → 400 malformed_json", async () => {
    const site = await freshSite();
    await expectProblem(await postSignup(site.id, '{"email": "a@example.com",'), 400, "malformed_json");
    await expectNoEmailState(site.id);
  });
});

describe("no enumeration", () => {
  it("the same address twice → the same answer, two requests, one message until 10 minutes passed", async () => {
    const site = await freshSite();
    const email = newAddress();
    const first = await postSignup(site.id, signupBody({ email }));
    const second = await postSignup(site.id, signupBody({ email: email.toUpperCase() }));
    expect([first.status, second.status]).toEqual([202, 202]);
    const [a, b] = [(await first.json()) as SubscriptionResponse, (await second.json()) as SubscriptionResponse];
    expect({ ...b, confirmBy: undefined }).toEqual({ ...a, confirmBy: undefined });
    expect(Math.abs(Date.parse(b.confirmBy) - Date.parse(a.confirmBy))).toBeLessThan(60_000);

    expect(await subscriptionRows(site.id)).toEqual([]);
    const rows = await requestRows(site.id);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ email: email.toLowerCase(), used_at: null });
    // No second message within 10 minutes: nobody can flood a stranger's inbox.
    expect(await outboxRows(site.id)).toHaveLength(1);
    expect(await sendRows(site.id)).toHaveLength(1);

    // Ten minutes later a new signup sends a fresh link, and both links work.
    await ageSendLog(site.id, 11);
    expect((await postSignup(site.id, signupBody({ email }))).status).toBe(202);
    const messages = await outboxRows(site.id);
    expect(messages).toHaveLength(2);
    expect(confirmToken(messages[0]!, site.id)).not.toBe(confirmToken(messages[1]!, site.id));
    expect(await requestRows(site.id)).toHaveLength(3);
  });

  it("an already confirmed address gets the answer a new one gets, and stays confirmed", async () => {
    const site = await freshSite();
    const known = await confirmedSubscriber(site.id, ["marketing-email"]);
    const before = await subscriptionRows(site.id);
    const forKnown = await postSignup(site.id, signupBody({ email: known }));
    const forNew = await postSignup(site.id, signupBody());
    expect(forKnown.status).toBe(forNew.status);
    expect([...forKnown.headers.keys()].sort()).toEqual([...forNew.headers.keys()].sort());
    const [k, n] = [(await forKnown.json()) as SubscriptionResponse, (await forNew.json()) as SubscriptionResponse];
    expect(Object.keys(k).sort()).toEqual(Object.keys(n).sort());
    expect({ ...k, confirmBy: undefined }).toEqual({ ...n, confirmBy: undefined });

    const after = (await subscriptionRows(site.id)).find((r) => r.email === known.toLowerCase());
    expect(after).toEqual(before[0]);
  });
});

describe("banner decisions never touch email (R0.2, R5.1)", () => {
  it("Accept all and Reject all create no subscription and send nothing", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! });
    expect(res.status).toBe(200);
    await expectNoEmailState(site.id);
    expect(await env.LEDGER.prepare("SELECT COUNT(*) AS n FROM suppressions WHERE site_id = ?").bind(site.id).first("n")).toBe(0);
  });

  it("a subscribed visitor's Accept all or Reject all leaves the subscriptions and the outbox as they were", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site, { action: "reject_all" });
    const email = newAddress();
    await postSignup(site.id, signupBody({ email, lists: ["marketing-email", "blog"] }), { headers: auth(visitor.token!) });
    // Confirm one list; the other stays pending.
    const [first] = await outboxRows(site.id);
    expect((await call(`/e/${site.id}/confirm/${confirmToken(first!, site.id)}`, { method: "POST" })).status).toBe(200);

    const snapshot = async () => ({
      subscriptions: await subscriptionRows(site.id),
      requests: await requestRows(site.id),
      links: await linkRows(site.id),
      events: await eventRows(site.id),
      outbox: (await outboxRows(site.id)).map((m) => m.id),
    });
    const before = await snapshot();
    expect(before.subscriptions.map((s) => s.status)).toEqual(["confirmed"]);
    // Both requests came from this browser; the confirmed one is spent, the other still waits.
    expect(before.requests.map((r) => r.visitor_id)).toEqual([visitor.visitorId, visitor.visitorId]);
    expect(before.requests.filter((r) => r.used_at === null)).toHaveLength(1);
    expect(before.links.map((l) => l.visitor_id)).toEqual([visitor.visitorId]);

    for (const action of ["accept_all", "reject_all", "withdraw", "accept_all"] as const) {
      const res = await postDecision(site.id, decisionBody(site, { action, surface: "preferences" }), { token: visitor.token! });
      expect(res.status).toBe(200);
      expect(((await res.json()) as ConsentResponse).visitorId).toBe(visitor.visitorId);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("the visitor's rights over their email data (R9.1, R9.2)", () => {
  const erase = (siteId: string, token: string) => call(`/v1/sites/${siteId}/me`, { method: "DELETE", headers: { Origin: ORIGIN, Authorization: `Bearer ${token}` } });

  it("export lists this browser's pending signup with the address typed; erasure deletes the request and its address", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const email = `rights-${crypto.randomUUID()}@example.com`;
    const res = await postSignup(site.id, signupBody({ email, lists: ["blog"] }), { headers: { Authorization: `Bearer ${visitor.token}` } });
    expect(res.status).toBe(202);
    const [message] = await outboxRows(site.id);

    const exported = (await (await getMe(site.id, visitor.token!, "/export")).json()) as ExportDocument;
    expect(exported.subscriptions).toEqual([
      expect.objectContaining({ list: "blog", email, status: "pending", textVersion: "2026-11-01", confirmedAt: null }),
    ]);

    const erased = await erase(site.id, visitor.token!);
    expect(erased.status).toBe(200);
    // Nothing was subscribed, so nothing is deleted or suppressed: the request goes, with the
    // address typed, and its link no longer leads anywhere.
    expect(await erased.json()).toMatchObject({ erased: true, subscriptionsDeleted: 0 });
    expect(await requestRows(site.id)).toEqual([]);
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await suppressionRows(site.id)).toEqual([]);
    expect((await postConfirm(site.id, confirmToken(message!, site.id))).status).toBe(400);
    // The proof of what was asked stays, by hash only.
    const events = await eventRows(site.id);
    expect(events.map((e) => e.kind)).toEqual(["signup"]);
    expect(JSON.stringify(events)).not.toContain(email);
  });

  it("export lists the subscriptions this browser confirmed; erasure deletes the address and keeps only the suppression hash (R5.7)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const email = `rights-${crypto.randomUUID()}@example.com`;
    expect((await postSignup(site.id, signupBody({ email, lists: ["blog"] }), { headers: auth(visitor.token!) })).status).toBe(202);
    const [message] = await outboxRows(site.id);
    expect((await postConfirm(site.id, confirmToken(message!, site.id))).status).toBe(200);

    const exported = (await (await getMe(site.id, visitor.token!, "/export")).json()) as ExportDocument;
    expect(exported.subscriptions).toEqual([
      expect.objectContaining({ list: "blog", email, status: "confirmed", textVersion: "2026-11-01", confirmedAt: expect.any(String) }),
    ]);

    const erased = await erase(site.id, visitor.token!);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ erased: true, subscriptionsDeleted: 1 });
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await linkRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toEqual([]);
    const suppressed = await suppressionRows(site.id);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({ list_id: "blog", reason: "erase" });
    expect(JSON.stringify(suppressed)).not.toContain(email);
    const events = await eventRows(site.id);
    expect(events.map((e) => e.kind)).toEqual(["signup", "confirm", "erase"]);
    expect(JSON.stringify(events)).not.toContain(email);
  });
});

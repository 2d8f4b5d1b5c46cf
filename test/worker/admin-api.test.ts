/**
 * The site owner API under /v1/sites/{siteId}/admin (R7.12, R5.4): API key authentication
 * (missing, unknown, revoked, another site's), the subscriber list with its cursor, a visitor's
 * record, and the List-* headers whose URL really unsubscribes. Keys are inserted into the real
 * D1 as a site owner's CLI would, by hash; everything else is built through the public API.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import type { AdminVisitorResponse, SubscribersResponse, UnsubscribeHeadersResponse } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import { sha256Hex } from "../../worker/lib/sha256";
import { auth, call, expectProblem, freshSite, insertApiKey as insertKey, newVisitor, withinOneRateWindow } from "./helpers";
import {
  confirmToken,
  confirmedSubscriber,
  outboxRows,
  postConfirm,
  postSignup,
  signupBody,
  signupForToken,
  subscriptionRows,
  suppressionRows,
  workerEnv,
} from "./email-helpers";

const keyRow = (id: string) => env.LEDGER.prepare(`SELECT * FROM api_keys WHERE id = ?1`).bind(id).first<{ last_used_at: string | null }>();

function admin(siteId: string, path: string, secret: string | null, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(secret ? auth(secret) : {}), ...(init.headers as Record<string, string>) };
  return call(`/v1/sites/${siteId}/admin${path}`, { ...init, headers });
}

function headersFor(siteId: string, secret: string, body: unknown): Promise<Response> {
  return admin(siteId, "/unsubscribe-headers", secret, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("admin API authentication (R7.12)", () => {
  it("refuses a missing key with 401 api_key_required, and a malformed Authorization too", async () => {
    const site = await freshSite();
    const res = await admin(site.id, "/lists/blog/subscribers", null);
    await expectProblem(res, 401, "api_key_required");
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    await expectProblem(await admin(site.id, "/lists/blog/subscribers", null, { headers: { Authorization: "Basic abc" } }), 401, "api_key_required");
  });

  it("refuses an unknown or malformed key with 401 api_key_invalid", async () => {
    const site = await freshSite();
    await insertKey(site.id);
    await expectProblem(await admin(site.id, "/lists/blog/subscribers", `ask_${"A".repeat(43)}`), 401, "api_key_invalid");
    await expectProblem(await admin(site.id, "/lists/blog/subscribers", "not-a-key"), 401, "api_key_invalid");
  });

  it("refuses a revoked key with 401 api_key_invalid and does not touch it", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id, { revokedAt: new Date().toISOString() });
    await expectProblem(await admin(site.id, "/lists/blog/subscribers", key.secret), 401, "api_key_invalid");
    expect((await keyRow(key.id))!.last_used_at).toBeNull();
  });

  it("refuses another site's key with 403 api_key_wrong_site, on every endpoint, writing nothing", async () => {
    const a = await freshSite();
    const b = await freshSite();
    const keyB = await insertKey(b.id);
    await expectProblem(await admin(a.id, "/lists/blog/subscribers", keyB.secret), 403, "api_key_wrong_site");
    await expectProblem(await admin(a.id, `/visitors/${crypto.randomUUID()}`, keyB.secret), 403, "api_key_wrong_site");
    await expectProblem(await headersFor(a.id, keyB.secret, { email: "x@example.com", list: "blog" }), 403, "api_key_wrong_site");
    expect((await keyRow(keyB.id))!.last_used_at).toBeNull();
  });

  it("is not behind the browser guards: no Origin needed for a POST, no CORS headers", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const res = await headersFor(site.id, key.secret, { email: "x@example.com", list: "blog" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await expectProblem(await admin(site.id, "/nope", key.secret), 404, "not_found");
  });

  it("records the key's last use on a served request", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    expect((await admin(site.id, "/lists/blog/subscribers", key.secret)).status).toBe(200);
    expect((await keyRow(key.id))!.last_used_at).not.toBeNull();
  });

  it("answers 404 site_not_found for an unknown site before looking at the key", async () => {
    await expectProblem(await admin("no-such-site", "/lists/blog/subscribers", null), 404, "site_not_found");
  });
});

describe("GET /admin/lists/{listId}/subscribers", () => {
  it("pages through every confirmed, unsuppressed subscriber exactly once (R5.3, R5.7)", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const confirmed: string[] = [];
    for (let i = 0; i < 5; i++) confirmed.push((await confirmedSubscriber(site.id, ["blog"])).toLowerCase());
    // Not sendable: a pending signup, an unsubscribed reader, a suppressed one, another list's.
    await signupForToken(site.id, "blog");
    const leaver = await confirmedSubscriber(site.id, ["blog"]);
    const headers = (await (await headersFor(site.id, key.secret, { email: leaver, list: "blog" })).json()) as UnsubscribeHeadersResponse;
    expect((await call(new URL(headers.url).pathname, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    const suppressed = await confirmedSubscriber(site.id, ["blog"]);
    await env.LEDGER.prepare(`INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, 'blog', ?2, 'erase', ?3)`)
      .bind(site.id, await emailHash(workerEnv, suppressed), new Date().toISOString())
      .run();
    await confirmedSubscriber(site.id, ["marketing-email"]);

    const seen: SubscribersResponse["subscribers"] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await admin(site.id, `/lists/blog/subscribers?limit=2${cursor ? `&cursor=${cursor}` : ""}`, key.secret);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const body = (await res.json()) as SubscribersResponse;
      expect(body.subscribers.length).toBeLessThanOrEqual(2);
      seen.push(...body.subscribers);
      cursor = body.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((s) => s.email).sort()).toEqual([...confirmed].sort());
    for (const s of seen) expect(s).toMatchObject({ status: "confirmed", textVersion: "2026-11-01", locale: "en", confirmedAt: expect.any(String) });
  });

  it("defaults to 100 per page and says next: null on the last page", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const email = await confirmedSubscriber(site.id, ["blog"]);
    const body = (await (await admin(site.id, "/lists/blog/subscribers", key.secret)).json()) as SubscribersResponse;
    expect(body).toEqual({ subscribers: [expect.objectContaining({ email: email.toLowerCase() })], next: null });
  });

  it("refuses an unknown list with 404 and a bad limit or cursor with 400", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    await expectProblem(await admin(site.id, "/lists/podcast/subscribers", key.secret), 404, "unknown_list");
    await expectProblem(await admin(site.id, "/lists/NOT%20A%20LIST/subscribers", key.secret), 404, "unknown_list");
    for (const q of ["limit=0", "limit=501", "limit=x", "cursor=1%27%20OR%201", "other=1"])
      await expectProblem(await admin(site.id, `/lists/blog/subscribers?${q}`, key.secret), 400, "invalid_query");
    expect((await keyRow(key.id))!.last_used_at).toBeNull();
  });
});

describe("GET /admin/visitors/{visitorId}", () => {
  it("shows the visitor's preferences and list statuses", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const visitor = await newVisitor(site);
    const signup = await postSignup(site.id, signupBody({ lists: ["blog"] }), { headers: auth(visitor.token!) });
    expect(signup.status).toBe(202);
    const res = await admin(site.id, `/visitors/${visitor.visitorId}`, key.secret);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as AdminVisitorResponse;
    // The visitor's record carries the list's status too (worker/consent/visitor-record.ts).
    expect(body).toEqual({ visitorId: visitor.visitorId, preferences: { ...visitor.preferences, lists: { blog: "pending" } }, lists: { blog: "pending" } });

    // Once the mailbox confirms, the visitor is linked to the subscription: confirmed in both.
    const message = (await outboxRows(site.id))[0]!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    const after = (await (await admin(site.id, `/visitors/${visitor.visitorId}`, key.secret)).json()) as AdminVisitorResponse;
    expect(after).toEqual({ visitorId: visitor.visitorId, preferences: { ...visitor.preferences, lists: { blog: "confirmed" } }, lists: { blog: "confirmed" } });
  });

  it("answers 404 no_record for an unknown visitor, a malformed id, and another site's visitor (R7.2, R7.12)", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const key = await insertKey(site.id);
    const stranger = await newVisitor(other);
    await expectProblem(await admin(site.id, `/visitors/${crypto.randomUUID()}`, key.secret), 404, "no_record");
    await expectProblem(await admin(site.id, "/visitors/not-a-uuid", key.secret), 404, "no_record");
    await expectProblem(await admin(site.id, `/visitors/${stranger.visitorId}`, key.secret), 404, "no_record");
  });
});

describe("POST /admin/unsubscribe-headers (R5.4)", () => {
  it("refuses to mint a plain-http link outside local development (RFC 8058 needs HTTPS)", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const deployed = { ...(env as unknown as Env), DEV_MODE: undefined };
    const request = (base: string) =>
      new Request(`${base}/v1/sites/${site.id}/admin/unsubscribe-headers`, {
        method: "POST",
        headers: { ...auth(key.secret), "Content-Type": "application/json" },
        body: JSON.stringify({ email: "reader@example.com", list: "blog" }),
      });
    await expectProblem(await app.fetch(request("http://assent.test"), deployed, createExecutionContext()), 500, "insecure_origin");
    const ok = await app.fetch(request("https://assent.test"), deployed, createExecutionContext());
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as UnsubscribeHeadersResponse).url).toMatch(/^https:\/\/assent\.test\/u\//);
  });

  it("returns the List-* headers and a URL that really unsubscribes when POSTed (R5.3)", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    const email = await confirmedSubscriber(site.id, ["blog", "marketing-email"]);
    const res = await headersFor(site.id, key.secret, { email: email.toUpperCase(), list: "blog" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as UnsubscribeHeadersResponse;
    expect(body.headers).toEqual({
      "List-Unsubscribe": `<${body.url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "List-Id": `blog.${site.id}.assent.test`,
    });
    expect(body.url).toMatch(/^http:\/\/assent\.test\/u\/u2\./);

    const unsub = await call(new URL(body.url).pathname, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
      redirect: "manual",
    });
    expect(unsub.status).toBe(200);
    const rows = await subscriptionRows(site.id);
    expect(rows.map((r) => [r.list_id, r.status, r.email])).toEqual([
      ["blog", "unsubscribed", null],
      ["marketing-email", "confirmed", email.toLowerCase()],
    ]);
    expect((await suppressionRows(site.id)).map((r) => r.list_id)).toEqual(["blog"]);
    // The subscriber list no longer has the address.
    const page = (await (await admin(site.id, "/lists/blog/subscribers", key.secret)).json()) as SubscribersResponse;
    expect(page.subscribers).toEqual([]);
  });

  it("refuses an unknown list with 404, and a bad body with 400 or 422, writing nothing", async () => {
    const site = await freshSite();
    const key = await insertKey(site.id);
    await expectProblem(await headersFor(site.id, key.secret, { email: "a@example.com", list: "podcast" }), 404, "unknown_list");
    await expectProblem(await headersFor(site.id, key.secret, "{ nope"), 400, "malformed_json");
    await expectProblem(await headersFor(site.id, key.secret, { email: "not-an-email", list: "blog" }), 422, "invalid_body");
    await expectProblem(await headersFor(site.id, key.secret, { email: "a@example.com", list: "blog", extra: 1 }), 422, "invalid_body");
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await suppressionRows(site.id)).toEqual([]);
    expect((await keyRow(key.id))!.last_used_at).toBeNull();
  });
});

describe("admin API rate limit", () => {
  it("answers 429 with Retry-After past 100 requests in 10 s for one key, and counts keys apart", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const key = await insertKey(site.id);
    const other = await insertKey(site.id);
    // The limiter counts in fixed 10 s windows, so a run that crosses a window boundary may pass
    // up to twice the limit before the first refusal; it must come, and not before 100.
    let served = 0;
    let limited: Response | null = null;
    while (served <= 250) {
      const res = await admin(site.id, "/lists/blog/subscribers", key.secret);
      if (res.status === 429) {
        limited = res;
        break;
      }
      expect(res.status).toBe(200);
      served++;
    }
    expect(limited).not.toBeNull();
    expect(served).toBeGreaterThanOrEqual(100);
    await expectProblem(limited!, 429, "rate_limited");
    expect(Number(limited!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await admin(site.id, "/lists/blog/subscribers", other.secret)).status).toBe(200);
  });
});

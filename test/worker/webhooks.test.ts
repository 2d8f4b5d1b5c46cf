/**
 * Webhooks (issue #4 item 6, R2.5): endpoints managed with an API key, an event for every consent
 * and subscription change queued in the same D1 transaction as the change, Standard Webhooks
 * signatures (verified with the `standardwebhooks` library a receiver would use), retries with
 * backoff, and no event lost while a receiver fails.
 *
 * The receiver is a fake `fetch` installed in the Worker's isolate: it records every request the
 * Worker sends to a `https://hooks.test/...` URL and answers what the test says. Delivery runs
 * are driven with explicit clocks (`deliverDue(env, now)`, the scheduled handler's
 * `scheduledTime`), so retries are tested without waiting.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import type { WebhookDeliveriesResponse, WebhookEndpoint, WebhookEndpointList, WebhookEvent } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { WEBHOOK_RETENTION_DAYS, purgeWebhookEvents } from "../../worker/webhooks/store";
import { MAX_ATTEMPTS, deliverDue } from "../../worker/webhooks/deliver";
import { confirmToken, oneClick, outboxRows, postConfirm, postSignup, signupBody, unsubscribePath, workerEnv } from "./email-helpers";
import { auth, call, decisionBody, expectProblem, freshSite, insertApiKey, newVisitor, postDecision } from "./helpers";
import { eventsAt, receiver, settled, siteWithEndpoint, useFakeReceiver, webhookAdmin } from "./webhook-helpers";

useFakeReceiver();

const admin = webhookAdmin;

async function deliveries(siteId: string) {
  const { results } = await env.LEDGER.prepare(
    `SELECT d.*, ev.type FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE d.site_id = ?1 ORDER BY ev.created_at, ev.id`,
  ).bind(siteId).all<{ event_id: string; endpoint_id: string; status: string; attempts: number; next_attempt_at: string; last_status: number | null; last_error: string | null; type: string }>();
  return results;
}

const events = eventsAt;

describe("webhook endpoints (site owner API)", () => {
  it("creates an endpoint with a Standard Webhooks secret, lists it, reads it and deletes it", async () => {
    const { site, key, url, endpoint } = await siteWithEndpoint(["consent.updated"]);
    expect(endpoint).toMatchObject({ url, events: ["consent.updated"], description: null });
    expect(endpoint.id).toMatch(/^wh_[0-9a-f]{24}$/);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = (await (await admin(site.id, "", key)).json()) as WebhookEndpointList;
    expect(list.endpoints).toEqual([endpoint]);
    expect(await (await admin(site.id, `/${endpoint.id}`, key)).json()).toEqual(endpoint);
    const del = await admin(site.id, `/${endpoint.id}`, key, { method: "DELETE" });
    expect(del.status).toBe(204);
    await expectProblem(await admin(site.id, `/${endpoint.id}`, key), 404, "unknown_webhook");
    expect(((await (await admin(site.id, "", key)).json()) as WebhookEndpointList).endpoints).toEqual([]);
  });

  it("gives each endpoint its own secret, stable across reads and unrelated to other sites'", async () => {
    const a = await siteWithEndpoint();
    const second = (await (await admin(a.site.id, "", a.key, { method: "POST", json: { url: `https://hooks.test/${crypto.randomUUID()}` } })).json()) as WebhookEndpoint;
    expect(second.secret).not.toBe(a.endpoint.secret);
    const again = (await (await admin(a.site.id, `/${a.endpoint.id}`, a.key)).json()) as WebhookEndpoint;
    expect(again.secret).toBe(a.endpoint.secret);
    // The secret is not stored anywhere in D1.
    const row = await env.LEDGER.prepare(`SELECT * FROM webhook_endpoints WHERE id = ?1`).bind(a.endpoint.id).first();
    expect(JSON.stringify(row)).not.toContain(a.endpoint.secret.slice(6, 30));
  });

  it("refuses plain http to a public host, bad event names and unknown fields, writing nothing", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url: "http://hooks.example.com/x" } }), 422, "invalid_webhook_url");
    await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url: "ftp://hooks.example.com/x" } }), 422, "invalid_body");
    await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url: "https://a.test/", events: ["consent.maybe"] } }), 422, "invalid_body");
    await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url: "https://a.test/", secret: "mine" } }), 422, "invalid_body");
    await expectProblem(await admin(site.id, "", key, { method: "POST", body: "{", headers: { "Content-Type": "application/json" } }), 400, "malformed_json");
    expect(((await (await admin(site.id, "", key)).json()) as WebhookEndpointList).endpoints).toEqual([]);
  });

  it("accepts http://127.0.0.1 only because these tests run with DEV_MODE (local development)", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const res = await admin(site.id, "", key, { method: "POST", json: { url: "http://127.0.0.1:9/hook" } });
    expect(res.status).toBe(201);
  });

  it("caps a site at 10 endpoints with 409 too_many_webhooks", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    for (let i = 0; i < 10; i++)
      expect((await admin(site.id, "", key, { method: "POST", json: { url: `https://hooks.test/${i}` } })).status).toBe(201);
    await expectProblem(await admin(site.id, "", key, { method: "POST", json: { url: "https://hooks.test/11" } }), 409, "too_many_webhooks");
  });

  it("needs the site's own API key: none → 401, another site's → 403, another site's endpoint id → 404 (R7.12)", async () => {
    const a = await siteWithEndpoint();
    const b = await siteWithEndpoint();
    await expectProblem(await call(`/v1/sites/${a.site.id}/admin/webhooks`), 401, "api_key_required");
    await expectProblem(await admin(a.site.id, "", b.key), 403, "api_key_wrong_site");
    await expectProblem(await admin(a.site.id, `/${b.endpoint.id}`, a.key), 404, "unknown_webhook");
    await expectProblem(await admin(a.site.id, `/${b.endpoint.id}`, a.key, { method: "DELETE" }), 404, "unknown_webhook");
    await expectProblem(await admin(a.site.id, "/not-an-id/deliveries", a.key), 404, "unknown_webhook");
  });
});

describe("the deliveries API, as a script uses it", () => {
  it("lists deliveries newest first, page by page; an empty cursor is the first page; a trailing slash is the same route", async () => {
    const { site, key, endpoint } = await siteWithEndpoint();
    // Events created a minute apart, in an order their random ids do not follow.
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.now() - (10 - i) * 60_000).toISOString();
      const id = `evt_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
      await env.LEDGER.prepare(`INSERT INTO webhook_events (id, site_id, type, payload, created_at) VALUES (?1, ?2, 'consent.updated', '{}', ?3)`).bind(id, site.id, at).run();
      created.push(id);
    }
    // Listed, not sent: no other test's delivery run should pick them up.
    await env.LEDGER.prepare(`UPDATE webhook_deliveries SET status = 'delivered' WHERE site_id = ?1`).bind(site.id).run();
    const newestFirst = [...created].reverse();
    const page1 = (await (await admin(site.id, `/${endpoint.id}/deliveries?status=&limit=2&cursor=`, key)).json()) as WebhookDeliveriesResponse;
    expect(page1.deliveries.map((d) => d.eventId)).toEqual(newestFirst.slice(0, 2));
    const page2 = (await (await admin(site.id, `/${endpoint.id}/deliveries?limit=2&cursor=${page1.next}`, key)).json()) as WebhookDeliveriesResponse;
    expect(page2.deliveries.map((d) => d.eventId)).toEqual(newestFirst.slice(2, 4));
    const page3 = (await (await admin(site.id, `/${endpoint.id}/deliveries/?limit=2&cursor=${page2.next}`, key)).json()) as WebhookDeliveriesResponse;
    expect(page3.deliveries.map((d) => d.eventId)).toEqual(newestFirst.slice(4));
    expect(page3.next).toBeNull();
    // The endpoints list and creation answer with a trailing slash too.
    expect((await admin(site.id, "/", key)).status).toBe(200);
    expect((await admin(site.id, "/", key, { method: "POST", json: { url: `https://hooks.test/${crypto.randomUUID()}` } })).status).toBe(201);
  });

  it("POST …/redeliver needs no body: all failed deliveries are queued again", async () => {
    const { site, key, endpoint } = await siteWithEndpoint();
    receiver.answer = () => 500;
    await newVisitor(site);
    await settled(site.id);
    await env.LEDGER.prepare(`UPDATE webhook_deliveries SET status = 'failed' WHERE site_id = ?1`).bind(site.id).run();
    const res = await admin(site.id, `/${endpoint.id}/redeliver`, key, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ requeued: 1 });
    await settled(site.id);
  });
});

describe("consent events", () => {
  it("a decision is POSTed at once, signed so the standardwebhooks library verifies it (R2.5)", async () => {
    const { site, url, endpoint } = await siteWithEndpoint();
    const visitor = await newVisitor(site, { action: "custom", choices: { usage: true } });
    await settled(site.id);
    expect(receiver.received).toHaveLength(1);
    const hit = receiver.received[0]!;
    expect(hit.url).toBe(url);
    expect(hit.headers["content-type"]).toBe("application/json");
    const verified = new Webhook(endpoint.secret).verify(hit.body, hit.headers) as WebhookEvent;
    expect(verified).toMatchObject({
      type: "consent.updated",
      siteId: site.id,
      data: {
        visitorId: visitor.visitorId,
        subject: null,
        receiptId: visitor.receipt.id,
        action: "custom",
        surface: "banner",
        categories: visitor.preferences.categories,
        gpc: false,
      },
    });
    expect(hit.headers["webhook-id"]).toBe(verified.id);
    // A wrong secret or a changed body does not verify.
    const other = await siteWithEndpoint();
    expect(() => new Webhook(other.endpoint.secret).verify(hit.body, hit.headers)).toThrow();
    expect(() => new Webhook(endpoint.secret).verify(hit.body.replace('"usage":true', '"usage":false'), hit.headers)).toThrow();
    expect((await deliveries(site.id)).map((d) => [d.type, d.status, d.attempts, d.last_status])).toEqual([["consent.updated", "delivered", 1, 200]]);
  });

  it("a retried request (same Idempotency-Key) queues no second event", async () => {
    const { site, url } = await siteWithEndpoint();
    const body = decisionBody(site);
    const idempotencyKey = crypto.randomUUID();
    expect((await postDecision(site.id, body, { idempotencyKey })).status).toBe(201);
    expect((await postDecision(site.id, body, { idempotencyKey })).status).toBe(201);
    await settled(site.id);
    expect(events(url)).toHaveLength(1);
    expect(await deliveries(site.id)).toHaveLength(1);
  });

  it("queues nothing for a site without endpoints, or for event types an endpoint did not ask for", async () => {
    const bare = await freshSite();
    await newVisitor(bare);
    const count = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ?1`).bind(bare.id).first<{ n: number }>();
    expect(count!.n).toBe(0);
    const { site, url } = await siteWithEndpoint(["subscription.confirmed"]);
    await newVisitor(site);
    await settled(site.id);
    expect(events(url)).toEqual([]);
  });

  it("tells another site's endpoint nothing (R7.12)", async () => {
    const a = await siteWithEndpoint();
    const b = await siteWithEndpoint();
    await newVisitor(a.site);
    await settled(a.site.id);
    await settled(b.site.id);
    // Whatever is due anywhere is sent before looking: nothing for b may be waiting.
    await deliverDue(workerEnv, new Date(Date.now() + 60_000));
    expect(events(a.url)).toHaveLength(1);
    expect(events(b.url)).toEqual([]);
  });

  it("an erasure sends consent.erased, and the erased visitor's subscriptions as unsubscribed with reason erase", async () => {
    const { site, url } = await siteWithEndpoint();
    const visitor = await newVisitor(site);
    const res = await postSignup(site.id, signupBody({ lists: ["blog"] }), { headers: auth(visitor.token!) });
    expect(res.status).toBe(202);
    const message = (await outboxRows(site.id)).at(-1)!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    await settled(site.id);
    receiver.received = [];
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { ...auth(visitor.token!), Origin: "http://127.0.0.1:8787" } })).status).toBe(200);
    await settled(site.id);
    const sent = events(url);
    expect(sent.map((e) => e.type).sort()).toEqual(["consent.erased", "subscription.unsubscribed"]);
    expect(sent.find((e) => e.type === "consent.erased")!.data).toMatchObject({ visitorId: visitor.visitorId, subject: null });
    expect(sent.find((e) => e.type === "subscription.unsubscribed")!.data).toMatchObject({
      list: "blog",
      status: "unsubscribed",
      email: message.to_address,
      reason: "erase",
    });
  });
});

describe("identified visitors", () => {
  it("consent.updated and consent.erased name the person's subject, so the site can act on its own records", async () => {
    const { site, key, url } = await siteWithEndpoint();
    const issued = await call(`/v1/sites/${site.id}/admin/identities`, {
      method: "POST",
      headers: { ...auth(key), "Content-Type": "application/json" },
      body: JSON.stringify({ subject: "user-42" }),
    });
    const { identity } = (await issued.json()) as { identity: string };
    const linked = await call(`/v1/sites/${site.id}/identify`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://127.0.0.1:8787" },
      body: JSON.stringify({ identity }),
    });
    expect(linked.status).toBe(200);
    const { token, visitorId } = (await linked.json()) as { token: string; visitorId: string };
    expect((await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token })).status).toBe(200);
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { ...auth(token), Origin: "http://127.0.0.1:8787" } })).status).toBe(200);
    await settled(site.id);
    const sent = events(url);
    expect(sent.map((e) => e.type)).toEqual(["consent.updated", "consent.erased"]);
    expect(sent[0]!.data).toMatchObject({ visitorId, subject: "user-42", action: "reject_all" });
    expect(sent[1]!.data).toMatchObject({ visitorId, subject: "user-42" });
    // The mapping went with the erasure.
    const row = await env.LEDGER.prepare(`SELECT 1 FROM subjects WHERE site_id = ?1`).bind(site.id).first();
    expect(row).toBeNull();
  });
});

describe("subscription events", () => {
  it("signup → pending without the address; confirm → confirmed with it; one-click → unsubscribed", async () => {
    const { site, url } = await siteWithEndpoint();
    const body = signupBody({ lists: ["marketing-email"] });
    expect((await postSignup(site.id, body)).status).toBe(202);
    await settled(site.id);
    const message = (await outboxRows(site.id)).at(-1)!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    // A second confirmation of the same link changes nothing and says nothing.
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(410);
    await settled(site.id);
    const path = await unsubscribePath(site.id, "marketing-email", body.email);
    expect((await oneClick(path)).status).toBe(200);
    expect((await oneClick(path)).status).toBe(200); // idempotent: no second event
    await settled(site.id);

    const sent = events(url);
    expect(sent.map((e) => e.type)).toEqual(["subscription.pending", "subscription.confirmed", "subscription.unsubscribed"]);
    expect(sent[0]!.data).toMatchObject({ list: "marketing-email", status: "pending", email: null, textVersion: body.textVersion, source: "preferences" });
    expect(sent[1]!.data).toMatchObject({ list: "marketing-email", status: "confirmed", email: message.to_address, source: "email_link" });
    expect(sent[2]!.data).toMatchObject({ status: "unsubscribed", email: message.to_address, source: "one_click", reason: "unsubscribe" });
  });
});

describe("retries and no loss", () => {
  it("a 500 is retried after the backoff, not before, with the same webhook-id, signed at sending time", async () => {
    const { site, url, endpoint } = await siteWithEndpoint();
    receiver.answer = () => 500;
    await newVisitor(site);
    await settled(site.id);
    let [d] = await deliveries(site.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, last_status: 500, last_error: "HTTP 500" });
    const due = Date.parse(d!.next_attempt_at);
    expect(due - Date.now()).toBeGreaterThan(45_000);
    expect(due - Date.now()).toBeLessThan(75_000);

    expect((await deliverDue(workerEnv, new Date(), { siteId: site.id })).attempted).toBe(0);
    receiver.answer = () => 204;
    const run = await deliverDue(workerEnv, new Date(due + 1000), { siteId: site.id });
    expect(run).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    [d] = await deliveries(site.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 2, last_status: 204 });

    const [first, second] = receiver.received;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    // Signed at the real time of sending, which receivers check against their clock.
    expect(Math.abs(Number(second!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
    expect(() => new Webhook(endpoint.secret).verify(second!.body, second!.headers)).not.toThrow();
    expect(events(url)).toHaveLength(2);
  });

  it("a receiver down for every attempt: the delivery ends failed, is kept, and redelivers once the receiver is back", async () => {
    const { site, key, url, endpoint } = await siteWithEndpoint();
    receiver.answer = () => "network";
    const visitor = await newVisitor(site);
    await settled(site.id);
    let clock = Date.now();
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      const [d] = await deliveries(site.id);
      expect(d).toMatchObject({ status: "pending", attempts: i, last_status: null });
      expect(d!.last_error).toBe("network error"); // fixed words, never the runtime's message
      clock = Date.parse(d!.next_attempt_at) + 1000;
      await deliverDue(workerEnv, new Date(clock), { siteId: site.id });
    }
    const [failed] = await deliveries(site.id);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(events(url)).toHaveLength(MAX_ATTEMPTS);
    // A failed delivery is not retried by later runs…
    expect((await deliverDue(workerEnv, new Date(clock + 86_400_000), { siteId: site.id })).attempted).toBe(0);

    // …but the owner sees it and can send it again.
    const list = (await (await admin(site.id, `/${endpoint.id}/deliveries?status=failed`, key)).json()) as WebhookDeliveriesResponse;
    expect(list.deliveries).toHaveLength(1);
    expect(list.deliveries[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, type: "consent.updated", event: { data: { visitorId: visitor.visitorId } } });
    receiver.answer = () => 200;
    const redeliver = await admin(site.id, `/${endpoint.id}/redeliver`, key, { method: "POST", json: {} });
    expect(await redeliver.json()).toEqual({ requeued: 1 });
    await settled(site.id);
    expect((await deliveries(site.id))[0]).toMatchObject({ status: "delivered" });
    const last = receiver.received.at(-1)!;
    expect(last.url).toBe(url);
    expect((JSON.parse(last.body) as WebhookEvent).data).toMatchObject({ visitorId: visitor.visitorId });
  });

  it("keeps every event in order while the receiver is down, and delivers all of them when it is back", async () => {
    const { site, url } = await siteWithEndpoint();
    receiver.answer = () => 503;
    const visitors = [];
    for (let i = 0; i < 5; i++) visitors.push(await newVisitor(site));
    await settled(site.id);
    expect((await deliveries(site.id)).every((d) => d.status === "pending")).toBe(true);
    receiver.answer = () => 200;
    const run = await deliverDue(workerEnv, new Date(Date.now() + 10 * 60_000), { siteId: site.id });
    expect(run.delivered).toBe(5);
    const delivered = events(url).slice(-5).map((e) => (e.data as { visitorId: string }).visitorId);
    expect(delivered.sort()).toEqual(visitors.map((v) => v.visitorId).sort());
  });

  it("does not follow redirects: a 302 counts as a failed attempt", async () => {
    const { site } = await siteWithEndpoint();
    receiver.answer = () => "redirect";
    await newVisitor(site);
    await settled(site.id);
    expect((await deliveries(site.id))[0]).toMatchObject({ status: "pending", last_status: 302, last_error: "redirects are not followed" });
    expect(receiver.received.some((r) => r.url.startsWith("https://elsewhere.test"))).toBe(false);
  });

  it("two delivery runs at the same moment send each delivery once (claims with a lease)", async () => {
    const { site, url } = await siteWithEndpoint();
    receiver.answer = () => 500;
    for (let i = 0; i < 6; i++) await newVisitor(site);
    await settled(site.id);
    receiver.received = [];
    receiver.answer = () => 200;
    const later = new Date(Date.now() + 10 * 60_000);
    const runs = await Promise.all([deliverDue(workerEnv, later, { siteId: site.id }), deliverDue(workerEnv, later, { siteId: site.id }), deliverDue(workerEnv, later, { siteId: site.id })]);
    expect(runs.reduce((n, r) => n + r.delivered, 0)).toBe(6);
    const ids = events(url).map((e) => e.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
  });

  it("the per-minute cron sends due retries", async () => {
    const { site, url } = await siteWithEndpoint();
    receiver.answer = () => 500;
    await newVisitor(site);
    await settled(site.id);
    receiver.answer = () => 200;
    const worker = (await import("../../worker/index")).default;
    const ctx = createExecutionContext();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 5 * 60_000, cron: "* * * * *" }), env as unknown as Env, ctx);
    await waitOnExecutionContext(ctx);
    log.mockRestore();
    expect((await deliveries(site.id))[0]).toMatchObject({ status: "delivered", attempts: 2 });
    expect(events(url)).toHaveLength(2);
  });

  it("a deleted endpoint gets nothing more: its pending deliveries are cancelled", async () => {
    const { site, key, url, endpoint } = await siteWithEndpoint();
    receiver.answer = () => 500;
    await newVisitor(site);
    await settled(site.id);
    expect((await admin(site.id, `/${endpoint.id}`, key, { method: "DELETE" })).status).toBe(204);
    receiver.answer = () => 200;
    expect((await deliverDue(workerEnv, new Date(Date.now() + 10 * 60_000), { siteId: site.id })).attempted).toBe(0);
    expect((await deliveries(site.id))[0]).toMatchObject({ status: "cancelled" });
    // A change after the deletion: its immediate attempt and any later run send nothing there.
    await newVisitor(site);
    await settled(site.id);
    await deliverDue(workerEnv, new Date(Date.now() + 10 * 60_000), { siteId: site.id });
    expect(events(url)).toHaveLength(1);
    expect((await deliveries(site.id)).filter((d) => d.status !== "cancelled")).toEqual([]);
  });

  it("a test event reaches one endpoint only, on request", async () => {
    const a = await siteWithEndpoint();
    const other = (await (await admin(a.site.id, "", a.key, { method: "POST", json: { url: `https://hooks.test/${crypto.randomUUID()}` } })).json()) as WebhookEndpoint;
    const res = await admin(a.site.id, `/${a.endpoint.id}/test`, a.key, { method: "POST" });
    expect(res.status).toBe(202);
    await settled(a.site.id);
    expect(events(a.url).map((e) => e.type)).toEqual(["webhook.test"]);
    expect(events(other.url)).toEqual([]);
  });
});

describe("retention", () => {
  it("the daily purge deletes events older than 30 days with their deliveries, but never one still pending", async () => {
    const { site } = await siteWithEndpoint();
    receiver.answer = () => 500;
    await newVisitor(site); // stays pending: its retry is not due for a minute
    await settled(site.id);
    receiver.answer = () => 200;
    await newVisitor(site); // delivered
    await settled(site.id);
    const before = await deliveries(site.id);
    expect(before.map((d) => d.status).sort()).toEqual(["delivered", "pending"]);
    const later = new Date(Date.now() + (WEBHOOK_RETENTION_DAYS + 1) * 86_400_000);
    expect(await purgeWebhookEvents(workerEnv, later, 5000)).toBeGreaterThanOrEqual(1);
    const after = await deliveries(site.id);
    expect(after.map((d) => d.status)).toEqual(["pending"]);
    const events = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ?1`).bind(site.id).first<{ n: number }>();
    expect(events!.n).toBe(1);
  });
});

/**
 * Erasure under hostile use: DELETE /me is idempotent (a second, tenth or sixtieth call with the
 * same token changes nothing and queues nothing), rate limited, and safe against concurrent
 * calls; and it removes the personal data webhook events still held about the visitor.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ErasureResponse, WebhookDeliveriesResponse } from "../../worker/contract";
import { confirmToken, outboxRows, postConfirm, postSignup, signupBody } from "./email-helpers";
import { ORIGIN, auth, call, decisionBody, expectProblem, freshSite, newVisitor, postDecision, withinOneRateWindow } from "./helpers";
import { settled, siteWithEndpoint, storedEvents, useFakeReceiver, webhookAdmin } from "./webhook-helpers";

useFakeReceiver();

const erase = (siteId: string, token: string) => call(`/v1/sites/${siteId}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(token) } });

const count = async (sql: string, ...binds: unknown[]) => (await env.LEDGER.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("DELETE /me: one erasure, however often it is asked for", () => {
  it("sixty calls with one token: one erasure record, one consent.erased event and its delivery; then 429", async () => {
    await withinOneRateWindow(10, 4000);
    const { site } = await siteWithEndpoint();
    const visitor = await newVisitor(site);
    await settled(site.id);

    const statuses: number[] = [];
    const bodies: ErasureResponse[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await erase(site.id, visitor.token!);
      statuses.push(res.status);
      if (res.status === 200) bodies.push((await res.json()) as ErasureResponse);
      else {
        expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
        await expectProblem(res, 429, "rate_limited");
      }
    }
    // 20 per 10 s per visitor (wrangler.toml WRITE_LIMIT), then refused.
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses.slice(20)).toEqual(Array(40).fill(429));
    expect(bodies[0]).toMatchObject({ erased: true, receiptsDeleted: 1 });
    for (const later of bodies.slice(1)) expect(later).toMatchObject({ erased: true, receiptsDeleted: 0, subscriptionsDeleted: 0 });

    await settled(site.id);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?", site.id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ? AND type = 'consent.erased'", site.id)).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE d.site_id = ? AND ev.type = 'consent.erased'", site.id),
    ).toBe(1);
  });

  it("ten simultaneous calls: exactly one erases, the others answer the same and queue nothing", async () => {
    const { site } = await siteWithEndpoint();
    const visitor = await newVisitor(site);
    await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! });
    const answers = await Promise.all(Array.from({ length: 10 }, () => erase(site.id, visitor.token!)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as ErasureResponse[];
    expect(bodies.map((b) => b.receiptsDeleted).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    await settled(site.id);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?", site.id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ? AND type = 'consent.erased'", site.id)).toBe(1);
  });
});

describe("after an erasure nothing names the visitor", () => {
  it("no table holds the visitor id, except the events the erasure sends the site owner (R9.2)", async () => {
    const { site } = await siteWithEndpoint();
    const visitor = await newVisitor(site);
    expect((await call(`/v1/sites/${site.id}/me`, { headers: auth(visitor.token!) })).status).toBe(200); // kept in KV
    const signup = signupBody({ lists: ["blog"] });
    expect((await postSignup(site.id, signup, { headers: auth(visitor.token!) })).status).toBe(202);
    await postConfirm(site.id, confirmToken((await outboxRows(site.id)).find((m) => m.to_address === signup.email.toLowerCase())!, site.id));
    await settled(site.id);
    expect((await erase(site.id, visitor.token!)).status).toBe(200);
    await settled(site.id);

    const tables = (await env.LEDGER.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'`).all<{ name: string }>()).results.map((r) => r.name);
    expect(tables).toContain("kv_records");
    for (const table of tables) {
      const rows = (await env.LEDGER.prepare(`SELECT * FROM ${table}`).all()).results;
      const naming = rows.filter((r) => JSON.stringify(r).includes(visitor.visitorId));
      if (table === "webhook_events")
        expect(naming.map((r) => r.type).sort(), table).toEqual(["consent.erased", "subscription.unsubscribed"]);
      else expect(naming, table).toEqual([]);
    }
    expect((await env.PREFS.list({ prefix: `pref:v1:${site.id}:${visitor.visitorId}` })).keys).toEqual([]);
  });
});

describe("erasure removes the visitor from webhook events", () => {
  it("consent and subscription events naming the visitor or their address are gone; the erasure's own stay (R9.2)", async () => {
    const { site, key, endpoint } = await siteWithEndpoint();
    const visitor = await newVisitor(site);
    await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! });
    const signup = signupBody({ lists: ["blog"] });
    expect((await postSignup(site.id, signup, { headers: auth(visitor.token!) })).status).toBe(202);
    const message = (await outboxRows(site.id)).find((m) => m.to_address === signup.email.toLowerCase())!;
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    const other = await newVisitor(site);
    await settled(site.id);
    const address = signup.email.toLowerCase();
    const before = await storedEvents(site.id);
    expect(before.filter((e) => e.payload.includes(visitor.visitorId)).map((e) => e.type).sort()).toEqual([
      "consent.updated",
      "consent.updated",
      "subscription.confirmed",
      "subscription.pending",
    ]);

    expect((await erase(site.id, visitor.token!)).status).toBe(200);
    await settled(site.id);
    const after = await storedEvents(site.id);
    const naming = after.filter((e) => e.payload.includes(visitor.visitorId) || e.payload.includes(address));
    // Only what the erasure itself sends the owner, so they can erase on their side too.
    expect(naming.map((e) => [e.type, (JSON.parse(e.payload) as { data: { reason?: string } }).data.reason ?? null]).sort()).toEqual([
      ["consent.erased", null],
      ["subscription.unsubscribed", "erase"],
    ]);
    // The other visitor's events are untouched.
    expect(after.some((e) => e.payload.includes(other.visitorId))).toBe(true);
    // Nor can the deliveries API show or redeliver what was removed.
    const listed = (await (await webhookAdmin(site.id, `/${endpoint.id}/deliveries?limit=100`, key)).json()) as WebhookDeliveriesResponse;
    const shown = listed.deliveries.filter((d) => JSON.stringify(d.event).includes(visitor.visitorId) || JSON.stringify(d.event).includes(address));
    expect(shown.map((d) => d.type).sort()).toEqual(["consent.erased", "subscription.unsubscribed"]);
    const removedIds = before.filter((e) => !after.some((a) => a.id === e.id)).map((e) => e.id);
    expect(removedIds).toHaveLength(4);
    const redeliver = await webhookAdmin(site.id, `/${endpoint.id}/redeliver`, key, { method: "POST", json: { eventIds: removedIds } });
    expect(await redeliver.json()).toEqual({ requeued: 0 });
  });
});

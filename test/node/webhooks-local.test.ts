/**
 * Webhooks end to end over real HTTP: Assent in workerd (createLocalAssent) delivers to a real
 * Node HTTP server on loopback that fails at first. The receiver verifies every request with the
 * `standardwebhooks` library, as a site owner's server would; the per-minute cron (run with a
 * later clock) retries until it gets through, and the event arrives intact and only once
 * acknowledged.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BootstrapResponse, ConsentResponse, WebhookDeliveriesResponse, WebhookEndpoint, WebhookEvent } from "../../worker/contract";
import { type LocalAssent, createLocalAssent } from "../../local/index";

const ORIGIN = "http://127.0.0.1:8788";

interface Hit {
  headers: Record<string, string>;
  body: string;
  verified: WebhookEvent | null;
}

describe("webhooks over real HTTP", () => {
  let assent: LocalAssent;
  let server: Server;
  let receiverUrl: string;
  let secret = "";
  let failuresLeft = 2;
  const hits: Hit[] = [];
  let apiKey: string;

  beforeAll(async () => {
    assent = await createLocalAssent();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let verified: WebhookEvent | null = null;
        try {
          verified = new Webhook(secret).verify(body, headers) as WebhookEvent;
        } catch {
          verified = null;
        }
        hits.push({ headers, body, verified });
        if (!verified) return void res.writeHead(400).end("bad signature");
        if (failuresLeft > 0) {
          failuresLeft--;
          return void res.writeHead(503).end("busy");
        }
        res.writeHead(200).end("thanks");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/assent-hook`;

    // An API key, stored by hash as `npm run sites -- key create demo` stores it.
    apiKey = `ask_${randomBytes(32).toString("base64url")}`;
    const db = await assent.mf.getD1Database("LEDGER");
    await db
      .prepare(`INSERT INTO api_keys (id, site_id, key_hash, label, created_at) VALUES (?1, 'demo', ?2, 'node-test', ?3)`)
      .bind(`ak_${randomBytes(6).toString("hex")}`, createHash("sha256").update(apiKey).digest("hex"), new Date().toISOString())
      .run();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await assent.dispose();
  });

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(new URL(`/v1/sites/demo/admin/webhooks${path}`, assent.url), {
      ...init,
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", ...(init.headers as Record<string, string>) },
    });

  it("retries a failing receiver on the cron until it acknowledges; nothing is lost (R2.5)", async () => {
    const created = await admin("", { method: "POST", body: JSON.stringify({ url: receiverUrl, events: ["consent.updated"] }) });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as WebhookEndpoint;
    secret = endpoint.secret;

    const boot = (await (await fetch(new URL("/v1/sites/demo/bootstrap", assent.url))).json()) as BootstrapResponse;
    const decision = await fetch(new URL("/v1/sites/demo/consents", assent.url), {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ action: "reject_all", policyFingerprint: boot.policy.fingerprint, locale: "en", widgetVersion: "node-test", textHash: boot.textHash }),
    });
    expect(decision.status).toBe(201);
    const visitor = (await decision.json()) as ConsentResponse;

    // The immediate attempt after the decision reaches the receiver, which answers 503.
    for (let i = 0; i < 100 && hits.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(hits).toHaveLength(1);

    // Cron runs, each a little later than the last retry was due.
    let at = Date.now();
    for (let run = 0; run < 5 && hits.filter((h) => h.verified).length < 3; run++) {
      at += 60 * 60_000;
      await assent.runCron({ at: new Date(at) });
    }
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.verified !== null)).toBe(true);
    const ids = new Set(hits.map((h) => h.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    expect(hits[2]!.verified).toMatchObject({
      type: "consent.updated",
      siteId: "demo",
      data: { visitorId: visitor.visitorId, action: "reject_all", categories: { necessary: true, usage: false } },
    });

    // Acknowledged: later cron runs send nothing more, and the API shows it delivered.
    await assent.runCron({ at: new Date(at + 24 * 3600_000) });
    expect(hits).toHaveLength(3);
    const log = (await (await admin(`/${endpoint.id}/deliveries`)).json()) as WebhookDeliveriesResponse;
    expect(log.deliveries[0]).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200 });
  });
});

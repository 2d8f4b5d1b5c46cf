/**
 * Turnstile on the signup end to end over real HTTP (R6.11): the whole Worker in workerd
 * (createLocalAssent) calling a fake siteverify on a loopback port. What goes over the wire to
 * siteverify (form fields, remoteip, idempotency key), a refusal, a dropped connection that
 * fails closed with nothing written, and consent decisions that never reach siteverify.
 */
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalAssent, createLocalAssent, loadSiteConfig } from "../../local/index";
import type { BootstrapResponse, SiteConfigInput } from "../../worker/contract";

const ORIGIN = "http://127.0.0.1:8788";
const SECRET = "0x4AAAAAAAlocal-test-secret";
const SITE_KEY = "1x00000000000000000000AA";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

/** What the fake does with the next request: answer JSON, or drop the connection. */
type Behaviour = { json: Record<string, unknown> } | "drop";

describe("Turnstile through the local Worker and a fake siteverify (R6.11)", () => {
  let assent: LocalAssent;
  let server: Server;
  let behaviour: Behaviour;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")) });
        if (behaviour === "drop") return void req.socket.destroy();
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(behaviour.json));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const verifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
    const demo = loadSiteConfig("examples/sites/demo.json");
    const site: SiteConfigInput = { ...demo, turnstile: { siteKey: SITE_KEY } };
    assent = await createLocalAssent({ sites: [site], turnstileSecretKey: SECRET, turnstileVerifyUrl: verifyUrl });
  });
  afterAll(async () => {
    await assent?.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
    behaviour = { json: { success: true, hostname: "127.0.0.1", action: "assent-signup", "error-codes": [] } };
  });

  const signup = (email: string, turnstileToken?: string) =>
    fetch(new URL("/v1/sites/demo/subscriptions", assent.url), {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.23" },
      body: JSON.stringify({ email, lists: ["blog"], textVersion: "2026-11-01", locale: "en", ...(turnstileToken ? { turnstileToken } : {}) }),
    });

  async function rowsFor(email: string): Promise<{ requests: number; outbox: number }> {
    const db = await assent.mf.getD1Database("LEDGER");
    const count = async (sql: string) => ((await db.prepare(sql).bind(email).first<{ n: number }>())?.n ?? 0);
    return {
      requests: await count("SELECT COUNT(*) AS n FROM signup_requests WHERE email = ?"),
      outbox: await count("SELECT COUNT(*) AS n FROM outbox WHERE to_address = ?"),
    };
  }

  it("a passing token: siteverify gets a form POST with secret, response, remoteip and an idempotency key; 202", async () => {
    const email = `ok-${Date.now()}@example.com`;
    const res = await signup(email, "tok-pass");
    expect(res.status, await res.clone().text()).toBe(202);
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/turnstile/v0/siteverify");
    expect(request.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(Object.fromEntries(request.form)).toEqual({
      secret: SECRET,
      response: "tok-pass",
      remoteip: "198.51.100.23",
      idempotency_key: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(await rowsFor(email)).toEqual({ requests: 1, outbox: 1 });
  });

  it("siteverify says no → 403 turnstile_failed, nothing stored or sent", async () => {
    behaviour = { json: { success: false, "error-codes": ["invalid-input-response"] } };
    const email = `no-${Date.now()}@example.com`;
    const res = await signup(email, "tok-bad");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("turnstile_failed");
    expect(await rowsFor(email)).toEqual({ requests: 0, outbox: 0 });
  });

  it("siteverify drops the connection → 503 turnstile_unavailable with Retry-After, nothing stored or sent", async () => {
    behaviour = "drop";
    const email = `drop-${Date.now()}@example.com`;
    const res = await signup(email, "tok-drop");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("turnstile_unavailable");
    expect(seen).toHaveLength(1);
    expect(await rowsFor(email)).toEqual({ requests: 0, outbox: 0 });
  });

  it("no token → 403 turnstile_required and siteverify is not asked", async () => {
    const res = await signup(`none-${Date.now()}@example.com`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("turnstile_required");
    expect(seen).toHaveLength(0);
  });

  it("bootstrap names the site key; consent decisions never reach siteverify", async () => {
    const boot = (await (await fetch(new URL("/v1/sites/demo/bootstrap", assent.url))).json()) as BootstrapResponse;
    expect(boot.turnstile).toEqual({ siteKey: SITE_KEY, action: "assent-signup" });
    for (const action of ["reject_all", "accept_all"] as const) {
      const res = await fetch(new URL("/v1/sites/demo/consents", assent.url), {
        method: "POST",
        headers: { Origin: ORIGIN, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify({ action, policyFingerprint: boot.policy.fingerprint, locale: "en", widgetVersion: "node-test", textHash: boot.textHash }),
      });
      expect(res.status).toBe(201);
    }
    expect(seen).toHaveLength(0);
  });
});

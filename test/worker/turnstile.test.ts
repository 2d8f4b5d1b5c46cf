/**
 * Turnstile on the email signup (R6.11, R6.12): server-side siteverify with `success`, the
 * hostname (one of the site's allowed origins), the action and the token length checked;
 * `timeout-or-duplicate` refused; fail closed with no secret, a siteverify error, a network
 * error or a timeout, and nothing written or sent in any of those cases. The consent endpoint
 * never calls siteverify, even on a site that enables Turnstile.
 *
 * The Worker runs in this isolate (`app.fetch` with the test env plus a secret), so
 * `vi.spyOn(globalThis, "fetch")` stands in for siteverify and records exactly what the Worker
 * sent. The network-error case uses no spy: a real fetch to a closed loopback port.
 * test/node/turnstile-local.test.ts does the same against a fake siteverify over real HTTP.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BootstrapResponse, SiteConfigInput } from "../../worker/contract";
import { SiteConfig } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import {
  DEFAULT_TURNSTILE_VERIFY_URL,
  TURNSTILE_RETRY_AFTER_SECONDS,
  TURNSTILE_TIMEOUT_MS,
  allowedHostnames,
  requireTurnstile,
  verifyTurnstile,
} from "../../worker/email/turnstile";
import { decisionBody, decisionRequest, demoConfig, expectNothingWritten, expectProblem, freshSite, ledgerRows } from "./helpers";
import { expectNoEmailState, outboxRows, requestRows, signupBody, signupRequest, subscriptionRows, workerEnv } from "./email-helpers";

const SECRET = "0x4AAAAAAAtest-secret-not-real";
const SITE_KEY = "0x4AAAAAAAtest-site-key";
const TOKEN = "XXXX.test-token.XXXX";
const IP = "203.0.113.7";

/** A demo copy with Turnstile on (the demo allows http://127.0.0.1:8787 and friends). */
function withTurnstile(action?: string) {
  return (c: SiteConfigInput) => {
    c.turnstile = { siteKey: SITE_KEY, ...(action ? { action } : {}) };
  };
}

/** Calls the Worker with the test env plus `over` (the secret, a verify URL). */
async function fetchWorker(request: Request, over: Partial<Env> = { TURNSTILE_SECRET_KEY: SECRET }): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...workerEnv, ...over }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function signup(siteId: string, body: Record<string, unknown>, over?: Partial<Env>): Promise<Response> {
  return fetchWorker(signupRequest(siteId, body, { headers: { "CF-Connecting-IP": IP } }), over);
}

interface SiteverifyCall {
  url: string;
  method: string;
  form: URLSearchParams;
  contentType: string | null;
  signal: AbortSignal | null | undefined;
}

/**
 * Replaces fetch with a fake siteverify answering `answer` (an object as JSON, or a Response);
 * records every call. Any other URL fails the test.
 */
function fakeSiteverify(answer: Record<string, unknown> | (() => Response | Promise<Response>), url = DEFAULT_TURNSTILE_VERIFY_URL) {
  const calls: SiteverifyCall[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== url) throw new Error(`unexpected fetch of ${request.url}`);
    calls.push({
      url: request.url,
      method: request.method,
      form: new URLSearchParams(await request.text()),
      contentType: request.headers.get("Content-Type"),
      signal: init?.signal,
    });
    return typeof answer === "function"
      ? answer()
      : new Response(JSON.stringify(answer), { headers: { "Content-Type": "application/json" } });
  });
  return { calls, spy };
}

const pass = (over: Record<string, unknown> = {}) => ({
  success: true,
  challenge_ts: new Date().toISOString(),
  hostname: "127.0.0.1",
  action: "assent-signup",
  "error-codes": [],
  ...over,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Turnstile on the signup: a token siteverify accepts", () => {
  it("→ 202, the signup request and its message; siteverify got the secret, token, remoteip and an idempotency key (R6.11)", async () => {
    const site = await freshSite(withTurnstile());
    const { calls } = fakeSiteverify(pass());
    const res = await signup(site.id, { ...signupBody(), turnstileToken: TOKEN });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await requestRows(site.id)).toHaveLength(1);
    expect(await subscriptionRows(site.id)).toEqual([]); // nothing is subscribed before the click
    expect(await outboxRows(site.id)).toHaveLength(1);

    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.url).toBe("https://challenges.cloudflare.com/turnstile/v0/siteverify");
    expect(call.method).toBe("POST");
    expect(call.contentType).toContain("application/x-www-form-urlencoded");
    expect(call.form.get("secret")).toBe(SECRET);
    expect(call.form.get("response")).toBe(TOKEN);
    expect(call.form.get("remoteip")).toBe(IP);
    expect(call.form.get("idempotency_key")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call.signal).toBeInstanceOf(AbortSignal);
  });

  it("a fresh idempotency key per check", async () => {
    const site = await freshSite(withTurnstile());
    const { calls } = fakeSiteverify(pass());
    for (let i = 0; i < 2; i++) expect((await signup(site.id, { ...signupBody(), turnstileToken: `${TOKEN}${i}` })).status).toBe(202);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.form.get("idempotency_key")).not.toBe(calls[1]!.form.get("idempotency_key"));
  });

  it("uses TURNSTILE_VERIFY_URL when set", async () => {
    const site = await freshSite(withTurnstile());
    const url = "https://siteverify.test/verify";
    const { calls } = fakeSiteverify(pass(), url);
    const res = await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }, { TURNSTILE_SECRET_KEY: SECRET, TURNSTILE_VERIFY_URL: url });
    expect(res.status).toBe(202);
    expect(calls).toHaveLength(1);
  });

  it("a configured action must be echoed; any allowed origin's host name passes, in any case (R6.11)", async () => {
    const site = await freshSite((c) => {
      withTurnstile("newsletter")(c);
      c.allowedOrigins = ["https://www.penguin.example", "http://127.0.0.1:8787"];
    });
    fakeSiteverify(pass({ hostname: "WWW.Penguin.Example", action: "newsletter" }));
    const res = await fetchWorker(
      signupRequest(site.id, { ...signupBody(), turnstileToken: TOKEN }, { origin: "https://www.penguin.example" }),
    );
    expect(res.status, await res.clone().text()).toBe(202);
  });

  it("a site without a turnstile block needs no token and never calls siteverify", async () => {
    const site = await freshSite();
    const { spy } = fakeSiteverify(pass());
    expect((await signup(site.id, signupBody())).status).toBe(202);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("Turnstile on the signup: refusals write and send nothing (R6.11)", () => {
  it("no token → 403 turnstile_required, without asking siteverify", async () => {
    const site = await freshSite(withTurnstile());
    const { spy } = fakeSiteverify(pass());
    const problem = await expectProblem(await signup(site.id, signupBody()), 403, "turnstile_required");
    expect(problem.detail).toContain("turnstileToken");
    expect(spy).not.toHaveBeenCalled();
    await expectNoEmailState(site.id);
  });

  it("success: false → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    const { calls } = fakeSiteverify({ success: false, "error-codes": ["invalid-input-response"] });
    await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    expect(calls).toHaveLength(1);
    await expectNoEmailState(site.id);
  });

  it("timeout-or-duplicate (expired or reused token) → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify({ success: false, "error-codes": ["timeout-or-duplicate"] });
    const problem = await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    expect(problem.detail).toContain("expired or was already used");
    await expectNoEmailState(site.id);
  });

  it("success: true but timeout-or-duplicate among the error codes → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(pass({ "error-codes": ["timeout-or-duplicate"] }));
    await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    await expectNoEmailState(site.id);
  });

  it("a hostname that is not one of the site's allowed origins → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(pass({ hostname: "evil.example" }));
    await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    await expectNoEmailState(site.id);
  });

  it("no hostname at all → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(pass({ hostname: undefined }));
    await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    await expectNoEmailState(site.id);
  });

  it("another action (a token from another form of the site) → 403 turnstile_failed", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(pass({ action: "login" }));
    await expectProblem(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), 403, "turnstile_failed");
    await expectNoEmailState(site.id);
  });

  it("a token over 2048 characters → 422 invalid_body, without asking siteverify", async () => {
    const site = await freshSite(withTurnstile());
    const { spy } = fakeSiteverify(pass());
    const res = await signup(site.id, { ...signupBody(), turnstileToken: "x".repeat(2049) });
    const problem = await expectProblem(res, 422, "invalid_body");
    expect(problem.errors?.[0]?.path).toBe("turnstileToken");
    expect(spy).not.toHaveBeenCalled();
    await expectNoEmailState(site.id);
  });

  it("a 2048-character token is sent to siteverify", async () => {
    const site = await freshSite(withTurnstile());
    const { calls } = fakeSiteverify(pass());
    expect((await signup(site.id, { ...signupBody(), turnstileToken: "x".repeat(2048) })).status).toBe(202);
    expect(calls[0]!.form.get("response")).toHaveLength(2048);
  });
});

describe("Turnstile on the signup: fail closed → 503 turnstile_unavailable with Retry-After (R6.11)", () => {
  async function expectUnavailable(res: Response, siteId: string) {
    const retryAfter = res.headers.get("Retry-After");
    await expectProblem(res, 503, "turnstile_unavailable");
    expect(retryAfter).toBe(String(TURNSTILE_RETRY_AFTER_SECONDS));
    await expectNoEmailState(siteId);
  }

  it("no TURNSTILE_SECRET_KEY on a site that enables Turnstile: siteverify is not even asked", async () => {
    const site = await freshSite(withTurnstile());
    const { spy } = fakeSiteverify(pass());
    await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }, {}), site.id);
    expect(spy).not.toHaveBeenCalled();
  });

  it("a network error (nothing listens at the verify URL; a real fetch, no spy)", async () => {
    const site = await freshSite(withTurnstile());
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await signup(
      site.id,
      { ...signupBody(), turnstileToken: TOKEN },
      { TURNSTILE_SECRET_KEY: SECRET, TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify" },
    );
    await expectUnavailable(res, site.id);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/: network_error$/));
  });

  it("a thrown fetch (DNS failure, connection reset)", async () => {
    const site = await freshSite(withTurnstile());
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
    await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), site.id);
  });

  it(
    "siteverify that never answers: the request gives up after TURNSTILE_TIMEOUT_MS",
    async () => {
      const site = await freshSite(withTurnstile());
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      let aborted = false;
      vi.spyOn(globalThis, "fetch").mockImplementation(
        (_input, init) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener("abort", () => {
              aborted = true;
              reject(init.signal!.reason);
            });
          }),
      );
      const started = Date.now();
      const res = await signup(site.id, { ...signupBody(), turnstileToken: TOKEN });
      const elapsed = Date.now() - started;
      await expectUnavailable(res, site.id);
      expect(aborted).toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/: timeout$/));
      expect(elapsed).toBeGreaterThanOrEqual(TURNSTILE_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(TURNSTILE_TIMEOUT_MS + 3_000);
    },
    TURNSTILE_TIMEOUT_MS + 10_000,
  );

  it("siteverify answers 500", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(() => new Response("oops", { status: 500 }));
    await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), site.id);
  });

  it("siteverify answers something that is not its JSON", async () => {
    const site = await freshSite(withTurnstile());
    fakeSiteverify(() => new Response("<html>captive portal</html>", { status: 200 }));
    await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), site.id);
    fakeSiteverify({ hello: "world" });
    await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), site.id);
  });

  it("siteverify's internal-error, or our secret is wrong", async () => {
    const site = await freshSite(withTurnstile());
    for (const code of ["internal-error", "invalid-input-secret", "missing-input-secret"]) {
      fakeSiteverify({ success: false, "error-codes": [code] });
      await expectUnavailable(await signup(site.id, { ...signupBody(), turnstileToken: TOKEN }), site.id);
      vi.restoreAllMocks();
    }
  });
});

describe("verifyTurnstile", () => {
  const check = { token: TOKEN, remoteIp: undefined, hostnames: ["127.0.0.1"], action: "assent-signup" };

  it("aborts siteverify after its timeout (R6.11)", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_input, init) => new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))),
    );
    const result = await verifyTurnstile({ ...workerEnv, TURNSTILE_SECRET_KEY: SECRET }, check, { timeoutMs: 50 });
    expect(result).toEqual({ ok: false, reason: "timeout", errorCodes: [] });
  });

  it("sends no remoteip when the address is unknown", async () => {
    const { calls } = fakeSiteverify(pass());
    expect(await verifyTurnstile({ ...workerEnv, TURNSTILE_SECRET_KEY: SECRET }, check)).toEqual({
      ok: true,
      hostname: "127.0.0.1",
      action: "assent-signup",
    });
    expect(calls[0]!.form.has("remoteip")).toBe(false);
  });

  it("requireTurnstile does nothing for a site that does not enable it", async () => {
    const { spy } = fakeSiteverify(pass());
    await expect(requireTurnstile(workerEnv, demoConfig(), undefined, IP)).resolves.toBeUndefined();
    expect(spy).not.toHaveBeenCalled();
  });

  it("allowedHostnames: the host names of the allowed origins, without ports, once each (R6.11)", () => {
    const config = demoConfig((c) => {
      c.allowedOrigins = ["http://127.0.0.1:8787", "http://127.0.0.1:8788", "https://www.example.com"];
    });
    expect(allowedHostnames(config)).toEqual(["127.0.0.1", "www.example.com"]);
  });
});

describe("the consent endpoint never uses Turnstile (R6.11: no friction on consent or opt-out)", () => {
  it("decisions on a site with Turnstile on, with a secret set: 201/200, and siteverify is never called", async () => {
    const site = await freshSite(withTurnstile());
    const spy = vi.spyOn(globalThis, "fetch");
    const first = await fetchWorker(decisionRequest(site.id, decisionBody(site, { action: "reject_all" })));
    expect(first.status, await first.clone().text()).toBe(201);
    const { token } = (await first.json()) as { token: string };
    const second = await fetchWorker(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token }));
    expect(second.status).toBe(200);
    const withdraw = await fetchWorker(decisionRequest(site.id, decisionBody(site, { action: "withdraw" }), { token }));
    expect(withdraw.status).toBe(200);
    expect(spy).not.toHaveBeenCalled();
    expect(await ledgerRows(site.id)).toHaveLength(3);
  });

  it("decisions work when siteverify is down and there is no secret at all", async () => {
    const site = await freshSite(withTurnstile());
    const spy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("down"));
    const res = await fetchWorker(decisionRequest(site.id, decisionBody(site)), { TURNSTILE_SECRET_KEY: undefined });
    expect(res.status).toBe(201);
    expect(spy).not.toHaveBeenCalled();
  });

  it("a decision body carrying a turnstileToken is refused like any unknown field (it is not a consent input)", async () => {
    const site = await freshSite(withTurnstile());
    const res = await fetchWorker(decisionRequest(site.id, { ...decisionBody(site), turnstileToken: TOKEN }));
    await expectProblem(res, 422, "invalid_body");
    await expectNothingWritten(site.id);
  });
});

describe("site config and bootstrap", () => {
  it("the action defaults to assent-signup; a bad site key or action is refused; the secret key is never config (R6.12)", () => {
    expect(demoConfig(withTurnstile()).turnstile).toEqual({ siteKey: SITE_KEY, action: "assent-signup" });
    const bad = (turnstile: unknown) => {
      const input = structuredClone(demoConfig()) as unknown as Record<string, unknown>;
      input.turnstile = turnstile;
      return SiteConfig.safeParse(input).success;
    };
    expect(bad({ siteKey: "x" })).toBe(false);
    expect(bad({ siteKey: SITE_KEY, action: "has space" })).toBe(false);
    expect(bad({ siteKey: SITE_KEY, action: "a".repeat(33) })).toBe(false);
    expect(bad({ siteKey: SITE_KEY, secretKey: SECRET })).toBe(false); // the secret is never config (R6.12)
    expect(bad({ siteKey: SITE_KEY, action: "newsletter" })).toBe(true);
  });

  async function bootstrapOf(siteId: string): Promise<BootstrapResponse & Record<string, unknown>> {
    const res = await fetchWorker(new Request(`http://assent.test/v1/sites/${siteId}/bootstrap`));
    expect(res.status).toBe(200);
    return (await res.json()) as BootstrapResponse & Record<string, unknown>;
  }

  it("bootstrap gives the widget the site key and action, and nothing secret (R6.12)", async () => {
    const site = await freshSite(withTurnstile("newsletter"));
    const body = await bootstrapOf(site.id);
    expect(body.turnstile).toEqual({ siteKey: SITE_KEY, action: "newsletter" });
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it("no turnstile in bootstrap when the site does not enable it, or shows no signup", async () => {
    expect((await bootstrapOf((await freshSite()).id)).turnstile).toBeUndefined();
    const child = await freshSite((c) => {
      withTurnstile()(c);
      c.childDirected = true;
    });
    expect((await bootstrapOf(child.id)).turnstile).toBeUndefined();
  });

  it("turnstile is not material: enabling it does not change the policy fingerprint", async () => {
    const plain = await freshSite();
    const protectedSite = await freshSite(withTurnstile());
    expect(protectedSite.fingerprint).toBe(plain.fingerprint);
  });
});

/**
 * CORS and cross-site request forgery (R7.4, R7.5): only a site's own origins are echoed, always
 * with Vary: Origin; writes need an allowed Origin, and a refused write leaves nothing behind.
 */
import { describe, expect, it } from "vitest";
import { ORIGIN, auth, call, decisionBody, expectNothingWritten, expectProblem, freshSite, newVisitor, postDecision } from "./helpers";

const EVIL = "https://evil.example";

const list = (res: Response, name: string) =>
  (res.headers.get(name) ?? "")
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

function preflight(siteId: string, origin: string, method = "POST", path = "consents") {
  return call(`/v1/sites/${siteId}/${path}`, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": "content-type,authorization,idempotency-key",
    },
  });
}

describe("preflight (R7.4)", () => {
  it("from an allowed origin → 204 echoing it, with the methods and headers the widget uses", async () => {
    const site = await freshSite();
    const res = await preflight(site.id, ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(list(res, "Vary")).toContain("origin");
    expect(list(res, "Access-Control-Allow-Methods")).toEqual(expect.arrayContaining(["post", "delete"]));
    expect(list(res, "Access-Control-Allow-Headers")).toEqual(expect.arrayContaining(["authorization", "idempotency-key", "content-type"]));
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(Number(res.headers.get("Access-Control-Max-Age"))).toBeGreaterThan(0);
  });

  it("for DELETE /me from another allowed origin of the site echoes that origin", async () => {
    const site = await freshSite();
    const other = site.config.allowedOrigins[1]!;
    const res = await preflight(site.id, other, "DELETE", "me");
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(other);
  });

  it("from a foreign origin carries no Access-Control-Allow-Origin", async () => {
    const site = await freshSite();
    const res = await preflight(site.id, EVIL);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(list(res, "Vary")).toContain("origin");
  });

  it("an origin of another site is foreign here", async () => {
    const other = await freshSite((c) => (c.allowedOrigins = ["https://other.example"]));
    const site = await freshSite();
    expect((await preflight(site.id, "https://other.example")).headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await preflight(other.id, "https://other.example")).headers.get("Access-Control-Allow-Origin")).toBe("https://other.example");
  });
});

describe("writes need an allowed Origin (R7.4, R7.5)", () => {
  it("a POST from a foreign origin → 403 origin_not_allowed, no ACAO, nothing written", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site), { origin: EVIL });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await expectProblem(res, 403, "origin_not_allowed");
    await expectNothingWritten(site.id);
  });

  it.each([
    ["Origin: null (sandboxed frame, file:)", "null"],
    ["an allowed host on another scheme", "https://127.0.0.1:8787"],
    ["an allowed host on another port", "http://127.0.0.1:9999"],
    ["an allowed origin with a trailing slash", `${ORIGIN}/`],
    ["a suffix look-alike", "http://127.0.0.1:8787.evil.example"],
  ])("%s → 403 origin_not_allowed", async (_what, origin) => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, decisionBody(site), { origin }), 403, "origin_not_allowed");
    await expectNothingWritten(site.id);
  });

  it("a POST with no Origin → 403 origin_required", async () => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, decisionBody(site), { origin: null }), 403, "origin_required");
    await expectNothingWritten(site.id);
  });

  it("a token does not excuse a foreign origin", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    await expectProblem(await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { origin: EVIL, token: visitor.token! }), 403, "origin_not_allowed");
    const del = await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: EVIL, ...auth(visitor.token!) } });
    await expectProblem(del, 403, "origin_not_allowed");
    expect((await call(`/v1/sites/${site.id}/me`, { headers: auth(visitor.token!) })).status).toBe(200);
  });
});

describe("reads (R7.4)", () => {
  it("GET bootstrap from an allowed origin echoes it, with Vary: Origin", async () => {
    const site = await freshSite();
    const res = await call(`/v1/sites/${site.id}/bootstrap`, { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(list(res, "Vary")).toContain("origin");
  });

  it("GET bootstrap from a foreign origin has no ACAO (and is still answered: it is public data)", async () => {
    const site = await freshSite();
    const res = await call(`/v1/sites/${site.id}/bootstrap`, { headers: { Origin: EVIL } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(list(res, "Vary")).toContain("origin");
  });
});

describe("errors stay readable by the widget", () => {
  it("a 422 to an allowed origin carries ACAO and exposes Retry-After", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { necessary: false, usage: false } }));
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(list(res, "Access-Control-Expose-Headers")).toContain("retry-after");
    expect(list(res, "Vary")).toContain("origin");
    await expectProblem(res, 422, "necessary_required");
  });

  it("so do 400, 401, 409 and 415 answers", async () => {
    const site = await freshSite();
    const responses = [
      await postDecision(site.id, "{"),
      await call(`/v1/sites/${site.id}/me`, { headers: { Origin: ORIGIN } }),
      await postDecision(site.id, decisionBody(site, { policyFingerprint: "fp1-stale" })),
      await postDecision(site.id, JSON.stringify(decisionBody(site)), { headers: { "Content-Type": "text/plain" } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([400, 401, 409, 415]);
    for (const res of responses) expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  });
});

/**
 * Visitor tokens at the API (R6.12, R7.3): forged, tampered or foreign tokens are refused,
 * keys rotate (the previous key still verifies), and a token is read only from the
 * Authorization header.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { ConsentResponse, Preferences } from "../../worker/contract";
import {
  ORIGIN,
  auth,
  call,
  decisionBody,
  expectProblem,
  freshSite,
  getMe,
  keySetting,
  ledgerRows,
  newVisitor,
  postDecision,
  signTokenWith,
} from "./helpers";

/** Replaces one character in the middle of a token part (never the last one, whose low bits are padding). */
function flipMiddle(part: string): string {
  const i = Math.floor(part.length / 2);
  return part.slice(0, i) + (part[i] === "A" ? "B" : "A") + part.slice(i + 1);
}

function b64urlJson(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

describe("visitor tokens (R7.3)", () => {
  it("a token from a first decision reads that visitor's state", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const res = await getMe(site.id, visitor.token!);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Preferences).visitorId).toBe(visitor.visitorId);
  });

  it("a tampered payload (another visitor id) → 401 token_invalid", async () => {
    const site = await freshSite();
    const victim = await newVisitor(site);
    const attacker = await newVisitor(site);
    const [v, kid, , sig] = attacker.token!.split(".");
    const forged = [v, kid, b64urlJson({ s: site.id, v: victim.visitorId, iat: Math.floor(Date.now() / 1000) }), sig].join(".");
    await expectProblem(await getMe(site.id, forged), 401, "token_invalid");
    await expectProblem(await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: forged }), 401, "token_invalid");
    expect(await ledgerRows(site.id)).toHaveLength(2);
  });

  it("a tampered signature → 401 token_invalid", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const parts = visitor.token!.split(".");
    parts[3] = flipMiddle(parts[3]!);
    await expectProblem(await getMe(site.id, parts.join(".")), 401, "token_invalid");
  });

  it("a token signed with a key id that is not configured → 401 token_key_unknown (R6.12)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const { secret } = keySetting(env.TOKEN_KEY_CURRENT);
    // The right secret under a retired key id is still refused: only configured key ids verify.
    const token = await signTokenWith("k0", secret, { s: site.id, v: visitor.visitorId });
    await expectProblem(await getMe(site.id, token), 401, "token_key_unknown");
  });

  it("a token signed with the previous key (k1) still verifies after rotation (R6.12)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const previous = keySetting(env.TOKEN_KEY_PREVIOUS);
    expect(previous.kid).toBe("k1");
    const old = await signTokenWith(previous.kid, previous.secret, { s: site.id, v: visitor.visitorId, iat: Math.floor(Date.now() / 1000) - 86_400 });
    expect(old.startsWith("v1.k1.")).toBe(true);

    const me = await getMe(site.id, old);
    expect(me.status).toBe(200);
    expect(((await me.json()) as Preferences).visitorId).toBe(visitor.visitorId);

    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: old });
    expect(res.status).toBe(200);
    const second = (await res.json()) as ConsentResponse;
    expect(second.visitorId).toBe(visitor.visitorId);
    expect(second.receipt.prevId).toBe(visitor.receipt.id);
  });

  it("the current key's token as the Worker signs it equals one signed independently in the documented format", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const [, kid, payload] = visitor.token!.split(".");
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/"))) as { s: string; v: string; iat: number; j: string };
    // j: the token's own random id (16 base64url characters), so one token can be revoked.
    expect(claims).toEqual({ s: site.id, v: visitor.visitorId, iat: expect.any(Number), j: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
    const current = keySetting(env.TOKEN_KEY_CURRENT);
    expect(kid).toBe(current.kid);
    expect(await signTokenWith(current.kid, current.secret, claims)).toBe(visitor.token);
  });

  it("another site's valid token → 403 token_wrong_site, on reads and writes", async () => {
    const siteA = await freshSite();
    const siteB = await freshSite();
    const visitor = await newVisitor(siteA);
    await expectProblem(await getMe(siteB.id, visitor.token!), 403, "token_wrong_site");
    await expectProblem(await postDecision(siteB.id, decisionBody(siteB), { token: visitor.token! }), 403, "token_wrong_site");
    const del = await call(`/v1/sites/${siteB.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(visitor.token!) } });
    await expectProblem(del, 403, "token_wrong_site");
    expect(await ledgerRows(siteB.id)).toEqual([]);
    expect(await ledgerRows(siteA.id)).toHaveLength(1);
  });

  it.each([
    ["a Basic credential", "Basic dXNlcjpwYXNz"],
    ["Bearer with nothing", "Bearer"],
    ["Bearer with two words", "Bearer a b"],
    ["random text", "Bearer not-a-token"],
    ["a wrong version", "Bearer v2.k2.e30.AAAA"],
    ["too few parts", "Bearer v1.k2.e30"],
    ["an undecodable signature", "Bearer v1.k2.e30.***"],
  ])("a garbage Authorization header (%s) → 401 token_invalid", async (_what, header) => {
    const site = await freshSite();
    await expectProblem(await call(`/v1/sites/${site.id}/me`, { headers: { Authorization: header } }), 401, "token_invalid");
    await expectProblem(await postDecision(site.id, decisionBody(site), { headers: { Authorization: header } }), 401, "token_invalid");
    expect(await ledgerRows(site.id)).toEqual([]);
  });

  it("a token in the query string is ignored (→ 401 token_required)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const token = encodeURIComponent(visitor.token!);
    await expectProblem(await call(`/v1/sites/${site.id}/me?token=${token}`), 401, "token_required");
    await expectProblem(await call(`/v1/sites/${site.id}/me?access_token=${token}`), 401, "token_required");
  });
});

/**
 * Visitor tokens expire, are renewed by use, and are revoked by what should revoke them
 * (erasure, a browser's record becoming a person's, a logout), and an old Idempotency-Key
 * does not mint new tokens. Tokens are signed here independently in the documented format
 * (`signTokenWith`), so the tests do not trust the Worker's own signing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsentResponse, ExportDocument, Preferences } from "../../worker/contract";
import { TOKEN_TTL_SECONDS } from "../../worker/consent/tokens";
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
import { identified, sign, siteWithSecret } from "./identity-helpers";

const now = () => Math.floor(Date.now() / 1000);
const current = keySetting(env.TOKEN_KEY_CURRENT);

/** The payload of a token, decoded. */
function claims(token: string): { s: string; v: string; iat: number; j?: string } {
  const payload = token.split(".")[2]!;
  return JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/"))) as { s: string; v: string; iat: number; j?: string };
}

const erase = (siteId: string, token: string) => call(`/v1/sites/${siteId}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(token) } });
const logout = (siteId: string, token: string) => call(`/v1/sites/${siteId}/identify`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(token) } });

describe("tokens expire", () => {
  it("a token issued in 1970 (the reproduced hole) is refused everywhere with token_expired", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const ancient = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: 0 });
    for (const sub of ["", "/receipts", "/export", "/subscriptions"]) await expectProblem(await getMe(site.id, ancient, sub), 401, "token_expired");
    await expectProblem(await postDecision(site.id, decisionBody(site), { token: ancient }), 401, "token_expired");
    await expectProblem(await erase(site.id, ancient), 401, "token_expired");
    // Nothing was written or erased with it.
    expect(await ledgerRows(site.id)).toHaveLength(1);
  });

  it("the lifetime is 400 days: a day before it ends the token works, after it it does not", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const young = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: now() - TOKEN_TTL_SECONDS + 86_400 });
    const old = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: now() - TOKEN_TTL_SECONDS - 1 });
    expect((await getMe(site.id, young)).status).toBe(200);
    await expectProblem(await getMe(site.id, old), 401, "token_expired");
    // Longer than the longest consent a site can configure (395 days), so a record never outlives its token.
    expect(TOKEN_TTL_SECONDS).toBeGreaterThan(395 * 86_400);
  });

  it("a token issued in the future is refused as invalid", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const future = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: now() + 3600 });
    await expectProblem(await getMe(site.id, future), 401, "token_invalid");
  });

  it("every decision renews the token: the answer carries a token issued now for the same visitor", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const aging = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: now() - 300 * 86_400 });
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: aging });
    expect(res.status).toBe(200);
    const renewed = ((await res.json()) as ConsentResponse).token!;
    expect(claims(renewed)).toMatchObject({ s: site.id, v: visitor.visitorId });
    expect(Math.abs(claims(renewed).iat - now())).toBeLessThanOrEqual(2);
    expect(((await (await getMe(site.id, renewed)).json()) as Preferences).action).toBe("reject_all");
  });
});

describe("erasure revokes the visitor's tokens", () => {
  it("every token of the visitor, older ones included, stops working; a decision with one writes nothing", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    const second = (await (await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: first.token! })).json()) as ConsentResponse;
    expect((await erase(site.id, second.token!)).status).toBe(200);
    for (const token of [first.token!, second.token!]) {
      for (const sub of ["", "/receipts", "/export", "/subscriptions"]) await expectProblem(await getMe(site.id, token, sub), 401, "token_revoked");
      await expectProblem(await postDecision(site.id, decisionBody(site), { token }), 401, "token_revoked");
    }
    expect(await ledgerRows(site.id)).toEqual([]);
    expect((await env.PREFS.list({ prefix: `pref:v1:${site.id}:` })).keys).toEqual([]);
  });

  it("the revocation keeps no visitor id in clear", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    expect((await erase(site.id, visitor.token!)).status).toBe(200);
    const { results } = await env.LEDGER.prepare("SELECT * FROM token_revocations WHERE site_id = ?").bind(site.id).all();
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results)).not.toContain(visitor.visitorId);
  });
});

describe("a browser's record that becomes a person's", () => {
  it("is no longer readable with a token issued before, by whoever held it (an earlier user of the browser)", async () => {
    const site = await siteWithSecret();
    const visitor = await newVisitor(site);
    // What an earlier user of this browser kept: a token for the same anonymous record.
    const kept = await signTokenWith(current.kid, current.secret, { s: site.id, v: visitor.visitorId, iat: now() - 60 });
    expect((await getMe(site.id, kept)).status).toBe(200);

    const person = await identified(site.id, await sign(site.secret, site.id, "user-7"), { token: visitor.token! });
    expect(person.visitorId).toBe(visitor.visitorId); // the first device keeps its record…
    for (const token of [kept, visitor.token!]) {
      await expectProblem(await getMe(site.id, token, "/export"), 401, "token_revoked");
      await expectProblem(await getMe(site.id, token), 401, "token_revoked");
    }
    // …and only the token the identification answered with reads it, with the person's subject.
    const doc = (await (await getMe(site.id, person.token, "/export")).json()) as ExportDocument;
    expect(doc).toMatchObject({ visitorId: visitor.visitorId, subject: "user-7" });
  });

  it("identifying the same person again on that device revokes nothing more", async () => {
    const site = await siteWithSecret();
    const visitor = await newVisitor(site);
    const first = await identified(site.id, await sign(site.secret, site.id, "user-8"), { token: visitor.token! });
    const second = await identified(site.id, await sign(site.secret, site.id, "user-8"), { token: first.token });
    expect(second.visitorId).toBe(first.visitorId);
    // The person's other tokens keep working (a second device's, this device's earlier one).
    expect((await getMe(site.id, first.token)).status).toBe(200);
    expect((await getMe(site.id, second.token)).status).toBe(200);
  });

  it("a revoked device token is not adopted: an erased visitor's record never becomes the person's", async () => {
    const site = await siteWithSecret();
    const visitor = await newVisitor(site);
    expect((await erase(site.id, visitor.token!)).status).toBe(200);
    const person = await identified(site.id, await sign(site.secret, site.id, "user-9"), { token: visitor.token! });
    expect(person.visitorId).not.toBe(visitor.visitorId);
    expect(person.preferences).toBeNull();
  });

  it("a replayed identity gets a token that expires like any other", async () => {
    const site = await siteWithSecret();
    const identity = await sign(site.secret, site.id, "user-10");
    const a = await identified(site.id, identity);
    const b = await identified(site.id, identity);
    expect(b.visitorId).toBe(a.visitorId);
    for (const token of [a.token, b.token]) expect(Math.abs(claims(token).iat - now())).toBeLessThanOrEqual(2);
    expect(claims(a.token).j).not.toBe(claims(b.token).j);
    const expired = await signTokenWith(current.kid, current.secret, { s: site.id, v: a.visitorId, iat: now() - TOKEN_TTL_SECONDS - 1, j: claims(a.token).j! });
    await expectProblem(await getMe(site.id, expired), 401, "token_expired");
  });
});

describe("DELETE /identify: the logout of a shared device (identify(null))", () => {
  it("revokes that one token; the person's other devices keep theirs", async () => {
    const site = await siteWithSecret();
    const identity = await sign(site.secret, site.id, "user-11");
    const laptop = await identified(site.id, identity);
    const phone = await identified(site.id, identity);
    await postDecision(site.id, decisionBody(site), { token: laptop.token });

    const res = await logout(site.id, laptop.token);
    expect(res.status).toBe(204);
    await expectProblem(await getMe(site.id, laptop.token), 401, "token_revoked");
    await expectProblem(await postDecision(site.id, decisionBody(site), { token: laptop.token }), 401, "token_revoked");
    expect((await getMe(site.id, phone.token)).status).toBe(200);
    // A second logout with the revoked token is refused and changes nothing.
    await expectProblem(await logout(site.id, laptop.token), 401, "token_revoked");
  });

  it("needs a token and an allowed Origin (R7.3, R7.4)", async () => {
    const site = await siteWithSecret();
    const person = await identified(site.id, await sign(site.secret, site.id, "user-12"));
    await expectProblem(await call(`/v1/sites/${site.id}/identify`, { method: "DELETE", headers: { Origin: ORIGIN } }), 401, "token_required");
    await expectProblem(await call(`/v1/sites/${site.id}/identify`, { method: "DELETE", headers: { Origin: "https://evil.example", ...auth(person.token) } }), 403, "origin_not_allowed");
    expect((await getMe(site.id, person.token, "/subscriptions")).status).toBe(200);
  });
});

describe("replaying a first decision's Idempotency-Key", () => {
  /** The first decision's request, replayable by its key. */
  async function firstDecision(site: Awaited<ReturnType<typeof freshSite>>) {
    const key = crypto.randomUUID();
    const body = decisionBody(site);
    const res = await postDecision(site.id, body, { idempotencyKey: key });
    expect(res.status).toBe(201);
    return { key, body, first: (await res.json()) as ConsentResponse };
  }

  it("returns a token within 24 hours", async () => {
    const site = await freshSite();
    const { key, body, first } = await firstDecision(site);
    const replay = (await (await postDecision(site.id, body, { idempotencyKey: key })).json()) as ConsentResponse;
    expect(replay).toMatchObject({ replayed: true, visitorId: first.visitorId });
    expect(claims(replay.token!).v).toBe(first.visitorId);
  });

  it("after 24 hours returns the receipt but no token", async () => {
    const site = await freshSite();
    const { key, body, first } = await firstDecision(site);
    const earlier = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await env.LEDGER.prepare("UPDATE ledger SET recorded_at = ?1 WHERE site_id = ?2").bind(earlier, site.id).run();
    const res = await postDecision(site.id, body, { idempotencyKey: key });
    const replay = (await res.json()) as ConsentResponse;
    expect(replay).toMatchObject({ replayed: true, visitorId: first.visitorId, receipt: { id: first.receipt.id } });
    expect(replay.token).toBeUndefined();
  });

  it("of a visitor whose record became a person's since, returns no token", async () => {
    const site = await siteWithSecret();
    const { key, body, first } = await firstDecision(site);
    await identified(site.id, await sign(site.secret, site.id, "user-13"), { token: first.token! });
    const replay = (await (await postDecision(site.id, body, { idempotencyKey: key })).json()) as ConsentResponse;
    expect(replay.replayed).toBe(true);
    expect(replay.token).toBeUndefined();
  });
});

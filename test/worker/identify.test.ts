/**
 * Identity across devices: POST /identify with identities signed the documented way (by the
 * test itself, with the secret from GET /admin/identity-secret), the canonical visitor and its
 * token, merging of devices, refusals (forged, other site's, malformed, expired, too long-lived),
 * concurrent first identifications, the site owner's endpoints, and erasure and export.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type {
  AdminSubjectResponse,
  ConsentResponse,
  ErasureResponse,
  ExportDocument,
  IdentifyResponse,
  IdentityIssueResponse,
  IdentitySecretResponse,
  Preferences,
} from "../../worker/contract";
import { postSignup, signupBody } from "./email-helpers";
import { ORIGIN, auth, b64url, call, decisionBody, expectProblem, flippedByte, freshSite, getMe, insertApiKey, newVisitor, postDecision, randomIp, withinOneRateWindow } from "./helpers";
import { admin, identified, identify, sign, siteWithSecret } from "./identity-helpers";

const DAY = 86_400;
const enc = new TextEncoder();

const subjectRows = (siteId: string) =>
  env.LEDGER.prepare(`SELECT subject, visitor_id FROM subjects WHERE site_id = ?1 ORDER BY subject`).bind(siteId).all<{ subject: string; visitor_id: string }>().then((r) => r.results);

describe("POST /identify", () => {
  it("a new person on a device with no record gets a fresh visitor, a working token and no preferences", async () => {
    const site = await siteWithSecret();
    const body = await identified(site.id, await sign(site.secret, site.id, "user-1"));
    expect(body).toEqual({ subject: "user-1", visitorId: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.stringMatching(/^v1\./), preferences: null });
    // The token is a visitor token of the canonical visitor: it records decisions for it.
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: body.token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ConsentResponse).visitorId).toBe(body.visitorId);
    expect(await subjectRows(site.id)).toEqual([{ subject: "user-1", visitor_id: body.visitorId }]);
  });

  it("the first device keeps its own record; a second device gets the same visitor and the first device's choices", async () => {
    const site = await siteWithSecret();
    const identity = await sign(site.secret, site.id, "alice");
    const laptop = await newVisitor(site, { action: "accept_all" });
    const first = await identified(site.id, identity, { token: laptop.token });
    expect(first.visitorId).toBe(laptop.visitorId);
    expect(first.preferences).toEqual(laptop.preferences);

    const phone = await newVisitor(site, { action: "reject_all" });
    const second = await identified(site.id, identity, { token: phone.token });
    expect(second.visitorId).toBe(laptop.visitorId);
    expect(second.preferences?.categories).toEqual({ necessary: true, usage: true });
    expect(second.preferences?.receiptId).toBe(laptop.receipt.id);
    // The phone's own record is left as it was; nothing of it was merged server-side.
    expect(((await (await getMe(site.id, phone.token!)).json()) as Preferences).categories).toEqual({ necessary: true, usage: false });

    // A decision made on the phone with its new token is the person's, seen from the laptop too.
    const change = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: second.token });
    expect(change.status).toBe(200);
    const again = await identified(site.id, identity, { token: laptop.token });
    expect(again.preferences?.categories).toEqual({ necessary: true, usage: false });
    expect(again.preferences!.version).toBeGreaterThan(laptop.preferences.version);
  });

  it("never takes over a visitor record that belongs to another person (shared browser)", async () => {
    const site = await siteWithSecret();
    const alice = await identified(site.id, await sign(site.secret, site.id, "alice"));
    const bob = await identified(site.id, await sign(site.secret, site.id, "bob"), { token: alice.token });
    expect(bob.visitorId).not.toBe(alice.visitorId);
    expect(await subjectRows(site.id)).toEqual([
      { subject: "alice", visitor_id: alice.visitorId },
      { subject: "bob", visitor_id: bob.visitorId },
    ]);
  });

  it("ignores a device token that does not verify here (another site's) instead of refusing (R7.2)", async () => {
    const site = await siteWithSecret();
    const elsewhere = await newVisitor(await freshSite());
    const body = await identified(site.id, await sign(site.secret, site.id, "carol"), { token: elsewhere.token });
    expect(body.visitorId).not.toBe(elsewhere.visitorId);
  });

  it("accepts any subject of 1–128 characters, Unicode and separators included", async () => {
    const site = await siteWithSecret();
    for (const subject of ["x", "Zoë/42 ✓ 🐧", "a.b.c=d?e&f%2F", "s".repeat(128)]) {
      const body = await identified(site.id, await sign(site.secret, site.id, subject));
      expect(body.subject).toBe(subject);
    }
  });

  it("refuses forged, tampered, other sites' and malformed identities with one and the same 401", async () => {
    const site = await siteWithSecret();
    const other = await siteWithSecret();
    const good = await sign(site.secret, site.id, "dave");
    const [v, subjectPart, exp, mac] = good.split(".") as [string, string, string, string];
    const flip = (s: string) => flippedByte(s, 5);
    // The same bytes spelled another way (the unused low bits of the last character set) are refused too.
    const respelled = (s: string) => s.slice(0, -1) + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(s.at(-1)!) | 1)]!;
    const bad = [
      `${v}.${subjectPart}.${exp}.${flip(mac)}`, // tampered signature
      ...(respelled(mac) !== mac ? [`${v}.${subjectPart}.${exp}.${respelled(mac)}`] : []), // the same signature, another spelling
      `${v}.${b64url(enc.encode("mallory"))}.${exp}.${mac}`, // another subject under dave's signature
      `${v}.${subjectPart}.${Number(exp) + 60}.${mac}`, // a later expiry under the old signature
      await sign(other.secret, other.id, "dave"), // the other site's valid identity
      await sign(other.secret, site.id, "dave"), // signed with the other site's secret for this site
      await sign(site.secret, other.id, "dave"), // this site's secret, but signed for the other site
      await sign(`idsec_${"A".repeat(43)}`, site.id, "dave"), // a guessed secret
      "",
      "garbage",
      "id1.x.y.z",
      `id2.${subjectPart}.${exp}.${mac}`,
      `${v}.${subjectPart}.soon.${mac}`,
      `${v}.${subjectPart}.${exp}.${mac}.extra`,
      `${v}..${exp}.${mac}`,
      "a".repeat(2000),
    ];
    // The prefix is part of the key: an HMAC under the secret without "idsec_" is refused.
    const prefixless = await (async () => {
      const key = await crypto.subtle.importKey("raw", enc.encode(site.secret.slice(6)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const m = await crypto.subtle.sign("HMAC", key, enc.encode(`id1.${site.id}.${subjectPart}.${exp}`));
      return `${v}.${subjectPart}.${exp}.${b64url(new Uint8Array(m))}`;
    })();
    bad.push(prefixless);
    const bodies = [];
    for (const identity of bad) bodies.push(await expectProblem(await identify(site.id, identity), 401, "invalid_identity"));
    // One uniform answer: nothing tells a forgery from a typo or another site's identity.
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(await subjectRows(site.id)).toEqual([]);
    // A body that is not { identity: string } is a 422 like any invalid body.
    await expectProblem(await identify(site.id, 42), 422, "invalid_body");
    await expectProblem(await call(`/v1/sites/${site.id}/identify`, { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "application/json" }, body: "{nope" }), 400, "malformed_json");
  });

  it("refuses a correctly signed identity whose subject breaks the rules", async () => {
    const site = await siteWithSecret();
    for (const subject of ["line\nbreak", "nul\u0000", "s".repeat(129)])
      await expectProblem(await identify(site.id, await sign(site.secret, site.id, subject)), 401, "invalid_identity");
    expect(await subjectRows(site.id)).toEqual([]);
  });

  it("refuses an expired identity with identity_expired, and one valid for more than 30 days", async () => {
    const site = await siteWithSecret();
    const now = Math.floor(Date.now() / 1000);
    const expired = await expectProblem(await identify(site.id, await sign(site.secret, site.id, "erin", now - 1)), 401, "identity_expired");
    expect(expired.detail).toMatch(/30 days/);
    await expectProblem(await identify(site.id, await sign(site.secret, site.id, "erin", now + 31 * DAY)), 401, "invalid_identity");
    // A forged expired identity is just invalid: expiry is only told about genuine ones.
    const parts = (await sign(site.secret, site.id, "erin", now - 1)).split(".");
    const forged = [...parts.slice(0, 3), flippedByte(parts[3]!)].join(".");
    await expectProblem(await identify(site.id, forged), 401, "invalid_identity");
    expect(await subjectRows(site.id)).toEqual([]);
    // Up to 30 days ahead is fine.
    expect((await identify(site.id, await sign(site.secret, site.id, "erin", now + 30 * DAY))).status).toBe(200);
  });

  it("concurrent first identifications of one person from several devices end with one visitor", async () => {
    const site = await siteWithSecret();
    for (let round = 0; round < 5; round++) {
      const identity = await sign(site.secret, site.id, `concurrent-${round}`);
      const devices = await Promise.all([newVisitor(site), newVisitor(site), newVisitor(site, { action: "reject_all" })]);
      const answers = await Promise.all([
        ...devices.map((d) => identified(site.id, identity, { token: d.token })),
        identified(site.id, identity),
      ]);
      const ids = new Set(answers.map((a) => a.visitorId));
      expect(ids.size).toBe(1);
      // The winner is one of the devices' own records (the tokenless one can win only if first).
      const winner = answers[0]!.visitorId;
      const rows = (await subjectRows(site.id)).filter((r) => r.subject === `concurrent-${round}`);
      expect(rows).toEqual([{ subject: `concurrent-${round}`, visitor_id: winner }]);
      // Everyone got the same state: the canonical visitor's.
      const states = new Set(answers.map((a) => JSON.stringify(a.preferences)));
      expect(states.size).toBe(1);
    }
  });

  it("is a browser write: it needs an allowed Origin and JSON, answers CORS, and is rate limited (R6.10, R7.4, R7.5)", async () => {
    const site = await siteWithSecret();
    const identity = await sign(site.secret, site.id, "frank");
    await expectProblem(await identify(site.id, identity, { origin: null }), 403, "origin_required");
    await expectProblem(await identify(site.id, identity, { origin: "https://evil.example" }), 403, "origin_not_allowed");
    await expectProblem(
      await call(`/v1/sites/${site.id}/identify`, { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "text/plain" }, body: JSON.stringify({ identity }) }),
      415,
      "unsupported_media_type",
    );
    const preflight = await call(`/v1/sites/${site.id}/identify`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const ok = await identify(site.id, identity);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(ok.headers.get("Set-Cookie")).toBeNull();

    // Every attempt from one network counts, forged ones included.
    await withinOneRateWindow();
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await identify(site.id, "forged", { ip });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get("Retry-After")).toBe("10");
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
  });
});

describe("a token renewed right after an identification (R7.3)", () => {
  it("a decision made with the identification's token in the same second gets back a token that is accepted", async () => {
    const site = await siteWithSecret();
    const first = await newVisitor(site);
    const identity = await sign(site.secret, site.id, `user-${crypto.randomUUID()}`);
    // Start at the beginning of a second, so the identification and the decision share it: the
    // identification floors the browser's older tokens at the next second.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const id = await identified(site.id, identity, { token: first.token! });
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: id.token });
    expect(res.status).toBe(200);
    const renewed = ((await res.json()) as ConsentResponse).token!;
    const me = await getMe(site.id, renewed);
    expect(me.status, await me.clone().text()).toBe(200);
    // The browser's anonymous token stays refused.
    await expectProblem(await getMe(site.id, first.token!), 401, "token_revoked");
  });
});

describe("site owner API for identities", () => {
  it("GET /identity-secret: a stable idsec_ secret per site, with the format; API key required (R7.12)", async () => {
    const a = await siteWithSecret();
    const b = await siteWithSecret();
    expect(a.secret).toMatch(/^idsec_[A-Za-z0-9_-]{43}$/);
    expect(b.secret).not.toBe(a.secret);
    const again = (await (await admin(a.id, "/identity-secret", a.key)).json()) as IdentitySecretResponse;
    expect(again).toEqual({ secret: a.secret, format: expect.stringContaining("HMAC-SHA256(secret, \"id1.<siteId>."), maxTtlSeconds: 30 * DAY });
    await expectProblem(await admin(a.id, "/identity-secret", null), 401, "api_key_required");
    await expectProblem(await admin(a.id, "/identity-secret", b.key), 403, "api_key_wrong_site");
  });

  it("POST /identities signs an identity /identify accepts, default one hour, at most 30 days", async () => {
    const site = await siteWithSecret();
    const issue = (body: unknown) => admin(site.id, "/identities", site.key, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const res = await issue({ subject: "grace" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const issued = (await res.json()) as IdentityIssueResponse;
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
    // The same bytes a backend computing the HMAC itself would produce.
    expect(issued.identity).toBe(await sign(site.secret, site.id, "grace", Date.parse(issued.expiresAt) / 1000));
    expect((await identified(site.id, issued.identity)).subject).toBe("grace");
    const long = (await (await issue({ subject: "grace", ttlSeconds: 30 * DAY })).json()) as IdentityIssueResponse;
    expect((await identify(site.id, long.identity)).status).toBe(200);
    await expectProblem(await issue({ subject: "grace", ttlSeconds: 30 * DAY + 1 }), 422, "invalid_body");
    await expectProblem(await issue({ subject: "" }), 422, "invalid_body");
    await expectProblem(await issue({ subject: "tab\there" }), 422, "invalid_body");
    await expectProblem(await admin(site.id, "/identities", null, { method: "POST", body: "{}" }), 401, "api_key_required");
  });

  it("GET /subjects/{subject}: the person's visitor, preferences and lists; 401 without a key, 404 when unknown (R7.2, R7.12)", async () => {
    const site = await siteWithSecret();
    const other = await siteWithSecret();
    const subject = "hank/42 ü";
    const device = await newVisitor(site, { action: "accept_all" });
    const person = await identified(site.id, await sign(site.secret, site.id, subject), { token: device.token });
    expect((await postSignup(site.id, signupBody({ lists: ["blog"] }), { headers: auth(person.token) })).status).toBe(202);
    const path = `/subjects/${encodeURIComponent(subject)}`;

    const res = await admin(site.id, path, site.key);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await res.json()) as AdminSubjectResponse).toEqual({
      subject,
      visitorId: device.visitorId,
      preferences: expect.objectContaining({ receiptId: device.receipt.id, categories: { necessary: true, usage: true } }),
      lists: { blog: "pending" },
    });

    await expectProblem(await admin(site.id, path, null), 401, "api_key_required");
    await expectProblem(await admin(site.id, "/subjects/nobody", site.key), 404, "no_record");
    await expectProblem(await admin(site.id, `/subjects/${"x".repeat(200)}`, site.key), 404, "no_record");
    // Another site knows nothing of this person, and says so exactly as for anyone unknown.
    const elsewhere = await expectProblem(await admin(other.id, path, other.key), 404, "no_record");
    expect(elsewhere).toEqual(await expectProblem(await admin(other.id, "/subjects/nobody", other.key), 404, "no_record"));
  });
});

describe("rights: export and erasure", () => {
  it("GET /me/export names the subject (null for a visitor never identified) (R9.1)", async () => {
    const site = await siteWithSecret();
    const anonymous = await newVisitor(site);
    const anon = (await (await getMe(site.id, anonymous.token!, "/export")).json()) as ExportDocument;
    expect(anon.subject).toBeNull();
    const person = await identified(site.id, await sign(site.secret, site.id, "ivy"), { token: anonymous.token });
    const doc = (await (await getMe(site.id, person.token, "/export")).json()) as ExportDocument;
    expect(doc).toMatchObject({ subject: "ivy", visitorId: anonymous.visitorId });
  });

  it("DELETE /me removes the subject mapping: the owner finds nothing, the next identification starts empty (R9.2)", async () => {
    const site = await siteWithSecret();
    const identity = await sign(site.secret, site.id, "jack");
    const device = await newVisitor(site, { action: "accept_all" });
    const person = await identified(site.id, identity, { token: device.token });
    const erase = await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(person.token) } });
    expect(erase.status).toBe(200);
    expect(((await erase.json()) as ErasureResponse).erased).toBe(true);
    expect(await subjectRows(site.id)).toEqual([]);
    await expectProblem(await admin(site.id, "/subjects/jack", site.key), 404, "no_record");
    const fresh = await identified(site.id, identity);
    expect(fresh.visitorId).not.toBe(device.visitorId);
    expect(fresh.preferences).toBeNull();
  });
});

/**
 * The console behind Cloudflare Access: the `Cf-Access-Jwt-Assertion` checks (signature,
 * audience, issuer, expiry, key id), against a key set made in the test and handed to the
 * Worker as ACCESS_JWKS, through the whole app with Access configured.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { accessSettings, verifyAccessJwt } from "../../worker/console/access";
import type { ConsoleMe } from "../../worker/contract";
import { fromBase64url, base64url } from "../../worker/lib/base64url";
import { freshEmail, grant, linkToken } from "./console-helpers";
import { BASE, expectProblem, freshSite } from "./helpers";

const TEAM = "https://acme.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

let key: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  key = pair.privateKey;
  otherKey = (await generateKeyPair("RS256")).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] };
});

interface TokenOptions {
  email?: string | null;
  aud?: string;
  iss?: string;
  kid?: string;
  signWith?: CryptoKey;
  expiresIn?: number;
}

/** An Access-style token: RS256, kid, iss = team, aud = [AUD], email, iat, exp. */
async function token(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { type: "app", country: "DE" };
  if (o.email !== null) claims.email = o.email ?? "owner@example.com";
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: o.kid ?? "k1" })
    .setIssuer(o.iss ?? TEAM)
    .setAudience([o.aud ?? AUD])
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (o.expiresIn ?? 300))
    .sign(o.signWith ?? key);
}

const settings = () => accessSettings({ ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_JWKS: JSON.stringify(jwks) })!;

/** Changes one byte of the signature (decoded), so it is a different signature, not a different spelling. */
function forgeSignature(jwt: string): string {
  const [h, p, s] = jwt.split(".") as [string, string, string];
  const bytes = fromBase64url(s);
  const at = bytes.length >> 1;
  bytes[at] = bytes[at]! ^ 0x01;
  return `${h}.${p}.${base64url(bytes)}`;
}

describe("verifyAccessJwt", () => {
  it("accepts Access's token and reads its email, lower-cased", async () => {
    expect(await verifyAccessJwt(await token({ email: "Owner@Example.COM" }), settings())).toEqual({ ok: true, email: "owner@example.com" });
  });

  it("refuses every token Access did not issue for this application, and says why", async () => {
    const cases: [string, string | undefined][] = [
      ["missing", undefined],
      ["signature", forgeSignature(await token())],
      ["unknown_key", await token({ kid: "k9", signWith: otherKey })],
      ["signature", await token({ signWith: otherKey })],
      ["audience", await token({ aud: "someone-elses-application" })],
      ["issuer", await token({ iss: "https://evil.cloudflareaccess.com" })],
      ["expired", await token({ expiresIn: -120 })],
      ["no_email", await token({ email: null })],
      ["malformed", "not.a.jwt"],
      ["malformed", "x".repeat(9_000)],
    ];
    for (const [reason, jwt] of cases) expect(await verifyAccessJwt(jwt, settings()), reason).toEqual({ ok: false, reason });
  });

  it("refuses an unsigned token and a token signed with a shared secret", async () => {
    const [h, p] = (await token()).split(".") as [string, string];
    const none = `${base64url(new TextEncoder().encode(JSON.stringify({ alg: "none", kid: "k1" })))}.${p}.`;
    const hs = await new SignJWT({ email: "owner@example.com" })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuer(TEAM)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("a-shared-secret-of-thirty-two-bytes!"));
    for (const jwt of [none, hs, `${h}.${p}`]) expect((await verifyAccessJwt(jwt, settings())).ok).toBe(false);
  });
});

describe("the console behind Access", () => {
  const accessEnv = () => ({ ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_JWKS: JSON.stringify(jwks) });
  async function fetchApp(path: string, init: RequestInit = {}, over: Record<string, string | undefined> = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init }), { ...accessEnv(), ...over }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("a verified email gets its roles; no token or a bad one gets no data", async () => {
    const site = await freshSite();
    const email = freshEmail();
    await grant(site.id, email, "viewer");
    const me = await fetchApp("/console/api/me", { headers: { "Cf-Access-Jwt-Assertion": await token({ email }) } });
    expect(me.status).toBe(200);
    expect((await me.json()) as ConsoleMe).toMatchObject({ email, via: "access", sessionExpiresAt: null, sites: [{ id: site.id, role: "viewer" }] });

    await expectProblem(await fetchApp("/console/api/me"), 401, "signed_out");
    await expectProblem(await fetchApp("/console/api/me", { headers: { "Cf-Access-Jwt-Assertion": forgeSignature(await token({ email })) } }), 401, "signed_out");
    await expectProblem(await fetchApp("/console/api/me", { headers: { "Cf-Access-Jwt-Assertion": await token({ email, expiresIn: -120 }) } }), 401, "signed_out");
    const page = await fetchApp("/console");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("Cloudflare Access");
  });

  it("refuses sign-in links: they would walk around Access's policy", async () => {
    const tok = await linkToken(freshEmail());
    const res = await fetchApp("/console/sign-in", {
      method: "POST",
      headers: { Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tok }).toString(),
    });
    await expectProblem(res, 403, "access_required");
  });

  it("still checks Origin on a change, with a valid token", async () => {
    const site = await freshSite();
    const email = freshEmail();
    await grant(site.id, email, "owner");
    const res = await fetchApp(`/console/api/sites/${site.id}/members/${encodeURIComponent(freshEmail())}`, {
      method: "PUT",
      headers: { "Cf-Access-Jwt-Assertion": await token({ email }), Origin: "https://evil.example", "Content-Type": "application/json" },
      body: JSON.stringify({ role: "owner" }),
    });
    await expectProblem(res, 403, "origin_refused");
  });

  it("half a configuration fails closed", async () => {
    await expectProblem(await fetchApp("/console/api/me", {}, { ACCESS_AUD: undefined }), 503, "console_misconfigured");
    await expectProblem(await fetchApp("/console/api/me", {}, { ACCESS_TEAM_DOMAIN: "http://acme.cloudflareaccess.com" }), 503, "console_misconfigured");
  });
});

/**
 * Cloudflare Access in front of the console: the Worker does not trust the network, it checks
 * the `Cf-Access-Jwt-Assertion` JWT Access adds to every request it lets through. With `jose`
 * (a well-kept, dependency-free JOSE library that runs on WebCrypto, so in workerd as is):
 * signature against the team's published keys (`<team>/cdn-cgi/access/certs`, fetched and
 * cached by `createRemoteJWKSet`, refetched when a token names a key id it has not seen, which
 * is how Access's key rotation is followed), RS256 only, the issuer (the team domain), the
 * audience (the Access application's AUD tag), and the expiry (no clock tolerance beyond a
 * minute). The verified `email` claim is the person; their roles come from console_members.
 *
 * Settings (worker/env.ts): `ACCESS_TEAM_DOMAIN` (e.g. https://acme.cloudflareaccess.com) and
 * `ACCESS_AUD`. With both set, the console accepts Access only (sign-in links are refused: they
 * would walk around the Access policy). `ACCESS_JWKS`, a JWK Set as JSON, replaces the fetched
 * keys: tests sign tokens with a key they made, and a deployment that pins its keys can too.
 */
import { type JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { Env } from "../env";

/** What the console needs to verify Access tokens. */
export interface AccessSettings {
  teamDomain: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

/** Why a token was refused (for the log and the sign-in page; never the token itself). */
export type AccessRefusal = "missing" | "malformed" | "signature" | "unknown_key" | "expired" | "audience" | "issuer" | "no_email" | "keys_unavailable";

/** The result of a check: the verified email, or why not. */
export type AccessResult = { ok: true; email: string } | { ok: false; reason: AccessRefusal };

/** Remote key sets per certs URL, kept for the isolate's life (jose caches and refreshes them). */
const remoteSets = new Map<string, JWTVerifyGetKey>();

/**
 * The Access settings of this deployment: null when Access is not configured (the console then
 * uses sign-in links). Throws when only one of the two settings is there, or the team domain
 * is not an https origin, so a half-done set-up fails closed instead of open.
 */
export function accessSettings(env: Env): AccessSettings | null {
  const team = env.ACCESS_TEAM_DOMAIN?.trim();
  const audience = env.ACCESS_AUD?.trim();
  if (!team && !audience) return null;
  if (!team || !audience) throw new Error("Cloudflare Access is half configured: set both ACCESS_TEAM_DOMAIN and ACCESS_AUD, or neither");
  let origin: string;
  try {
    const url = new URL(team);
    if (url.protocol !== "https:") throw new Error("not https");
    origin = url.origin;
  } catch {
    throw new Error(`ACCESS_TEAM_DOMAIN must be the team's https origin, such as https://acme.cloudflareaccess.com`);
  }
  let keys: JWTVerifyGetKey;
  if (env.ACCESS_JWKS) keys = createLocalJWKSet(JSON.parse(env.ACCESS_JWKS) as Parameters<typeof createLocalJWKSet>[0]);
  else {
    const certs = `${origin}/cdn-cgi/access/certs`;
    keys = remoteSets.get(certs) ?? createRemoteJWKSet(new URL(certs), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    remoteSets.set(certs, keys);
  }
  return { teamDomain: origin, audience, keys };
}

/** Longest assertion read; Access's are about 1 KB. */
const MAX_TOKEN_CHARS = 8_192;

/** Verifies an Access JWT (see the module comment). Never throws. */
export async function verifyAccessJwt(token: string | undefined, settings: AccessSettings, now = new Date()): Promise<AccessResult> {
  if (!token) return { ok: false, reason: "missing" };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: "malformed" };
  try {
    const { payload } = await jwtVerify(token, settings.keys, {
      algorithms: ["RS256"],
      issuer: settings.teamDomain,
      audience: settings.audience,
      requiredClaims: ["exp", "iat"],
      clockTolerance: 60,
      currentDate: now,
    });
    // A service token (machine to machine) has no email: it is nobody the console can show.
    const email = typeof payload.email === "string" ? payload.email.trim().toLowerCase() : "";
    if (!email || email.length > 254 || !email.includes("@")) return { ok: false, reason: "no_email" };
    return { ok: true, email };
  } catch (err) {
    return { ok: false, reason: refusal(err) };
  }
}

function refusal(err: unknown): AccessRefusal {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "audience";
    if (err.claim === "iss") return "issuer";
    if (err.claim === "exp") return "expired";
    return "malformed";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return "signature";
  if (err instanceof errors.JWKSNoMatchingKey) return "unknown_key";
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return "keys_unavailable";
  return "malformed";
}

/**
 * Signed identities: how a site's backend tells Assent "this browser belongs to my user 42".
 *
 *   id1.<base64url(subject)>.<exp>.<base64url(HMAC-SHA256(secret, "id1.<siteId>.<base64url(subject)>.<exp>"))>
 *
 * - `subject`: the site's own id for the person (UTF-8, 1–128 characters, no control
 *   characters), base64url without padding, so any id fits between the dots.
 * - `exp`: expiry in whole seconds since the epoch, in the future and at most 30 days ahead
 *   (5 minutes of clock skew allowed). A signed identity is a bearer credential for that
 *   person's consent record, so it must not live long.
 * - The MAC covers the site id as well, so an identity signed for one site is worthless on
 *   another even if a site owner reuses the secret by mistake.
 * - `secret`: the site's identity secret, `idsec_<43 base64url characters>`, derived from the
 *   Wrangler secret SITE_SECRET_KEY (worker/lib/site-secrets.ts, purpose "identity"). The **whole
 *   string, prefix included**, is the HMAC key: what the owner copies is exactly what they use.
 *
 * Verification uses `crypto.subtle.verify` (constant time). Anything malformed, forged, or signed
 * for another site gets the same answer, 401 `invalid_identity`; a correctly signed identity past
 * its `exp` gets 401 `identity_expired`.
 */
import { Subject } from "../contract";
import type { Env } from "../env";
import { base64url, fromBase64url } from "../lib/base64url";
import { ApiError } from "../lib/errors";
import { deriveSiteSecret } from "../lib/site-secrets";

/** The format version, first part of every identity. */
export const IDENTITY_VERSION = "id1";
/** The longest an identity may be valid: 30 days. */
export const IDENTITY_MAX_TTL_SECONDS = 30 * 86_400;
/** Tolerance for a signer whose clock runs ahead when it signs "now + 30 days". */
const CLOCK_SKEW_SECONDS = 300;

/** The identity format, as told to site owners. */
export const IDENTITY_FORMAT =
  'id1.<base64url(subject)>.<exp>.<base64url(HMAC-SHA256(secret, "id1.<siteId>.<base64url(subject)>.<exp>"))>';

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

/** The site's identity secret, `idsec_…`, as shown to its owner. */
export async function identitySecret(env: Env, siteId: string): Promise<string> {
  return `idsec_${await deriveSiteSecret(env, siteId, "identity")}`;
}

/** The HMAC key of a site's identities (memoized per isolate). */
async function identityKey(env: Env, siteId: string): Promise<CryptoKey> {
  const secret = await identitySecret(env, siteId);
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keyCache.set(secret, key);
  }
  return key;
}

/** The signed message: the site id, then the identity's first three parts. */
const signedText = (siteId: string, subjectPart: string, exp: string) => `${IDENTITY_VERSION}.${siteId}.${subjectPart}.${exp}`;

/** Signs `subject` for `siteId`, valid until `exp` (seconds since the epoch). */
export async function signIdentity(env: Env, siteId: string, subject: string, exp: number): Promise<string> {
  const subjectPart = base64url(encoder.encode(subject));
  const mac = await crypto.subtle.sign("HMAC", await identityKey(env, siteId), encoder.encode(signedText(siteId, subjectPart, String(exp))));
  return `${IDENTITY_VERSION}.${subjectPart}.${exp}.${base64url(mac)}`;
}

/** The one answer for anything that is not a valid identity of this site. */
const invalidIdentity = (detail = "The identity is malformed, its signature does not match, or it was signed for another site.") =>
  new ApiError(401, "invalid_identity", "The signed identity is not valid", { detail });

/**
 * Checks an identity for `siteId` and returns its subject. Order: shape, then signature, then
 * the subject and the expiry; so only a correctly signed identity can be told apart from a
 * forged one, and only by its expiry.
 */
export async function verifyIdentity(env: Env, siteId: string, identity: string, now: Date): Promise<string> {
  const parts = identity.split(".");
  if (identity.length > 1024 || parts.length !== 4) throw invalidIdentity();
  const [version, subjectPart, exp, macPart] = parts as [string, string, string, string];
  if (version !== IDENTITY_VERSION || !/^[A-Za-z0-9_-]{2,700}$/.test(subjectPart) || !/^[1-9][0-9]{0,11}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(macPart))
    throw invalidIdentity();
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = fromBase64url(macPart);
  } catch {
    throw invalidIdentity();
  }
  const ok = await crypto.subtle.verify("HMAC", await identityKey(env, siteId), mac, encoder.encode(signedText(siteId, subjectPart, exp)));
  if (!ok) throw invalidIdentity();

  let subject: string;
  try {
    subject = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(fromBase64url(subjectPart));
  } catch {
    throw invalidIdentity("The subject is not base64url of UTF-8 text.");
  }
  // One subject, one spelling: a non-canonical encoding (stray bits) is refused.
  if (!Subject.safeParse(subject).success || base64url(encoder.encode(subject)) !== subjectPart)
    throw invalidIdentity("The subject must be 1–128 characters with no control characters, in canonical base64url.");

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expSeconds = Number(exp);
  if (expSeconds <= nowSeconds)
    throw new ApiError(401, "identity_expired", "The signed identity has expired", {
      detail: "Sign a new identity when you render the page; identities are valid for at most 30 days.",
    });
  if (expSeconds > nowSeconds + IDENTITY_MAX_TTL_SECONDS + CLOCK_SKEW_SECONDS)
    throw invalidIdentity("The identity expires more than 30 days ahead; sign it with a shorter lifetime.");
  return subject;
}

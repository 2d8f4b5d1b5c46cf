/**
 * Visitor tokens: `v1.<kid>.<base64url(payload)>.<base64url(HMAC-SHA256)>`, payload
 * `{ s: siteId, v: visitorId, iat, j }`. The key id lets keys rotate: the current key signs, the
 * current and the previous key verify (R6.12). Verification uses `crypto.subtle.verify`, which
 * compares in constant time (R7.3).
 *
 * A token expires TOKEN_TTL_SECONDS after `iat`, and every decision and identification answers
 * with a fresh one, so a browser in use never holds an expired token. `j` is the token's own
 * random id, so one token can be revoked (a logout); revocations live in D1
 * (worker/consent/store/revocations.ts) and are checked by the routes, because this module does no I/O.
 */
import type { Env } from "../env";
import { base64url, fromBase64url } from "../lib/base64url";
import { ApiError } from "../lib/errors";

export interface TokenPayload {
  /** Site id the token is bound to. */
  s: string;
  /** Visitor id. */
  v: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** The token's own id (absent in tokens issued before revocation existed). */
  j?: string;
}

/** A verified token: its payload and when it expires (seconds since the epoch). */
export interface VerifiedToken extends TokenPayload {
  exp: number;
}

/**
 * How long a token is accepted after it was issued: 400 days. Longer than the longest consent
 * (395 days, R1.13), because a returning visitor's page view makes no request that could renew
 * it: the token must outlive the record it was issued with, so the visitor can read, export and
 * erase that record for as long as it counts.
 */
export const TOKEN_TTL_SECONDS = 400 * 86_400;
/** Tokens claiming to be issued further ahead than this are refused (clock skew between locations). */
const FUTURE_SKEW_SECONDS = 300;

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

const encoder = new TextEncoder();
const KID = /^[A-Za-z0-9_-]{1,16}$/;

const keyCache = new Map<string, Promise<SigningKey>>();

/** Parses a `kid:secret` setting into an HMAC key (memoized per isolate). */
function importKey(setting: string, name: string): Promise<SigningKey> {
  let cached = keyCache.get(setting);
  if (!cached) {
    const sep = setting.indexOf(":");
    const kid = setting.slice(0, sep);
    const secret = setting.slice(sep + 1);
    if (sep < 1 || !KID.test(kid) || secret.length < 32)
      throw new ApiError(500, "server_misconfigured", "Server misconfigured", {
        detail: `${name} must be "kid:secret" with a secret of at least 32 characters.`,
      });
    cached = crypto.subtle
      .importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])
      .then((key) => ({ kid, key }));
    keyCache.set(setting, cached);
  }
  return cached;
}

async function keys(env: Env): Promise<{ current: SigningKey; all: SigningKey[] }> {
  if (!env.TOKEN_KEY_CURRENT)
    throw new ApiError(500, "server_misconfigured", "Server misconfigured", {
      detail: "TOKEN_KEY_CURRENT is not set (run `npm start`, which writes .dev.vars, or `wrangler secret put`).",
    });
  const current = await importKey(env.TOKEN_KEY_CURRENT, "TOKEN_KEY_CURRENT");
  const all = [current];
  if (env.TOKEN_KEY_PREVIOUS) all.push(await importKey(env.TOKEN_KEY_PREVIOUS, "TOKEN_KEY_PREVIOUS"));
  return { current, all };
}

/** Signs a new token for a visitor of a site with the current key, issued `now`. */
export async function signToken(env: Env, siteId: string, visitorId: string, now: Date): Promise<string> {
  const { current } = await keys(env);
  const j = base64url(crypto.getRandomValues(new Uint8Array(12)));
  const payload = base64url(encoder.encode(JSON.stringify({ s: siteId, v: visitorId, iat: Math.floor(now.getTime() / 1000), j })));
  const signed = `v1.${current.kid}.${payload}`;
  const sig = await crypto.subtle.sign("HMAC", current.key, encoder.encode(signed));
  return `${signed}.${base64url(sig)}`;
}

/** A 401 `token_invalid` with `detail`: the answer to any token that does not verify. */
export const invalidToken = (detail: string) => new ApiError(401, "token_invalid", "The visitor token is not valid", { detail });

/**
 * Verifies a token and checks it belongs to `siteId`. Throws 401 for anything malformed, forged
 * or signed with a key no longer configured, 401 `token_expired` past its lifetime, and 403 for
 * a valid token of another site. Revocation is the caller's check (it needs D1).
 */
export async function verifyToken(env: Env, token: string, siteId: string, now = new Date()): Promise<VerifiedToken> {
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "v1" || token.length > 1024) throw invalidToken("The token is malformed.");
  const [, kid, payloadPart, sigPart] = parts as [string, string, string, string];
  const { all } = await keys(env);
  const key = all.find((k) => k.kid === kid);
  if (!key) throw new ApiError(401, "token_key_unknown", "The visitor token's key is not accepted", {
    detail: "The token was signed with a key that is no longer in use; make a new decision to get a new token.",
  });
  let sig: Uint8Array<ArrayBuffer>;
  try {
    sig = fromBase64url(sigPart);
  } catch {
    throw invalidToken("The token is malformed.");
  }
  const ok = await crypto.subtle.verify("HMAC", key.key, sig, encoder.encode(`v1.${kid}.${payloadPart}`));
  if (!ok) throw invalidToken("The token's signature does not match.");
  let payload: TokenPayload;
  try {
    payload = JSON.parse(new TextDecoder().decode(fromBase64url(payloadPart))) as TokenPayload;
  } catch {
    throw invalidToken("The token's payload is unreadable.");
  }
  if (
    typeof payload.s !== "string" ||
    typeof payload.v !== "string" ||
    !Number.isSafeInteger(payload.iat) ||
    (payload.j !== undefined && (typeof payload.j !== "string" || !/^[A-Za-z0-9_-]{16}$/.test(payload.j)))
  )
    throw invalidToken("The token's payload is incomplete.");
  if (payload.s !== siteId)
    throw new ApiError(403, "token_wrong_site", "The visitor token belongs to another site");
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.iat > nowSeconds + FUTURE_SKEW_SECONDS) throw invalidToken("The token was issued in the future.");
  const exp = payload.iat + TOKEN_TTL_SECONDS;
  if (exp <= nowSeconds)
    throw new ApiError(401, "token_expired", "The visitor token has expired", {
      detail: "Tokens last 400 days and are renewed with every decision; make a new decision to get a new one.",
    });
  return { s: payload.s, v: payload.v, iat: payload.iat, ...(payload.j ? { j: payload.j } : {}), exp };
}

/**
 * Whether `signature` is the HMAC-SHA256 of `message` under the visitor-token key `kid` (the
 * current or the previous one); false for a key no longer configured. Only for unsubscribe
 * links made before they had a key ring of their own (worker/email/links.ts, `u1.` links).
 */
export async function verifyWithTokenKey(env: Env, kid: string, message: string, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const key = (await keys(env)).all.find((k) => k.kid === kid);
  return key ? crypto.subtle.verify("HMAC", key.key, signature, encoder.encode(message)) : false;
}

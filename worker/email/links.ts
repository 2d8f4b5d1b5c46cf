/**
 * The links in Assent's email: the confirmation link of a signup (`/e/{siteId}/confirm/{token}`,
 * a random token whose SHA-256 alone is stored) and the one-click unsubscribe link, below.
 *
 * One-click unsubscribe links (`/u/{token}`, RFC 8058, R5.5, R5.6): an HMAC over
 * `{ s: siteId, l: listId, e: emailHash, iat }` with a key id, no expiry.
 *
 *   u2.<kid>.<base64url(payload)>.<base64url(HMAC-SHA256(key, "u2.<kid>.<payload>"))>
 *
 * These links live for years in inboxes, so they have a key ring of their own, apart from the
 * visitor-token keys (which rotate): `UNSUBSCRIBE_KEYS` (a Wrangler secret) is a comma-separated
 * list of `kid:secret`, newest first. The first signs; **every** key in the list verifies, for
 * as long as it stays in the list — rotate by putting a new key in front and never removing
 * the old ones unless they leaked. The entry `e1` (no secret) stands for a key derived from
 * EMAIL_HASH_KEY, which is what signs when UNSUBSCRIBE_KEYS is not set: that secret can never
 * rotate anyway (the suppression list is keyed by it), so such links verify as long as
 * suppression works.
 *
 * Links signed before this module existed (`u1.…`, with the visitor-token keys) still verify
 * while their key is the current or previous token key.
 */
import { verifyWithTokenKey } from "../consent/tokens";
import type { Env } from "../env";
import { base64url, fromBase64url } from "../lib/base64url";
import { ApiError } from "../lib/errors";
import { secretHmac } from "../lib/hmac";

/** What an unsubscribe link carries. */
export interface UnsubscribePayload {
  /** Site id. */
  s: string;
  /** List id. */
  l: string;
  /** Keyed hash of the address (worker/email/address.ts). */
  e: string;
  /** Issued at, seconds since the epoch (informational: links never expire). */
  iat: number;
}

interface LinkKey {
  kid: string;
  key: CryptoKey;
}

const PREFIX = "u2";
const DERIVED_KID = "e1";
const KID = /^[A-Za-z0-9_-]{1,16}$/;
const encoder = new TextEncoder();
const rings = new Map<string, Promise<LinkKey[]>>();

const misconfigured = (detail: string) => new ApiError(500, "server_misconfigured", "Server misconfigured", { detail });

function importHmac(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The key ring, newest first (memoized per isolate and setting). */
function ring(env: Env): Promise<LinkKey[]> {
  const setting = env.UNSUBSCRIBE_KEYS?.trim() || DERIVED_KID;
  const memo = `${setting}\u0000${env.EMAIL_HASH_KEY ?? ""}`;
  let cached = rings.get(memo);
  if (!cached) {
    cached = Promise.all(
      setting.split(",").map(async (entry): Promise<LinkKey> => {
        const item = entry.trim();
        if (item === DERIVED_KID)
          return { kid: DERIVED_KID, key: await importHmac(await secretHmac("EMAIL_HASH_KEY", env.EMAIL_HASH_KEY, "assent/unsubscribe-links/e1")) };
        const sep = item.indexOf(":");
        const kid = item.slice(0, sep);
        const secret = item.slice(sep + 1);
        if (sep < 1 || !KID.test(kid) || kid === DERIVED_KID || secret.length < 32)
          throw misconfigured('UNSUBSCRIBE_KEYS must be a comma-separated list of "kid:secret" (secrets of at least 32 characters) or "e1".');
        return { kid, key: await importHmac(secret) };
      }),
    );
    cached.catch(() => rings.delete(memo));
    rings.set(memo, cached);
  }
  return cached;
}

/** Signs an unsubscribe token for an address (by hash) and list with the newest key. */
export async function signUnsubscribeToken(env: Env, siteId: string, listId: string, emailHash: string, now = new Date()): Promise<string> {
  const [newest] = await ring(env);
  const payload: UnsubscribePayload = { s: siteId, l: listId, e: emailHash, iat: Math.floor(now.getTime() / 1000) };
  const signed = `${PREFIX}.${newest!.kid}.${base64url(encoder.encode(JSON.stringify(payload)))}`;
  return `${signed}.${base64url(await crypto.subtle.sign("HMAC", newest!.key, encoder.encode(signed)))}`;
}

/** The one-click unsubscribe URL on `origin` for an address (by hash) and list. */
export async function unsubscribeUrl(env: Env, origin: string, siteId: string, listId: string, emailHash: string): Promise<string> {
  return `${origin}/u/${await signUnsubscribeToken(env, siteId, listId, emailHash)}`;
}

function isPayload(value: unknown): value is UnsubscribePayload {
  const p = value as UnsubscribePayload;
  return !!p && typeof p.s === "string" && typeof p.l === "string" && typeof p.e === "string" && typeof p.iat === "number";
}

/**
 * The payload of a genuine unsubscribe token, or null — with no hint why, so a forged link
 * looks like an unknown one (R5.5).
 */
export async function openUnsubscribeToken(env: Env, token: string): Promise<UnsubscribePayload | null> {
  if (token.length > 1024) return null;
  if (token.startsWith("u1.")) {
    const legacy = await openLegacyLink(env, token);
    return isPayload(legacy) ? legacy : null;
  }
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, kid, payloadPart, sigPart] = parts as [string, string, string, string];
  try {
    const key = (await ring(env)).find((k) => k.kid === kid);
    if (!key) return null;
    const ok = await crypto.subtle.verify("HMAC", key.key, fromBase64url(sigPart), encoder.encode(`${PREFIX}.${kid}.${payloadPart}`));
    if (!ok) return null;
    const payload: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(payloadPart)));
    return isPayload(payload) ? payload : null;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    return null;
  }
}

/** A confirmation token: 32 random bytes; only its SHA-256 is stored. */
export function newConfirmToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The confirmation link of a signup request, on the Worker's own origin. */
export function confirmUrl(origin: string, siteId: string, token: string): string {
  return `${origin}/e/${siteId}/confirm/${token}`;
}

/**
 * Opens a `u1.<kid>.<payload>.<sig>` link, sealed with the visitor-token keys (the current or the
 * previous one): the payload when the signature is right, otherwise null, with no hint of why.
 */
async function openLegacyLink(env: Env, token: string): Promise<unknown> {
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "u1" || token.length > 1024) return null;
  const [, kid, payloadPart, sigPart] = parts as [string, string, string, string];
  try {
    const ok = await verifyWithTokenKey(env, kid, `u1.${kid}.${payloadPart}`, fromBase64url(sigPart));
    return ok ? (JSON.parse(new TextDecoder().decode(fromBase64url(payloadPart))) as unknown) : null;
  } catch {
    return null;
  }
}

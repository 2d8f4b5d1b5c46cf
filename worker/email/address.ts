/**
 * Email addresses: normalized once, and hashed with a server secret wherever an address must be
 * remembered without being kept (suppression list, events), as R5.7 asks: a keyed HMAC, not a
 * plain SHA-256 anyone could recompute from a list of addresses.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { base64url } from "../tokens";

/** Trimmed and lower-cased. (Local parts are case-sensitive in theory, never in practice.) */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA-256 of the normalized address with EMAIL_HASH_KEY, base64url. */
export async function emailHash(env: Env, email: string): Promise<string> {
  const secret = env.EMAIL_HASH_KEY;
  if (!secret || secret.length < 32)
    throw new ApiError(500, "server_misconfigured", "Server misconfigured", {
      detail: "EMAIL_HASH_KEY must be a secret of at least 32 characters (npm start writes one to .dev.vars).",
    });
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keyCache.set(secret, key);
  }
  const sig = await crypto.subtle.sign("HMAC", await key, new TextEncoder().encode(normalizeEmail(email)));
  return base64url(sig);
}

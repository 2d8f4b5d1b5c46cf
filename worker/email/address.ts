/**
 * Email addresses: normalized once, and hashed with a server secret wherever an address must be
 * remembered without being kept (suppression list, events), as R5.7 asks: a keyed HMAC, not a
 * plain SHA-256 anyone could recompute from a list of addresses.
 */
import type { Env } from "../env";
import { secretHmac } from "../lib/hmac";

/** Trimmed and lower-cased. (Local parts are case-sensitive in theory, never in practice.) */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** HMAC-SHA-256 of the normalized address with EMAIL_HASH_KEY, base64url. */
export function emailHash(env: Env, email: string): Promise<string> {
  return secretHmac("EMAIL_HASH_KEY", env.EMAIL_HASH_KEY, normalizeEmail(email));
}

/**
 * Keyed hashes under a server secret (a Wrangler secret): the email address hashes and the
 * derived per-site secrets both use this one helper. Keys are imported once per isolate.
 */
import { base64url } from "./base64url";
import { ApiError } from "./errors";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * HMAC-SHA-256 of `message` under the secret setting `name` (at least 32 characters), base64url.
 * A missing or short secret is a deployment mistake: 500 `server_misconfigured`, naming it.
 */
export async function secretHmac(name: string, secret: string | undefined, message: string): Promise<string> {
  if (!secret || secret.length < 32)
    throw new ApiError(500, "server_misconfigured", "Server misconfigured", {
      detail: `${name} must be a secret of at least 32 characters (npm start writes one to .dev.vars).`,
    });
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return base64url(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
}

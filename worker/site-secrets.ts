/**
 * Per-site secrets a site owner's servers share with Assent: the key that signs subject ids for
 * `assent.identify()` and the keys that sign webhook deliveries.
 *
 * They are derived, not stored: `HMAC-SHA256(SITE_SECRET_KEY, "assent/<purpose>/<siteId>")`,
 * base64url, with a `whsec_`/`idsec_` style prefix added by the caller. So a leak of the D1
 * database or of KV reveals none of them, the only secret to keep is the Wrangler secret
 * `SITE_SECRET_KEY`, and no site's secret tells anything about another's (HMAC is a PRF). A
 * per-endpoint or per-generation part in `purpose` lets one secret be replaced without touching
 * the others. Rotating `SITE_SECRET_KEY` itself replaces every derived secret at once.
 */
import type { Env } from "./env";
import { ApiError } from "./errors";
import { base64url } from "./tokens";

const encoder = new TextEncoder();
const masterKeys = new Map<string, Promise<CryptoKey>>();

function masterKey(env: Env): Promise<CryptoKey> {
  const secret = env.SITE_SECRET_KEY;
  if (!secret || secret.length < 32)
    throw new ApiError(500, "server_misconfigured", "Server misconfigured", {
      detail: "SITE_SECRET_KEY must be set (a Wrangler secret of at least 32 characters).",
    });
  let key = masterKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    masterKeys.set(secret, key);
  }
  return key;
}

/**
 * The secret for one purpose of one site, e.g. `deriveSiteSecret(env, "demo", "identity")` or
 * `deriveSiteSecret(env, "demo", "webhook/wh_…")`: 32 bytes, base64url (43 characters).
 */
export async function deriveSiteSecret(env: Env, siteId: string, purpose: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await masterKey(env), encoder.encode(`assent/${purpose}/${siteId}`));
  return base64url(mac);
}

/** HMAC-SHA256 of `message` under a derived secret's text, as lowercase hex (what receivers compute). */
export async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

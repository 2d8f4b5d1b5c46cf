/**
 * The keys that sign receipts (./receipts.ts): Ed25519, one key pair per site and key id, so a
 * receipt verifies only with its own site's published keys.
 *
 * The key ring is the Wrangler secret `RECEIPT_KEYS`: a comma-separated list of `kid:secret`,
 * newest first, like the unsubscribe links' (worker/email/links.ts). The first signs; **every**
 * key in the list is published in each site's JWK Set, so receipts signed before a rotation
 * keep verifying. Rotate by putting a new key in front; remove an old one only once the last
 * receipt it signed is past its evidence period (or if it leaked). The entry `s1` (no secret)
 * stands for a key derived from SITE_SECRET_KEY, which is what signs when RECEIPT_KEYS is not set.
 *
 * A site's key pairs are derived, not stored: the Ed25519 seed (32 bytes) is
 * HMAC-SHA256(ring secret, "assent/receipt-key/<siteId>"). A leak of D1 or KV reveals none of
 * them, there is nothing per site to provision or back up, and no site's key tells anything
 * about another's. Derived keys are kept per isolate.
 */
import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import { secretHmac } from "../lib/hmac";

/** The JWS algorithm of receipts: EdDSA over Ed25519 (RFC 8037), which every JOSE library knows. */
export const RECEIPT_ALG = "EdDSA";

/** A site's public key, as published in its JWK Set. */
export interface ReceiptPublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: typeof RECEIPT_ALG;
  use: "sig";
}

/** One key of a site's ring: the id, the private key that signs, the public key published. */
export interface ReceiptKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: ReceiptPublicJwk;
}

const DERIVED_KID = "s1";
const KID = /^[A-Za-z0-9_-]{1,16}$/;
/** The DER prefix of a PKCS #8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
/** Derived rings kept per isolate; cleared when this many sites are kept. */
const MAX_KEPT = 1000;
const encoder = new TextEncoder();
const kept = new Map<string, Promise<ReceiptKey[]>>();

const misconfigured = () =>
  new ApiError(500, "server_misconfigured", "Server misconfigured", {
    detail: 'RECEIPT_KEYS must be a comma-separated list of "kid:secret" (secrets of at least 32 characters) or "s1".',
  });

/** The ring's entries, newest first: key id and ring secret. */
async function ringSecrets(env: Env): Promise<{ kid: string; secret: string }[]> {
  const entries = (env.RECEIPT_KEYS?.trim() || DERIVED_KID).split(",").map((e) => e.trim());
  const seen = new Set<string>();
  return Promise.all(
    entries.map(async (item) => {
      if (item === DERIVED_KID) return { kid: DERIVED_KID, secret: await secretHmac("SITE_SECRET_KEY", env.SITE_SECRET_KEY, "assent/receipt-keys/s1") };
      const sep = item.indexOf(":");
      const kid = item.slice(0, sep);
      const secret = item.slice(sep + 1);
      if (sep < 1 || !KID.test(kid) || kid === DERIVED_KID || secret.length < 32 || seen.has(kid)) throw misconfigured();
      seen.add(kid);
      return { kid, secret };
    }),
  );
}

/** A site's Ed25519 key pair under one ring secret. */
async function siteKey(siteId: string, kid: string, secret: string): Promise<ReceiptKey> {
  const hmac = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const seed = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, encoder.encode(`assent/receipt-key/${siteId}`)));
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...seed]);
  // Imported twice: once to read the public half, once, not extractable, to sign with.
  const readable = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const { x } = (await crypto.subtle.exportKey("jwk", readable)) as JsonWebKey;
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  if (!x) throw new Error("Ed25519 key without a public half");
  return { kid, privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: RECEIPT_ALG, use: "sig" } };
}

/**
 * A site's receipt keys, newest (the signing one) first. Throws 500 `server_misconfigured` for
 * a malformed RECEIPT_KEYS, or when `s1` is in use and SITE_SECRET_KEY is missing.
 */
export function receiptKeys(env: Env, siteId: string): Promise<ReceiptKey[]> {
  const memo = `${env.RECEIPT_KEYS ?? ""}\u0000${env.SITE_SECRET_KEY ?? ""}\u0000${siteId}`;
  let keys = kept.get(memo);
  if (!keys) {
    if (kept.size >= MAX_KEPT) kept.clear();
    keys = ringSecrets(env).then((ring) => Promise.all(ring.map((r) => siteKey(siteId, r.kid, r.secret))));
    keys.catch(() => kept.delete(memo));
    kept.set(memo, keys);
  }
  return keys;
}

/** A site's JWK Set: the public half of every key of the ring. */
export async function receiptJwks(env: Env, siteId: string): Promise<{ keys: ReceiptPublicJwk[] }> {
  return { keys: (await receiptKeys(env, siteId)).map((k) => k.publicJwk) };
}

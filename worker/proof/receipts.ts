/**
 * Signed receipts (#13): the Worker signs every decision it records, so a row is protected from
 * its first second, before the chaining step links it (./chaining.ts), and the visitor holds
 * something they can check without trusting the site: a compact JWS, EdDSA (Ed25519), with the
 * site's key id (./receipt-keys.ts) and `ReceiptClaims` as payload (worker/contract/signed-receipts.ts).
 *
 * The claims include the row's digest: the value its chain entry holds. So a receipt proves the
 * decision to anyone with the site's JWK Set, and the chain proves the row is still the one signed.
 *
 * Verification (`verifyReceipt`) runs with `jose` against a JWK Set, the way any verifier would:
 * the Worker's tests, `npm run ledger -- verify-receipt` and the README's snippet all do this.
 */
import { type JSONWebKeySet, createLocalJWKSet } from "jose";
import { RECEIPT_TYP, type ReceiptClaims, type VisitorReceipt } from "../contract";
import { ReceiptClaims as ReceiptClaimsSchema } from "../contract/signed-receipts";
import { type StoredDecision, proofFieldsOf } from "../consent/store/ledger";
import type { Env } from "../env";
import { rowDigest } from "./chain";
import { receiptKeys } from "./receipt-keys";
import { openSiteJws, signSiteJws } from "./site-jws";

/** The claims of a stored decision, or null when its row has no salt yet (recorded before the chain). */
export async function receiptClaims(stored: StoredDecision): Promise<ReceiptClaims | null> {
  if (!stored.salt) return null;
  const r = stored.receipt;
  return {
    format: "assent-receipt/1",
    site: r.siteId,
    receipt: r.id,
    seq: stored.version,
    recordedAt: r.recordedAt,
    action: r.action,
    categories: r.categories,
    policyFingerprint: r.policyFingerprint,
    textHash: r.textHash,
    rowDigest: rowDigest(stored.salt, proofFieldsOf(stored)),
  };
}

/** Signs receipts of one site with its current key. */
export interface ReceiptSigner {
  /** The receipt with its `jws` (without, for a row that has no salt yet). */
  signed(stored: StoredDecision): Promise<VisitorReceipt>;
}

/**
 * The signer of a site. Loaded before a decision is recorded, so a misconfigured key ring
 * refuses the request (500 `server_misconfigured`) before anything is written.
 */
export async function receiptSigner(env: Env, siteId: string): Promise<ReceiptSigner> {
  const [current] = await receiptKeys(env, siteId);
  return {
    async signed(stored) {
      const claims = await receiptClaims(stored);
      if (!claims) return stored.receipt;
      return { ...stored.receipt, jws: await signSiteJws(current!, RECEIPT_TYP, claims) };
    },
  };
}

/** Why a signed receipt was refused. */
export type ReceiptRefusal = "malformed" | "unknown_key" | "signature" | "claims" | "other_site";

/** The outcome of checking a signed receipt. */
export type ReceiptCheck = { ok: true; kid: string; claims: ReceiptClaims } | { ok: false; reason: ReceiptRefusal; detail: string };

/**
 * Checks a signed receipt against a site's JWK Set: the signature (EdDSA only, by the key its
 * `kid` names), the `typ`, the claims' shape, and that the receipt is of `siteId`, the site whose
 * keys these are (a receipt of another site must not pass with that site's keys either).
 */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet, siteId: string): Promise<ReceiptCheck> {
  const opened = await openSiteJws(jws, createLocalJWKSet(jwks), RECEIPT_TYP);
  if (!opened.ok) return { ok: false, reason: opened.reason, detail: opened.reason === "malformed" ? `not a signed receipt: ${opened.detail}` : opened.detail };
  const parsed = ReceiptClaimsSchema.safeParse(opened.payload);
  if (!parsed.success) return { ok: false, reason: "claims", detail: "the payload is not a receipt's claims" };
  if (parsed.data.site !== siteId) return { ok: false, reason: "other_site", detail: `the receipt is of site "${parsed.data.site}", not "${siteId}"` };
  return { ok: true, kid: opened.kid, claims: parsed.data };
}

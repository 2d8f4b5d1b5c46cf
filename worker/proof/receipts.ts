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
import { CompactSign, type JSONWebKeySet, compactVerify, createLocalJWKSet, errors } from "jose";
import { RECEIPT_TYP, type ReceiptClaims, type VisitorReceipt } from "../contract";
import { ReceiptClaims as ReceiptClaimsSchema } from "../contract/signed-receipts";
import { type StoredDecision, proofFieldsOf } from "../consent/store/ledger";
import type { Env } from "../env";
import { rowDigest } from "./chain";
import { RECEIPT_ALG, receiptKeys } from "./receipt-keys";

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

const encoder = new TextEncoder();

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
      const jws = await new CompactSign(encoder.encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg: RECEIPT_ALG, kid: current!.kid, typ: RECEIPT_TYP })
        .sign(current!.privateKey);
      return { ...stored.receipt, jws };
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
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws.trim(), createLocalJWKSet(jwks), { algorithms: [RECEIPT_ALG] });
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "unknown_key", detail: "no key of the site's JWK Set has the receipt's key id" };
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "signature", detail: "the signature does not match the receipt: it was changed, or signed by another key" };
    return { ok: false, reason: "malformed", detail: `not a signed receipt (${err instanceof Error ? err.message : String(err)})` };
  }
  if (verified.protectedHeader.typ !== RECEIPT_TYP) return { ok: false, reason: "malformed", detail: `the JWS is not a receipt (typ "${String(verified.protectedHeader.typ)}")` };
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(verified.payload));
  } catch {
    return { ok: false, reason: "claims", detail: "the payload is not JSON" };
  }
  const parsed = ReceiptClaimsSchema.safeParse(claims);
  if (!parsed.success) return { ok: false, reason: "claims", detail: "the payload is not a receipt's claims" };
  if (parsed.data.site !== siteId) return { ok: false, reason: "other_site", detail: `the receipt is of site "${parsed.data.site}", not "${siteId}"` };
  return { ok: true, kid: verified.protectedHeader.kid!, claims: parsed.data };
}

/**
 * The compact JWS (RFC 7515) every signed proof object uses, in one place: signed receipts
 * (./receipts.ts, `typ` "assent-receipt") and the manifests of sealed segments (./seal.ts,
 * `typ` "assent-seal"). EdDSA with a site's receipt key (./receipt-keys.ts), its `kid` in the
 * header; opened against a JWK Set with EdDSA only, the `typ` checked and the payload read as
 * strict UTF-8 JSON. What the payload must hold is each caller's own check.
 */
import { CompactSign, compactVerify, type createLocalJWKSet, errors } from "jose";
import { RECEIPT_ALG, type ReceiptKey } from "./receipt-keys";

const encoder = new TextEncoder();

/** `claims` as a compact JWS signed by `key`, with `typ`. */
export function signSiteJws(key: ReceiptKey, typ: string, claims: unknown): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader({ alg: RECEIPT_ALG, kid: key.kid, typ }).sign(key.privateKey);
}

/** Why a JWS was not opened. */
export type JwsRefusal = "malformed" | "unknown_key" | "signature" | "claims";

/** An opened JWS (its key id and its payload as JSON), or why it was refused. */
export type OpenedJws = { ok: true; kid: string; payload: unknown } | { ok: false; reason: JwsRefusal; detail: string };

/** Opens a compact JWS of `typ` with `keys` (a `createLocalJWKSet` of the site's JWK Set). */
export async function openSiteJws(jws: string, keys: ReturnType<typeof createLocalJWKSet>, typ: string): Promise<OpenedJws> {
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws.trim(), keys, { algorithms: [RECEIPT_ALG] });
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "unknown_key", detail: "no key of the site's JWK Set has its key id" };
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "signature", detail: "the signature does not match: it was changed, or signed by another key" };
    return { ok: false, reason: "malformed", detail: `not a compact JWS (${err instanceof Error ? err.message : String(err)})` };
  }
  if (verified.protectedHeader.typ !== typ) return { ok: false, reason: "malformed", detail: `the JWS is not of typ "${typ}" (typ "${String(verified.protectedHeader.typ)}")` };
  try {
    return { ok: true, kid: verified.protectedHeader.kid!, payload: JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(verified.payload)) as unknown };
  } catch {
    return { ok: false, reason: "claims", detail: "the payload is not JSON" };
  }
}

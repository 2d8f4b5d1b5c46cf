/**
 * Signed receipts (#13): what the Worker signs for every decision, and the JWK Set a verifier
 * checks it with. A signed receipt is a compact JWS (RFC 7515), `alg` EdDSA (Ed25519), with the
 * signing key's id in `kid` and `typ` "assent-receipt"; its payload is `ReceiptClaims`.
 */
import * as z from "zod";
import { ConsentAction } from "./consents";
import { SiteId } from "./ids";

/** The `typ` header of a signed receipt. */
export const RECEIPT_TYP = "assent-receipt";

/** What a signed receipt states. Enough to match it to its row and its chain entry; no visitor id. */
export const ReceiptClaims = z.strictObject({
  format: z.literal("assent-receipt/1"),
  /** The site the decision was made on: its JWK Set is the one that verifies. */
  site: SiteId,
  /** The receipt id (`rcpt_…`). */
  receipt: z.string().regex(/^rcpt_[0-9a-z]{1,64}$/),
  /** The ledger's sequence number of the row: the site's chain links rows in this order. */
  seq: z.int().positive(),
  /** Server time of the decision, ISO 8601. */
  recordedAt: z.iso.datetime(),
  action: ConsentAction,
  /** Every category of the site, stated true or false. */
  categories: z.record(z.string(), z.boolean()),
  policyFingerprint: z.string(),
  textHash: z.string(),
  /**
   * The row's digest in the site's hash chain (hex SHA-256 of its salt and content): the entry
   * at the row's position holds the same value, even after the row itself was erased.
   */
  rowDigest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReceiptClaims = z.infer<typeof ReceiptClaims>;

/** A site's public receipt keys, `GET /.well-known/assent/{siteId}/jwks.json` (RFC 7517). */
export const ReceiptKeySet = z.object({
  keys: z.array(
    z.object({
      kty: z.literal("OKP"),
      crv: z.literal("Ed25519"),
      x: z.string(),
      kid: z.string(),
      alg: z.literal("EdDSA"),
      use: z.literal("sig"),
    }),
  ),
});
export type ReceiptKeySet = z.infer<typeof ReceiptKeySet>;

/**
 * The proof's hash chain, as pure functions (no storage, no Env), so the Worker, the scheduled
 * chaining step and the `npm run ledger` CLI compute exactly the same values:
 *
 * - `rowDigest(salt, fields)`: SHA-256 of the row's random salt and its canonical content. The
 *   salt is kept in the row; when the row is erased the salt goes with it, and the digest that
 *   stays in the chain can no longer be linked to anyone (it cannot be reversed or guessed).
 * - `linkHash(previous, digest)`: SHA-256 of the previous entry's hash and this entry's digest,
 *   as raw bytes; the first entry of a site links to GENESIS (32 zero bytes).
 *
 * Changing a row, dropping one or putting two in another order changes a digest or a link, so
 * verification (./verify.ts) names the first position where the chain no longer holds.
 */
import type { Receipt } from "../contract";
import { canonicalJson } from "../lib/canonical-json";

/**
 * What a proof row commits to: every field of its receipt as recorded (not the salt, not the
 * link to the visitor's previous decision) and the date it may be deleted.
 */
export type ProofFields = Omit<Receipt, "prevId"> & { retainUntil: string };

/** The hash before a site's first entry: 32 zero bytes, hex. */
export const GENESIS = "0".repeat(64);

/** A new salt: 16 random bytes, hex. */
export function newSalt(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

/** SHA-256(salt ‖ canonical JSON of the fields), hex; `chain1` versions the encoding. */
export async function rowDigest(salt: string, fields: ProofFields): Promise<string> {
  return sha256(new TextEncoder().encode(`chain1\n${salt}\n${canonicalJson(fields)}`));
}

/** SHA-256(previous hash ‖ row digest) over their 64 raw bytes, hex. */
export async function linkHash(previous: string, digest: string): Promise<string> {
  const bytes = new Uint8Array(64);
  bytes.set(unhex(previous), 0);
  bytes.set(unhex(digest), 32);
  return sha256(bytes);
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function unhex(text: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error("not a 32-byte hex digest");
  return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
}

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
 *
 * SHA-256 is `@noble/hashes` (audited, no dependencies), not WebCrypto: it is synchronous and the
 * same code in the Worker and in Node, where `crypto.subtle.digest` costs about 50 µs a call in
 * thread-pool overhead, so a verifier walking millions of rows (the CLI, `npm run bench`) ran
 * at 5,700 rows a second with it and runs ten times faster without.
 */
import { sha256 as sha256Bytes } from "@noble/hashes/sha2.js";
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

const encoder = new TextEncoder();

/** SHA-256(salt ‖ canonical JSON of the fields), hex; `chain1` versions the encoding. */
export function rowDigest(salt: string, fields: ProofFields): string {
  return hex(sha256Bytes(encoder.encode(`chain1\n${salt}\n${canonicalJson(fields)}`)));
}

/** SHA-256(previous hash ‖ row digest) over their 64 raw bytes, hex. */
export function linkHash(previous: string, digest: string): string {
  const bytes = new Uint8Array(64);
  unhexInto(previous, bytes, 0);
  unhexInto(digest, bytes, 32);
  return hex(sha256Bytes(bytes));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

/** Each lowercase hex digit's value by its char code, -1 for anything else. */
const NIBBLE = Int8Array.from({ length: 128 }, (_, c) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1));

/**
 * Writes a 32-byte hex digest's bytes into `into` at `at`; throws on anything else (uppercase
 * included: digests are written lowercase). A table, not `parseInt` of 32 slices: every link
 * of a verification goes through it.
 */
function unhexInto(text: string, into: Uint8Array, at: number): void {
  if (text.length !== 64) throw new Error("not a 32-byte hex digest");
  for (let i = 0; i < 32; i++) {
    const hi = NIBBLE[text.charCodeAt(i * 2)] ?? -1;
    const lo = NIBBLE[text.charCodeAt(i * 2 + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new Error("not a 32-byte hex digest");
    into[at + i] = (hi << 4) | lo;
  }
}

/**
 * The proof chain's encoding, as docs/proof.md states it, checked against an independent SHA-256
 * (Node's own): a row digest is SHA-256 of "chain1\n", the salt, "\n" and the canonical JSON of
 * the row's fields; a link is SHA-256 of the previous hash's 32 bytes and the digest's 32 bytes.
 * So anyone can recompute the chain without Assent's code (R1.14).
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GENESIS, type ProofFields, linkHash, rowDigest } from "../../worker/proof/chain";
import { canonicalJson } from "../../worker/lib/canonical-json";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex"));

describe("the chain's encoding, with an independent SHA-256 (R1.14)", () => {
  it("the first link of a chain is SHA-256 of 64 zero bytes when its digest is zero", () => {
    expect(linkHash(GENESIS, GENESIS)).toBe("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
  });

  it("links: SHA-256 of the two 32-byte values, for any values", () => {
    fc.assert(fc.property(hex32, hex32, (a, b) => linkHash(a, b) === sha256(Buffer.concat([Buffer.from(a, "hex"), Buffer.from(b, "hex")]))), { numRuns: 300 });
  });

  it("digests: SHA-256 of chain1, the salt and the canonical JSON, for any content", () => {
    const fields = fc.record({
      id: fc.string(),
      siteId: fc.string(),
      visitorId: fc.uuid(),
      categories: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.boolean()),
      locale: fc.string(),
      country: fc.option(fc.string()),
      gpc: fc.boolean(),
    }) as unknown as fc.Arbitrary<ProofFields>;
    const salt = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString("hex"));
    fc.assert(fc.property(salt, fields, (s, f) => rowDigest(s, f) === sha256(`chain1\n${s}\n${canonicalJson(f)}`)), { numRuns: 300 });
  });

  it("canonical JSON: any JSON value, its keys sorted at every level, the same text as the encoding fingerprints and digests were first made with", () => {
    // The first implementation, kept here as the reference: a faster one must not change a byte.
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
      if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
      }
      return JSON.stringify(value);
    };
    fc.assert(fc.property(fc.jsonValue(), (v) => canonicalJson(v) === reference(v)), { numRuns: 500 });
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: "x" })).toBe('{"a":"x","b":{"c":[{"e":2,"f":1}],"d":1}}');
    // Members left undefined are left out; an undefined array element is written as join writes it.
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, 2] })).toBe(reference({ b: 1, a: undefined, c: [undefined, 2] }));
  });

  it("refuses a link over something that is not a 32-byte hex digest", () => {
    for (const bad of ["", "00", "g".repeat(64), "0".repeat(63), "0".repeat(65), "A".repeat(64)]) expect(() => linkHash(GENESIS, bad)).toThrow(/not a 32-byte hex digest/);
  });
});

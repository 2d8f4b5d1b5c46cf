/**
 * The fingerprint the console's audit log keeps of a thing before and after a change:
 * SHA-256 of its canonical JSON, so equal states fingerprint equally whatever their key order.
 */
import { canonicalJson } from "../lib/canonical-json";
import { sha256Hex } from "../lib/sha256";

/** SHA-256 (hex) of `value`'s canonical JSON. */
export const fingerprint = (value: unknown): Promise<string> => sha256Hex(canonicalJson(value));

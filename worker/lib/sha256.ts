/**
 * SHA-256 as hex, through WebCrypto. Used wherever only a digest is kept: API keys,
 * confirmation tokens, request hashes and the policy fingerprint.
 */

/** Hex SHA-256 of a string (UTF-8). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * base64url without padding (RFC 4648 §5): the encoding of every token, link and derived
 * secret Assent issues (visitor tokens, unsubscribe links, identities, site secrets).
 */

/** Encodes bytes as base64url without padding. */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (const b of view) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes base64url without padding, in its one canonical spelling only: a string whose unused
 * trailing bits are set decodes to the same bytes as another, so it is refused (a signature or
 * token has exactly one valid spelling; a changed character always changes the bytes).
 */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error("not base64url");
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
  if (base64url(bytes) !== text) throw new Error("not canonical base64url");
  return bytes;
}

/**
 * `Authorization: Bearer <credential>` parsing, shared by the visitor token (worker/middleware/
 * visitor-auth.ts) and the site owner's API key (worker/middleware/api-key-auth.ts). Credentials
 * are only ever read from this header, never from a URL (R7.3). Each caller caps the header's
 * length first and decides how to answer a missing or malformed one.
 */

/** The credential of `Bearer <credential>` (scheme case-insensitive), or null when the value has another shape. */
export function bearerCredential(header: string): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
}

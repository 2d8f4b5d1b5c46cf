/**
 * The one way a route reads a visitor token: `Authorization: Bearer <token>` (never a URL,
 * R7.3), its signature, site and expiry (worker/tokens.ts), and whether it was revoked
 * (store/revocations.ts, one D1 read). The decision route checks revocation inside its own
 * batch instead, and uses `readVisitorToken` alone.
 */
import type { Env } from "./env";
import { ApiError } from "./errors";
import { type RevocationReason, type TokenSubjects, revocationOf, tokenSubjects } from "./store/revocations";
import { type VerifiedToken, bearer, verifyToken } from "./tokens";

/** A verified token and what can revoke it. */
export interface VisitorCredential extends VerifiedToken {
  subjects: TokenSubjects;
}

/** The answer to a revoked token. */
export function tokenRevoked(reason: RevocationReason): ApiError {
  return new ApiError(401, "token_revoked", "The visitor token was revoked", {
    detail:
      reason === "erased"
        ? "This visitor's data was erased; a new decision starts a new record."
        : reason === "logout"
          ? "This token was signed out (identify(null)); a new decision or identification gets a new one."
          : "This browser's record now belongs to an identified person; identify again to get a token for it.",
  });
}

/**
 * The token's visitor, signature and expiry checked, without the revocation check; null when
 * the request carries no token. Throws 401/403 as `verifyToken` does.
 */
export async function readVisitorToken(env: Env, header: string | undefined, siteId: string, now = new Date()): Promise<VisitorCredential | null> {
  const token = bearer(header);
  if (!token) return null;
  const verified = await verifyToken(env, token, siteId, now);
  return { ...verified, subjects: await tokenSubjects(verified.v, verified.j) };
}

/** `readVisitorToken`, then the revocation check: a revoked token gets 401 `token_revoked`. */
export async function authenticateVisitor(env: Env, header: string | undefined, siteId: string, now = new Date()): Promise<VisitorCredential | null> {
  const credential = await readVisitorToken(env, header, siteId, now);
  if (!credential) return null;
  const revoked = await revocationOf(env, siteId, credential.subjects, credential.iat);
  if (revoked) throw tokenRevoked(revoked);
  return credential;
}

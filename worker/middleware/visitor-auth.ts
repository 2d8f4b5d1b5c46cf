/**
 * The one way a route reads a visitor token: `Authorization: Bearer <token>` (never a URL,
 * R7.3), its signature, site and expiry (worker/consent/tokens.ts), and whether it was revoked
 * (worker/consent/store/revocations.ts, one D1 read).
 *
 * Routes mount `visitorToken(options)`, which puts the verified token in `c.var.visitor` (null
 * when the request has none and none is required). The decision route checks revocation inside
 * its own batch, and the erasure and logout after their rate limit, so they ask the middleware
 * to leave revocation to them. The signup, which links a token only after every other check
 * passed, calls `authenticateVisitor` itself.
 */
import { createMiddleware } from "hono/factory";
import { type RevocationReason, type TokenSubjects, revocationOf, tokenSubjects } from "../consent/store/revocations";
import { type VerifiedToken, invalidToken, verifyToken } from "../consent/tokens";
import type { Env } from "../env";
import { bearerCredential } from "../lib/bearer";
import { ApiError } from "../lib/errors";
import type { SiteEnv } from "./site";

/** The longest `Authorization` value read; a real one is about 200 characters. */
export const MAX_AUTHORIZATION_LENGTH = 2048;

/** A verified token and what can revoke it. */
export interface VisitorCredential extends VerifiedToken {
  subjects: TokenSubjects;
}

/** Hono generic for routes behind `visitorToken`: the site plus the visitor's credential. */
export interface VisitorEnv extends SiteEnv {
  Variables: SiteEnv["Variables"] & { visitor: VisitorCredential | null };
}

/** Reads `Authorization: Bearer <token>`; never a query parameter (R7.3). Capped in length. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  if (header.length > MAX_AUTHORIZATION_LENGTH) throw invalidToken("The Authorization header is too long.");
  const token = bearerCredential(header);
  if (!token) throw invalidToken("Send the token as `Authorization: Bearer <token>`.");
  return token;
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

/** How `visitorToken` treats a request. */
export interface VisitorTokenOptions {
  /** When set, a request without a token gets 401 `token_required` with this detail. */
  required?: string;
  /** "check" (default): a revoked token gets 401 `token_revoked`. "route": the route checks it. */
  revocation?: "check" | "route";
  /**
   * "refuse" (default): an invalid, foreign or revoked token is answered 401/403. "ignore": it
   * counts as no token (identification, where the token only says which record to start from).
   */
  invalid?: "refuse" | "ignore";
}

/** Verifies the visitor token as `options` say and puts it in `c.var.visitor` (null: none). */
export const visitorToken = ({ required, revocation = "check", invalid = "refuse" }: VisitorTokenOptions = {}) =>
  createMiddleware<VisitorEnv>(async function visitorToken(c, next) {
    const read = revocation === "check" ? authenticateVisitor : readVisitorToken;
    let visitor: VisitorCredential | null;
    try {
      visitor = await read(c.env, c.req.header("Authorization"), c.get("site").config.id);
    } catch (err) {
      if (invalid === "refuse" || !(err instanceof ApiError) || err.status >= 500) throw err;
      visitor = null;
    }
    if (!visitor && required)
      throw new ApiError(401, "token_required", "A visitor token is required", { detail: required });
    c.set("visitor", visitor);
    await next();
  });

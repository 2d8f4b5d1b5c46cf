/**
 * Revoked visitor tokens in D1 (table `token_revocations`, migrations/0007_hardening.sql). Every
 * statement about them is built here.
 *
 * A token (worker/consent/tokens.ts) carries its visitor, its issue time and, since this table exists,
 * its own random id. A row refuses, for one site:
 *
 * - `v:<hash of the visitor id>`: every token of that visitor issued before `not_before`.
 *   Erasure sets it to "forever" (the visitor id is dead); a browser's anonymous record becoming
 *   a person's (`/identify`) sets it to "now", so a token an earlier user of that browser kept
 *   cannot read the person's record.
 * - `t:<token id>`: that one token (`DELETE /identify`, the logout of a shared device).
 *
 * The visitor id is kept only as a hash: after an erasure nothing here names the visitor. A row
 * is purged once every token it can refuse has expired anyway (`expires_at`).
 */
import type { Env } from "../../env";
import { storage } from "../../lib/errors";
import { TOKEN_TTL_SECONDS } from "../tokens";

/** Why a token stopped working. */
export type RevocationReason = "erased" | "identified" | "logout";

/** `not_before` of an erasure: no token of the visitor is ever accepted again. */
const FOREVER = 9_999_999_999;

/** The revocation subjects of one token: its visitor's and its own (when it has an id). */
export interface TokenSubjects {
  visitor: string;
  token: string | null;
}

/** `v:` and the base64url SHA-256 of the visitor id. */
export async function visitorSubject(visitorId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(visitorId)));
  let binary = "";
  for (const b of digest) binary += String.fromCharCode(b);
  return `v:${btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

/** The subjects to check for a token of `visitorId` with id `tokenId`. */
export async function tokenSubjects(visitorId: string, tokenId: string | undefined): Promise<TokenSubjects> {
  return { visitor: await visitorSubject(visitorId), token: tokenId ? `t:${tokenId}` : null };
}

const expiresAt = (nowSeconds: number) => new Date((nowSeconds + TOKEN_TTL_SECONDS) * 1000).toISOString();

/**
 * The statement that finds why a token issued at `iat` is refused: one row `{ reason }`, or
 * none when it is accepted. An erasure is reported first. For use alone or inside a batch.
 */
export function revocationStatement(env: Env, siteId: string, subjects: TokenSubjects, iat: number): D1PreparedStatement {
  return env.LEDGER.prepare(
    `SELECT reason FROM token_revocations WHERE site_id = ?1 AND subject IN (?2, ?3) AND not_before > ?4
     ORDER BY reason = 'erased' DESC LIMIT 1`,
  ).bind(siteId, subjects.visitor, subjects.token ?? subjects.visitor, iat);
}

/** SQL (numbered from `?first`) that is true when the token is refused; for guarding writes. */
export function revokedCondition(first: number): string {
  return `EXISTS (SELECT 1 FROM token_revocations WHERE site_id = ?${first} AND subject IN (?${first + 1}, ?${first + 2}) AND not_before > ?${first + 3})`;
}

/** The binds of `revokedCondition`, in order. */
export function revokedBinds(siteId: string, subjects: TokenSubjects, iat: number): unknown[] {
  return [siteId, subjects.visitor, subjects.token ?? subjects.visitor, iat];
}

/** Why the token is refused, or null when it is accepted. */
export async function revocationOf(env: Env, siteId: string, subjects: TokenSubjects, iat: number): Promise<RevocationReason | null> {
  const row = await storage("token check", () => revocationStatement(env, siteId, subjects, iat).first<{ reason: RevocationReason }>());
  return row?.reason ?? null;
}

/**
 * The statement an erasure starts its batch with: it claims the visitor for erasure `ref`.
 * Only one erasure of a visitor can claim it (a second finds it erased and changes nothing);
 * the rest of the batch is guarded by `claimedCondition`.
 */
export function eraseClaimStatement(env: Env, siteId: string, visitor: string, ref: string, nowSeconds: number): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO token_revocations (site_id, subject, not_before, reason, ref, expires_at) VALUES (?1, ?2, ?3, 'erased', ?4, ?5)
     ON CONFLICT (site_id, subject) DO UPDATE SET not_before = excluded.not_before, reason = 'erased', ref = excluded.ref,
       expires_at = excluded.expires_at
     WHERE token_revocations.reason != 'erased'`,
  ).bind(siteId, visitor, FOREVER, ref, expiresAt(nowSeconds));
}

/** SQL that is true when erasure `ref` claimed the visitor; binds `(siteId, visitor, ref)`. */
export const CLAIMED = `EXISTS (SELECT 1 FROM token_revocations WHERE site_id = ? AND subject = ? AND reason = 'erased' AND ref = ?)`;

/**
 * Refuses every token of `visitor` issued before `notBefore` (seconds; an anonymous record
 * became a person's). Never lowers an existing floor and never undoes an erasure. Runs only
 * when `onlyIf` (SQL with anonymous `?`, bound by `onlyIfBinds`) is true.
 */
export function floorStatement(env: Env, siteId: string, visitor: string, notBefore: number, onlyIf: string, onlyIfBinds: unknown[]): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO token_revocations (site_id, subject, not_before, reason, ref, expires_at)
     SELECT ?, ?, ?, 'identified', NULL, ? WHERE ${onlyIf}
     ON CONFLICT (site_id, subject) DO UPDATE SET not_before = MAX(token_revocations.not_before, excluded.not_before),
       expires_at = excluded.expires_at
     WHERE token_revocations.reason != 'erased'`,
  ).bind(siteId, visitor, notBefore, expiresAt(notBefore), ...onlyIfBinds);
}

/** Revokes one token (a logout on a shared device) until it would have expired anyway. */
export async function revokeToken(env: Env, siteId: string, tokenId: string, tokenExp: number): Promise<void> {
  await storage("token revoke", () =>
    env.LEDGER.prepare(
      `INSERT INTO token_revocations (site_id, subject, not_before, reason, ref, expires_at) VALUES (?1, ?2, ?3, 'logout', NULL, ?4)
       ON CONFLICT (site_id, subject) DO NOTHING`,
    ).bind(siteId, `t:${tokenId}`, FOREVER, new Date(tokenExp * 1000).toISOString()).run(),
  );
}

/** Deletes up to `batch` revocations that can no longer refuse anything; returns how many. */
export async function purgeRevocations(env: Env, now: Date, batch: number): Promise<number> {
  const result = await storage("token revocation purge", () =>
    env.LEDGER.prepare(
      `DELETE FROM token_revocations WHERE rowid IN (SELECT rowid FROM token_revocations WHERE expires_at < ?1 LIMIT ?2)`,
    ).bind(now.toISOString(), batch).run(),
  );
  return result.meta.changes;
}

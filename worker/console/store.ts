/**
 * The console's tables in D1 (migrations/0008_console.sql): members and their roles, one-time
 * sign-in links, sessions, and the audit log. Every query of the console is here. Links and
 * sessions are looked up by the SHA-256 of their secret; the secret itself is never stored.
 */
import type { ConsoleAuditEntry, ConsoleMember, ConsoleRole } from "../contract";
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { storage } from "../lib/errors";

/** How long a one-time sign-in link can be used. */
export const LINK_TTL_MS = 10 * 60_000;
/** How long a console session lasts; it is not extended by use. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;
/** How long a draft can be previewed. */
export const PREVIEW_TTL_MS = 60 * 60_000;

// ---- Members -----------------------------------------------------------------------------------

/** The sites `email` has a role on, in site id order. */
export async function rolesOf(env: Env, email: string): Promise<{ siteId: string; role: ConsoleRole }[]> {
  const { results } = await storage("console member read", () =>
    env.LEDGER.prepare(`SELECT site_id, role FROM console_members WHERE email = ?1 ORDER BY site_id`).bind(email).all<{ site_id: string; role: ConsoleRole }>(),
  );
  return results.map((r) => ({ siteId: r.site_id, role: r.role }));
}

/** `email`'s role on `siteId`, or null when they have none. */
export async function roleOn(env: Env, siteId: string, email: string): Promise<ConsoleRole | null> {
  const row = await storage("console member read", () =>
    env.LEDGER.prepare(`SELECT role FROM console_members WHERE site_id = ?1 AND email = ?2`).bind(siteId, email).first<{ role: ConsoleRole }>(),
  );
  return row?.role ?? null;
}

/** The members of a site, owners first. */
export async function listMembers(env: Env, siteId: string): Promise<ConsoleMember[]> {
  const { results } = await storage("console member read", () =>
    env.LEDGER.prepare(`SELECT email, role, added_at, added_by FROM console_members WHERE site_id = ?1 ORDER BY role = 'viewer', email`)
      .bind(siteId)
      .all<{ email: string; role: ConsoleRole; added_at: string; added_by: string }>(),
  );
  return results.map((r) => ({ email: r.email, role: r.role, addedAt: r.added_at, addedBy: r.added_by }));
}

/** One audit row to write together with the change it records (its id and time come from the write). */
export type AuditInput = Omit<ConsoleAuditEntry, "id" | "at">;

function auditStatement(env: Env, a: AuditInput, at: string): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
  ).bind(a.siteId, a.actor, a.action, a.target, a.beforeFingerprint, a.afterFingerprint, at);
}

/**
 * Sets `email`'s role on `siteId` (adding them when new) and writes its audit row, in one
 * transaction. A change that would leave the site without an owner (the last owner made a
 * viewer) is not made, and false is returned: the guard is in the statement, so two owners
 * demoting each other at once cannot both succeed.
 */
export async function putMember(env: Env, siteId: string, email: string, role: ConsoleRole, by: string, audit: AuditInput, now: Date): Promise<boolean> {
  const at = now.toISOString();
  // The audit row's `WHERE changes() > 0` sees the member statement's outcome: same transaction.
  const r = await runNamedBatch(env.LEDGER, "console member write", [
    [
      "member",
      [
        env.LEDGER.prepare(
          `INSERT INTO console_members (site_id, email, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)
           ON CONFLICT (site_id, email) DO UPDATE SET role = excluded.role
           WHERE excluded.role = 'owner' OR EXISTS (SELECT 1 FROM console_members WHERE site_id = ?1 AND role = 'owner' AND email <> ?2)`,
        ).bind(siteId, email, role, at, by),
      ],
    ],
    [
      "audit",
      [
        env.LEDGER.prepare(
          `INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE changes() > 0`,
        ).bind(audit.siteId, audit.actor, audit.action, audit.target, audit.beforeFingerprint, audit.afterFingerprint, at),
      ],
    ],
  ]);
  return r.changes("member") > 0;
}

/**
 * Removes `email` from `siteId` with its audit row, unless they are the site's last owner.
 * Returns false when nothing was removed (not a member, or the last owner).
 */
export async function removeMember(env: Env, siteId: string, email: string, audit: AuditInput, now: Date): Promise<boolean> {
  const r = await runNamedBatch(env.LEDGER, "console member write", [
    [
      "member",
      [
        env.LEDGER.prepare(
          `DELETE FROM console_members WHERE site_id = ?1 AND email = ?2
           AND (role = 'viewer' OR EXISTS (SELECT 1 FROM console_members WHERE site_id = ?1 AND role = 'owner' AND email <> ?2))`,
        ).bind(siteId, email),
      ],
    ],
    [
      "audit",
      [
        env.LEDGER.prepare(
          `INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE changes() > 0`,
        ).bind(audit.siteId, audit.actor, audit.action, audit.target, audit.beforeFingerprint, audit.afterFingerprint, now.toISOString()),
      ],
    ],
  ]);
  return r.changes("member") > 0;
}

// ---- Sign-in links -----------------------------------------------------------------------------

/** Stores a new link's token hash for `email`, valid for LINK_TTL_MS. */
export async function createLink(env: Env, tokenHash: string, email: string, now: Date): Promise<void> {
  await storage("console link write", () =>
    env.LEDGER.prepare(`INSERT INTO console_links (token_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)`)
      .bind(tokenHash, email, now.toISOString(), new Date(now.getTime() + LINK_TTL_MS).toISOString())
      .run(),
  );
}

/**
 * Uses a link: marks it used and returns its email, in one statement, so two requests racing
 * with the same link cannot both succeed. Null for an unknown, used or expired link.
 */
export async function useLink(env: Env, tokenHash: string, now: Date): Promise<string | null> {
  const row = await storage("console link use", () =>
    env.LEDGER.prepare(`UPDATE console_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING email`)
      .bind(tokenHash, now.toISOString())
      .first<{ email: string }>(),
  );
  return row?.email ?? null;
}

// ---- Sessions ----------------------------------------------------------------------------------

/** A live session: who, and until when. */
export interface SessionRow {
  email: string;
  expires_at: string;
}

/** Starts a session for `email` (the cookie's value is hashed into `idHash`) with its audit row. */
export async function createSession(env: Env, idHash: string, email: string, now: Date): Promise<string> {
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  await runNamedBatch(env.LEDGER, "console session write", [
    ["session", [env.LEDGER.prepare(`INSERT INTO console_sessions (id_hash, email, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)`).bind(idHash, email, at, expiresAt)]],
    ["audit", [auditStatement(env, { siteId: null, actor: email, action: "session.sign_in", target: "link", beforeFingerprint: null, afterFingerprint: null }, at)]],
  ]);
  return expiresAt;
}

/** The live (not expired, not revoked) session with this hash, or null. */
export async function findSession(env: Env, idHash: string, now: Date): Promise<SessionRow | null> {
  return storage("console session read", () =>
    env.LEDGER.prepare(`SELECT email, expires_at FROM console_sessions WHERE id_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2`)
      .bind(idHash, now.toISOString())
      .first<SessionRow>(),
  );
}

/**
 * Revokes one session (`idHash`), or every live session of `email` when `idHash` is null
 * ("sign out everywhere"), with an audit row when something was revoked. Returns how many.
 */
export async function revokeSessions(env: Env, email: string, idHash: string | null, now: Date): Promise<number> {
  const at = now.toISOString();
  const r = await runNamedBatch(env.LEDGER, "console session write", [
    [
      "revoke",
      [
        env.LEDGER.prepare(
          `UPDATE console_sessions SET revoked_at = ?3 WHERE email = ?1 AND (?2 IS NULL OR id_hash = ?2) AND revoked_at IS NULL AND expires_at > ?3`,
        ).bind(email, idHash, at),
      ],
    ],
    [
      "audit",
      [
        env.LEDGER.prepare(
          `INSERT INTO console_audit (site_id, actor, action, target, before_fp, after_fp, at)
           SELECT NULL, ?1, ?2, NULL, NULL, NULL, ?3 WHERE changes() > 0`,
        ).bind(email, idHash === null ? "session.sign_out_everywhere" : "session.sign_out", at),
      ],
    ],
  ]);
  return r.changes("revoke");
}

// ---- Previews ---------------------------------------------------------------------------------

/** Stores a validated draft to preview, under the hash of its id; returns when it ends. */
export async function createPreview(env: Env, idHash: string, siteId: string, config: unknown, by: string, now: Date): Promise<string> {
  const expiresAt = new Date(now.getTime() + PREVIEW_TTL_MS).toISOString();
  await storage("console preview write", () =>
    env.LEDGER.prepare(`INSERT INTO console_previews (id_hash, site_id, config, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)`)
      .bind(idHash, siteId, JSON.stringify(config), by, now.toISOString(), expiresAt)
      .run(),
  );
  return expiresAt;
}

/** A live preview's site and draft, or null. */
export async function findPreview(env: Env, idHash: string, now: Date): Promise<{ siteId: string; config: unknown } | null> {
  const row = await storage("console preview read", () =>
    env.LEDGER.prepare(`SELECT site_id, config FROM console_previews WHERE id_hash = ?1 AND expires_at > ?2`).bind(idHash, now.toISOString()).first<{ site_id: string; config: string }>(),
  );
  return row ? { siteId: row.site_id, config: JSON.parse(row.config) as unknown } : null;
}

// ---- Audit log ---------------------------------------------------------------------------------

interface AuditRow {
  id: number;
  site_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  before_fp: string | null;
  after_fp: string | null;
  at: string;
}

const toEntry = (r: AuditRow): ConsoleAuditEntry => ({
  id: r.id,
  siteId: r.site_id,
  actor: r.actor,
  action: r.action,
  target: r.target,
  beforeFingerprint: r.before_fp,
  afterFingerprint: r.after_fp,
  at: r.at,
});

/** A site's audit log, newest first, `limit` rows with ids below `before`. */
export async function siteAudit(env: Env, siteId: string, before: number | undefined, limit: number): Promise<ConsoleAuditEntry[]> {
  const { results } = await storage("console audit read", () =>
    env.LEDGER.prepare(`SELECT * FROM console_audit WHERE site_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3`)
      .bind(siteId, before ?? Number.MAX_SAFE_INTEGER, limit)
      .all<AuditRow>(),
  );
  return results.map(toEntry);
}

/** A person's own sign-ins and sign-outs (not about one site), newest first. */
export async function ownAudit(env: Env, email: string, limit: number): Promise<ConsoleAuditEntry[]> {
  const { results } = await storage("console audit read", () =>
    env.LEDGER.prepare(`SELECT * FROM console_audit WHERE actor = ?1 AND site_id IS NULL ORDER BY id DESC LIMIT ?2`).bind(email, limit).all<AuditRow>(),
  );
  return results.map(toEntry);
}

/** Writes one audit row on its own (for changes whose store writes elsewhere, e.g. KV). */
export async function writeAudit(env: Env, a: AuditInput, now: Date): Promise<void> {
  await storage("console audit write", () => auditStatement(env, a, now.toISOString()).run());
}

/**
 * The retention job's step (worker/scheduled/retention.ts): links, sessions and previews a day past
 * their end, at most `batch` of each. The audit log is kept: it is the record of who changed what.
 */
export async function purgeConsoleData(env: Env, now: Date, batch: number): Promise<{ links: number; sessions: number; previews: number }> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60_000).toISOString();
  const purge = await runNamedBatch(env.LEDGER, "console purge", [
    ["links", [env.LEDGER.prepare(`DELETE FROM console_links WHERE rowid IN (SELECT rowid FROM console_links WHERE expires_at < ?1 LIMIT ?2)`).bind(dayAgo, batch)]],
    ["sessions", [env.LEDGER.prepare(`DELETE FROM console_sessions WHERE rowid IN (SELECT rowid FROM console_sessions WHERE expires_at < ?1 LIMIT ?2)`).bind(dayAgo, batch)]],
    ["previews", [env.LEDGER.prepare(`DELETE FROM console_previews WHERE rowid IN (SELECT rowid FROM console_previews WHERE expires_at < ?1 LIMIT ?2)`).bind(dayAgo, batch)]],
  ]);
  return { links: purge.changes("links"), sessions: purge.changes("sessions"), previews: purge.changes("previews") };
}

/**
 * Identity across devices in D1 (table `subjects`, migrations/0005_subjects.sql): which visitor
 * record a site's person ("subject") uses. One subject has exactly one visitor (primary key) and
 * a visitor belongs to at most one subject (unique index), per site. Every statement Assent runs
 * against `subjects` is built here.
 *
 * Why D1: the first identification of a person on two devices at once must end with one visitor
 * for both. That is settled by D1's single writer inside one batch (one transaction), with no
 * read-then-write race; KV could not do it (no transactions, eventual consistency).
 */
import type { Env } from "../../env";
import { runNamedBatch } from "../../lib/d1-batch";
import { storage } from "../../lib/errors";
import { floorStatement, visitorSubject } from "./revocations";

/**
 * When an identification's token is issued: the second after `now`. Token times are whole
 * seconds, and a token issued in the same second as the link must count as issued before it.
 */
export function identificationTokenTime(now: Date): number {
  return Math.floor(now.getTime() / 1000) + 1;
}

const INSERT_LINK = `INSERT INTO subjects (site_id, subject, visitor_id, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING`;
const SELECT_VISITOR = `SELECT visitor_id FROM subjects WHERE site_id = ?1 AND subject = ?2`;

/**
 * Links `subject` to a visitor and returns the subject's canonical visitor id, in one batch:
 *
 * 1. the device's own visitor (when it has one), unless the subject already has a visitor or
 *    the device's visitor already belongs to another subject (both: DO NOTHING);
 * 2. else a fresh random visitor, unless step 1 or an earlier call linked one (DO NOTHING);
 * 3. when step 1 linked the device's visitor just now, every token of that visitor issued
 *    until now (this second included) is revoked (worker/consent/store/revocations.ts): the browser's
 *    anonymous record is the person's from now on, and a token an earlier user of that browser
 *    kept must not read it. The identification's own token is issued at
 *    `identificationTokenTime(now)`, the next second, so it is the first one accepted;
 * 4. the subject's visitor, whichever insert won, now or before.
 *
 * Two devices identifying the same new person at the same moment are serialized by D1: the
 * first batch inserts, the second's inserts do nothing and its SELECT reads the first's visitor.
 */
export async function linkSubject(env: Env, siteId: string, subject: string, deviceVisitorId: string | null, now: Date): Promise<string> {
  const at = now.toISOString();
  const insert = env.LEDGER.prepare(INSERT_LINK);
  const device = deviceVisitorId
    ? [
        insert.bind(siteId, subject, deviceVisitorId, at),
        floorStatement(env, siteId, await visitorSubject(deviceVisitorId), identificationTokenTime(now),
          `EXISTS (SELECT 1 FROM subjects WHERE site_id = ? AND subject = ? AND visitor_id = ? AND created_at = ?)`, [siteId, subject, deviceVisitorId, at]),
      ]
    : [];
  const batch = await runNamedBatch(env.LEDGER, "subject link", [
    ["device", device],
    ["fresh", [insert.bind(siteId, subject, crypto.randomUUID(), at)]],
    ["visitor", [env.LEDGER.prepare(SELECT_VISITOR).bind(siteId, subject)]],
  ]);
  const row = batch.rows<{ visitor_id: string }>("visitor")[0];
  if (!row) throw new Error("subject row missing after insert");
  return row.visitor_id;
}

/** The subject's visitor id, or null when this site never identified that subject. */
export async function visitorOfSubject(env: Env, siteId: string, subject: string): Promise<string | null> {
  const row = await storage("subject read", () => env.LEDGER.prepare(SELECT_VISITOR).bind(siteId, subject).first<{ visitor_id: string }>());
  return row?.visitor_id ?? null;
}

/** The subject a visitor record belongs to, or null for a visitor never identified. */
export async function subjectOfVisitor(env: Env, siteId: string, visitorId: string): Promise<string | null> {
  const row = await storage("subject read", () =>
    env.LEDGER.prepare(`SELECT subject FROM subjects WHERE site_id = ?1 AND visitor_id = ?2`).bind(siteId, visitorId).first<{ subject: string }>(),
  );
  return row?.subject ?? null;
}

/**
 * The statement that deletes a visitor's subject mapping, for the erasure's batch, guarded by
 * `guard` (anonymous `?`, bound by `guardBinds`). After it, the person's next identification
 * starts a new, empty visitor record.
 */
export function eraseSubjectsStatement(env: Env, siteId: string, visitorId: string, guard: string, guardBinds: unknown[]): D1PreparedStatement {
  return env.LEDGER.prepare(`DELETE FROM subjects WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(siteId, visitorId, ...guardBinds);
}

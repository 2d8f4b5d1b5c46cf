/**
 * Email subscriptions in D1: subscriptions, single-use confirmation tokens, the suppression list
 * and the append-only subscription events. Every SQL statement about email lives here.
 *
 * Correctness under concurrency comes from SQLite statements, not from reads followed by writes:
 * a confirmation token is spent by one `UPDATE … WHERE used_at IS NULL` whose change count says
 * who won, so twenty simultaneous confirmations of one token confirm once (R6.8).
 */
import type { Env } from "../env";
import { storage } from "../errors";
import { subscriptionPayloadSql } from "../webhooks/events";
import { enqueueStatements, newEventId } from "./webhooks";

export type SubscriptionStatus = "pending" | "confirmed" | "unsubscribed";
export type EventSource = "preferences" | "email_link" | "one_click" | "api";

export interface SubscriptionRow {
  id: string;
  site_id: string;
  list_id: string;
  email: string;
  email_hash: string;
  status: SubscriptionStatus;
  text_version: string;
  locale: string;
  visitor_id: string | null;
  source_url: string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

const event = (env: Env, e: { siteId: string; listId: string; emailHash: string; kind: string; textVersion: string | null; source: EventSource; at: string }) =>
  env.LEDGER.prepare(
    `INSERT INTO subscription_events (site_id, list_id, email_hash, kind, text_version, source, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
  ).bind(e.siteId, e.listId, e.emailHash, e.kind, e.textVersion, e.source, e.at);

/**
 * Records a signup as `pending` with a fresh confirmation token, whatever the address's past:
 * a confirmed subscription stays confirmed (a new token lets it be re-confirmed harmlessly), an
 * unsubscribed or suppressed one needs this new confirmation (R5.7). One batch, one transaction.
 */
export async function recordSignup(
  env: Env,
  s: { id: string; siteId: string; listId: string; email: string; emailHash: string; textVersion: string; locale: string; visitorId: string | null; sourceUrl: string; at: string; tokenHash: string; expiresAt: string },
): Promise<{ webhooksQueued: number }> {
  const eventId = newEventId();
  const results = await storage("subscription write", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(
        `INSERT INTO subscriptions (id, site_id, list_id, email, email_hash, status, text_version, locale, visitor_id, created_at, source_url)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (site_id, list_id, email_hash) DO UPDATE SET
           status = CASE WHEN status = 'confirmed' THEN 'confirmed' ELSE 'pending' END,
           email = excluded.email, locale = excluded.locale,
           visitor_id = COALESCE(excluded.visitor_id, visitor_id),
           text_version = CASE WHEN status = 'confirmed' THEN text_version ELSE excluded.text_version END,
           source_url = CASE WHEN status = 'confirmed' THEN source_url ELSE excluded.source_url END`,
      ).bind(s.id, s.siteId, s.listId, s.email, s.emailHash, s.textVersion, s.locale, s.visitorId, s.at, s.sourceUrl),
      env.LEDGER.prepare(
        `INSERT INTO confirm_tokens (token_hash, site_id, subscription_id, expires_at)
         SELECT ?1, ?2, id, ?3 FROM subscriptions WHERE site_id = ?2 AND list_id = ?4 AND email_hash = ?5`,
      ).bind(s.tokenHash, s.siteId, s.expiresAt, s.listId, s.emailHash),
      event(env, { siteId: s.siteId, listId: s.listId, emailHash: s.emailHash, kind: "signup", textVersion: s.textVersion, source: "preferences", at: s.at }),
      // `subscription.pending`, unless the address was already confirmed (then nothing changed).
      ...enqueueStatements(env, {
        id: eventId,
        siteId: s.siteId,
        type: "subscription.pending",
        at: s.at,
        payload: {
          sql: `SELECT ${subscriptionPayloadSql("subscription.pending", "NULL")} AS payload FROM subscriptions s
                WHERE s.site_id = ? AND s.list_id = ? AND s.email_hash = ? AND s.status = 'pending'`,
          binds: [eventId, s.at, "preferences", null, s.at, s.siteId, s.listId, s.emailHash],
        },
      }),
    ]),
  );
  return { webhooksQueued: results[4]?.meta.changes ?? 0 };
}

/** The subscription a confirmation token belongs to, and the token's state (for the page). */
export async function findByConfirmToken(env: Env, siteId: string, tokenHash: string): Promise<{ sub: SubscriptionRow; usedAt: string | null; expiresAt: string } | null> {
  const row = await storage("subscription read", () =>
    env.LEDGER.prepare(
      `SELECT s.*, t.used_at AS token_used_at, t.expires_at AS token_expires_at FROM confirm_tokens t
       JOIN subscriptions s ON s.id = t.subscription_id WHERE t.token_hash = ?1 AND t.site_id = ?2`,
    ).bind(tokenHash, siteId).first<SubscriptionRow & { token_used_at: string | null; token_expires_at: string }>(),
  );
  if (!row) return null;
  const { token_used_at, token_expires_at, ...sub } = row;
  return { sub, usedAt: token_used_at, expiresAt: token_expires_at };
}

/**
 * Spends a confirmation token and confirms its subscription, atomically: one batch, one
 * transaction. Every statement is guarded by the same condition — the token is unspent and
 * unexpired — and the statement that spends it runs last, so either all of them act or none
 * does, and only the request whose batch spent the token confirms. Nothing depends on
 * `changes()` or on timestamps differing: Workers clocks stand still between I/O, so
 * simultaneous requests often carry the same `at`. Returns "confirmed", or why not.
 */
export async function confirm(env: Env, siteId: string, tokenHash: string, at: string): Promise<{ outcome: "confirmed" | "used" | "expired" | "unknown"; webhooksQueued: number }> {
  const live = `t.token_hash = ?1 AND t.site_id = ?2 AND t.used_at IS NULL AND t.expires_at > ?3`;
  const eventId = newEventId();
  const [, , , , queued, spent] = await storage("subscription confirm", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(
        `INSERT INTO subscription_events (site_id, list_id, email_hash, kind, text_version, source, at)
         SELECT s.site_id, s.list_id, s.email_hash, 'confirm', s.text_version, 'email_link', ?3
         FROM subscriptions s JOIN confirm_tokens t ON t.subscription_id = s.id WHERE ${live} AND s.site_id = ?2`,
      ).bind(tokenHash, siteId, at),
      env.LEDGER.prepare(
        `DELETE FROM suppressions WHERE (site_id, list_id, email_hash) IN
           (SELECT s.site_id, s.list_id, s.email_hash FROM subscriptions s JOIN confirm_tokens t ON t.subscription_id = s.id WHERE ${live} AND s.site_id = ?2)`,
      ).bind(tokenHash, siteId, at),
      env.LEDGER.prepare(
        `UPDATE subscriptions SET status = 'confirmed', confirmed_at = ?3, unsubscribed_at = NULL
         WHERE id = (SELECT t.subscription_id FROM confirm_tokens t WHERE ${live})`,
      ).bind(tokenHash, siteId, at),
      ...enqueueStatements(env, {
        id: eventId,
        siteId,
        type: "subscription.confirmed",
        at,
        payload: {
          sql: `SELECT ${subscriptionPayloadSql("subscription.confirmed", "s.email")} AS payload
                FROM subscriptions s JOIN confirm_tokens t ON t.subscription_id = s.id
                WHERE t.token_hash = ? AND t.site_id = ? AND t.used_at IS NULL AND t.expires_at > ? AND s.site_id = ?`,
          binds: [eventId, at, "email_link", null, at, tokenHash, siteId, at, siteId],
        },
      }),
      // Last: spends the token. Its change count says whether this request won.
      env.LEDGER.prepare(`UPDATE confirm_tokens AS t SET used_at = ?3 WHERE ${live}`).bind(tokenHash, siteId, at),
    ]),
  );
  const webhooksQueued = queued?.meta.changes ?? 0;
  if ((spent?.meta.changes ?? 0) === 1) return { outcome: "confirmed", webhooksQueued };
  const token = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT used_at, expires_at FROM confirm_tokens WHERE token_hash = ?1 AND site_id = ?2`).bind(tokenHash, siteId).first<{ used_at: string | null; expires_at: string }>(),
  );
  if (!token) return { outcome: "unknown", webhooksQueued };
  return { outcome: token.used_at ? "used" : "expired", webhooksQueued };
}

/**
 * Unsubscribes an address from a list and suppresses it, idempotently: a second call changes
 * nothing and adds no second suppression. Works even when the subscription row is gone.
 * One batch, one transaction: the event is written first, only when one of the two writes after
 * it will change something (a subscription not yet unsubscribed, or no suppression yet), so it
 * is logged once per real change, whichever of the two it is.
 */
export async function unsubscribe(env: Env, s: { siteId: string; listId: string; emailHash: string; at: string; source: EventSource; reason?: "unsubscribe" | "erase" }): Promise<{ changed: boolean; webhooksQueued: number }> {
  const eventId = newEventId();
  const reason = s.reason ?? "unsubscribe";
  const row = `FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ?`;
  const [, queued, , updated, suppressed] = await storage("unsubscribe", () =>
    env.LEDGER.batch([
      // `subscription.unsubscribed`, under the same condition as the event row below (something
      // is about to change), with the address while the row still has it.
      ...enqueueStatements(env, {
        id: eventId,
        siteId: s.siteId,
        type: "subscription.unsubscribed",
        at: s.at,
        payload: {
          sql: `SELECT json_object('id', ?, 'type', 'subscription.unsubscribed', 'siteId', ?, 'createdAt', ?,
                  'data', json_object('list', ?, 'status', 'unsubscribed', 'email', (SELECT email ${row}),
                    'visitorId', (SELECT visitor_id ${row}), 'textVersion', NULL, 'source', ?, 'reason', ?, 'at', ?)) AS payload
                WHERE EXISTS (SELECT 1 ${row} AND status != 'unsubscribed')
                   OR NOT EXISTS (SELECT 1 FROM suppressions WHERE site_id = ? AND list_id = ? AND email_hash = ?)`,
          binds: [
            eventId, s.siteId, s.at, s.listId,
            s.siteId, s.listId, s.emailHash,
            s.siteId, s.listId, s.emailHash,
            s.source, reason, s.at,
            s.siteId, s.listId, s.emailHash,
            s.siteId, s.listId, s.emailHash,
          ],
        },
      }),
      env.LEDGER.prepare(
        `INSERT INTO subscription_events (site_id, list_id, email_hash, kind, text_version, source, at)
         SELECT ?1, ?2, ?3, ?6, NULL, ?5, ?4
         WHERE EXISTS (SELECT 1 FROM subscriptions WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3 AND status != 'unsubscribed')
            OR NOT EXISTS (SELECT 1 FROM suppressions WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3)`,
      ).bind(s.siteId, s.listId, s.emailHash, s.at, s.source, s.reason ?? "unsubscribe"),
      env.LEDGER.prepare(
        `UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = ?4 WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3 AND status != 'unsubscribed'`,
      ).bind(s.siteId, s.listId, s.emailHash, s.at),
      env.LEDGER.prepare(
        `INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING`,
      ).bind(s.siteId, s.listId, s.emailHash, s.reason ?? "unsubscribe", s.at),
      // An unsubscribe also voids confirmation links still in the inbox: leaving wins over an
      // older "yes"; coming back needs a new signup and confirmation.
      env.LEDGER.prepare(
        `UPDATE confirm_tokens SET used_at = ?4 WHERE used_at IS NULL AND subscription_id IN
         (SELECT id FROM subscriptions WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3)`,
      ).bind(s.siteId, s.listId, s.emailHash, s.at),
    ]),
  );
  return { changed: (updated?.meta.changes ?? 0) + (suppressed?.meta.changes ?? 0) > 0, webhooksQueued: queued?.meta.changes ?? 0 };
}

/**
 * What Assent holds about one address on one site (the email-preferences page): each list's
 * status, the language of its latest signup (null when no subscription is on record) and the
 * browsers (visitor ids) that signed it up, whose records show its statuses. One query.
 */
export async function addressState(env: Env, siteId: string, emailHash: string): Promise<{ statuses: Record<string, SubscriptionStatus>; locale: string | null; visitorIds: string[] }> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT list_id, status, locale, visitor_id FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2 ORDER BY created_at DESC`)
      .bind(siteId, emailHash).all<{ list_id: string; status: SubscriptionStatus; locale: string; visitor_id: string | null }>(),
  );
  return {
    statuses: Object.fromEntries(results.map((r) => [r.list_id, r.status])),
    locale: results[0]?.locale ?? null,
    visitorIds: [...new Set(results.flatMap((r) => (r.visitor_id ? [r.visitor_id] : [])))],
  };
}

/** Whether an address is suppressed for a list. */
export async function isSuppressed(env: Env, siteId: string, listId: string, emailHash: string): Promise<boolean> {
  const row = await storage("suppression read", () =>
    env.LEDGER.prepare(`SELECT 1 AS x FROM suppressions WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3`).bind(siteId, listId, emailHash).first(),
  );
  return row !== null;
}

/** Deletes pending subscriptions whose every token expired (they were never confirmed). */
export async function purgeExpiredPending(env: Env, now: string): Promise<number> {
  const [, subs] = await storage("subscription purge", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM confirm_tokens WHERE expires_at < ?1`).bind(now),
      env.LEDGER.prepare(
        `DELETE FROM subscriptions WHERE status = 'pending' AND created_at < ?1 AND id NOT IN (SELECT subscription_id FROM confirm_tokens)`,
      ).bind(now),
    ]),
  );
  return subs?.meta.changes ?? 0;
}

/** The statement behind `statusesByVisitor`, for callers that put it in a batch of their own. */
export function statusesByVisitorStatement(env: Env, siteId: string, visitorId: string): D1PreparedStatement {
  return env.LEDGER.prepare(`SELECT list_id, status FROM subscriptions WHERE site_id = ?1 AND visitor_id = ?2 ORDER BY list_id`).bind(siteId, visitorId);
}

/** Reads the rows of `statusesByVisitorStatement` into `{ listId: status }`. */
export function toStatuses(rows: { list_id: string; status: SubscriptionStatus }[]): Record<string, SubscriptionStatus> {
  return Object.fromEntries(rows.map((r) => [r.list_id, r.status]));
}

/** The lists a visitor signed up to (linked by their visitor token at signup), with status. */
export async function statusesByVisitor(env: Env, siteId: string, visitorId: string): Promise<Record<string, SubscriptionStatus>> {
  const { results } = await storage("subscription read", () =>
    statusesByVisitorStatement(env, siteId, visitorId).all<{ list_id: string; status: SubscriptionStatus }>(),
  );
  return toStatuses(results);
}

/** The subscriptions a visitor made from their browser (for their export). */
export async function subscriptionsByVisitor(env: Env, siteId: string, visitorId: string): Promise<SubscriptionRow[]> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT * FROM subscriptions WHERE site_id = ?1 AND visitor_id = ?2 ORDER BY created_at, list_id`).bind(siteId, visitorId).all<SubscriptionRow>(),
  );
  return results;
}

/**
 * Erases the addresses a visitor signed up with: each subscription is suppressed (reason
 * "erase", so the address is never re-added by an import) and then deleted with its tokens.
 * Only the keyed hash stays (R5.7, R9.2). Returns how many subscriptions were deleted.
 */
export async function eraseVisitorSubscriptions(env: Env, siteId: string, visitorId: string, at: string): Promise<{ deleted: number; webhooksQueued: number }> {
  const rows = await subscriptionsByVisitor(env, siteId, visitorId);
  let webhooksQueued = 0;
  for (const r of rows)
    webhooksQueued += (await unsubscribe(env, { siteId, listId: r.list_id, emailHash: r.email_hash, at, source: "api", reason: "erase" })).webhooksQueued;
  if (rows.length === 0) return { deleted: 0, webhooksQueued };
  const [, deleted] = await storage("subscription erase", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM confirm_tokens WHERE subscription_id IN (SELECT id FROM subscriptions WHERE site_id = ?1 AND visitor_id = ?2)`).bind(siteId, visitorId),
      env.LEDGER.prepare(`DELETE FROM subscriptions WHERE site_id = ?1 AND visitor_id = ?2`).bind(siteId, visitorId),
    ]),
  );
  return { deleted: deleted?.meta.changes ?? 0, webhooksQueued };
}

/**
 * One page of a list's confirmed, unsuppressed subscriptions, ordered by id (random, stable),
 * after the id `after` (exclusive). The site owner's mailing system sends only to these.
 */
export async function confirmedPage(env: Env, siteId: string, listId: string, after: string, limit: number): Promise<SubscriptionRow[]> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(
      `SELECT s.* FROM subscriptions s
       WHERE s.site_id = ?1 AND s.list_id = ?2 AND s.status = 'confirmed' AND s.id > ?3
         AND NOT EXISTS (SELECT 1 FROM suppressions p WHERE p.site_id = s.site_id AND p.list_id = s.list_id AND p.email_hash = s.email_hash)
       ORDER BY s.id LIMIT ?4`,
    ).bind(siteId, listId, after, limit).all<SubscriptionRow>(),
  );
  return results;
}

/**
 * True when a confirmation for this address and list was sent after `sentAfter` and is still
 * unused: the signup endpoint then sends no new one, so nobody can flood an inbox by signing a
 * stranger up again and again (the answer stays the same, so it tells nothing either).
 */
export async function confirmationSentSince(env: Env, siteId: string, listId: string, emailHash: string, sentAfter: string, confirmDays: number): Promise<boolean> {
  // Tokens store their expiry; one sent after `sentAfter` expires after sentAfter + confirmDays.
  const expiresAfter = new Date(Date.parse(sentAfter) + confirmDays * 86_400_000).toISOString();
  const row = await storage("subscription read", () =>
    env.LEDGER.prepare(
      `SELECT 1 AS x FROM confirm_tokens t JOIN subscriptions s ON s.id = t.subscription_id
       WHERE s.site_id = ?1 AND s.list_id = ?2 AND s.email_hash = ?3 AND t.used_at IS NULL AND t.expires_at > ?4`,
    ).bind(siteId, listId, emailHash, expiresAfter).first(),
  );
  return row !== null;
}

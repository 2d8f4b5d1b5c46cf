/**
 * Email subscriptions in D1 (migrations/0002, 0007): signup requests, subscriptions, the links
 * between subscriptions and the browsers (visitors) that asked for them, the suppression list,
 * the throttle log of confirmation messages and the append-only subscription events. Every SQL
 * statement about email lives here.
 *
 * Who can do what, and why it is safe:
 * - A **signup** only ever adds a `signup_requests` row: the address typed, the browser that
 *   asked, the wording, language and page. It never reads out or changes a subscription, so the
 *   same signup gets the same answer whatever the address's history.
 * - Only the **click on the confirmation link** — proof of control of the mailbox — turns a
 *   request into a subscription (or renews one) and links the browser that asked to it.
 * - A browser's `/me/*` and its erasure see only the subscriptions linked to it that way, and
 *   its own pending requests.
 * - An **unsubscribe** forgets the address: the row keeps only its keyed hash, the status and
 *   the times; the suppression list and the events keep hashes only (R5.7).
 *
 * Correctness under concurrency comes from SQLite statements, not from reads followed by writes:
 * a request is spent by one `UPDATE … WHERE used_at IS NULL`, and the statements before it in
 * the same batch are guarded by the same condition, so twenty simultaneous confirmations of one
 * link confirm once (R6.8).
 */
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { storage } from "../lib/errors";
import { subscriptionChangedEvent } from "../webhooks/events";
import { outboxPart, redactAddressStatements, withdrawStatements } from "../webhooks/outbox";

export type SubscriptionStatus = "pending" | "confirmed" | "unsubscribed";
export type EventSource = "preferences" | "email_link" | "one_click" | "api";

/** At most one confirmation message per address and list in this many minutes. */
export const RESEND_AFTER_MINUTES = 10;
/** At most this many confirmation messages per address (all lists) in 24 hours. */
export const MAX_CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;

const DAY_MS = 86_400_000;

/** A subscription as stored: confirmed, or unsubscribed (then without its address). */
export interface SubscriptionRow {
  id: string;
  site_id: string;
  list_id: string;
  email: string | null;
  email_hash: string;
  status: "confirmed" | "unsubscribed";
  text_version: string;
  locale: string;
  source_url: string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

/** A signup request as stored (one per confirmation message). */
export interface SignupRequestRow {
  token_hash: string;
  site_id: string;
  list_id: string;
  email_hash: string;
  email: string | null;
  visitor_id: string | null;
  text_version: string;
  locale: string;
  source_url: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const eventStatement = (env: Env, e: { siteId: string; listId: string; emailHash: string; kind: string; textVersion: string | null; source: EventSource; at: string }, onlyIf = "1", onlyIfBinds: unknown[] = []) =>
  env.LEDGER.prepare(
    `INSERT INTO subscription_events (site_id, list_id, email_hash, kind, text_version, source, at)
     SELECT ?, ?, ?, ?, ?, ?, ? WHERE ${onlyIf}`,
  ).bind(e.siteId, e.listId, e.emailHash, e.kind, e.textVersion, e.source, e.at, ...onlyIfBinds);

/** What a signup asks for, for one list. */
export interface SignupRequest {
  tokenHash: string;
  siteId: string;
  listId: string;
  email: string;
  emailHash: string;
  visitorId: string | null;
  textVersion: string;
  locale: string;
  sourceUrl: string;
  at: string;
  expiresAt: string;
  /** The site's cap on confirmation messages in 24 hours. */
  siteDailyLimit: number;
}

/**
 * How a signup request went: recorded and its message may be sent (`send`), recorded without a
 * message because the address had its share of messages (`quiet`), or refused by the site's
 * daily cap (`site_limit`, nothing recorded).
 */
export type SignupOutcome = { outcome: "send" | "quiet"; eventId: string; webhooksQueued: number } | { outcome: "site_limit" };

/**
 * Records a signup request for one list in one batch (one transaction), and reserves a
 * confirmation message for it when one may be sent: within RESEND_AFTER_MINUTES no other for
 * the address and list, within a day fewer than MAX_CONFIRMATIONS_PER_ADDRESS_PER_DAY for the
 * address, and fewer than the site's `siteDailyLimit`. The throttle log keeps only hashes and is
 * not touched by unsubscribes or erasure, so nothing resets it.
 *
 * A request over an address's limits is still recorded (`quiet`), so the browser that asked
 * sees "pending" exactly as for any other address: whether an address got messages lately must
 * not show. Over the site's cap nothing is recorded (`site_limit`): that tells nothing about an
 * address.
 */
export async function recordSignupRequest(env: Env, r: SignupRequest): Promise<SignupOutcome> {
  const now = Date.parse(r.at);
  const dayAgo = iso(now - DAY_MS);
  // Recorded: a message was reserved, or only the address's limits (not the site's) stood in the way.
  const admitted = `(EXISTS (SELECT 1 FROM confirmation_sends WHERE token_hash = ?)
    OR (SELECT COUNT(*) FROM (SELECT 1 FROM confirmation_sends WHERE site_id = ? AND sent_at > ? LIMIT ?)) < ?)`;
  const admittedBinds = [r.tokenHash, r.siteId, dayAgo, r.siteDailyLimit, r.siteDailyLimit];
  const pending = subscriptionChangedEvent("subscription.pending", r.siteId, r.at, {
    list: r.listId, status: "pending", email: null, visitorId: r.visitorId, textVersion: r.textVersion, source: "preferences", reason: null, at: r.at,
  });
  const batch = await runNamedBatch(env.LEDGER, "subscription write", [
    [
      "reserve",
      [
        env.LEDGER.prepare(
          `INSERT INTO confirmation_sends (token_hash, site_id, list_id, email_hash, sent_at)
           SELECT ?1, ?2, ?3, ?4, ?5
           WHERE NOT EXISTS (SELECT 1 FROM confirmation_sends WHERE site_id = ?2 AND email_hash = ?4 AND list_id = ?3 AND sent_at > ?6)
             AND (SELECT COUNT(*) FROM confirmation_sends WHERE site_id = ?2 AND email_hash = ?4 AND sent_at > ?7) < ?8
             AND (SELECT COUNT(*) FROM (SELECT 1 FROM confirmation_sends WHERE site_id = ?2 AND sent_at > ?7 LIMIT ?9)) < ?9`,
        ).bind(
          r.tokenHash, r.siteId, r.listId, r.emailHash, r.at,
          iso(now - RESEND_AFTER_MINUTES * 60_000), dayAgo, MAX_CONFIRMATIONS_PER_ADDRESS_PER_DAY, r.siteDailyLimit,
        ),
      ],
    ],
    [
      "request",
      [
        env.LEDGER.prepare(
          `INSERT INTO signup_requests (token_hash, site_id, list_id, email_hash, email, visitor_id, text_version, locale, source_url, created_at, expires_at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${admitted}`,
        ).bind(r.tokenHash, r.siteId, r.listId, r.emailHash, r.email, r.visitorId, r.textVersion, r.locale, r.sourceUrl, r.at, r.expiresAt, ...admittedBinds),
      ],
    ],
    ["proof", [eventStatement(env, { siteId: r.siteId, listId: r.listId, emailHash: r.emailHash, kind: "signup", textVersion: r.textVersion, source: "preferences", at: r.at }, admitted, admittedBinds)]],
    // `subscription.pending` (no address: it is not confirmed), unless the address is already
    // confirmed for the list (then nothing changed for the site owner).
    outboxPart("webhook", env, [
      {
        event: pending,
        emailHash: r.emailHash,
        when: {
          sql: `${admitted} AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ? AND status = 'confirmed')`,
          binds: [...admittedBinds, r.siteId, r.listId, r.emailHash],
        },
      },
    ]),
  ]);
  if (batch.changes("request") === 0) return { outcome: "site_limit" };
  return { outcome: batch.changes("reserve") === 1 ? "send" : "quiet", eventId: pending.id, webhooksQueued: batch.changes("webhook") };
}

/**
 * Takes back a recorded request whose message could not be sent: the request, its throttle
 * entry, its event and its webhook event, so a refused signup leaves nothing behind and the
 * visitor's retry sends at once.
 */
export async function withdrawSignupRequest(env: Env, r: SignupRequest, eventId: string): Promise<void> {
  await storage("subscription write", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM signup_requests WHERE token_hash = ?1`).bind(r.tokenHash),
      env.LEDGER.prepare(`DELETE FROM confirmation_sends WHERE token_hash = ?1`).bind(r.tokenHash),
      env.LEDGER.prepare(
        `DELETE FROM subscription_events WHERE seq = (SELECT MAX(seq) FROM subscription_events
           WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3 AND kind = 'signup' AND at = ?4)`,
      ).bind(r.siteId, r.listId, r.emailHash, r.at),
      ...withdrawStatements(env, eventId),
    ]),
  );
}

/** A signup request by its link's token hash (for the confirmation page), or null. */
export async function findSignupRequest(env: Env, siteId: string, tokenHash: string): Promise<SignupRequestRow | null> {
  return storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT * FROM signup_requests WHERE token_hash = ?1 AND site_id = ?2`).bind(tokenHash, siteId).first<SignupRequestRow>(),
  );
}

/**
 * Confirms a signup request, atomically: one batch, one transaction. Every statement is guarded
 * by the same condition — the request is unspent and unexpired — and the statement that spends
 * it runs last, so either all of them act or none does, and only the request whose batch spent
 * it confirms. Nothing depends on `changes()` or on timestamps differing: Workers clocks stand
 * still between I/O, so simultaneous requests often carry the same `at`.
 *
 * What the mailbox confirmed becomes the subscription: the request's address, wording,
 * language and page (a renewal of a confirmed subscription takes the newer wording), and the
 * browser that asked is linked to it.
 */
export async function confirm(env: Env, request: SignupRequestRow, at: string): Promise<{ outcome: "confirmed" | "used" | "expired"; webhooksQueued: number }> {
  const { token_hash: tokenHash, site_id: siteId, list_id: listId, email_hash: emailHash } = request;
  const live = `EXISTS (SELECT 1 FROM signup_requests r WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?)`;
  const liveBinds = [tokenHash, at];
  const confirmed = subscriptionChangedEvent("subscription.confirmed", siteId, at, {
    list: listId, status: "confirmed", email: request.email, visitorId: request.visitor_id, textVersion: request.text_version, source: "email_link", reason: null, at,
  });
  const batch = await runNamedBatch(env.LEDGER, "subscription confirm", [
    ["proof", [eventStatement(env, { siteId, listId, emailHash, kind: "confirm", textVersion: request.text_version, source: "email_link", at }, live, liveBinds)]],
    ["suppression", [env.LEDGER.prepare(`DELETE FROM suppressions WHERE site_id = ? AND list_id = ? AND email_hash = ? AND ${live}`).bind(siteId, listId, emailHash, ...liveBinds)]],
    [
      "subscription",
      [
        env.LEDGER.prepare(
          `INSERT INTO subscriptions (id, site_id, list_id, email, email_hash, status, text_version, locale, source_url, created_at, confirmed_at)
           SELECT ?, r.site_id, r.list_id, r.email, r.email_hash, 'confirmed', r.text_version, r.locale, r.source_url, ?, ?
           FROM signup_requests r WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?
           ON CONFLICT (site_id, list_id, email_hash) DO UPDATE SET status = 'confirmed', email = excluded.email,
             text_version = excluded.text_version, locale = excluded.locale, source_url = excluded.source_url,
             confirmed_at = excluded.confirmed_at, unsubscribed_at = NULL`,
        ).bind(`sub_${crypto.randomUUID().replaceAll("-", "")}`, at, at, tokenHash, at),
      ],
    ],
    [
      "link",
      [
        env.LEDGER.prepare(
          `INSERT INTO subscription_links (site_id, list_id, email_hash, visitor_id, linked_at)
           SELECT r.site_id, r.list_id, r.email_hash, r.visitor_id, ? FROM signup_requests r
           WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND r.visitor_id IS NOT NULL
           ON CONFLICT DO NOTHING`,
        ).bind(at, tokenHash, at),
      ],
    ],
    outboxPart("webhook", env, [{ event: confirmed, emailHash, when: { sql: live, binds: liveBinds } }]),
    // Last: spends the request (and forgets the address it carried). Its change count says
    // whether this request won.
    ["spend", [env.LEDGER.prepare(`UPDATE signup_requests SET used_at = ?2, email = NULL WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2`).bind(tokenHash, at)]],
  ]);
  const webhooksQueued = batch.changes("webhook");
  if (batch.changes("spend") === 1) return { outcome: "confirmed", webhooksQueued };
  return { outcome: request.used_at || Date.parse(request.expires_at) > Date.parse(at) ? "used" : "expired", webhooksQueued };
}

/**
 * Unsubscribes an address from a list and suppresses it, idempotently: a second call changes
 * nothing, adds no second suppression and queues nothing. Works when there is no subscription
 * (someone signed up by a stranger leaves from the confirmation message). The subscription
 * forgets the address; live signup requests for it are voided (leaving wins over an older
 * "yes"). One batch, one transaction: the event is written first, only when one of the writes
 * after it will change something, so it is logged once per real change.
 */
export async function unsubscribe(
  env: Env,
  s: { siteId: string; listId: string; emailHash: string; at: string; source: EventSource; reason?: "unsubscribe" | "erase" },
): Promise<{ changed: boolean; webhooksQueued: number }> {
  const reason = s.reason ?? "unsubscribe";
  const key = [s.siteId, s.listId, s.emailHash];
  const unsubscribed = subscriptionChangedEvent("subscription.unsubscribed", s.siteId, s.at, {
    list: s.listId, status: "unsubscribed", email: null, visitorId: null, textVersion: null, source: s.source, reason, at: s.at,
  });
  // A change: a subscription to end, a suppression to add, or a live request to void (someone
  // who left before confirming a new signup, while still suppressed from an earlier one).
  const changes = `(EXISTS (SELECT 1 FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ? AND status != 'unsubscribed')
    OR NOT EXISTS (SELECT 1 FROM suppressions WHERE site_id = ? AND list_id = ? AND email_hash = ?)
    OR EXISTS (SELECT 1 FROM signup_requests WHERE site_id = ? AND list_id = ? AND email_hash = ? AND used_at IS NULL))`;
  const batch = await runNamedBatch(env.LEDGER, "unsubscribe", [
    // `subscription.unsubscribed`, with the address while the row still has it, and the browser
    // most recently linked to it.
    outboxPart("webhook", env, [
      {
        event: unsubscribed,
        emailHash: s.emailHash,
        fills: [
          { path: "$.data.email", sql: `(SELECT email FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ?)`, binds: key },
          {
            path: "$.data.visitorId",
            sql: `(SELECT visitor_id FROM subscription_links WHERE site_id = ? AND list_id = ? AND email_hash = ? ORDER BY linked_at DESC LIMIT 1)`,
            binds: key,
          },
        ],
        when: { sql: changes, binds: [...key, ...key, ...key] },
      },
    ]),
    ["proof", [eventStatement(env, { siteId: s.siteId, listId: s.listId, emailHash: s.emailHash, kind: reason, textVersion: null, source: s.source, at: s.at }, changes, [...key, ...key, ...key])]],
    [
      "subscription",
      [
        env.LEDGER.prepare(
          `UPDATE subscriptions SET status = 'unsubscribed', email = NULL, unsubscribed_at = ?4
           WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3 AND status != 'unsubscribed'`,
        ).bind(...key, s.at),
      ],
    ],
    ["suppression", [env.LEDGER.prepare(`INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING`).bind(...key, reason, s.at)]],
    ["requests", [env.LEDGER.prepare(`UPDATE signup_requests SET used_at = ?4, email = NULL WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3 AND used_at IS NULL`).bind(...key, s.at)]],
  ]);
  return {
    changed: batch.changes("subscription") + batch.changes("suppression") + batch.changes("requests") > 0,
    webhooksQueued: batch.changes("webhook"),
  };
}

/**
 * What Assent holds about one address on one site (the email-preferences page): whether it is
 * on record at all (a subscription, a signup request or a suppression), each list's status, the
 * language it was last confirmed or asked for in (null when nothing is on record), and the
 * browsers linked to it, whose records show its statuses. One batch.
 */
export async function addressState(
  env: Env,
  siteId: string,
  emailHash: string,
  now: Date,
): Promise<{ known: boolean; statuses: Record<string, SubscriptionStatus>; locale: string | null; visitorIds: string[] }> {
  const batch = await runNamedBatch(env.LEDGER, "subscription read", [
    ["subscriptions", [env.LEDGER.prepare(`SELECT list_id, status, locale, confirmed_at FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2 ORDER BY confirmed_at DESC`).bind(siteId, emailHash)]],
    // Spent and voided requests too (until purged), for the language only: someone who left
    // before confirming still gets the pages in the language they signed up in.
    [
      "requests",
      [
        env.LEDGER.prepare(
          `SELECT list_id, locale, used_at IS NULL AND expires_at > ?3 AS live FROM signup_requests WHERE site_id = ?1 AND email_hash = ?2 ORDER BY created_at DESC`,
        ).bind(siteId, emailHash, now.toISOString()),
      ],
    ],
    ["links", [env.LEDGER.prepare(`SELECT DISTINCT visitor_id FROM subscription_links WHERE site_id = ?1 AND email_hash = ?2 LIMIT 20`).bind(siteId, emailHash)]],
    ["suppressed", [env.LEDGER.prepare(`SELECT 1 AS x FROM suppressions WHERE site_id = ?1 AND email_hash = ?2 LIMIT 1`).bind(siteId, emailHash)]],
  ]);
  const subRows = batch.rows<{ list_id: string; status: SubscriptionStatus; locale: string }>("subscriptions");
  const requestRows = batch.rows<{ list_id: string; locale: string; live: number }>("requests");
  const statuses: Record<string, SubscriptionStatus> = {};
  for (const r of requestRows) if (r.live) statuses[r.list_id] = "pending";
  for (const r of subRows) if (r.status === "confirmed" || !statuses[r.list_id]) statuses[r.list_id] = r.status;
  return {
    known: subRows.length > 0 || requestRows.length > 0 || batch.rows("suppressed").length > 0,
    statuses,
    locale: subRows[0]?.locale ?? requestRows[0]?.locale ?? null,
    visitorIds: batch.rows<{ visitor_id: string }>("links").map((r) => r.visitor_id),
  };
}

/**
 * The statement behind `statusesByVisitor`, for callers that put it in a batch of their own
 * (a decision reads it in its own transaction): the lists linked to the visitor with their
 * status, and the visitor's own live requests as `pending`.
 */
export function visitorListsStatement(env: Env, siteId: string, visitorId: string, now: Date): D1PreparedStatement {
  return env.LEDGER.prepare(
    `SELECT l.list_id, s.status FROM subscription_links l
       JOIN subscriptions s ON s.site_id = l.site_id AND s.list_id = l.list_id AND s.email_hash = l.email_hash
     WHERE l.site_id = ?1 AND l.visitor_id = ?2
     UNION ALL
     SELECT list_id, 'pending' FROM signup_requests WHERE site_id = ?1 AND visitor_id = ?2 AND used_at IS NULL AND expires_at > ?3`,
  ).bind(siteId, visitorId, now.toISOString());
}

/**
 * Reads the rows of `visitorListsStatement` into `{ listId: status }`, sorted by list: confirmed
 * wins, then a request of this browser (pending), then unsubscribed.
 */
export function toStatuses(rows: { list_id: string; status: SubscriptionStatus }[]): Record<string, SubscriptionStatus> {
  const rank = { confirmed: 3, pending: 2, unsubscribed: 1 } as const;
  const best = new Map<string, SubscriptionStatus>();
  for (const r of rows) if (!best.has(r.list_id) || rank[r.status] > rank[best.get(r.list_id)!]) best.set(r.list_id, r.status);
  return Object.fromEntries([...best].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The status of each list linked to a visitor, or asked for from their browser. */
export async function statusesByVisitor(env: Env, siteId: string, visitorId: string, now = new Date()): Promise<Record<string, SubscriptionStatus>> {
  const { results } = await storage("subscription read", () => visitorListsStatement(env, siteId, visitorId, now).all<{ list_id: string; status: SubscriptionStatus }>());
  return toStatuses(results);
}

/** One entry of a visitor's export: a linked subscription, or a request still waiting for its click. */
export interface VisitorSubscription {
  list: string;
  email: string | null;
  status: SubscriptionStatus;
  textVersion: string;
  locale: string;
  sourceUrl: string | null;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

/** The subscriptions linked to a visitor and their live requests (their export). */
export async function visitorSubscriptions(env: Env, siteId: string, visitorId: string, now = new Date()): Promise<VisitorSubscription[]> {
  const batch = await runNamedBatch(env.LEDGER, "subscription read", [
    [
      "linked",
      [
        env.LEDGER.prepare(
          `SELECT s.* FROM subscription_links l
             JOIN subscriptions s ON s.site_id = l.site_id AND s.list_id = l.list_id AND s.email_hash = l.email_hash
           WHERE l.site_id = ?1 AND l.visitor_id = ?2 ORDER BY s.created_at, s.list_id`,
        ).bind(siteId, visitorId),
      ],
    ],
    [
      "requests",
      [
        env.LEDGER.prepare(
          `SELECT * FROM signup_requests WHERE site_id = ?1 AND visitor_id = ?2 AND used_at IS NULL AND expires_at > ?3 ORDER BY created_at, list_id`,
        ).bind(siteId, visitorId, now.toISOString()),
      ],
    ],
  ]);
  return [
    ...batch.rows<SubscriptionRow>("linked").map((r) => ({
      list: r.list_id,
      email: r.email,
      status: r.status,
      textVersion: r.text_version,
      locale: r.locale,
      sourceUrl: r.source_url,
      createdAt: r.created_at,
      confirmedAt: r.confirmed_at,
      unsubscribedAt: r.unsubscribed_at,
    })),
    ...batch.rows<SignupRequestRow>("requests").map((r) => ({
      list: r.list_id,
      email: r.email,
      status: "pending" as const,
      textVersion: r.text_version,
      locale: r.locale,
      sourceUrl: r.source_url,
      createdAt: r.created_at,
      confirmedAt: null,
      unsubscribedAt: null,
    })),
  ];
}

/** The addresses (list and hash) linked to a visitor, for their erasure. */
export async function linkedAddresses(env: Env, siteId: string, visitorId: string): Promise<{ list_id: string; email_hash: string }[]> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT list_id, email_hash FROM subscription_links WHERE site_id = ?1 AND visitor_id = ?2 ORDER BY list_id, email_hash`)
      .bind(siteId, visitorId)
      .all<{ list_id: string; email_hash: string }>(),
  );
  return results;
}

/** The parts of an erasure's batch that erase email data, in the order they must run. */
export type EmailErasurePart = "emailWebhookEvents" | "emailProof" | "suppressions" | "voidedRequests" | "subscriptions" | "links" | "ownRequests";

/**
 * The statements that erase a visitor's email data, for the erasure's own batch
 * (worker/consent/store/erasure.ts), as named parts (worker/lib/d1-batch.ts), each guarded by `guard` (SQL with
 * anonymous `?`, bound by `guardBinds`: "this erasure won"):
 * - each linked address is unsubscribed with reason "erase" and suppressed (only the keyed hash
 *   stays, so an import can never re-add it, R5.7), its event logged and its webhook queued (the
 *   webhook reads the address before the subscription is deleted); its subscription and every
 *   link to it are then deleted, and its live requests voided;
 * - the visitor's own signup requests (live or spent) are deleted: what they typed goes too.
 * The part `subscriptions` counts the subscriptions deleted; `emailWebhookEvents` the events
 * queued.
 */
export function eraseVisitorEmailParts(
  env: Env,
  e: { siteId: string; visitorId: string; at: string; addresses: { list_id: string; email_hash: string }[] },
  guard: string,
  guardBinds: unknown[],
): [EmailErasurePart, D1PreparedStatement[]][] {
  const parts: Record<EmailErasurePart, D1PreparedStatement[]> = {
    emailWebhookEvents: [],
    emailProof: [],
    suppressions: [],
    voidedRequests: [],
    subscriptions: [],
    links: [],
    ownRequests: [],
  };
  for (const a of e.addresses) {
    const key = [e.siteId, a.list_id, a.email_hash];
    const subscription = { sql: `EXISTS (SELECT 1 FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ?)`, binds: key };
    const [, event] = outboxPart("emailWebhookEvents", env, [
      {
        event: subscriptionChangedEvent("subscription.unsubscribed", e.siteId, e.at, {
          list: a.list_id, status: "unsubscribed", email: null, visitorId: e.visitorId, textVersion: null, source: "api", reason: "erase", at: e.at,
        }),
        emailHash: a.email_hash,
        fills: [{ path: "$.data.email", sql: `(SELECT email FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ?)`, binds: key }],
        when: { sql: `${subscription.sql} AND ${guard}`, binds: [...subscription.binds, ...guardBinds] },
      },
    ]);
    parts.emailWebhookEvents.push(...event);
    parts.emailProof.push(
      eventStatement(env, { siteId: e.siteId, listId: a.list_id, emailHash: a.email_hash, kind: "erase", textVersion: null, source: "api", at: e.at }, guard, guardBinds),
    );
    parts.suppressions.push(
      env.LEDGER.prepare(
        `INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) SELECT ?, ?, ?, 'erase', ? WHERE ${guard} ON CONFLICT DO NOTHING`,
      ).bind(...key, e.at, ...guardBinds),
    );
    parts.voidedRequests.push(
      env.LEDGER.prepare(`UPDATE signup_requests SET used_at = ?, email = NULL WHERE site_id = ? AND list_id = ? AND email_hash = ? AND used_at IS NULL AND ${guard}`).bind(
        e.at, ...key, ...guardBinds,
      ),
    );
    parts.subscriptions.push(env.LEDGER.prepare(`DELETE FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ? AND ${guard}`).bind(...key, ...guardBinds));
    parts.links.push(env.LEDGER.prepare(`DELETE FROM subscription_links WHERE site_id = ? AND list_id = ? AND email_hash = ? AND ${guard}`).bind(...key, ...guardBinds));
  }
  parts.links.push(env.LEDGER.prepare(`DELETE FROM subscription_links WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(e.siteId, e.visitorId, ...guardBinds));
  parts.ownRequests.push(env.LEDGER.prepare(`DELETE FROM signup_requests WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(e.siteId, e.visitorId, ...guardBinds));
  return Object.entries(parts) as [EmailErasurePart, D1PreparedStatement[]][];
}

/**
 * One page of a list's confirmed, unsuppressed subscriptions, ordered by id (random, stable),
 * after the id `after` (exclusive). The site owner's mailing system sends only to these.
 */
export async function confirmedPage(env: Env, siteId: string, listId: string, after: string, limit: number): Promise<(SubscriptionRow & { email: string })[]> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(
      `SELECT s.* FROM subscriptions s
       WHERE s.site_id = ?1 AND s.list_id = ?2 AND s.status = 'confirmed' AND s.id > ?3 AND s.email IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM suppressions p WHERE p.site_id = s.site_id AND p.list_id = s.list_id AND p.email_hash = s.email_hash)
       ORDER BY s.id LIMIT ?4`,
    ).bind(siteId, listId, after, limit).all<SubscriptionRow & { email: string }>(),
  );
  return results;
}

/** How many addresses of a list are in each state (the console's email lists page). */
export interface ListCounts {
  confirmed: number;
  unsubscribed: number;
  /** Live signup requests: asked, not confirmed yet, link still working. */
  pending: number;
  /** Addresses that objected: never mailed on this list again unless they confirm afresh. */
  suppressed: number;
}

/** Counts per list of a site, in one batch; lists with nothing on record are all zeros. */
export async function listCounts(env: Env, siteId: string, listIds: string[], now: Date): Promise<Record<string, ListCounts>> {
  const batch = await runNamedBatch(env.LEDGER, "subscription counts", [
    ["subs", [env.LEDGER.prepare(`SELECT list_id, status, COUNT(*) AS n FROM subscriptions WHERE site_id = ?1 GROUP BY list_id, status`).bind(siteId)]],
    ["pending", [env.LEDGER.prepare(`SELECT list_id, COUNT(*) AS n FROM signup_requests WHERE site_id = ?1 AND used_at IS NULL AND expires_at > ?2 GROUP BY list_id`).bind(siteId, now.toISOString())]],
    ["suppressed", [env.LEDGER.prepare(`SELECT list_id, COUNT(*) AS n FROM suppressions WHERE site_id = ?1 GROUP BY list_id`).bind(siteId)]],
  ]);
  const out: Record<string, ListCounts> = Object.fromEntries(listIds.map((id) => [id, { confirmed: 0, unsubscribed: 0, pending: 0, suppressed: 0 }]));
  for (const r of batch.rows<{ list_id: string; status: "confirmed" | "unsubscribed"; n: number }>("subs")) if (out[r.list_id]) out[r.list_id]![r.status] = r.n;
  for (const r of batch.rows<{ list_id: string; n: number }>("pending")) if (out[r.list_id]) out[r.list_id]!.pending = r.n;
  for (const r of batch.rows<{ list_id: string; n: number }>("suppressed")) if (out[r.list_id]) out[r.list_id]!.suppressed = r.n;
  return out;
}

/**
 * One step of the retention job for email data: deletes up to `batch` signup requests past
 * their expiry and up to `batch` throttle entries older than a day. Returns how many of each.
 */
export async function purgeEmailData(env: Env, now: Date, batch: number): Promise<{ requests: number; sends: number }> {
  const purge = await runNamedBatch(env.LEDGER, "subscription purge", [
    ["requests", [env.LEDGER.prepare(`DELETE FROM signup_requests WHERE rowid IN (SELECT rowid FROM signup_requests WHERE expires_at < ?1 LIMIT ?2)`).bind(now.toISOString(), batch)]],
    ["sends", [env.LEDGER.prepare(`DELETE FROM confirmation_sends WHERE rowid IN (SELECT rowid FROM confirmation_sends WHERE sent_at < ?1 LIMIT ?2)`).bind(iso(now.getTime() - DAY_MS), batch)]],
  ]);
  return { requests: purge.changes("requests"), sends: purge.changes("sends") };
}

/** One step of an address's email history (hash-keyed proof rows). */
export interface AddressEvent {
  list_id: string;
  kind: string;
  text_version: string | null;
  source: string;
  at: string;
}

/**
 * Everything the email feature holds about one address on a site, for a verified access request
 * (R9.1): its subscriptions (with the wording version each was given for), its signup requests,
 * its history, its suppressions and the browsers linked to it. One batch.
 */
export async function addressRecords(
  env: Env,
  siteId: string,
  emailHash: string,
): Promise<{ subscriptions: SubscriptionRow[]; requests: SignupRequestRow[]; events: AddressEvent[]; suppressions: { list_id: string; reason: string; created_at: string }[]; visitorIds: string[] }> {
  const batch = await runNamedBatch(env.LEDGER, "subscription read", [
    ["subscriptions", [env.LEDGER.prepare(`SELECT * FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2 ORDER BY created_at, list_id`).bind(siteId, emailHash)]],
    ["requests", [env.LEDGER.prepare(`SELECT * FROM signup_requests WHERE site_id = ?1 AND email_hash = ?2 ORDER BY created_at, list_id`).bind(siteId, emailHash)]],
    ["events", [env.LEDGER.prepare(`SELECT list_id, kind, text_version, source, at FROM subscription_events WHERE site_id = ?1 AND email_hash = ?2 ORDER BY seq`).bind(siteId, emailHash)]],
    ["suppressions", [env.LEDGER.prepare(`SELECT list_id, reason, created_at FROM suppressions WHERE site_id = ?1 AND email_hash = ?2 ORDER BY list_id`).bind(siteId, emailHash)]],
    ["links", [env.LEDGER.prepare(`SELECT DISTINCT visitor_id FROM subscription_links WHERE site_id = ?1 AND email_hash = ?2 ORDER BY visitor_id`).bind(siteId, emailHash)]],
  ]);
  return {
    subscriptions: batch.rows<SubscriptionRow>("subscriptions"),
    requests: batch.rows<SignupRequestRow>("requests"),
    events: batch.rows<AddressEvent>("events"),
    suppressions: batch.rows<{ list_id: string; reason: string; created_at: string }>("suppressions"),
    visitorIds: batch.rows<{ visitor_id: string }>("links").map((r) => r.visitor_id),
  };
}

/**
 * Erases an address from a site's email data (a verified deletion request, R9.2; a parent's
 * request, R9.9), in one batch: the site owner's `subscription.unsubscribed` (reason "erase",
 * with the address while the row still has it) for each list it was on; a suppression on
 * **every** list of the site, so no import or stranger's signup can add it again (only the
 * keyed hash stays, R5.7); then its subscriptions, signup requests, links and history deleted.
 * Earlier webhook events naming the address are removed first. Idempotent: a second run
 * deletes nothing and queues nothing.
 */
export async function eraseAddress(env: Env, siteId: string, emailHash: string, listIds: string[], at: string): Promise<{ subscriptionsDeleted: number; webhooksQueued: number }> {
  const { results: lists } = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT list_id FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2 AND status = 'confirmed'`).bind(siteId, emailHash).all<{ list_id: string }>(),
  );
  const batch = await runNamedBatch(env.LEDGER, "address erasure", [
    ["redact", redactAddressStatements(env, siteId, emailHash)],
    outboxPart(
      "webhook",
      env,
      lists.map(({ list_id }) => {
        const key = [siteId, list_id, emailHash];
        return {
          event: subscriptionChangedEvent("subscription.unsubscribed", siteId, at, {
            list: list_id, status: "unsubscribed", email: null, visitorId: null, textVersion: null, source: "api", reason: "erase", at,
          }),
          emailHash,
          fills: [{ path: "$.data.email", sql: `(SELECT email FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ?)`, binds: key }],
          when: { sql: `EXISTS (SELECT 1 FROM subscriptions WHERE site_id = ? AND list_id = ? AND email_hash = ? AND status = 'confirmed')`, binds: key },
        };
      }),
    ),
    [
      "suppressions",
      [...new Set(listIds)].map((listId) =>
        env.LEDGER.prepare(`INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, ?2, ?3, 'erase', ?4) ON CONFLICT DO NOTHING`).bind(siteId, listId, emailHash, at),
      ),
    ],
    ["subscriptions", [env.LEDGER.prepare(`DELETE FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2`).bind(siteId, emailHash)]],
    ["requests", [env.LEDGER.prepare(`DELETE FROM signup_requests WHERE site_id = ?1 AND email_hash = ?2`).bind(siteId, emailHash)]],
    ["links", [env.LEDGER.prepare(`DELETE FROM subscription_links WHERE site_id = ?1 AND email_hash = ?2`).bind(siteId, emailHash)]],
    ["events", [env.LEDGER.prepare(`DELETE FROM subscription_events WHERE site_id = ?1 AND email_hash = ?2`).bind(siteId, emailHash)]],
  ]);
  return { subscriptionsDeleted: batch.changes("subscriptions"), webhooksQueued: batch.changes("webhook") };
}

/**
 * Moves an address's confirmed subscriptions to a new address whose owner just confirmed it by
 * its own link (a correction request, R9.3): each list the old address is confirmed on gets a
 * confirmed subscription for the new one (same wording version, language and page; a
 * suppression of the new address on that list is lifted, as a confirmation lifts it), with its
 * proof event, its `subscription.confirmed` webhook and the browsers linked to the old address.
 * The caller then unsubscribes the old address from those lists. Returns the lists moved.
 */
export async function moveSubscriptions(env: Env, siteId: string, from: string, to: { email: string; emailHash: string }, at: string): Promise<{ lists: string[]; webhooksQueued: number }> {
  const { results } = await storage("subscription read", () =>
    env.LEDGER.prepare(`SELECT * FROM subscriptions WHERE site_id = ?1 AND email_hash = ?2 AND status = 'confirmed' ORDER BY list_id`).bind(siteId, from).all<SubscriptionRow>(),
  );
  if (results.length === 0) return { lists: [], webhooksQueued: 0 };
  const batch = await runNamedBatch(env.LEDGER, "subscription move", [
    ["proof", results.map((s) => eventStatement(env, { siteId, listId: s.list_id, emailHash: to.emailHash, kind: "confirm", textVersion: s.text_version, source: "email_link", at }))],
    ["suppression", results.map((s) => env.LEDGER.prepare(`DELETE FROM suppressions WHERE site_id = ?1 AND list_id = ?2 AND email_hash = ?3`).bind(siteId, s.list_id, to.emailHash))],
    [
      "subscription",
      results.map((s) =>
        env.LEDGER.prepare(
          `INSERT INTO subscriptions (id, site_id, list_id, email, email_hash, status, text_version, locale, source_url, created_at, confirmed_at)
           VALUES (?1, ?2, ?3, ?4, ?5, 'confirmed', ?6, ?7, ?8, ?9, ?9)
           ON CONFLICT (site_id, list_id, email_hash) DO UPDATE SET status = 'confirmed', email = excluded.email,
             text_version = excluded.text_version, locale = excluded.locale, source_url = excluded.source_url,
             confirmed_at = excluded.confirmed_at, unsubscribed_at = NULL`,
        ).bind(`sub_${crypto.randomUUID().replaceAll("-", "")}`, siteId, s.list_id, to.email, to.emailHash, s.text_version, s.locale, s.source_url, at),
      ),
    ],
    [
      "links",
      [
        env.LEDGER.prepare(
          `INSERT INTO subscription_links (site_id, list_id, email_hash, visitor_id, linked_at)
           SELECT site_id, list_id, ?3, visitor_id, ?4 FROM subscription_links WHERE site_id = ?1 AND email_hash = ?2
           ON CONFLICT DO NOTHING`,
        ).bind(siteId, from, to.emailHash, at),
      ],
    ],
    outboxPart(
      "webhook",
      env,
      results.map((s) => ({
        event: subscriptionChangedEvent("subscription.confirmed", siteId, at, {
          list: s.list_id, status: "confirmed", email: to.email, visitorId: null, textVersion: s.text_version, source: "email_link", reason: null, at,
        }),
        emailHash: to.emailHash,
        when: { sql: "1", binds: [] },
      })),
    ),
  ]);
  return { lists: results.map((s) => s.list_id), webhooksQueued: batch.changes("webhook") };
}

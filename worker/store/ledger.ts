/**
 * The proof ledger in D1: one row per decision (R1.14), erasure records (R9.2) and the
 * retention purge (R1.15). Every SQL statement Assent runs against LEDGER is in this file.
 *
 * Why D1 and not KV: the chain of `prev_receipt_id` and the idempotency check must be strongly
 * consistent (R6.8). Both are settled inside one SQLite statement, so concurrent decisions of one
 * visitor are linearised by D1's single writer and a retried request can never record twice.
 */
import type { ConsentAction, ConsentSurface, Receipt, Regime } from "../contract";
import type { Env } from "../env";
import { storage } from "../errors";
import { consentUpdatedEvent } from "../webhooks/events";
import { eraseSubjectsStatement } from "./subjects";
import { type SubscriptionStatus, statusesByVisitorStatement, toStatuses } from "./subscriptions";
import { enqueueStatements, newEventId } from "./webhooks";

/** What a handler hands over to record one decision. */
export interface DecisionRecord {
  receiptId: string;
  siteId: string;
  visitorId: string;
  idempotencyKey: string;
  requestHash: string;
  recordedAt: string;
  action: ConsentAction;
  surface: ConsentSurface;
  categories: Record<string, boolean>;
  policyVersion: string;
  policyLastUpdated: string;
  policyFingerprint: string;
  textHash: string;
  widgetVersion: string;
  locale: string;
  regime: Regime;
  jurisdiction: string | null;
  country: string | null;
  gpc: boolean;
  gpcApplied: boolean;
  uaFamily: string;
  expiresAt: string;
  retainUntil: string;
}

interface LedgerRow {
  seq: number;
  receipt_id: string;
  site_id: string;
  visitor_id: string;
  idempotency_key: string;
  request_hash: string;
  recorded_at: string;
  action: string;
  surface: string;
  categories: string;
  policy_version: string;
  policy_last_updated: string;
  policy_fingerprint: string;
  text_hash: string;
  widget_version: string;
  locale: string;
  regime: string;
  jurisdiction: string | null;
  country: string | null;
  gpc: number;
  gpc_applied: number;
  ua_family: string;
  prev_receipt_id: string | null;
  expires_at: string;
  retain_until: string;
}

/** A stored decision: its receipt plus what the consent handler needs to answer a replay. */
export interface StoredDecision {
  receipt: Receipt;
  /** Per-visitor monotonic version (the ledger's global sequence number). */
  version: number;
  requestHash: string;
}

function toStored(row: LedgerRow): StoredDecision {
  return {
    version: row.seq,
    requestHash: row.request_hash,
    receipt: {
      id: row.receipt_id,
      siteId: row.site_id,
      visitorId: row.visitor_id,
      recordedAt: row.recorded_at,
      action: row.action as ConsentAction,
      surface: row.surface as ConsentSurface,
      categories: JSON.parse(row.categories) as Record<string, boolean>,
      policyVersion: row.policy_version,
      policyLastUpdated: row.policy_last_updated,
      policyFingerprint: row.policy_fingerprint,
      textHash: row.text_hash,
      widgetVersion: row.widget_version,
      locale: row.locale,
      regime: row.regime as Regime,
      jurisdiction: row.jurisdiction,
      country: row.country,
      gpc: row.gpc === 1,
      gpcApplied: row.gpc_applied === 1,
      uaFamily: row.ua_family,
      prevId: row.prev_receipt_id,
      expiresAt: row.expires_at,
    },
  };
}

const INSERT_DECISION = `
INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at,
  action, surface, categories, policy_version, policy_last_updated, policy_fingerprint, text_hash,
  widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family,
  prev_receipt_id, expires_at, retain_until)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
  (SELECT receipt_id FROM ledger WHERE site_id = ?2 AND visitor_id = ?3 ORDER BY seq DESC LIMIT 1),
  ?22, ?23)
ON CONFLICT (site_id, idempotency_key) DO NOTHING`;

const SELECT_BY_KEY = `SELECT * FROM ledger WHERE site_id = ?1 AND idempotency_key = ?2`;

/**
 * Records a decision unless one with the same idempotency key exists, in one D1 batch
 * (one round trip, one transaction), with its `consent.updated` webhook event. Returns the stored
 * row, whether this call created it, how many webhook deliveries it queued, and the visitor's
 * email list statuses (read in the same transaction, for the KV record).
 */
export async function recordDecision(
  env: Env,
  d: DecisionRecord,
): Promise<{ stored: StoredDecision; created: boolean; webhooksQueued: number; lists: Record<string, SubscriptionStatus> }> {
  const insert = env.LEDGER.prepare(INSERT_DECISION).bind(
    d.receiptId, d.siteId, d.visitorId, d.idempotencyKey, d.requestHash, d.recordedAt,
    d.action, d.surface, JSON.stringify(d.categories), d.policyVersion, d.policyLastUpdated,
    d.policyFingerprint, d.textHash, d.widgetVersion, d.locale, d.regime, d.jurisdiction,
    d.country, d.gpc ? 1 : 0, d.gpcApplied ? 1 : 0, d.uaFamily, d.expiresAt, d.retainUntil,
  );
  // The webhook event is queued in the same transaction, only if this insert created the row
  // (a replay creates none), with the visitor's subject if they were identified.
  const eventId = newEventId();
  const webhook = enqueueStatements(env, {
    id: eventId,
    siteId: d.siteId,
    type: "consent.updated",
    at: d.recordedAt,
    payload: {
      sql: `SELECT json_set(?, '$.data.subject', (SELECT subject FROM subjects WHERE site_id = ? AND visitor_id = ?)) AS payload
            WHERE EXISTS (SELECT 1 FROM ledger WHERE site_id = ? AND receipt_id = ?)`,
      binds: [JSON.stringify(consentUpdatedEvent(eventId, d)), d.siteId, d.visitorId, d.siteId, d.receiptId],
    },
  });
  const select = env.LEDGER.prepare(SELECT_BY_KEY).bind(d.siteId, d.idempotencyKey);
  // The visitor's email list statuses, read in the same transaction, go into the KV record.
  const lists = statusesByVisitorStatement(env, d.siteId, d.visitorId);
  const results = await storage("ledger write", () => env.LEDGER.batch<LedgerRow>([insert, ...webhook, select, lists]));
  const row = results[3]?.results[0];
  if (!row) throw new Error("ledger row missing after insert");
  return {
    stored: toStored(row),
    created: row.receipt_id === d.receiptId,
    webhooksQueued: results[2]?.meta.changes ?? 0,
    lists: toStatuses((results[4]?.results ?? []) as unknown as { list_id: string; status: SubscriptionStatus }[]),
  };
}

/** Looks up a decision by idempotency key (used before a visitor exists, to answer a replay). */
export async function findDecision(env: Env, siteId: string, idempotencyKey: string): Promise<StoredDecision | null> {
  const row = await storage("ledger read", () =>
    env.LEDGER.prepare(SELECT_BY_KEY).bind(siteId, idempotencyKey).first<LedgerRow>(),
  );
  return row ? toStored(row) : null;
}

/** A visitor's latest decision, or null when they have none (never decided, or erased). */
export async function latestDecision(env: Env, siteId: string, visitorId: string): Promise<StoredDecision | null> {
  const row = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND visitor_id = ?2 ORDER BY seq DESC LIMIT 1`).bind(siteId, visitorId).first<LedgerRow>(),
  );
  return row ? toStored(row) : null;
}

/** One page of a visitor's decisions, oldest first. `after` is the last `version` seen. */
export async function listDecisions(env: Env, siteId: string, visitorId: string, limit: number, after = 0): Promise<StoredDecision[]> {
  const { results } = await storage("ledger read", () =>
    env.LEDGER.prepare(
      `SELECT * FROM ledger WHERE site_id = ?1 AND visitor_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4`,
    ).bind(siteId, visitorId, after, limit).all<LedgerRow>(),
  );
  return results.map(toStored);
}

/**
 * Erases a visitor's decisions and records that an erasure happened, atomically. The erasure
 * record holds no visitor id: it proves the request was honoured without keeping who made it.
 */
export async function eraseDecisions(env: Env, siteId: string, visitorId: string, erasureId: string, at: string): Promise<{ receiptsDeleted: number; webhooksQueued: number }> {
  const eventId = newEventId();
  const event = { id: eventId, type: "consent.erased", siteId, createdAt: at, data: { visitorId, subject: null, erasedAt: at } };
  const results = await storage("ledger erase", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM ledger WHERE site_id = ?1 AND visitor_id = ?2`).bind(siteId, visitorId),
      env.LEDGER.prepare(`INSERT INTO erasures (id, site_id, erased_at, receipts_deleted) VALUES (?1, ?2, ?3, changes())`).bind(erasureId, siteId, at),
      // The site owner is told, with the person's subject id if they were identified, so they
      // can erase on their side too; then the subject mapping goes with everything else.
      ...enqueueStatements(env, {
        id: eventId,
        siteId,
        type: "consent.erased",
        at,
        payload: {
          sql: `SELECT json_set(?, '$.data.subject', (SELECT subject FROM subjects WHERE site_id = ? AND visitor_id = ?)) AS payload`,
          binds: [JSON.stringify(event), siteId, visitorId],
        },
      }),
      eraseSubjectsStatement(env, siteId, visitorId),
    ]),
  );
  return { receiptsDeleted: results[0]?.meta.changes ?? 0, webhooksQueued: results[3]?.meta.changes ?? 0 };
}

/** How many erasures a site has on record (for tests and the owner's audit). */
export async function countErasures(env: Env, siteId: string): Promise<{ count: number; receiptsDeleted: number }> {
  const row = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT COUNT(*) AS count, COALESCE(SUM(receipts_deleted), 0) AS deleted FROM erasures WHERE site_id = ?1`)
      .bind(siteId).first<{ count: number; deleted: number }>(),
  );
  return { count: row?.count ?? 0, receiptsDeleted: row?.deleted ?? 0 };
}

/** Erasure records are kept this long (R9.5: request logs at least 24 months). */
export const ERASURE_RETENTION_DAYS = 3 * 365;

/**
 * Deletes proof rows past their retention and old erasure records, at most `batch` rows of each
 * per call so one scheduled run stays within a Worker's limits. Returns how many were deleted.
 */
export async function purgeExpired(env: Env, now: Date, batch = 5000): Promise<{ receipts: number; erasures: number }> {
  const cutoff = new Date(now.getTime() - ERASURE_RETENTION_DAYS * 86_400_000).toISOString();
  const [receipts, erasures] = await storage("ledger purge", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM ledger WHERE seq IN (SELECT seq FROM ledger WHERE retain_until < ?1 LIMIT ?2)`).bind(now.toISOString(), batch),
      env.LEDGER.prepare(`DELETE FROM erasures WHERE id IN (SELECT id FROM erasures WHERE erased_at < ?1 LIMIT ?2)`).bind(cutoff, batch),
    ]),
  );
  return { receipts: receipts?.meta.changes ?? 0, erasures: erasures?.meta.changes ?? 0 };
}

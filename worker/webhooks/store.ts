/**
 * Webhooks in D1: endpoints, events and deliveries (migrations/0004_webhooks.sql). Every SQL
 * statement about endpoints and deliveries lives here; the statements that queue and redact
 * events, which other features put in their own batches, are in outbox.ts.
 *
 * Delivery state is claimed with a lease (`claim_id`, `lease_until`) in one UPDATE … RETURNING,
 * so the per-minute cron and the immediate attempt after a change never send one delivery twice
 * at the same time; a run that dies mid-way leaves a lease that expires, and the delivery is
 * tried again (at least once, never lost).
 */
import type { WebhookEvent } from "../contract";
import type { Env } from "../env";
import { runNamedBatch } from "../lib/d1-batch";
import { storage } from "../lib/errors";

export interface EndpointRow {
  id: string;
  site_id: string;
  url: string;
  events: string;
  description: string | null;
  created_at: string;
  disabled_at: string | null;
}

/** Active endpoints a site may have at once. */
export const MAX_ENDPOINTS_PER_SITE = 10;

/**
 * Adds an endpoint unless the site already has MAX_ENDPOINTS_PER_SITE active ones (checked in
 * the same statement, so concurrent creations cannot exceed it). Returns false when full.
 */
export async function createEndpoint(env: Env, row: Omit<EndpointRow, "disabled_at">): Promise<boolean> {
  const result = await storage("webhook write", () =>
    env.LEDGER.prepare(
      `INSERT INTO webhook_endpoints (id, site_id, url, events, description, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6
       WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE site_id = ?2 AND disabled_at IS NULL) < ?7`,
    ).bind(row.id, row.site_id, row.url, row.events, row.description, row.created_at, MAX_ENDPOINTS_PER_SITE).run(),
  );
  return result.meta.changes === 1;
}

/** A site's active endpoints, oldest first. */
export async function listEndpoints(env: Env, siteId: string): Promise<EndpointRow[]> {
  const { results } = await storage("webhook read", () =>
    env.LEDGER.prepare(`SELECT * FROM webhook_endpoints WHERE site_id = ?1 AND disabled_at IS NULL ORDER BY created_at, id`)
      .bind(siteId).all<EndpointRow>(),
  );
  return results;
}

/** One active endpoint of a site, or null (another site's id finds nothing). */
export async function getEndpoint(env: Env, siteId: string, id: string): Promise<EndpointRow | null> {
  return storage("webhook read", () =>
    env.LEDGER.prepare(`SELECT * FROM webhook_endpoints WHERE site_id = ?1 AND id = ?2 AND disabled_at IS NULL`)
      .bind(siteId, id).first<EndpointRow>(),
  );
}

/** Disables an endpoint and cancels what it has not received yet. Returns false if unknown. */
export async function disableEndpoint(env: Env, siteId: string, id: string, at: string): Promise<boolean> {
  const batch = await runNamedBatch(env.LEDGER, "webhook write", [
    ["disable", [env.LEDGER.prepare(`UPDATE webhook_endpoints SET disabled_at = ?3 WHERE site_id = ?1 AND id = ?2 AND disabled_at IS NULL`).bind(siteId, id, at)]],
    ["cancel", [env.LEDGER.prepare(`UPDATE webhook_deliveries SET status = 'cancelled' WHERE site_id = ?1 AND endpoint_id = ?2 AND status IN ('pending', 'failed')`).bind(siteId, id)]],
  ]);
  return batch.changes("disable") === 1;
}

/** A delivery claimed for sending, with what is needed to send it. */
export interface ClaimedDelivery {
  event_id: string;
  endpoint_id: string;
  site_id: string;
  attempts: number;
  type: string;
  payload: string;
  created_at: string;
  url: string;
}

/**
 * Claims up to `limit` due deliveries for `leaseSeconds` (optionally of one site only) and
 * counts the attempt. Returns them with their payload and URL.
 *
 * Fair between sites: due deliveries are taken in turns, each site's oldest first — the first
 * of every site, then the second of every site, and so on — so one site's backlog (a receiver
 * down for days, a flood of changes) cannot delay another site's deliveries.
 */
export async function claimDue(env: Env, now: Date, limit: number, leaseSeconds: number, siteId?: string): Promise<ClaimedDelivery[]> {
  const claimId = crypto.randomUUID();
  const at = now.toISOString();
  const lease = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const batch = await runNamedBatch(env.LEDGER, "webhook claim", [
    [
      "claim",
      [
        env.LEDGER.prepare(
        `UPDATE webhook_deliveries SET claim_id = ?1, lease_until = ?2, attempts = attempts + 1
         WHERE rowid IN (
           SELECT rowid FROM (
             SELECT rowid, next_attempt_at, ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY next_attempt_at) AS turn
             FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)
               AND (?5 IS NULL OR site_id = ?5))
           ORDER BY turn, next_attempt_at LIMIT ?4)`,
      ).bind(claimId, lease, at, limit, siteId ?? null),
      ],
    ],
    [
      "claimed",
      [
        env.LEDGER.prepare(
        `SELECT d.event_id, d.endpoint_id, d.site_id, d.attempts, ev.type, ev.payload, ev.created_at, e.url
         FROM webhook_deliveries d
         JOIN webhook_events ev ON ev.id = d.event_id
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.claim_id = ?1 ORDER BY ev.created_at, ev.id`,
      ).bind(claimId),
      ],
    ],
  ]);
  return batch.rows<ClaimedDelivery>("claimed");
}

/** What one attempt came to. */
export interface AttemptOutcome {
  eventId: string;
  endpointId: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  /** When to try again; null = give up (status becomes `failed`). Ignored when ok. */
  retryAt: string | null;
}

/** Records the outcomes of one run, in one batch. */
export async function recordAttempts(env: Env, outcomes: AttemptOutcome[], at: string): Promise<void> {
  if (outcomes.length === 0) return;
  await storage("webhook write", () =>
    env.LEDGER.batch(
      outcomes.map((o) =>
        env.LEDGER.prepare(
          `UPDATE webhook_deliveries SET
             status = CASE WHEN ?3 THEN 'delivered' WHEN ?6 IS NULL THEN 'failed' ELSE 'pending' END,
             delivered_at = CASE WHEN ?3 THEN ?7 ELSE delivered_at END,
             next_attempt_at = COALESCE(?6, next_attempt_at),
             last_status = ?4, last_error = ?5, claim_id = NULL, lease_until = NULL
           WHERE event_id = ?1 AND endpoint_id = ?2 AND status = 'pending'`,
        ).bind(o.eventId, o.endpointId, o.ok ? 1 : 0, o.httpStatus, o.error, o.ok ? null : o.retryAt, at),
      ),
    ),
  );
}

export interface DeliveryRow {
  event_id: string;
  type: string;
  payload: string;
  created_at: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

/**
 * One page of an endpoint's deliveries, newest event first (by creation time, then id),
 * optionally of one status, after the event `before` (exclusive; the previous page's last).
 */
export async function listDeliveries(
  env: Env,
  siteId: string,
  endpointId: string,
  status: string | null,
  before: string | null,
  limit: number,
): Promise<DeliveryRow[]> {
  const { results } = await storage("webhook read", () =>
    env.LEDGER.prepare(
      `SELECT d.event_id, ev.type, ev.payload, ev.created_at, d.status, d.attempts, d.next_attempt_at,
              d.last_status, d.last_error, d.delivered_at
       FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
       WHERE d.site_id = ?1 AND d.endpoint_id = ?2 AND (?3 IS NULL OR d.status = ?3)
         AND (?4 IS NULL OR (ev.created_at, ev.id) < (SELECT created_at, id FROM webhook_events WHERE id = ?4))
       ORDER BY ev.created_at DESC, ev.id DESC LIMIT ?5`,
    ).bind(siteId, endpointId, status, before, limit).all<DeliveryRow>(),
  );
  return results;
}

/**
 * Puts failed deliveries of an endpoint back in the queue (all, or the given events), due now,
 * with a fresh retry schedule. Returns how many were requeued.
 */
export async function requeueFailed(env: Env, siteId: string, endpointId: string, eventIds: string[] | null, at: string): Promise<number> {
  const result = await storage("webhook write", () =>
    env.LEDGER.prepare(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?3, claim_id = NULL, lease_until = NULL
       WHERE site_id = ?1 AND endpoint_id = ?2 AND status = 'failed'
         AND (?4 IS NULL OR event_id IN (SELECT value FROM json_each(?4)))`,
    ).bind(siteId, endpointId, at, eventIds ? JSON.stringify(eventIds) : null).run(),
  );
  return result.meta.changes;
}

/**
 * Queues a `webhook.test` event (events.ts `webhookTestEvent`) for one endpoint only: unlike
 * every other event it skips the fan-out to every endpoint that wants it, so it is written here.
 */
export async function enqueueTestEvent(env: Env, endpointId: string, event: WebhookEvent): Promise<void> {
  await runNamedBatch(env.LEDGER, "webhook write", [
    [
      "event",
      [
        env.LEDGER.prepare(`INSERT INTO webhook_events (id, site_id, type, payload, created_at) VALUES (?1, ?2, 'webhook.test', ?3, ?4)`)
          .bind(event.id, event.siteId, JSON.stringify(event), event.createdAt),
      ],
    ],
    [
      "delivery",
      [
        env.LEDGER.prepare(
          `INSERT INTO webhook_deliveries (event_id, endpoint_id, site_id, status, attempts, next_attempt_at) VALUES (?1, ?2, ?3, 'pending', 0, ?4)`,
        ).bind(event.id, endpointId, event.siteId, event.createdAt),
      ],
    ],
  ]);
}

/** Events (with their deliveries) are kept this long after they were created. */
export const WEBHOOK_RETENTION_DAYS = 30;

/**
 * One step of the retention job for webhooks: deletes up to `batch` events older than the
 * retention period that nothing still waits for (no pending delivery), with their deliveries.
 * Returns how many events were deleted.
 */
export async function purgeWebhookEvents(env: Env, now: Date, batch: number): Promise<number> {
  const cutoff = new Date(now.getTime() - WEBHOOK_RETENTION_DAYS * 86_400_000).toISOString();
  const old = `SELECT id FROM webhook_events ev WHERE ev.created_at < ?1
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'pending') ORDER BY ev.created_at, ev.id LIMIT ?2`;
  const purge = await runNamedBatch(env.LEDGER, "webhook purge", [
    ["deliveries", [env.LEDGER.prepare(`DELETE FROM webhook_deliveries WHERE event_id IN (${old})`).bind(cutoff, batch)]],
    ["events", [env.LEDGER.prepare(`DELETE FROM webhook_events WHERE id IN (${old})`).bind(cutoff, batch)]],
  ]);
  return purge.changes("events");
}

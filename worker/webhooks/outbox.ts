/**
 * The webhook outbox: how a change queues its webhook event in the very D1 batch that records
 * the change. A batch is one transaction, so the change and its event are stored together or
 * not at all, and the event is guarded by the same condition as the change, so a replayed
 * request that changes nothing queues nothing. Events are only stored when an endpoint of the
 * site wants them; a trigger (`webhook_events_fan_out`, migrations/0007) gives each wanting
 * endpoint its delivery in the same statement.
 *
 * Callers build the event itself with worker/webhooks/events.ts (every payload is built there)
 * and hand it to `outboxPart`, which returns a named part for `runNamedBatch`
 * (worker/lib/d1-batch.ts): the part's change count is the number of events queued. What only
 * the database knows at that moment (a subject id, an address before it is forgotten) is filled
 * into the payload by SQL `json_set`, from the fills below.
 *
 * The erasure's redaction of earlier events is here too: the outbox is the one module that
 * writes and removes event rows on behalf of other features.
 */
import type { WebhookEvent } from "../contract";
import type { Env } from "../env";
import type { BatchPart } from "../lib/d1-batch";

/** A SQL fragment with anonymous `?` parameters and their values. */
export interface Sql {
  sql: string;
  binds: unknown[];
}

/** A payload field filled in by SQL when the event is queued: a JSON path and a scalar SQL expression. */
export interface Fill extends Sql {
  path: `$.data.${string}`;
}

/** One event to queue. */
export interface QueuedEvent {
  /** The event as built by events.ts; `fills` overwrite some of its fields. */
  event: WebhookEvent;
  /** The keyed hash of the address the event concerns, so an erasure can find the event. */
  emailHash?: string | null;
  /** Fields only the database knows when the batch runs. */
  fills?: Fill[];
  /** The event is queued only when this condition holds (the change's own guard). */
  when?: Sql;
}

/** The fill of `data.subject`: the subject id the visitor was identified with, if any (store of consent/subjects). */
export function subjectFill(siteId: string, visitorId: string): Fill {
  return { path: "$.data.subject", sql: `(SELECT subject FROM subjects WHERE site_id = ? AND visitor_id = ?)`, binds: [siteId, visitorId] };
}

/** Whether an endpoint row `e` wants events of the type in column/expression `type`. */
const WANTS = (type: string) => `EXISTS (SELECT 1 FROM json_each(e.events) j WHERE j.value IN (${type}, '*'))`;

/**
 * The statement that queues one event for every active endpoint of the site that wants it (its
 * change count is 1 when it did). The event row also names the visitor (`data.visitorId`) and
 * the address hash it concerns, so an erasure can find and remove it (`redactStatements`).
 */
function queueStatement(env: Env, q: QueuedEvent): D1PreparedStatement {
  const fills = q.fills ?? [];
  const payload = fills.length === 0 ? `?` : `json_set(?, ${fills.map((f) => `'${f.path}', ${f.sql}`).join(", ")})`;
  const when = q.when ?? { sql: "1", binds: [] };
  const e = q.event;
  // The gate comes first in a CROSS JOIN, which SQLite keeps as the outer loop: for a site with
  // no endpoint that wants the event (the common case) the payload is never computed.
  return env.LEDGER.prepare(
    `INSERT INTO webhook_events (id, site_id, type, payload, created_at, visitor_id, email_hash)
     SELECT ?, ?, ?, src.payload, ?, json_extract(src.payload, '$.data.visitorId'), ?
     FROM (SELECT 1 WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.site_id = ? AND e.disabled_at IS NULL AND ${WANTS("?")})) AS gate
     CROSS JOIN (SELECT ${payload} AS payload WHERE ${when.sql}) AS src
     WHERE src.payload IS NOT NULL`,
  ).bind(
    e.id, e.siteId, e.type, e.createdAt, q.emailHash ?? null, e.siteId, e.type,
    JSON.stringify(e), ...fills.flatMap((f) => f.binds), ...when.binds,
  );
}

/**
 * The named batch part that queues `events`, in order. Put it in the batch that makes the
 * change, after the statements the payload depends on and before those that delete what a fill
 * reads. Its change count (`batch.changes(name)`) is the number of events queued.
 */
export function outboxPart<K extends string>(name: K, env: Env, events: QueuedEvent[]): BatchPart<K> {
  return [name, events.map((q) => queueStatement(env, q))];
}

/**
 * The statements an erasure runs first, inside its own batch (guarded by `guard`, SQL with
 * anonymous `?` bound by `guardBinds`): every event of the site that names the erased visitor
 * or one of the erased addresses is deleted with its deliveries, so neither the deliveries API
 * nor a redelivery can show or send it again. Events that an erasure itself made (`consent.erased`,
 * and `subscription.unsubscribed` with reason "erase") stay: they tell the site owner what to
 * erase on their side.
 */
export function redactStatements(env: Env, siteId: string, visitorId: string, emailHashes: string[], guard: string, guardBinds: unknown[]): D1PreparedStatement[] {
  const named = `SELECT id FROM webhook_events WHERE site_id = ? AND (visitor_id = ? OR email_hash IN (SELECT value FROM json_each(?)))
    AND type != 'consent.erased' AND COALESCE(json_extract(payload, '$.data.reason'), '') != 'erase'`;
  const binds = [siteId, visitorId, JSON.stringify(emailHashes)];
  return [
    env.LEDGER.prepare(`DELETE FROM webhook_deliveries WHERE event_id IN (${named}) AND ${guard}`).bind(...binds, ...guardBinds),
    env.LEDGER.prepare(`DELETE FROM webhook_events WHERE id IN (${named}) AND ${guard}`).bind(...binds, ...guardBinds),
  ];
}

/**
 * The statements an address's erasure runs first (worker/email/store.ts `eraseAddress`): every
 * event of the site that concerns the address is deleted with its deliveries, except those an
 * erasure made (reason "erase"), which tell the site owner what to erase on their side.
 */
export function redactAddressStatements(env: Env, siteId: string, emailHash: string): D1PreparedStatement[] {
  const named = `SELECT id FROM webhook_events WHERE site_id = ?1 AND email_hash = ?2 AND COALESCE(json_extract(payload, '$.data.reason'), '') != 'erase'`;
  return [
    env.LEDGER.prepare(`DELETE FROM webhook_deliveries WHERE event_id IN (${named})`).bind(siteId, emailHash),
    env.LEDGER.prepare(`DELETE FROM webhook_events WHERE id IN (${named})`).bind(siteId, emailHash),
  ];
}

/**
 * The statements that take back one queued event (a signup whose message could not be sent):
 * its deliveries, then the event.
 */
export function withdrawStatements(env: Env, eventId: string): D1PreparedStatement[] {
  return [
    env.LEDGER.prepare(`DELETE FROM webhook_deliveries WHERE event_id = ?1`).bind(eventId),
    env.LEDGER.prepare(`DELETE FROM webhook_events WHERE id = ?1`).bind(eventId),
  ];
}

/**
 * Rights requests in D1 (migrations/0013): the request log, its links and its history. Every SQL
 * statement about rights requests lives here.
 *
 * Every change of status is one batch (one transaction) whose statements are all guarded by the
 * same condition — the request is in one of the statuses the change starts from — and whose
 * last statement makes the change: of two owners clicking "complete" at once, or of twenty
 * clicks on one verification link, exactly one acts, writes one history row and queues one
 * webhook (the pattern of worker/email/store.ts `confirm`).
 *
 * Closing a request clears its address and details (R9.5: no content beyond what the log needs)
 * and sets `retain_until`, 24 months on, when the retention job deletes the row and its history.
 */
import type { RightsChannel, RightsRequest, RightsRequestEvent, RightsRequestStatus, RightsRequestType, RightsVerification } from "../contract";
import type { Env } from "../env";
import { type BatchPart, runNamedBatch } from "../lib/d1-batch";
import { storage } from "../lib/errors";
import { type RightsEventType, rightsRequestEvent } from "../webhooks/events";
import { type QueuedEvent, type Sql, outboxPart, withdrawStatements } from "../webhooks/outbox";
import { type Deadlines, canExtend, daysLeft } from "./deadlines";

/** How long a closed request stays in the log (R9.5: at least 24 months). */
export const LOG_RETENTION_DAYS = 731;
const DAY_MS = 86_400_000;

/** A request row as stored. */
export interface RightsRow {
  id: string;
  site_id: string;
  type: RightsRequestType;
  status: RightsRequestStatus;
  channel: RightsChannel;
  verification: RightsVerification;
  locale: string;
  email: string | null;
  email_hash: string | null;
  details: string | null;
  received_at: string;
  verified_at: string | null;
  acknowledge_by: string | null;
  due_by: string;
  extendable_to: string | null;
  extend_notice_by: string | null;
  extended_to: string | null;
  extension_reason: string | null;
  responded_at: string | null;
  outcome: string | null;
  denial_basis: string | null;
  note: string | null;
  reminded_at: string | null;
  overdue_at: string | null;
  retain_until: string | null;
  mailed: number;
  origin: string;
}

/** A link's purpose: verify the requester's address, download an access answer, confirm a new address. */
export type LinkPurpose = "verify" | "download" | "new_address";

export interface RightsLinkRow {
  token_hash: string;
  request_id: string;
  site_id: string;
  purpose: LinkPurpose;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A new request id: `rr_` and 12 random bytes, hex. */
export function newRequestId(): string {
  return `rr_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

type EventRow = Pick<RightsRow, "id" | "site_id" | "type" | "channel" | "received_at" | "due_by" | "email_hash">;

/** A `rights.request.*` event about a request, its address left null (see webhookEvent). */
function rightsEvent(type: RightsEventType, row: EventRow, status: RightsRequestStatus, outcome: string | null, at: string) {
  return rightsRequestEvent(type, row.site_id, at, {
    requestId: row.id, type: row.type, status, channel: row.channel, email: null, receivedAt: row.received_at, dueBy: row.due_by, outcome, at,
  });
}

/** Queues an event when `when` holds, with the request's address filled in by SQL while the row still has it (once it may be shared). */
function webhookEvent(event: ReturnType<typeof rightsEvent>, requestId: string, when: Sql, emailShared: boolean, emailHash: string | null): QueuedEvent {
  return { event, emailHash, fills: emailShared ? [{ path: "$.data.email", sql: `(SELECT email FROM rights_requests WHERE id = ?)`, binds: [requestId] }] : [], when };
}

/** The webhook part of a transition's batch. */
function webhookPart(env: Env, type: RightsEventType, row: EventRow, status: RightsRequestStatus, outcome: string | null, at: string, when: Sql, emailShared: boolean): BatchPart<"webhook"> {
  return outboxPart("webhook", env, [webhookEvent(rightsEvent(type, row, status, outcome, at), row.id, when, emailShared, row.email_hash)]);
}

const ALWAYS: Sql = { sql: "1", binds: [] };

const historyStatement = (env: Env, r: { id: string; siteId: string }, at: string, kind: string, actor: string, note: string | null, guard: { sql: string; binds: unknown[] }) =>
  env.LEDGER.prepare(`INSERT INTO rights_request_events (request_id, site_id, at, kind, actor, note) SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`).bind(
    r.id, r.siteId, at, kind, actor, note, ...guard.binds,
  );

/** At most this many messages to one address per site in 24 hours (verifications, answers). */
export const MAX_MESSAGES_PER_ADDRESS_PER_DAY = 3;

/** A request to record. */
export interface NewRightsRequest {
  id: string;
  siteId: string;
  type: RightsRequestType;
  status: RightsRequestStatus;
  channel: RightsChannel;
  verification: RightsVerification;
  locale: string;
  email: string | null;
  emailHash: string | null;
  details: Record<string, string | boolean> | null;
  receivedAt: string;
  deadlines: Deadlines;
  /** A verification link to store with it. */
  link?: { tokenHash: string; purpose: LinkPurpose; expiresAt: string };
  /** Set for a request closed at once (an opt-out, a Shine the Light answer). */
  closed?: { status: "completed" | "denied"; outcome: string; denialBasis?: string };
  /** Whether its webhook may carry the address (it needs no verification). */
  emailShared: boolean;
  /** The Worker's origin it was filed on (links in later messages). */
  origin: string;
  /**
   * Set when a message goes to the requester: the site's daily cap on such messages (the
   * email settings' `dailyConfirmationLimit`). The request is recorded only under the cap, and
   * a message is reserved for it only while its address had fewer than
   * MAX_MESSAGES_PER_ADDRESS_PER_DAY in 24 hours.
   */
  mail?: { siteDailyLimit: number };
}

/**
 * What recording a request did: `site_limit` (nothing recorded, the site's daily cap of
 * messages is reached), or recorded, with (`send`) or without (`quiet`: the address had its share
 * today) a message to send. The event ids are for `withdrawRightsRequest`.
 */
export type RecordOutcome = { outcome: "send" | "quiet"; eventIds: string[]; webhooksQueued: number } | { outcome: "site_limit" };

/**
 * Records a new request, its first history rows, its link and its webhooks, in one batch. The
 * request row goes first; every statement after it is guarded by its existence, so when the
 * site's cap keeps it out, nothing else is written either.
 */
export async function createRightsRequest(env: Env, r: NewRightsRequest): Promise<RecordOutcome> {
  const d = r.deadlines;
  const closed = r.closed;
  const at = r.receivedAt;
  const dayAgo = new Date(Date.parse(at) - DAY_MS).toISOString();
  const row = { id: r.id, site_id: r.siteId, type: r.type, channel: r.channel, received_at: at, due_by: d.dueBy, email_hash: r.emailHash };
  const recorded = { sql: "EXISTS (SELECT 1 FROM rights_requests WHERE id = ?)", binds: [r.id] };
  const events = [rightsEvent("rights.request.received", row, r.status, null, at)];
  if (closed) events.push(rightsEvent(closed.status === "completed" ? "rights.request.completed" : "rights.request.denied", row, closed.status, closed.outcome, at));
  // Under the site's cap (counting only requests that sent a message); a message reserved when
  // the address is under its own limit too.
  // ?16: whether a message goes out. Under the site's cap (counting only requests that sent a
  // message); a message reserved when the address is under its own limit too.
  const siteOk = `(?16 = 0 OR (SELECT COUNT(*) FROM (SELECT 1 FROM rights_requests WHERE site_id = ?2 AND mailed = 1 AND received_at > ?17 LIMIT ?18)) < ?18)`;
  const mailed = `CASE WHEN ?16 = 1 AND (SELECT COUNT(*) FROM rights_requests WHERE site_id = ?2 AND email_hash = ?9 AND mailed = 1 AND received_at > ?17) < ?19 THEN 1 ELSE 0 END`;
  const batch = await runNamedBatch(env.LEDGER, "rights write", [
    [
      "request",
      [
        env.LEDGER.prepare(
          `INSERT INTO rights_requests (id, site_id, type, status, channel, verification, locale, email, email_hash, details, received_at,
             acknowledge_by, due_by, extendable_to, extend_notice_by, mailed, origin)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ${mailed}, ?20 WHERE ${siteOk}`,
        ).bind(
          r.id, r.siteId, r.type, r.status, r.channel, r.verification, r.locale, r.email, r.emailHash, r.details ? JSON.stringify(r.details) : null, at,
          d.acknowledgeBy, d.dueBy, d.extendedDueBy, d.extendNoticeBy, r.mail ? 1 : 0, dayAgo, r.mail?.siteDailyLimit ?? 0, MAX_MESSAGES_PER_ADDRESS_PER_DAY, r.origin,
        ),
      ],
    ],
    ["history", [historyStatement(env, { id: r.id, siteId: r.siteId }, at, "received", "requester", null, recorded)]],
    ["link", r.link ? [linkStatement(env, r.id, r.siteId, r.link, at, recorded)] : []],
    outboxPart("webhook", env, events.map((event) => webhookEvent(event, r.id, recorded, r.emailShared, r.emailHash))),
    [
      "close",
      closed
        ? [
            historyStatement(env, { id: r.id, siteId: r.siteId }, at, closed.status, "assent", closed.denialBasis ?? null, recorded),
            closeStatement(env, r.id, r.siteId, closed.status, closed.outcome, closed.denialBasis ?? null, null, at, recorded),
          ]
        : [],
    ],
    ["mailed", [env.LEDGER.prepare(`SELECT mailed FROM rights_requests WHERE id = ?`).bind(r.id)]],
  ]);
  const state = batch.rows<{ mailed: number }>("mailed")[0];
  if (!state) return { outcome: "site_limit" };
  return { outcome: state.mailed === 1 ? "send" : "quiet", eventIds: events.map((e) => e.id), webhooksQueued: batch.changes("webhook") };
}

/**
 * Takes back a request whose message could not be sent: the request, its history, links and
 * webhook events, so the failure leaves nothing behind and a retry starts afresh.
 */
export async function withdrawRightsRequest(env: Env, id: string, eventIds: string[]): Promise<void> {
  await storage("rights write", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`DELETE FROM rights_request_events WHERE request_id = ?1`).bind(id),
      env.LEDGER.prepare(`DELETE FROM rights_links WHERE request_id = ?1`).bind(id),
      env.LEDGER.prepare(`DELETE FROM rights_requests WHERE id = ?1`).bind(id),
      ...eventIds.flatMap((eventId) => withdrawStatements(env, eventId)),
    ]),
  );
}

function linkStatement(env: Env, requestId: string, siteId: string, link: { tokenHash: string; purpose: LinkPurpose; expiresAt: string }, at: string, guard = ALWAYS) {
  return env.LEDGER.prepare(`INSERT INTO rights_links (token_hash, request_id, site_id, purpose, created_at, expires_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`).bind(
    link.tokenHash, requestId, siteId, link.purpose, at, link.expiresAt, ...guard.binds,
  );
}

/** Stores one more link for a request (a download link, a new-address confirmation). */
export async function addRightsLink(env: Env, requestId: string, siteId: string, link: { tokenHash: string; purpose: LinkPurpose; expiresAt: string }, at: string): Promise<void> {
  await storage("rights write", () => linkStatement(env, requestId, siteId, link, at).run());
}

/** The statement that closes a request: its outcome and response date, its content cleared (R9.5). */
function closeStatement(env: Env, id: string, siteId: string, status: "completed" | "denied" | "not_verified", outcome: string, denialBasis: string | null, note: string | null, at: string, guard: Sql) {
  const retainUntil = new Date(Date.parse(at) + LOG_RETENTION_DAYS * DAY_MS).toISOString();
  return env.LEDGER.prepare(
    `UPDATE rights_requests SET status = ?, outcome = ?, denial_basis = ?, note = COALESCE(?, note), responded_at = ?, retain_until = ?, email = NULL, details = NULL
     WHERE id = ? AND site_id = ? AND ${guard.sql}`,
  ).bind(status, outcome, denialBasis, note, at, retainUntil, id, siteId, ...guard.binds);
}

/** A link and its request, by the link's token hash, or null. */
export async function findRightsLink(env: Env, siteId: string, tokenHash: string): Promise<{ link: RightsLinkRow; request: RightsRow } | null> {
  const link = await storage("rights read", () =>
    env.LEDGER.prepare(`SELECT * FROM rights_links WHERE token_hash = ?1 AND site_id = ?2`).bind(tokenHash, siteId).first<RightsLinkRow>(),
  );
  if (!link) return null;
  const request = await findRightsRequest(env, siteId, link.request_id);
  return request ? { link, request } : null;
}

/** A request of a site by id, or null. */
export async function findRightsRequest(env: Env, siteId: string, id: string): Promise<RightsRow | null> {
  return storage("rights read", () => env.LEDGER.prepare(`SELECT * FROM rights_requests WHERE id = ?1 AND site_id = ?2`).bind(id, siteId).first<RightsRow>());
}

/**
 * Spends a single-use link (verification, new address) and moves its request from `from` to
 * `to`, atomically; false when the link was used, expired, or the request moved on meanwhile.
 */
export async function spendLink(
  env: Env,
  link: RightsLinkRow,
  request: RightsRow,
  at: string,
  change: { from: RightsRequestStatus[]; to?: RightsRequestStatus; kind: string; webhook: RightsEventType | null; verified?: boolean },
): Promise<{ spent: boolean; webhooksQueued: number }> {
  const guard = {
    sql: `EXISTS (SELECT 1 FROM rights_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?)
      AND EXISTS (SELECT 1 FROM rights_requests WHERE id = ? AND status IN (SELECT value FROM json_each(?)))`,
    binds: [link.token_hash, at, request.id, JSON.stringify(change.from)],
  };
  const batch = await runNamedBatch(env.LEDGER, "rights verify", [
    ["history", [historyStatement(env, { id: request.id, siteId: request.site_id }, at, change.kind, "requester", null, guard)]],
    change.webhook ? webhookPart(env, change.webhook, request, change.to ?? request.status, null, at, guard, true) : ["webhook", []],
    [
      "request",
      [
        env.LEDGER.prepare(`UPDATE rights_requests SET status = COALESCE(?, status), verified_at = CASE WHEN ? THEN ? ELSE verified_at END WHERE id = ? AND ${guard.sql}`).bind(
          change.to ?? null, change.verified ? 1 : 0, at, request.id, ...guard.binds,
        ),
      ],
    ],
    ["spend", [env.LEDGER.prepare(`UPDATE rights_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2`).bind(link.token_hash, at)]],
  ]);
  return { spent: batch.changes("spend") === 1 && batch.changes("request") === 1, webhooksQueued: batch.changes("webhook") };
}

/** A change the owner (or Assent) makes to a request. */
export type Transition =
  | { kind: "in_progress"; note: string | null }
  | { kind: "extended"; reason: string; extendedTo: string }
  | { kind: "completed"; outcome: string; note: string | null }
  | { kind: "denied"; basis: string; note: string | null }
  | { kind: "not_verified" };

/** The statuses each transition may start from. */
export const TRANSITION_FROM: Record<Transition["kind"], RightsRequestStatus[]> = {
  in_progress: ["open"],
  extended: ["open", "in_progress"],
  completed: ["open", "in_progress"],
  denied: ["open", "in_progress", "awaiting_verification"],
  not_verified: ["awaiting_verification"],
};

/**
 * Applies a transition when the request is in one of its starting statuses (and, for an
 * extension, not extended yet): history, webhook and change in one batch; false when it was not
 * (someone else acted first, or the request moved on).
 */
export async function transitionRequest(env: Env, request: RightsRow, t: Transition, actor: string, at: string): Promise<{ changed: boolean; webhooksQueued: number }> {
  const from = TRANSITION_FROM[t.kind];
  const guard = {
    sql: `EXISTS (SELECT 1 FROM rights_requests WHERE id = ? AND status IN (SELECT value FROM json_each(?))${t.kind === "extended" ? " AND extended_to IS NULL" : ""})`,
    binds: [request.id, JSON.stringify(from)],
  };
  const siteId = request.site_id;
  let change: D1PreparedStatement[];
  let status: RightsRequestStatus;
  let outcome: string | null = null;
  let note: string | null = null;
  switch (t.kind) {
    case "in_progress":
      status = "in_progress";
      note = t.note;
      change = [env.LEDGER.prepare(`UPDATE rights_requests SET status = 'in_progress' WHERE id = ? AND ${guard.sql}`).bind(request.id, ...guard.binds)];
      break;
    case "extended":
      status = request.status;
      note = t.reason;
      change = [
        env.LEDGER.prepare(`UPDATE rights_requests SET extended_to = ?, extension_reason = ?, overdue_at = NULL, reminded_at = NULL WHERE id = ? AND ${guard.sql}`).bind(
          t.extendedTo, t.reason, request.id, ...guard.binds,
        ),
      ];
      break;
    case "completed":
      status = "completed";
      outcome = t.outcome;
      change = [closeStatement(env, request.id, siteId, "completed", t.outcome, null, t.note, at, guard)];
      note = t.note;
      break;
    case "denied":
      status = "denied";
      outcome = "denied";
      change = [closeStatement(env, request.id, siteId, "denied", "denied", t.basis, t.note, at, guard)];
      note = t.note ? `${t.basis} — ${t.note}` : t.basis;
      break;
    case "not_verified":
      status = "not_verified";
      outcome = "not_verified";
      change = [closeStatement(env, request.id, siteId, "not_verified", "not_verified", null, null, at, guard)];
      break;
  }
  const webhookType: RightsEventType = t.kind === "in_progress" ? "rights.request.in_progress" : `rights.request.${t.kind}`;
  const batch = await runNamedBatch(env.LEDGER, "rights write", [
    ["history", [historyStatement(env, { id: request.id, siteId }, at, t.kind, actor, note, guard)]],
    webhookPart(env, webhookType, request, status, outcome, at, guard, request.verification === "none" || request.verified_at !== null),
    ["change", change],
  ]);
  return { changed: batch.changes("change") > 0, webhooksQueued: batch.changes("webhook") };
}

/** Adds a history row with no change of status (what Assent did automatically, a reminder). */
export async function noteRequest(env: Env, request: RightsRow, kind: string, actor: string, note: string | null, at: string, mark?: "reminded_at" | "overdue_at"): Promise<boolean> {
  const guard = mark ? { sql: `EXISTS (SELECT 1 FROM rights_requests WHERE id = ? AND ${mark} IS NULL)`, binds: [request.id] } : ALWAYS;
  const batch = await runNamedBatch(env.LEDGER, "rights write", [
    ["history", [historyStatement(env, { id: request.id, siteId: request.site_id }, at, kind, actor, note, guard)]],
    ["mark", mark ? [env.LEDGER.prepare(`UPDATE rights_requests SET ${mark} = ? WHERE id = ? AND ${mark} IS NULL`).bind(at, request.id)] : []],
  ]);
  return mark ? batch.changes("mark") === 1 : true;
}

/** Whether this address already had a Shine the Light answer from this site in `year` (once a year, R9.7). */
export async function shineTheLightAnswered(env: Env, siteId: string, emailHash: string, year: number): Promise<boolean> {
  const row = await storage("rights read", () =>
    env.LEDGER.prepare(
      `SELECT 1 AS x FROM rights_requests WHERE site_id = ?1 AND email_hash = ?2 AND type = 'shine_the_light' AND outcome = 'answered'
         AND received_at >= ?3 AND received_at < ?4 LIMIT 1`,
    ).bind(siteId, emailHash, `${year}-01-01`, `${year + 1}-01-01`).first(),
  );
  return row !== null;
}

/** The rights requests filed for an address (its access answer shows them). */
export async function requestsOfAddress(env: Env, siteId: string, emailHash: string): Promise<RightsRow[]> {
  const { results } = await storage("rights read", () =>
    env.LEDGER.prepare(`SELECT * FROM rights_requests WHERE site_id = ?1 AND email_hash = ?2 ORDER BY received_at, id`).bind(siteId, emailHash).all<RightsRow>(),
  );
  return results;
}

/** The history of a request, oldest first. */
export async function requestHistory(env: Env, siteId: string, id: string): Promise<RightsRequestEvent[]> {
  const { results } = await storage("rights read", () =>
    env.LEDGER.prepare(`SELECT at, kind, actor, note FROM rights_request_events WHERE request_id = ?1 AND site_id = ?2 ORDER BY seq`).bind(id, siteId).all<RightsRequestEvent>(),
  );
  return results;
}

/** The due date in force: the extended one, if the request was extended. */
export const effectiveDue = (r: Pick<RightsRow, "due_by" | "extended_to">) => r.extended_to ?? r.due_by;
const isClosed = (status: RightsRequestStatus) => status === "completed" || status === "denied" || status === "not_verified";

/** A stored row as the owner sees it, with days left counted from `today` (YYYY-MM-DD). */
export function toRightsRequest(r: RightsRow, today: string): RightsRequest {
  const closed = isClosed(r.status);
  const due = effectiveDue(r);
  const left = closed ? null : daysLeft(due, today);
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    channel: r.channel,
    verification: r.verification,
    locale: r.locale,
    email: r.email,
    details: r.details ? (JSON.parse(r.details) as Record<string, string | boolean>) : null,
    receivedAt: r.received_at,
    verifiedAt: r.verified_at,
    acknowledgeBy: r.acknowledge_by,
    dueBy: r.due_by,
    extendedTo: r.extended_to,
    canExtend:
      !closed && r.extended_to === null && r.status !== "awaiting_verification" &&
      canExtend({ receivedOn: "", acknowledgeBy: r.acknowledge_by, dueBy: r.due_by, extendedDueBy: r.extendable_to, extendNoticeBy: r.extend_notice_by }, today),
    extensionReason: r.extension_reason,
    respondedAt: r.responded_at,
    outcome: r.outcome,
    denialBasis: r.denial_basis,
    note: r.note,
    daysLeft: left,
    overdue: left !== null && left < 0,
  };
}

/** The queue's filters, validated (worker/contract/rights.ts `RightsQueueQuery`). */
export interface QueueFilter {
  type?: RightsRequestType;
  status: RightsRequestStatus | "active" | "all";
  /** Due on or before this date; with `overdue`, before `today`. */
  dueBy?: string;
  limit: number;
  /** Received before this (received_at, id) pair: the page after the last one. */
  after?: { receivedAt: string; id: string };
}

/** One page of a site's requests, newest first. */
export async function listRightsRequests(env: Env, siteId: string, f: QueueFilter): Promise<RightsRow[]> {
  const where = ["site_id = ?"];
  const binds: unknown[] = [siteId];
  if (f.type) (where.push("type = ?"), binds.push(f.type));
  if (f.status === "active") where.push("status IN ('awaiting_verification', 'open', 'in_progress')");
  else if (f.status !== "all") (where.push("status = ?"), binds.push(f.status));
  if (f.dueBy) (where.push("COALESCE(extended_to, due_by) <= ?"), binds.push(f.dueBy));
  if (f.after) (where.push("(received_at, id) < (?, ?)"), binds.push(f.after.receivedAt, f.after.id));
  const { results } = await storage("rights read", () =>
    env.LEDGER.prepare(`SELECT * FROM rights_requests WHERE ${where.join(" AND ")} ORDER BY received_at DESC, id DESC LIMIT ?`).bind(...binds, f.limit).all<RightsRow>(),
  );
  return results;
}

/** Requests of every site still open whose due date is on or before `until` (reminders, overdue flags). */
export async function dueRequests(env: Env, until: string, limit: number): Promise<RightsRow[]> {
  const { results } = await storage("rights read", () =>
    env.LEDGER.prepare(
      `SELECT * FROM rights_requests WHERE status IN ('open', 'in_progress') AND COALESCE(extended_to, due_by) <= ?1
         AND (reminded_at IS NULL OR overdue_at IS NULL) ORDER BY due_by LIMIT ?2`,
    ).bind(until, limit).all<RightsRow>(),
  );
  return results;
}

/** Requests still waiting for a verification click whose every verification link has expired. */
export async function unverifiedExpired(env: Env, now: Date, limit: number): Promise<RightsRow[]> {
  const { results } = await storage("rights read", () =>
    env.LEDGER.prepare(
      `SELECT r.* FROM rights_requests r WHERE r.status = 'awaiting_verification'
         AND NOT EXISTS (SELECT 1 FROM rights_links l WHERE l.request_id = r.id AND l.purpose = 'verify' AND l.used_at IS NULL AND l.expires_at > ?1)
       LIMIT ?2`,
    ).bind(now.toISOString(), limit).all<RightsRow>(),
  );
  return results;
}

/**
 * One step of the retention job for rights requests: deletes up to `batch` requests past
 * `retain_until` with their history and links, and links that ended more than a day ago.
 */
export async function purgeRightsData(env: Env, now: Date, batch: number): Promise<{ requests: number; links: number }> {
  const at = now.toISOString();
  const doomed = `SELECT id FROM rights_requests WHERE retain_until < ?1 LIMIT ?2`;
  const purge = await runNamedBatch(env.LEDGER, "rights purge", [
    ["history", [env.LEDGER.prepare(`DELETE FROM rights_request_events WHERE request_id IN (${doomed})`).bind(at, batch)]],
    ["requestLinks", [env.LEDGER.prepare(`DELETE FROM rights_links WHERE request_id IN (${doomed})`).bind(at, batch)]],
    ["requests", [env.LEDGER.prepare(`DELETE FROM rights_requests WHERE id IN (${doomed})`).bind(at, batch)]],
    [
      "links",
      [env.LEDGER.prepare(`DELETE FROM rights_links WHERE rowid IN (SELECT rowid FROM rights_links WHERE expires_at < ?1 LIMIT ?2)`).bind(new Date(now.getTime() - DAY_MS).toISOString(), batch)],
    ],
  ]);
  return { requests: purge.changes("requests"), links: purge.changes("links") + purge.changes("requestLinks") };
}

/** How many history rows of a kind a site's requests got since `since` (the owner-notice cap). */
export async function countHistorySince(env: Env, siteId: string, kind: string, since: string): Promise<number> {
  const row = await storage("rights read", () =>
    env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM rights_request_events WHERE site_id = ?1 AND kind = ?2 AND at > ?3`).bind(siteId, kind, since).first<{ n: number }>(),
  );
  return row?.n ?? 0;
}

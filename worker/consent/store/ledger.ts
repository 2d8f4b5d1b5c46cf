/**
 * The proof ledger in D1: one row per decision (R1.14), erasure records (R9.2) and the
 * retention purge (R1.15). Every SQL statement about decisions and erasure records is in this file.
 *
 * Why D1 and not KV: the chain of `prev_receipt_id` and the idempotency check must be strongly
 * consistent (R6.8). Both are settled inside one SQLite statement, so concurrent decisions of one
 * visitor are linearised by D1's single writer and a retried request can never record twice.
 */
import { DAY_MS, type UsOptOut } from "../../../shared/consent-rules";
import type { ConsentAction, ConsentSurface, Receipt, Regime } from "../../contract";
import { type SubscriptionStatus, toStatuses, visitorListsStatement } from "../../email/store";
import type { Env } from "../../env";
import { runNamedBatch } from "../../lib/d1-batch";
import { storage } from "../../lib/errors";
import { consentUpdatedEvent } from "../../webhooks/events";
import { outboxPart, subjectFill } from "../../webhooks/outbox";
import { type ProofFields, newSalt } from "../../proof/chain";
import { ARCHIVED_ONLY_COUNT, eraseArchivedStatements, purgeArchivedStatements, toRefs, visitorArchivedStatement } from "../../proof/archive-store";
import { type LastSegment, readArchivedRows, withinSegments } from "../../proof/archived-rows";
import { removalStatements } from "../../proof/store";
import { keptStatement } from "./kv-records";
import type { LedgerRow } from "./ledger-row";
import { type RevocationReason, type TokenSubjects, revocationStatement, revokedBinds, revokedCondition } from "./revocations";

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
  usOptOut: UsOptOut;
  consentModeMapping: string;
  uaFamily: string;
  expiresAt: string;
  retainUntil: string;
}

export type { LedgerRow } from "./ledger-row";

/** A stored decision: its receipt plus what the consent handler needs to answer a replay. */
export interface StoredDecision {
  receipt: Receipt;
  /** Per-visitor monotonic version (the ledger's global sequence number). */
  version: number;
  requestHash: string;
  /** The row's salt in its chain digest (null for a row recorded before the chain, until chained). */
  salt: string | null;
  /** Until when the row is kept (R1.15). */
  retainUntil: string;
}

export function toStored(row: LedgerRow): StoredDecision {
  return {
    version: row.seq,
    requestHash: row.request_hash,
    salt: row.salt,
    retainUntil: row.retain_until,
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
      usOptOut: { saleSharing: row.sale_sharing_opt_out === 1, targetedAds: row.targeted_ads_opt_out === 1 },
      consentModeMapping: row.consent_mode_mapping,
      uaFamily: row.ua_family,
      prevId: row.prev_receipt_id,
      expiresAt: row.expires_at,
    },
  };
}

const INSERT_COLUMNS = `INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at,
  action, surface, categories, policy_version, policy_last_updated, policy_fingerprint, text_hash,
  widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family,
  prev_receipt_id, expires_at, retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
  (SELECT receipt_id FROM (SELECT seq, receipt_id FROM ledger WHERE site_id = ?2 AND visitor_id = ?3
     UNION ALL SELECT seq, receipt_id FROM ledger_archived WHERE site_id = ?2 AND visitor_id = ?3) ORDER BY seq DESC LIMIT 1),
  ?22, ?23, ?24, ?25, ?26, ?27`;
/** The first bind number after the insert's own. */
const AFTER_INSERT_BINDS = 28;

/**
 * What a proof row commits to in its site's hash chain (worker/proof/chain.ts): its receipt as
 * recorded, without the link to the visitor's previous decision (SQL fills that in, and the
 * chain orders rows itself), and with the date the row may be deleted.
 */
export function proofFieldsOf(stored: StoredDecision): ProofFields {
  const { prevId: _prev, ...receipt } = stored.receipt;
  return { ...receipt, retainUntil: stored.retainUntil };
}

/** `proofFieldsOf` a ledger row. */
export const proofFieldsOfRow = (row: LedgerRow): ProofFields => proofFieldsOf(toStored(row));

/** Ledger rows recorded after `seq`, in order, at most `limit`: what the chaining step links next. */
export async function rowsAfter(env: Env, seq: number, limit: number): Promise<LedgerRow[]> {
  const { results } = await storage("ledger read", () => env.LEDGER.prepare(`SELECT * FROM ledger WHERE seq > ?1 ORDER BY seq LIMIT ?2`).bind(seq, limit).all<LedgerRow>());
  return results;
}

/** Gives a row recorded before the chain its salt, once. */
export function saltStatement(env: Env, seq: number, salt: string): D1PreparedStatement {
  return env.LEDGER.prepare(`UPDATE ledger SET salt = ?2 WHERE seq = ?1 AND salt IS NULL`).bind(seq, salt);
}

/** How many of a site's rows were recorded after `seq` (the chaining step has not reached them). */
export async function rowsRecordedAfter(env: Env, siteId: string, seq: number): Promise<number> {
  const row = await storage("ledger read", () => env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE site_id = ?1 AND seq > ?2`).bind(siteId, seq).first<{ n: number }>());
  return row?.n ?? 0;
}

/** A site's ledger rows by receipt id (for verification), with their salts. */
export async function rowsByReceipt(env: Env, siteId: string, receiptIds: string[]): Promise<Map<string, LedgerRow>> {
  if (receiptIds.length === 0) return new Map();
  const { results } = await storage("ledger read", () =>
    env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND receipt_id IN (SELECT value FROM json_each(?2))`).bind(siteId, JSON.stringify(receiptIds)).all<LedgerRow>(),
  );
  return new Map(results.map((r) => [r.receipt_id, r]));
}

const SELECT_BY_KEY = `SELECT * FROM ledger WHERE site_id = ?1 AND idempotency_key = ?2`;

/** The token a decision was made with: what revokes it, and when it was issued. */
export interface DecisionToken {
  subjects: TokenSubjects;
  iat: number;
}

/** The stored decision a new row makes: its record, with the sequence number and chain D1 gave it. */
function storedOf(d: DecisionRecord, seq: number, prevId: string | null, salt: string): StoredDecision {
  return {
    version: seq,
    requestHash: d.requestHash,
    salt,
    retainUntil: d.retainUntil,
    receipt: {
      id: d.receiptId,
      siteId: d.siteId,
      visitorId: d.visitorId,
      recordedAt: d.recordedAt,
      action: d.action,
      surface: d.surface,
      categories: d.categories,
      policyVersion: d.policyVersion,
      policyLastUpdated: d.policyLastUpdated,
      policyFingerprint: d.policyFingerprint,
      textHash: d.textHash,
      widgetVersion: d.widgetVersion,
      locale: d.locale,
      regime: d.regime,
      jurisdiction: d.jurisdiction,
      country: d.country,
      gpc: d.gpc,
      gpcApplied: d.gpcApplied,
      usOptOut: d.usOptOut,
      consentModeMapping: d.consentModeMapping,
      uaFamily: d.uaFamily,
      prevId,
      expiresAt: d.expiresAt,
    },
  };
}

/**
 * How long the proof of a US opt-out is kept at least, from when it was made (R2.6: a business
 * keeps the record of a consumer's opt-out request for 24 months), whatever shorter evidence
 * period the site chose.
 */
export const OPT_OUT_PROOF_DAYS = 730;

/**
 * Until when a proof row is kept (R1.15): the decision's expiry plus the site's evidence period
 * (`proofRetentionDays`), and for an opt-out at least OPT_OUT_PROOF_DAYS after it was made (R2.6).
 */
export function retainUntil(recordedAt: Date, expiresAt: Date, proofRetentionDays: number, usOptOut: UsOptOut): Date {
  const proof = expiresAt.getTime() + proofRetentionDays * DAY_MS;
  const optedOut = usOptOut.saleSharing || usOptOut.targetedAds;
  return new Date(optedOut ? Math.max(proof, recordedAt.getTime() + OPT_OUT_PROOF_DAYS * DAY_MS) : proof);
}

/** A receipt id: `rcpt_` and 15 random bytes (120 bits), two base-36 digits each. */
export function newReceiptId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return `rcpt_${[...bytes].map((b) => b.toString(36).padStart(2, "0")).join("")}`;
}

/**
 * Records a decision unless one with the same idempotency key exists, in one D1 batch
 * (one round trip, one transaction), with its `consent.updated` webhook event. With a token,
 * the same transaction checks that the token is not revoked (worker/consent/store/revocations.ts) and records
 * nothing if it is, and reads what the KV record needs: whether it is kept in KV at all
 * (worker/consent/visitor-record.ts) and the visitor's email list statuses (a visitor without a token is
 * new: nobody has read its record, and it has no lists). The insert returns the row's sequence number and chain,
 * so a new decision needs no read back; only a replay reads the row it replays (a second round
 * trip, on that rare path). Returns the stored decision (null when the token was refused),
 * whether this call created it, how many webhook deliveries it queued, the list statuses and
 * why the token was refused, if it was.
 */
export async function recordDecision(
  env: Env,
  d: DecisionRecord,
  token: DecisionToken | null,
  now: Date,
): Promise<{ stored: StoredDecision | null; created: boolean; webhooksQueued: number; lists: Record<string, SubscriptionStatus>; kept: boolean; revoked: RevocationReason | null }> {
  // The row's salt in its site's hash chain (worker/proof/): the chaining step links it.
  const salt = newSalt();
  const binds = [
    d.receiptId, d.siteId, d.visitorId, d.idempotencyKey, d.requestHash, d.recordedAt,
    d.action, d.surface, JSON.stringify(d.categories), d.policyVersion, d.policyLastUpdated,
    d.policyFingerprint, d.textHash, d.widgetVersion, d.locale, d.regime, d.jurisdiction,
    d.country, d.gpc ? 1 : 0, d.gpcApplied ? 1 : 0, d.uaFamily, d.expiresAt, d.retainUntil,
    d.usOptOut.saleSharing ? 1 : 0, d.usOptOut.targetedAds ? 1 : 0, d.consentModeMapping, salt,
  ];
  const conflict = `ON CONFLICT (site_id, idempotency_key) DO NOTHING RETURNING seq, prev_receipt_id`;
  const insert = token
    ? env.LEDGER.prepare(`${INSERT_COLUMNS} WHERE NOT ${revokedCondition(AFTER_INSERT_BINDS)} ${conflict}`).bind(...binds, ...revokedBinds(d.siteId, token.subjects, token.iat))
    : env.LEDGER.prepare(`${INSERT_COLUMNS} WHERE true ${conflict}`).bind(...binds);
  // The webhook event is queued in the same transaction, only if this insert created the row
  // (a replay creates none), with the visitor's subject if they were identified.
  const webhook = outboxPart("webhook", env, [
    {
      event: consentUpdatedEvent(d),
      fills: [subjectFill(d.siteId, d.visitorId)],
      when: { sql: `EXISTS (SELECT 1 FROM ledger WHERE site_id = ? AND receipt_id = ?)`, binds: [d.siteId, d.receiptId] },
    },
  ]);
  const batch = await runNamedBatch(env.LEDGER, "ledger write", [
    ["revoked", token ? [revocationStatement(env, d.siteId, token.subjects, token.iat)] : []],
    ["insert", [insert]],
    webhook,
    ["lists", token ? [visitorListsStatement(env, d.siteId, d.visitorId, now)] : []],
    ["kept", token ? [keptStatement(env, d.siteId, d.visitorId)] : []],
  ]);
  const revoked = batch.rows<{ reason: RevocationReason }>("revoked")[0]?.reason ?? null;
  if (revoked) return { stored: null, created: false, webhooksQueued: 0, lists: {}, kept: false, revoked };
  const lists = toStatuses(batch.rows<{ list_id: string; status: SubscriptionStatus }>("lists"));
  const kept = batch.rows("kept").length > 0;
  const inserted = batch.rows<{ seq: number; prev_receipt_id: string | null }>("insert")[0];
  if (inserted) return { stored: storedOf(d, inserted.seq, inserted.prev_receipt_id, salt), created: true, webhooksQueued: batch.changes("webhook"), lists, kept, revoked: null };
  // A replay: the row its idempotency key recorded before.
  const row = await storage("ledger read", () => env.LEDGER.prepare(SELECT_BY_KEY).bind(d.siteId, d.idempotencyKey).first<LedgerRow>());
  if (!row) throw new Error("ledger row missing after insert");
  return { stored: toStored(row), created: false, webhooksQueued: 0, lists, kept, revoked: null };
}

/** The statement that reads a visitor's latest decision (zero or one ledger row), for a batch. */
export function latestDecisionStatement(env: Env, siteId: string, visitorId: string): D1PreparedStatement {
  return env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND visitor_id = ?2 ORDER BY seq DESC LIMIT 1`).bind(siteId, visitorId);
}

/** Reads the row of `latestDecisionStatement`: the visitor's latest decision, or null. */
export function toLatest(rows: unknown[]): StoredDecision | null {
  const row = rows[0] as LedgerRow | undefined;
  return row ? toStored(row) : null;
}

/** One page of a visitor's decisions, oldest first, and where the next one starts. */
export interface DecisionPage {
  rows: StoredDecision[];
  /** The `after` of the next page (the last row's version); null when nothing follows. */
  next: number | null;
}

/**
 * One page of a visitor's decisions, oldest first. `after` is the last `version` seen. Rows older
 * than the hot window are read back from their sealed segments (worker/proof/evict.ts): both
 * halves are read in one transaction, so a row moving out meanwhile is found once. With
 * `maxSegments`, the page ends before the row that would need one archived segment more (a day's
 * segment can be a megabyte): a long history takes more pages, never one long read. The first
 * row always comes, so every page moves on. `last` carries the last segment read from one page
 * to the next (worker/proof/archived-rows.ts).
 */
export async function listDecisions(
  env: Env,
  siteId: string,
  visitorId: string,
  limit: number,
  after = 0,
  maxSegments = Infinity,
  last: LastSegment = {},
): Promise<DecisionPage> {
  // One row more than the page, to know whether another page follows.
  const [hot, archived] = await storage("ledger read", () =>
    env.LEDGER.batch([
      env.LEDGER.prepare(`SELECT * FROM ledger WHERE site_id = ?1 AND visitor_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4`).bind(siteId, visitorId, after, limit + 1),
      visitorArchivedStatement(env, siteId, visitorId, after, limit + 1),
    ]),
  );
  const refs = toRefs(archived!.results);
  const merged = [...(hot!.results as LedgerRow[]), ...refs.map((r) => ({ seq: r.seq, ref: r }))].sort((a, b) => a.seq - b.seq);
  const page = merged.slice(0, withinSegments(merged.slice(0, limit), (r) => ("ref" in r ? r.ref.objectKey : null), maxSegments));
  const fromArchive = await readArchivedRows(env, page.flatMap((r) => ("ref" in r ? [r.ref] : [])), last);
  const rows = page.map((r) => toStored("ref" in r ? fromArchive.get(r.ref.receiptId)! : r));
  return { rows, next: merged.length > page.length ? rows[rows.length - 1]!.version : null };
}

/**
 * A visitor's decisions, oldest first, read `pageSize` at a time, at most `maxPages` pages (the
 * visitor's export, a rights request's access document); `complete` is false when more were
 * left. The pages share the last segment read, so a day's segment is fetched once.
 */
export async function allDecisions(
  env: Env,
  siteId: string,
  visitorId: string,
  pageSize: number,
  maxPages = Infinity,
): Promise<{ rows: StoredDecision[]; complete: boolean }> {
  const rows: StoredDecision[] = [];
  const last: LastSegment = {};
  let after: number | null = 0;
  for (let pages = 0; pages < maxPages && after !== null; pages++) {
    const page = await listDecisions(env, siteId, visitorId, pageSize, after, Infinity, last);
    rows.push(...page.rows);
    after = page.next;
  }
  return { rows, complete: after === null };
}

/**
 * The statements that erase a visitor's decisions, for the erasure's own batch
 * (worker/consent/store/erasure.ts), each guarded by `guard` ("this erasure won", anonymous `?`),
 * in this order: the segments holding the rows marked stale (the resealing step turns those lines
 * into tombstones) and the rows' chain entries marked erased; a record that an erasure happened
 * (time, site and how many rows, no visitor id: it proves the request was honoured without
 * keeping who made it), which returns that count; then the ledger rows and the index entries of
 * rows that already left D1 for the archive (worker/proof/evict.ts).
 */
export function eraseDecisionStatements(
  env: Env,
  siteId: string,
  visitorId: string,
  erasureId: string,
  at: string,
  guard: string,
  guardBinds: unknown[],
): { chainMarks: D1PreparedStatement[]; erasureRecord: D1PreparedStatement; ledgerDelete: D1PreparedStatement[] } {
  const archived = eraseArchivedStatements(env, siteId, visitorId, guard, guardBinds);
  return {
    // The chain keeps the rows' entries (digest and hash), marked erased, and their archived
    // segments are rewritten with tombstones; the rows and their salts go.
    chainMarks: removalStatements(env, "erasure", at, `SELECT receipt_id FROM ledger WHERE site_id = ? AND visitor_id = ?`, [siteId, visitorId], guard, guardBinds, archived.seals),
    // The rows in D1 and those only in the archive (a hot copy is in both: counted once).
    erasureRecord: env.LEDGER.prepare(
      `INSERT INTO erasures (id, site_id, erased_at, receipts_deleted)
       SELECT ?, ?, ?, (SELECT COUNT(*) FROM ledger WHERE site_id = ? AND visitor_id = ?) + ${ARCHIVED_ONLY_COUNT} WHERE ${guard}
       RETURNING receipts_deleted`,
    ).bind(erasureId, siteId, at, siteId, visitorId, siteId, visitorId, ...guardBinds),
    ledgerDelete: [env.LEDGER.prepare(`DELETE FROM ledger WHERE site_id = ? AND visitor_id = ? AND ${guard}`).bind(siteId, visitorId, ...guardBinds), archived.remove],
  };
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
 * One step of the retention job for proof: deletes up to `batch` ledger rows past their
 * retention, up to `batch` rows of those that left D1 for the archive (their index entries; the
 * resealing step then rewrites their segments) and up to `batch` erasure records older than
 * ERASURE_RETENTION_DAYS. Returns how many of each; the job repeats steps until all come back
 * short (worker/scheduled/retention.ts).
 */
export async function purgeExpired(env: Env, now: Date, batch: number): Promise<{ receipts: number; archived: number; erasures: number }> {
  const cutoff = new Date(now.getTime() - ERASURE_RETENTION_DAYS * 86_400_000).toISOString();
  // The same rows, in the same transaction: their chain entries are marked, then the rows go.
  const expired = `SELECT receipt_id FROM ledger WHERE retain_until < ? ORDER BY seq LIMIT ?`;
  const [archivedMarks, archivedDelete] = purgeArchivedStatements(env, now.toISOString(), batch);
  const purge = await runNamedBatch(env.LEDGER, "ledger purge", [
    ["chain", removalStatements(env, "retention", now.toISOString(), expired, [now.toISOString(), batch])],
    ["receipts", [env.LEDGER.prepare(`DELETE FROM ledger WHERE receipt_id IN (${expired})`).bind(now.toISOString(), batch)]],
    // Rows that left D1 for the archive: their index entries go, their segments are rewritten.
    ["archivedMarks", [archivedMarks!]],
    ["archived", [archivedDelete!]],
    ["erasures", [env.LEDGER.prepare(`DELETE FROM erasures WHERE id IN (SELECT id FROM erasures WHERE erased_at < ?1 LIMIT ?2)`).bind(cutoff, batch)]],
  ]);
  return { receipts: purge.changes("receipts"), archived: purge.changes("archived"), erasures: purge.changes("erasures") };
}

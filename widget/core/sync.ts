/**
 * Sending a decision to the Worker: the local record is authoritative for this page (R6.1), so a
 * decision applies at once and is then sent with its idempotency key, retried with backoff
 * (2 s doubling to 5 min, or the Worker's Retry-After) until the Worker records it, once.
 * The controller owns the record; this module owns the timer and the retry rules. It is a
 * lazily loaded module (`sync.js`): fetched with a decision, or when a returning visitor's
 * record still has one pending.
 */
import { ApiFailure, type ApiClient, postDecision } from "./api-client";
import { writeRecord } from "./storage";
import type { LocalRecord, PendingSync } from "./types";

/** Retry delays for an unsynced decision: 2 s doubling to 5 min. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 300_000;

/** What the sync needs of the controller. */
export interface SyncHost {
  readonly api: ApiClient;
  /** The record being synced; the sync replaces it with the Worker's answer merged in. */
  record: LocalRecord | null;
  /** The Worker answered (recorded or refused for good): announce the change. */
  synced(): void;
  /** The Worker says the policy changed under the visitor: ask again. */
  policyChanged(record: LocalRecord): void;
}

/** The retry loop of the pending decision. */
export class DecisionSync {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private busy = false;

  constructor(private readonly host: SyncHost) {}

  /** Stops retrying the pending decision (the record is going away). */
  stop(): void {
    clearTimeout(this.timer);
  }

  /** Runs `run()` after `delayMs`, replacing any earlier schedule. */
  schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  /** Sends the pending decision; retries transient failures with backoff, forever. */
  async run(): Promise<void> {
    const host = this.host;
    const pending = host.record?.pending;
    if (!pending || this.busy) return;
    this.busy = true;
    const token = host.record!.token;
    try {
      const res = await postDecision(host.api, pending, token);
      const current = host.record;
      if (!current) return;
      const same = current.pending?.idempotencyKey === pending.idempotencyKey;
      // Never let the answer replace a newer local decision: only identity and receipt are
      // taken over (the identity only if `identify` did not switch it meanwhile), and only the
      // answered decision stops being pending.
      const record: LocalRecord = {
        ...current,
        ...(current.token === token ? { visitorId: res.visitorId, token: res.token ?? token } : {}),
        ...(same ? { receiptId: res.receipt.id, signedReceipt: res.receipt.jws, version: res.preferences.version } : {}),
      };
      if (same) delete record.pending;
      host.record = record;
      writeRecord(record);
      host.synced();
      if (record.pending) this.schedule(0);
    } catch (err) {
      this.failed(pending, err, token);
    } finally {
      this.busy = false;
    }
  }

  private failed(pending: PendingSync, err: unknown, token: string | undefined): void {
    const record = this.host.record;
    if (!record?.pending || record.pending.idempotencyKey !== pending.idempotencyKey) {
      if (record?.pending) this.schedule(0);
      return;
    }
    // Duck-typed: the failure comes from the core's ApiClient, bundled apart from this module.
    const failure = typeof (err as ApiFailure | undefined)?.status === "number" ? (err as ApiFailure) : new ApiFailure(0, "unknown", String(err));
    if (failure.transient) {
      record.pending.attempts += 1;
      writeRecord(record);
      const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (record.pending.attempts - 1));
      this.schedule(Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000));
      return;
    }
    if (failure.status === 401 && record.token) {
      // identify() replaced the token while this request was on its way: send it again.
      if (record.token !== token) return this.schedule(0);
      // The token is no longer accepted (expired, revoked, key rotated out): record as a new
      // visitor, and let the next identify() find the person's record again.
      delete record.token;
      delete record.visitorId;
      delete record.subject;
      writeRecord(record);
      this.schedule(0);
      return;
    }
    delete record.pending;
    if (failure.code === "policy_changed") return this.host.policyChanged(record);
    // Refused for good (invalid request): keep the local decision, stop retrying.
    console.warn(`assent: the Worker refused the decision (${failure.code}): ${failure.message}`);
    writeRecord(record);
  }
}

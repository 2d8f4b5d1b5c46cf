/**
 * The retention job (R1.15, R9.10): deletes what is past its retention, in bounded steps, and
 * picks up where it stopped on the next scheduled run until the backlog is gone.
 *
 * What it deletes, by the names of the retention schedule (worker/notice/retention-schedule.ts,
 * which has every kind of data, this job's and the rest, and which docs/retention.md and the
 * privacy notice state; a test checks that the rows below are the schedule's rows the job
 * enforces, and that every counter of RetentionRun has its row there):
 *
 * | data | kept | store |
 * | --- | --- | --- |
 * | proof rows (ledger) | until `retain_until` (decision expiry + the site's `proofRetentionDays`) | worker/consent/store/ledger.ts |
 * | the index of proof rows that left D1 for the archive (visitor id, receipt id, dates, segment) | until the row's `retain_until`; the resealing step then rewrites its segment | worker/proof/archive-store.ts |
 * | erasure records | ERASURE_RETENTION_DAYS | worker/consent/store/ledger.ts |
 * | signup requests (pending double opt-in) | until their link expires (`confirmDays`) | worker/email/store.ts |
 * | confirmation-send log (keyed hashes) | 1 day | worker/email/store.ts |
 * | webhook events and deliveries | WEBHOOK_RETENTION_DAYS, unless a delivery is still pending | worker/webhooks/store.ts |
 * | token revocations | until every token they refuse has expired | worker/consent/store/revocations.ts |
 * | marks of records kept in KV | until the visitor has no live decision (the KV record expired) | worker/consent/store/kv-records.ts |
 * | console sign-in links, sessions and previews | 1 day past their end (the console's audit log is kept) | worker/console/store.ts |
 * | rights requests and their history (R9.5) | LOG_RETENTION_DAYS (24 months) after they closed | worker/rights/store.ts |
 * | rights links (verification, download, new address) | 1 day past their expiry | worker/rights/store.ts |
 *
 * Each step deletes at most PURGE_BATCH rows per kind in one statement (D1 does the work, not
 * the Worker's CPU), and a run takes at most `maxSteps` steps per kind: the daily run more, the
 * per-minute run a few, so a backlog of any size is gone after enough runs, none of which runs
 * long. Kinds that are done stop early; an empty step costs an index lookup.
 */
import { purgeKeptRecords } from "../consent/store/kv-records";
import { purgeConsoleData } from "../console/store";
import { purgeExpired } from "../consent/store/ledger";
import { purgeRevocations } from "../consent/store/revocations";
import { purgeEmailData } from "../email/store";
import type { Env } from "../env";
import { purgeRightsData } from "../rights/store";
import { purgeWebhookEvents } from "../webhooks/store";

/** Rows of one kind deleted by one statement. */
export const PURGE_BATCH = 5000;
/** Steps per kind in the daily run and in each per-minute run. */
export const DAILY_STEPS = 8;
export const MINUTE_STEPS = 2;

/** How many rows of each kind one run deleted, and whether any kind still has a backlog. */
export interface RetentionRun {
  receipts: number;
  archivedReceipts: number;
  erasures: number;
  signupRequests: number;
  confirmationSends: number;
  webhookEvents: number;
  revocations: number;
  keptRecords: number;
  consoleLinks: number;
  consoleSessions: number;
  consolePreviews: number;
  rightsRequests: number;
  rightsLinks: number;
  backlog: boolean;
}

/** Runs up to `maxSteps` steps of every kind of purge. */
export async function runRetention(env: Env, now: Date, maxSteps: number): Promise<RetentionRun> {
  const run: RetentionRun = { receipts: 0, archivedReceipts: 0, erasures: 0, signupRequests: 0, confirmationSends: 0, webhookEvents: 0, revocations: 0, keptRecords: 0, consoleLinks: 0, consoleSessions: 0, consolePreviews: 0, rightsRequests: 0, rightsLinks: 0, backlog: false };
  const kinds: (() => Promise<boolean>)[] = [
    async () => {
      const n = await purgeExpired(env, now, PURGE_BATCH);
      run.receipts += n.receipts;
      run.archivedReceipts += n.archived;
      run.erasures += n.erasures;
      return n.receipts === PURGE_BATCH || n.archived === PURGE_BATCH || n.erasures === PURGE_BATCH;
    },
    async () => {
      const n = await purgeEmailData(env, now, PURGE_BATCH);
      run.signupRequests += n.requests;
      run.confirmationSends += n.sends;
      return n.requests === PURGE_BATCH || n.sends === PURGE_BATCH;
    },
    async () => {
      const n = await purgeWebhookEvents(env, now, PURGE_BATCH);
      run.webhookEvents += n;
      return n === PURGE_BATCH;
    },
    async () => {
      const n = await purgeRevocations(env, now, PURGE_BATCH);
      run.revocations += n;
      return n === PURGE_BATCH;
    },
    async () => {
      const n = await purgeKeptRecords(env, now, PURGE_BATCH);
      run.keptRecords += n;
      return n === PURGE_BATCH;
    },
    async () => {
      const n = await purgeConsoleData(env, now, PURGE_BATCH);
      run.consoleLinks += n.links;
      run.consoleSessions += n.sessions;
      run.consolePreviews += n.previews;
      return n.links === PURGE_BATCH || n.sessions === PURGE_BATCH || n.previews === PURGE_BATCH;
    },
    async () => {
      const n = await purgeRightsData(env, now, PURGE_BATCH);
      run.rightsRequests += n.requests;
      run.rightsLinks += n.links;
      return n.requests === PURGE_BATCH || n.links === PURGE_BATCH;
    },
  ];
  for (const step of kinds) {
    let more = true;
    for (let i = 0; i < maxSteps && more; i++) more = await step();
    if (more) run.backlog = true;
  }
  return run;
}

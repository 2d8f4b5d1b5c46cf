/**
 * worker/scheduled: the cron jobs (wrangler.toml `[triggers]`; locally also `POST /dev/scheduled`,
 * dev-route.ts): webhook delivery and its retries (worker/webhooks/deliver.ts), the retention
 * job (retention.ts), which deletes what is past its retention period, the rights requests'
 * reminders (worker/rights/jobs.ts),
 * linking new entries of the proof's hash chain (worker/proof/chaining.ts), sealing past days into
 * the archive and rewriting segments after erasures (worker/proof/seal.ts), moving sealed days
 * older than the hot window out of D1 (worker/proof/evict.ts), and verifying the
 * chains and their segments in passes (worker/proof/verifications.ts).
 */
import type { Env } from "../env";
import { VERIFY_ENTRIES_PER_DAY_RUN, VERIFY_ENTRIES_PER_MINUTE, evictPastWindow, linkPending, resealStale, runVerifications, sealDays, sweepHot } from "../proof";
import { runRightsJobs } from "../rights/jobs";
import { WEBHOOK_CRON, deliverDue } from "../webhooks/deliver";
import { DAILY_STEPS, MINUTE_STEPS, runRetention } from "./retention";

/** Chain entries linked per minute: far above a busy site's decisions a minute, within a run's CPU. */
export const CHAIN_LINKS_PER_MINUTE = 5000;

/**
 * Every minute: sends due webhook deliveries (retries, and whatever the immediate attempt
 * after a change missed), and takes a few steps of the retention job, which continues any
 * backlog the daily run left. Daily (`17 3 * * *`): the retention job's big run
 * (retention.ts). `scheduledTime` is the "now" retries and retention are due against.
 */
export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const webhooks = deliverDue(env, now, { maxBatches: 8 }).then((r) => {
    if (r.attempted > 0) console.log(`webhooks: ${r.attempted} attempted, ${r.delivered} delivered, ${r.failed} gave up`);
  });
  ctx.waitUntil(webhooks);
  const steps = controller.cron === WEBHOOK_CRON ? MINUTE_STEPS : DAILY_STEPS;
  // The proof's hash chain: every minute, so a decision is linked at most about a minute after it.
  const linking = linkPending(env, controller.cron === WEBHOOK_CRON ? CHAIN_LINKS_PER_MINUTE : CHAIN_LINKS_PER_MINUTE * 10).then(
    (r) => {
      if (r.linked > 0) console.log(`proof chain: ${r.linked} rows linked${r.backlog ? "; more next run" : ""}`);
    },
    (err: unknown) => console.error("proof chain: linking failed", err),
  );
  ctx.waitUntil(linking);
  // Sealing: each site's entries of past days into the archive, after the linking step of the
  // same run has had its chance (a run never seals today's entries); then rewriting the segments
  // rows of which were erased or purged since, so their data leaves the archive within a minute.
  ctx.waitUntil(
    linking.then(async () => {
      const sealed = await sealDays(env, now);
      const resealed = await resealStale(env, now);
      // The hot window: sealed days older than it leave D1 (worker/proof/evict.ts); daily, the
      // copies of visitors' latest decisions kept in D1 that are no longer needed go too.
      const evicted = await evictPastWindow(env, now);
      const swept = controller.cron === WEBHOOK_CRON ? 0 : await sweepHot(env, now);
      if (sealed.segments + resealed + evicted.segments + swept > 0)
        console.log(
          `proof seals: ${sealed.segments} segment(s) of ${sealed.entries} entries sealed, ${resealed} rewritten, ${evicted.segments} segment(s) of ${evicted.entries} entries moved out of D1, ${swept} hot copies deleted`,
        );
    }).catch((err: unknown) => console.error("proof seals: sealing failed; the next run tries again", err)),
  );
  // Verifying the chains: the daily run starts a pass for every site, every run continues them
  // (worker/proof/verifications.ts). It runs beside the linking step: rows not linked yet count
  // as pending, not as broken.
  ctx.waitUntil(
    runVerifications(env, controller.cron === WEBHOOK_CRON ? VERIFY_ENTRIES_PER_MINUTE : VERIFY_ENTRIES_PER_DAY_RUN, controller.cron !== WEBHOOK_CRON, now).then((r) => {
      if (r.entries > 0) console.log(`proof verification: ${r.entries} entries of ${r.sites} sites checked`);
    }),
  );
  // Rights requests: expired verifications, reminders and overdue flags (worker/rights/jobs.ts).
  ctx.waitUntil(
    // Their webhook events go out with the next minute's deliveries.
    runRightsJobs(env, now, controller.cron === WEBHOOK_CRON ? 20 : 500).then((r) => {
      if (r.notVerified + r.reminded + r.overdue > 0)
        console.log(`rights: ${r.notVerified} not verified, ${r.reminded} owners reminded, ${r.overdue} overdue`);
    }),
  );
  ctx.waitUntil(
    runRetention(env, now, steps).then((r) => {
      const deleted = r.receipts + r.archivedReceipts + r.erasures + r.signupRequests + r.confirmationSends + r.webhookEvents + r.revocations + r.keptRecords + r.consoleLinks + r.consoleSessions + r.consolePreviews + r.rightsRequests + r.rightsLinks;
      if (deleted > 0 || controller.cron !== WEBHOOK_CRON)
        console.log(
          `retention: deleted ${r.receipts} receipts, ${r.archivedReceipts} archived receipts, ${r.erasures} erasure records, ${r.signupRequests} signup requests, ` +
            `${r.confirmationSends} send-log entries, ${r.webhookEvents} webhook events, ${r.revocations} token revocations, ` +
            `${r.keptRecords} kept-record marks, ${r.consoleLinks} console links, ${r.consoleSessions} console sessions, ${r.consolePreviews} console previews, ` +
            `${r.rightsRequests} rights requests, ${r.rightsLinks} rights links` +
            (r.backlog ? "; more next run" : ""),
        );
    }),
  );
}

/**
 * The shared delivery cron is fair between sites: one site's backlog (a receiver down for days,
 * a flood of changes) cannot delay another site's deliveries.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverDue } from "../../worker/webhooks/deliver";
import { workerEnv } from "./email-helpers";
import { freshSite } from "./helpers";
import { receiver, siteWithEndpoint, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

/** Queues `n` events for a site, created `ageMinutes` ago: each gets a due delivery for the site's endpoint. */
async function backlog(siteId: string, n: number, ageMinutes: number): Promise<void> {
  const at = new Date(Date.now() - ageMinutes * 60_000).toISOString();
  await env.LEDGER.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?3)
     INSERT INTO webhook_events (id, site_id, type, payload, created_at)
     SELECT 'evt_' || lower(hex(randomblob(16))), ?1, 'consent.updated', json_object('site', ?1, 'n', i), ?2 FROM k`,
  ).bind(siteId, at, n).run();
}

describe("webhook delivery is fair between sites", () => {
  it("a site with 300 old due deliveries does not hold back another site's 3 newer ones", async () => {
    const busy = await siteWithEndpoint();
    const quiet = await siteWithEndpoint();
    await backlog(busy.site.id, 300, 60);
    await backlog(quiet.site.id, 3, 1);

    // One batch of the cron (25 deliveries): every site gets its turn.
    const run = await deliverDue(workerEnv, new Date(), { maxBatches: 1 });
    expect(run.attempted).toBe(25);
    const byUrl = (url: string) => receiver.received.filter((r) => r.url === url).length;
    expect(byUrl(quiet.url)).toBe(3);
    expect(byUrl(busy.url)).toBe(22);
  });

  it("turns go round the sites: with three busy sites, each gets a third of a batch", async () => {
    // Only these three sites have due deliveries.
    await env.LEDGER.prepare(`UPDATE webhook_deliveries SET status = 'delivered' WHERE status = 'pending'`).run();
    const sites = await Promise.all([0, 1, 2].map(async () => siteWithEndpoint(undefined, await freshSite())));
    for (const [i, s] of sites.entries()) await backlog(s.site.id, 40, 60 - i * 10);
    await deliverDue(workerEnv, new Date(), { maxBatches: 1 });
    const counts = sites.map((s) => receiver.received.filter((r) => r.url === s.url).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(25);
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(8);
  });
});

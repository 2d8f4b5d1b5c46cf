/**
 * Proof retention (R1.15): the daily scheduled job deletes ledger rows past their evidence
 * period and old erasure records, and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import type { ConsentResponse } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { ERASURE_RETENTION_DAYS, purgeExpired } from "../../worker/store/ledger";
import { decisionBody, freshSite, ledgerRows, postDecision } from "./helpers";

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Inserts a synthetic proof row, complete in every column, with the given retention date. */
async function insertRow(siteId: string, retainUntil: string): Promise<string> {
  const receiptId = `rcpt_synthetic_${crypto.randomUUID()}`;
  await env.LEDGER.prepare(
    `INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface,
       categories, policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime,
       jurisdiction, country, gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until)
     VALUES (?1, ?2, ?3, ?4, 'hash', '2020-01-01T00:00:00.000Z', 'accept_all', 'banner', '{"necessary":true,"usage":true}',
       '1', '2020-01-01', 'fp1-x', 'th1-x', 'w', 'en', 'opt-in', 'DE', 'DE', 0, 0, 'Chrome', NULL,
       '2020-07-01T00:00:00.000Z', ?5)`,
  )
    .bind(receiptId, siteId, crypto.randomUUID(), crypto.randomUUID(), retainUntil)
    .run();
  return receiptId;
}

async function insertErasure(siteId: string, erasedAt: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.LEDGER.prepare("INSERT INTO erasures (id, site_id, erased_at, receipts_deleted) VALUES (?1, ?2, ?3, 1)").bind(id, siteId, erasedAt).run();
  return id;
}

async function erasureIds(siteId: string): Promise<string[]> {
  const { results } = await env.LEDGER.prepare("SELECT id FROM erasures WHERE site_id = ? ORDER BY erased_at").bind(siteId).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Runs the Worker's scheduled handler as the daily cron would. */
async function runScheduledJob() {
  const worker = (await import("../../worker/index")).default;
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

let logged: MockInstance<typeof console.log>;
beforeEach(() => {
  logged = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  logged.mockRestore();
});

describe("the scheduled retention job", () => {
  it("deletes only proof rows whose retention has passed", async () => {
    const site = await freshSite();
    const now = Date.now();
    const expired = [await insertRow(site.id, "2001-01-01T00:00:00.000Z"), await insertRow(site.id, iso(now - 60_000))];
    const kept = [await insertRow(site.id, iso(now + 3_600_000)), await insertRow(site.id, "2999-01-01T00:00:00.000Z")];
    const real = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;

    await runScheduledJob();

    const remaining = (await ledgerRows(site.id)).map((r) => r.receipt_id);
    expect(remaining).toEqual([...kept, real.receipt.id]);
    for (const id of expired) expect(remaining).not.toContain(id);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^retention: deleted \d+ receipts, \d+ erasure records, \d+ unconfirmed signups, \d+ webhook events$/));
  });

  it("deletes erasure records older than their retention and keeps recent ones", async () => {
    const site = await freshSite();
    const now = Date.now();
    await insertErasure(site.id, iso(now - (ERASURE_RETENTION_DAYS + 30) * DAY_MS));
    const recent = await insertErasure(site.id, iso(now - 30 * DAY_MS));
    await runScheduledJob();
    expect(await erasureIds(site.id)).toEqual([recent]);
  });
});

describe("a real decision's proof", () => {
  it("is kept for the decision's lifetime plus the evidence period, then purged", async () => {
    const site = await freshSite((c) => (c.consent = { lifetimeDays: 1, refusalDays: 180, proofRetentionDays: 30 }));
    const decision = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    const [row] = await ledgerRows(site.id);
    const expiresAt = Date.parse(decision.receipt.expiresAt);
    const retainUntil = Date.parse(row!.retain_until as string);
    expect(expiresAt - Date.parse(decision.receipt.recordedAt)).toBe(1 * DAY_MS);
    expect(retainUntil - expiresAt).toBe(30 * DAY_MS);

    // The rows of other sites (demo defaults: 180 + 1095 days) are far beyond these dates.
    await purgeExpired(env as unknown as Env, new Date(retainUntil - 60_000));
    expect(await ledgerRows(site.id)).toHaveLength(1);
    await purgeExpired(env as unknown as Env, new Date(retainUntil + 60_000));
    expect(await ledgerRows(site.id)).toEqual([]);
  });

  it("is purged in bounded batches", async () => {
    const site = await freshSite();
    for (let i = 0; i < 3; i++) await insertRow(site.id, "2001-01-01T00:00:00.000Z");
    const kept = await insertRow(site.id, "2999-01-01T00:00:00.000Z");
    const first = await purgeExpired(env as unknown as Env, new Date(), 2);
    expect(first.receipts).toBe(2);
    expect(await ledgerRows(site.id)).toHaveLength(2);
    const second = await purgeExpired(env as unknown as Env, new Date(), 2);
    expect(second.receipts).toBe(1);
    expect((await ledgerRows(site.id)).map((r) => r.receipt_id)).toEqual([kept]);
  });
});

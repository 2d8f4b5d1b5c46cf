/**
 * Retention (R1.15, R9.10): the scheduled job deletes ledger rows past their evidence period,
 * old erasure records, expired signup requests, old webhook events and spent token revocations,
 * and nothing else; however large the backlog, in bounded steps that continue across runs.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import type { ConsentResponse } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { DAILY_STEPS, MINUTE_STEPS, PURGE_BATCH } from "../../worker/scheduled/retention";
import { ERASURE_RETENTION_DAYS, purgeExpired } from "../../worker/consent/store/ledger";
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

/** Runs the Worker's scheduled handler as the daily cron (default) or the per-minute cron would. */
async function runScheduledJob(cron = "17 3 * * *") {
  const worker = (await import("../../worker/index")).default;
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron }), env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

const countOf = async (sql: string, ...binds: unknown[]) => (await env.LEDGER.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

let logged: MockInstance<typeof console.log>;
beforeEach(() => {
  logged = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  logged.mockRestore();
});

describe("the scheduled retention job", () => {
  it("deletes only proof rows whose retention has passed (R1.15)", async () => {
    const site = await freshSite();
    const now = Date.now();
    const expired = [await insertRow(site.id, "2001-01-01T00:00:00.000Z"), await insertRow(site.id, iso(now - 60_000))];
    const kept = [await insertRow(site.id, iso(now + 3_600_000)), await insertRow(site.id, "2999-01-01T00:00:00.000Z")];
    const real = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;

    await runScheduledJob();

    const remaining = (await ledgerRows(site.id)).map((r) => r.receipt_id);
    expect(remaining).toEqual([...kept, real.receipt.id]);
    for (const id of expired) expect(remaining).not.toContain(id);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(/^retention: deleted \d+ receipts, \d+ archived receipts, \d+ erasure records, \d+ signup requests, \d+ send-log entries, \d+ webhook events, \d+ token revocations, \d+ kept-record marks, \d+ console links, \d+ console sessions, \d+ console previews, \d+ rights requests, \d+ rights links$/),
    );
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
  it("is kept for the decision's lifetime plus the evidence period, then purged (R1.15)", async () => {
    const site = await freshSite((c) => (c.consent = { lifetimeDays: 1, refusalDays: 180, proofRetentionDays: 30 }));
    const decision = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    const [row] = await ledgerRows(site.id);
    const expiresAt = Date.parse(decision.receipt.expiresAt);
    const retainUntil = Date.parse(row!.retain_until as string);
    expect(expiresAt - Date.parse(decision.receipt.recordedAt)).toBe(1 * DAY_MS);
    expect(retainUntil - expiresAt).toBe(30 * DAY_MS);

    // The rows of other sites (demo defaults: 180 + 1095 days) are far beyond these dates.
    await purgeExpired(env as unknown as Env, new Date(retainUntil - 60_000), PURGE_BATCH);
    expect(await ledgerRows(site.id)).toHaveLength(1);
    await purgeExpired(env as unknown as Env, new Date(retainUntil + 60_000), PURGE_BATCH);
    expect(await ledgerRows(site.id)).toEqual([]);
  });

  it("is purged in bounded batches (R1.15)", async () => {
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

describe("a backlog larger than one run (the job used to stop at 5,000 rows a day)", () => {
  it("60,000 expired proof rows and 55,000 old webhook events with their deliveries are all purged, across runs (R1.15)", async () => {
    const site = await freshSite();
    const old = "2001-01-01T00:00:00.000Z";
    // Inserted by SQL in one statement each: a backlog as a site would have after an outage of the job.
    await env.LEDGER.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
       INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface,
         categories, policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime,
         jurisdiction, country, gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until)
       SELECT 'rcpt_bulk_' || i, ?1, 'v' || i, 'k' || i, 'h', ?2, 'accept_all', 'banner', '{}', '1', '2001-01-01', 'fp', 'th', 'w',
         'en', 'opt-in', NULL, NULL, 0, 0, 'Chrome', NULL, ?2, ?2 FROM n`,
    ).bind(site.id, old).run();
    await env.LEDGER.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 55000)
       INSERT INTO webhook_events (id, site_id, type, payload, created_at) SELECT 'evt_bulk_' || i, ?1, 'consent.updated', '{}', ?2 FROM n`,
    ).bind(site.id, old).run();
    await env.LEDGER.prepare(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id, site_id, status, attempts, next_attempt_at)
       SELECT id, 'wh_bulk', site_id, 'delivered', 1, created_at FROM webhook_events WHERE site_id = ?1`,
    ).bind(site.id).run();
    const kept = await insertRow(site.id, "2999-01-01T00:00:00.000Z");

    // One daily run is bounded: it deletes at most DAILY_STEPS batches of each kind and says more remains.
    await runScheduledJob();
    const perRun = DAILY_STEPS * PURGE_BATCH;
    expect(await countOf("SELECT COUNT(*) AS n FROM ledger WHERE site_id = ?", site.id)).toBe(60_000 - perRun + 1);
    expect(await countOf("SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ?", site.id)).toBe(55_000 - perRun);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^retention: .*; more next run$/));

    // The per-minute runs continue until the backlog is gone.
    let runs = 0;
    while ((await countOf("SELECT COUNT(*) AS n FROM ledger WHERE site_id = ?", site.id)) > 1 && runs < 10) {
      await runScheduledJob("* * * * *");
      runs++;
    }
    expect(runs).toBe(Math.ceil((60_000 - perRun) / (MINUTE_STEPS * PURGE_BATCH)));
    await runScheduledJob("* * * * *");
    expect((await ledgerRows(site.id)).map((r) => r.receipt_id)).toEqual([kept]);
    expect(await countOf("SELECT COUNT(*) AS n FROM webhook_events WHERE site_id = ?", site.id)).toBe(0);
    expect(await countOf("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE site_id = ?", site.id)).toBe(0);
  }, 60_000);

  it("expired signup requests, day-old send-log entries and spent token revocations go too; live ones stay (R5.2)", async () => {
    const site = await freshSite();
    const now = Date.now();
    const request = (hash: string, expiresAt: string) =>
      env.LEDGER.prepare(
        `INSERT INTO signup_requests (token_hash, site_id, list_id, email_hash, email, visitor_id, text_version, locale, source_url, created_at, expires_at)
         VALUES (?1, ?2, 'blog', 'e', 'a@example.com', NULL, '1', 'en', 'x', ?3, ?4)`,
      ).bind(hash, site.id, iso(now - DAY_MS), expiresAt).run();
    await request("expired", iso(now - 60_000));
    await request("live", iso(now + DAY_MS));
    const send = (hash: string, at: string) =>
      env.LEDGER.prepare(`INSERT INTO confirmation_sends (token_hash, site_id, list_id, email_hash, sent_at) VALUES (?1, ?2, 'blog', 'e', ?3)`).bind(hash, site.id, at).run();
    await send("old", iso(now - DAY_MS - 60_000));
    await send("recent", iso(now - 60_000));
    const revocation = (subject: string, expiresAt: string) =>
      env.LEDGER.prepare(`INSERT INTO token_revocations (site_id, subject, not_before, reason, ref, expires_at) VALUES (?1, ?2, 1, 'logout', NULL, ?3)`).bind(site.id, subject, expiresAt).run();
    await revocation("t:spent", iso(now - 60_000));
    await revocation("t:live", iso(now + DAY_MS));

    await runScheduledJob();
    const ids = async (sql: string) => (await env.LEDGER.prepare(sql).bind(site.id).all<{ id: string }>()).results.map((r) => r.id);
    expect(await ids("SELECT token_hash AS id FROM signup_requests WHERE site_id = ?")).toEqual(["live"]);
    expect(await ids("SELECT token_hash AS id FROM confirmation_sends WHERE site_id = ?")).toEqual(["recent"]);
    expect(await ids("SELECT subject AS id FROM token_revocations WHERE site_id = ?")).toEqual(["t:live"]);
  });

  it("console sign-in links, sessions and previews go a day after they ended; the console's audit log stays", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const link = (hash: string, expiresAt: string) =>
      env.LEDGER.prepare(`INSERT INTO console_links (token_hash, email, created_at, expires_at) VALUES (?1, 'o@example.com', ?2, ?3)`).bind(`${tag}-${hash}`, iso(now - 2 * DAY_MS), expiresAt).run();
    await link("old", iso(now - DAY_MS - 60_000));
    await link("recent", iso(now - 60_000));
    const session = (hash: string, expiresAt: string) =>
      env.LEDGER.prepare(`INSERT INTO console_sessions (id_hash, email, created_at, expires_at) VALUES (?1, 'o@example.com', ?2, ?3)`).bind(`${tag}-${hash}`, iso(now - 2 * DAY_MS), expiresAt).run();
    await session("old", iso(now - DAY_MS - 60_000));
    await session("live", iso(now + 60_000));
    const preview = (hash: string, expiresAt: string) =>
      env.LEDGER.prepare(`INSERT INTO console_previews (id_hash, site_id, config, created_by, created_at, expires_at) VALUES (?1, 'demo', '{}', 'o@example.com', ?2, ?3)`).bind(`${tag}-${hash}`, iso(now - 2 * DAY_MS), expiresAt).run();
    await preview("old", iso(now - DAY_MS - 60_000));
    await preview("live", iso(now + 60_000));
    await env.LEDGER.prepare(`INSERT INTO console_audit (site_id, actor, action, at) VALUES (NULL, ?1, 'session.sign_in', ?2)`).bind(`${tag}@example.com`, iso(now - 400 * DAY_MS)).run();

    await runScheduledJob();
    const ids = async (sql: string) => (await env.LEDGER.prepare(sql).bind(`${tag}-%`).all<{ id: string }>()).results.map((r) => r.id);
    expect(await ids("SELECT token_hash AS id FROM console_links WHERE token_hash LIKE ?")).toEqual([`${tag}-recent`]);
    expect(await ids("SELECT id_hash AS id FROM console_sessions WHERE id_hash LIKE ?")).toEqual([`${tag}-live`]);
    expect(await ids("SELECT id_hash AS id FROM console_previews WHERE id_hash LIKE ?")).toEqual([`${tag}-live`]);
    const audit = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM console_audit WHERE actor = ?1`).bind(`${tag}@example.com`).first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });
});

/**
 * The scheduled work of rights requests (R9.5, R9.6): an unclicked verification closes the
 * request as not verified; the owner is reminded before the due date and told when it passed,
 * once each; a closed request stays in the log for 24 months, then goes with its history.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Env } from "../../worker/env";
import { runRightsJobs } from "../../worker/rights/jobs";
import { LOG_RETENTION_DAYS } from "../../worker/rights/store";
import { newAddress, workerEnv } from "./email-helpers";
import { fileRights, historyKinds, mailTo, rightsEvents, rightsRow, rightsSite, sql } from "./rights-helpers";
import { settled, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

const OWNER = "privacy@penguin.example";
const DAY_MS = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

let logged: MockInstance<typeof console.log>;
beforeEach(() => {
  logged = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  logged.mockRestore();
});

/** Runs the Worker's scheduled handler as the daily cron would. */
async function runDaily() {
  const worker = (await import("../../worker/index")).default;
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the rights jobs", () => {
  it("a request whose verification link expired unclicked is closed as not verified, its address cleared (R9.4)", async () => {
    const { site } = await rightsSite();
    const { id } = await fileRights(site.id, { type: "deletion", email: newAddress() });
    await settled(site.id);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect((await rightsRow(id)).status).toBe("awaiting_verification");
    await sql(`UPDATE rights_links SET expires_at = ?1 WHERE request_id = ?2`, new Date(Date.now() - 1000).toISOString(), id);
    await runDaily();
    expect(await rightsRow(id)).toMatchObject({ status: "not_verified", outcome: "not_verified", email: null });
    expect((await rightsEvents(site.id)).map((e) => e.type)).toEqual(["rights.request.received", "rights.request.not_verified"]);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect((await historyKinds(id)).filter((k) => k === "not_verified")).toHaveLength(1);
    expect(logged.mock.calls.flat().join("\n")).toMatch(/rights: \d+ not verified/);
    // Its webhook goes out with the next minute's deliveries (the cron), not right away.
  });

  it("reminds the owner once, remindDaysBefore days ahead, in the site's calendar (R9.6)", async () => {
    const { site } = await rightsSite((c) => {
      c.rights!.remindDaysBefore = 3;
    });
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    const noticesBefore = (await mailTo(site.id, OWNER)).length;
    await sql(`UPDATE rights_requests SET due_by = ?1 WHERE id = ?2`, dateIn(10), id);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect((await rightsRow(id)).reminded_at).toBeNull();
    await sql(`UPDATE rights_requests SET due_by = ?1 WHERE id = ?2`, dateIn(2), id);
    await runRightsJobs(workerEnv, new Date(), 100);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect((await rightsRow(id)).reminded_at).not.toBeNull();
    const notices = (await mailTo(site.id, OWNER)).slice(noticesBefore);
    expect(notices.map((m) => m.subject)).toEqual([`[${site.config.name}] A privacy request is due soon`]);
    expect((await historyKinds(id)).filter((k) => k === "reminded")).toHaveLength(1);
    await settled(site.id);
  });

  it("flags an overdue request once and tells the owner; the queue shows it overdue (R9.6)", async () => {
    const { site } = await rightsSite();
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    await sql(`UPDATE rights_requests SET due_by = ?1 WHERE id = ?2`, dateIn(-3), id);
    await runRightsJobs(workerEnv, new Date(), 100);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect((await rightsRow(id)).overdue_at).not.toBeNull();
    const subjects = (await mailTo(site.id, OWNER)).map((m) => m.subject);
    expect(subjects.filter((s) => s.endsWith("is overdue"))).toHaveLength(1);
    expect((await mailTo(site.id, OWNER)).at(-1)!.text_body).toContain("past its due date");
    await settled(site.id);
  });

  it("an extended request is due at its new date, not the old one (R9.6)", async () => {
    const { site } = await rightsSite();
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    await sql(`UPDATE rights_requests SET due_by = ?1, extended_to = ?2 WHERE id = ?3`, dateIn(-3), dateIn(40), id);
    await runRightsJobs(workerEnv, new Date(), 100);
    expect(await rightsRow(id)).toMatchObject({ overdue_at: null, reminded_at: null });
    await settled(site.id);
  });

  it(`keeps a closed request ${LOG_RETENTION_DAYS} days, then deletes it with its history and links (R2.6, R9.5)`, async () => {
    const { site } = await rightsSite();
    const kept = await fileRights(site.id, { type: "opt_out" });
    const old = await fileRights(site.id, { type: "opt_out" });
    const keptRow = await rightsRow(kept.id);
    expect(Date.parse(keptRow.retain_until!) - Date.parse(keptRow.responded_at!)).toBe(LOG_RETENTION_DAYS * DAY_MS);
    await sql(`UPDATE rights_requests SET retain_until = ?1 WHERE id = ?2`, new Date(Date.now() - 1000).toISOString(), old.id);
    await runDaily();
    expect((await rightsRow(kept.id)).id).toBe(kept.id);
    await expect(rightsRow(old.id)).rejects.toThrow("no request");
    expect(await historyKinds(old.id)).toEqual([]);
    expect(await historyKinds(kept.id)).toEqual(["received", "completed"]);
    expect(logged.mock.calls.flat().join("\n")).toMatch(/\d+ rights requests, \d+ rights links/);
    await settled(site.id);
  });
});

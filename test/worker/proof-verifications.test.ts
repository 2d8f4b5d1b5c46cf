/**
 * Verifying the proof chains on a schedule and from the console (#13): passes that walk a bounded
 * number of entries per run and continue where they stopped, the last result per site (it holds,
 * or the first break), "Verify now" in the console (any role, rate limited, audited), and the
 * crons: the daily one starts a pass for every site, the per-minute one only continues them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsoleLedgerVerification } from "../../worker/contract";
import { linkPending } from "../../worker/proof/chaining";
import { advanceVerification, runVerifications, verificationOf } from "../../worker/proof/verifications";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { expectProblem, freshSite, ledgerRows, newVisitor } from "./helpers";

/** A site with `n` decisions, linked. */
async function linkedSite(n: number) {
  const site = await freshSite();
  for (let i = 0; i < n; i++) await newVisitor(site, { action: i % 2 ? "reject_all" : "accept_all" });
  await linkPending(env, 10_000);
  return site;
}

async function viewer(siteId: string) {
  const email = freshEmail("auditor");
  await grant(siteId, email, "viewer");
  return { email, session: await signIn(email) };
}

const verifyNow = async (session: string, siteId: string) => {
  const res = await consoleCall(session, `/api/sites/${siteId}/ledger/verification`, { method: "POST" });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ConsoleLedgerVerification;
};

describe("the console's last verification and Verify now (R1.14)", () => {
  it("nothing before a first verification; Verify now walks the chain and says it holds, in the audit log", async () => {
    const site = await linkedSite(3);
    const { email, session } = await viewer(site.id);
    const before = await consoleCall(session, `/api/sites/${site.id}/ledger/verification`);
    expect(await before.json()).toEqual({ last: null, inProgress: null });

    const after = await verifyNow(session, site.id);
    expect(after.inProgress).toBeNull();
    expect(after.last).toMatchObject({ ok: true, by: email, checked: 3, linked: 3, removed: 0, pending: 0, broken: null, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await (await consoleCall(session, `/api/sites/${site.id}/ledger/verification`)).json()).toEqual(after);
    expect((await auditRows(site.id, email)).map((r) => r.action)).toEqual(["ledger.verify"]);
  });

  it("a row changed by hand: the next verification names its position", async () => {
    const site = await linkedSite(3);
    const { session } = await viewer(site.id);
    expect((await verifyNow(session, site.id)).last!.ok).toBe(true);
    const second = (await ledgerRows(site.id))[1]!;
    await env.LEDGER.prepare(`UPDATE ledger SET action = 'accept_all' WHERE receipt_id = ?1`).bind(second.receipt_id).run();
    const broken = await verifyNow(session, site.id);
    expect(broken.last).toMatchObject({ ok: false, checked: 1, broken: { position: 2, reason: "row_changed", detail: expect.stringContaining(String(second.receipt_id)) } });
  });

  it("strangers see nothing, a change needs the console's origin, and a flood is rate limited", async () => {
    const site = await linkedSite(1);
    const stranger = await signIn(freshEmail("stranger"));
    await expectProblem(await consoleCall(stranger, `/api/sites/${site.id}/ledger/verification`), 404, "not_found");
    await expectProblem(await consoleCall(stranger, `/api/sites/${site.id}/ledger/verification`, { method: "POST" }), 404, "not_found");
    const { session } = await viewer(site.id);
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/ledger/verification`, { method: "POST", origin: "https://evil.example" }), 403, "origin_refused");
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) statuses.push((await consoleCall(session, `/api/sites/${site.id}/ledger/verification`, { method: "POST" })).status);
    expect(statuses).toContain(429);
  });
});

describe("verification passes", () => {
  it("walk a bounded number of entries per run and continue where they stopped", async () => {
    const site = await linkedSite(5);
    expect(await advanceVerification(env, site.id, 2, "test")).toBe(2);
    expect(await verificationOf(env, site.id)).toMatchObject({ last: null, inProgress: { by: "test", position: 2 } });
    expect(await advanceVerification(env, site.id, 2, "someone else")).toBe(2);
    expect(await verificationOf(env, site.id)).toMatchObject({ last: null, inProgress: { by: "test", position: 4 } });
    expect(await advanceVerification(env, site.id, 2, "someone else")).toBe(1);
    const done = await verificationOf(env, site.id);
    expect(done.inProgress).toBeNull();
    expect(done.last).toMatchObject({ ok: true, by: "test", checked: 5, linked: 5 });
  });

  it("two runs at once: one walk stands, the result is the whole chain's", async () => {
    const site = await linkedSite(4);
    await Promise.all([advanceVerification(env, site.id, 1000, "a"), advanceVerification(env, site.id, 1000, "b")]);
    expect((await verificationOf(env, site.id)).last).toMatchObject({ ok: true, checked: 4 });
  });

  it("the daily run starts a pass for every site with a chain; the per-minute run only continues passes", async () => {
    const [a, b] = [await linkedSite(2), await linkedSite(3)];
    const minute = await runVerifications(env, 5000, false);
    expect((await verificationOf(env, a.id)).last).toBeNull();
    expect(minute.entries).toBe(0);
    // A small budget: the daily run starts both passes, finishes what it can, the minute run the rest.
    await runVerifications(env, 3, true);
    const started = [await verificationOf(env, a.id), await verificationOf(env, b.id)];
    expect(started.some((v) => v.inProgress !== null || v.last === null)).toBe(true);
    const finished = async () => (await verificationOf(env, a.id)).last !== null && (await verificationOf(env, b.id)).last !== null;
    for (let i = 0; i < 50 && !(await finished()); i++) await runVerifications(env, 3, false);
    const lastA = (await verificationOf(env, a.id)).last;
    expect(lastA).toMatchObject({ ok: true, by: "daily job", checked: 2 });
    expect((await verificationOf(env, b.id)).last).toMatchObject({ ok: true, by: "daily job", checked: 3 });
    // Finished passes are not restarted by the per-minute run.
    await runVerifications(env, 5000, false);
    expect(await verificationOf(env, a.id)).toEqual({ last: lastA, inProgress: null });
  });
});

/**
 * The site owner's side of rights requests through the admin API (R9.5, R9.6, R9.9): the queue
 * and its filters, a request with its history, start / extend / complete / deny with the
 * notices the requester is sent, one webhook per change, the CSV log, "delete a child's data",
 * and what a key of one site can do to another site's requests: nothing.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import type { Env } from "../../worker/env";
import { OWNER_MAILS_PER_DAY } from "../../worker/rights/notify";
import type { RightsRequest, RightsRequestList } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import { confirmedSubscriber, newAddress, subscriptionRows, suppressionRows, workerEnv } from "./email-helpers";
import { expectProblem, insertApiKey } from "./helpers";
import { clickLink, fileRights, historyKinds, mailTo, rightsAdmin, rightsEvents, rightsRow, rightsSite, sql, verifyTokenFor } from "./rights-helpers";
import { settled, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

/** A verified access request on a fresh site with a key: the site, key, request id and address. */
async function openAccessRequest(edit?: Parameters<typeof rightsSite>[0]) {
  const { site, key } = await rightsSite(edit);
  const email = newAddress();
  const { id } = await fileRights(site.id, { type: "access", email });
  await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));
  return { site, key, id, email };
}

const act = (siteId: string, key: string, id: string, action: string, json: unknown = {}) => rightsAdmin(siteId, `/requests/${id}/${action}`, key, { method: "POST", json });

describe("the owner's queue", () => {
  it("lists active requests newest first with days left, filters by type, status and due date, and pages (R9.5, R9.6)", async () => {
    const { site, key } = await rightsSite();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fileRights(site.id, { type: "opt_out", email: newAddress() })).id);
    ids.push((await fileRights(site.id, { type: "opt_out" })).id);
    const active = (await (await rightsAdmin(site.id, "/requests", key)).json()) as RightsRequestList;
    expect(active.requests.map((r) => r.id)).toEqual(ids.slice(0, 3).reverse());
    expect(active.requests[0]).toMatchObject({ type: "opt_out", status: "open", overdue: false, canExtend: false });
    expect(active.requests[0]!.daysLeft).toBeGreaterThan(0);

    const all = (await (await rightsAdmin(site.id, "/requests?status=all&limit=2", key)).json()) as RightsRequestList;
    expect(all.requests.map((r) => r.id)).toEqual([ids[3], ids[2]]);
    const next = (await (await rightsAdmin(site.id, `/requests?status=all&limit=2&cursor=${encodeURIComponent(all.next!)}`, key)).json()) as RightsRequestList;
    expect(next.requests.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect(next.next).toBeNull();

    expect(((await (await rightsAdmin(site.id, "/requests?type=access", key)).json()) as RightsRequestList).requests).toEqual([]);
    expect(((await (await rightsAdmin(site.id, "/requests?status=completed", key)).json()) as RightsRequestList).requests.map((r) => r.id)).toEqual([ids[3]]);
    await sql(`UPDATE rights_requests SET due_by = '2020-01-10' WHERE id = ?1`, ids[0]);
    const overdue = (await (await rightsAdmin(site.id, "/requests?due=overdue", key)).json()) as RightsRequestList;
    expect(overdue.requests.map((r) => [r.id, r.overdue])).toEqual([[ids[0], true]]);
    expect(((await (await rightsAdmin(site.id, "/requests?due=2020-01-09", key)).json()) as RightsRequestList).requests).toEqual([]);
    await settled(site.id);
  });

  it("refuses a bad query and an unknown or malformed id", async () => {
    const { site, key } = await rightsSite();
    for (const q of ["status=lost", "type=age", "due=tomorrow", "limit=0", "limit=201", "cursor=abc"])
      await expectProblem(await rightsAdmin(site.id, `/requests?${q}`, key), 400, "invalid_query");
    await expectProblem(await rightsAdmin(site.id, "/requests/rr_000000000000000000000000", key), 404, "request_not_found");
    await expectProblem(await rightsAdmin(site.id, "/requests/../../x", key), 404, "not_found");
    await expectProblem(await rightsAdmin(site.id, "/requests/nope/start", key, { method: "POST", json: {} }), 404, "request_not_found");
  });

  it("a key of one site sees and changes nothing of another site's requests (R7.12)", async () => {
    const { site, id } = await openAccessRequest();
    const other = await rightsSite();
    await expectProblem(await rightsAdmin(other.site.id, `/requests/${id}`, other.key), 404, "request_not_found");
    await expectProblem(await act(other.site.id, other.key, id, "complete"), 404, "request_not_found");
    await expectProblem(await rightsAdmin(site.id, `/requests/${id}`, other.key), 403, "api_key_wrong_site");
    expect((await rightsRow(id)).status).toBe("open");
    await settled(site.id);
  });
});

describe("the owner's actions", () => {
  it("start, extend (the requester is told why and until when), complete (told, with the note): one webhook each (R2.6, R9.5, R9.6)", async () => {
    const { site, key, id, email } = await openAccessRequest();
    const started = (await (await act(site.id, key, id, "start", { note: "Checking the CRM" })).json()) as RightsRequest;
    expect(started).toMatchObject({ status: "in_progress", canExtend: true });

    const extendedRes = await act(site.id, key, id, "extend", { reason: "The data is spread over three systems" });
    const extended = (await extendedRes.json()) as RightsRequest;
    expect(extended.extendedTo).toBe((await rightsRow(id)).extendable_to);
    expect(extended.canExtend).toBe(false);
    const notice = (await mailTo(site.id, email)).at(-1)!;
    expect(notice.subject).toBe(`${site.config.name} needs more time for your privacy request`);
    expect(notice.text_body).toContain("The data is spread over three systems");
    await expectProblem(await act(site.id, key, id, "extend", { reason: "again" }), 409, "extension_unavailable");

    const done = (await (await act(site.id, key, id, "complete", { note: "Nothing else is held." })).json()) as RightsRequest;
    expect(done).toMatchObject({ status: "completed", outcome: "fulfilled", email: null, details: null, daysLeft: null });
    expect(done.respondedAt).not.toBeNull();
    const row = await rightsRow(id);
    expect(Date.parse(row.retain_until!) - Date.parse(row.responded_at!)).toBeGreaterThanOrEqual(730 * 86_400_000);
    expect((await mailTo(site.id, email)).at(-1)!.text_body).toContain("Nothing else is held.");
    expect(done.events!.map((e) => e.kind)).toEqual(["received", "verified", "download_ready", "owner_notified", "in_progress", "extended", "requester_notified", "completed", "requester_notified"]);
    expect(done.events!.find((e) => e.kind === "completed")!.actor).toMatch(/^api key ak_/);
    const types = (await rightsEvents(site.id)).map((e) => e.type);
    expect(types).toEqual([
      "rights.request.received", "rights.request.verified", "rights.request.in_progress", "rights.request.extended", "rights.request.completed",
    ]);
    await expectProblem(await act(site.id, key, id, "deny", { basis: "late" }), 409, "request_changed");
    await settled(site.id);
  });

  it("deny states its basis to the requester; an unverified request can be denied too (R2.6, R9.5)", async () => {
    const { site, key, id, email } = await openAccessRequest();
    const denied = (await (await act(site.id, key, id, "deny", { basis: "We could not match the address to an account" })).json()) as RightsRequest;
    expect(denied).toMatchObject({ status: "denied", denialBasis: "We could not match the address to an account" });
    expect((await mailTo(site.id, email)).at(-1)!.text_body).toContain("We could not match the address to an account");
    await expectProblem(await act(site.id, key, id, "deny", {}), 422, "invalid_body");
    await settled(site.id);
  });

  it("an opt-out under CCPA cannot be extended; a deadline past its notice date cannot either (R9.6)", async () => {
    const { site, key } = await rightsSite();
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    const problem = await expectProblem(await act(site.id, key, id, "extend", { reason: "busy" }), 409, "extension_unavailable");
    expect(problem.detail).toContain("no extension");
    const access = await openAccessRequest();
    await sql(`UPDATE rights_requests SET extend_notice_by = '2020-01-01' WHERE id = ?1`, access.id);
    await expectProblem(await act(access.site.id, access.key, access.id, "extend", { reason: "busy" }), 409, "extension_unavailable");
    await settled(site.id);
    await settled(access.site.id);
  });

  it("twenty completes at once: one wins, one webhook, one notice (R6.8)", async () => {
    const { site, key, id, email } = await openAccessRequest();
    const before = (await mailTo(site.id, email)).length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => act(site.id, key, id, "complete")));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(19);
    expect((await rightsEvents(site.id)).filter((e) => e.type === "rights.request.completed")).toHaveLength(1);
    expect((await mailTo(site.id, email)).length).toBe(before + 1);
    expect((await historyKinds(id)).filter((k) => k === "completed")).toHaveLength(1);
    await settled(site.id);
  });

  it("the request log as CSV: every request, the fields the law names, no address (R2.6, R9.5)", async () => {
    const { site, key, id, email } = await openAccessRequest();
    await fileRights(site.id, { type: "opt_out" });
    const res = await rightsAdmin(site.id, "/requests.csv", key);
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("id,type,channel,verification,status,received_at,verified_at,acknowledge_by,due_by,extended_to,responded_at,outcome,denial_basis");
    expect(lines).toHaveLength(3);
    expect(lines.join("\n")).toContain(id);
    expect(lines.join("\n").toLowerCase()).not.toContain(email.toLowerCase());
    await settled(site.id);
  });

  it("delete a child's data (R9.9): the records go, a suppression hash stays, and the log has a completed request", async () => {
    const { site, key } = await rightsSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    const res = await rightsAdmin(site.id, "/child-data-deletion", key, { method: "POST", json: { email } });
    expect(res.status).toBe(201);
    const request = (await res.json()) as RightsRequest;
    expect(request).toMatchObject({ type: "child_data_deletion", status: "completed", outcome: "erased", channel: "api", email: null });
    const hash = await emailHash(workerEnv, email);
    expect((await subscriptionRows(site.id)).filter((s) => s.email_hash === hash)).toEqual([]);
    expect((await suppressionRows(site.id)).filter((s) => s.email_hash === hash).map((s) => s.list_id).sort()).toEqual(["blog", "marketing-email"]);
    await expectProblem(await rightsAdmin(site.id, "/child-data-deletion", key, { method: "POST", json: { email: "nope" } }), 422, "invalid_body");
    await settled(site.id);
  });

  it("a notice that cannot be sent does not undo the change: the request is closed and its history says the mail failed", async () => {
    const { site, key, id } = await openAccessRequest();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`http://assent.test/v1/sites/${site.id}/admin/rights/requests/${id}/complete`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ note: "Done" }),
      }),
      { ...workerEnv, MAIL_PROVIDER: "nope" } as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect((await rightsRow(id)).status).toBe("completed");
    expect((await historyKinds(id)).at(-1)).toBe("requester_notice_failed");
    await settled(site.id);
  });

  it(`the privacy contact gets at most ${OWNER_MAILS_PER_DAY} notices a day per site; the requests are still recorded`, async () => {
    const { site } = await rightsSite();
    const { id: first } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    const now = new Date().toISOString();
    for (let i = 1; i < OWNER_MAILS_PER_DAY; i++)
      await sql(`INSERT INTO rights_request_events (request_id, site_id, at, kind, actor, note) VALUES (?1, ?2, ?3, 'owner_notified', 'assent', 'new')`, first, site.id, now);
    const before = (await mailTo(site.id, "privacy@penguin.example")).length;
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    expect((await rightsRow(id)).status).toBe("open");
    expect(await historyKinds(id)).toEqual(["received"]);
    expect((await mailTo(site.id, "privacy@penguin.example")).length).toBe(before);
    await settled(site.id);
  });

  it("the admin API needs a key (R7.12)", async () => {
    const { site } = await rightsSite();
    const revoked = await insertApiKey(site.id, { revokedAt: new Date().toISOString() });
    await expectProblem(await rightsAdmin(site.id, "/requests", revoked.secret), 401, "api_key_invalid");
  });
});

/**
 * Privacy rights requests in the console (R9.5): owners and compliance members read the queue
 * and answer requests, under their own name in the request's history and the audit log;
 * viewers are refused (the log has no other use), and a member of one site sees nothing of
 * another's.
 */
import { describe, expect, it } from "vitest";
import type { RightsRequest, RightsRequestList } from "../../worker/contract";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { newAddress } from "./email-helpers";
import { expectProblem } from "./helpers";
import { clickLink, fileRights, historyKinds, mailTo, rightsSite, verifyTokenFor } from "./rights-helpers";
import { settled, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

const post = (cookie: string, siteId: string, id: string, action: string, body: unknown = {}) =>
  consoleCall(cookie, `/api/sites/${siteId}/rights/requests/${id}/${action}`, { method: "POST", body: JSON.stringify(body) });

describe("privacy requests in the console", () => {
  it("a compliance member reads the queue and answers a request; the history and the audit log name them (R9.5)", async () => {
    const { site } = await rightsSite();
    const officer = freshEmail("compliance");
    await grant(site.id, officer, "compliance");
    const session = await signIn(officer);
    const email = newAddress();
    const { id } = await fileRights(site.id, { type: "deletion", email });
    await clickLink(site.id, "verify", await verifyTokenFor(site.id, email));

    const queue = (await (await consoleCall(session, `/api/sites/${site.id}/rights/requests`)).json()) as RightsRequestList;
    expect(queue.requests.map((r) => [r.id, r.status, r.email])).toEqual([[id, "open", email.toLowerCase()]]);
    const started = (await (await post(session, site.id, id, "start", { note: "Deleting from the CRM" })).json()) as RightsRequest;
    expect(started.status).toBe("in_progress");
    const done = (await (await post(session, site.id, id, "complete", { note: "Deleted everywhere." })).json()) as RightsRequest;
    expect(done).toMatchObject({ status: "completed", email: null });
    expect(done.events!.filter((e) => e.kind === "in_progress" || e.kind === "completed").map((e) => e.actor)).toEqual([officer, officer]);
    expect((await mailTo(site.id, email)).at(-1)!.text_body).toContain("Deleted everywhere.");
    expect((await auditRows(site.id, officer)).map((a) => [a.action, a.target])).toEqual([
      ["rights.in_progress", id],
      ["rights.completed", id],
    ]);
    // The log as CSV: the request's row without its address; the download is audited.
    const csv = await consoleCall(session, `/api/sites/${site.id}/rights/requests.csv`);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    expect(text).toContain(`${id},deletion,api,email,completed,`);
    expect(text.toLowerCase()).not.toContain(email.toLowerCase());
    expect((await auditRows(site.id, officer)).map((a) => a.action)).toContain("rights.export");
    // The compliance role changes nothing else.
    await expectProblem(
      await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(freshEmail())}`, { method: "PUT", body: JSON.stringify({ role: "viewer" }) }),
      403,
      "owner_only",
    );
    await settled(site.id);
  });

  it("an owner may answer too; a viewer may not read the log (R9.5), nor act", async () => {
    const { site } = await rightsSite();
    const owner = freshEmail("owner");
    const viewer = freshEmail("viewer");
    await grant(site.id, owner, "owner");
    await grant(site.id, viewer, "viewer");
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    const v = await signIn(viewer);
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/rights/requests`), 403, "compliance_only");
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/rights/requests/${id}`), 403, "compliance_only");
    await expectProblem(await post(v, site.id, id, "complete"), 403, "compliance_only");
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/rights/requests.csv`), 403, "compliance_only");
    expect(await historyKinds(id)).toEqual(["received", "owner_notified"]);
    const o = await signIn(owner);
    expect((await post(o, site.id, id, "deny", { basis: "We hold no data under this address" })).status).toBe(200);
    await settled(site.id);
  });

  it("a member of another site gets 404; a bad query or body gets a problem and changes nothing (R7.12)", async () => {
    const { site } = await rightsSite();
    const other = await rightsSite();
    const officer = freshEmail("compliance");
    await grant(other.site.id, officer, "compliance");
    const session = await signIn(officer);
    const { id } = await fileRights(site.id, { type: "opt_out", email: newAddress() });
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/rights/requests`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${other.site.id}/rights/requests/${id}`), 404, "request_not_found");
    await expectProblem(await post(session, other.site.id, id, "complete"), 404, "request_not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${other.site.id}/rights/requests?status=lost`), 422, "invalid_query");
    await grant(site.id, officer, "compliance");
    await expectProblem(await post(session, site.id, id, "extend", {}), 422, "invalid_body");
    await expectProblem(await post(session, site.id, id, "deny", { basis: "" }), 422, "invalid_body");
    expect(await historyKinds(id)).toEqual(["received", "owner_notified"]);
    await settled(site.id);
  });
});

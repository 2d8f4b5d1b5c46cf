/**
 * Roles in the console: what an owner, a viewer and an owner of another site can do, the audit
 * row of every change, and the last-owner guard.
 */
import { describe, expect, it } from "vitest";
import type { ConsoleAuditPage, ConsoleMember } from "../../worker/contract";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { expectProblem, freshSite } from "./helpers";

const put = (cookie: string, siteId: string, email: string, role: string, origin?: string | null) =>
  consoleCall(cookie, `/api/sites/${siteId}/members/${encodeURIComponent(email)}`, {
    method: "PUT",
    body: JSON.stringify({ role }),
    ...(origin !== undefined ? { origin } : {}),
  });

describe("members", () => {
  it("an owner adds a viewer and changes a role; each change is in the audit log with fingerprints", async () => {
    const site = await freshSite();
    const owner = freshEmail("owner");
    const viewer = freshEmail("viewer");
    await grant(site.id, owner, "owner");
    const session = await signIn(owner);

    const added = await put(session, site.id, viewer.toUpperCase(), "viewer");
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ email: viewer, role: "viewer", changed: true });
    const promoted = await put(session, site.id, viewer, "owner");
    expect(promoted.status).toBe(200);
    // The same role again changes nothing and writes nothing.
    expect(await (await put(session, site.id, viewer, "owner")).json()).toMatchObject({ changed: false });

    const members = (await (await consoleCall(session, `/api/sites/${site.id}/members`)).json()) as { members: ConsoleMember[] };
    expect(members.members.map((m) => [m.email, m.role, m.addedBy])).toEqual(
      [
        [owner, "owner", "cli"],
        [viewer, "owner", owner],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    const rows = await auditRows(site.id);
    expect(rows.map((r) => [r.action, r.actor, r.target])).toEqual([
      ["member.add", owner, viewer],
      ["member.role", owner, viewer],
    ]);
    expect(rows[0]!.before_fp).toBeNull();
    expect(rows[0]!.after_fp).toMatch(/^[0-9a-f]{64}$/);
    // The promotion's "before" is the addition's "after": the log chains what it says.
    expect(rows[1]!.before_fp).toBe(rows[0]!.after_fp);
    expect(rows[1]!.after_fp).not.toBe(rows[1]!.before_fp);

    // The console shows the same log, newest first, in pages.
    const page1 = (await (await consoleCall(session, `/api/sites/${site.id}/audit?limit=1`)).json()) as ConsoleAuditPage;
    expect(page1.entries.map((e) => e.action)).toEqual(["member.role"]);
    const page2 = (await (await consoleCall(session, `/api/sites/${site.id}/audit?limit=1&before=${page1.next}`)).json()) as ConsoleAuditPage;
    expect(page2.entries.map((e) => e.action)).toEqual(["member.add"]);
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/audit?limit=0`), 422, "invalid_query");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/audit?limit=1&foo=1`), 422, "invalid_query");
  });

  it("the last owner can be neither removed nor made a viewer, and the refusal writes nothing", async () => {
    const site = await freshSite();
    const owner = freshEmail();
    await grant(site.id, owner, "owner");
    const session = await signIn(owner);
    await expectProblem(await put(session, site.id, owner, "viewer"), 409, "last_owner");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(owner)}`, { method: "DELETE" }), 409, "last_owner");
    expect(await auditRows(site.id)).toEqual([]);

    // With a second owner, the first may step down.
    const second = freshEmail();
    expect((await put(session, site.id, second, "owner")).status).toBe(201);
    expect((await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(owner)}`, { method: "DELETE" })).status).toBe(204);
    // …and is then nobody here.
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/members`), 404, "not_found");
  });

  it("a viewer reads but cannot change; an owner of another site cannot even read (R7.12)", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const owner = freshEmail();
    const viewer = freshEmail();
    const stranger = freshEmail();
    await grant(site.id, owner, "owner");
    await grant(site.id, viewer, "viewer");
    await grant(other.id, stranger, "owner");
    const [v, s] = [await signIn(viewer), await signIn(stranger)];

    expect((await consoleCall(v, `/api/sites/${site.id}/audit`)).status).toBe(200);
    expect((await consoleCall(v, `/api/sites/${site.id}/members`)).status).toBe(200);
    await expectProblem(await put(v, site.id, viewer, "owner"), 403, "owner_only");
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/members/${encodeURIComponent(owner)}`, { method: "DELETE" }), 403, "owner_only");

    // Another site's owner: the site might as well not exist (no 403 that confirms it does).
    for (const path of [`/api/sites/${site.id}/audit`, `/api/sites/${site.id}/members`]) await expectProblem(await consoleCall(s, path), 404, "not_found");
    await expectProblem(await put(s, site.id, stranger, "owner"), 404, "not_found");
    // A site id that is no site id at all gets the same.
    await expectProblem(await consoleCall(s, "/api/sites/..%2Fother/members"), 404, "not_found");
    expect(await auditRows(site.id)).toEqual([]);
  });

  it("a change with another Origin, or none, is refused before anything is written", async () => {
    const site = await freshSite();
    const owner = freshEmail();
    await grant(site.id, owner, "owner");
    const session = await signIn(owner);
    const newcomer = freshEmail();
    await expectProblem(await put(session, site.id, newcomer, "owner", "https://evil.example"), 403, "origin_refused");
    await expectProblem(await put(session, site.id, newcomer, "owner", null), 403, "origin_refused");
    await expectProblem(await put(session, site.id, newcomer, "owner", "null"), 403, "origin_refused");
    expect(await auditRows(site.id)).toEqual([]);
    const members = (await (await consoleCall(session, `/api/sites/${site.id}/members`)).json()) as { members: ConsoleMember[] };
    expect(members.members.map((m) => m.email)).toEqual([owner]);
  });

  it("bad input gets a problem and writes nothing", async () => {
    const site = await freshSite();
    const owner = freshEmail();
    await grant(site.id, owner, "owner");
    const session = await signIn(owner);
    await expectProblem(await put(session, site.id, "not-an-address", "viewer"), 422, "invalid_path");
    await expectProblem(await put(session, site.id, freshEmail(), "admin"), 422, "invalid_body");
    await expectProblem(
      await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(freshEmail())}`, { method: "PUT", body: "{" }),
      400,
      "malformed_json",
    );
    await expectProblem(
      await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(freshEmail())}`, { method: "PUT", body: JSON.stringify({ role: "viewer", extra: 1 }) }),
      422,
      "invalid_body",
    );
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/members/${encodeURIComponent(freshEmail())}`, { method: "DELETE" }), 404, "not_found");
    expect(await auditRows(site.id)).toEqual([]);
  });
});

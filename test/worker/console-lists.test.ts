/**
 * Email lists in the console: counts by status, looking one address up (owners), exporting
 * confirmed subscribers (owners), and nothing for a viewer or a stranger beyond their role.
 */
import { describe, expect, it } from "vitest";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { emailHash } from "../../worker/email/address";
import { unsubscribeUrl } from "../../worker/email/links";
import { confirmedSubscriber, newAddress, postSignup, signupBody, workerEnv } from "./email-helpers";
import { call, expectProblem, freshSite } from "./helpers";

describe("email lists in the console", () => {
  it("counts each list's addresses by status; an owner looks one up and exports the confirmed ones", async () => {
    const site = await freshSite();
    const a = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    const b = await confirmedSubscriber(site.id, ["blog"]);
    expect((await postSignup(site.id, signupBody({ email: newAddress(), lists: ["blog"] }))).status).toBe(202);
    // b leaves the blog with the one-click link of its messages.
    const url = await unsubscribeUrl(workerEnv, "https://assent.example", site.id, "blog", await emailHash(workerEnv, b.toLowerCase()));
    const leave = await call(new URL(url).pathname, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(leave.status).toBe(200);
    const owner = freshEmail();
    const viewer = freshEmail();
    await grant(site.id, owner, "owner");
    await grant(site.id, viewer, "viewer");
    const [o, v] = [await signIn(owner), await signIn(viewer)];

    const lists = (await (await consoleCall(v, `/api/sites/${site.id}/lists`)).json()) as { lists: { id: string; confirmed: number; pending: number; unsubscribed: number; suppressed: number }[] };
    expect(lists.lists).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "marketing-email", confirmed: 1, pending: 0, unsubscribed: 0, suppressed: 0 }),
        expect.objectContaining({ id: "blog", confirmed: 1, pending: 1, unsubscribed: 1, suppressed: 1 }),
      ]),
    );

    const look = async (session: string, email: string) => consoleCall(session, `/api/sites/${site.id}/lists/lookup`, { method: "POST", body: JSON.stringify({ email }) });
    expect(await (await look(o, a.toUpperCase())).json()).toEqual({ known: true, statuses: { "marketing-email": "confirmed", blog: "confirmed" }, linkedBrowsers: 0 });
    expect(await (await look(o, newAddress())).json()).toEqual({ known: false, statuses: {}, linkedBrowsers: 0 });
    await expectProblem(await look(v, a), 403, "owner_only");
    await expectProblem(await look(o, "not an address"), 422, "invalid_body");

    const csv = await consoleCall(o, `/api/sites/${site.id}/lists/blog/export`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Disposition")).toBe(`attachment; filename="assent-${site.id}-blog-confirmed.csv"`);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("email,confirmedAt,textVersion,locale,sourceUrl");
    // Confirmed only: b left the blog.
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([a.toLowerCase()]);
    await expectProblem(await consoleCall(v, `/api/sites/${site.id}/lists/blog/export`), 403, "owner_only");
    await expectProblem(await consoleCall(o, `/api/sites/${site.id}/lists/nope/export`), 404, "unknown_list");
    expect((await auditRows(site.id)).map((r) => [r.action, r.target])).toEqual([["list.export", "blog"]]);

    const stranger = freshEmail();
    await grant((await freshSite()).id, stranger, "owner");
    const s = await signIn(stranger);
    await expectProblem(await consoleCall(s, `/api/sites/${site.id}/lists`), 404, "not_found");
    await expectProblem(await consoleCall(s, `/api/sites/${site.id}/lists/blog/export`), 404, "not_found");
  });
});

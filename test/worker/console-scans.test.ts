/**
 * Compliance scan reports in the console: every role on the site reads them (a report names
 * pages, cookies and hosts, nobody's data), from the same store the admin API writes; a member
 * of another site, or nobody signed in, gets nothing; the console has no way to write one.
 */
import { describe, expect, it } from "vitest";
import type { ConsoleRole, ScanCreated, ScanList } from "../../worker/contract";
import { StoredScan } from "../../worker/contract";
import { consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { auth, call, expectProblem, freshSite, insertApiKey } from "./helpers";
import { scanReport } from "./scan-fixture";

/** A site with `count` reports sent through the admin API, as CI would; the ids, newest first. */
async function siteWithScans(count: number) {
  const site = await freshSite();
  const key = await insertApiKey(site.id);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call(`/v1/sites/${site.id}/admin/scans`, {
      method: "POST",
      headers: { ...auth(key.secret), "Content-Type": "application/json" },
      body: JSON.stringify(scanReport(site.id, { url: `https://shop.example.com/?run=${i}` })),
    });
    expect(res.status).toBe(201);
    ids.unshift(((await res.json()) as ScanCreated).id);
    // Reports a millisecond apart at least, so "newest" is the order they were sent in.
    await new Promise((r) => setTimeout(r, 2));
  }
  return { site, ids };
}

async function member(siteId: string, role: ConsoleRole) {
  const email = freshEmail(role);
  await grant(siteId, email, role);
  return signIn(email);
}

describe("compliance scans in the console", () => {
  it.each(["owner", "compliance", "viewer"] as const)("a %s reads the history, the latest report and any one report", async (role) => {
    const { site, ids } = await siteWithScans(3);
    const session = await member(site.id, role);

    const res = await consoleCall(session, `/api/sites/${site.id}/scans?limit=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const first = (await res.json()) as ScanList;
    expect(first.scans.map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.scans[0]).toMatchObject({ url: "https://shop.example.com/?run=2", errors: 5, warnings: 3, infos: 1, tool: "assent-scan 0.9.0" });
    const second = (await (await consoleCall(session, `/api/sites/${site.id}/scans?limit=2&cursor=${encodeURIComponent(first.next!)}`)).json()) as ScanList;
    expect(second).toMatchObject({ scans: [{ id: ids[2] }], next: null });

    const latest = StoredScan.parse(await (await consoleCall(session, `/api/sites/${site.id}/scans/latest`)).json());
    expect(latest.id).toBe(ids[0]);
    expect(latest.report).toEqual(scanReport(site.id, { url: "https://shop.example.com/?run=2" }));
    const oldest = StoredScan.parse(await (await consoleCall(session, `/api/sites/${site.id}/scans/${ids[2]}`)).json());
    expect(oldest.report.url).toBe("https://shop.example.com/?run=0");
  });

  it("a site with no report: an empty history, and the latest is 404 scan_not_found", async () => {
    const site = await freshSite();
    const session = await member(site.id, "viewer");
    expect(await (await consoleCall(session, `/api/sites/${site.id}/scans`)).json()).toEqual({ scans: [], next: null });
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/scans/latest`), 404, "scan_not_found");
  });

  it("a member of another site gets 404 for the site, and a report of one site is not found under another (R7.12)", async () => {
    const a = await siteWithScans(1);
    const b = await siteWithScans(1);
    const session = await member(b.site.id, "owner");
    await expectProblem(await consoleCall(session, `/api/sites/${a.site.id}/scans`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${a.site.id}/scans/latest`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${a.site.id}/scans/${a.ids[0]}`), 404, "not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${b.site.id}/scans/${a.ids[0]}`), 404, "scan_not_found");
    await expectProblem(await consoleCall(session, `/api/sites/${b.site.id}/scans/not-a-scan`), 404, "scan_not_found");
  });

  it("signed out: 401, never a report; the console cannot write one", async () => {
    const { site } = await siteWithScans(1);
    await expectProblem(await consoleCall(null, `/api/sites/${site.id}/scans`), 401, "signed_out");
    await expectProblem(await consoleCall(null, `/api/sites/${site.id}/scans/latest`), 401, "signed_out");
    const owner = await member(site.id, "owner");
    const post = await consoleCall(owner, `/api/sites/${site.id}/scans`, { method: "POST", body: JSON.stringify(scanReport(site.id)) });
    await expectProblem(post, 404, "not_found");
    expect(((await (await consoleCall(owner, `/api/sites/${site.id}/scans`)).json()) as ScanList).scans).toHaveLength(1);
  });

  it("a bad query gets 400 invalid_query", async () => {
    const site = await freshSite();
    const session = await member(site.id, "viewer");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/scans?limit=500`), 400, "invalid_query");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/scans?cursor=2026`), 400, "invalid_query");
  });
});

/**
 * Compliance scans in the console, in Chromium: an owner finds how to send a report, a report
 * sent as CI sends it (the site's API key, `POST …/admin/scans`) shows its verdict, visitors,
 * findings by severity and suggestions; the history shows an older scan; "Add to config draft"
 * puts a suggested entry in the configuration page's draft (and publishes nothing); a viewer
 * reads the same page without the draft action. axe on each state, light and dark, at 320 px.
 */
import type { Page } from "@playwright/test";
import type { ScanCreated } from "../../worker/contract";
import { DEMO_SITE, loadSiteConfig } from "../../local/index";
import { scanReport } from "../worker/scan-fixture";
import { expectNoAxeViolations, freshEmail, signIn } from "./axe-and-sign-in";
import { expect, test } from "./fixtures";

/** A console API call from the signed-in page (same origin: the cookie and the Origin header go with it). */
function consoleApi<T>(page: Page, path: string, body: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, body }) => {
      const res = await fetch(`/console/api${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    { path, body },
  );
}

test.describe("compliance scans in the console", () => {
  test("an owner sends a report as CI would, reads it, looks at an older one, and adds a suggestion to the config draft; a viewer reads it", async ({ page, assent }) => {
    test.setTimeout(90_000);
    const owner = freshEmail("owner");
    const viewer = freshEmail("viewer");
    const siteId = `scans-${Date.now().toString(36)}`;
    // A site of its own (a copy of the demo's configuration: categories necessary and usage),
    // so this test adds no owner to the demo site that other console tests count on.
    await assent.worker.pushSite({ ...loadSiteConfig(DEMO_SITE), id: siteId, name: "Penguin shop", allowedOrigins: ["https://shop.example.com"] });
    await assent.worker.grantConsole(siteId, owner, "owner");
    await signIn(page, await assent.worker.consoleLink(owner));

    // No scan yet: the page says how to send one, with this site's endpoint.
    await page.getByRole("link", { name: "Compliance scans of Penguin shop" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Compliance scans of Penguin shop" })).toBeFocused();
    await expect(page.getByRole("heading", { level: 2, name: "No scan yet" })).toBeVisible();
    await expect(page.getByRole("region", { name: "The scan command" })).toHaveText("npm run scan -- https://www.example.com/ --json scan.json");
    await expect(page.getByRole("region", { name: "The command that sends the report" })).toContainText(
      `-H "Authorization: Bearer $ASSENT_API_KEY" -H "Content-Type: application/json"`,
    );
    await expect(page.getByRole("region", { name: "The command that sends the report" })).toContainText(
      `--data-binary @scan.json ${assent.worker.url.origin}/v1/sites/${siteId}/admin/scans`,
    );
    await expectNoAxeViolations(page, "scans, empty");

    // CI: a key from the console, an older clean scan, then the latest with findings.
    const { secret } = await consoleApi<{ secret: string }>(page, `/sites/${siteId}/keys`, { label: "CI" });
    const send = async (report: unknown) => {
      const res = await fetch(new URL(`/v1/sites/${siteId}/admin/scans`, assent.worker.url), {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: JSON.stringify(report),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as ScanCreated;
    };
    await send(
      scanReport(siteId, {
        url: "https://shop.example.com/old",
        startedAt: "2026-10-01T08:00:00.000Z",
        finishedAt: "2026-10-01T08:00:30.000Z",
        findings: [],
        suggestions: [],
        summary: { errors: 0, warnings: 0, infos: 0, pages: ["https://shop.example.com/old"] },
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    const latest = await send(scanReport(siteId));
    expect(latest.summary).toEqual({ errors: 5, warnings: 3, infos: 1 });

    await page.reload();
    await expect(page.getByRole("heading", { level: 2, name: "Latest scan of https://shop.example.com/" })).toBeVisible();
    await expect(page.getByText("Problems found: 5 errors, 3 warnings, 1 note")).toBeVisible();
    await expect(page.getByText("assent-scan 0.9.0")).toBeVisible();
    const visitors = page.getByRole("region", { name: "Visitors played" });
    await expect(visitors.getByRole("row", { name: /^Californian with Global Privacy Control opt-out CA on/ })).toBeVisible();
    await expect(visitors.getByRole("row", { name: /^EU visitor opt-in DE off/ })).toBeVisible();
    const errors = page.getByRole("region", { name: "Errors (5)" });
    await expect(errors.getByRole("row")).toHaveCount(6);
    await expect(errors.getByRole("row").filter({ hasText: "before-choice/third-party" })).toContainText("script from connect.facebook.net, third party");
    await expect(errors.getByRole("row").filter({ hasText: "banner/reject-weaker" })).toContainText("Reject 96×32, 13px/400, contrast 2.5:1");
    await expect(page.getByRole("region", { name: "Warnings (3)" }).getByRole("row")).toHaveCount(4);
    await expect(page.getByRole("region", { name: "Notes (1)" })).toContainText("declared cookie pg_usage in usage, 395 d");
    await expect(page.getByRole("region", { name: "Suggested config entries" }).getByRole("row")).toHaveCount(5);
    await expect(page.getByRole("region", { name: "Category usage" })).toContainText('"name": "_gid"');
    await expect(page.getByText("The configuration has no category “marketing”")).toBeVisible();
    await expect(page.getByText(/^1 host to list under a vendor's/)).toContainText("connect.facebook.net");
    await expectNoAxeViolations(page, "scans, a report");

    // The history: the older scan, chosen, is shown.
    const history = page.getByRole("region", { name: "Scan history" });
    await expect(history.getByRole("row")).toHaveCount(3);
    await history.getByRole("row").filter({ hasText: "https://shop.example.com/old" }).getByRole("button").click();
    await expect(page.getByRole("heading", { level: 2, name: "Scan of https://shop.example.com/old" })).toBeFocused();
    await expect(page.getByText("No problems found: 0 errors, 0 warnings, 0 notes")).toBeVisible();
    await expect(page.getByText("None: the site kept every promise the scanner checks.")).toBeVisible();
    await history.getByRole("row").nth(1).getByRole("button").click();
    await expect(page.getByRole("heading", { level: 2, name: "Latest scan of https://shop.example.com/" })).toBeFocused();

    // Dark, 320 px: tables and commands scroll inside their own regions.
    await page.setViewportSize({ width: 320, height: 640 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "scans, a report, dark, 320 px");
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: "light" });

    // Add to config draft: the configuration page opens with the entry in its draft, unpublished.
    await page.getByRole("button", { name: "Add to config draft: the usage entries" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Configuration of Penguin shop" })).toBeVisible();
    await expect(page.getByRole("status").first()).toContainText("Added to the draft from the scan of https://shop.example.com/");
    await expect(page.getByRole("status").first()).toContainText("_gid (usage)");
    await page.getByRole("button", { name: "JSON", exact: true }).click();
    const doc = JSON.parse(await page.getByLabel(/The configuration as JSON/).inputValue()) as { categories: { id: string; storage: { name: string }[] }[] };
    expect(doc.categories.find((c) => c.id === "usage")!.storage.map((s) => s.name)).toContain("_gid");
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByRole("status").first()).toHaveText("The draft is valid.");
    const live = await page.evaluate(async (id) => (await (await fetch(`/console/api/sites/${id}/config`)).json()) as { config: typeof doc }, siteId);
    expect(live.config.categories.find((c) => c.id === "usage")!.storage.map((s) => s.name)).not.toContain("_gid");

    // A viewer reads the same report; the draft action is an owner's.
    await assent.worker.grantConsole(siteId, viewer, "viewer");
    await page.context().clearCookies();
    await signIn(page, await assent.worker.consoleLink(viewer));
    await page.getByRole("link", { name: "Compliance scans of Penguin shop" }).click();
    await expect(page.getByText("Problems found: 5 errors, 3 warnings, 1 note")).toBeVisible();
    await expect(page.getByRole("region", { name: "Category usage" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Add to config draft/ })).toHaveCount(0);
  });
});

/**
 * Global Privacy Control and regimes (R2.1–R2.4, R0.4): GPC is honoured without friction and the
 * page says so; opt-out regimes get a notice with a one-step opt-out instead of an opt-in wall.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { analyticsRuns, serverReceipts, syncedRecord } from "./helpers";

async function withGpc(page: Page) {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
}

test("GPC in an opt-out state: honoured and recorded automatically, no form, shown as honoured (R0.4, R2.1, R2.2, R2.4)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await withGpc(page);
  const bodies: unknown[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/consents")) bodies.push(r.postDataJSON());
  });
  await page.goto(ca.worker.url.href);
  const banner = page.locator("assent-banner");
  await expect(banner.getByRole("status")).toContainText("Opt-Out Request Honored");
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: false });
  expect(bodies).toEqual([expect.objectContaining({ gpc: true, surface: "gpc" })]);
  const receipts = await serverReceipts(ca.worker.url, record.token!);
  expect(receipts[0]).toMatchObject({ surface: "gpc", gpc: true, regime: "opt-out", jurisdiction: "US-CA" });
  expect(await analyticsRuns(page)).toBe(0);
  // Frictionless: nothing asks the visitor to confirm (the page's own blog form is not ours).
  await expect(page.locator("assent-banner").locator("form, input")).toHaveCount(0);
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("GPC beats an earlier accept: turned off and recorded on the next visit (R2.3)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await page.goto(ca.worker.url.href);
  // Opt-out regime: the notice, with the site's defaults in effect.
  const banner = page.locator("assent-banner");
  await expect(banner.getByRole("button", { name: "Do Not Sell or Share My Personal Information" })).toBeVisible();
  await banner.getByRole("button", { name: "Your Privacy Choices" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Accept all" }).click();
  const accepted = await syncedRecord(page);
  expect(accepted.categories.usage).toBe(true);

  const gpcPage = await page.context().newPage();
  await withGpc(gpcPage);
  await gpcPage.goto(ca.worker.url.href);
  await gpcPage.waitForFunction(() => {
    const r = JSON.parse(localStorage.getItem("assent:v1:demo") ?? "null") as { categories: { usage: boolean }; pending?: unknown; receiptId?: string } | null;
    return r && r.categories.usage === false && !r.pending;
  });
  expect(await analyticsRuns(gpcPage)).toBe(0);
  const receipts = await serverReceipts(ca.worker.url, accepted.token!);
  expect(receipts.map((r) => [r.surface, r.categories.usage])).toEqual([["preferences", true], ["gpc", false]]);
});

test("opt-out regime: one click on Do Not Sell or Share opts out (R0.4, R2.5)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await page.goto(ca.worker.url.href);
  // Before any choice the regime's defaults apply (usage allowed until the visitor opts out).
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  await page.locator("assent-banner").getByRole("button", { name: "Do Not Sell or Share My Personal Information" }).click();
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: false });
  expect(await page.evaluate(() => document.cookie)).not.toContain("pg_usage=");
});

test("GPC in an opt-in region: the banner still asks, says GPC is honoured, and Accept all cannot grant sharing (R0.4, R2.2)", async ({ page, assentAt }) => {
  const de = await assentAt({ country: "DE" });
  await withGpc(page);
  await page.goto(de.worker.url.href);
  const banner = page.locator("assent-banner");
  await expect(banner.getByRole("status")).toBeVisible();
  await banner.getByRole("button", { name: "Accept all" }).click();
  const record = await syncedRecord(page);
  expect(record.categories.usage).toBe(false);
  expect(await analyticsRuns(page)).toBe(0);
});

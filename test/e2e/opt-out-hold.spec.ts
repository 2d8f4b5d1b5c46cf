/**
 * A US opt-out holds (R2.7, R0.3): after "Do Not Sell or Share", nothing asks the visitor to opt
 * back in for 12 months — not the refusal lifetime running out, not a material policy change —
 * while an opt-in the visitor starts in the preference center still works. A fake clock stands
 * in for the year.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { analyticsRuns, localRecord, serverReceipts, syncedRecord } from "./helpers";

const DAY = 86_400_000;
const doNotSell = (page: Page) => page.locator("assent-banner").getByRole("button", { name: "Do Not Sell or Share My Personal Information" });

test("after Do Not Sell or Share, no prompt to opt back in for 12 months, even across a material change; then asked again (R2.7, R0.3)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  const start = Date.now();
  await page.clock.install({ time: start });
  await page.goto(ca.worker.url.href);
  await doNotSell(page).click();
  const record = await syncedRecord(page);
  // The opt-out is stated apart from the consent booleans, and holds a year (not the 180-day refusal).
  expect(record.usOptOut).toEqual({ saleSharing: true, targetedAds: true });
  expect(Date.parse(record.expiresAt)).toBeGreaterThanOrEqual(start + 365 * DAY - 60_000);
  const [receipt] = await serverReceipts(ca.worker.url, record.token!);
  expect(receipt).toMatchObject({ usOptOut: { saleSharing: true, targetedAds: true }, regime: "opt-out" });

  for (const day of [1, 181]) {
    await page.clock.setSystemTime(start + day * DAY);
    await page.reload();
    await expect(page.locator("#analytics-status")).not.toHaveText(/^Usage analytics: running/);
    await expect(doNotSell(page)).toHaveCount(0);
  }

  // A material change (a new vendor) on day 200: outside opt-in rules the opt-out still counts.
  await ca.pushDemo((c) => {
    c.categories[1]!.vendors.push({ id: "new-vendor", name: "New Analytics Co", policyUrl: "https://example.com/privacy", thirdParty: true, retentionDays: 30 });
    for (const t of Object.values(c.texts)) t.vendors["new-vendor"] = { purpose: "More analytics." };
  });
  for (const day of [200, 364]) {
    await page.clock.setSystemTime(start + day * DAY);
    await page.reload();
    await page.waitForFunction((t) => Date.parse(JSON.parse(localStorage.getItem("assent:v1:demo")!).checkedAt) >= t, start + day * DAY);
    await expect(doNotSell(page)).toHaveCount(0);
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect(await analyticsRuns(page)).toBe(0);
  }

  // Twelve months on, the visitor is told again.
  await page.clock.setSystemTime(start + 366 * DAY);
  await page.reload();
  await expect(doNotSell(page)).toBeVisible();
});

test("after an opt-out, an opt-in the visitor starts in the preference center still works (R2.7)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await page.goto(ca.worker.url.href);
  await doNotSell(page).click();
  const optedOut = await syncedRecord(page);
  expect(optedOut.categories.usage).toBe(false);

  await page.evaluate(() => window.assent!.open());
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("switch", { name: /usage/i }).click();
  await dialog.getByRole("button", { name: "Save choices" }).click();
  const optedIn = await syncedRecord(page, "demo", optedOut.receiptId);
  expect(optedIn.categories.usage).toBe(true);
  expect(optedIn.usOptOut).toEqual({ saleSharing: false, targetedAds: false });
  // On the next page the visitor's opt-in is what runs.
  await page.reload();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const receipts = await serverReceipts(ca.worker.url, optedIn.token!);
  expect(receipts.map((r) => [r.surface, r.usOptOut.saleSharing])).toEqual([["banner", true], ["preferences", false]]);
  expect((await localRecord(page))?.usOptOut?.saleSharing).toBe(false);
});

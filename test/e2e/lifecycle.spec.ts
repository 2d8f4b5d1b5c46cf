/**
 * A decision's life: a material policy change asks again, a wording change does not (R9.12);
 * refusals and grants expire when they should (R1.12, R1.13); a Worker that is down or loses an
 * answer never loses or doubles a decision (R6.1, R6.2).
 */
import { expect, test } from "./fixtures";
import { analyticsRuns, localRecord, serverReceipts, syncedRecord } from "./helpers";

const DAY = 86_400_000;
const bannerAccept = (page: import("@playwright/test").Page) => page.locator("assent-banner").getByRole("button", { name: "Accept all" });

test("a material change (a new vendor) asks again; a wording change does not (R9.12)", async ({ page, assent }) => {
  const start = Date.now();
  await page.clock.install({ time: start });
  await page.goto(assent.worker.url.href);
  await bannerAccept(page).click();
  const first = await syncedRecord(page);
  try {
    await changeAndCheck();
  } finally {
    await assent.pushDemo(); // the server is shared by this worker's later tests
  }

  async function changeAndCheck() {
  // Wording only: after the revalidation interval the check finds the same fingerprint.
  await assent.pushDemo((c) => {
    c.texts.en!.banner.title = "Your privacy choices at Penguin (reworded)";
  });
  await page.clock.setSystemTime(start + 61 * 60_000);
  await page.reload();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  await page.waitForFunction((t) => Date.parse(JSON.parse(localStorage.getItem("assent:v1:demo")!).checkedAt) >= t, start + 60 * 60_000);
  await expect(bannerAccept(page)).toHaveCount(0);

  // Material: a new vendor in "usage". The next check finds a new fingerprint: ask again.
  await assent.pushDemo((c) => {
    c.categories[1]!.vendors.push({ id: "new-vendor", name: "New Analytics Co", policyUrl: "https://example.com/privacy", thirdParty: true, retentionDays: 30 });
    for (const t of Object.values(c.texts)) t.vendors["new-vendor"] = { purpose: "More analytics." };
  });
  await page.clock.setSystemTime(start + 125 * 60_000);
  await page.reload();
  await expect(bannerAccept(page)).toBeVisible();
  await bannerAccept(page).click();
  const record = await syncedRecord(page, "demo", first.receiptId);
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toHaveLength(2);
  expect(receipts[1]!.policyFingerprint).not.toBe(receipts[0]!.policyFingerprint);
  }
});

test("a refusal is respected for 180 days, then the visitor is asked again (R1.12, R1.13)", async ({ page, assent }) => {
  const start = Date.now();
  await page.clock.install({ time: start });
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
  await syncedRecord(page);
  for (const day of [1, 30, 179]) {
    await page.clock.setSystemTime(start + day * DAY);
    await page.reload();
    await expect(page.locator("#analytics-status")).toHaveText(/you said no/);
    await expect(bannerAccept(page)).toHaveCount(0);
  }
  await page.clock.setSystemTime(start + 181 * DAY);
  await page.reload();
  await expect(bannerAccept(page)).toBeVisible();
  expect(await analyticsRuns(page)).toBe(0);
});

test("with the Worker unreachable the decision applies locally and is recorded later, once (R6.1)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.route("**/v1/sites/demo/consents", (route) => route.abort("connectionrefused"));
  await bannerAccept(page).click();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const pending = await localRecord(page);
  expect(pending?.pending).toBeTruthy();
  expect(pending?.receiptId).toBeUndefined();
  await page.unroute("**/v1/sites/demo/consents");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const record = await syncedRecord(page);
  expect(await serverReceipts(assent.worker.url, record.token!)).toHaveLength(1);
});

test("an answer lost on the way back is retried with the same key and recorded once", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  let lost = 0;
  await page.route("**/v1/sites/demo/consents", async (route) => {
    if (lost === 0) {
      lost++;
      await route.fetch(); // the Worker records it…
      await route.abort("connectionreset"); // …but the page never hears back
      return;
    }
    await route.continue();
  });
  await bannerAccept(page).click();
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const record = await syncedRecord(page);
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]!.id).toBe(record.receiptId);
});

test("with the Worker down at first visit the page keeps working and says the settings could not load", async ({ page, assent }) => {
  await page.route("**/v1/sites/demo/bootstrap*", (route) => route.abort("connectionrefused"));
  await page.goto(assent.worker.url.href);
  await expect(page.getByRole("heading", { name: "Business calls from any device" })).toBeVisible();
  const retry = page.locator("assent-banner").getByRole("button", { name: /Retry/ });
  await expect(retry).toBeVisible();
  expect(await analyticsRuns(page)).toBe(0);
  await page.unroute("**/v1/sites/demo/bootstrap*");
  await retry.click();
  await expect(bannerAccept(page)).toBeVisible();
});

/**
 * Decisions from the banner and the preference center: saved locally at once, recorded by the
 * Worker with a receipt, applied to gated scripts once, and on the next page applied with no
 * request at all (R1.3, R1.5, R1.11, R1.16, R6.1).
 */
import { expect, test } from "./fixtures";
import { analyticsRuns, localRecord, serverReceipts, syncedRecord } from "./helpers";

test("Accept all: persisted locally, receipt on the server, analytics runs once", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeHidden();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: true });
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]).toMatchObject({ id: record.receiptId, action: "accept_all", surface: "banner", categories: { necessary: true, usage: true } });
  expect(await analyticsRuns(page)).toBe(1);
  // The embed loads once usage is granted.
  await expect(page.locator("iframe.tour")).toBeVisible();
});

test("Reject all: one click, everything optional off, the refusal is recorded", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
  await expect(page.locator("#analytics-status")).toHaveText(/you said no/);
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: false });
  expect(await analyticsRuns(page)).toBe(0);
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts.map((r) => r.action)).toEqual(["reject_all"]);
});

test("Customize: the preference center starts with nothing optional on and saves exactly the toggles", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Customize" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const usage = dialog.getByRole("switch", { name: /Usage data/ });
  const necessary = dialog.getByRole("switch", { name: /Strictly necessary/ });
  await expect(usage).not.toBeChecked();
  await expect(necessary).toBeChecked();
  await expect(necessary).toBeDisabled();
  // Who gets the data is visible one step from the first layer (R1.6).
  await expect(dialog.locator('[part="vendor-names"]').nth(1)).toHaveText("Vendors: Penguin product analytics, Google Analytics (Google Ireland Ltd.)");
  await dialog.getByRole("button", { name: "Save choices" }).click();
  await expect(dialog).toBeHidden();
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: false });
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts[0]).toMatchObject({ action: "custom", surface: "preferences" });
});

test("a returning visitor sees no banner and causes no request to the Worker", async ({ page, assent }) => {
  // Cross-origin, as on a customer's site: every network request to the Worker's origin counts;
  // the script and its chunk may come from the browser's HTTP cache (that is not a request).
  await page.goto(assent.second.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await syncedRecord(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const fromCache = new Set<string>();
  const toWorker: { id: string; url: string }[] = [];
  cdp.on("Network.requestServedFromCache", (e) => fromCache.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) fromCache.add(e.requestId);
  });
  cdp.on("Network.requestWillBeSent", (e) => {
    if (new URL(e.request.url).origin === assent.worker.url.origin) toWorker.push({ id: e.requestId, url: e.request.url });
  });
  await page.reload();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  await page.waitForTimeout(1000);
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toHaveCount(0);
  expect(toWorker.filter((r) => !fromCache.has(r.id)).map((r) => r.url)).toEqual([]);
  expect(toWorker.filter((r) => new URL(r.url).pathname.startsWith("/v1/"))).toEqual([]);
  expect(await analyticsRuns(page)).toBe(1);
});

test("reopening the preference center shows the current state, not the defaults", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await syncedRecord(page);
  await page.reload();
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("switch", { name: /Usage data/ })).toBeChecked();
  const record = await localRecord(page);
  await expect(dialog.getByText(record!.receiptId!)).toBeVisible();
});

test("with cookieMirror configured, the choice is also in a first-party cookie the backend can read (never the token)", async ({ page, assent }) => {
  await assent.pushDemo((c) => {
    c.widget = { ...c.widget, cookieMirror: "penguin_consent" };
  });
  try {
    await page.goto(assent.worker.url.href);
    await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
    const record = await syncedRecord(page);
    const cookie = (await page.context().cookies()).find((c) => c.name === "penguin_consent");
    expect(cookie).toBeDefined();
    expect(cookie!.sameSite).toBe("Lax");
    const value = JSON.parse(decodeURIComponent(cookie!.value)) as { c: Record<string, boolean>; g: number; r: string | null };
    expect(value.c).toEqual({ necessary: true, usage: true });
    expect(value.r).toBe(record.receiptId);
    expect(cookie!.value).not.toContain(record.token!.split(".")[2]!);
  } finally {
    await assent.pushDemo();
  }
});

test("a decision in another tab applies here at once; an older record from elsewhere never replaces a newer one (R6.1)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeVisible();
  const other = await page.context().newPage();
  await other.goto(assent.worker.url.href);
  await other.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  // The first tab adopts it: the banner goes, the gated script runs.
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeHidden();
  expect(await page.evaluate(() => window.assent!.get().categories.usage)).toBe(true);

  // A stale copy written by some other tab (older updatedAt) is ignored.
  await other.evaluate(() => {
    const record = JSON.parse(localStorage.getItem("assent:v1:demo")!);
    record.categories.usage = false;
    record.updatedAt = new Date(Date.parse(record.updatedAt) - 60_000).toISOString();
    localStorage.setItem("assent:v1:demo", JSON.stringify(record));
  });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.assent!.get().categories.usage)).toBe(true);
});

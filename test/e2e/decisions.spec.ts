/**
 * Decisions from the banner and the preference center: saved locally at once, recorded by the
 * Worker with a receipt (kept signed in the local record), applied to gated scripts once, and on the next page applied with no
 * request at all (R1.3, R1.5, R1.11, R1.16, R6.1). Nothing is pre-ticked, and with several
 * purposes each one is a choice of its own (R1.4, R1.5: on a site of the test's own, since the
 * demo site has a single optional purpose).
 */
import { type JSONWebKeySet, compactVerify, createLocalJWKSet } from "jose";
import type { SiteConfigInput } from "../../worker/contract";
import { demoConfig, expect, test } from "./fixtures";
import { analyticsRuns, asSite, bannerOf, localRecord, serverReceipts, syncedRecord } from "./helpers";

/**
 * The demo's config as a site of its own (`siteId`, allowed on `origin`) with two more optional
 * purposes, "functional" and "marketing": the demo site alone has one optional purpose, too few
 * to show that each purpose is a choice of its own.
 */
function fourPurposes(siteId: string, origin: string): SiteConfigInput {
  return demoConfig([origin], (c) => {
    c.id = siteId;
    c.name = "Penguin shop";
    const vendor = (id: string, name: string) => ({ id, name, policyUrl: "https://example.com/privacy", thirdParty: true, retentionDays: 90 });
    c.categories.push(
      { id: "functional", consentMode: ["functionality_storage", "personalization_storage"], vendors: [vendor("chat-co", "Chat Co.")], storage: [{ name: "chat_prefs", type: "localStorage", durationDays: 90 }] },
      { id: "marketing", saleOrSharing: true, consentMode: ["ad_storage", "ad_user_data", "ad_personalization"], vendors: [vendor("ads-co", "Ads Co.")], storage: [{ name: "_fbp", type: "cookie", durationDays: 90 }] },
    );
    for (const t of Object.values(c.texts)) {
      t!.categories.functional = { title: "Functional", description: "Remembers your settings for the support chat." };
      t!.categories.marketing = { title: "Marketing", description: "Advertising on other sites, measured across them." };
      t!.vendors["chat-co"] = { purpose: "Support chat." };
      t!.vendors["ads-co"] = { purpose: "Advertising." };
    }
  });
}

test("Accept all: persisted locally, receipt on the server, analytics runs once (R1.14, R1.16)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeHidden();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: true });
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]).toMatchObject({ id: record.receiptId, action: "accept_all", surface: "banner", categories: { necessary: true, usage: true } });
  // The widget keeps the latest receipt as the Worker signed it; it verifies with the site's keys.
  expect(record.signedReceipt).toBe(receipts[0]!.jws);
  const keys = (await (await fetch(new URL("/.well-known/assent/demo/jwks.json", assent.worker.url))).json()) as JSONWebKeySet;
  const { payload } = await compactVerify(record.signedReceipt!, createLocalJWKSet(keys));
  expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ site: "demo", receipt: record.receiptId, action: "accept_all" });
  expect(await analyticsRuns(page)).toBe(1);
  // The embed loads once usage is granted.
  await expect(page.locator("iframe.tour")).toBeVisible();
});

test("Reject all: one click, everything optional off, the refusal is recorded (R1.2, R1.3, R1.14)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
  await expect(page.locator("#analytics-status")).toHaveText(/you said no/);
  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: false });
  expect(await analyticsRuns(page)).toBe(0);
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts.map((r) => r.action)).toEqual(["reject_all"]);
});

test("Customize: the preference center starts with nothing optional on and saves exactly the toggles (R1.4, R1.6, R1.9)", async ({ page, assent }) => {
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

test("with four purposes, Customize on a first visit has every optional switch off and necessary on and locked, and grants usage data alone (R1.4, R1.5)", async ({ page, assent }) => {
  const siteId = `purposes-${Date.now().toString(36)}`;
  await assent.worker.pushSite(fourPurposes(siteId, assent.worker.url.origin));
  await asSite(page, assent.worker.url.href, siteId);
  await page.goto(assent.worker.url.href);
  await bannerOf(page).getByRole("button", { name: "Customize" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();

  // Nothing is pre-ticked on any control of the dialog (purposes and email lists alike) but the
  // necessary switch, which is shown on, locked, and says why.
  await expect(dialog.getByRole("switch")).toHaveCount(4);
  for (const name of ["Usage data", "Functional", "Marketing"]) {
    const optional = dialog.getByRole("switch", { name });
    await expect(optional, name).not.toBeChecked();
    await expect(optional, name).toBeEnabled();
  }
  const necessary = dialog.getByRole("switch", { name: "Strictly necessary" });
  await expect(necessary).toBeChecked();
  await expect(necessary).toBeDisabled();
  await expect(necessary).toHaveAccessibleDescription(/Always on/);
  const controls = await dialog.locator("input[type=checkbox], [role=switch], [role=checkbox]").evaluateAll((els) =>
    els.map((el) => ({ id: el.id, on: (el as HTMLInputElement).checked || el.getAttribute("aria-checked") === "true" })),
  );
  expect(controls.length).toBeGreaterThanOrEqual(6); // the four switches and the two email lists' boxes
  expect(controls.filter((c) => c.on).map((c) => c.id)).toEqual(["switch-necessary"]);

  // One purpose, granted on its own: the others stay refused, in the record and in Consent Mode.
  await dialog.getByRole("switch", { name: "Usage data" }).check();
  await dialog.getByRole("button", { name: "Save choices" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const chosen = { necessary: true, usage: true, functional: false, marketing: false };
  const record = await syncedRecord(page, siteId);
  expect(record.categories).toEqual(chosen);
  expect(await serverReceipts(assent.worker.url, record.token!, siteId)).toEqual([expect.objectContaining({ action: "custom", surface: "preferences", categories: chosen })]);
  const update = await page.evaluate(() => Array.from((window.dataLayer as IArguments[]).filter((e) => e[0] === "consent").at(-1)!));
  expect(update).toEqual([
    "consent",
    "update",
    expect.objectContaining({
      analytics_storage: "granted",
      functionality_storage: "denied",
      personalization_storage: "denied",
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
    }),
  ]);
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

test("reopening the preference center shows the current state, not the defaults (R1.11)", async ({ page, assent }) => {
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

test("the code that records a decision comes when the visitor reaches for the banner (a pointer over it, a touch on it, focus in it), not before, and reaching decides nothing", async ({ browser, assent }) => {
  const decisionCode = (r: { url(): string }) => new URL(r.url()).pathname.endsWith("/decisions.js");
  const reaches: [string, (page: import("@playwright/test").Page) => Promise<void>][] = [
    ["pointer", async (page) => {
      const box = (await bannerOf(page).getByRole("heading").boundingBox())!;
      await page.mouse.move(box.x + 5, box.y + 5);
    }],
    // A finger on the banner's text, lifted off as a cancel: no tap, so no click anywhere.
    ["touch", async (page) => {
      const box = (await bannerOf(page).getByRole("heading").boundingBox())!;
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: box.x + 5, y: box.y + 5 }] });
      await cdp.send("Input.dispatchTouchEvent", { type: "touchCancel", touchPoints: [] });
    }],
    // The banner is first in the tab order (R8.2).
    ["focus", async (page) => page.keyboard.press("Tab")],
  ];
  for (const [how, reach] of reaches) {
    const context = await browser.newContext({ hasTouch: how === "touch" });
    try {
      const page = await context.newPage();
      const fetched: string[] = [];
      page.on("request", (r) => void (decisionCode(r) && fetched.push(r.url())));
      await page.goto(assent.worker.url.href);
      await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
      await page.waitForTimeout(300);
      expect(fetched, `${how}: before reaching`).toEqual([]);
      const asked = page.waitForRequest(decisionCode, { timeout: 10_000 });
      await reach(page);
      await asked.catch(() => Promise.reject(new Error(`${how}: decisions.js was not asked for`)));
      // Nothing was decided: the banner is still up and nothing is stored.
      await expect(bannerOf(page).getByRole("button", { name: "Accept all" }), how).toBeVisible();
      expect(await localRecord(page), how).toBeNull();
    } finally {
      await context.close();
    }
  }
});

/**
 * A first visit (R1.1, R1.2, R3.1, R4.1): the banner asks, nothing non-essential has run or been
 * stored, and the only requests to Assent are the script and bootstrap.
 */
import { expect, test } from "./fixtures";
import { CONSENT_DEFAULT } from "./helpers";

test("shows the banner and does nothing non-essential before a choice: no storage, no visitor id, no write (R1.1, R1.2, R4.1)", async ({ page, assent, workerRequests }) => {
  const requests = workerRequests(page);
  await page.goto(assent.worker.url.href);
  const banner = page.locator("assent-banner");
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  await expect(banner.getByRole("button", { name: "Reject all" })).toBeVisible();
  await expect(banner.getByRole("button", { name: "Customize" })).toBeVisible();

  // Only the page's own assets, the script and bootstrap: no write, no visitor id.
  const apiCalls = requests.filter((r) => new URL(r.url()).pathname.startsWith("/v1/"));
  expect(apiCalls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(["GET /v1/sites/demo/bootstrap"]);
  expect(requests.some((r) => new URL(r.url()).pathname === "/assent.js")).toBe(true);
  expect(requests.every((r) => r.headers().cookie === undefined)).toBe(true);
  // The banner's labels came with bootstrap: no strings file, and nothing of the preference center.
  const widgetFiles = requests.map((r) => new URL(r.url()).pathname).filter((path) => path.startsWith("/v/"));
  expect(widgetFiles.some((path) => path.endsWith("/banner.js"))).toBe(true);
  expect(widgetFiles.filter((path) => /\/(strings-[a-z]+|preferences)\.js$/.test(path))).toEqual([]);

  const storage = await page.evaluate(() => ({
    keys: Object.keys(localStorage),
    cookies: document.cookie,
    analyticsRuns: (window as unknown as { __penguinAnalyticsRuns?: number }).__penguinAnalyticsRuns ?? 0,
    tcf: typeof (window as unknown as { __tcfapi?: unknown }).__tcfapi,
  }));
  expect(storage).toEqual({ keys: [], cookies: "", analyticsRuns: 0, tcf: "undefined" });
  await expect(page.locator("#analytics-status")).toHaveText(/not running/);
  // The embed waits behind its placeholder.
  await expect(page.locator("iframe.tour")).toBeHidden();
  expect(await page.locator("iframe.tour").getAttribute("src")).toBeNull();
});

test("sets Consent Mode defaults before anything else, with all seven types (R3.1, R3.9)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeVisible();
  const first = await page.evaluate(() => {
    const entry = (window.dataLayer as IArguments[])[0]!;
    return Array.from(entry) as [string, string, Record<string, unknown>];
  });
  expect(first[0]).toBe("consent");
  expect(first[1]).toBe("default");
  expect(first[2]).toEqual(CONSENT_DEFAULT);
});

test("including the script twice changes nothing", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.evaluate(() => {
    const again = document.createElement("script");
    again.src = "/assent.js";
    again.dataset.site = "demo";
    document.head.append(again);
    return new Promise((r) => (again.onload = r));
  });
  await expect(page.locator("assent-banner")).toHaveCount(1);
  const defaults = await page.evaluate(
    () => (window.dataLayer as IArguments[]).filter((e) => e[0] === "consent" && e[1] === "default").length,
  );
  expect(defaults).toBe(1);
});

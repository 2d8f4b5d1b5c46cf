/**
 * A host page with a strict Content-Security-Policy (R7.10): no 'unsafe-inline', no
 * 'unsafe-eval'. The widget renders, decides, runs the gated script, loads the embed, reopens
 * and saves without a single `securitypolicyviolation`.
 */
import { expect, test } from "./fixtures";
import { bannerOf, syncedRecord } from "./helpers";

test("under a strict CSP: banner, Accept all, gated analytics, embed, preference center and Save cause no violation (R7.10)", async ({ page, assent }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener(
      "securitypolicyviolation",
      (e) => w.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`),
      true,
    );
  });
  const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  const response = await page.goto(new URL("/demo/strict-csp", assent.worker.url).href);
  const csp = response!.headers()["content-security-policy"];
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");

  // Rendering: the banner with its theme, and the embed's placeholder (the lazily loaded chunk).
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  expect(await banner.getByRole("button", { name: "Accept all" }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(29, 78, 216)");
  await expect(page.locator("assent-embed-placeholder").getByRole("button", { name: "Load" })).toBeVisible();
  expect(await violations()).toEqual([]);

  // Deciding: the gated script runs, the embed loads.
  await banner.getByRole("button", { name: "Accept all" }).click();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  await expect(page.frameLocator("iframe.tour").getByText("Penguin Softphone product tour")).toBeVisible();
  await syncedRecord(page);
  expect(await violations()).toEqual([]);

  // Reopening and saving.
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();
  const usage = dialog.getByRole("switch", { name: "Usage data" });
  await expect(usage).toBeChecked();
  // The dialog is styled (constructable stylesheets, no inline <style>): a modal with a backdrop.
  expect(await dialog.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe("solid");
  await usage.uncheck();
  await dialog.getByRole("button", { name: "Save choices" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("assent-preferences").getByRole("status").filter({ hasText: "Preferences saved." })).toHaveCount(1);
  expect((await syncedRecord(page)).categories.usage).toBe(false);
  expect(await violations()).toEqual([]);
});

/**
 * Google Consent Mode v2 (R3.1, R3.3, R3.9): default before any config or event, exactly one
 * update per decision, re-applied on the next page right after the default.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { syncedRecord } from "./helpers";

/** dataLayer as [command, action, params] for gtag entries, or the event name. */
function dataLayer(page: Page) {
  return page.evaluate(() =>
    (window.dataLayer ?? []).map((e) => {
      const entry = e as IArguments | Record<string, unknown>;
      if ("length" in entry && typeof entry.length === "number") {
        const a = Array.from(entry as IArguments) as unknown[];
        return { gtag: a[0] as string, action: a[1] as string, params: a[2] as Record<string, unknown> | undefined };
      }
      return { event: (entry as { event?: string }).event };
    }),
  );
}

test("default comes first, one update per decision, config and event after (R3.1, R3.3, R3.9)", async ({ page, assent }) => {
  await page.goto(new URL("/demo/gtag", assent.worker.url).href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await page.waitForFunction(() => (window.dataLayer ?? []).some((e) => (e as IArguments)[0] === "event"));
  const entries = await dataLayer(page);
  const index = (pred: (e: (typeof entries)[number]) => boolean) => entries.findIndex(pred);
  const firstDefault = index((e) => e.gtag === "consent" && e.action === "default");
  const updates = entries.filter((e) => e.gtag === "consent" && e.action === "update");
  expect(firstDefault).toBe(0);
  expect(updates).toHaveLength(1);
  expect(updates[0]!.params).toMatchObject({ analytics_storage: "granted", ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied", security_storage: "granted" });
  expect(Object.keys(updates[0]!.params!)).toHaveLength(7);
  // Everything that depends on the choice comes after the update that grants it: the tag's
  // config and event, and Assent's own dataLayer event announcing the update.
  const update = index((e) => e.gtag === "consent" && e.action === "update");
  expect(index((e) => e.gtag === "config")).toBeGreaterThan(update);
  expect(index((e) => e.gtag === "event")).toBeGreaterThan(update);
  expect(entries.filter((e) => e.event === "assent_consent_update")).toHaveLength(1);
  expect(index((e) => e.event === "assent_consent_update")).toBeGreaterThan(update);

  // Next page: default, then the stored choice as an update, before the tag's commands.
  await syncedRecord(page);
  await page.reload();
  await page.waitForFunction(() => (window.dataLayer ?? []).some((e) => (e as IArguments)[0] === "event"));
  const again = await dataLayer(page);
  expect(again[0]).toMatchObject({ gtag: "consent", action: "default" });
  expect(again[1]).toMatchObject({ gtag: "consent", action: "update", params: { analytics_storage: "granted" } });
  expect(again.findIndex((e) => e.gtag === "config")).toBeGreaterThan(1);
  expect(again.findIndex((e) => e.gtag === "event")).toBeGreaterThan(1);
});

test("withdrawal: denied at once, gated scripts stop, the category's cookies are deleted (R1.10)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  expect(await page.evaluate(() => document.cookie)).toContain("pg_usage=");
  await syncedRecord(page);
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Reject all" }).click();
  await expect(dialog).toBeHidden();
  const after = await page.evaluate(() => ({
    cookies: document.cookie,
    events: localStorage.getItem("pg_usage_events"),
    last: Array.from((window.dataLayer as IArguments[]).filter((e) => e[0] === "consent").at(-1)!),
  }));
  expect(after.cookies).not.toContain("pg_usage=");
  expect(after.events).toBeNull();
  expect(after.last[1]).toBe("update");
  expect(after.last[2]).toMatchObject({ analytics_storage: "denied" });
  // The embed is unloaded behind its placeholder again.
  await expect(page.locator("iframe.tour")).toBeHidden();
  const record = await syncedRecord(page);
  expect(record.categories.usage).toBe(false);
});

/**
 * Google Consent Mode v2 (R3.1, R3.3, R3.9): default before any config or event, exactly one
 * update per decision, re-applied on the next page right after the default. Defaults are
 * global, with no grant by region (R3.2); a Google tag behind data-consent is not requested
 * before a grant (basic mode, R3.6); Assent sets no url_passthrough or ads_data_redaction (R3.7).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { CONSENT_DEFAULT, syncedRecord } from "./helpers";

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

/** The Consent Mode commands in dataLayer, in order. */
async function consentCommands(page: Page) {
  return (await dataLayer(page)).flatMap((e) => (e.gtag === "consent" ? [{ action: e.action!, params: e.params! }] : []));
}

test("defaults are global and denied everywhere; before a choice only an opt-out region grants, and only by update (R3.2)", async ({ page, assent, assentAt }) => {
  const places = [
    { name: "unknown location", url: assent.worker.url, grantsBeforeChoice: false },
    { name: "Germany", url: (await assentAt({ country: "DE" })).worker.url, grantsBeforeChoice: false },
    { name: "United Kingdom", url: (await assentAt({ country: "GB" })).worker.url, grantsBeforeChoice: false },
    { name: "California", url: (await assentAt({ country: "US", regionCode: "CA" })).worker.url, grantsBeforeChoice: true },
  ];
  for (const place of places) {
    await page.goto(place.url.href);
    await expect(page.locator("assent-banner").getByRole("button").first(), place.name).toBeVisible();
    const commands = await consentCommands(page);
    const defaults = commands.filter((c) => c.action === "default");
    // One default, with no `region`: nothing is granted by location before the page knows the visitor.
    expect(defaults, place.name).toEqual([{ action: "default", params: CONSENT_DEFAULT }]);
    const granted = commands.filter((c) => c.action === "update" && c.params.analytics_storage === "granted");
    if (place.grantsBeforeChoice) expect(granted.length, place.name).toBeGreaterThan(0);
    else expect(commands.filter((c) => c.action === "update"), place.name).toEqual([]);
    // Even where usage data is on before a choice, ads are not (the opt-out is the visitor's).
    for (const c of granted) expect(c.params, place.name).toMatchObject({ ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" });
  }
});

test("a Google tag in a gated script is not even requested before a choice, and loads after Accept all (basic mode) (R3.6)", async ({ page, assent }) => {
  const gtagUrl = "https://www.googletagmanager.com/gtag/js?id=G-DEMO000000";
  // The page a site builds from docs/embed.md: gtag.js itself behind data-consent.
  await page.route(new URL("/demo/gtag-basic", assent.worker.url).href, (route) =>
    route.fulfill({
      contentType: "text/html",
      body:
        `<!doctype html><html lang="en"><head><title>Basic mode</title><script src="/assent.js" data-site="demo" defer></script>` +
        `<script type="text/plain" data-consent="usage" data-src="${gtagUrl}"></script>` +
        `<script type="text/plain" data-consent="usage" data-src="/demo/gtag-config.js"></script></head><body><main><h1>Basic mode</h1></main></body></html>`,
    }),
  );
  const google: string[] = [];
  // Offline here: the tag is answered by a stand-in that says it ran.
  await page.route(/googletagmanager\.com|google-analytics\.com/, (route) => {
    google.push(route.request().url());
    return route.fulfill({ contentType: "text/javascript", body: "window.__gtagLoaded = true;" });
  });
  await page.goto(new URL("/demo/gtag-basic", assent.worker.url).href, { waitUntil: "load" });
  await expect(page.locator("assent-banner").getByRole("button", { name: "Accept all" })).toBeVisible();
  // The page has settled (the banner's code and bootstrap are in): still nothing from Google.
  await page.waitForLoadState("networkidle");
  expect(google).toEqual([]);
  expect(await page.evaluate(() => (window as { __gtagLoaded?: boolean }).__gtagLoaded ?? false)).toBe(false);

  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await page.waitForFunction(() => (window as { __gtagLoaded?: boolean }).__gtagLoaded === true);
  expect(google).toEqual([gtagUrl]);
  // gtag.js ran after the update that granted it.
  const commands = await consentCommands(page);
  expect(commands.map((c) => c.action)).toEqual(["default", "update"]);
});

test("Assent sets neither url_passthrough nor ads_data_redaction: no gtag('set') of its own, first visit to return (R3.7)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await syncedRecord(page);
  await page.reload();
  await page.waitForFunction(() => (window.dataLayer ?? []).some((e) => (e as IArguments)[0] === "consent" && (e as IArguments)[1] === "update"));
  const entries = await page.evaluate(() => JSON.stringify((window.dataLayer ?? []).map((e) => ("length" in (e as IArguments) ? Array.from(e as IArguments) : e))));
  const parsed = JSON.parse(entries) as unknown[];
  expect(parsed.filter((e) => Array.isArray(e) && e[0] === "set")).toEqual([]);
  expect(entries).not.toContain("url_passthrough");
  expect(entries).not.toContain("ads_data_redaction");
  // What it did push: the default and the stored choice's update.
  expect(parsed.filter((e) => Array.isArray(e) && e[0] === "consent").map((e) => (e as string[])[1])).toEqual(["default", "update"]);
});

/**
 * The widget on a page and beside it: the gated embed's placeholder and its "Load" (R1.16), a
 * customer's site on another origin end to end with no cookies either way (R7.1), two sites on
 * two origins in one browser with unrelated visitor ids (R7.2), the page's
 * API (`window.assent`, its events, the dataLayer), the floating button and the preference
 * center's "Your data" (R1.10, R9.1, R9.2).
 */
import { readFile } from "node:fs/promises";
import type { Page, Response } from "@playwright/test";
import { DEMO_SITE, loadSiteConfig } from "../../local/index";
import { expect, test } from "./fixtures";
import { analyticsRuns, bannerOf, localRecord, sentHeaders, servePage, serverReceipts, syncedRecord } from "./helpers";

test("a blocked embed shows a placeholder; Load grants its purpose, loads it and is recorded as an embed decision (R1.16)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  const placeholder = page.locator("assent-embed-placeholder");
  const frame = page.locator("iframe.tour");
  await expect(placeholder.getByText("This content from 127.0.0.1 needs your consent for: Usage data.")).toBeVisible();
  await expect(frame).toBeHidden();
  expect(await frame.getAttribute("src")).toBeNull();

  await placeholder.getByRole("button", { name: "Load" }).click();
  await expect(frame).toBeVisible();
  await expect(frame).toHaveAttribute("src", "/demo/embed.html");
  await expect(page.frameLocator("iframe.tour").getByText("Penguin Softphone product tour")).toBeVisible();
  await expect(placeholder).toHaveCount(0);
  // A decision made elsewhere closes the banner; the purpose is granted for the whole page.
  await expect(bannerOf(page)).toHaveCount(0);
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);

  const record = await syncedRecord(page);
  expect(record.categories).toEqual({ necessary: true, usage: true });
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toHaveLength(1);
  expect(receipts[0]).toMatchObject({ id: record.receiptId, action: "custom", surface: "embed", categories: { necessary: true, usage: true } });
});

test("on another origin: banner, Accept all and a receipt, with no cookie sent to the Worker and none set by it (R7.1)", async ({ page, assent }) => {
  // A cookie the Worker's host would receive on any credentialed request (cookies ignore ports).
  await page.context().addCookies([{ name: "probe", value: "1", url: assent.worker.url.origin }]);
  const requests: Promise<{ path: string; cookie: string | undefined; origin: string | undefined }>[] = [];
  const responses: Promise<string | undefined>[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin === assent.worker.url.origin)
      requests.push(sentHeaders(r).then((h) => ({ path: `${r.method()} ${url.pathname}`, cookie: h.cookie, origin: h.origin })));
  });
  page.on("response", (res: Response) => {
    if (new URL(res.url()).origin === assent.worker.url.origin) responses.push(res.allHeaders().then((h) => h["set-cookie"]));
  });

  await page.goto(assent.second.url.href);
  const banner = bannerOf(page);
  await banner.getByRole("button", { name: "Accept all" }).click();
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  const record = await syncedRecord(page);
  expect(record.receiptId).toBeTruthy();
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts).toEqual([expect.objectContaining({ id: record.receiptId, action: "accept_all", surface: "banner" })]);

  // The preference center (its chunk comes from the Worker's origin too) shows the receipt.
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog.getByText(record.receiptId!)).toBeVisible();
  await expect(dialog.getByRole("switch", { name: "Usage data" })).toBeChecked();

  const toWorker = await Promise.all(requests);
  const api = toWorker.filter((r) => / \/v1\//.test(r.path));
  expect(api.map((r) => r.path)).toEqual(expect.arrayContaining(["GET /v1/sites/demo/bootstrap", "POST /v1/sites/demo/consents"]));
  for (const r of api) {
    expect(r.cookie, r.path).toBeUndefined();
    expect(r.origin, r.path).toBe(assent.second.url.origin);
  }
  // The lazily loaded modules (banner, preference center, their chunks) are fetched without
  // credentials as well, each once.
  const modules = toWorker.filter((r) => r.path.includes("/v/"));
  expect(modules.filter((r) => r.path.endsWith("/preferences.js"))).toHaveLength(1);
  expect(modules.filter((r) => r.path.endsWith("/banner.js"))).toHaveLength(1);
  for (const r of modules) expect(r.cookie, r.path).toBeUndefined();
  const setCookies = await Promise.all(responses);
  expect(setCookies.length).toBeGreaterThanOrEqual(4);
  expect(setCookies.filter(Boolean)).toEqual([]);
});

test("two sites on two origins in one browser: each has its own visitor id in its own storage, and neither learns the other's (R7.2)", async ({ page, assent }) => {
  // The demo site on the Worker's origin, and a site of this test's own on a page of its own
  // origin. (That page is served for real: a page fulfilled by request interception has no
  // address space, and Chromium then refuses it the loopback Worker.)
  const siteId = `other-${Date.now().toString(36)}`;
  const other = await otherSitePage(siteId, assent.worker.url.origin);
  try {
    await assent.worker.pushSite({ ...loadSiteConfig(DEMO_SITE), id: siteId, name: "Other shop", allowedOrigins: [other.origin] });
    await page.goto(assent.worker.url.href);
    await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
    const first = await syncedRecord(page);

    // What the other site's page sends to the Worker (the only page with its Origin or Referer).
    const sent: Promise<string>[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== assent.worker.url.origin) return;
      sent.push(sentHeaders(r).then((h) => ((h.origin ?? h.referer ?? "").startsWith(other.origin) ? `${r.method()} ${r.url()} ${JSON.stringify(h)} ${r.postData() ?? ""}` : "")));
    });
    await page.goto(other.origin);
    // The other site asks afresh: nothing of the first one's is stored or known there.
    await expect(bannerOf(page).getByRole("button", { name: "Reject all" })).toBeVisible();
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
    const second = await syncedRecord(page, siteId);

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(first.visitorId).toMatch(uuid);
    expect(second.visitorId).toMatch(uuid);
    expect(second.visitorId).not.toBe(first.visitorId);
    // Kept in the other site's own first-party storage, under its own key.
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([`assent:v1:${siteId}`]);
    const fromOther = (await Promise.all(sent)).filter(Boolean);
    expect(fromOther.some((r) => r.startsWith(`POST ${new URL(`/v1/sites/${siteId}/consents`, assent.worker.url).href}`))).toBe(true);
    for (const r of fromOther) {
      expect(r).not.toContain(first.visitorId);
      expect(r).not.toContain(first.token);
    }
    // On the Worker each id belongs to its own site: the first site's token opens nothing of the other's.
    expect((await serverReceipts(assent.worker.url, second.token!, siteId)).map((r) => r.id)).toEqual([second.receiptId]);
    const across = await fetch(new URL(`/v1/sites/${siteId}/me`, assent.worker.url), { headers: { Authorization: `Bearer ${first.token}` } });
    expect(across.status).toBe(403);
    expect(((await across.json()) as { code: string }).code).toBe("token_wrong_site");
  } finally {
    await other.close();
  }
});

/**
 * A customer's page on a loopback origin of its own, with the Assent tag for `siteId` as
 * docs/embed.md gives it (`crossorigin="anonymous"`: the script is fetched with CORS, which
 * the Worker must allow, or the page gets no widget at all).
 */
function otherSitePage(siteId: string, workerOrigin: string): Promise<{ origin: string; close(): Promise<void> }> {
  return servePage(
    `<!doctype html><html lang="en"><head><title>Other shop</title><script src="${workerOrigin}/assent.js" crossorigin="anonymous" data-site="${siteId}" defer></script></head><body><main><h1>Other shop</h1></main></body></html>`,
  );
}

/** dataLayer entries: consent updates and Assent's events, in order. */
function consentTrail(page: Page) {
  return page.evaluate(() =>
    (window.dataLayer ?? []).flatMap((e): ({ update: string | undefined } | { event: boolean | undefined })[] => {
      const entry = e as IArguments | { event?: string; assent_categories?: Record<string, boolean> };
      if ("length" in entry && typeof entry.length === "number") {
        const a = Array.from(entry as IArguments) as unknown[];
        return a[0] === "consent" && a[1] === "update" ? [{ update: (a[2] as Record<string, string>).analytics_storage }] : [];
      }
      const ev = entry as { event?: string; assent_categories?: Record<string, boolean> };
      return ev.event === "assent_consent_update" ? [{ event: ev.assent_categories!.usage }] : [];
    }),
  );
}

test("window.assent: get() is a copy, events fire, acceptAll() and rejectAll() decide, one dataLayer event per update (R1.10, R1.16, R3.3)", async ({ page, assent }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { readyCount: number };
    w.readyCount = 0;
    document.addEventListener("assent-ready", () => w.readyCount++);
  });
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as { readyCount: number }).readyCount)).toBe(1);

  // get(): a copy the page may change without changing the widget's state.
  const copy = await page.evaluate(() => {
    const first = window.assent!.get();
    first.categories.usage = true;
    first.decided = true;
    const next = window.assent!.get();
    return { usage: next.categories.usage, decided: next.decided, same: first === next };
  });
  expect(copy).toEqual({ usage: false, decided: false, same: false });

  await page.evaluate(() => {
    const w = window as unknown as { changes: unknown[] };
    w.changes = [];
    window.assent!.on("assent-change", (d) => w.changes.push({ changed: d.changed, surface: d.surface, usage: d.state.categories.usage }));
  });
  const changes = () => page.evaluate(() => (window as unknown as { changes: { changed: string[]; surface: string; usage: boolean }[] }).changes);

  await page.evaluate(() => window.assent!.acceptAll());
  await expect(bannerOf(page)).toHaveCount(0);
  await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
  expect(await page.evaluate(() => window.assent!.get().categories.usage)).toBe(true);
  await expect.poll(changes).toContainEqual({ changed: ["usage"], surface: "api", usage: true });
  await syncedRecord(page);

  await page.evaluate(() => window.assent!.rejectAll());
  expect(await page.evaluate(() => window.assent!.get().categories.usage)).toBe(false);
  await expect.poll(changes).toContainEqual({ changed: ["usage"], surface: "api", usage: false });
  const record = await syncedRecord(page);
  expect(record.categories.usage).toBe(false);
  const receipts = await serverReceipts(assent.worker.url, record.token!);
  expect(receipts.map((r) => [r.action, r.surface])).toEqual([["accept_all", "api"], ["reject_all", "api"]]);

  // Each decision: exactly one Consent Mode update followed by one assent_consent_update event.
  expect(await consentTrail(page)).toEqual([{ update: "granted" }, { event: true }, { update: "denied" }, { event: false }]);
  // Ready once per page, however many decisions follow.
  expect(await page.evaluate(() => (window as unknown as { readyCount: number }).readyCount)).toBe(1);
  expect(await analyticsRuns(page)).toBe(1);
});

test("assent.open() and the floating button open the preference center; the button appears after a decision (R1.10, R1.11, R8.2)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });

  await page.evaluate(() => window.assent!.open());
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("switch", { name: "Usage data" })).not.toBeChecked();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // While the banner asks, the floating button stays out of its way.
  const fab = page.locator("assent-floating-button").getByRole("button", { name: "Privacy choices" });
  await expect(fab).toBeHidden();
  await banner.getByRole("button", { name: "Accept all" }).click();
  await expect(fab).toBeVisible();
  await fab.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("switch", { name: "Usage data" })).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(fab).toBeFocused();
});

test("Your data: Download my data saves the export, Delete my data (after a confirmation) erases it here and on the Worker (R9.1, R9.2)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await bannerOf(page).getByRole("button", { name: "Accept all" }).click();
  const record = await syncedRecord(page);
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog.getByRole("heading", { name: "Your data" })).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Download my data" }).click()]);
  expect(download.suggestedFilename()).toBe("assent-demo-export.json");
  const exported = JSON.parse(await readFile(await download.path(), "utf8")) as { format: string; siteId: string; visitorId: string; receipts: { id: string }[] };
  expect(exported).toMatchObject({ format: "assent-export/1", siteId: "demo", visitorId: record.visitorId });
  expect(exported.receipts.map((r) => r.id)).toEqual([record.receiptId]);

  // Delete asks first; Cancel or nothing keeps everything.
  await dialog.getByRole("button", { name: "Delete my data" }).click();
  await expect(dialog.getByText(/^Delete your consent record and its history from our server\?/)).toBeVisible();
  expect(await localRecord(page)).not.toBeNull();
  const me = () => fetch(new URL("/v1/sites/demo/me", assent.worker.url), { headers: { Authorization: `Bearer ${record.token}` } });
  expect((await me()).status).toBe(200);

  await dialog.getByRole("button", { name: "Yes, delete" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Your data was deleted." })).toBeVisible();
  expect(await localRecord(page)).toBeNull();
  // Gone on the Worker, and the token with it: it no longer reads anything.
  const after = await me();
  expect(after.status).toBe(401);
  expect(((await after.json()) as { code: string }).code).toBe("token_revoked");
  // Back to the defaults at once: nothing optional granted, nothing to download any more.
  expect(await page.evaluate(() => window.assent!.get())).toMatchObject({ decided: false, categories: { usage: false } });
  await expect(dialog.getByRole("switch", { name: "Usage data" })).not.toBeChecked();
  await expect(dialog.getByRole("button", { name: "Download my data" })).toHaveCount(0);
});

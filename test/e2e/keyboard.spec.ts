/**
 * Keyboard only (R8.2, R8.3, R8.4, R1.7, R2.8): the banner comes early in the tab order and never
 * traps focus; the preference center takes focus, keeps it, closes on Escape without saving and
 * gives focus back to what opened it; every control shows a visible focus ring; rejecting takes
 * no more steps than accepting.
 */
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { analyticsRuns, bannerOf, contrastRatio, deepFocus, localRecord, serverReceipts, syncedRecord, tabUntil } from "./helpers";

/** Every non-GET request the page makes (decisions are POSTs). */
function writesOf(page: Page): string[] {
  const writes: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return writes;
}

const inBanner = (name: string) => (f: { hosts: string[]; name: string }) => f.hosts[0] === "assent-banner" && f.name === name;

/** Presses Tab (and Shift+Tab) `n` times each, expecting focus to stay in the open dialog each time. */
async function expectFocusTrapped(page: Page, tabs = 30, shiftTabs = 10) {
  const escaped: string[] = [];
  for (const [key, n] of [["Tab", tabs], ["Shift+Tab", shiftTabs]] as const)
    for (let i = 1; i <= n; i++) {
      await page.keyboard.press(key);
      const f = await deepFocus(page);
      if (!(f.inOpenDialog && f.hosts[0] === "assent-preferences")) escaped.push(`${key} #${i}: <${f.tag}> ${f.name}`);
    }
  expect(escaped).toEqual([]);
}

test("from the banner: Customize opens the dialog, focus stays inside, Escape closes it and saves nothing (R1.7, R8.2, R8.3)", async ({ page, assent }) => {
  const writes = writesOf(page);
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();

  // Early in the tab order: the region, the two policy links, then the buttons, before the
  // page's own header links.
  expect(await tabUntil(page, inBanner("Accept all"), 10)).toBeLessThanOrEqual(4);
  expect(await tabUntil(page, inBanner("Customize"), 3)).toBe(2);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();
  expect(await deepFocus(page)).toMatchObject({ hosts: ["assent-preferences"], inOpenDialog: true });

  // Space toggles the usage switch, a native checkbox switch.
  const usage = dialog.getByRole("switch", { name: "Usage data" });
  await expect(usage).not.toBeChecked();
  await tabUntil(page, (f) => f.id === "switch-usage", 10);
  await page.keyboard.press("Space");
  await expect(usage).toBeChecked();

  await expectFocusTrapped(page);

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect(await deepFocus(page)).toMatchObject({ hosts: ["assent-banner"], tag: "button", name: "Customize" });
  // Nothing was saved or sent: no record, no grant, the banner still asks.
  expect(await localRecord(page)).toBeNull();
  expect(await analyticsRuns(page)).toBe(0);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  expect(writes).toEqual([]);
});

test("from the footer link: keyboard opens the center, Escape returns focus to the link, the stored choice is unchanged (R8.2, R8.3)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Reject all" })).toBeVisible();
  await tabUntil(page, inBanner("Reject all"), 10);
  await page.keyboard.press("Enter");
  const decided = await syncedRecord(page);
  const stored = await page.evaluate(() => localStorage.getItem("assent:v1:demo"));
  const writes = writesOf(page);

  await tabUntil(page, (f) => f.hosts.length === 0 && f.tag === "a" && f.name === "Privacy choices", 40);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();
  expect(await deepFocus(page)).toMatchObject({ hosts: ["assent-preferences"], inOpenDialog: true });
  const usage = dialog.getByRole("switch", { name: "Usage data" });
  await expect(usage).not.toBeChecked();
  await tabUntil(page, (f) => f.id === "switch-usage", 10);
  await page.keyboard.press("Space");
  await expect(usage).toBeChecked();
  await expectFocusTrapped(page);

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: "Privacy choices" })).toBeFocused();
  expect(await deepFocus(page)).toMatchObject({ hosts: [], tag: "a", name: "Privacy choices" });
  expect(await page.evaluate(() => localStorage.getItem("assent:v1:demo"))).toBe(stored);
  expect(await analyticsRuns(page)).toBe(0);
  expect(writes).toEqual([]);
  expect(await serverReceipts(assent.worker.url, decided.token!)).toHaveLength(1);
});

test("Escape on the banner closes nothing and grants nothing (R1.7)", async ({ page, assent }) => {
  const writes = writesOf(page);
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  await tabUntil(page, (f) => f.hosts[0] === "assent-banner" && f.part === "banner", 3);
  await page.keyboard.press("Escape");
  await tabUntil(page, inBanner("Accept all"), 5);
  await page.keyboard.press("Escape");
  // Focus is where it was, the banner still asks, and nothing was granted, stored or sent.
  expect(await deepFocus(page)).toMatchObject({ hosts: ["assent-banner"], name: "Accept all" });
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  await expect(page.locator("#analytics-status")).toHaveText(/not running/);
  expect(await localRecord(page)).toBeNull();
  expect(writes).toEqual([]);
});

/**
 * A fresh visitor who activates `steps` (button names) in order with Tab and Enter. Returns how
 * many activations it took and the categories recorded.
 */
async function decideByKeyboard(browser: Browser, url: string, steps: string[]) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
    let activations = 0;
    for (const name of steps) {
      await tabUntil(page, (f) => f.name === name && (f.hosts[0] === "assent-banner" || f.inOpenDialog), 30);
      await page.keyboard.press("Enter");
      activations++;
      if (name === "Customize") await expect(page.getByRole("dialog")).toBeVisible();
    }
    const record = await syncedRecord(page);
    return { activations, categories: record.categories, action: record.action };
  } finally {
    await context.close();
  }
}

test("rejecting all takes no more keyboard activations than accepting all, on both layers (R1.3, R2.8)", async ({ browser, assent }) => {
  const url = assent.worker.url.href;
  const acceptBanner = await decideByKeyboard(browser, url, ["Accept all"]);
  const rejectBanner = await decideByKeyboard(browser, url, ["Reject all"]);
  const acceptCenter = await decideByKeyboard(browser, url, ["Customize", "Accept all"]);
  const rejectCenter = await decideByKeyboard(browser, url, ["Customize", "Reject all"]);
  expect(acceptBanner).toEqual({ activations: 1, categories: { necessary: true, usage: true }, action: "accept_all" });
  expect(rejectBanner).toEqual({ activations: 1, categories: { necessary: true, usage: false }, action: "reject_all" });
  expect(acceptCenter).toMatchObject({ categories: { usage: true }, action: "accept_all" });
  expect(rejectCenter).toMatchObject({ categories: { usage: false }, action: "reject_all" });
  expect(rejectBanner.activations).toBeLessThanOrEqual(acceptBanner.activations);
  expect(rejectCenter.activations).toBeLessThanOrEqual(acceptCenter.activations);
});

test("every focused control shows a visible focus ring with ≥ 3:1 contrast (R8.4)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();

  /** The focused element's ring: style, width, colour, and the colour behind it. */
  const ring = () =>
    page.evaluate(() => {
      let el: Element = document.activeElement!;
      while (el.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      const style = getComputedStyle(el);
      // The dialog or region around it, across shadow roots (a section may be an element of its own).
      let surface: Element | null = null;
      for (let n: Element | null = el; n && !surface; n = ((n.getRootNode() as ShadowRoot).host as Element | undefined) ?? null)
        surface = n.closest("dialog, [role=region]");
      surface = surface!;
      return {
        focusVisible: el.matches(":focus-visible"),
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        color: style.outlineColor,
        behind: getComputedStyle(surface).backgroundColor,
      };
    });
  const problems: string[] = [];
  const check = async (label: string) => {
    const r = await ring();
    if (!r.focusVisible || r.style === "none" || r.width < 2 || contrastRatio(r.color, r.behind) < 3)
      problems.push(`${label}: ${JSON.stringify(r)}`);
  };

  for (const name of ["Accept all", "Reject all", "Customize"]) {
    await tabUntil(page, inBanner(name), 6);
    await check(`banner ${name}`);
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  // One full cycle through the dialog's controls (close, summaries, switch, buttons, links).
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const f = await deepFocus(page);
    const key = `${f.tag}#${f.id}:${f.name}`;
    if (seen.has(key)) break;
    seen.add(key);
    await check(`dialog ${key}`);
  }
  expect(seen.size).toBeGreaterThanOrEqual(7);
  expect(problems).toEqual([]);
});

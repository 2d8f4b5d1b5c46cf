/**
 * Accessibility of the banner and the preference center (R8.1, R8.7–R8.10, R8.12–R8.14, R2.4):
 * axe-core with zero violations in every state the widget has, and the checks axe cannot make
 * (IDREFs inside one shadow root, live regions that leave focus alone, target sizes, reflow at
 * 320 px, reduced motion, no auto-dismiss, `lang` on the widget root).
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { analyticsRuns, bannerOf, deepFocus, enableGpc, localRecord, tabUntil, withoutPageLang } from "./helpers";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// A full axe analysis of the page and the widget's shadow roots takes seconds per state, several
// times that on a busy 2-core machine: these tests get twice the usual time.
test.describe.configure({ timeout: 60_000 });

/**
 * Runs axe over the whole page and expects zero violations. The demo's stand-in third-party
 * player (iframe.tour, once loaded) is left out: its document is not the widget's, and its own
 * <main> would count as a second main landmark of the page. Also checks that axe really went
 * into the widget's shadow roots, so a scoping mistake cannot make this pass on nothing.
 */
async function expectNoAxeViolations(page: Page, widgetHosts: string[]) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).exclude("iframe.tour").analyze();
  const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(" ")}`);
  expect(violations).toEqual([]);
  // A node inside a shadow root has a target like [["assent-banner", "button"]]: host first.
  const audited = new Set(results.passes.flatMap((rule) => rule.nodes.map((n) => n.target[0])).map((t) => (Array.isArray(t) ? t[0] : undefined)));
  for (const host of widgetHosts) expect(audited, `axe audited inside <${host}>`).toContain(host);
}

async function openCustomize(page: Page) {
  await bannerOf(page).getByRole("button", { name: "Customize" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("axe: the opt-in banner, the preference center, and a category's details expanded (R8.1, R8.3, R8.6, R8.12, R8.15)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("region", { name: "Your privacy choices at Penguin" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Load" })).toBeVisible();
  await expectNoAxeViolations(page, ["assent-banner", "assent-embed-placeholder"]);

  const dialog = await openCustomize(page);
  await expectNoAxeViolations(page, ["assent-preferences"]);

  const usage = dialog.locator("[part~=category]").filter({ hasText: "Usage data" });
  await usage.locator("summary").click();
  await expect(usage.getByRole("link", { name: "Google Analytics (Google Ireland Ltd.)" })).toBeVisible();
  await expect(usage.getByText("pg_usage_events")).toBeVisible();
  await expectNoAxeViolations(page, ["assent-preferences"]);
});

test("axe: GPC honoured in an opt-out state, on the banner and in the preference center (R2.4, R8.12)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await enableGpc(page);
  await page.goto(ca.worker.url.href);
  await expect(bannerOf(page).getByRole("status")).toContainText("Opt-Out Request Honored");
  await expectNoAxeViolations(page, ["assent-banner"]);

  await bannerOf(page).getByRole("button", { name: "Your Privacy Choices" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog.getByRole("status").filter({ hasText: "Opt-Out Request Honored" })).toBeVisible();
  const usage = dialog.getByRole("switch", { name: "Usage data" });
  await expect(usage).not.toBeChecked();
  await expect(usage).toBeDisabled();
  await expectNoAxeViolations(page, ["assent-preferences"]);
});

test("axe: the opt-out notice (US-CA without GPC) (R8.12)", async ({ page, assentAt }) => {
  const ca = await assentAt({ country: "US", regionCode: "CA" });
  await page.goto(ca.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Do Not Sell or Share My Personal Information" })).toBeVisible();
  await expect(bannerOf(page).getByRole("button", { name: "OK" })).toBeVisible();
  await expectNoAxeViolations(page, ["assent-banner"]);
});

test("axe: the error state; the error is a polite status line and takes no focus (R8.9, R8.12)", async ({ page, assent }) => {
  await page.route("**/v1/sites/demo/bootstrap*", (route) => route.abort("connectionrefused"));
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Retry" })).toBeVisible();
  await expect(banner.getByRole("status")).toHaveText("Your privacy settings could not be loaded.");
  expect((await deepFocus(page)).tag).toBe("body");
  await expectNoAxeViolations(page, ["assent-banner"]);
});

test("axe: dark colour scheme, banner and preference center (R8.6, R8.12)", async ({ page, assent }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(assent.worker.url.href);
  const region = bannerOf(page).getByRole("region");
  await expect(region).toBeVisible();
  // The dark palette is really in use (the page follows the system scheme).
  expect(await region.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(31, 32, 35)");
  await expectNoAxeViolations(page, ["assent-banner"]);
  await openCustomize(page);
  await expectNoAxeViolations(page, ["assent-preferences"]);
});

test("axe: a 320×640 viewport, banner and preference center (R8.7, R8.12)", async ({ page, assent }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Reject all" })).toBeVisible();
  await expectNoAxeViolations(page, ["assent-banner"]);
  await openCustomize(page);
  await expectNoAxeViolations(page, ["assent-preferences"]);
});

test("every aria-labelledby and aria-describedby points inside its own shadow root (R8.1, R8.13)", async ({ page, assent }) => {
  // With GPC the usage switch is locked and described by the GPC line: one more reference.
  await enableGpc(page);
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("status")).toBeVisible();
  const dialog = await openCustomize(page);
  await expect(dialog.getByRole("switch", { name: "Usage data" })).toBeDisabled();
  const refs = await page.evaluate(() => {
    const out: { host: string; attr: string; id: string; found: boolean }[] = [];
    for (const host of Array.from(document.querySelectorAll("*"))) {
      const root = host.shadowRoot;
      if (!root) continue;
      for (const el of Array.from(root.querySelectorAll("[aria-labelledby], [aria-describedby]")))
        for (const attr of ["aria-labelledby", "aria-describedby"])
          for (const id of (el.getAttribute(attr) ?? "").split(/\s+/).filter(Boolean))
            out.push({ host: host.localName, attr, id, found: root.getElementById(id) !== null });
    }
    return out;
  });
  expect(refs.filter((r) => !r.found)).toEqual([]);
  // The banner's purpose list, the dialog's name, the locked switches' explanations.
  expect(refs).toEqual(
    expect.arrayContaining([
      { host: "assent-banner", attr: "aria-labelledby", id: "p", found: true },
      { host: "assent-preferences", attr: "aria-labelledby", id: "title", found: true },
      { host: "assent-preferences", attr: "aria-describedby", id: "note-necessary", found: true },
      { host: "assent-preferences", attr: "aria-describedby", id: "gpc", found: true },
    ]),
  );
  // The accessibility tree gives the dialog its heading's name; the switches their explanations.
  await expect(dialog).toHaveAccessibleName("Privacy preferences");
  await expect(dialog.getByRole("switch", { name: "Strictly necessary" })).toHaveAccessibleDescription("Always on: the site needs it to work.");
  await expect(dialog.getByRole("switch", { name: "Usage data" })).toHaveAccessibleDescription(/Opt-Out Request Honored/);
});

test("status messages are role=status and never move focus (R8.9)", async ({ page, assent }) => {
  await enableGpc(page);
  await page.goto(assent.worker.url.href);
  // The GPC line appears on its own: focus stays where the visitor left it.
  await expect(bannerOf(page).getByRole("status")).toContainText("Opt-Out Request Honored");
  expect((await deepFocus(page)).tag).toBe("body");

  // "Preferences saved." after Save: the dialog returns focus to its opener, and the
  // announcement leaves it there.
  const footerLink = page.getByRole("link", { name: "Privacy choices" });
  await footerLink.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Save choices" }).press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.locator("assent-preferences").getByRole("status").filter({ hasText: "Preferences saved." })).toHaveCount(1);
  await expect(footerLink).toBeFocused();
  expect(await deepFocus(page)).toMatchObject({ hosts: [], tag: "a", name: "Privacy choices" });
});

test("every button and switch is at least 24×24 CSS px (R8.8)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await expect(page.getByRole("button", { name: "Load" })).toBeVisible();
  const dialog = await openCustomize(page);
  for (const summary of await dialog.locator("summary").all()) await summary.click();
  const targets = [
    ...(await bannerOf(page).locator("button").all()),
    ...(await page.locator("assent-embed-placeholder").locator("button").all()),
    ...(await dialog.locator("button, input[role=switch], summary").all()),
  ];
  // 3 banner buttons, 2 placeholder buttons, close + 3 actions, 2 switches, 2 summaries.
  expect(targets.length).toBeGreaterThanOrEqual(13);
  const small: string[] = [];
  for (const target of targets) {
    const box = await target.boundingBox();
    const label = (await target.getAttribute("aria-label")) ?? (await target.textContent())?.trim() ?? "";
    if (!box || box.width < 24 || box.height < 24) small.push(`${label}: ${box ? `${box.width}×${box.height}` : "no box"}`);
  }
  expect(small).toEqual([]);
});

test("at 320×256 the banner causes no horizontal scrolling and every control is reachable (R8.7)", async ({ page, assent }) => {
  await page.setViewportSize({ width: 320, height: 256 });
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeAttached();
  const overflow = await page.evaluate(() => {
    const region = document.querySelector("assent-banner")!.shadowRoot!.querySelector<HTMLElement>("[role=region]")!;
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      region: region.scrollWidth - region.clientWidth,
      regionHeight: region.getBoundingClientRect().height,
    };
  });
  expect(overflow.page).toBeLessThanOrEqual(0);
  expect(overflow.region).toBeLessThanOrEqual(0);
  // The banner's height is capped: the page stays visible above it, the banner scrolls inside.
  expect(overflow.regionHeight).toBeLessThan(256);

  // Keyboard: each control comes into view when it gets focus, its focus ring too (not cut off
  // by the edge of the scrolling region or of the viewport).
  for (const name of ["Privacy policy", "Cookie policy", "Accept all", "Reject all", "Customize"]) {
    await tabUntil(page, (f) => f.hosts[0] === "assent-banner" && f.name === name, 12);
    const room = await page.evaluate(() => {
      const root = document.querySelector("assent-banner")!.shadowRoot!;
      const el = root.activeElement!;
      const region = root.querySelector<HTMLElement>("[role=region]")!;
      const style = getComputedStyle(el);
      const ring = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      const r = el.getBoundingClientRect();
      const visibleTop = Math.max(0, region.getBoundingClientRect().top + region.clientTop);
      const visibleBottom = Math.min(innerHeight, region.getBoundingClientRect().top + region.clientTop + region.clientHeight);
      return {
        ring,
        top: r.top - ring - visibleTop,
        bottom: visibleBottom - (r.bottom + ring),
        left: r.left - ring,
        right: innerWidth - (r.right + ring),
      };
    });
    expect(room.ring, name).toBeGreaterThan(0);
    for (const side of ["top", "bottom", "left", "right"] as const) expect(room[side], `${name}: room at the ${side}`).toBeGreaterThanOrEqual(0);
  }
  // Pointer: each button can be scrolled to and receives the click at its centre.
  for (const button of await banner.getByRole("button").all()) {
    await button.scrollIntoViewIfNeeded();
    await expect(button).toBeInViewport({ ratio: 1 });
    await button.click({ trial: true, timeout: 2_000 });
  }
});

test("with reduced motion nothing in the banner or the preference center animates (R8.14)", async ({ page, assent }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
  await openCustomize(page);
  const motion = await page.evaluate(() => {
    const durations: string[] = [];
    for (const host of Array.from(document.querySelectorAll("assent-banner, assent-preferences"))) {
      for (const el of [host, ...Array.from(host.shadowRoot!.querySelectorAll("*"))]) {
        const style = getComputedStyle(el);
        for (const value of [...style.animationDuration.split(","), ...style.transitionDuration.split(",")])
          if (parseFloat(value) !== 0) durations.push(`${host.localName} ${el.localName}: ${value.trim()}`);
      }
    }
    return { durations, running: document.getAnimations().length };
  });
  expect(motion).toEqual({ durations: [], running: 0 });
});

test("the banner stays until the visitor decides: 60 s idle closes nothing and grants nothing (R8.14, R1.7)", async ({ page, assent }) => {
  await page.clock.install();
  const writes: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") writes.push(`${r.method()} ${r.url()}`);
  });
  await page.goto(assent.worker.url.href);
  const accept = bannerOf(page).getByRole("button", { name: "Accept all" });
  await expect(accept).toBeVisible();
  await page.clock.runFor(61_000);
  await expect(accept).toBeVisible();
  expect(await localRecord(page)).toBeNull();
  expect(await analyticsRuns(page)).toBe(0);
  expect(writes).toEqual([]);
});

test.describe("a German browser", () => {
  test.use({ locale: "de-DE" });

  test("the widget root carries the negotiated language (R8.10)", async ({ page, assent }) => {
    // A page that does not state its language: the browser's language decides.
    await withoutPageLang(page, assent.worker.url.href);
    await page.goto(assent.worker.url.href);
    const banner = bannerOf(page);
    await expect(banner.getByRole("button", { name: "Alle ablehnen" })).toBeVisible();
    await expect(banner.getByRole("heading")).toHaveText("Ihre Datenschutz-Einstellungen bei Penguin");
    await expect(banner).toHaveAttribute("lang", "de");
    await expect(banner.getByRole("region")).toHaveAttribute("lang", "de");
    await banner.getByRole("button", { name: "Anpassen" }).click();
    const dialog = page.getByRole("dialog", { name: "Datenschutz-Einstellungen" });
    await expect(dialog).toHaveAttribute("lang", "de");
  });

  test("on a page that says it is English the widget speaks English, as the page does (R1.9, R8.10)", async ({ page, assent }) => {
    await page.goto(assent.worker.url.href);
    const banner = bannerOf(page);
    await expect(banner.getByRole("button", { name: "Reject all" })).toBeVisible();
    await expect(banner).toHaveAttribute("lang", await page.evaluate(() => document.documentElement.lang));
    await expect(banner).toHaveAttribute("lang", "en");
  });
});

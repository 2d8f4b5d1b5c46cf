/**
 * The README's screenshots: `npx tsx scripts/screenshots.ts`.
 *
 * Builds the widget, starts Assent with `createLocalAssent()` (workerd with KV, D1 and the demo
 * pages from public/ as static assets, on a free loopback port), opens the demo page in headless
 * Chromium (found as `npm test` finds it: local/chromium.ts) through playwright-core, and writes
 *
 *   docs/images/banner.png             a first visit: the banner is showing
 *   docs/images/preferences.png        the preference center, opened with "Customize"
 *   docs/images/console-preview.png    the console: a draft in the live preview
 *   docs/images/console-review.png     the console: the review of a material change
 *   docs/images/console-versions.png   the console: two versions compared
 *   docs/images/console-stats.png      the console: what visitors chose, over sample counts
 *
 * at a 1100×700 viewport, light colour scheme, reduced motion (no half-finished animation).
 * Everything stays on loopback; nothing is left running.
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import type { SiteConfigInput } from "../worker/contract";
import { type LocalAssent, createLocalAssent } from "../local/index";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../local/chromium";
import { buildWidget } from "./build-widget";
import { ROOT } from "./util";

const OUT = join(ROOT, "docs/images");
const VIEWPORT = { width: 1100, height: 700 };
// Run in the page (as strings: this file is type-checked without the DOM library).
const FONTS_READY = "document.fonts.ready.then(() => true)";
const TWO_FRAMES = "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))";

/** The demo site config, with the local server's origin allowed (it listens on a free port). */
function demoConfig(origin: string): SiteConfigInput {
  const config = JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8")) as SiteConfigInput;
  config.allowedOrigins = [...new Set([origin, ...config.allowedOrigins])];
  return config;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  console.log("▸ Building the widget");
  await buildWidget();
  let assent: LocalAssent | undefined;
  let browser: Browser | undefined;
  try {
    assent = await createLocalAssent({ sites: [] });
    await assent.pushSite(demoConfig(assent.url.origin));
    console.log(`▸ Assent is running at ${assent.url.href}; Chromium: ${CHROMIUM_PATH}`);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    // A fresh context is a first visit: empty storage, so the banner shows.
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light", reducedMotion: "reduce", locale: "en-US" });
    const page = await context.newPage();
    await page.goto(assent.url.href);

    const banner = page.locator("assent-banner");
    await banner.getByRole("button", { name: "Accept all" }).waitFor({ state: "visible" });
    await page.evaluate(FONTS_READY);
    await shoot(page, "banner.png");

    await banner.getByRole("button", { name: "Customize" }).click();
    const dialog = page.locator("assent-preferences").getByRole("dialog");
    await dialog.waitFor({ state: "visible" });
    await page.evaluate(FONTS_READY);
    await shoot(page, "preferences.png");
    await context.close();
    await consoleShots(browser, assent);
  } finally {
    await browser?.close();
    await assent?.dispose();
  }
}

/** The console, signed in as the demo site's owner, with a draft edited in its pages. */
async function consoleShots(browser: Browser, assent: LocalAssent): Promise<void> {
  await assent.grantConsole("demo", "owner@example.com", "owner");
  await assent.grantConsole("demo", "analyst@example.com", "viewer");
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light", reducedMotion: "reduce", locale: "en-US" });
  const page = await context.newPage();
  await page.goto(await assent.consoleLink("owner@example.com"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Your sites" }).waitFor();

  await page.getByRole("link", { name: /^Configuration of / }).click();
  await page.getByLabel("Banner title").first().fill("Your privacy, your choice");
  await page.getByRole("button", { name: "Show the preview" }).click();
  const frame = page.frameLocator("iframe");
  await frame.getByRole("button", { name: "Accept all" }).waitFor({ state: "visible" });
  await page.getByRole("heading", { name: "Preview" }).evaluate((h) => h.scrollIntoView({ block: "start" }));
  await shoot(page, "console-preview.png");

  // Publish the wording, then a material change to review: a new category, in the JSON view.
  await page.getByRole("button", { name: "Review and publish" }).click();
  await page.getByRole("button", { name: /^Publish version/ }).click();
  await page.getByText(/^Published version/).waitFor();
  await page.getByRole("button", { name: "JSON", exact: true }).click();
  const json = page.getByLabel(/The configuration as JSON/);
  const doc = JSON.parse(await json.inputValue()) as { categories: unknown[]; texts: Record<string, { categories: Record<string, unknown> }> };
  doc.categories.push({ id: "ads", saleOrSharing: true, vendors: [], storage: [{ name: "_ads_id", type: "cookie", durationDays: 90 }] });
  for (const t of Object.values(doc.texts)) t.categories.ads = { title: "Advertising", description: "Ads based on your visits." };
  await json.fill(JSON.stringify(doc, null, 2));
  await page.getByRole("button", { name: "Review and publish" }).click();
  const review = page.getByRole("region", { name: /^Publish as version/ });
  await review.waitFor();
  await review.evaluate((r) => r.scrollIntoView({ block: "center" }));
  await shoot(page, "console-review.png");

  await page.getByRole("button", { name: "Cancel" }).click();
  await page.goto(new URL("/console#/sites/demo/versions", assent.url).href);
  await page.getByRole("button", { name: "Compare" }).click();
  await page.getByRole("region", { name: "Differences" }).waitFor();
  await shoot(page, "console-versions.png");

  // What visitors chose needs days of counts: sample counters, written straight to D1 (the
  // caption in the README says so), 30 days of a site with EU and US visitors.
  const db = await assent.mf.getD1Database("LEDGER");
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  for (let i = -29; i <= 0; i++) {
    const shown = 240 + Math.round(80 * Math.sin(i / 4));
    const [accept, reject, custom] = [Math.round(shown * 0.45), Math.round(shown * 0.3), Math.round(shown * 0.08)];
    const rows: [string, string, string, string, number][] = [
      ["opt-in", "DE", "de", "impression", shown],
      ["opt-in", "DE", "de", "decision:accept_all", accept],
      ["opt-in", "DE", "de", "decision:reject_all", reject],
      ["opt-in", "DE", "de", "decision:custom", custom],
      ["opt-in", "DE", "de", "granted:usage", accept + Math.round(custom / 3)],
      ["opt-out", "US", "en", "impression", 60],
      ["opt-out", "US", "en", "decision:accept_all", 12],
      ["opt-out", "US", "en", "gpc", 11],
    ];
    for (const [regime, country, locale, metric, n] of rows)
      await db.prepare("INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n) VALUES ('demo', ?1, ?2, ?3, ?4, ?5, ?6)").bind(day(i), regime, country, locale, metric, n).run();
  }
  await page.goto(new URL("/console#/sites/demo/stats", assent.url).href);
  await page.locator("console-chart").first().locator("canvas").waitFor();
  await shoot(page, "console-stats.png");
  await context.close();
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(OUT, name);
  // Two animation frames: the last layout and paint have happened.
  await page.evaluate(TWO_FRAMES);
  await page.screenshot({ path, type: "png" });
  console.log(`▸ Wrote ${relative(ROOT, path)} (${statSync(path).size.toLocaleString("en-US")} B)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});

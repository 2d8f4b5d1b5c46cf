/**
 * The README's screenshots: `npx tsx scripts/screenshots.ts`.
 *
 * Builds the widget, starts Assent with `createLocalAssent()` (workerd with KV, D1 and the demo
 * pages from public/ as static assets, on a free loopback port), opens the demo page in headless
 * Chromium (found as `npm test` finds it: local/chromium.ts) through playwright-core, and writes
 *
 *   docs/images/banner.png        a first visit: the banner is showing
 *   docs/images/preferences.png   the preference center, opened with "Customize"
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
  } finally {
    await browser?.close();
    await assent?.dispose();
  }
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

/**
 * The flags the browser tests and the bench launch Chromium with (local/chromium.ts): no address
 * bar popup built for every browser context (a renderer burning CPU while the page under test
 * loads), without dropping the features Playwright itself turns off.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, EXTRA_DISABLED_FEATURES, playwrightDisabledFeatures } from "../../local/chromium";

const bundle = () => readFileSync(join(dirname(createRequire(import.meta.url).resolve("playwright-core/package.json")), "lib", "coreBundle.js"), "utf8");

describe("Chromium's launch flags", () => {
  it("reads Playwright's list of disabled features, comments and all", () => {
    const source = `x; disabledFeatures = [\n  // a comment, "quoted"\n  "PaintHolding",\n  "MediaRouter"\n];\n`;
    expect(playwrightDisabledFeatures(source)).toEqual(["PaintHolding", "MediaRouter"]);
    expect(playwrightDisabledFeatures("nothing here")).toEqual([]);
    // The installed Playwright's own list is found, so ours cannot silently replace it.
    expect(playwrightDisabledFeatures(bundle())).toContain("PaintHolding");
  });

  it("pass one --disable-features with Playwright's list and ours (Chromium keeps only the last one)", () => {
    const flags = CHROMIUM_ARGS.filter((a) => a.startsWith("--disable-features="));
    expect(flags).toHaveLength(1);
    const features = flags[0]!.slice("--disable-features=".length).split(",");
    expect(features).toEqual(expect.arrayContaining([...playwrightDisabledFeatures(bundle()), ...EXTRA_DISABLED_FEATURES]));
  });

  it("a new browser context gets no address-bar popup renderer", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    try {
      const context = await browser.newContext();
      await (await context.newPage()).goto("data:text/html,<p>page</p>");
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = await cdp.send("Target.getTargets");
      expect(targetInfos.filter((t) => t.url.includes("omnibox")).map((t) => t.url)).toEqual([]);
      expect(targetInfos.filter((t) => t.type === "page").map((t) => t.url)).toEqual(["data:text/html,<p>page</p>"]);
    } finally {
      await browser.close();
    }
  }, 30_000);
});

/**
 * Browser tests in real Chromium: Debian's package (found by local/chromium.ts) driven by Playwright (never a
 * downloaded browser). Each test worker starts its own Assent (createLocalAssent) and second
 * origin on free loopback ports; see test/e2e/fixtures.ts.
 */
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./local/chromium";


export default defineConfig({
  testDir: "test/e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: "off",
  },
});

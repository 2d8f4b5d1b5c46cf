/**
 * What the console's browser tests (console, console-scans, rights) share: axe with the
 * project's WCAG 2.2 AA tags, a fresh address per test, and signing in with a one-time link.
 */
import AxeBuilder from "@axe-core/playwright";
import { type Page, expect } from "@playwright/test";

/** The axe tags every page is checked against (R8.12). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** No axe violation on the page as it is (and axe did look at something). */
export async function expectNoAxeViolations(page: Page, what?: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  expect(results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(" ")}`), what).toEqual([]);
  expect(results.passes.length, what).toBeGreaterThan(0);
}

let counter = 0;
/** An address no other test uses: `name-<time>-<n>@example.com`. */
export const freshEmail = (name: string) => `${name}-${Date.now()}-${++counter}@example.com`;

/** Opens a sign-in link and presses its button; lands on the console's list of sites. */
export async function signIn(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your sites" })).toBeVisible();
}

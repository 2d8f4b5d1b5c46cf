/**
 * Help in one place on every page (R8.11; WCAG 2.2 3.2.3 and 3.2.6): each page of the demo site
 * has exactly one "Privacy choices" link, the last link of its footer, and it opens the
 * preference center; the floating button sits in the same corner, the same size, on each.
 */
import { expect, test } from "./fixtures";
import { bannerOf, syncedRecord } from "./helpers";

/** The demo site's pages (the embedded player, /demo/embed, is part of a page, not one). */
const PAGES = ["/", "/privacy", "/demo/gtag", "/demo/lang-es", "/demo/lang-fr", "/demo/strict-csp"];

test("every page has one Privacy choices link, last in its footer, and the floating button in one place (R8.11)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
  await syncedRecord(page);

  let fabBox: { x: number; y: number; width: number; height: number } | null = null;
  for (const path of PAGES) {
    await page.goto(new URL(path, assent.worker.url).href);
    const openers = page.locator("[data-assent='open-preferences']");
    await expect(openers, path).toHaveCount(1);
    // The last link of the page's footer, wherever the page's own content ends.
    const last = await page.evaluate(() => {
      const links = document.querySelectorAll("footer a");
      return links[links.length - 1]?.getAttribute("data-assent") ?? null;
    });
    expect(last, path).toBe("open-preferences");

    const fab = page.locator("assent-floating-button").getByRole("button");
    await expect(fab, path).toBeVisible();
    const box = await fab.boundingBox();
    expect(box, path).not.toBeNull();
    if (fabBox) expect(box, path).toEqual(fabBox);
    else fabBox = box;

    await openers.click();
    await expect(page.getByRole("dialog"), path).toBeVisible();
  }
});

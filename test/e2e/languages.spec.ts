/**
 * The widget's language (R1.9, R8.10): a right-to-left language renders mirrored, and the
 * language is chosen by `data-lang` first, then the page's `<html lang>`, then the browser.
 */
import { banner as ar } from "../../shared/banner-strings/ar";
import { banner as es } from "../../shared/banner-strings/es";
import { banner as fr } from "../../shared/banner-strings/fr";
import { expect, test } from "./fixtures";
import { bannerOf, withoutPageLang } from "./helpers";

test.describe("an Arabic browser", () => {
  test.use({ locale: "ar", viewport: { width: 1280, height: 800 } });

  test("Arabic site texts render right to left: dir and lang on the widget, mirrored layout (R8.10)", async ({ page, assent }) => {
    const bootstraps: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/bootstrap")) bootstraps.push(new URL(r.url()).search);
    });
    await withoutPageLang(page, assent.worker.url.href);
    await page.goto(assent.worker.url.href);
    const banner = bannerOf(page);
    const accept = banner.getByRole("button", { name: ar.acceptAll });
    await expect(accept).toBeVisible();
    expect(bootstraps).toEqual(["?lang=ar"]);
    // The demo site's own Arabic wording.
    await expect(banner.getByRole("heading", { name: "خياراتك بشأن الخصوصية لدى Penguin" })).toBeVisible();
    await expect(banner).toHaveAttribute("dir", "rtl");
    await expect(banner).toHaveAttribute("lang", "ar");
    await expect(banner.getByRole("region")).toHaveAttribute("dir", "rtl");

    // Mirrored: the buttons run from right to left, the text starts at the right.
    const actions = banner.locator("[part~=actions]");
    expect(await actions.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    const boxes = await Promise.all(
      [ar.acceptAll, ar.rejectAll, ar.customize].map(async (name) => (await banner.getByRole("button", { name }).boundingBox())!),
    );
    expect(boxes[0]!.y).toBe(boxes[2]!.y); // one row at this width
    expect(boxes[0]!.x).toBeGreaterThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeGreaterThan(boxes[2]!.x);
    expect(await banner.getByRole("heading").evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");

    // The preference center too: its close button sits at the left, across from the title.
    await banner.getByRole("button", { name: ar.customize }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute("dir", "rtl");
    await expect(dialog).toHaveAttribute("lang", "ar");
    const title = (await dialog.getByRole("heading", { level: 2 }).boundingBox())!;
    const close = (await dialog.locator("[part~=close]").boundingBox())!;
    expect(close.x + close.width).toBeLessThan(title.x);
  });
});

test.describe("a German browser", () => {
  test.use({ locale: "de-DE" });

  test("data-lang on the script tag beats the page's and the browser's language (R8.10)", async ({ page, assent }) => {
    await page.goto(new URL("/demo/lang-fr", assent.worker.url).href);
    expect(await page.evaluate(() => [document.documentElement.lang, navigator.language])).toEqual(["en", "de-DE"]);
    const banner = bannerOf(page);
    await expect(banner.getByRole("button", { name: fr.rejectAll })).toBeVisible();
    await expect(banner.getByRole("heading")).toHaveText("Vos choix de confidentialité chez Penguin");
    await expect(banner).toHaveAttribute("lang", "fr");
    await banner.getByRole("button", { name: fr.customize }).click();
    await expect(page.getByRole("dialog")).toHaveAttribute("lang", "fr");
    await expect(page.getByRole("dialog").getByRole("switch", { name: "Données d’utilisation" })).not.toBeChecked();
  });

  test("with bootstrap unreachable, the error line still speaks the page's language (its strings file) (R1.9)", async ({ page, assent }) => {
    const files: string[] = [];
    page.on("request", (r) => files.push(new URL(r.url()).pathname));
    await page.route("**/v1/sites/demo/bootstrap*", (route) => route.abort("connectionrefused"));
    await page.goto(new URL("/demo/lang-es", assent.worker.url).href);
    const banner = bannerOf(page);
    await expect(banner.getByRole("status")).toHaveText(es.loadError);
    await expect(banner.getByRole("button", { name: es.retry })).toBeVisible();
    expect(files.filter((f) => /\/strings-[a-z]+\.js$/.test(f)).map((f) => f.split("/").pop())).toEqual(["strings-es.js"]);
  });

  test("without data-lang, the page's <html lang> beats the browser's language (R1.9, R8.10)", async ({ page, assent }) => {
    await page.goto(new URL("/demo/lang-es", assent.worker.url).href);
    expect(await page.evaluate(() => navigator.language)).toBe("de-DE");
    const banner = bannerOf(page);
    await expect(banner.getByRole("button", { name: es.rejectAll })).toBeVisible();
    await expect(banner.getByRole("heading")).toHaveText("Tus opciones de privacidad en Penguin");
    await expect(banner).toHaveAttribute("lang", "es");
    await expect(banner).toHaveAttribute("lang", await page.evaluate(() => document.documentElement.lang));
  });
});

/**
 * The first layer as a visitor sees it (R1.3, R1.6, R1.8, R1.9, R7.9, R8.5): three equal
 * choices on every screen size, the purposes named, a policy link that works, site wording shown
 * as text and never as markup, nothing left over the page after a refusal, and no focused
 * element of the page hidden behind the banner.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { bannerOf, contrastRatio, deepFocus } from "./helpers";

/** The banner's choices as rendered: element, label, box and the styles that give weight. */
function choices(page: Page) {
  return bannerOf(page)
    .locator("[part~=actions] > *")
    .evaluateAll((els) =>
      els.map((el) => {
        const s = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          tag: el.localName,
          label: el.textContent!.trim(),
          width: box.width,
          height: box.height,
          right: box.right,
          look: {
            fontSize: s.fontSize,
            fontWeight: s.fontWeight,
            fontFamily: s.fontFamily,
            background: s.backgroundColor,
            color: s.color,
            border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
            textDecoration: s.textDecorationLine,
            opacity: s.opacity,
          },
        };
      }),
    );
}

test("Accept all, Reject all and Customize: three equal buttons with readable text, at 375 px and 1280 px (R1.3, R1.9)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Reject all" })).toBeVisible();
  const labels: Record<number, string[]> = {};
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    for (const name of ["Accept all", "Reject all", "Customize"]) await expect(banner.getByRole("button", { name })).toBeInViewport();
    const buttons = await choices(page);
    labels[width] = buttons.map((b) => b.label);
    expect(buttons.map((b) => b.tag)).toEqual(["button", "button", "button"]);
    const widest = Math.max(...buttons.map((b) => b.width));
    for (const b of buttons) {
      expect(b.width, `${b.label} at ${width}px`).toBeGreaterThanOrEqual(widest * 0.9);
      expect(b.height, `${b.label} at ${width}px`).toBe(buttons[0]!.height);
      expect(b.look, `${b.label} at ${width}px`).toEqual(buttons[0]!.look);
      expect(b.right).toBeLessThanOrEqual(width);
      expect(contrastRatio(b.look.color, b.look.background), `${b.label}: text contrast`).toBeGreaterThanOrEqual(4.5);
    }
  }
  expect(labels[1280]).toEqual(["Accept all", "Reject all", "Customize"]);
  expect(labels[375]).toEqual(labels[1280]);
});

test("the first layer names each purpose and links to the site's privacy policy, which opens (R1.6)", async ({ page, assent }) => {
  const policyUrl = new URL("/privacy", assent.worker.url).href;
  const cookiePolicyUrl = `${policyUrl}#cookies`;
  await assent.pushDemo((c) => {
    c.policy.url = policyUrl;
    c.policy.cookiePolicyUrl = cookiePolicyUrl;
  });
  try {
    await page.goto(assent.worker.url.href);
    const banner = bannerOf(page);
    const purposes = banner.getByRole("list", { name: "Purposes" }).getByRole("listitem");
    await expect(purposes).toHaveText(["Strictly necessary", "Usage data"]);
    for (const purpose of await purposes.all()) await expect(purpose).toBeVisible();

    const policy = banner.getByRole("link", { name: "Privacy policy" });
    await expect(policy).toHaveAttribute("href", policyUrl);
    await expect(banner.getByRole("link", { name: "Cookie policy" })).toHaveAttribute("href", cookiePolicyUrl);
    for (const href of [policyUrl, cookiePolicyUrl]) expect((await page.request.get(href)).status(), href).toBe(200);

    await policy.click();
    await expect(page).toHaveURL(policyUrl);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Privacy policy");
  } finally {
    await assent.pushDemo();
  }
});

test("a site title with markup renders as text, never as an element (R7.9)", async ({ page, assent }) => {
  const title = "<img src=x onerror=alert(1)>";
  await assent.pushDemo((c) => {
    c.texts.en!.banner.title = title;
  });
  try {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const imageRequests: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/x") imageRequests.push(r.url());
    });
    await page.goto(assent.worker.url.href);
    const banner = bannerOf(page);
    await expect(banner.getByRole("heading")).toHaveText(title);
    await expect(banner.getByRole("region", { name: title })).toBeVisible();
    expect(await page.evaluate(() => document.querySelector("assent-banner")!.shadowRoot!.querySelectorAll("img").length)).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(imageRequests).toEqual([]);
  } finally {
    await assent.pushDemo();
  }
});

test("after Reject all the whole page is visible and usable: no overlay, no scroll lock (R1.8)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
  await expect(bannerOf(page)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Business calls from any device" })).toBeVisible();

  const layout = await page.evaluate(() => {
    const vw = innerWidth;
    const vh = innerHeight;
    // Anything fixed or sticky that covers a real part of the viewport.
    const covering = Array.from(document.querySelectorAll("body *"))
      .filter((el) => ["fixed", "sticky"].includes(getComputedStyle(el).position))
      .map((el) => ({ el: el.localName, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width * box.height > 0.05 * vw * vh)
      .map(({ el }) => el);
    const root = getComputedStyle(document.documentElement);
    const body = getComputedStyle(document.body);
    return {
      covering,
      overflow: [root.overflowY, body.overflowY],
      scrollPadding: document.documentElement.style.scrollPaddingBottom,
      inert: document.querySelectorAll("[inert], main[aria-hidden=true], body[aria-hidden=true]").length,
      atCentre: document.elementFromPoint(vw / 2, vh / 2)?.closest("main, header, footer")?.localName ?? null,
    };
  });
  expect(layout).toEqual({ covering: [], overflow: ["visible", "visible"], scrollPadding: "", inert: 0, atCentre: "main" });

  // The page answers to the visitor: its links work and it scrolls.
  await page.getByRole("link", { name: "See what it does" }).click();
  await expect(page).toHaveURL(/#features$/);
  await expect(page.getByRole("heading", { name: "Features" })).toBeInViewport();
  expect(await page.evaluate(() => scrollY)).toBeGreaterThan(0);
});

test("no focused element of the page is hidden behind the banner (R8.5)", async ({ page, assent }) => {
  await page.setViewportSize({ width: 800, height: 400 });
  await page.goto(assent.worker.url.href);
  const banner = bannerOf(page);
  await expect(banner.getByRole("button", { name: "Accept all" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Load" })).toBeVisible();

  const hidden: string[] = [];
  const checked: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focus = await deepFocus(page);
    if (focus.hosts[0] === "assent-banner") continue;
    const boxes = await page.evaluate(() => {
      let el: Element = document.activeElement!;
      while (el.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      const r = el.getBoundingClientRect();
      const b = document.querySelector("assent-banner")!.getBoundingClientRect();
      return { r: { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width }, b: { top: b.top, bottom: b.bottom, left: b.left, right: b.right } };
    });
    const { r, b } = boxes;
    const label = `${focus.tag} "${focus.name}"`;
    checked.push(label);
    if (r.width > 0 && r.top >= b.top && r.bottom <= b.bottom && r.left >= b.left && r.right <= b.right) hidden.push(`${label} ${JSON.stringify(boxes)}`);
    if (focus.hosts.length === 0 && focus.name === "Privacy choices") break; // the last link of the page
  }
  expect(hidden).toEqual([]);
  // Header links, the hero link, the embed placeholder's buttons and the footer links.
  expect(checked.length).toBeGreaterThanOrEqual(10);
  expect(checked).toContain('a "Privacy choices"');
  expect(checked).toContain('button "Load"');
});

test("the banner never moves the page: the host's content keeps its place when it appears (R1.8)", async ({ page, assent }) => {
  // Where the page's content sits without Assent (the script blocked), then with the banner up.
  await page.route("**/assent.js", (route) => route.abort());
  await page.goto(assent.worker.url.href);
  const heading = page.getByRole("heading", { name: "Business calls from any device" });
  const without = await heading.boundingBox();
  await page.unroute("**/assent.js");
  await page.goto(assent.worker.url.href);
  await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
  expect(await heading.boundingBox()).toEqual(without);
  // Nothing is hidden or inerted: the page stays usable while the banner asks (no cookie wall).
  await expect(page.getByRole("link", { name: "Features" })).toBeVisible();
  expect(await page.evaluate(() => document.body.inert || document.documentElement.style.overflow === "hidden")).toBe(false);
});

test("in forced-colours mode the three choices keep visible boundaries", async ({ page, assent }) => {
  await page.emulateMedia({ forcedColors: "active" });
  await page.goto(assent.worker.url.href);
  const buttons = bannerOf(page).locator("[part~=actions] > button");
  await expect(buttons).toHaveCount(3);
  const borders = await buttons.evaluateAll((els) => els.map((el) => {
    const s = getComputedStyle(el);
    return { width: parseFloat(s.borderTopWidth), style: s.borderTopStyle };
  }));
  for (const b of borders) {
    expect(b.width).toBeGreaterThanOrEqual(1);
    expect(b.style).not.toBe("none");
  }
});

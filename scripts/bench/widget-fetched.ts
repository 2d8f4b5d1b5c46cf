/**
 * What the browser actually fetches, per scenario (issue #9's budgets, checked against the
 * real network, not only the build's chunk graph):
 *
 * - first visit (the demo site: floating button on), until the banner is visible and the page
 *   has then been idle for 3 s: Assent's JS and CSS, and the same for cookieconsent;
 * - returning visit with a valid record, cold HTTP cache, without and with the floating
 *   button: JS and CSS fetched, requests to the Worker's API (none allowed), and when the
 *   button's module was requested relative to the page's load event;
 * - the same page again in the same browser context (warm cache): modules fetched again from
 *   the network (none expected: they come from the versioned, immutable path).
 *
 * Each JS/CSS response is counted as gzip level 9 of its decoded body (what the budgets count,
 * whatever the local server's own encoding).
 */
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ACCEPT } from "./widget-timing";
import type { PageServer } from "./widget-pages";

/** What one page view fetched. */
export interface Fetched {
  /** JS and CSS responses: path and gzip -9 bytes of the decoded body. */
  files: { path: string; gzip: number }[];
  gzip: number;
  /** Requests to the Worker's API (`/v1/…`). */
  api: string[];
  /** Module requests that went to the network (not the HTTP cache). */
  network: string[];
  /** When the floating button's module was requested, ms after the load event (null: not at all). */
  buttonAfterLoadMs: number | null;
}

const IDLE_MS = 3_000;

/** Records what `page` fetches from now on. */
async function recorder(page: Page) {
  const files: { path: string; gzip: number }[] = [];
  const api: string[] = [];
  const network: string[] = [];
  const pending: Promise<void>[] = [];
  let buttonAt: number | null = null;
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith("/v1/")) api.push(`${req.method()} ${url.pathname}`);
    if (url.pathname.endsWith("/floating-button.js")) buttonAt = Date.now();
  });
  page.on("response", (res) => {
    const url = new URL(res.url());
    const type = res.headers()["content-type"] ?? "";
    if (!/javascript|css/.test(type)) return;
    pending.push(
      res.body().then(
        (body) => void files.push({ path: url.pathname, gzip: gzipSync(body, { level: 9 }).length }),
        () => undefined,
      ),
    );
  });
  // Whether a response came from the network or the HTTP cache: only the DevTools protocol says.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.responseReceived", (e) => {
    const url = new URL(e.response.url);
    if (/\.(js|css)$/.test(url.pathname) && !e.response.fromDiskCache && !e.response.fromPrefetchCache) network.push(url.pathname);
  });
  return {
    async done(loadAt: number): Promise<Fetched> {
      await Promise.all(pending);
      return { files, gzip: files.reduce((n, f) => n + f.gzip, 0), api, network, buttonAfterLoadMs: buttonAt === null ? null : buttonAt - loadAt };
    },
  };
}

/** Opens `url` in `context`, waits for `ready` (if any), then for the page to be idle `IDLE_MS`. */
async function view(context: BrowserContext, url: string, ready?: (page: Page) => Promise<unknown>): Promise<Fetched> {
  const page = await context.newPage();
  const rec = await recorder(page);
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  const loadAt = Date.now();
  if (ready) await ready(page);
  await page.waitForTimeout(IDLE_MS);
  const fetched = await rec.done(loadAt);
  await page.close();
  return fetched;
}

/** The scenarios' figures. */
export interface FetchedReport {
  firstVisit: Fetched;
  cookieconsent: Fetched;
  returning: Fetched;
  returningWithButton: Fetched;
  warmWithButton: Fetched;
}

/** Runs the scenarios against the bench server's pages; `siteKey` is Assent's localStorage key. */
export async function measureFetched(browser: Browser, server: PageServer, siteKey: string): Promise<FetchedReport> {
  const assentPage = new URL("/assent.html", server.origin).href;
  const bannerVisible = (page: Page) => page.getByRole("button", { name: ACCEPT, exact: true }).waitFor({ state: "visible", timeout: 15_000 });

  // First visit, and the record it leaves (Accept all, then synced).
  const first = await browser.newContext();
  const firstVisit = await view(first, assentPage, bannerVisible);
  const page = await first.newPage();
  await page.goto(assentPage);
  await page.getByRole("button", { name: ACCEPT, exact: true }).click();
  // (Strings, not functions: this file is compiled for Node, without the DOM's types.)
  const read = `localStorage.getItem(${JSON.stringify(siteKey)})`;
  await page.waitForFunction(`JSON.parse(${read} ?? "null")?.receiptId`, undefined, { timeout: 15_000 });
  const record = (await page.evaluate(read)) as string;
  await first.close();

  const cc = await browser.newContext();
  const cookieconsent = await view(cc, new URL("/cookieconsent.html", server.origin).href, bannerVisible);
  await cc.close();

  /** A context whose page already holds `value` as Assent's record (cold HTTP cache). */
  const returningContext = async (value: string) => {
    const context = await browser.newContext();
    const [key, v] = [JSON.stringify(siteKey), JSON.stringify(value)];
    await context.addInitScript({ content: `if (!localStorage.getItem(${key})) localStorage.setItem(${key}, ${v});` });
    return context;
  };
  const withoutButton = JSON.stringify({ ...JSON.parse(record), floatingButton: false });
  const plain = await returningContext(withoutButton);
  const returning = await view(plain, assentPage);
  await plain.close();

  const withButton = await returningContext(JSON.stringify({ ...JSON.parse(record), floatingButton: true }));
  const returningWithButton = await view(withButton, assentPage);
  const warmWithButton = await view(withButton, assentPage);
  await withButton.close();
  return { firstVisit, cookieconsent, returning, returningWithButton, warmWithButton };
}

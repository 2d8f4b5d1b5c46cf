/// <reference lib="dom" />
/**
 * The browser half of the scanner: plays one visitor profile in a fresh Chromium context and
 * records what happens in each consent state (see the contract's ScanState):
 *
 * - opt-in (the EU visitor): before any choice; the preference center opened and closed with
 *   Escape; after "Reject all" on that page, after a reload and on the other pages; then, in a
 *   fresh context, after "Accept all" on every page;
 * - opt-out (the Californian): before any choice (the regime's defaults apply); after the
 *   first layer's "Do Not Sell or Share", a reload and the other pages;
 * - GPC (the Californian with Global Privacy Control): every page as it loads, and whether the
 *   page says the opt-out was honoured.
 *
 * Location: a local Assent Worker (DEV_MODE) takes the profile's place from the
 * `X-Assent-Dev-Geo` header, which the scanner adds to Assent's API requests only; a deployed
 * Worker reads the real location, and the report says where it placed the visitor.
 * GPC: `Sec-GPC: 1` on every request and `navigator.globalPrivacyControl`, as a browser with
 * the setting on sends them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { BootstrapResponse, Regime, ScanButtonStyle, ScanConsentModeCall, ScanObservation, ScanRequest, ScanState, ScanStorageKey } from "../worker/contract";
import { isThirdParty } from "./declared";
import { ScanError } from "./errors";
import type { ScanProfile } from "./profiles";
import type { ChoiceCalls, ControlState, ProfileRun } from "./run-types";

const PROBE = readFileSync(fileURLToPath(new URL("./page-probe.js", import.meta.url)), "utf8");

/** The page-side helpers of page-probe.js. */
interface Probe {
  consentMode(from?: number): ScanConsentModeCall[];
  storage(): ScanStorageKey[];
  bannerRoot(el: Element): Element;
  controls(root: Element): ControlState[];
  measure(el: Element): Omit<ScanButtonStyle, "contrast"> & { contrast: number };
}
declare global {
  interface Window {
    __assentScan: Probe;
    dataLayer?: unknown[];
    assent?: { get(): { categories: Record<string, boolean> } };
  }
}

/** First-layer labels, in the words consent banners use (the scan runs in English). */
const ACCEPT = /^\s*(accept|allow|agree)( all)?( cookies)?\s*$|^\s*i agree\s*$/i;
const REJECT = /^\s*(reject|decline|refuse|deny)( all)?( cookies)?\s*$|^\s*(only )?(necessary|essential)( cookies)?( only)?\s*$|^\s*continue without (accepting|cookies)\s*$/i;
const OPT_OUT = /do not sell|don.t sell|opt[- ]?out of (the )?(sale|sharing)/i;
const CUSTOMIZE = /^\s*(customi[sz]e|settings|manage( cookies| preferences)?|preferences|cookie settings|more options|your privacy choices)\s*$/i;
const CLOSE = /^\s*close\b/i;
/** What a page says when it honoured GPC (R2.4). */
const GPC_SHOWN = /opt[- ]?out (request )?(honou?red|processed|respected)|(honou?red|respecting) your (global privacy control|gpc)|gpc (signal )?(honou?red|detected and honou?red)/i;

const DAY_MS = 86_400_000;
const BANNER_WAIT_MS = 5_000;

export interface RunOptions {
  url: URL;
  /** Other pages of the site to visit, at most. */
  otherPages: number;
  screenshots: boolean;
  /** Called with each captured bootstrap (the declared config when none is given). */
  onBootstrap?: (body: BootstrapResponse) => void;
}

export interface RunResult {
  run: ProfileRun;
  /** PNG screenshots by state, when asked for. */
  screenshots: { state: ScanState; page: string; png: Buffer }[];
}

/** Requests since the last `take()`, as the report records them. */
class RequestLog {
  private list: ScanRequest[] = [];
  constructor(private readonly hosts: { page: string; worker: () => string | null }) {}
  record(url: string, type: string): void {
    if (!/^https?:/.test(url) || this.list.length >= 2000) return;
    const u = new URL(url);
    this.list.push({ url: `${u.origin}${u.pathname}`.slice(0, 2048), host: u.hostname, type, thirdParty: isThirdParty(u.hostname, this.hosts.page, this.hosts.worker()) });
  }
  /** The requests since the last call, each URL and type once (a page polling one URL is one entry). */
  take(): ScanRequest[] {
    const seen = new Set<string>();
    const out = this.list.filter((r) => {
      const key = `${r.type} ${r.url}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    this.list = [];
    return out;
  }
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("load", { timeout: 8_000 }).catch(() => undefined);
  await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => undefined);
}

/** What a click can change that the scan records: cookies, storage and dataLayer, as one string. */
const pageState = (page: Page) =>
  page
    .evaluate(() => `${document.cookie}|${localStorage.length}|${sessionStorage.length}|${Array.isArray(window.dataLayer) ? window.dataLayer.length : 0}`)
    .catch(() => "gone");

/**
 * After a click: waits for the page to react (its cookies, storage or dataLayer change, up to
 * `reactMs`: a consent manager may first load the code that applies a choice), then for 500 ms
 * without a change (at most 6 s in all), then for the network to settle.
 */
async function afterClick(page: Page, before: string, reactMs: number): Promise<void> {
  const start = Date.now();
  let last = before;
  let stableSince = Date.now();
  let changed = false;
  while (Date.now() - start < 6_000) {
    await page.waitForTimeout(100);
    const now = await pageState(page);
    if (now !== last) {
      [last, stableSince, changed] = [now, Date.now(), true];
      continue;
    }
    if (changed ? Date.now() - stableSince >= 500 : Date.now() - start >= reactMs) break;
  }
  await settle(page);
}

/** The first visible element of a locator, or null (no throw on a page without it). */
async function firstVisible(locator: Locator): Promise<Locator | null> {
  const n = Math.min(await locator.count(), 10);
  for (let i = 0; i < n; i++) if (await locator.nth(i).isVisible().catch(() => false)) return locator.nth(i);
  return null;
}

const button = (page: Page, name: RegExp) => page.getByRole("button", { name });
const buttonOrLink = (page: Page, name: RegExp) => page.getByRole("button", { name }).or(page.getByRole("link", { name }));

/** Plays one profile. Never throws for what the site does; only for a browser failure. */
export async function runProfile(browser: Browser, profile: ScanProfile, options: RunOptions): Promise<RunResult> {
  const pageHost = options.url.hostname;
  let workerHost: string | null = null;
  let edge: BootstrapResponse["edge"] | null = null;
  const screenshots: RunResult["screenshots"] = [];
  const observations: ScanObservation[] = [];
  const choices: ChoiceCalls[] = [];
  const log = new RequestLog({ page: pageHost, worker: () => workerHost });

  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
    // A page that never loads must not stall the scan: a bounded wait per navigation and action.
    context.setDefaultNavigationTimeout(15_000);
    context.setDefaultTimeout(10_000);
    await context.addInitScript(PROBE);
    // As text: a compiled function may carry helper calls (esbuild's __name) the page lacks.
    if (profile.gpc) await context.addInitScript({ content: 'Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: function () { return true; } });' });
    // The profile's location and GPC ride on the requests; only Assent's API gets the location.
    await context.route("**/*", (route) => {
      const req = route.request();
      const headers = { ...req.headers() };
      if (profile.gpc) headers["sec-gpc"] = "1";
      if (new URL(req.url()).pathname.startsWith("/v1/sites/")) headers["x-assent-dev-geo"] = profile.geo;
      return route.continue({ headers }).catch(() => undefined);
    });
    context.on("request", (r) => log.record(r.url(), r.resourceType()));
    context.on("response", (res) => {
      if (!/\/v1\/sites\/[^/]+\/bootstrap(\?|$)/.test(res.url()) || !res.ok()) return;
      workerHost ??= new URL(res.url()).hostname;
      res
        .json()
        .then((body: BootstrapResponse) => {
          edge ??= body.edge;
          options.onBootstrap?.(body);
        })
        .catch(() => undefined);
    });
    return context;
  };

  const snapshot = async (context: BrowserContext, page: Page, state: ScanState): Promise<void> => {
    const now = Date.now();
    const cookies = (await context.cookies()).slice(0, 500).map((c) => ({
      name: c.name.slice(0, 256),
      domain: c.domain.slice(0, 253),
      thirdParty: isThirdParty(c.domain.replace(/^\./, ""), pageHost, workerHost),
      expiresDays: c.expires > 0 ? Math.round(((c.expires * 1000 - now) / DAY_MS) * 10) / 10 : null,
    }));
    const probe = await page.evaluate(() => ({ storage: window.__assentScan.storage(), consentMode: window.__assentScan.consentMode() })).catch(() => ({ storage: [], consentMode: [] }));
    observations.push({ state, page: page.url().slice(0, 2048), cookies, storage: probe.storage, requests: log.take(), consentMode: probe.consentMode });
    if (options.screenshots) screenshots.push({ state, page: page.url(), png: await page.screenshot({ type: "png" }).catch(() => Buffer.alloc(0)) });
  };

  const dataLayerLength = (page: Page) => page.evaluate(() => (Array.isArray(window.dataLayer) ? window.dataLayer.length : 0)).catch(() => 0);
  const callsSince = (page: Page, from: number) => page.evaluate((f) => window.__assentScan.consentMode(f), from).catch(() => [] as ScanConsentModeCall[]);

  /** Clicks a first-layer button and records the Consent Mode commands that follow. */
  const choose = async (context: BrowserContext, page: Page, target: Locator, state: ScanState) => {
    const before = await dataLayerLength(page);
    const was = await pageState(page);
    log.take();
    await target.click({ timeout: 5_000 });
    // A choice is expected to change something; a site where it does not costs this wait.
    await afterClick(page, was, 4_000);
    choices.push({ state, page: page.url(), calls: await callsSince(page, before) });
    await snapshot(context, page, state);
  };

  const sameSiteLinks = async (page: Page): Promise<string[]> => {
    const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href)).catch(() => [] as string[]);
    const start = new URL(page.url());
    const out: string[] = [];
    for (const href of hrefs) {
      let u: URL;
      try {
        u = new URL(href);
      } catch {
        continue;
      }
      u.hash = "";
      if (u.origin !== start.origin || u.pathname === start.pathname || /\.(pdf|zip|png|jpe?g|gif|svg|webp|ico|xml|json|md|txt|csv|css|js|mjs|map|webmanifest)$/i.test(u.pathname)) continue;
      if (!out.includes(u.href)) out.push(u.href);
      if (out.length >= options.otherPages) break;
    }
    return out;
  };

  /** Visits a page and records it; a page that does not load is skipped (the start page: the scan stops). */
  const visit = async (context: BrowserContext, page: Page, url: string, state: ScanState, required = false) => {
    log.take();
    const failure = await page.goto(url, { waitUntil: "domcontentloaded" }).then(
      () => null,
      (e: Error) => e.message.split("\n")[0]!,
    );
    if (failure && required) throw new ScanError(`${url} did not load: ${failure}`);
    if (failure) return;
    await settle(page);
    await snapshot(context, page, state);
  };

  const context = await newContext();
  const page = await context.newPage();
  const pages = [options.url.href];
  let bannerFound = false;
  let optOutFound = false;
  let buttons: ProfileRun["buttons"] = null;
  const controls: ControlState[] = [];
  let gpcShown: boolean | null = null;
  let record: Record<string, boolean> | null = null;
  try {
    await visit(context, page, options.url.href, "before", true);
    const regime: Regime = edge ? (edge as BootstrapResponse["edge"]).regime : profile.expectedRegime;
    const others = await sameSiteLinks(page);
    pages.push(...others);

    // The first layer: accept, reject or opt out, whichever shows within the wait.
    const anyChoice = button(page, ACCEPT).or(button(page, REJECT)).or(buttonOrLink(page, OPT_OUT));
    await anyChoice.first().waitFor({ state: "visible", timeout: BANNER_WAIT_MS }).catch(() => undefined);
    const accept = await firstVisible(button(page, ACCEPT));
    const reject = await firstVisible(button(page, REJECT));
    const optOut = await firstVisible(buttonOrLink(page, OPT_OUT));
    bannerFound = Boolean(accept || reject || optOut);
    optOutFound = Boolean(optOut);
    const measure = (l: Locator | null) => (l ? l.evaluate((el) => window.__assentScan.measure(el)).catch(() => null) : Promise.resolve(null));
    if (accept || reject) buttons = { accept: await measure(accept), reject: await measure(reject) };
    const anchor = accept ?? reject ?? optOut;
    if (anchor) controls.push(...(await anchor.evaluate((el) => window.__assentScan.controls(window.__assentScan.bannerRoot(el))).catch(() => [])));

    if (profile.gpc) {
      gpcShown = await page
        .getByText(GPC_SHOWN)
        .first()
        .waitFor({ state: "visible", timeout: BANNER_WAIT_MS })
        .then(() => true)
        .catch(() => false);
      for (const url of others) await visit(context, page, url, "before");
    } else if (regime === "opt-in") {
      // The preference center: what its boxes say before a choice, then Escape (or its close button).
      const customize = await firstVisible(button(page, CUSTOMIZE));
      if (customize) {
        await customize.click({ timeout: 5_000 }).catch(() => undefined);
        const dialog = page.getByRole("dialog");
        if (await dialog.first().waitFor({ state: "visible", timeout: BANNER_WAIT_MS }).then(() => true, () => false)) {
          controls.push(...(await dialog.first().evaluate((el) => window.__assentScan.controls(el)).catch(() => [])));
          log.take();
          const before = await dataLayerLength(page);
          const was = await pageState(page);
          await page.keyboard.press("Escape");
          // Closed by Escape, or else by its Close button: either way, then what follows is recorded.
          const closed = await dialog.first().waitFor({ state: "hidden", timeout: 1_000 }).then(() => true, () => false);
          const close = closed ? null : await firstVisible(dialog.first().getByRole("button", { name: CLOSE }));
          if (close) await close.click({ timeout: 2_000 }).catch(() => undefined);
          // Closing is expected to change nothing: a shorter wait for a change that should not come.
          await afterClick(page, was, 1_500);
          await snapshot(context, page, "escape");
          const last = observations[observations.length - 1]!;
          last.consentMode = await callsSince(page, before);
        }
      }
      const rejectNow = await firstVisible(button(page, REJECT));
      if (rejectNow) {
        await choose(context, page, rejectNow, "reject");
        await visit(context, page, options.url.href, "reject-reload");
        for (const url of others) await visit(context, page, url, "reject-next-page");
      }
      // "Accept all" in a fresh context: everything the site does with consent, for the declared-vs-observed rules.
      const fresh = await newContext();
      try {
        const p = await fresh.newPage();
        log.take();
        await p.goto(options.url.href, { waitUntil: "domcontentloaded" }).catch(() => undefined);
        await settle(p);
        const acceptNow = await button(p, ACCEPT)
          .first()
          .waitFor({ state: "visible", timeout: BANNER_WAIT_MS })
          .then(() => firstVisible(button(p, ACCEPT)), () => null);
        if (acceptNow) {
          await choose(fresh, p, acceptNow, "accept");
          for (const url of others) await visit(fresh, p, url, "accept");
        }
      } finally {
        await fresh.close();
      }
    } else if (optOut) {
      await choose(context, page, optOut, "reject");
      await visit(context, page, options.url.href, "reject-reload");
      for (const url of others) await visit(context, page, url, "reject-next-page");
    } else {
      // No opt-out to press: the other pages as they are, for declared vs observed.
      for (const url of others) await visit(context, page, url, "before");
    }
    record = await page.evaluate(() => (window.assent ? window.assent.get().categories : null)).catch(() => null);
    const finalEdge = edge as BootstrapResponse["edge"] | null;
    return {
      run: {
        profile: profile.id,
        regime,
        regimeSource: finalEdge ? "worker" : "assumed",
        jurisdiction: finalEdge ? finalEdge.jurisdiction : profile.geo,
        gpc: profile.gpc,
        pages,
        pageHost,
        workerHost,
        observations,
        bannerFound,
        buttons,
        optOutFound,
        controls,
        choices,
        gpcShown,
        record,
      },
      screenshots,
    };
  } finally {
    await context.close();
  }
}

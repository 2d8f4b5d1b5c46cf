/**
 * The widget bench's timings: one first visit of a contender in a fresh browser context (banner
 * visible, accept → persisted, read in the page by scripts/bench/widget-probe.js), and the
 * check that the CPU throttle really slows the page down.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ROOT } from "../util";
import type { Size } from "./widget-bytes";
import type { PageServer } from "./widget-pages";

export const THROTTLE_RATE = 4;
export const ACCEPT = "Accept all";

export type ContenderId = "floor" | "assent" | "pre-split" | "cookieconsent";

export interface Contender {
  id: ContenderId;
  label: string;
  page: string;
  /** Where its decision is stored; the probe and the check after each run read it. */
  storage: { type: "localStorage" | "cookie"; key: string };
  /** Wait for `receiptId` in the record too (Assent: the Worker recorded the decision). */
  receipt: boolean;
  /** Only the banner's visibility is timed (a reference whose decisions are not this Worker's to judge). */
  visibleOnly?: boolean;
  /** JS and CSS it adds to a first visit (paths on the bench server, or public/ files). */
  files: { label: string; size: Size }[];
}

export type Mode = "plain" | "throttled";
export const MODES: Mode[] = ["plain", "throttled"];

export interface Sample {
  /** Navigation start → first frame with the accept button visible, ms. */
  visibleMs: number;
  /** Click → record granting usage, ms (NaN: not timed, `visibleOnly`). */
  persistedMs: number;
  /** Click → receiptId in the record, ms (Assent only). */
  receiptMs: number | null;
  /** Click → the page's first click listener ran, ms (part of persistedMs). */
  inputDelayMs: number;
  /** Animation frames the probe saw until the banner was visible. */
  frames: number;
  /** The page's own milestones, ms from the navigation start, for context. */
  page: { responseStart: number; domContentLoaded: number; load: number; firstContentfulPaint: number | null };
}

interface ProbeResult {
  visibleAt: number | null;
  clickAt: number | null;
  handlerAt: number | null;
  persistedAt: number | null;
  receiptAt: number | null;
  frames: number;
}

const PROBE = readFileSync(join(ROOT, "scripts/bench/widget-probe.js"), "utf8");

function probeFor(c: Contender): string {
  return `var __benchProbeConfig = ${JSON.stringify({ acceptLabel: ACCEPT, storage: c.storage, receipt: c.receipt })};\n${PROBE}`;
}

/** `categories` as Assent and the floor store it (object) or cookieconsent does (array). */
function grantsUsage(record: unknown): boolean {
  const categories = (record as { categories?: unknown } | null)?.categories;
  if (Array.isArray(categories)) return categories.includes("usage");
  return typeof categories === "object" && categories !== null && (categories as Record<string, unknown>).usage === true;
}

/** One first visit: fresh context, (throttle,) navigate, wait for the banner, accept, wait for the record. */
export async function measureOnce(browser: Browser, server: PageServer, c: Contender, mode: Mode): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: probeFor(c) });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") pageErrors.push(`console.${msg.type()}: ${msg.text()}`);
    });
    if (mode === "throttled") {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
    }
    const why = () => (pageErrors.length ? ` (the page said: ${pageErrors.slice(0, 3).join("; ")})` : "");
    // Nothing of Playwright's runs in the page until the banner is visible (see the probe).
    const visible = page
      .waitForEvent("console", { predicate: (msg) => msg.text() === "__bench:visible", timeout: 15_000 })
      .catch(() => Promise.reject(new Error(`no visible "${ACCEPT}" button within 15 s${why()}`)));
    visible.catch(() => undefined); // awaited below; a failed navigation must not leave it unhandled
    await page.goto(new URL(c.page, server.origin).href, { waitUntil: "load", timeout: 30_000 });
    await visible;
    if (c.visibleOnly) {
      const probe = (await page.evaluate("window.__bench")) as ProbeResult;
      return { visibleMs: probe.visibleAt!, persistedMs: Number.NaN, receiptMs: null, inputDelayMs: Number.NaN, frames: probe.frames, page: await milestones(page) };
    }
    await page.getByRole("button", { name: ACCEPT, exact: true }).click({ timeout: 10_000 });
    const done = `window.__bench.persistedAt !== null${c.receipt ? " && window.__bench.receiptAt !== null" : ""}`;
    await page
      .waitForFunction(done, undefined, { polling: 25, timeout: 15_000 })
      .catch(() => Promise.reject(new Error(`no ${c.receipt ? "recorded " : ""}decision in ${c.storage.type} "${c.storage.key}" within 15 s of the click${why()}`)));
    const { probe, local } = (await page.evaluate(
      `(() => ({ probe: window.__bench, local: localStorage.getItem(${JSON.stringify(c.storage.key)}) }))()`,
    )) as { probe: ProbeResult; local: string | null };

    // The same record, read again from outside the page's probe.
    let stored: unknown = null;
    if (c.storage.type === "localStorage") stored = local ? JSON.parse(local) : null;
    else {
      const cookie = (await context.cookies()).find((k) => k.name === c.storage.key);
      stored = cookie ? JSON.parse(decodeURIComponent(cookie.value)) : null;
    }
    if (!grantsUsage(stored)) throw new Error(`the stored ${c.storage.key} does not grant usage: ${JSON.stringify(stored)}`);
    if (c.receipt && typeof (stored as { receiptId?: unknown }).receiptId !== "string") throw new Error(`${c.storage.key} has no receiptId`);

    return {
      visibleMs: probe.visibleAt!,
      persistedMs: probe.persistedAt! - probe.clickAt!,
      receiptMs: c.receipt ? probe.receiptAt! - probe.clickAt! : null,
      inputDelayMs: probe.handlerAt! - probe.clickAt!,
      frames: probe.frames,
      page: await milestones(page),
    };
  } finally {
    await context.close();
  }
}

/** The page's own milestones, ms from its navigation start. */
async function milestones(page: Page): Promise<Sample["page"]> {
  return (await page.evaluate(
    `(() => { const n = performance.getEntriesByType("navigation")[0]; const p = performance.getEntriesByName("first-contentful-paint")[0];
      return { responseStart: n.responseStart, domContentLoaded: n.domContentLoadedEventStart, load: n.loadEventStart, firstContentfulPaint: p ? p.startTime : null }; })()`,
  )) as Sample["page"];
}

/**
 * The main thread's slowdown under the throttle, as the runs set it: throttled before the
 * navigation, then a fixed loop after it (so a throttle lost in the navigation shows), then the
 * loop unthrottled in the same page, three times in turn. Total time over total time: the
 * throttle works in time slices, and other load on the machine comes and goes.
 */
export async function measureSlowdown(browser: Browser, server: PageServer): Promise<{ plainMs: number[]; throttledMs: number[]; slowdown: number }> {
  const loop = "(() => { const t = performance.now(); let x = 0; for (let i = 0; i < 3e7; i++) x += Math.sqrt(i); return [performance.now() - t, x]; })()";
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
    await page.goto(new URL("/floor.html", server.origin).href);
    const plainMs: number[] = [];
    const throttledMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
      throttledMs.push(((await page.evaluate(loop)) as [number, number])[0]);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      plainMs.push(((await page.evaluate(loop)) as [number, number])[0]);
    }
    const total = (v: number[]) => v.reduce((n, x) => n + x, 0);
    return { plainMs, throttledMs, slowdown: total(throttledMs) / total(plainMs) };
  } finally {
    await context.close();
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

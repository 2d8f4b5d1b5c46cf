/** Small helpers for the browser tests: the local record, the server's view of it. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page, Request } from "@playwright/test";
import type { ReceiptsResponse } from "../../worker/contract";
import type { LocalRecord } from "../../widget/core/types";

/** The visitor's record in the page's localStorage, or null. */
export function localRecord(page: Page, siteId = "demo"): Promise<LocalRecord | null> {
  return page.evaluate((key) => {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalRecord) : null;
  }, `assent:v1:${siteId}`);
}

/**
 * Waits until the Worker confirmed the latest decision (the record has a receipt, nothing
 * pending). With `after`, the receipt must be another than that one: right after a click, the
 * record can still be the previous decision's, synced, before the click's handler (a lazily
 * loaded module) has written the new one.
 */
export async function syncedRecord(page: Page, siteId = "demo", after?: string): Promise<LocalRecord> {
  await page.waitForFunction(
    ([key, previous]) => {
      const raw = localStorage.getItem(key!);
      if (!raw) return false;
      const r = JSON.parse(raw) as LocalRecord;
      return Boolean(r.receiptId && !r.pending && r.receiptId !== previous);
    },
    [`assent:v1:${siteId}`, after ?? null] as const,
  );
  return (await localRecord(page, siteId))!;
}

/** The visitor's receipts as the Worker has them (GET /me/receipts with the token). */
export async function serverReceipts(workerUrl: URL, token: string, siteId = "demo"): Promise<ReceiptsResponse["receipts"]> {
  const res = await fetch(new URL(`/v1/sites/${siteId}/me/receipts`, workerUrl), { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`receipts: ${res.status}`);
  return ((await res.json()) as ReceiptsResponse).receipts;
}

/** How often the demo's gated analytics script ran on this page. */
export function analyticsRuns(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __penguinAnalyticsRuns?: number }).__penguinAnalyticsRuns ?? 0);
}

/** The widget's first layer. */
export const bannerOf = (page: Page) => page.locator("assent-banner");

/** Makes the page's browser send Global Privacy Control (`navigator.globalPrivacyControl`). */
export async function enableGpc(page: Page): Promise<void> {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
}

/** What has focus, followed through open shadow roots. */
export interface DeepFocus {
  /** The shadow hosts passed on the way, outermost first (e.g. ["assent-preferences"]). */
  hosts: string[];
  tag: string;
  id: string;
  /** Trimmed text content, or aria-label when set. */
  name: string;
  part: string | null;
  /** True when the element is inside an open <dialog>. */
  inOpenDialog: boolean;
}

/** The deep active element (document.activeElement, then each shadow root's activeElement). */
export function deepFocus(page: Page): Promise<DeepFocus> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    const hosts: string[] = [];
    while (el?.shadowRoot?.activeElement) {
      hosts.push(el.localName);
      el = el.shadowRoot.activeElement;
    }
    return {
      hosts,
      tag: el?.localName ?? "",
      id: el?.id ?? "",
      name: (el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim().replace(/\s+/g, " "),
      part: el?.getAttribute("part") ?? null,
      // Across shadow roots: a section of the dialog may be an element of its own.
      inOpenDialog: (() => {
        for (let n: Element | null = el; n; n = ((n.getRootNode() as ShadowRoot).host as Element | undefined) ?? null)
          if (n.closest("dialog[open]")) return true;
        return false;
      })(),
    };
  });
}

/** Presses Tab until `match` holds for the deep focus (at most `max` presses); returns the count. */
export async function tabUntil(page: Page, match: (f: DeepFocus) => boolean, max = 40, key = "Tab"): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(key);
    if (match(await deepFocus(page))) return presses;
  }
  throw new Error(`focus did not reach the element after ${max} presses of ${key}`);
}

/** An sRGB colour from a computed style value: `rgb(…)`, `rgba(…)` (alpha returned too). */
export function parseColor(value: string): { r: number; g: number; b: number; a: number } {
  const m = /^rgba?\(([^)]+)\)$/.exec(value.trim());
  if (!m) throw new Error(`not an rgb() colour: ${value}`);
  const [r, g, b, a = 1] = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
  return { r: r!, g: g!, b: b!, a };
}

/** WCAG 2 contrast ratio of two opaque computed colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (value: string) => {
    const c = parseColor(value);
    const ch = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Serves `url` (the demo page) without its `<html lang>`, so that the browser's language decides
 * the widget's (the loader's order: data-lang, then `<html lang>`, then the browser).
 */
export async function withoutPageLang(page: Page, url: string): Promise<void> {
  await page.route(url, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/<html lang="[^"]*">/, "<html>");
    await route.fulfill({ response, body });
  });
}

/**
 * Serves `url` (a demo page) with its script tag pointed at another site (`data-site`), so that a
 * test can run a site of its own, pushed with `assent.worker.pushSite`, and leave the demo site
 * that the other tests share as it is. Only for a page on the Worker's own origin: Chromium
 * refuses a page fulfilled this way (it has no address space) any request to a loopback origin.
 */
export async function asSite(page: Page, url: string, siteId: string): Promise<void> {
  await page.route(url, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('data-site="demo"', `data-site="${siteId}"`);
    await route.fulfill({ response, body });
  });
}

/** A message in the local outbox (`/dev/outbox?format=json`). */
export interface OutboxMessage {
  to_address: string;
  subject: string;
  text_body: string;
}

/** The local outbox's messages, newest first. */
export async function outbox(workerUrl: URL): Promise<OutboxMessage[]> {
  const res = await fetch(new URL("/dev/outbox?format=json", workerUrl));
  return ((await res.json()) as { messages: OutboxMessage[] }).messages;
}

/**
 * The headers a request went out with, once it has ended. `request.allHeaders()` waits for
 * Chromium's report of the headers on the wire, which a request cancelled on its way (a reload
 * while the widget's background request is in flight) may never get, so awaiting it could hang
 * a test until its timeout. A request that got a response gives its full headers; one that
 * failed or was cancelled gives the headers the page asked for (`request.headers()`).
 */
export async function sentHeaders(request: Request): Promise<Record<string, string>> {
  return (await request.response()) ? request.allHeaders() : request.headers();
}

/** The Consent Mode default Assent sends first on every page (R3.1, R3.9): global, everything denied but security. */
export const CONSENT_DEFAULT = {
  ad_storage: "denied",
  ad_user_data: "denied",
  ad_personalization: "denied",
  analytics_storage: "denied",
  functionality_storage: "denied",
  personalization_storage: "denied",
  security_storage: "granted",
  wait_for_update: 500,
};

/** A page of a customer's site: `html` served on an origin of its own (loopback, a free port). */
export async function servePage(html: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

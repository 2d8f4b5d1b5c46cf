/** Small helpers for the browser tests: the local record, the server's view of it. */
import type { Page } from "@playwright/test";
import type { ReceiptsResponse } from "../../worker/contract";
import type { LocalRecord } from "../../widget/types";

/** The visitor's record in the page's localStorage, or null. */
export function localRecord(page: Page, siteId = "demo"): Promise<LocalRecord | null> {
  return page.evaluate((key) => {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalRecord) : null;
  }, `assent:v1:${siteId}`);
}

/** Waits until the Worker confirmed the latest decision (the record has a receipt, nothing pending). */
export async function syncedRecord(page: Page, siteId = "demo"): Promise<LocalRecord> {
  await page.waitForFunction((key) => {
    const raw = localStorage.getItem(key);
    if (!raw) return false;
    const r = JSON.parse(raw) as LocalRecord;
    return Boolean(r.receiptId && !r.pending);
  }, `assent:v1:${siteId}`);
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

/**
 * The fake webhook receiver and endpoint set-up the webhook tests share. The receiver is a
 * `fetch` spy installed in the Worker's isolate: it records every request the Worker sends to a
 * `https://hooks.test/...` URL and answers what the test says; other URLs go to the real fetch.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, type MockInstance, vi } from "vitest";
import type { WebhookEndpoint, WebhookEvent } from "../../worker/contract";
import { auth, call, freshSite, insertApiKey } from "./helpers";

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver got and how it answers; reset before every test by `useFakeReceiver()`. */
export const receiver = {
  received: [] as Received[],
  /** A status, or "network" to fail the connection, or "redirect". */
  answer: ((): number | "network" | "redirect" => 200) as (url: string) => number | "network" | "redirect",
  spy: undefined as MockInstance<typeof fetch> | undefined,
};

/** Installs the fake receiver around every test of the calling file. */
export function useFakeReceiver(): void {
  beforeEach(() => {
    receiver.received = [];
    receiver.answer = () => 200;
    const realFetch = globalThis.fetch;
    receiver.spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      if (!request.url.startsWith("https://hooks.test/")) return realFetch(input as RequestInfo, init);
      receiver.received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text() });
      const a = receiver.answer(request.url);
      if (a === "network") throw new TypeError("Network connection lost.");
      if (a === "redirect") return new Response(null, { status: 302, headers: { Location: "https://elsewhere.test/" } });
      return new Response(a === 204 ? null : "answer", { status: a });
    });
  });
  afterEach(() => {
    receiver.spy?.mockRestore();
  });
}

/** A call to the site owner's webhook API with an API key (`json` is sent as the body). */
export function webhookAdmin(siteId: string, path: string, key: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  return call(`/v1/sites/${siteId}/admin/webhooks${path}`, {
    ...rest,
    headers: { ...auth(key), ...(json !== undefined ? { "Content-Type": "application/json" } : {}), ...(rest.headers as Record<string, string>) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

/** A fresh site (optionally on an existing one) with an API key and one endpoint at the fake receiver. */
export async function siteWithEndpoint(events?: string[], existing?: Awaited<ReturnType<typeof freshSite>>) {
  const site = existing ?? (await freshSite());
  const key = (await insertApiKey(site.id)).secret;
  const url = `https://hooks.test/${crypto.randomUUID()}`;
  const res = await webhookAdmin(site.id, "", key, { method: "POST", json: { url, ...(events ? { events } : {}) } });
  expect(res.status).toBe(201);
  const endpoint = (await res.json()) as WebhookEndpoint;
  return { site, key, url, endpoint };
}

/**
 * Waits until the immediate attempts after the site's changes are over: every queued delivery
 * was tried at least once (it runs after the response, in waitUntil) and none is held by a run.
 */
export async function settled(siteId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const row = await env.LEDGER.prepare(
      `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE site_id = ?1 AND (claim_id IS NOT NULL OR (status = 'pending' AND attempts = 0))`,
    ).bind(siteId).first<{ n: number }>();
    if (row!.n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("deliveries still claimed");
}

/** The events the receiver got at `to`, parsed. */
export const eventsAt = (to: string) => receiver.received.filter((r) => r.url === to).map((r) => JSON.parse(r.body) as WebhookEvent);

/** Every stored webhook event of a site, oldest first. */
export async function storedEvents(siteId: string) {
  const { results } = await env.LEDGER.prepare(`SELECT id, type, payload FROM webhook_events WHERE site_id = ?1 ORDER BY created_at, id`)
    .bind(siteId)
    .all<{ id: string; type: string; payload: string }>();
  return results;
}

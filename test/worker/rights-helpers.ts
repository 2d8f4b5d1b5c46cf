/**
 * Helpers for the rights-request tests: filing requests as the rights page's form and the
 * site's own form (the API) send them, the links in the messages they cause, and what D1 holds
 * about a site's requests. Everything is read from the real D1 database, by site id.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { RightsRequestCreateInput } from "../../worker/contract";
import type { RightsRow } from "../../worker/rights/store";
import { outboxRows, type OutboxRow } from "./email-helpers";
import { BASE, ORIGIN, auth, call, freshSite, randomIp } from "./helpers";
import { siteWithEndpoint } from "./webhook-helpers";

export type { RightsRow };

/** POSTs a request to the browser-facing API, as a site's own form would. */
export function postRights(siteId: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/v1/sites/${siteId}/rights/requests`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: ORIGIN, "CF-Connecting-IP": randomIp(), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Files a request through the API and expects it accepted; returns its receipt. */
export async function fileRights(siteId: string, body: RightsRequestCreateInput): Promise<{ id: string; status: string; dueBy: string; next: string }> {
  const res = await postRights(siteId, body);
  const text = await res.text();
  expect([201, 202], text).toContain(res.status);
  return JSON.parse(text) as { id: string; status: string; dueBy: string; next: string };
}

/** POSTs the rights page's form of a type (`fields` as a browser sends them). */
export function postForm(siteId: string, type: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/r/${siteId}/${type}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp(), ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Every request row of a site, oldest first. */
export async function rightsRows(siteId: string): Promise<RightsRow[]> {
  const { results } = await env.LEDGER.prepare(`SELECT * FROM rights_requests WHERE site_id = ?1 ORDER BY received_at, id`).bind(siteId).all<RightsRow>();
  return results;
}

/** One request row by id. */
export async function rightsRow(id: string): Promise<RightsRow> {
  const row = await env.LEDGER.prepare(`SELECT * FROM rights_requests WHERE id = ?1`).bind(id).first<RightsRow>();
  if (!row) throw new Error(`no request ${id}`);
  return row;
}

/** The history kinds of a request, oldest first. */
export async function historyKinds(id: string): Promise<string[]> {
  const { results } = await env.LEDGER.prepare(`SELECT kind FROM rights_request_events WHERE request_id = ?1 ORDER BY seq`).bind(id).all<{ kind: string }>();
  return results.map((r) => r.kind);
}

/** The types of the `rights.request.*` webhook events stored for a site, oldest first. */
export async function rightsEvents(siteId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const { results } = await env.LEDGER.prepare(`SELECT type, payload FROM webhook_events WHERE site_id = ?1 AND type LIKE 'rights.%' ORDER BY created_at, rowid`)
    .bind(siteId)
    .all<{ type: string; payload: string }>();
  return results.map((r) => ({ type: r.type, data: (JSON.parse(r.payload) as { data: Record<string, unknown> }).data }));
}

/** The messages of a site to one address. */
export async function mailTo(siteId: string, address: string): Promise<OutboxRow[]> {
  return (await outboxRows(siteId)).filter((m) => m.to_address === address.toLowerCase());
}

/** The token of a `/r/{site}/{kind}/{token}` link in a message. */
export function linkToken(message: OutboxRow, siteId: string, kind: "verify" | "download" | "new-address"): string {
  const match = new RegExp(`${BASE.replaceAll(".", "\\.")}/r/${siteId}/${kind}/([A-Za-z0-9_-]+)`).exec(message.text_body);
  if (!match) throw new Error(`no ${kind} link in:\n${message.text_body}`);
  return match[1]!;
}

/** The verification token of the newest message to an address. */
export async function verifyTokenFor(siteId: string, address: string): Promise<string> {
  const messages = await mailTo(siteId, address);
  expect(messages.length).toBeGreaterThan(0);
  return linkToken(messages.at(-1)!, siteId, "verify");
}

/** POSTs a link page's button (verify, new address). */
export function clickLink(siteId: string, kind: "verify" | "new-address", token: string): Promise<Response> {
  return call(`/r/${siteId}/${kind}/${token}`, { method: "POST", headers: { "CF-Connecting-IP": randomIp() } });
}

/** A call to the owner's rights API with an API key (`json` is sent as the body). */
export function rightsAdmin(siteId: string, path: string, key: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  return call(`/v1/sites/${siteId}/admin/rights${path}`, {
    ...rest,
    headers: { ...auth(key), ...(json !== undefined ? { "Content-Type": "application/json" } : {}), ...(rest.headers as Record<string, string>) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

/** Runs SQL against the test database (moving dates to make a request due, expired or old). */
export async function sql(statement: string, ...binds: unknown[]): Promise<void> {
  await env.LEDGER.prepare(statement).bind(...binds).run();
}

/**
 * A fresh site (changed by `edit`) with an API key and a webhook endpoint for every event, so its
 * `rights.request.*` events are stored (the caller's file installs the fake receiver).
 */
export async function rightsSite(edit?: Parameters<typeof freshSite>[0]) {
  return siteWithEndpoint(undefined, await freshSite(edit));
}

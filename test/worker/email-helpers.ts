/**
 * Helpers for the email tests: signups as a site's page sends them, and what D1 holds about a
 * site's subscriptions, confirmation tokens, suppressions, events and outbox. Everything is read
 * from the real D1 database, by site id, so tests on fresh sites never see each other's rows.
 */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { SubscriptionRequest } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import type { Env } from "../../worker/env";
import { unsubscribeUrl } from "../../worker/email/links";
import type { SignupRequestRow, SubscriptionRow } from "../../worker/email/store";
import { BASE, ORIGIN, call, randomIp } from "./helpers";

/** The consent wording version of both demo lists. */
export const TEXT_VERSION = "2026-11-01";

/** The real test env typed as the Worker's. */
export const workerEnv = env as unknown as Env;

/** A unique address, with mixed case so normalization shows. */
export function newAddress(): string {
  return `Reader.${crypto.randomUUID().slice(0, 8)}@Example.COM`;
}

/** A valid signup body (one list, the current wording, English). */
export function signupBody(over: Partial<SubscriptionRequest> = {}): SubscriptionRequest {
  return { email: newAddress(), lists: ["marketing-email"], textVersion: TEXT_VERSION, locale: "en", ...over };
}

export interface SignupOptions {
  origin?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The request a site's signup form sends. */
export function signupRequest(siteId: string, body: unknown, opts: SignupOptions = {}): Request {
  const headers: Record<string, string> = {
    "Content-Type": opts.contentType ?? "application/json",
    "CF-Connecting-IP": randomIp(),
    ...opts.headers,
  };
  if (opts.origin !== null) headers.Origin = opts.origin ?? ORIGIN;
  return new Request(`${BASE}/v1/sites/${siteId}/subscriptions`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** POSTs a signup through the Worker's fetch handler. */
export function postSignup(siteId: string, body: unknown, opts: SignupOptions = {}): Promise<Response> {
  return exports.default.fetch(signupRequest(siteId, body, opts));
}

/** A subscriptions row and a signup request as stored. */
export type { SignupRequestRow, SubscriptionRow };

export interface EventRow {
  seq: number;
  site_id: string;
  list_id: string;
  email_hash: string;
  kind: string;
  text_version: string | null;
  source: string;
  at: string;
}

export interface OutboxRow {
  id: string;
  site_id: string;
  to_address: string;
  from_address: string;
  subject: string;
  headers: string;
  text_body: string;
  html_body: string;
  created_at: string;
}

async function all<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.LEDGER.prepare(sql).bind(...binds).all<T>()).results;
}

/** A site's subscriptions, by list. */
export const subscriptionRows = (siteId: string) =>
  all<SubscriptionRow>("SELECT * FROM subscriptions WHERE site_id = ? ORDER BY list_id, created_at", siteId);

/** A site's subscription events, oldest first. */
export const eventRows = (siteId: string) => all<EventRow>("SELECT * FROM subscription_events WHERE site_id = ? ORDER BY seq", siteId);

/** A site's suppression rows. */
export const suppressionRows = (siteId: string) =>
  all<{ site_id: string; list_id: string; email_hash: string; reason: string; created_at: string }>(
    "SELECT * FROM suppressions WHERE site_id = ? ORDER BY list_id",
    siteId,
  );

/** A site's signup requests (one per confirmation message; only the link's hash is stored), oldest first. */
export const requestRows = (siteId: string) =>
  all<SignupRequestRow>("SELECT * FROM signup_requests WHERE site_id = ? ORDER BY created_at, list_id, rowid", siteId);

/** A site's links between subscriptions and the browsers whose signup the mailbox confirmed. */
export const linkRows = (siteId: string) =>
  all<{ site_id: string; list_id: string; email_hash: string; visitor_id: string; linked_at: string }>(
    "SELECT * FROM subscription_links WHERE site_id = ? ORDER BY list_id, visitor_id",
    siteId,
  );

/** A site's confirmation-send log (keyed hashes only). */
export const sendRows = (siteId: string) =>
  all<{ token_hash: string; list_id: string; email_hash: string; sent_at: string }>("SELECT * FROM confirmation_sends WHERE site_id = ? ORDER BY sent_at, rowid", siteId);

/**
 * Moves a site's confirmation-send log `minutes` into the past (default 11, just past the
 * per-list limit), so an address may get a new message as it would later.
 */
export async function ageSendLog(siteId: string, minutes = 11): Promise<void> {
  await env.LEDGER.prepare(
    `UPDATE confirmation_sends SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', sent_at, '-${minutes} minutes') WHERE site_id = ?`,
  ).bind(siteId).run();
}

/** A site's outbox messages, oldest first. */
export const outboxRows = (siteId: string) => all<OutboxRow>("SELECT * FROM outbox WHERE site_id = ? ORDER BY created_at", siteId);

/** Asserts a site has no subscription state and sent nothing. */
export async function expectNoEmailState(siteId: string): Promise<void> {
  expect(await subscriptionRows(siteId)).toEqual([]);
  expect(await eventRows(siteId)).toEqual([]);
  expect(await requestRows(siteId)).toEqual([]);
  expect(await sendRows(siteId)).toEqual([]);
  expect(await outboxRows(siteId)).toEqual([]);
}

/** The confirmation token in a message's text (`…/e/{site}/confirm/{token}`). */
export function confirmToken(message: OutboxRow, siteId: string): string {
  const match = new RegExp(`${BASE.replaceAll(".", "\\.")}/e/${siteId}/confirm/([A-Za-z0-9_-]+)`).exec(message.text_body);
  if (!match) throw new Error(`no confirm link in:\n${message.text_body}`);
  return match[1]!;
}

/** Signs an address up for one list; returns the address and the token of the newest message to it. */
export async function signupForToken(siteId: string, listId = "marketing-email", email = newAddress()): Promise<{ email: string; token: string }> {
  const res = await postSignup(siteId, signupBody({ email, lists: [listId] }));
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  const messages = (await outboxRows(siteId)).filter((m) => m.to_address === email.toLowerCase());
  return { email, token: confirmToken(messages.at(-1)!, siteId) };
}

/** POSTs the confirm form (as the page's button does). */
export function postConfirm(siteId: string, token: string): Promise<Response> {
  return call(`/e/${siteId}/confirm/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" });
}

/** Signs up and confirms an address for each list; returns the address. */
export async function confirmedSubscriber(siteId: string, lists: string[] = ["marketing-email", "blog"], email = newAddress()): Promise<string> {
  for (const listId of lists) {
    const { token } = await signupForToken(siteId, listId, email);
    const res = await postConfirm(siteId, token);
    if (res.status !== 200) throw new Error(`confirm: expected 200, got ${res.status}`);
  }
  return email;
}

/** The path of a freshly minted unsubscribe link for an address and list. */
export async function unsubscribePath(siteId: string, listId: string, email: string): Promise<string> {
  const url = await unsubscribeUrl(workerEnv, BASE, siteId, listId, await emailHash(workerEnv, email));
  expect(url.startsWith(`${BASE}/u/`)).toBe(true);
  return new URL(url).pathname;
}

/** What a mailbox provider sends for one-click (RFC 8058 §3.2), plus context it must not need. */
export function oneClick(path: string, extra: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...extra },
    body: "List-Unsubscribe=One-Click",
    redirect: "manual",
  });
}

/**
 * Test helpers: each test gets a site of its own (a copy of the demo config under a fresh id),
 * so tests never share visitors, ledgers or rate-limit keys.
 */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Category, ConsentRequestInput, ConsentResponse, Preferences, Problem, SiteConfigInput } from "../../worker/contract";
import { SiteConfig } from "../../worker/contract";
import { policyFingerprint, textHash } from "../../worker/consent/fingerprint";
import { sha256Hex } from "../../worker/lib/sha256";
import { putSite } from "../../worker/sites/store";
import demo from "../../examples/sites/demo.json";
import type { SealRow } from "../../worker/proof/store";

export const ORIGIN = "http://127.0.0.1:8787";
export const BASE = "http://assent.test";

let counter = 0;

/** A deep copy of the demo config as a site owner would write it. */
export function demoInput(): SiteConfigInput {
  return structuredClone(demo) as SiteConfigInput;
}

/** Seeds a fresh site (optionally changed by `edit`) and returns its id and fingerprint. */
export async function freshSite(edit?: (config: SiteConfigInput) => void) {
  const input = demoInput();
  input.id = `t${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  edit?.(input);
  const config = SiteConfig.parse(input);
  await putSite(env, config);
  return {
    id: config.id,
    config,
    fingerprint: await policyFingerprint(config),
    textHash: await textHash("en", config.texts.en!),
  };
}

/** A random loopback-free IPv4 address, so anonymous writes do not share a rate-limit key. */
export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

/** Calls the Worker's fetch handler, as a request from the outside would. */
export function call(path: string, init: RequestInit & { cf?: Record<string, unknown> } = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init as RequestInit));
}

export interface DecisionOptions {
  token?: string;
  origin?: string | null;
  idempotencyKey?: string | null;
  headers?: Record<string, string>;
  cf?: Record<string, unknown>;
}

/** A valid decision body for a site. */
export function decisionBody(site: { fingerprint: string; textHash: string }, over: Partial<ConsentRequestInput> = {}): ConsentRequestInput {
  return {
    action: "accept_all",
    policyFingerprint: site.fingerprint,
    locale: "en",
    gpc: false,
    widgetVersion: "test-1",
    textHash: site.textHash,
    ...over,
  };
}

/** Builds the request a widget sends for a decision (also used to call `app.fetch` directly). */
export function decisionRequest(siteId: string, body: unknown, opts: DecisionOptions = {}): Request {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "CF-Connecting-IP": randomIp(),
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    ...opts.headers,
  };
  if (opts.origin !== null) headers.Origin = opts.origin ?? ORIGIN;
  if (opts.idempotencyKey !== null) headers["Idempotency-Key"] = opts.idempotencyKey ?? crypto.randomUUID();
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  return new Request(`${BASE}/v1/sites/${siteId}/consents`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(opts.cf ? { cf: opts.cf } : {}),
  } as RequestInit);
}

/** POSTs a decision; returns the response. */
export function postDecision(siteId: string, body: unknown, opts: DecisionOptions = {}): Promise<Response> {
  return exports.default.fetch(decisionRequest(siteId, body, opts));
}

/** Makes a first decision and returns the parsed response. */
export async function newVisitor(site: { id: string; fingerprint: string; textHash: string }, over: Partial<ConsentRequestInput> = {}) {
  const res = await postDecision(site.id, decisionBody(site, over));
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as ConsentResponse;
}

/** GET with a visitor token. */
export function getMe(siteId: string, token: string, sub = ""): Promise<Response> {
  return call(`/v1/sites/${siteId}/me${sub}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** A site's sealed segments as `ledger_seals` records them, in order. */
export async function sealRows(siteId: string): Promise<SealRow[]> {
  return (await env.LEDGER.prepare("SELECT * FROM ledger_seals WHERE site_id = ?1 ORDER BY first_position").bind(siteId).all<SealRow>()).results;
}

/** Every ledger row of a site, oldest first, as stored. */
export async function ledgerRows(siteId: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.LEDGER.prepare("SELECT * FROM ledger WHERE site_id = ? ORDER BY seq").bind(siteId).all();
  return results;
}

/** All PREFS keys of a site. */
export async function prefKeys(siteId: string): Promise<string[]> {
  const list = await env.PREFS.list({ prefix: `pref:v1:${siteId}:` });
  return list.keys.map((k) => k.name);
}

/**
 * Waits, when needed, so that a burst of requests lasting up to `needMs` falls inside one window
 * of the rate limiter: the local limiter counts in fixed windows of `periodSeconds` that all
 * restart on the clock's multiples of the period, so a burst across a boundary would be counted
 * in two windows and a test of "the 21st is refused" would see it pass.
 */
export async function withinOneRateWindow(periodSeconds = 10, needMs = 4000): Promise<void> {
  const period = periodSeconds * 1000;
  const left = period - (Date.now() % period);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

/** The User-Agent `postDecision` sends (a Chrome on Linux). */
export const CHROME_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/**
 * Asserts an RFC 9457 problem response with the given status and code, as every error of the API
 * must be, and returns its body.
 */
export async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  const text = await res.text();
  expect(res.status, `${res.status} ${text}`).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect(res.headers.get("Set-Cookie")).toBeNull();
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({ status, code, type: expect.stringContaining(code) });
  expect(typeof body.title).toBe("string");
  expect(body.title.length).toBeGreaterThan(0);
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

/** Asserts that a site has no ledger row and no visitor state. */
export async function expectNothingWritten(siteId: string): Promise<void> {
  expect(await ledgerRows(siteId)).toEqual([]);
  expect(await prefKeys(siteId)).toEqual([]);
}

/** Parses the demo config after `edit`, as a site owner's config would be. */
export function demoConfig(edit?: (config: SiteConfigInput) => void): SiteConfig {
  const input = demoInput();
  edit?.(input);
  return SiteConfig.parse(input);
}

/** Adds an optional category (with its wording in every locale) to a config. */
export function addCategory(config: SiteConfigInput, id: string, over: Partial<Category> = {}): void {
  config.categories.push({ id, vendors: [], storage: [], ...over });
  for (const texts of Object.values(config.texts))
    texts.categories[id] = { title: `Title of ${id}`, description: `What ${id} does.` };
}

/** base64url without padding, as tokens use it; written here so tests do not rely on the Worker's. */
export function b64url(bytes: Uint8Array | ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A forgery of a base64url signature: one byte of what it decodes to changed, re-encoded. (Changing
 * a base64url character can leave the bytes alike: the last character carries unused bits.)
 */
export function flippedByte(signature: string, index = 0): string {
  const bytes = Uint8Array.from(atob(signature.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (signature.length % 4)) % 4)), (c) => c.charCodeAt(0));
  bytes[index]! ^= 0x01;
  return b64url(bytes);
}

/**
 * Signs a visitor token independently of the Worker's code, in the documented format
 * `v1.<kid>.<base64url(payload)>.<base64url(HMAC-SHA256)>`.
 */
export async function signTokenWith(kid: string, secret: string, payload: { s: string; v: string; iat?: number; j?: string }): Promise<string> {
  const enc = new TextEncoder();
  const claims = { s: payload.s, v: payload.v, iat: payload.iat ?? Math.floor(Date.now() / 1000), ...(payload.j ? { j: payload.j } : {}) };
  const body = b64url(enc.encode(JSON.stringify(claims)));
  const signed = `v1.${kid}.${body}`;
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `${signed}.${b64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(signed))))}`;
}

/** Splits a `kid:secret` key setting. */
export function keySetting(setting: string | undefined): { kid: string; secret: string } {
  if (!setting) throw new Error("key setting missing");
  const sep = setting.indexOf(":");
  return { kid: setting.slice(0, sep), secret: setting.slice(sep + 1) };
}

/** Reads a visitor's state from PREFS with its KV expiration (seconds since the epoch). */
export async function prefEntry(siteId: string, visitorId: string) {
  const name = `pref:v1:${siteId}:${visitorId}`;
  const list = await env.PREFS.list({ prefix: name });
  const key = list.keys.find((k) => k.name === name);
  return { value: await env.PREFS.get<Preferences>(name, "json"), expiration: key?.expiration };
}

/** An `Authorization` header for a token. */
export function auth(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/**
 * Inserts an API key for a site by its hash, as `npm run sites -- key create` does; returns its
 * secret and id.
 */
export async function insertApiKey(siteId: string, over: { revokedAt?: string } = {}): Promise<{ id: string; secret: string }> {
  const secret = `ask_${b64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const id = `ak_${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  await env.LEDGER.prepare(`INSERT INTO api_keys (id, site_id, key_hash, label, created_at, revoked_at) VALUES (?1, ?2, ?3, 'test', ?4, ?5)`)
    .bind(id, siteId, await sha256Hex(secret), new Date().toISOString(), over.revokedAt ?? null)
    .run();
  return { id, secret };
}

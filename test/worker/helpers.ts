/**
 * Test helpers: each test gets a site of its own (a copy of the demo config under a fresh id),
 * so tests never share visitors, ledgers or rate-limit keys.
 */
import { env, exports } from "cloudflare:workers";
import type { ConsentRequestInput, ConsentResponse, SiteConfigInput } from "../../worker/contract";
import { SiteConfig } from "../../worker/contract";
import { policyFingerprint, textHash } from "../../worker/fingerprint";
import { putSite } from "../../worker/store/sites";
import demo from "../../examples/sites/demo.json";

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

/** POSTs a decision; returns the response. */
export function postDecision(siteId: string, body: unknown, opts: DecisionOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "CF-Connecting-IP": randomIp(),
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    ...opts.headers,
  };
  if (opts.origin !== null) headers.Origin = opts.origin ?? ORIGIN;
  if (opts.idempotencyKey !== null) headers["Idempotency-Key"] = opts.idempotencyKey ?? crypto.randomUUID();
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  return call(`/v1/sites/${siteId}/consents`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(opts.cf ? { cf: opts.cf } : {}),
  });
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

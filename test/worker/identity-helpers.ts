/**
 * Helpers for tests of identity across devices: a site with an API key and its identity secret,
 * identities signed exactly as docs/identity.md tells a site's backend to, and POST /identify as the
 * widget sends it.
 */
import { expect } from "vitest";
import type { IdentifyResponse, IdentitySecretResponse } from "../../worker/contract";
import { ORIGIN, auth, b64url, call, freshSite, insertApiKey, randomIp } from "./helpers";
const enc = new TextEncoder();

export function admin(siteId: string, path: string, key: string | null, init: RequestInit = {}): Promise<Response> {
  return call(`/v1/sites/${siteId}/admin${path}`, { ...init, headers: { ...(key ? auth(key) : {}), ...(init.headers as Record<string, string>) } });
}

/** A site with an API key and its identity secret, fetched the way a site owner would. */
export async function siteWithSecret() {
  const site = await freshSite();
  const key = (await insertApiKey(site.id)).secret;
  const res = await admin(site.id, "/identity-secret", key);
  expect(res.status).toBe(200);
  const { secret } = (await res.json()) as IdentitySecretResponse;
  return { ...site, key, secret };
}

/** Signs an identity exactly as docs/identity.md tells a site's backend to. */
export async function sign(secret: string, siteId: string, subject: string, exp = Math.floor(Date.now() / 1000) + 3600): Promise<string> {
  const subjectPart = b64url(enc.encode(subject));
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`id1.${siteId}.${subjectPart}.${exp}`));
  return `id1.${subjectPart}.${exp}.${b64url(new Uint8Array(mac))}`;
}

export interface IdentifyOptions {
  token?: string;
  origin?: string | null;
  ip?: string;
}

export function identify(siteId: string, identity: unknown, opts: IdentifyOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json", "CF-Connecting-IP": opts.ip ?? randomIp() };
  if (opts.origin !== null) headers.Origin = opts.origin ?? ORIGIN;
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  return call(`/v1/sites/${siteId}/identify`, { method: "POST", headers, body: JSON.stringify({ identity }) });
}

export async function identified(siteId: string, identity: string, opts: IdentifyOptions = {}): Promise<IdentifyResponse> {
  const res = await identify(siteId, identity, opts);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return JSON.parse(text) as IdentifyResponse;
}


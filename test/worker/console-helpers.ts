/**
 * Console test helpers: members seeded straight into D1, sign-in through a real one-time link
 * (the same code `npm run sites -- console-link` and the email form use), and calls with the
 * session cookie and the console's own Origin.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { makeSignInLink } from "../../worker/console";
import type { ConsoleRole } from "../../worker/contract";
import { BASE, call, randomIp } from "./helpers";

let counter = 0;

/** A fresh address, so tests never share members, sessions or rate-limit keys. */
export function freshEmail(name = "owner"): string {
  return `${name}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** Gives `email` a role on `siteId` (as `npm run sites -- console-grant` does). */
export async function grant(siteId: string, email: string, role: ConsoleRole): Promise<void> {
  await env.LEDGER.prepare(
    `INSERT INTO console_members (site_id, email, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, 'cli')
     ON CONFLICT (site_id, email) DO UPDATE SET role = excluded.role`,
  )
    .bind(siteId, email, role, new Date().toISOString())
    .run();
}

/** The token of a fresh sign-in link for `email`, made `ageMs` ago. */
export async function linkToken(email: string, ageMs = 0): Promise<string> {
  const url = await makeSignInLink(env, BASE, email, new Date(Date.now() - ageMs));
  return new URL(url).searchParams.get("token")!;
}

/** POSTs the sign-in form as the browser would (own Origin, urlencoded). */
export function postSignIn(token: string, headers: Record<string, string> = { Origin: BASE }): Promise<Response> {
  return call("/console/sign-in", {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp(), ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Signs `email` in with a fresh link; returns the session cookie (`assent_console=…`). */
export async function signIn(email: string): Promise<string> {
  const res = await postSignIn(await linkToken(email));
  expect(res.status).toBe(303);
  const cookie = res.headers.get("Set-Cookie") ?? "";
  const pair = cookie.split(";")[0]!;
  expect(pair).toMatch(/^assent_console=[A-Za-z0-9_-]{43}$/);
  return pair;
}

/** A console API call with the session cookie; writes carry the console's Origin unless told otherwise. */
export function consoleCall(cookie: string | null, path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
  const { origin = BASE, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (cookie) headers.set("Cookie", cookie);
  if (origin) headers.set("Origin", origin);
  if (rest.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  // Redirects are what is tested: never followed.
  return call(`/console${path}`, { redirect: "manual", ...rest, headers });
}

/** The site's audit rows, oldest first, straight from D1. */
export async function auditRows(siteId: string | null, actor?: string) {
  const { results } = await env.LEDGER.prepare(
    `SELECT action, actor, target, before_fp, after_fp FROM console_audit WHERE (?1 IS NULL AND site_id IS NULL OR site_id = ?1) AND (?2 IS NULL OR actor = ?2) ORDER BY id`,
  )
    .bind(siteId, actor ?? null)
    .all<{ action: string; actor: string; target: string | null; before_fp: string | null; after_fp: string | null }>();
  return results;
}

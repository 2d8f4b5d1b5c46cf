/**
 * Site owner API keys in D1 (R7.12). Only the SHA-256 of a secret is stored, so a leaked
 * database holds no usable key; a key belongs to exactly one site.
 */
import type { Env } from "../env";
import { base64url } from "../lib/base64url";
import { storage } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";

export interface ApiKeyRow {
  id: string;
  site_id: string;
  label: string;
  last_used_at: string | null;
}

/** How stale `last_used_at` may get before a use writes it again. */
export const TOUCH_INTERVAL_MS = 60_000;

/** The live (not revoked) key with this secret hash, of whichever site; null when none. */
export async function findLiveKey(env: Env, keyHash: string): Promise<ApiKeyRow | null> {
  return storage("api key read", () =>
    env.LEDGER.prepare(`SELECT id, site_id, label, last_used_at FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL`)
      .bind(keyHash)
      .first<ApiKeyRow>(),
  );
}

/**
 * Records that a key was used, at most once per TOUCH_INTERVAL_MS. A write per request would
 * send every admin call to the D1 primary for a value that only answers "is this key still in
 * use?"; minute precision answers that. The caller skips the call when the row it already read
 * is fresh, so the common case is read-only; the SQL guard keeps concurrent touches to one.
 */
export async function touchKey(env: Env, key: ApiKeyRow, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
  if (key.last_used_at !== null && key.last_used_at >= staleBefore) return;
  await storage("api key touch", () =>
    env.LEDGER.prepare(`UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?3)`)
      .bind(key.id, now.toISOString(), staleBefore)
      .run(),
  );
}

/** A key as the console lists it: never its secret or hash. */
export interface ApiKeySummary {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * Creates a key for a site (the console's "Create a key"; `npm run sites -- key create` writes
 * the same row through wrangler): `ask_` and 32 random bytes, of which only the SHA-256 is
 * stored. Returns the secret, to be shown once.
 */
export async function createApiKey(env: Env, siteId: string, label: string, now: Date): Promise<{ id: string; secret: string }> {
  const secret = `ask_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const id = `ak_${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  const hash = await sha256Hex(secret);
  await storage("api key write", () =>
    env.LEDGER.prepare(`INSERT INTO api_keys (id, site_id, key_hash, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)`).bind(id, siteId, hash, label, now.toISOString()).run(),
  );
  return { id, secret };
}

/** A site's keys, live and revoked, oldest first. */
export async function listApiKeys(env: Env, siteId: string): Promise<ApiKeySummary[]> {
  const { results } = await storage("api key read", () =>
    env.LEDGER.prepare(`SELECT id, label, created_at, last_used_at, revoked_at FROM api_keys WHERE site_id = ?1 ORDER BY created_at, id`)
      .bind(siteId)
      .all<{ id: string; label: string; created_at: string; last_used_at: string | null; revoked_at: string | null }>(),
  );
  return results.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** Revokes a live key of the site; false when there is none with this id. */
export async function revokeApiKey(env: Env, siteId: string, keyId: string, now: Date): Promise<boolean> {
  const row = await storage("api key write", () =>
    env.LEDGER.prepare(`UPDATE api_keys SET revoked_at = ?3 WHERE site_id = ?1 AND id = ?2 AND revoked_at IS NULL RETURNING id`).bind(siteId, keyId, now.toISOString()).first(),
  );
  return row !== null;
}

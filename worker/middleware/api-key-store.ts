/**
 * Site owner API keys in D1 (R7.12). Only the SHA-256 of a secret is stored, so a leaked
 * database holds no usable key; a key belongs to exactly one site.
 */
import type { Env } from "../env";
import { storage } from "../lib/errors";

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

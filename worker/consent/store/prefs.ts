/**
 * The visitor's current state in the PREFS namespace, one key per visitor. Every write carries
 * an absolute `expiration`, so a decision disappears by itself when it stops counting (R1.13,
 * R6.4); a decision costs exactly one write and no read. Writes and deletes that meet KV's limit
 * of one write a second per key are retried (`kvWrite`, R6.2).
 */
import type { Preferences } from "../../contract";
import type { Env } from "../../env";
import { kvWrite, storage } from "../../lib/errors";
import { prefKey } from "./keys";

/** KV refuses expirations less than 60 s ahead. */
const MIN_TTL_SECONDS = 60;

export async function putPreferences(env: Env, prefs: Preferences): Promise<void> {
  const expiration = Math.max(
    Math.floor(Date.parse(prefs.expiresAt) / 1000),
    Math.floor(Date.now() / 1000) + MIN_TTL_SECONDS,
  );
  await kvWrite("state write", () =>
    env.PREFS.put(prefKey(prefs.siteId, prefs.visitorId), JSON.stringify(prefs), { expiration }),
  );
}

export async function getPreferences(env: Env, siteId: string, visitorId: string): Promise<Preferences | null> {
  return storage("state read", () => env.PREFS.get<Preferences>(prefKey(siteId, visitorId), "json"));
}

export async function deletePreferences(env: Env, siteId: string, visitorId: string): Promise<void> {
  await kvWrite("state delete", () => env.PREFS.delete(prefKey(siteId, visitorId)));
}

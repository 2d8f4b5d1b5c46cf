/**
 * `npm run sites -- key create|revoke|list`: site owner API keys (R7.12).
 *
 * A secret is `ask_` and 32 random bytes in base64url, printed once; only its SHA-256 goes to
 * D1 (scripts/cli-store.ts: local by default, the deployed database with --remote), so
 * the secret never reaches a file, a log or the database. The SQL is built only from values
 * this script generated or validated against a strict charset, so no quoting can break out.
 * `create` refuses a site id that has no config in the SITES namespace of the same target, and
 * `list` shows ids, labels and dates only: never a secret or a hash.
 */
import { createHash, randomBytes } from "node:crypto";
import { ApiKeyId, SiteId } from "../worker/contract";
import { CliError } from "./cli-error";
import { type StoreTarget, execute, siteExists, where } from "./cli-store";

/** Where a key command reads and writes: the local database (or --persist-to), or the deployed one. */
export type KeyTarget = StoreTarget;

/** Labels are for humans; this charset has no quote, backslash or semicolon. */
const LABEL = /^[A-Za-z0-9 ._:@()+-]{1,64}$/;

/** A new secret, its hash and its public id. */
export function newApiKey(): { id: string; secret: string; hash: string } {
  const secret = `ask_${randomBytes(32).toString("base64url")}`;
  return { id: `ak_${randomBytes(6).toString("hex")}`, secret, hash: createHash("sha256").update(secret).digest("hex") };
}

/** Creates a key for a site and returns what to print (the only time the secret is shown). */
export async function createKey(siteId: string, label: string, target: KeyTarget): Promise<string> {
  if (!SiteId.safeParse(siteId).success) throw new CliError(`"${siteId}" is not a valid site id (1–48 of a-z, 0-9 and '-').`);
  if (!LABEL.test(label)) throw new CliError("A label is 1–64 of letters, digits, spaces and . _ : @ ( ) + -");
  if (!(await siteExists(siteId, target)))
    throw new CliError(
      `No site "${siteId}" in the ${where(target)} SITES namespace: push its config first (npm run sites -- push <file.json>${target.remote ? " --remote" : ""}). No key was created.`,
    );
  const key = newApiKey();
  const now = new Date().toISOString();
  await execute(
    `INSERT INTO api_keys (id, site_id, key_hash, label, created_at) VALUES ('${key.id}', '${siteId}', '${key.hash}', '${label}', '${now}')`,
    target,
  );
  return [
    `Created API key ${key.id} for site "${siteId}" (${where(target)} database), label "${label}".`,
    "",
    `  ${key.secret}`,
    "",
    "Store this secret now: it cannot be shown again (only its hash is kept).",
    `Use it as: Authorization: Bearer ${key.secret.slice(0, 8)}…`,
  ].join("\n");
}

/** Revokes a key by id; revoking twice, or an unknown id, is reported as an error. */
export async function revokeKey(keyId: string, target: KeyTarget): Promise<string> {
  if (!ApiKeyId.safeParse(keyId).success) throw new CliError(`"${keyId}" is not a key id (ak_ and 12 hex digits).`);
  const revoked = await execute(
    `UPDATE api_keys SET revoked_at = '${new Date().toISOString()}' WHERE id = '${keyId}' AND revoked_at IS NULL RETURNING id`,
    target,
  );
  if (revoked.length === 0) throw new CliError(`No live key ${keyId} in the ${where(target)} database.`);
  return `Revoked API key ${keyId}. Requests with it now get 401 api_key_invalid.`;
}

/** One row of `key list`: the public columns only (no key_hash is ever selected). */
interface KeyRow {
  id: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Lists a site's keys, live and revoked, oldest first; secrets and hashes are never shown. */
export async function listKeys(siteId: string, target: KeyTarget): Promise<string> {
  if (!SiteId.safeParse(siteId).success) throw new CliError(`"${siteId}" is not a valid site id (1–48 of a-z, 0-9 and '-').`);
  const rows = (await execute(
    `SELECT id, label, created_at, last_used_at, revoked_at FROM api_keys WHERE site_id = '${siteId}' ORDER BY created_at, id`,
    target,
  )) as KeyRow[];
  if (rows.length === 0) return `No API keys for site "${siteId}" in the ${where(target)} database.`;
  // Stored values are shown as text; anything that is not printable ASCII becomes "?".
  const show = (v: unknown) => String(v ?? "").replace(/[^\x20-\x7e]/g, "?");
  const table = [
    ["id", "status", "created", "last used", "label"],
    ...rows.map((r) => [
      show(r.id),
      r.revoked_at ? `revoked ${show(r.revoked_at)}` : "live",
      show(r.created_at),
      r.last_used_at ? show(r.last_used_at) : "never",
      show(r.label),
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
  const live = rows.filter((r) => !r.revoked_at).length;
  return [`API keys of site "${siteId}" (${where(target)} database): ${live} live, ${rows.length - live} revoked.`, "", ...lines].join("\n");
}

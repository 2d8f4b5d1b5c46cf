/**
 * `npm run sites -- key create|revoke`: site owner API keys (R7.12).
 *
 * A secret is `ask_` and 32 random bytes in base64url, printed once; only its SHA-256 goes to
 * D1, through `wrangler d1 execute` (local by default, the deployed database with --remote), so
 * the secret never reaches a file, a log or the database. The SQL is built only from values
 * this script generated or validated against a strict charset, so no quoting can break out.
 */
import { createHash, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { ApiKeyId, SiteId } from "../worker/contract";
import { CliError } from "./cli-error";
import { ROOT, offlineEnv } from "./util";

/** Labels are for humans; this charset has no quote, backslash or semicolon. */
const LABEL = /^[A-Za-z0-9 ._:@()+-]{1,64}$/;

export interface KeyTarget {
  remote: boolean;
  persistTo?: string;
}

/** A new secret, its hash and its public id. */
export function newApiKey(): { id: string; secret: string; hash: string } {
  const secret = `ask_${randomBytes(32).toString("base64url")}`;
  return { id: `ak_${randomBytes(6).toString("hex")}`, secret, hash: createHash("sha256").update(secret).digest("hex") };
}

function wrangler(args: string[], target: KeyTarget, extraEnv: Record<string, string> = {}): string {
  const full = ["wrangler", "d1", ...args, "LEDGER", target.remote ? "--remote" : "--local"];
  if (target.persistTo && !target.remote) full.push("--persist-to", resolve(target.persistTo));
  const run = spawnSync("npx", full, { cwd: ROOT, env: offlineEnv(extraEnv), encoding: "utf8" });
  if (run.status !== 0) throw new CliError(`wrangler d1 ${args[0]} failed:\n${(run.stderr || run.stdout || "").trim()}`);
  return run.stdout;
}

/**
 * Runs one SQL statement and returns the rows it answered. Local wrangler reports no change
 * count, so a statement that must say what it changed uses `RETURNING`.
 */
function execute(sql: string, target: KeyTarget): unknown[] {
  // The local database may be new: bring it to the schema `npm start` uses first. CI=true skips
  // wrangler's confirmation prompt. The deployed database is migrated by the deploy, not here.
  if (!target.remote) wrangler(["migrations", "apply"], target, { CI: "true" });
  const out = wrangler(["execute", "--json", "--command", sql], target);
  try {
    const answers = JSON.parse(out) as { results?: unknown[] }[];
    return answers.flatMap((a) => a.results ?? []);
  } catch {
    throw new CliError(`wrangler d1 execute answered something unexpected:\n${out.trim()}`);
  }
}

/** Creates a key for a site and returns what to print (the only time the secret is shown). */
export function createKey(siteId: string, label: string, target: KeyTarget): string {
  if (!SiteId.safeParse(siteId).success) throw new CliError(`"${siteId}" is not a valid site id (1–48 of a-z, 0-9 and '-').`);
  if (!LABEL.test(label)) throw new CliError("A label is 1–64 of letters, digits, spaces and . _ : @ ( ) + -");
  const key = newApiKey();
  const now = new Date().toISOString();
  execute(
    `INSERT INTO api_keys (id, site_id, key_hash, label, created_at) VALUES ('${key.id}', '${siteId}', '${key.hash}', '${label}', '${now}')`,
    target,
  );
  return [
    `Created API key ${key.id} for site "${siteId}" (${target.remote ? "deployed" : "local"} database), label "${label}".`,
    "",
    `  ${key.secret}`,
    "",
    "Store this secret now: it cannot be shown again (only its hash is kept).",
    `Use it as: Authorization: Bearer ${key.secret.slice(0, 8)}…`,
  ].join("\n");
}

/** Revokes a key by id; revoking twice, or an unknown id, is reported as an error. */
export function revokeKey(keyId: string, target: KeyTarget): string {
  if (!ApiKeyId.safeParse(keyId).success) throw new CliError(`"${keyId}" is not a key id (ak_ and 12 hex digits).`);
  const revoked = execute(
    `UPDATE api_keys SET revoked_at = '${new Date().toISOString()}' WHERE id = '${keyId}' AND revoked_at IS NULL RETURNING id`,
    target,
  );
  if (revoked.length === 0) throw new CliError(`No live key ${keyId} in the ${target.remote ? "deployed" : "local"} database.`);
  return `Revoked API key ${keyId}. Requests with it now get 401 api_key_invalid.`;
}

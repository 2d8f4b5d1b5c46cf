/**
 * The CLIs' way to the stores `npm start` and a deployed Worker use: D1 statements through
 * `wrangler d1 execute` and SITES reads through `wrangler kv key get`, local by default (or in
 * `--persist-to <dir>`), the deployed ones with `--remote`, and objects of the ARCHIVE bucket
 * through `wrangler r2 object get`. Used by the API-key and console commands of `npm run sites`
 * and by `npm run ledger`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { siteKey } from "../worker/sites/keys";
import { CliError } from "./cli-error";
import { runWrangler } from "./util";

/** Local (optionally in another directory) or deployed. */
export interface StoreTarget {
  remote: boolean;
  persistTo?: string;
}

function wrangler(args: string[], target: StoreTarget, extraEnv: Record<string, string> = {}): string {
  const full = ["d1", ...args, "LEDGER", target.remote ? "--remote" : "--local"];
  if (target.persistTo && !target.remote) full.push("--persist-to", resolve(target.persistTo));
  const run = runWrangler(full, extraEnv);
  if (run.status !== 0) throw new CliError(`wrangler d1 ${args[0]} failed:\n${(run.stderr || run.stdout || "").trim()}`);
  return run.stdout;
}

/** The local databases this process has migrated (by their --persist-to, "" for the default). */
const migrated = new Set<string>();

/**
 * Runs one SQL statement and returns the rows it answered. Local wrangler reports no change
 * count, so a statement that must say what it changed uses `RETURNING`.
 */
export function execute(sql: string, target: StoreTarget): unknown[] {
  // The local database may be new: bring it to the schema `npm start` uses first. CI=true skips
  // wrangler's confirmation prompt. The deployed database is migrated by the deploy, not here.
  // Once per process and database: a CLI command runs many statements.
  const local = `${target.persistTo ?? ""}`;
  if (!target.remote && !migrated.has(local)) {
    wrangler(["migrations", "apply"], target, { CI: "true" });
    migrated.add(local);
  }
  // A long statement (a whole site config) goes through a file: a command line has a limit.
  let out: string;
  if (sql.length > 16_000) {
    const dir = mkdtempSync(join(tmpdir(), "assent-sql-"));
    try {
      const file = join(dir, "statement.sql");
      writeFileSync(file, sql);
      out = wrangler(["execute", "--json", "--file", file], target, { CI: "true" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else out = wrangler(["execute", "--json", "--command", sql], target);
  try {
    const answers = JSON.parse(out) as { results?: unknown[] }[];
    return answers.flatMap((a) => a.results ?? []);
  } catch {
    throw new CliError(`wrangler d1 execute answered something unexpected:\n${out.trim()}`);
  }
}

/** What wrangler 4.x prints on stdout, with exit code 0, for a KV key that does not exist. */
const KV_MISSING = "Value not found";

/** Which store a target names, for messages. */
export function where(target: StoreTarget): string {
  return target.remote ? "deployed" : "local";
}

/**
 * Whether SITES (of the same target as the database: local, --persist-to, or --remote) holds a
 * config for the site, read with `wrangler kv key get` as `push` writes it with `kv key put`.
 */
export function siteExists(siteId: string, target: StoreTarget): boolean {
  const args = ["kv", "key", "get", siteKey(siteId), "--binding", "SITES", target.remote ? "--remote" : "--local"];
  if (target.persistTo && !target.remote) args.push("--persist-to", resolve(target.persistTo));
  const run = runWrangler(args);
  if (run.status !== 0) throw new CliError(`wrangler kv key get failed:\n${(run.stderr || run.stdout || "").trim()}`);
  const out = run.stdout.trim();
  if (out === KV_MISSING) return false;
  try {
    return (JSON.parse(out) as { id?: unknown }).id === siteId;
  } catch {
    throw new CliError(`wrangler kv key get answered something unexpected:\n${out}`);
  }
}

/**
 * Text as an SQL string literal: single quotes doubled. Only for values a zod schema already
 * accepted (ids, addresses); control characters are refused outright.
 */
export function sqlText(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new CliError("A value with control characters cannot be stored.");
  return `'${value.replaceAll("'", "''")}'`;
}

/** The ARCHIVE bucket's name (wrangler.toml `[[r2_buckets]]`): `r2 object get` names a bucket, not a binding. */
export const ARCHIVE_BUCKET = "assent-archive";

/** What wrangler 4.x prints, with a non-zero exit code, for an R2 key that does not exist. */
const R2_MISSING = "The specified key does not exist";

/** An object of the ARCHIVE bucket (of the same target as the database), or null when it is not there. */
export function archiveObject(key: string, target: StoreTarget): Uint8Array<ArrayBuffer> | null {
  const dir = mkdtempSync(join(tmpdir(), "assent-r2-"));
  try {
    const file = join(dir, "object");
    const args = ["r2", "object", "get", `${ARCHIVE_BUCKET}/${key}`, "--file", file, target.remote ? "--remote" : "--local"];
    if (target.persistTo && !target.remote) args.push("--persist-to", resolve(target.persistTo));
    const run = runWrangler(args);
    if (run.status !== 0) {
      if (`${run.stderr}${run.stdout}`.includes(R2_MISSING)) return null;
      throw new CliError(`wrangler r2 object get failed:\n${(run.stderr || run.stdout || "").trim()}`);
    }
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

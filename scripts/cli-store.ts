/**
 * The CLIs' way to the stores `npm start` and a deployed Worker use: D1 statements, SITES reads
 * and writes, and objects of the ARCHIVE bucket. Used by `npm run sites` (push, API keys, the
 * console's members and links), `npm run ledger` and `npm start` itself.
 *
 * - **Local** (the default, or `--persist-to <dir>`): the very files `wrangler dev` and
 *   `wrangler … --local` use (`<dir>/v3/{d1,kv,r2}`, `.wrangler/state` by default), opened once
 *   per process by an in-process Miniflare with only those three bindings. One CLI command is
 *   then one workerd start (under a second) instead of a `wrangler` process (about two seconds)
 *   per statement; migrating a new database takes under a second instead of about thirteen.
 * - **Deployed** (`--remote`): `wrangler d1 execute`, `kv key get|put` and `r2 object get`, with
 *   the account's credentials. The deployed database is migrated by the deploy, not here.
 *
 * Call `closeStores()` before the process ends: it stops the local workerd.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Miniflare } from "miniflare";
import { siteKey } from "../worker/sites/keys";
import { CliError } from "./cli-error";
import { ROOT, type RunResult, runWrangler, whileBusy } from "./util";

/** Local (optionally in another directory) or deployed. */
export interface StoreTarget {
  remote: boolean;
  persistTo?: string;
}

/** Which store a target names, for messages. */
export function where(target: StoreTarget): string {
  return target.remote ? "deployed" : "local";
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

/** What wrangler 4.x prints on stdout, with exit code 0, for a KV key that does not exist. */
const KV_MISSING = "Value not found";

/** What wrangler 4.x prints, with a non-zero exit code, for an R2 key that does not exist. */
const R2_MISSING = "The specified key does not exist";

// ---------------------------------------------------------------------------------------------
// Local: one in-process Miniflare per persistence directory.

type LocalD1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

interface LocalStores {
  mf: Miniflare;
  /** The database, migrated on first use: a command that stops before it writes nothing there. */
  db: () => Promise<LocalD1>;
}

const opened = new Map<string, Promise<LocalStores>>();

/** Where wrangler keeps local state for `--persist-to dir` (or by default), as Miniflare needs it. */
function stateRoot(target: StoreTarget): string {
  return join(target.persistTo ? resolve(target.persistTo) : join(ROOT, ".wrangler/state"), "v3");
}

/**
 * The local stores of `target`, opened on first use; the database is brought to the schema
 * `npm start` uses when it is first asked for. Bindings come from wrangler.toml through
 * wrangler's own reader and the layout from `persistOptions`, as in `createLocalAssent`, so the
 * files are the ones wrangler names.
 */
function local(target: StoreTarget): Promise<LocalStores> {
  const root = stateRoot(target);
  let stores = opened.get(root);
  if (!stores) {
    stores = open(root);
    opened.set(root, stores);
  }
  return stores;
}

async function open(root: string): Promise<LocalStores> {
  // Loaded here, not at the top: the deployed path and `validate` need neither (about 2.5 s).
  const [{ Miniflare }, { unstable_getMiniflareWorkerOptions }, { applyMigrations, persistOptions }] = await Promise.all([
    import("miniflare"),
    import("wrangler"),
    import("../local/index"),
  ]);
  // Wrangler's reader says where it found .dev.vars; this is a store, not a Worker, so quietly.
  const level = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = "error";
  let bindings;
  try {
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
    bindings = { d1Databases: workerOptions.d1Databases, kvNamespaces: workerOptions.kvNamespaces, r2Buckets: workerOptions.r2Buckets };
  } finally {
    if (level === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = level;
  }
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 404 }) } }",
    ...bindings,
    host: "127.0.0.1",
    port: 0,
    cf: {},
    ...persistOptions(root),
  } as ConstructorParameters<typeof Miniflare>[0]);
  let db: Promise<LocalD1> | undefined;
  const migrated = async () => {
    const d1 = await mf.getD1Database("LEDGER");
    await whileBusy(() => applyMigrations(d1));
    return d1;
  };
  return { mf, db: () => (db ??= migrated()) };
}

/** Stops the local stores this process opened. */
export async function closeStores(): Promise<void> {
  const all = [...opened.values()];
  opened.clear();
  await Promise.all(all.map((s) => s.then((x) => x.mf.dispose()).catch(() => undefined)));
}

/** Brings the local database of `target` to the schema `npm start` uses (what any local command that reads or writes D1 does first). */
export async function migrateLocal(target: StoreTarget): Promise<void> {
  await (await local({ ...target, remote: false })).db();
}

// ---------------------------------------------------------------------------------------------
// Deployed: wrangler's commands.

function failed(what: string, run: RunResult): CliError {
  return new CliError(`wrangler ${what} failed:\n${(run.stderr || run.stdout || "").trim()}`);
}

function remoteExecute(sql: string): unknown[] {
  // A long statement (a whole site config) goes through a file: a command line has a limit.
  const dir = sql.length > 16_000 ? mkdtempSync(join(tmpdir(), "assent-sql-")) : undefined;
  let run: RunResult;
  try {
    const source = dir ? ["--file", join(dir, "statement.sql")] : ["--command", sql];
    if (dir) writeFileSync(source[1]!, sql);
    // CI=true skips wrangler's confirmation prompt for a file.
    run = runWrangler(["d1", "execute", "LEDGER", "--remote", "--json", ...source], { CI: "true" });
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  if (run.status !== 0) throw failed("d1 execute", run);
  try {
    const answers = JSON.parse(run.stdout) as { results?: unknown[] }[];
    return answers.flatMap((a) => a.results ?? []);
  } catch {
    throw new CliError(`wrangler d1 execute answered something unexpected:\n${run.stdout.trim()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// What the CLIs call.

/**
 * Runs SQL (one statement, or several separated by `;`, as one batch: all or nothing) and
 * returns the rows they answered. A statement that must say what it changed uses `RETURNING`.
 */
export async function execute(sql: string, target: StoreTarget): Promise<unknown[]> {
  if (target.remote) return remoteExecute(sql);
  const db = await (await local(target)).db();
  const { unstable_splitSqlQuery } = await import("wrangler");
  try {
    const answers = await whileBusy(() => db.batch(unstable_splitSqlQuery(sql).map((s) => db.prepare(s))));
    return answers.flatMap((a) => a.results ?? []);
  } catch (err) {
    throw new CliError(`The local database refused a statement: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Whether SITES (of the same target as the database: local, --persist-to, or --remote) holds a
 * config for the site, as `putSite` writes it.
 */
export async function siteExists(siteId: string, target: StoreTarget): Promise<boolean> {
  let text: string | null;
  if (target.remote) {
    const run = runWrangler(["kv", "key", "get", siteKey(siteId), "--binding", "SITES", "--remote"]);
    if (run.status !== 0) throw failed("kv key get", run);
    const out = run.stdout.trim();
    text = out === KV_MISSING ? null : out;
  } else {
    const kv = await (await local(target)).mf.getKVNamespace("SITES");
    text = await whileBusy(() => kv.get(siteKey(siteId), "text"));
  }
  if (text === null) return false;
  try {
    return (JSON.parse(text) as { id?: unknown }).id === siteId;
  } catch {
    throw new CliError(`The SITES namespace holds something unexpected for site "${siteId}":\n${text}`);
  }
}

/** Writes a (validated) site config to SITES, where the Worker reads it. */
export async function putSite(config: { id: string }, target: StoreTarget): Promise<void> {
  const json = JSON.stringify(config);
  if (!target.remote) {
    const kv = await (await local(target)).mf.getKVNamespace("SITES");
    await whileBusy(() => kv.put(siteKey(config.id), json));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "assent-site-"));
  try {
    const file = join(dir, `${config.id}.json`);
    writeFileSync(file, json);
    const run = runWrangler(["kv", "key", "put", siteKey(config.id), "--binding", "SITES", "--path", file, "--remote"]);
    if (run.status !== 0) throw failed("kv key put", run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An object of the ARCHIVE bucket (of the same target as the database), or null when it is not there. */
export async function archiveObject(key: string, target: StoreTarget): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!target.remote) {
    const bucket = await (await local(target)).mf.getR2Bucket("ARCHIVE");
    const object = await bucket.get(key);
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }
  const dir = mkdtempSync(join(tmpdir(), "assent-r2-"));
  try {
    const file = join(dir, "object");
    const run = runWrangler(["r2", "object", "get", `${ARCHIVE_BUCKET}/${key}`, "--file", file, "--remote"]);
    if (run.status !== 0) {
      if (`${run.stderr}${run.stdout}`.includes(R2_MISSING)) return null;
      throw failed("r2 object get", run);
    }
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `createLocalAssent()`: the whole Assent Worker running locally in Miniflare (workerd), with
 * real KV, D1, rate limiting and static assets, sites seeded, on a loopback port.
 *
 * Our own end-to-end tests and the bench use it; site developers can use it in their
 * integration tests (see docs/local-development.md). Bindings come from wrangler.toml
 * through wrangler's own reader, so this server and `wrangler dev` cannot drift apart.
 *
 * @example
 * const assent = await createLocalAssent({ sites: ["examples/sites/demo.json"] });
 * await fetch(new URL("/v1/sites/demo/bootstrap", assent.url));
 * await assent.dispose();
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { type ConsoleRole, SiteConfig, type SiteConfigInput } from "../worker/contract";
import { consoleAccess, recordVersion } from "./console";
import type { LocalD1 } from "./d1";
import { siteKey } from "../worker/sites/keys";

/** The repository root (this file lives in local/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What `request.cf` says about the visitor's location, for simulating a country or state. */
export interface LocalGeo {
  country?: string;
  regionCode?: string;
  isEUCountry?: "1";
}

export interface LocalAssentOptions {
  /**
   * Site configs to seed: objects, or paths to JSON files (relative paths from the current
   * directory, like `persist`). Default: the demo site of this repository.
   */
  sites?: (SiteConfigInput | string)[];
  /** Directory to keep KV and D1 data in across restarts (relative: from the current directory); default: in memory only. */
  persist?: string;
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Override the write rate limit (the bench raises it). Default: wrangler.toml's. */
  rateLimit?: { limit: number; period: 10 | 60 };
  /** Token signing key as `kid:secret`; default: a random key for this instance. */
  tokenKey?: string;
  /** Key for email address hashes; default: a random key for this instance. */
  emailHashKey?: string;
  /** Master key for per-site secrets (identity, webhooks); default: a random key for this instance. */
  siteSecretKey?: string;
  /**
   * Turnstile secret (TURNSTILE_SECRET_KEY) for sites that enable Turnstile on signup; default:
   * none, so their signups fail closed with 503 turnstile_unavailable (there is no internet here).
   */
  turnstileSecretKey?: string;
  /** Turnstile siteverify URL (TURNSTILE_VERIFY_URL), e.g. a local fake; default: Cloudflare's. */
  turnstileVerifyUrl?: string;
  /** Location every request appears to come from; default: unknown (no `request.cf` country). */
  geo?: LocalGeo;
  /** Directory of static assets; default: wrangler.toml's (`public/`). */
  assets?: string;
  /** Seconds a site config is memoized in the Worker; default 0 so pushed changes apply at once. */
  siteCacheSeconds?: number;
  /** Seconds the Worker adds up banner impressions before writing them; default 0 (counted at once). */
  statsFlushSeconds?: number;
}

export interface LocalAssent {
  /** Base URL, e.g. http://127.0.0.1:43521/ */
  url: URL;
  /** The Miniflare instance, for direct access to bindings (`getKVNamespace`, `getD1Database`). */
  mf: Miniflare;
  /**
   * Validates and writes a site config to local KV and records it as a version of its site
   * (the same as `npm run sites -- push`).
   */
  pushSite(config: SiteConfigInput | string): Promise<SiteConfig>;
  /**
   * Runs the Worker's scheduled handler as a cron trigger would (Miniflare runs none by itself).
   * Default: the per-minute webhook cron, now; pass a later `at` to make retries due.
   */
  runCron(options?: { cron?: string; at?: Date }): Promise<void>;
  /** Gives `email` a role on a site in the console (as `npm run sites -- console-grant`). */
  grantConsole(siteId: string, email: string, role: ConsoleRole): Promise<void>;
  /** A one-time sign-in link to the console (as `npm run sites -- console-link`); ten minutes, once. */
  consoleLink(email: string): Promise<string>;
  /** Stops workerd and removes the bundle (and in-memory data). */
  dispose(): Promise<void>;
}

/**
 * Reads a site config from a path (relative to the current directory, as every path a caller
 * gives) or passes an object through, then validates it.
 */
export function loadSiteConfig(source: SiteConfigInput | string): SiteConfig {
  const raw: unknown = typeof source === "string" ? JSON.parse(readFileSync(resolve(source), "utf8")) : source;
  return SiteConfig.parse(raw);
}

/** The demo site of this repository, the default of `sites`. */
export const DEMO_SITE = join(ROOT, "examples/sites/demo.json");

/** Bundles the Worker with esbuild, as wrangler would (ES module, workerd conditions). */
async function bundleWorker(outdir: string, main: string): Promise<string> {
  const outfile = join(outdir, "worker.js");
  await build({
    entryPoints: [main],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

/**
 * Applies `migrations/*.sql` that are not applied yet, recording them in `d1_migrations`, the
 * table `wrangler d1 migrations apply` uses, so both tools agree on a persisted database.
 */
export async function applyMigrations(db: LocalD1, dir = join(ROOT, "migrations")): Promise<string[]> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
  );
  const done = new Set(
    ((await db.prepare("SELECT name FROM d1_migrations").all()).results as { name: string }[]).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    if (done.has(name)) continue;
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, name), "utf8"));
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(name),
    ]);
    applied.push(name);
  }
  return applied;
}

export type { LocalD1 };

/**
 * Miniflare's persistence options for a state directory laid out as wrangler lays out
 * `<persist-to>/v3`: one folder per kind of store. The CLIs (scripts/cli-store.ts) open the same
 * layout, so what one writes the other reads.
 */
export function persistOptions(dir: string): { kvPersist: string; d1Persist: string; r2Persist: string; cachePersist: string } {
  return { kvPersist: join(dir, "kv"), d1Persist: join(dir, "d1"), r2Persist: join(dir, "r2"), cachePersist: join(dir, "cache") };
}

/** Starts Assent locally. Remember to `dispose()` it. */
export async function createLocalAssent(options: LocalAssentOptions = {}): Promise<LocalAssent> {
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  // Inside the git-ignored .wrangler/ so a run killed before dispose() leaves nothing in /tmp.
  mkdirSync(join(ROOT, ".wrangler/tmp"), { recursive: true });
  const buildDir = mkdtempSync(join(ROOT, ".wrangler/tmp/assent-local-"));
  const scriptPath = await bundleWorker(buildDir, main ?? join(ROOT, "worker/index.ts"));
  const persist = options.persist ? resolve(options.persist) : undefined;

  const ratelimits = { ...(workerOptions.ratelimits ?? {}) };
  if (options.rateLimit)
    for (const name of Object.keys(ratelimits))
      ratelimits[name] = { ...ratelimits[name]!, simple: { ...options.rateLimit } };

  const assets = workerOptions.assets
    ? { ...workerOptions.assets, ...(options.assets ? { directory: resolve(options.assets) } : {}) }
    : undefined;

  const mf = new Miniflare({
    ...workerOptions,
    name: "assent",
    modules: true,
    scriptPath,
    modulesRoot: buildDir,
    modulesRules: undefined,
    ratelimits,
    ...(assets ? { assets } : {}),
    bindings: {
      ...workerOptions.bindings,
      TOKEN_KEY_CURRENT: options.tokenKey ?? `l1:${randomBytes(32).toString("base64url")}`,
      EMAIL_HASH_KEY: options.emailHashKey ?? randomBytes(32).toString("base64url"),
      SITE_SECRET_KEY: options.siteSecretKey ?? randomBytes(32).toString("base64url"),
      // Local only: the outbox mailer and its /dev/outbox page.
      MAIL_PROVIDER: "outbox",
      DEV_MODE: "true",
      SITE_CACHE_SECONDS: String(options.siteCacheSeconds ?? 0),
      STATS_FLUSH_SECONDS: String(options.statsFlushSeconds ?? 0),
      ...(options.turnstileSecretKey ? { TURNSTILE_SECRET_KEY: options.turnstileSecretKey } : {}),
      ...(options.turnstileVerifyUrl ? { TURNSTILE_VERIFY_URL: options.turnstileVerifyUrl } : {}),
    },
    host: "127.0.0.1",
    port: options.port ?? 0,
    // An explicit request.cf: without one Miniflare invents a visitor in Austin, Texas, which
    // would put every local visitor under a US regime. Locally the location is unknown unless
    // a test asks for one.
    cf: { ...(options.geo ?? {}) },
    ...(persist ? persistOptions(persist) : {}),
  } as ConstructorParameters<typeof Miniflare>[0]);

  try {
    const url = await mf.ready;
    await applyMigrations(await mf.getD1Database("LEDGER"));
    const sitesKv = await mf.getKVNamespace("SITES");
    const db = await mf.getD1Database("LEDGER");
    const pushSite = async (source: SiteConfigInput | string) => {
      const config = loadSiteConfig(source);
      await sitesKv.put(siteKey(config.id), JSON.stringify(config));
      await recordVersion(db, config);
      return config;
    };
    for (const site of options.sites ?? [DEMO_SITE]) await pushSite(site);
    const runCron = async ({ cron = "* * * * *", at = new Date() }: { cron?: string; at?: Date } = {}) => {
      const worker = await mf.getWorker();
      await worker.scheduled({ cron, scheduledTime: at });
    };
    const { grantConsole, consoleLink } = consoleAccess(db, url.origin);
    return {
      url,
      mf,
      pushSite,
      runCron,
      grantConsole,
      consoleLink,
      dispose: async () => {
        await mf.dispose();
        rmSync(buildDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await mf.dispose().catch(() => {});
    rmSync(buildDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The site-config CLI.
 *
 *   npm run sites -- validate <file.json>
 *   npm run sites -- push <file.json> [--remote] [--persist-to <dir>]
 *   npm run sites -- key create <siteId> [--label <text>] [--remote] [--persist-to <dir>]
 *   npm run sites -- key revoke <keyId> [--remote] [--persist-to <dir>]
 *   npm run sites -- key list <siteId> [--remote] [--persist-to <dir>]
 *   npm run sites -- console-grant <siteId> <email> owner|compliance|viewer [--remote] [--persist-to <dir>]
 *   npm run sites -- console-link <email> [--origin <url>] [--remote] [--persist-to <dir>]
 *
 * `push` validates the file against the contract and only then writes it, normalized (defaults
 * filled in), to the SITES namespace: local KV (the store `npm start` / `wrangler dev` use) by
 * default, the deployed namespace with --remote. An invalid file is reported with every problem
 * and its path, and nothing is written. The write goes through scripts/cli-store.ts (the local
 * files `wrangler dev` reads, or `wrangler kv key put --remote`). `key` manages the site owner API keys (scripts/api-keys.ts);
 * `console-grant` and `console-link` who may use the console and how they get in
 * (scripts/console-cli.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as z from "zod";
import { SiteConfig } from "../worker/contract";
import { createKey, listKeys, revokeKey } from "./api-keys";
import { CliError } from "./cli-error";
import { LINK_VALID_FOR, LOCAL_ORIGIN, createConsoleLink, grantRole } from "./console-cli";
import { closeStores, execute, putSite, sqlText } from "./cli-store";
import { policyFingerprint } from "../worker/consent/fingerprint";
import { canonicalJson } from "../worker/lib/canonical-json";
import { createHash } from "node:crypto";
import { ROOT } from "./util";

export { CliError };

const USAGE = `Usage:
  npm run sites -- validate <file.json>
  npm run sites -- push <file.json> [--remote] [--persist-to <dir>]
  npm run sites -- key create <siteId> [--label <text>] [--remote] [--persist-to <dir>]
  npm run sites -- key revoke <keyId> [--remote] [--persist-to <dir>]
  npm run sites -- key list <siteId> [--remote] [--persist-to <dir>]
  npm run sites -- console-grant <siteId> <email> owner|compliance|viewer [--remote] [--persist-to <dir>]
  npm run sites -- console-link <email> [--origin <url>] [--remote] [--persist-to <dir>]`;

interface Options {
  remote: boolean;
  persistTo?: string;
  label?: string;
  origin?: string;
}

/** Splits `--remote`, `--persist-to <dir>` and (when allowed) `--label <text>`, `--origin <url>`; throws usage on anything else. */
function options(rest: string[], allowed: string[]): Options {
  const out: Options = { remote: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!allowed.includes(arg)) throw new CliError(USAGE, 2);
    if (arg === "--remote") out.remote = true;
    else {
      const value = rest[++i];
      if (value === undefined) throw new CliError(USAGE, 2);
      if (arg === "--persist-to") out.persistTo = value;
      else if (arg === "--origin") out.origin = value;
      else out.label = value;
    }
  }
  return out;
}

/** `key create <siteId>` / `key revoke <keyId>` / `key list <siteId>`. */
async function keyCommand([action, id, ...rest]: string[]): Promise<number> {
  if (action === "create" && id) {
    const opts = options(rest, ["--remote", "--persist-to", "--label"]);
    console.log(await createKey(id, opts.label ?? "default", opts));
    return 0;
  }
  if (action === "revoke" && id) {
    console.log(await revokeKey(id, options(rest, ["--remote", "--persist-to"])));
    return 0;
  }
  if (action === "list" && id) {
    console.log(await listKeys(id, options(rest, ["--remote", "--persist-to"])));
    return 0;
  }
  throw new CliError(USAGE, 2);
}

/** `console-grant <siteId> <email> <role>` / `console-link <email>`. */
async function consoleCommand([command, ...args]: string[]): Promise<number> {
  if (command === "console-grant" && args.length >= 3) {
    const [siteId, email, role, ...rest] = args as [string, string, string, ...string[]];
    console.log(await grantRole(siteId, email, role, options(rest, ["--remote", "--persist-to"])));
    return 0;
  }
  if (command === "console-link" && args.length >= 1) {
    const [email, ...rest] = args as [string, ...string[]];
    const opts = options(rest, ["--remote", "--persist-to", "--origin"]);
    if (opts.remote && !opts.origin) throw new CliError("With --remote, say where the Worker is: --origin https://consent.example.com");
    console.log(await createConsoleLink(email, opts.origin ?? LOCAL_ORIGIN, opts));
    console.error(`One-time sign-in link for ${email}: it works once, for ${LINK_VALID_FOR}.`);
    return 0;
  }
  throw new CliError(USAGE, 2);
}

/** Reads and validates a config file; throws a CliError listing every problem. */
export function readSiteConfig(file: string): SiteConfig {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SiteConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new CliError(`${file} is not a valid site config (nothing was written):\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Records a pushed config as a version of its site (the console's history), unless the latest
 * version is this very document (npm start pushes the demo on every start). `by` is "cli".
 */
async function recordVersion(config: SiteConfig, target: { remote: boolean; persistTo?: string }): Promise<number | null> {
  const json = JSON.stringify(config);
  const hash = createHash("sha256").update(canonicalJson(config)).digest("hex");
  const fingerprint = await policyFingerprint(config);
  const id = sqlText(config.id);
  const rows = (await execute(
    `INSERT INTO site_versions (site_id, version, config, config_hash, fingerprint, published_by, published_at, source)
     SELECT ${id}, COALESCE(MAX(version), 0) + 1, ${sqlText(json)}, '${hash}', '${fingerprint}', 'cli', ${sqlText(new Date().toISOString())}, 'cli'
     FROM site_versions WHERE site_id = ${id}
     HAVING (SELECT config_hash FROM site_versions WHERE site_id = ${id} ORDER BY version DESC LIMIT 1) IS NOT '${hash}'
     RETURNING version`,
    { remote: target.remote, ...(target.persistTo ? { persistTo: target.persistTo } : {}) },
  )) as { version: number }[];
  return rows[0]?.version ?? null;
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [command, file, ...rest] = argv;
    if (command === "key") return await keyCommand(argv.slice(1));
    if (command === "console-grant" || command === "console-link") return await consoleCommand(argv);
    if (!command || !file || !["validate", "push"].includes(command)) throw new CliError(USAGE, 2);
    const remote = rest.includes("--remote");
    const persistAt = rest.indexOf("--persist-to");
    const persistTo = persistAt >= 0 ? rest[persistAt + 1] : undefined;
    const unknown = rest.filter((a, i) => a !== "--remote" && a !== "--persist-to" && rest[i - 1] !== "--persist-to");
    if (unknown.length > 0 || (persistAt >= 0 && !persistTo)) throw new CliError(USAGE, 2);
    const config = readSiteConfig(file);
    if (command === "validate") {
      console.log(`${file}: valid config for site "${config.id}".`);
      return 0;
    }
    await putSite(config, { remote, ...(persistTo ? { persistTo } : {}) });
    console.log(`Pushed site "${config.id}" to ${remote ? "the deployed" : "the local"} SITES namespace.`);
    try {
      const version = await recordVersion(config, { remote, ...(persistTo ? { persistTo } : {}) });
      if (version !== null) console.log(`Recorded as version ${version} of "${config.id}" (the console's history).`);
    } catch (err) {
      console.error(`The config is live, but it could not be recorded in the console's history: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.message);
      return err.exitCode;
    }
    if (err instanceof z.ZodError) console.error(err.message);
    else console.error(err);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/sites.ts"))
  void main(process.argv.slice(2)).then(async (code) => {
    await closeStores();
    process.exit(code);
  });

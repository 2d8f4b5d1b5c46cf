/**
 * `npm start`: everything a newcomer needs for a working local Assent, offline.
 * 1. creates `.dev.vars` with a generated signing key when it is missing;
 * 2. applies the D1 migrations to the local database;
 * 3. validates and pushes the demo site config (examples/sites/demo.json) to local KV;
 * 4. builds the widget, runs `wrangler dev` on http://127.0.0.1:8787 and, once it answers, serves
 *    the same demo pages from a second origin, http://127.0.0.1:8788, and prints the URLs;
 * 5. plays the per-minute cron (webhook deliveries) every minute, since Miniflare runs no crons;
 * 6. makes the local owner (LOCAL_OWNER) an owner of the demo site and prints a one-time sign-in
 *    link to the console on a line that starts with `Console:`.
 * `ASSENT_GEO=US-CA npm start` makes every request look as if it came from that place.
 * State persists in .wrangler/state between runs (`npm start -- --persist-to <dir>` keeps it in
 * another directory, e.g. a fresh one: the README tour's test does that); Ctrl-C stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createSecondOrigin } from "../local/second-origin";
import { buildWidget } from "./build-widget";
import { LINK_VALID_FOR, createConsoleLink, grantRole } from "./console-cli";
import { closeStores, migrateLocal } from "./cli-store";
import { main as sites } from "./sites";
import { ROOT, devCfEnv, ensureDevVars, offlineEnv } from "./util";

const HOST = "http://127.0.0.1:8787";
/** The local owner of every site `npm start` loads, for the console's sign-in link. */
export const LOCAL_OWNER = "owner@example.com";

async function waitForHealth(child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${HOST}/v1/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer on ${HOST} within ${timeoutMs / 1000} s`);
}

/** `--persist-to <dir>` (the only option): where local KV and D1 live, as an absolute path. */
function persistOption(args: string[]): string | undefined {
  if (args.length === 0) return undefined;
  if (args.length === 2 && args[0] === "--persist-to" && args[1]) return resolve(args[1]);
  throw new Error("usage: npm start [-- --persist-to <dir>]");
}

async function start(): Promise<void> {
  const persistTo = persistOption(process.argv.slice(2));
  const persistArgs = persistTo ? ["--persist-to", persistTo] : [];
  if (persistTo) console.log(`▸ Keeping local KV and D1 in ${persistTo}`);
  const written = ensureDevVars();
  if (written.length) console.log(`▸ Wrote ${written.join(", ")} to .dev.vars (generated, git-ignored)`);
  console.log("▸ Building the widget (public/assent.js)");
  await buildWidget();
  console.log("▸ Applying D1 migrations to the local ledger");
  const local = { remote: false, ...(persistTo ? { persistTo } : {}) };
  await migrateLocal(local);
  console.log("▸ Pushing the demo site (examples/sites/demo.json)");
  if ((await sites(["push", "examples/sites/demo.json", ...persistArgs])) !== 0) throw new Error("pushing the demo site failed");
  // Before wrangler dev holds the database: the console's local owner and their way in.
  console.log(`▸ The console's local owner: ${await grantRole("demo", LOCAL_OWNER, "owner", local)}`);
  const consoleLink = await createConsoleLink(LOCAL_OWNER, HOST, local);
  await closeStores();

  console.log("▸ Starting wrangler dev");
  const geo = process.env.ASSENT_GEO;
  if (geo) console.log(`▸ Simulating visitors from ${geo} (ASSENT_GEO)`);
  // --test-scheduled: Miniflare runs no cron triggers by itself, so this script plays the
  // per-minute cron (webhook deliveries and their retries) through wrangler's /__scheduled route.
  const child = spawn("npx", ["wrangler", "dev", "--show-interactive-dev-session=false", "--test-scheduled", ...persistArgs], {
    cwd: ROOT,
    env: offlineEnv(devCfEnv(geo)),
    stdio: "inherit",
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
  await waitForHealth(child);
  const cron = setInterval(() => {
    fetch(`${HOST}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).then((r) => r.body?.cancel(), () => {});
  }, 60_000);
  cron.unref();
  const second = await createSecondOrigin({ workerOrigin: HOST, port: 8788 });
  console.log(`
  Assent is running at ${HOST}/
    Demo site:        ${HOST}/
    Same page, embedded from another origin: ${second.url.href}
    Strict-CSP page:  ${HOST}/demo/strict-csp
    API health:       ${HOST}/v1/health
    Demo bootstrap:   ${HOST}/v1/sites/demo/bootstrap
    Email outbox:     ${HOST}/dev/outbox
  Webhook deliveries run every minute, as the deployed cron would.
  Press Ctrl-C to stop.

Console: ${consoleLink}
  (a one-time sign-in link for ${LOCAL_OWNER}, owner of the demo site; it works once, for ${LINK_VALID_FOR}.
   Another: npm run sites -- console-link ${LOCAL_OWNER}${persistTo ? ` --persist-to ${persistTo}` : ""})
`);
}

start().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

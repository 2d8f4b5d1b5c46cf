/**
 * Running the project's CLIs as a site owner does, for the Node tests: `tsx scripts/<name>.ts`
 * with the offline environment, and a demo config with one change written to a temporary file.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, offlineEnv } from "../../scripts/util";

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script>` with `args` from the repository root. */
export function runCli(script: string, ...args: string[]): CliRun {
  const run = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [`scripts/${script}`, ...args], { cwd: ROOT, env: offlineEnv(), encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * `runCli` without blocking this process: for a CLI that calls a Worker this test process runs
 * (in-process Miniflare must keep answering while the CLI waits for it).
 */
export function runCliAsync(script: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [`scripts/${script}`, ...args], { cwd: ROOT, env: offlineEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run sites -- …`. */
export const sites = (...args: string[]): CliRun => runCli("sites.ts", ...args);

/** The demo site's config changed by `edit`, written to a new file in `dir`; returns its path. */
export function demoWith(dir: string, edit: (config: Record<string, any>) => void): string {
  const config = JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8"));
  edit(config);
  const file = join(dir, `site-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

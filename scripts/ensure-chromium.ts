/**
 * First step of `npm test` and `npm run test:e2e`: make sure the browser tests have a Chromium,
 * so a fresh clone needs nothing but `npm ci` and `npm test`.
 * - A usable Chromium (local/chromium.ts: CHROMIUM_PATH, then the usual places) → one line
 *   naming it, exit 0.
 * - None, and this machine can install Debian's package (apt-get, and root or password-less
 *   sudo) → say so in one line, `apt-get update` and `apt-get install -y chromium`, check again.
 * - Otherwise → stop at once, non-zero, with the exact command to run.
 * Playwright's own browser download is never used: the tests run the system's Chromium.
 *
 * The decisions are pure functions (`planWhenMissing`, `ensureChromium` with injected facts and
 * runner), tested in test/node/chromium-finder.test.ts without running apt.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type * as Chromium from "../local/chromium";
import { ROOT } from "./util";

/** What this machine allows, gathered once and only when Chromium is missing. */
export interface MachineFacts {
  /** Running as root: apt-get can run directly. */
  isRoot: boolean;
  /** apt-get is on PATH: Debian's (or Ubuntu's) package can be installed. */
  hasApt: boolean;
  /** `sudo -n true` succeeds: sudo works without asking for a password. */
  sudoWorks: boolean;
}

/** What to do when no Chromium is found: commands to run (argv lists), or a message to stop with. */
export type MissingPlan =
  | { action: "install"; notice: string; commands: string[][] }
  | { action: "stop"; message: string };

/** The command that points the tests at a Chromium installed some other way. */
export const CHROMIUM_PATH_COMMAND = "CHROMIUM_PATH=/path/to/chromium npm test";

/**
 * Decides how to get Chromium from the facts alone. apt-get runs non-interactively (sudo resets
 * the environment, so DEBIAN_FRONTEND goes through `env` in the command itself) and quietly; a
 * sudo that would ask for a password is never tried, so the run never hangs on a prompt.
 */
export function planWhenMissing(facts: MachineFacts): MissingPlan {
  const notFound = "Chromium not found (CHROMIUM_PATH unset; none at /usr/bin/chromium or the other usual places), and the browser tests need it.";
  if (!facts.hasApt) {
    return {
      action: "stop",
      message: `${notFound}\nThis machine has no apt-get: install Chromium with its package manager, then run:\n  ${CHROMIUM_PATH_COMMAND}`,
    };
  }
  if (!facts.isRoot && !facts.sudoWorks) {
    return {
      action: "stop",
      message:
        `${notFound}\nInstall Debian's package, then run npm test again:\n  sudo apt-get install -y chromium\n` +
        `or point the tests at a Chromium you have:\n  ${CHROMIUM_PATH_COMMAND}`,
    };
  }
  const prefix = [...(facts.isRoot ? [] : ["sudo", "-n"]), "env", "DEBIAN_FRONTEND=noninteractive"];
  return {
    action: "install",
    notice:
      `Chromium not found: installing Debian's "chromium" package with ${facts.isRoot ? "" : "sudo "}apt-get ` +
      `(needed by the browser tests; Playwright never downloads a browser here)`,
    commands: [
      [...prefix, "apt-get", "update", "-qq"],
      [...prefix, "apt-get", "install", "-y", "-qq", "chromium"],
    ],
  };
}

/** Everything `ensureChromium` needs from the outside world, injectable for tests. */
export interface EnsureDeps {
  /** The Chromium to use, or null (local/chromium.ts `locateChromium`); may throw ChromiumPathError. */
  locate: () => string | null;
  /** The machine's facts; only asked for when Chromium is missing (it may run `sudo -n true`). */
  facts: () => MachineFacts;
  /** Runs one command to completion; `output` is shown only when it fails. */
  run: (argv: string[]) => { ok: boolean; output: string };
  log: (line: string) => void;
  error: (text: string) => void;
}

/** Finds Chromium, or installs it when the plan says so; returns the process exit code. */
export function ensureChromium(deps: EnsureDeps): number {
  const locate = (): string | null | Error => {
    try {
      return deps.locate();
    } catch (err) {
      // A CHROMIUM_PATH naming nothing: the user asked for that browser, so stop with its message.
      if (err instanceof Error && err.name === "ChromiumPathError") return err;
      throw err;
    }
  };

  const found = locate();
  if (found instanceof Error) {
    deps.error(found.message);
    return 1;
  }
  if (found) {
    deps.log(`Chromium for the browser tests: ${found}`);
    return 0;
  }

  const plan = planWhenMissing(deps.facts());
  if (plan.action === "stop") {
    deps.error(plan.message);
    return 1;
  }
  deps.log(plan.notice);
  for (const argv of plan.commands) {
    const result = deps.run(argv);
    if (!result.ok) {
      deps.error(`${result.output.trimEnd()}\nFailed: ${argv.join(" ")}\nInstall Chromium yourself, then run npm test again (or ${CHROMIUM_PATH_COMMAND}).`);
      return 1;
    }
  }
  const installed = locate();
  if (typeof installed !== "string") {
    deps.error(`apt-get installed "chromium" but no usable Chromium was found afterwards. Run: ${CHROMIUM_PATH_COMMAND}`);
    return 1;
  }
  deps.log(`Chromium for the browser tests: ${installed} (Debian's package, just installed)`);
  return 0;
}

/** The real machine: local/chromium.ts's search, `id`, apt-get on PATH, `sudo -n true`. */
function machineDeps(chromium: typeof Chromium): EnsureDeps {
  return {
    locate: () => chromium.locateChromium(),
    facts: () => {
      const isRoot = process.getuid?.() === 0;
      const hasApt = chromium.findOnPath("apt-get", process.env.PATH, chromium.isExecutableFile) !== null;
      // Only worth asking when it would be used; -n makes sudo fail instead of prompting.
      const sudoWorks = !isRoot && hasApt && spawnSync("sudo", ["-n", "true"], { stdio: "ignore", timeout: 10_000 }).status === 0;
      return { isRoot, hasApt, sudoWorks };
    },
    run: (argv) => {
      const [command, ...args] = argv as [string, ...string[]];
      const result = spawnSync(command, args, {
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        maxBuffer: 64 * 1024 * 1024,
      });
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `${result.error.message}\n` : ""}`;
      return { ok: result.status === 0, output };
    },
    log: (line) => console.log(line),
    error: (text) => console.error(text),
  };
}

/** The command line: `tsx scripts/ensure-chromium.ts`. */
async function main(): Promise<number> {
  let chromium: typeof Chromium;
  try {
    // Imported here, not at the top: loading local/chromium.ts throws on a bad CHROMIUM_PATH,
    // and that must end in its one clear message rather than a stack trace.
    chromium = await import("../local/chromium");
  } catch (err) {
    if (err instanceof Error && err.name === "ChromiumPathError") {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  return ensureChromium(machineDeps(chromium));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/ensure-chromium.ts")) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

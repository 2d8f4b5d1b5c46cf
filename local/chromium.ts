/**
 * How Assent's browser tests and bench find and launch a system Chromium (never a downloaded
 * browser): headless, and with no DNS for anything but loopback, so nothing reaches the
 * internet (and nothing can).
 *
 * The search is a pure function (`findChromium`) so its decisions can be tested without the
 * file system; `locateChromium` runs it against the real one. Everything here is synchronous,
 * because playwright.config.ts imports it in every test worker: a few `stat` calls, and one read
 * of Playwright's bundle (about 50 ms) for its list of disabled features (`CHROMIUM_ARGS`).
 */
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";

/**
 * Where Chromium usually lives, in the order they are tried: Debian's package first (what the
 * browser tests are run with), then other distributions' and snap's places, then Google
 * Chrome, then bare names looked up on PATH.
 */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "chromium",
  "chromium-browser",
];

/** Debian's Chromium: what `npm test` installs, and the path used when nothing is found. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** `CHROMIUM_PATH` is set but names nothing executable: a user error that must stop the run. */
export class ChromiumPathError extends Error {
  constructor(readonly path: string) {
    super(
      `CHROMIUM_PATH=${path} is not an executable file. Point it at a Chromium binary ` +
        `(CHROMIUM_PATH=/path/to/chromium npm test) or unset it to use the system's Chromium.`,
    );
    this.name = "ChromiumPathError";
  }
}

/** True when `path` is a regular file (after symlinks) that this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the directories of `pathVar` (a PATH value), or null. */
export function findOnPath(name: string, pathVar: string | undefined, isExecutable: (path: string) => boolean): string | null {
  for (const dir of (pathVar ?? "").split(":")) {
    // An empty PATH entry means the current directory; skip it rather than run a stray file.
    if (!dir) continue;
    const path = posix.join(dir, name);
    if (isExecutable(path)) return path;
  }
  return null;
}

/**
 * Decides which Chromium to use, touching nothing but `isExecutable`:
 * - `env.CHROMIUM_PATH` when set and non-empty (a bare name is looked up on `env.PATH`); when it
 *   names nothing executable this throws `ChromiumPathError` rather than silently using another
 *   browser than the one asked for;
 * - otherwise the first executable candidate: paths containing "/" are tried as they are, bare
 *   names on `env.PATH`;
 * - otherwise null.
 */
export function findChromium(
  candidates: readonly string[],
  isExecutable: (path: string) => boolean,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  const resolve = (name: string) =>
    name.includes("/") ? (isExecutable(name) ? name : null) : findOnPath(name, env.PATH, isExecutable);
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    const found = resolve(wanted);
    if (!found) throw new ChromiumPathError(wanted);
    return found;
  }
  for (const candidate of candidates) {
    const found = resolve(candidate);
    if (found) return found;
  }
  return null;
}

/** `findChromium` on this machine: the usual places, the real file system, `process.env`. */
export function locateChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  return findChromium(CHROMIUM_CANDIDATES, isExecutableFile, env);
}

/**
 * The Chromium that playwright.config.ts and the bench launch. A bad `CHROMIUM_PATH` fails here,
 * naming it. When no Chromium is found this is still Debian's path, so importing never fails
 * for that alone: `npm test` and `npm run test:e2e` run scripts/ensure-chromium.ts first, which
 * installs it or says how, and a direct launch fails naming the missing path.
 */
export const CHROMIUM_PATH: string = locateChromium() ?? DEBIAN_CHROMIUM;

/**
 * Features turned off on top of Playwright's own list. Headless Chromium (the new headless
 * mode, the only one a distribution's package has) builds the address bar's popup, a WebUI page
 * in a renderer of its own, for every window, that is for every browser context: about a second
 * of CPU, spent while the page under test loads. On a 2-core machine that is the largest source
 * of noise in the bench's timings, and a slower test suite.
 */
export const EXTRA_DISABLED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"] as const;

/**
 * The features Playwright itself disables, read from its bundle's source (`disabledFeatures =
 * [...]`); empty when that cannot be read. Chromium honours only the last `--disable-features`
 * on its command line, and Playwright puts ours after its own, so ours must carry its list too.
 */
export function playwrightDisabledFeatures(bundleSource: string): string[] {
  const list = /\bdisabledFeatures\s*=\s*\[([^\]]*)\]/.exec(bundleSource)?.[1] ?? "";
  return [...list.matchAll(/^\s*"([A-Za-z0-9_]+)",?\s*$/gm)].map((m) => m[1]!);
}

/** `--disable-features` with Playwright's list and ours; none (Playwright's stays) when its list cannot be read. */
function disableFeaturesArg(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const bundle = join(dirname(require.resolve("playwright-core/package.json")), "lib", "coreBundle.js");
    const theirs = playwrightDisabledFeatures(readFileSync(bundle, "utf8"));
    return theirs.length ? [`--disable-features=${[...new Set([...theirs, ...EXTRA_DISABLED_FEATURES])].join(",")}`] : [];
  } catch {
    return [];
  }
}

/**
 * Launch flags: headless, no sandbox (containers, root), no network beyond loopback, and no
 * address-bar popup built for every context.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
  ...disableFeaturesArg(),
];

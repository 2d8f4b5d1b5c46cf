/**
 * Builds the embed into public/ (git-ignored outputs), for the Worker's static assets:
 *
 *   public/assent.js                 the loader, controller and banner: everything a first visit needs
 *   public/assent-preferences.js     preference center, embed placeholder, floating button (with Lit),
 *                                    loaded when one of them is needed
 *   public/v/<version>/…             the same files under an immutable, versioned path
 *   public/assent-manifest.json      version, paths and SRI (sha384) hashes (R7.11)
 *   public/assent.d.ts               TypeScript declarations for `window.assent` and its events
 *   public/README.md, public/docs/   the README and the documentation pages, linked from the
 *                                    demo site (served as text/plain, see public/_headers)
 *
 * Lit lives in the lazy chunk only: Lit (~5.6 KB gzip) next to the loader and controller
 * (~5.8 KB) would not fit the 10 KB first-visit budget, so the banner in assent.js is a small
 * Lit-free custom element (widget/ui/dom.ts).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./util";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const OUT = join(ROOT, "public");
const FILES = ["assent.js", "assent-preferences.js"] as const;

export interface WidgetManifest {
  version: string;
  files: Record<string, { path: string; integrity: string; bytes: number }>;
}

const common = {
  bundle: true,
  minify: true,
  target: "es2020",
  legalComments: "none",
  tsconfig: join(ROOT, "tsconfig.widget.json"),
  define: { __ASSENT_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
} as const;

/**
 * The most `assent.js` (everything a first visit loads before the banner shows) may weigh,
 * gzip level 9. Bytes are deterministic: `npm test` checks it (test/node/widget-budget.test.ts)
 * and `npm run bench` reports it with the timings.
 */
export const FIRST_VISIT_BUDGET_GZIP = 10_240;

/** The first-visit bundle exactly as `buildWidget` writes it to public/assent.js, in memory. */
export async function firstVisitBundle(): Promise<Uint8Array> {
  const result = await build({ ...common, entryPoints: [join(ROOT, "widget/loader.ts")], format: "iife", write: false, outfile: join(OUT, "assent.js") });
  return result.outputFiles[0]!.contents;
}

/**
 * Writes a file by renaming a finished temporary one over it, so a server reading public/ while
 * a build runs (tests serve it while `npm start` rebuilds) sees the old bytes or the new, never
 * a missing or half-written file.
 */
function writeAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Removes the entries of `dir` that are not in `keep` (leftovers of an earlier build). */
function prune(dir: string, keep: Set<string>): void {
  for (const name of readdirSync(dir)) if (!keep.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Builds the widget; returns the manifest it wrote. */
export async function buildWidget(): Promise<WidgetManifest> {
  const bundles = {
    "assent.js": await firstVisitBundle(),
    "assent-preferences.js": (
      await build({ ...common, entryPoints: [join(ROOT, "widget/ui/preferences-entry.ts")], format: "esm", write: false, outfile: join(OUT, "assent-preferences.js") })
    ).outputFiles[0]!.contents,
  } satisfies Record<(typeof FILES)[number], Uint8Array>;
  const versioned = join(OUT, "v", pkg.version);
  mkdirSync(versioned, { recursive: true });
  prune(join(OUT, "v"), new Set([pkg.version]));
  const manifest: WidgetManifest = { version: pkg.version, files: {} };
  for (const name of FILES) {
    const bytes = bundles[name];
    writeAtomic(join(OUT, name), bytes);
    writeAtomic(join(versioned, name), bytes);
    manifest.files[name] = {
      path: `/v/${pkg.version}/${name}`,
      integrity: `sha384-${createHash("sha384").update(bytes).digest("base64")}`,
      bytes: bytes.length,
    };
  }
  writeAtomic(join(OUT, "assent-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeAtomic(join(OUT, "assent.d.ts"), readFileSync(join(ROOT, "widget/assent.d.ts")));
  // The demo site links the README, which links docs/*.md: serve both at the same relative
  // places so the README's links resolve.
  writeAtomic(join(OUT, "README.md"), readFileSync(join(ROOT, "README.md")));
  mkdirSync(join(OUT, "docs"), { recursive: true });
  const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
  for (const page of pages) writeAtomic(join(OUT, "docs", page), readFileSync(join(ROOT, "docs", page)));
  prune(join(OUT, "docs"), new Set(pages));
  return manifest;
}

if (process.argv[1]?.endsWith("build-widget.ts")) {
  buildWidget().then(
    (m) => {
      for (const [name, f] of Object.entries(m.files)) console.log(`${name.padEnd(24)} ${String(f.bytes).padStart(7)} B  ${f.integrity}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

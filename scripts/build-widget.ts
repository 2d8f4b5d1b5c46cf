/**
 * Builds the embed into public/ (git-ignored outputs), for the Worker's static assets:
 *
 *   public/assent.js                 the loader, controller and banner: everything a first visit needs
 *   public/assent-preferences.js     preference center, embed placeholder, floating button (with Lit),
 *                                    loaded when one of them is needed
 *   public/v/<version>/…             the same files under an immutable, versioned path
 *   public/assent-manifest.json      version, paths and SRI (sha384) hashes (R7.11)
 *   public/assent.d.ts               TypeScript declarations for `window.assent` and its events
 *   public/docs/README.md            the README, linked from the demo site
 *
 * Lit lives in the lazy chunk only: Lit (~5.6 KB gzip) next to the loader and controller
 * (~5.8 KB) would not fit the 10 KB first-visit budget, so the banner in assent.js is a small
 * Lit-free custom element (widget/ui/dom.ts).
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** Builds the widget; returns the manifest it wrote. */
export async function buildWidget(): Promise<WidgetManifest> {
  await build({ ...common, entryPoints: [join(ROOT, "widget/loader.ts")], format: "iife", outfile: join(OUT, "assent.js") });
  await build({
    ...common,
    entryPoints: [join(ROOT, "widget/ui/preferences-entry.ts")],
    format: "esm",
    outfile: join(OUT, "assent-preferences.js"),
  });
  const versioned = join(OUT, "v", pkg.version);
  rmSync(join(OUT, "v"), { recursive: true, force: true });
  mkdirSync(versioned, { recursive: true });
  const manifest: WidgetManifest = { version: pkg.version, files: {} };
  for (const name of FILES) {
    const bytes = readFileSync(join(OUT, name));
    copyFileSync(join(OUT, name), join(versioned, name));
    manifest.files[name] = {
      path: `/v/${pkg.version}/${name}`,
      integrity: `sha384-${createHash("sha384").update(bytes).digest("base64")}`,
      bytes: bytes.length,
    };
  }
  writeFileSync(join(OUT, "assent-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(ROOT, "widget/assent.d.ts"), join(OUT, "assent.d.ts"));
  // The demo site links the README; serve a copy with the static assets.
  mkdirSync(join(OUT, "docs"), { recursive: true });
  copyFileSync(join(ROOT, "README.md"), join(OUT, "docs/README.md"));
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

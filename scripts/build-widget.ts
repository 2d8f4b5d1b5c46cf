/**
 * Builds the embed into public/ (git-ignored outputs), for the Worker's static assets:
 *
 *   public/assent.js                 the core: a classic script (the tag site owners paste), with
 *                                    Consent Mode defaults, the local record, gating, events,
 *                                    sync and the API client; no UI, no Lit
 *   public/v/<version>/…             immutable, versioned: assent.js again, and the lazily loaded
 *                                    ES modules it imports (widget/core/ui-loader.ts): banner.js,
 *                                    floating-button.js, preferences.js, embed-placeholder.js,
 *                                    identity.js, strings-<lang>.js, and the chunk-<hash>.js files
 *                                    they share (one copy of Lit)
 *   public/assent-manifest.json      version, paths and SRI (sha384) hashes of every file (R7.11)
 *   public/assent.d.ts               TypeScript declarations for `window.assent` and its events,
 *                                    generated from widget/public-api.ts
 *   public/README.md, public/docs/   the README and the documentation pages, linked from the
 *                                    demo site (served as text/plain, see public/_headers)
 *   public/console/v/<version>/      the console's app (scripts/build-console.ts), loaded only
 *                                    by /console
 *
 * Two esbuild passes: the UI first (ESM, `splitting: true`, so Lit and shared code are chunks of
 * their own; the styles and markup of Lit's templates minified by ./template-literals.ts), then
 * the core (IIFE), with each UI module's chunk list written in so the core imports a module and
 * its chunks at once.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type Metafile, build } from "esbuild";
import { LANGS } from "../shared/languages";
import { buildConsole } from "./build-console";
import { templateLiterals } from "./template-literals";
import { ROOT } from "./util";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const OUT = join(ROOT, "public");

export interface WidgetManifest {
  version: string;
  files: Record<string, { path: string; integrity: string; bytes: number }>;
}

const common = {
  bundle: true,
  minify: true,
  target: "es2021",
  legalComments: "none",
  tsconfig: join(ROOT, "tsconfig.widget.json"),
  define: { __ASSENT_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
} as const;

/** The lazily loaded UI modules (file name without `.js` → source), imported by widget/core/ui-loader.ts. */
export const UI_ENTRIES: Record<string, string> = {
  banner: "widget/ui/banner/index.ts",
  "floating-button": "widget/ui/floating-button/index.ts",
  "embed-placeholder": "widget/ui/embed-placeholder/index.ts",
  preferences: "widget/ui/preferences/index.ts",
  decisions: "widget/core/decisions.ts",
  identity: "widget/core/identity.ts",
  sync: "widget/core/sync.ts",
  ...Object.fromEntries(LANGS.map((lang) => [`strings-${lang}`, `shared/banner-strings/${lang}.ts`])),
};

/** The widget's files exactly as `buildWidget` writes them to public/v/<version>/, in memory. */
export interface WidgetBuild {
  /** File name → bytes: `assent.js`, the UI modules and their chunks. */
  files: Map<string, Uint8Array>;
  /** Each UI module's chunk files (static imports, transitively). */
  deps: Record<string, string[]>;
}

/** The static imports of `file` in the UI build, transitively (what importing it fetches). */
function staticDeps(meta: Metafile, file: string, seen = new Set<string>()): string[] {
  for (const imp of meta.outputs[file]?.imports ?? [])
    if (imp.kind === "import-statement" && !seen.has(imp.path)) {
      seen.add(imp.path);
      staticDeps(meta, imp.path, seen);
    }
  return [...seen].map((path) => basename(path)).sort();
}

/**
 * The chunk lists as the core carries them (widget/core/ui-loader.ts): module name → the hashes
 * of its chunks, `{ banner: ["ML43XEQX"] }` for `banner.js` → `chunk-ML43XEQX.js`. Every byte
 * of the core is paid by every page view.
 */
function coreDeps(deps: Record<string, string[]>): Record<string, string[]> {
  const hash = (chunk: string) => /^chunk-(\w+)\.js$/.exec(chunk)?.[1] ?? fail(chunk);
  const fail = (chunk: string): never => {
    throw new Error(`${chunk}: not a chunk-<hash>.js file`);
  };
  return Object.fromEntries(
    Object.entries(deps)
      .filter(([, d]) => d.length)
      .map(([file, d]) => [file.replace(/\.js$/, ""), d.map(hash)]),
  );
}

/** Builds the UI modules, then the core with their chunk lists; nothing is written. */
export async function widgetBuild(): Promise<WidgetBuild> {
  const ui = await build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(UI_ENTRIES).map(([name, src]) => [name, join(ROOT, src)])),
    plugins: [templateLiterals(/[\\/]widget[\\/]ui[\\/]/)],
    format: "esm",
    splitting: true,
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    outdir: join(OUT, "v", pkg.version),
    metafile: true,
    write: false,
  });
  const files = new Map<string, Uint8Array>();
  for (const out of ui.outputFiles) files.set(basename(out.path), out.contents);
  const deps: Record<string, string[]> = {};
  for (const [path, out] of Object.entries(ui.metafile.outputs)) if (out.entryPoint) deps[basename(path)] = staticDeps(ui.metafile, path);
  const core = await build({
    ...common,
    define: { ...common.define, __ASSENT_DEPS__: JSON.stringify(coreDeps(deps)) },
    entryPoints: [join(ROOT, "widget/loader.ts")],
    format: "iife",
    write: false,
    outfile: join(OUT, "assent.js"),
  });
  files.set("assent.js", core.outputFiles[0]!.contents);
  return { files, deps };
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

/**
 * /assent.d.ts, generated from widget/public-api.ts: the source the widget itself is typed
 * with. It holds declarations only and imports nothing, so its text is a valid .d.ts as it is;
 * the build stamps the version on it and checks that it stayed that way.
 */
export function publicDeclarations(): string {
  const source = readFileSync(join(ROOT, "widget/public-api.ts"), "utf8");
  if (/^\s*import\s/m.test(source) || /^\s*export\s+(const|let|function|class|default)\b/m.test(source))
    throw new Error("widget/public-api.ts must hold declarations only and import nothing: it is served as /assent.d.ts");
  return `// Assent ${pkg.version}: generated from widget/public-api.ts by scripts/build-widget.ts.\n${source}`;
}

/** Sort order of the manifest: the entry, the modules, the chunks. */
const rank = (name: string) => (name === "assent.js" ? 0 : name.startsWith("chunk-") ? 2 : 1);

/** Builds the widget; returns the manifest it wrote. */
export async function buildWidget(): Promise<WidgetManifest> {
  const { files } = await widgetBuild();
  const versioned = join(OUT, "v", pkg.version);
  mkdirSync(versioned, { recursive: true });
  prune(join(OUT, "v"), new Set([pkg.version]));
  const manifest: WidgetManifest = { version: pkg.version, files: {} };
  // The entry first, then the modules, then the chunks: the manifest reads in load order.
  const names = [...files.keys()].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  for (const name of names) {
    const bytes = files.get(name)!;
    writeAtomic(join(versioned, name), bytes);
    manifest.files[name] = {
      path: `/v/${pkg.version}/${name}`,
      integrity: `sha384-${createHash("sha384").update(bytes).digest("base64")}`,
      bytes: bytes.length,
    };
  }
  prune(versioned, new Set(names));
  // The tag site owners paste points here (cached for minutes, not a year).
  writeAtomic(join(OUT, "assent.js"), files.get("assent.js")!);
  // The lazily loaded chunk of earlier versions, at the root: gone (everything is versioned now).
  rmSync(join(OUT, "assent-preferences.js"), { force: true });
  writeAtomic(join(OUT, "assent-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeAtomic(join(OUT, "assent.d.ts"), publicDeclarations());
  // The demo site links the README, which links docs/*.md: serve both at the same relative
  // places so the README's links resolve.
  writeAtomic(join(OUT, "README.md"), readFileSync(join(ROOT, "README.md")));
  mkdirSync(join(OUT, "docs"), { recursive: true });
  const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
  for (const page of pages) writeAtomic(join(OUT, "docs", page), readFileSync(join(ROOT, "docs", page)));
  prune(join(OUT, "docs"), new Set(pages));
  // The console's app (its own bundle; never part of the widget).
  await buildConsole();
  return manifest;
}

if (process.argv[1]?.endsWith("build-widget.ts")) {
  buildWidget().then(
    (m) => {
      for (const [name, f] of Object.entries(m.files)) console.log(`${name.padEnd(26)} ${String(f.bytes).padStart(7)} B  ${f.integrity}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

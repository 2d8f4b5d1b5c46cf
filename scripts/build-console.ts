/**
 * Builds the console's Lit app (console/) into public/console/v/<version>/ (git-ignored):
 * `app.js`, one ES module with its own copy of Lit, and `console.css`, the page around it; and
 * for the live preview, `preview-page.js` and `preview.css` (worker/console/preview.ts).
 * Only /console loads them (worker/console/pages.ts); nothing of the widget imports them, and
 * nothing here reaches `assent.js` or its chunks. Called by scripts/build-widget.ts, so `npm
 * start`, `npm test` and `npm run build` all have it.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./util";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

/** Where the console's files go, and the URL path they are served at. */
export const CONSOLE_OUT = join(ROOT, "public", "console");

/** What the console's build writes. */
const FILES = ["app.js", "console.css", "preview-page.js", "preview.css"];

/** Builds app.js and preview-page.js and copies the stylesheets; returns the versioned directory. */
export async function buildConsole(): Promise<string> {
  const dir = join(CONSOLE_OUT, "v", pkg.version);
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await build({
    entryPoints: [join(ROOT, "console/app.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    legalComments: "none",
    tsconfig: join(ROOT, "tsconfig.widget.json"),
    outfile: join(tmp, "app.js"),
    // Third-party CSS (uPlot's) is adopted into shadow roots as text: see console/css.d.ts.
    loader: { ".css": "text" },
    logLevel: "warning",
  });
  // The preview page's own script (a classic script, run before assent.js).
  await build({
    entryPoints: [join(ROOT, "console/preview-page.ts")],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    legalComments: "none",
    tsconfig: join(ROOT, "tsconfig.widget.json"),
    outfile: join(tmp, "preview-page.js"),
    logLevel: "warning",
  });
  for (const css of ["console.css", "preview.css"]) copyFileSync(join(ROOT, "console", css), join(tmp, css));
  // Each file replaced by rename: a server reading public/ during a build (tests serve it while
  // `npm start` rebuilds) sees the old file or the new, never none.
  mkdirSync(dir, { recursive: true });
  for (const name of FILES) renameSync(join(tmp, name), join(dir, name));
  rmSync(tmp, { recursive: true, force: true });
  for (const other of readdirSync(join(CONSOLE_OUT, "v"))) if (other !== pkg.version) rmSync(join(CONSOLE_OUT, "v", other), { recursive: true, force: true });
  return dir;
}

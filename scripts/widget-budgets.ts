/**
 * The widget's byte budgets (issue #9) and the file sets they apply to, computed from the
 * build's file list and chunk graph (scripts/build-widget.ts). Bytes are deterministic, so
 * `npm test` checks them (test/node/widget-budget.test.ts); `npm run bench` prints them next to
 * what a browser actually fetched (scripts/bench/widget-*.ts), and fails over budget.
 *
 * Each file is compressed on its own, as it is served: gzip level 9.
 */
import { gzipSync } from "node:zlib";
import type { WidgetBuild } from "./build-widget";

/** The budgets, gzip bytes. */
export const BUDGETS_GZIP = {
  /** A returning visit with a valid record, cold cache, no floating button: `assent.js` alone. */
  returning: 6_656,
  /** The same with the floating button: plus its module and its chunks (Lit). */
  returningWithButton: 13_312,
  /** A first visit until the banner shows: the core, the banner and its chunks (its labels come with bootstrap). */
  firstVisit: 15_360,
} as const;

export type BudgetName = keyof typeof BUDGETS_GZIP;

/** A module and everything importing it fetches. */
const withDeps = (build: WidgetBuild, file: string) => [file, ...(build.deps[file] ?? [])];

/** The files each budget covers. */
export function budgetSets(build: WidgetBuild): Record<BudgetName, string[]> {
  return {
    returning: ["assent.js"],
    // The floating button's one label comes with it: no strings file.
    returningWithButton: [...new Set(["assent.js", ...withDeps(build, "floating-button.js")])],
    firstVisit: [...new Set(["assent.js", ...withDeps(build, "banner.js")])],
  };
}

/** gzip level 9 bytes of one file. */
export const gzipBytes = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;

/** Each budget's set, its gzip total and whether it fits. */
export function checkBudgets(build: WidgetBuild): Record<BudgetName, { files: string[]; gzip: number; budget: number; fits: boolean }> {
  const sets = budgetSets(build);
  const out = {} as Record<BudgetName, { files: string[]; gzip: number; budget: number; fits: boolean }>;
  for (const name of Object.keys(BUDGETS_GZIP) as BudgetName[]) {
    const gzip = sets[name].reduce((sum, f) => sum + gzipBytes(build.files.get(f)!), 0);
    out[name] = { files: sets[name], gzip, budget: BUDGETS_GZIP[name], fits: gzip <= BUDGETS_GZIP[name] };
  }
  return out;
}

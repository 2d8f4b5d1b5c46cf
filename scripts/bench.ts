/**
 * `npm run bench`: performance report of Assent, in one run.
 *
 * Each section (scripts/bench/*.ts) starts what it measures, measures it and stops it again, and
 * hands back a table, notes and raw numbers; this file prints the tables and writes the raw
 * numbers to bench-results/{section}.json (git-ignored). Add a section by appending its
 * runner to SECTIONS.
 *
 *   npm run bench
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=20 BENCH_RUNS=11 npm run bench
 *   BENCH_ONLY=widget npm run bench         (one section by name: worker, widget, headers, console, proof, scan)
 *
 * Sections: the Worker API (scripts/bench/worker.ts; BENCH_SECONDS, BENCH_CONNECTIONS) and the
 * widget's bytes and first-visit timings in headless Chromium (scripts/bench/widget.ts;
 * BENCH_RUNS, default 7; the widget's first visits 11), the header parsers on adversarial 64 KB values
 * (scripts/bench/headers.ts), and the console's 90-day figures of a site with a million
 * decisions and its ledger export's rows per second (scripts/bench/console.ts), the proof
 * ledger's bytes per decision in D1 and archived, and its verification speed over 1,000,000 rows
 * (scripts/bench/proof.ts; PROOF_DECISIONS, PROOF_ROWS), and a whole
 * three-profile compliance scan of the demo site (scripts/bench/scan.ts; BENCH_SCAN_RUNS).
 *
 * It reports and does not fail on slow numbers alone. The exit code is 1 when the bench itself
 * is broken (for example more than 1 % failed requests, or a contender that cannot be measured),
 * because a broken bench is worse than none, and when a hard product budget is exceeded (the
 * widget's byte budgets of scripts/widget-budgets.ts, or its banner slower than before, relative
 * to the static floor (scripts/bench/widget.ts), or a header parser over 5 ms per call on a 64 KB
 * value: a complexity bug, not a slow machine, or a demo scan over 60 s, or the proof chain
 * verifying under 20,000 rows a second).
 */
import { relative } from "node:path";
import { type BenchSection, type BenchSettings, benchSettings, printSection, writeRaw } from "./bench/common";
import { runConsoleBench } from "./bench/console";
import { runHeadersBench } from "./bench/headers";
import { runProofBench } from "./bench/proof";
import { runScanBench } from "./bench/scan";
import { runWidgetBench } from "./bench/widget";
import { runWorkerBench } from "./bench/worker";
import { ROOT, offlineEnv } from "./util";

const SECTIONS: ((settings: BenchSettings) => Promise<BenchSection>)[] = [runWorkerBench, runWidgetBench, runHeadersBench, runConsoleBench, runProofBench, runScanBench];

async function main(): Promise<number> {
  // No telemetry, update checks or request.cf downloads: the bench stays on loopback.
  Object.assign(process.env, offlineEnv());
  const settings = benchSettings();
  const started = Date.now();
  let failed = false;
  let overBudget = false;
  const only = process.env.BENCH_ONLY;
  for (const run of SECTIONS) {
    if (only && run.name.toLowerCase() !== `run${only}bench`) continue;
    const section = await run(settings);
    printSection(section);
    console.log(`\nRaw numbers: ${relative(ROOT, writeRaw(section))}`);
    if (section.failures.length > 0) failed = true;
    if ((section.overBudget ?? []).length > 0) overBudget = true;
  }
  const verdict = [failed ? "BROKEN" : "done", ...(overBudget ? ["OVER BUDGET"] : [])].join(", ");
  console.log(`\nBench ${verdict} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return failed || overBudget ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Bench broken: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);

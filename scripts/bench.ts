/**
 * `npm run bench`: performance report of Assent, in one run.
 *
 * Each section (scripts/bench/*.ts) starts what it measures, measures it and stops it again, and
 * hands back a table, notes and raw numbers; this file prints the tables and writes the raw
 * numbers to bench-results/{section}.json (git-ignored). Add a section by appending its
 * runner to SECTIONS.
 *
 *   npm run bench
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=20 npm run bench
 *
 * It reports and never fails because of numbers: the exit code is 1 only when the bench itself
 * is broken (for example more than 1 % failed requests), because a broken bench is worse than
 * none.
 */
import { relative } from "node:path";
import { type BenchSection, type BenchSettings, benchSettings, printSection, writeRaw } from "./bench/common";
import { runWorkerBench } from "./bench/worker";
import { ROOT, offlineEnv } from "./util";

const SECTIONS: ((settings: BenchSettings) => Promise<BenchSection>)[] = [runWorkerBench];

async function main(): Promise<number> {
  // No telemetry, update checks or request.cf downloads: the bench stays on loopback.
  Object.assign(process.env, offlineEnv());
  const settings = benchSettings();
  const started = Date.now();
  let failed = false;
  for (const run of SECTIONS) {
    const section = await run(settings);
    printSection(section);
    console.log(`\nRaw numbers: ${relative(ROOT, writeRaw(section))}`);
    if (section.failures.length > 0) failed = true;
  }
  console.log(`\nBench ${failed ? "BROKEN" : "done"} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Bench broken: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);

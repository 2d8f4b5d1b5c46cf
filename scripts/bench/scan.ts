/**
 * The compliance scanner's bench: a whole three-profile scan of the demo site (`npm run scan`
 * against a local Assent with the demo config, the HTML report's screenshots included), timed
 * end to end over BENCH_SCAN_RUNS runs (default 3). Budget: the median under 60 s on the
 * project's 2-core machine (a slower scan would not fit a deploy pipeline). It also checks the
 * scan is still clean, so a fast but broken scan does not pass.
 */
import { createLocalAssent } from "../../local/index";
import { scan } from "../../scanner/index";
import { type BenchSection, positiveNumber } from "./common";

/** Median seconds of a three-profile demo scan allowed. */
export const SCAN_BUDGET_SECONDS = 60;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runScanBench(): Promise<BenchSection> {
  const runs = positiveNumber("BENCH_SCAN_RUNS", 3, true);
  const assent = await createLocalAssent({});
  const seconds: number[] = [];
  const failures: string[] = [];
  const rows: string[][] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const { report, screenshots } = await scan({ url: assent.url.href, screenshots: true });
      const s = (performance.now() - started) / 1000;
      seconds.push(s);
      const observations = report.profiles.reduce((n, p) => n + p.observations.length, 0);
      rows.push([`run ${i + 1}`, s.toFixed(1), String(report.summary.pages.length), String(observations), String(screenshots.length), String(report.summary.errors)]);
      if (report.summary.errors > 0) failures.push(`run ${i + 1}: the demo did not scan clean (${report.summary.errors} errors)`);
    }
  } finally {
    await assent.dispose();
  }
  const m = median(seconds);
  rows.push(["median", m.toFixed(1), "", "", "", ""]);
  return {
    name: "scan",
    title: "Compliance scanner: three-profile scan of the demo site",
    intro: [`Profiles eu, us-ca, us-ca-gpc in parallel in one Chromium; the start page and up to 2 links each; screenshots on; ${runs} runs. Budget: median < ${SCAN_BUDGET_SECONDS} s.`],
    table: { head: ["run", "seconds", "pages", "observations", "screenshots", "errors"], rows },
    notes: [],
    failures,
    overBudget: m >= SCAN_BUDGET_SECONDS ? [`a three-profile demo scan took ${m.toFixed(1)} s (median), budget ${SCAN_BUDGET_SECONDS} s`] : [],
    raw: { runs, seconds, medianSeconds: m, budgetSeconds: SCAN_BUDGET_SECONDS },
  };
}

/**
 * What every bench section shares: settings from the environment, the shape a section reports
 * in, table rendering and the raw-results file. `scripts/bench.ts` runs the sections in order.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../util";

/** Where raw results go (git-ignored). */
export const RESULTS_DIR = join(ROOT, "bench-results");

export interface BenchSettings {
  /** Measured seconds per endpoint (BENCH_SECONDS, default 5). */
  seconds: number;
  /** Concurrent connections (BENCH_CONNECTIONS, default 10). */
  connections: number;
  /** Seconds of load per endpoint before measuring, not counted. */
  warmupSeconds: number;
}

/** A positive number (or integer) from the environment variable `name`, else `fallback`. */
export function positiveNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got "${raw}"`);
  return value;
}

export function benchSettings(): BenchSettings {
  return {
    seconds: positiveNumber("BENCH_SECONDS", 5, false),
    connections: positiveNumber("BENCH_CONNECTIONS", 10, true),
    warmupSeconds: 1,
  };
}

/** What one section of the bench hands back to be printed and saved. */
export interface BenchSection {
  /** File name of the raw results: bench-results/{name}.json. */
  name: string;
  title: string;
  /** Printed before the table (setup, machine). */
  intro: string[];
  table: { head: string[]; rows: string[][] };
  /** Printed after the table (errors per endpoint, checks). */
  notes: string[];
  /** Reasons the bench itself is broken; any makes `npm run bench` exit 1. Never slow numbers. */
  failures: string[];
  /**
   * Hard product budgets exceeded (the first-visit bytes of the widget, the CPU of a header
   * parser on a 64 KB value, a decision's throughput as a ratio to health); any makes
   * `npm run bench` exit 1 as well. Only budgets with a margin far wider than machine noise.
   */
  overBudget?: string[];
  raw: unknown;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function renderTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

export function printSection(section: BenchSection): void {
  console.log(`\n== ${section.title} ==`);
  for (const line of section.intro) console.log(line);
  console.log(`\n${renderTable(section.table.head, section.table.rows)}\n`);
  for (const line of section.notes) console.log(line);
  for (const over of section.overBudget ?? []) console.log(`OVER BUDGET: ${over}`);
  for (const failure of section.failures) console.log(`FAILED: ${failure}`);
}

/** Writes the raw numbers to bench-results/{name}.json and returns the path. */
export function writeRaw(section: BenchSection): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${section.name}.json`);
  writeFileSync(path, `${JSON.stringify(section.raw, null, 2)}\n`);
  return path;
}

/** 12,345 */
export const int = (n: number) => Math.round(n).toLocaleString("en-US");
/** Milliseconds with enough digits for sub-millisecond loopback latencies. */
export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : "–");
/** A ratio such as 0.42 or 1.75. */
export const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");
export const percent = (n: number) => `${(n * 100).toFixed(2)} %`;

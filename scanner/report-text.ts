/**
 * The terminal summary of a scan: one line per profile with a mark per area (before a choice,
 * after reject, GPC, banner, Consent Mode, config), the totals, then the errors and warnings in
 * one line each and the config entries to paste. Readable in ten seconds; the JSON and HTML
 * reports hold the evidence.
 */
import type { ScanFinding, ScanReport } from "../worker/contract";
import { PROFILES } from "./profiles";

const AREAS: [prefix: string, label: string][] = [
  ["before-choice/", "before choice"],
  ["reject/", "after reject"],
  ["gpc/", "GPC"],
  ["banner/", "banner"],
  ["consent-mode/", "Consent Mode"],
  ["declared/", "config"],
];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function line(f: ScanFinding): string {
  return `  ${f.severity === "error" ? "✗" : f.severity === "warning" ? "!" : "·"} ${f.rule.padEnd(26)} [${f.profile}${f.state ? ` ${f.state}` : ""}] ${f.message}`;
}

/** The summary as lines of text (no colours: it is also read in CI logs). */
export function textReport(report: ScanReport, { maxLines = 12 }: { maxLines?: number } = {}): string {
  const out: string[] = [];
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  out.push(`Assent scan of ${report.url}${report.site ? ` (site ${report.site})` : ""}: ${plural(report.profiles.length, "profile")}, ${plural(report.summary.pages.length, "page")}, ${seconds.toFixed(1)} s`);
  for (const p of report.profiles) {
    const marks = AREAS.map(([prefix, label]) => {
      const own = report.findings.filter((f) => f.rule.startsWith(prefix) && (f.profile === p.profile || prefix === "declared/"));
      const mark = own.some((f) => f.severity === "error") ? "✗" : own.some((f) => f.severity === "warning") ? "!" : "✓";
      return `${mark} ${label}`;
    });
    out.push(`  ${PROFILES[p.profile].label.padEnd(40)} ${(p.regime ?? "?").padEnd(8)} ${(p.jurisdiction ?? "unknown").padEnd(6)} ${marks.join("  ")}`);
  }
  const { errors, warnings, infos } = report.summary;
  out.push(`Result: ${plural(errors, "error")}, ${plural(warnings, "warning")}, ${plural(infos, "note")}${errors === 0 ? " — no rule broken" : ""}`);
  const shown = report.findings.filter((f) => f.severity !== "info");
  for (const f of shown.slice(0, maxLines)) out.push(line(f));
  if (shown.length > maxLines) out.push(`  … and ${shown.length - maxLines} more in the JSON or HTML report`);
  if (report.suggestions.length) {
    out.push(`Suggested config entries (each category's "storage", or a vendor's "hosts"; check before you paste):`);
    for (const s of report.suggestions.slice(0, maxLines)) {
      const who = s.vendor ? `${s.vendor.name} (${s.vendor.source})` : "unknown: find out what sets it";
      out.push(`  ${s.category.padEnd(10)} ${s.storage ? JSON.stringify(s.storage) : `host "${s.host}"`}  ← ${who}`);
    }
    if (report.suggestions.length > maxLines) out.push(`  … and ${report.suggestions.length - maxLines} more in the JSON report`);
  }
  return out.join("\n");
}

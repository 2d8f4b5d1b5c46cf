/**
 * `npm run scan -- <url> [options]`: the compliance scanner's command line (scanner/).
 *
 *   --site <id>            the Assent site id (default: read from the page's script tag)
 *   --config <file.json>   the site config to compare with (default: what the site's Worker sends)
 *   --pages <n>            same-site links to follow from the start page, at most (0–20, default 2)
 *   --profiles <list>      eu,us-ca,us-ca-gpc (default: all three)
 *   --json <file>          the JSON report (schema: the contract's ScanReport); default scan-report/scan.json
 *   --html <file>          the self-contained HTML report, with a screenshot of each state;
 *                          default scan-report/scan.html
 *   --fail-on <level>      error (default) or warning: exit 1 on a finding at or above it
 *   --host-rules <rules>   Chromium's --host-resolver-rules (tests: map fixture hosts to loopback)
 *
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 a usage error or a site it could not scan.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SCAN_REPORT_MAX_BYTES, SiteConfig } from "../worker/contract";
import { ScanError, scan } from "../scanner/index";
import { parseProfiles } from "../scanner/profiles";
import { htmlReport } from "../scanner/report-html";
import { textReport } from "../scanner/report-text";
import { CliError } from "./cli-error";
import { ROOT } from "./util";

/** Where the reports go without --json / --html (git-ignored). */
const DEFAULT_JSON = "scan-report/scan.json";
const DEFAULT_HTML = "scan-report/scan.html";

const USAGE = "usage: npm run scan -- <url> [--site <id>] [--config <site.json>] [--pages <n>] [--profiles eu,us-ca,us-ca-gpc] [--json <file>] [--html <file>] [--fail-on error|warning]";

function write(path: string, content: string): void {
  const full = resolve(path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

/** Runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        site: { type: "string" },
        config: { type: "string" },
        pages: { type: "string" },
        profiles: { type: "string" },
        json: { type: "string" },
        html: { type: "string" },
        "fail-on": { type: "string" },
        "host-rules": { type: "string" },
      },
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CliError(USAGE, 2);
  const url = positionals[0]!;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new CliError(`"${url}" is not an http(s) URL\n${USAGE}`, 2);
  const pages = values.pages === undefined ? 2 : Number(values.pages);
  if (values.pages?.trim() === "" || !Number.isInteger(pages) || pages < 0 || pages > 20) throw new CliError("--pages takes a whole number from 0 to 20", 2);
  const jsonPath = values.json ?? DEFAULT_JSON;
  const htmlPath = values.html ?? DEFAULT_HTML;
  const failOn = values["fail-on"] ?? "error";
  if (failOn !== "error" && failOn !== "warning") throw new CliError("--fail-on takes error or warning", 2);
  let profiles;
  try {
    profiles = values.profiles === undefined ? undefined : parseProfiles(values.profiles);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  let categories;
  if (values.config) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(values.config, "utf8"));
    } catch (e) {
      throw new CliError(`--config ${values.config}: ${(e as Error).message}`, 2);
    }
    const config = SiteConfig.safeParse(raw);
    if (!config.success) throw new CliError(`--config ${values.config} is not a valid site config: ${config.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, 2);
    categories = config.data.categories;
  }

  let outcome;
  try {
    outcome = await scan({
      url,
      pages,
      ...(profiles ? { profiles } : {}),
      ...(categories ? { categories } : {}),
      ...(values.site ? { siteId: values.site } : {}),
      ...(values["host-rules"] ? { hostRules: values["host-rules"] } : {}),
      screenshots: true,
    });
  } catch (e) {
    if (e instanceof ScanError) throw new CliError(e.message, 2);
    throw e;
  }
  const { report } = outcome;
  if (values.site && report.site && report.site !== values.site)
    throw new CliError(`the page embeds Assent site "${report.site}", not "${values.site}"`, 2);
  console.log(textReport(report));
  {
    const json = `${JSON.stringify(report, null, 2)}\n`;
    write(jsonPath, json);
    console.log(`JSON report: ${jsonPath}`);
    // The admin API takes up to 1 MB (docs/limits.md): this file is what the CI recipe sends.
    if (Buffer.byteLength(json) > SCAN_REPORT_MAX_BYTES)
      console.log(`Note: this report is over ${SCAN_REPORT_MAX_BYTES / 1024 / 1024} MB, more than the console takes; scan fewer pages (--pages) to send it.`);
  }
  {
    write(htmlPath, htmlReport(report, outcome.screenshots));
    console.log(`HTML report: ${htmlPath}`);
  }
  return exitCodeFor(report.summary, failOn);
}

/** 1 when a finding is at or above `failOn` (errors always count), else 0. */
export function exitCodeFor(summary: { errors: number; warnings: number }, failOn: "error" | "warning"): 0 | 1 {
  return summary.errors + (failOn === "warning" ? summary.warnings : 0) > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/scan.ts"))
  void main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof CliError ? e.message : e);
      process.exit(e instanceof CliError ? e.exitCode : 2);
    },
  );

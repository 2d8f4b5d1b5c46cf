/**
 * The privacy-notice CLI (R9.11): prints the section a site owner pastes into their privacy
 * policy, built from a site config file, and lints it before printing.
 *
 *   npm run privacy-notice -- --site demo [--lang de] [--format html|md] [--worker <origin>]
 *   npm run privacy-notice -- --config <file.json> [--lang de] [--format html|md] [--worker <origin>]
 *   npm run privacy-notice -- --write-retention-doc
 *
 * `--site <id>` reads examples/sites/<id>.json; `--config` any file, validated as `npm run
 * sites -- validate` does. `--worker` is the Worker's public origin, where the notice's links to
 * the rights pages point (default: the local one `npm start` runs). The notice goes to stdout;
 * lint problems go to stderr with exit code 1, so a broken notice never passes a pipeline.
 * `--write-retention-doc` rewrites the generated table of docs/retention.md from the retention
 * schedule (worker/notice/retention-schedule.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildNotice, noticeLocales } from "../worker/notice/generate";
import { lintNotice } from "../worker/notice/lint";
import { noticeHtml, noticeMarkdown } from "../worker/notice/render";
import { retentionScheduleMarkdown } from "../worker/notice/retention-schedule";
import { CliError, exitCodeOf } from "./cli-error";
import { LOCAL_ORIGIN } from "./console-cli";
import { readSiteConfig } from "./sites";
import { ROOT } from "./util";

const USAGE = `Usage:
  npm run privacy-notice -- --site <id> [--lang <locale>] [--format html|md] [--worker <origin>]
  npm run privacy-notice -- --config <file.json> [--lang <locale>] [--format html|md] [--worker <origin>]
  npm run privacy-notice -- --write-retention-doc`;

/** The retention schedule's page. */
export const RETENTION_DOC = join(ROOT, "docs/retention.md");
/** The markers around the generated table of docs/retention.md. */
export const TABLE_START = "<!-- retention-schedule:start (generated: npm run privacy-notice -- --write-retention-doc) -->";
export const TABLE_END = "<!-- retention-schedule:end -->";

/** `doc` with the text between the markers replaced by the schedule's table. */
export function withRetentionTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new CliError(`docs/retention.md has no generated table between\n  ${TABLE_START}\nand\n  ${TABLE_END}`);
  return `${doc.slice(0, start + TABLE_START.length)}\n${retentionScheduleMarkdown()}\n${doc.slice(end)}`;
}

interface Options {
  file?: string;
  lang?: string;
  format: "html" | "md";
  worker: string;
  writeRetentionDoc: boolean;
}

function parse(argv: string[]): Options {
  const out: Options = { format: "html", worker: LOCAL_ORIGIN, writeRetentionDoc: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--write-retention-doc") {
      out.writeRetentionDoc = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new CliError(USAGE, 2);
    if (arg === "--site") {
      if (!/^[a-z0-9-]{1,48}$/.test(value)) throw new CliError(`--site takes a site id such as demo, not "${value}"`, 2);
      out.file = join(ROOT, "examples/sites", `${value}.json`);
    } else if (arg === "--config") out.file = resolve(value);
    else if (arg === "--lang") out.lang = value;
    else if (arg === "--format") {
      if (value !== "html" && value !== "md") throw new CliError("--format is html or md", 2);
      out.format = value;
    } else if (arg === "--worker") {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new CliError(`--worker takes the Worker's origin, such as https://consent.example.com, not "${value}"`, 2);
      }
      if (!/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/$/, "")) throw new CliError(`--worker takes an origin (scheme, host, port), not "${value}"`, 2);
      out.worker = url.origin;
    } else throw new CliError(USAGE, 2);
  }
  if (out.writeRetentionDoc === (out.file !== undefined)) throw new CliError(USAGE, 2);
  return out;
}

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const opts = parse(argv);
    if (opts.writeRetentionDoc) {
      writeFileSync(RETENTION_DOC, withRetentionTable(readFileSync(RETENTION_DOC, "utf8")));
      console.error("Wrote the retention schedule's table to docs/retention.md.");
      return 0;
    }
    const config = readSiteConfig(opts.file!);
    const available = noticeLocales(config);
    const wanted = opts.lang ?? config.defaultLocale;
    const locale = available.find((l) => l.toLowerCase() === wanted.toLowerCase());
    if (!locale) throw new CliError(`No privacy notice in "${wanted}" for site "${config.id}"; its notice languages: ${available.join(", ") || "none"}.`);
    const notice = buildNotice(config, locale, opts.worker);
    const html = noticeHtml(notice);
    const lint = lintNotice(html, config, locale);
    process.stdout.write(opts.format === "md" ? noticeMarkdown(notice) : html);
    if (!lint.ok) {
      const lines = [...lint.missing.map((id) => `missing section "${id}"`), ...lint.unexpected.map((id) => `unexpected section "${id}"`), ...lint.problems];
      console.error(`The notice failed its lint:\n${lines.map((l) => `  - ${l}`).join("\n")}`);
      return 1;
    }
    return 0;
  } catch (err) {
    return exitCodeOf(err);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/privacy-notice.ts")) void main(process.argv.slice(2)).then((code) => process.exit(code));

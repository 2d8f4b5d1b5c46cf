/**
 * The compliance scanner (`npm run scan`): plays an EU visitor, a Californian and a Californian
 * with Global Privacy Control on a site, in Debian's Chromium through Playwright, and checks
 * that the site keeps its promises: nothing non-essential before a choice or after "Reject
 * all", GPC honoured and shown, a symmetric first layer with nothing pre-ticked, Consent Mode in
 * the right order, and a config that declares what the site really stores and contacts.
 *
 * - profiles.ts: the visitors; run.ts (+ page-probe.js): the browser part, one profile at a
 *   time; rules.ts: the rules, pure; declared.ts: the config's side; vendors.ts: the vendor
 *   table the suggestions (suggest.ts) come from; report-text.ts and report-html.ts: the reports.
 * - The report's schema is the contract's ScanReport (worker/contract/scan.ts); the admin API
 *   takes it as it is.
 */
import { readFileSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../local/chromium";
import { type Category, SCAN_SCHEMA, type ScanFinding, type ScanProfileId, ScanReport, type ScanState } from "../worker/contract";
import { declaredFrom } from "./declared";
import { ALL_PROFILES, PROFILES } from "./profiles";
import { evaluateDeclared, evaluateProfile } from "./rules";
import { type RunResult, runProfile } from "./run";
import { ScanError } from "./errors";
import { suggest } from "./suggest";

export { ScanError };

export interface ScanOptions {
  url: string;
  /** The site's config categories (from `--config`); default: what the site's Assent Worker sends. */
  categories?: Category[];
  /** The Assent site id, when it cannot be read from the page's script tag. */
  siteId?: string;
  /** Same-site links to follow from the start page, at most (default 2). */
  pages?: number;
  profiles?: ScanProfileId[];
  /** Take a screenshot of each state (for the HTML report). */
  screenshots?: boolean;
  /**
   * Chromium's `--host-resolver-rules`, e.g. "MAP *.tracker.test 127.0.0.1:4000": how tests
   * send a fixture's "third parties" to loopback servers. Default: the real network.
   */
  hostRules?: string;
}

export interface ScanScreenshot {
  profile: ScanProfileId;
  state: ScanState;
  page: string;
  png: Buffer;
}

export interface ScanOutcome {
  report: ScanReport;
  screenshots: ScanScreenshot[];
}


const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Chromium's flags for a scan: the project's, with the network left alone unless rules are given. */
export function scanArgs(hostRules?: string): string[] {
  const args = CHROMIUM_ARGS.filter((a) => !a.startsWith("--host-resolver-rules="));
  return hostRules ? [...args, `--host-resolver-rules=${hostRules}`] : args;
}

/**
 * Without a config to compare with, the site must embed Assent (whose Worker sends its config):
 * checked on one quick visit, so a wrong URL fails in a second rather than after a whole scan.
 */
async function requireAssent(browser: Browser, url: URL): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url.href, { waitUntil: "domcontentloaded", timeout: 15_000 }).catch((e: Error) => {
      throw new ScanError(`${url.href} did not load: ${e.message.split("\n")[0]}`);
    });
    const embedded = await page.locator("script[src][data-site]").count();
    if (embedded === 0)
      throw new ScanError(`${url.href} does not embed Assent (no <script data-site>), so the scan has no config to compare with: pass the site config with --config <site.json>`);
  } finally {
    await context.close();
  }
}

/** Scans a site as each profile (in parallel, one browser) and returns the report. */
export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const url = new URL(options.url);
  if (!/^https?:$/.test(url.protocol)) throw new ScanError(`a scan takes an http(s) URL, not ${url.protocol}`);
  const profiles = options.profiles ?? ALL_PROFILES;
  const startedAt = new Date().toISOString();
  let categories = options.categories ?? null;
  let siteId = options.siteId ?? null;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: scanArgs(options.hostRules), headless: true });
  let results: RunResult[];
  try {
    if (!categories) await requireAssent(browser, url);
    results = await Promise.all(
      profiles.map((id) =>
        runProfile(browser, PROFILES[id], {
          url,
          otherPages: Math.max(0, options.pages ?? 2),
          screenshots: options.screenshots ?? false,
          onBootstrap: (body) => {
            if (!options.categories) categories ??= body.categories;
            siteId ??= body.site.id;
          },
        }),
      ),
    );
  } finally {
    await browser.close();
  }
  if (!categories)
    throw new ScanError(
      `${url.href} does not load Assent's bootstrap, so the scan has no config to compare with: pass the site config with --config <site.json>`,
    );
  const declared = declaredFrom(categories);
  const findings: ScanFinding[] = [
    ...results.flatMap((r) => evaluateProfile(r.run, declared, PROFILES[r.run.profile].expectedRegime, PROFILES[r.run.profile].geo)),
    ...evaluateDeclared(results.map((r) => r.run), declared),
  ]
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
    .slice(0, 2000);
  const count = (s: keyof typeof SEVERITY_ORDER) => findings.filter((f) => f.severity === s).length;
  const report = ScanReport.parse({
    schema: SCAN_SCHEMA,
    tool: `assent-scan ${VERSION}`,
    url: url.href,
    site: siteId,
    startedAt,
    finishedAt: new Date().toISOString(),
    profiles: results.map(({ run }) => ({
      profile: run.profile,
      regime: run.regime,
      jurisdiction: run.jurisdiction,
      gpc: run.gpc,
      observations: run.observations,
      buttons: run.buttons,
    })),
    findings,
    suggestions: suggest(findings, categories),
    summary: { errors: count("error"), warnings: count("warning"), infos: count("info"), pages: [...new Set(results.flatMap((r) => r.run.pages))].slice(0, 200) },
  });
  return {
    report,
    screenshots: results.flatMap((r) => r.screenshots.map((s) => ({ ...s, profile: r.run.profile }))),
  };
}

/**
 * The widget section of `npm run bench`: what the consent banner costs a page, in bytes and in
 * time, next to the fastest banner possible and to a popular library.
 *
 Bytes (the build from `buildWidget()`, compressed as a CDN would: gzip level 9, brotli
 * quality 11), against the budgets of scripts/widget-budgets.ts, twice: from the build's chunk
 * graph, and from what Chromium really fetched (scripts/bench/widget-fetched.ts): a first visit
 * until the banner is visible and the page idle 3 s (below cookieconsent's, measured the same
 * way), a returning visit with a valid record (no request to the Worker's API), with and without
 * the floating button (its module only after the load event), and again with a warm cache
 * (nothing from the network). Over a budget, `npm run bench` exits 1.
 *
 * Time, in headless Chromium (Debian's, found as `npm test` finds it, through playwright-core), for four
 * contenders measured in the same run, interleaved, each with a fresh browser context (empty
 * storage and cache, a first visit) per run, plain and with the CPU throttled 4× (CDP
 * `Emulation.setCPUThrottlingRate`):
 *
 *   floor          the same banner text and three buttons as static HTML/CSS in the page, with
 *                  a tiny external script that writes a localStorage record on a click;
 *   Assent         a minimal host page with just the script tag, pointing at the Worker
 *                  (createLocalAssent: workerd with KV, D1 and static assets on loopback);
 *   before the split  the same page and tag with the widget as it was before issue #9 (one
 *                  classic script with a hand-made banner; scripts/bench/pre-split/), served by
 *                  the same Worker; only its banner's visibility is timed;
 *   cookieconsent  vanilla-cookieconsent 3.1.0 with the same two categories and texts.
 *
 * Both timings are taken in the page (scripts/bench/widget-probe.js, the same for all of them):
 *
 * - banner visible: `performance.now()` (from the navigation start) in the first animation
 *   frame in which the "Accept all" button — in the document or an open shadow root — has a
 *   non-empty box and `visibility: visible` (opacity and animations ignored, as Playwright's
 *   "visible" does). That is the frame the browser paints next.
 * - accept → persisted: from the click event's `timeStamp` (when the browser received the
 *   input) to the first check that finds the contender's record granting "usage": Assent's
 *   localStorage `assent:v1:demo`, the floor's `bench-floor:consent`, cookieconsent's
 *   `cc_cookie` cookie. Checked right after the click's own handlers, then every task turn.
 *   For Assent also accept → receipt: until `receiptId` is in the record (the Worker recorded
 *   the decision).
 *
 * Each number is the median of BENCH_RUNS runs (default 11 here), after one warm-up run per
 * contender that is not counted; Assent and the pre-split widget, whose comparison is judged,
 * run BENCH_PAIRED_RUNS rounds (default 41: with fewer, two builds of the same code measured up
 * to 1.13× against each other). The contenders' order rotates every round, so none always comes
 * right after another's run. The pages are served by a small server on 127.0.0.1 from
 * scripts/bench/pages/ (texts filled in from examples/sites/demo.json, gzipped as workerd
 * gzips assent.js and bootstrap); the demo site is pushed with that server's origin allowed.
 *
 * Timings fail the bench in one case: Assent's banner visible later than the widget's before the
 * split (issue #9: "no worse than today's"), as the median over rounds of the two times' ratio,
 * over VISIBLE_VS_BEFORE_LIMIT. The issue put that as ratios to the floor (1.27× plain, 1.69× at
 * 4×), taken with the bench of its day; on today's bench the pre-split build itself measures
 * from 1.25× to 1.8× the floor depending on the machine's load, so a fixed ratio judges the
 * machine: those figures are printed, not judged, and the pre-split build is measured in the
 * same run instead. A contender that cannot be measured (no
 * banner, no record) fails the bench too. The throttle is checked on a fixed loop after a navigation (it must survive one); on a
 * machine too busy for it to take, the report says so.
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createRequire } from "node:module";
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../local/chromium";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import { buildWidget, widgetBuild } from "../build-widget";
import { ROOT } from "../util";
import { BUDGETS_GZIP, type BudgetName, budgetSets, checkBudgets } from "../widget-budgets";
import { type BenchSection, type BenchSettings, int, ms, positiveNumber, ratio, renderTable } from "./common";
import { type Size, sizeOf, sum } from "./widget-bytes";
import { type FetchedReport, measureFetched } from "./widget-fetched";
import { type PageServer, demoConfig, pageTexts, startPageServer } from "./widget-pages";
import { ACCEPT, type Contender, MODES, type Mode, type Sample, THROTTLE_RATE, measureOnce, measureSlowdown, median } from "./widget-timing";
import { deployedSiteCacheSeconds } from "./worker";

const SITE = "demo";
/** Below this measured slowdown the 4× rows are flagged: the throttle could not take (busy machine). */
const MIN_MEASURED_SLOWDOWN = 2;
/**
 * Banner visible, Assent ÷ floor, before the split, as issue #9 quotes them (taken with the
 * bench of that day): printed beside today's, no longer judged (see the header).
 */
const VISIBLE_RATIO_BEFORE: Record<Mode, number> = { plain: 1.27, throttled: 1.69 };
/**
 * Banner visible, Assent ÷ the widget before the split, median of the runs paired by round: the
 * limit. Two builds of the same code measure 0.99× to 1.01× against each other here over 41
 * rotated rounds (0.95× to 1.13× over 15), so a ratio over 1.10 is the widget, not the noise.
 */
const VISIBLE_VS_BEFORE_LIMIT = 1.1;
/** The widget as it was before the split (issue #9), built from 7b64150: see its README. */
const PRE_SPLIT = join(ROOT, "scripts/bench/pre-split/assent.js");

/**
 * The Worker's static assets for the bench: a temporary copy of the build (public/) with the
 * pre-split widget beside it at /bench/pre-split/assent.js, so nothing of the bench lands in
 * public/, which deploys. Both pages use the tag docs/embed.md recommends.
 */
function benchAssets(): string {
  const dir = mkdtempSync(join(tmpdir(), "assent-bench-assets-"));
  cpSync(join(ROOT, "public"), dir, { recursive: true });
  mkdirSync(join(dir, "bench/pre-split"), { recursive: true });
  copyFileSync(PRE_SPLIT, join(dir, "bench/pre-split/assent.js"));
  // Its page uses the same tag as Assent's (crossorigin="anonymous"), which needs CORS on it.
  appendFileSync(join(dir, "_headers"), "/bench/*\n  Access-Control-Allow-Origin: *\n");
  return dir;
}

/** The median over rounds of a[i] ÷ b[i] (the runs of one round are back to back). */
function pairedRatio(a: Sample[], b: Sample[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, i) => a[i]!.visibleMs / b[i]!.visibleMs));
}

// ---- The section ------------------------------------------------------------------------------

interface ContenderResult {
  contender: Contender;
  samples: Record<Mode, Sample[]>;
  /** Why it could not be measured (then it is not measured further). */
  error: string | null;
}

interface Medians {
  visible: Record<Mode, number>;
  persisted: Record<Mode, number>;
  receipt: Record<Mode, number>;
}

function mediansOf(r: ContenderResult): Medians {
  const of = (pick: (s: Sample) => number | null) =>
    Object.fromEntries(MODES.map((m) => [m, r.error ? Number.NaN : median(r.samples[m].map(pick).filter((v): v is number => v !== null))])) as Record<Mode, number>;
  return { visible: of((s) => s.visibleMs), persisted: of((s) => s.persistedMs), receipt: of((s) => s.receiptMs) };
}

function playwrightVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("playwright-core/package.json") as { version: string }).version;
}

/**
 * Builds the widget, measures sizes, starts the Worker, the pages' server and Chromium, runs
 * the contenders and disposes of all three again, also on failure.
 */
export async function runWidgetBench(_settings?: BenchSettings): Promise<BenchSection> {
  const runs = positiveNumber("BENCH_RUNS", 11, true);
  /** Rounds of the judged pair (Assent, before the split): never fewer than the others'. */
  const pairedRuns = Math.max(runs, positiveNumber("BENCH_PAIRED_RUNS", 41, true));
  const failures: string[] = [];
  const overBudget: string[] = [];
  const started = Date.now();
  const loadBefore = loadavg()[0]!;

  // ---- Build and bytes ----------------------------------------------------------------------
  process.stderr.write("  widget: building …\n");
  /** Each budget's files from the build's chunk graph, and their sizes; every file's size. */
  let built: { sets: Record<BudgetName, string[]>; set: Record<BudgetName, Size>; files: Map<string, Size>; deps: Record<string, string[]> } | null = null;
  try {
    await buildWidget();
    const wb = await widgetBuild();
    const files = new Map([...wb.files].map(([name, bytes]) => [name, sizeOf(Buffer.from(bytes))]));
    const sets = budgetSets(wb);
    const set = Object.fromEntries(Object.entries(sets).map(([k, names]) => [k, sum(names.map((f) => files.get(f)!))])) as Record<BudgetName, Size>;
    built = { sets, set, files, deps: wb.deps };
    for (const [name, check] of Object.entries(checkBudgets(wb)))
      if (!check.fits) overBudget.push(`build: ${name} is ${int(check.gzip)} B gzip, over its ${int(check.budget)} B budget (${check.files.join(", ")})`);
  } catch (err) {
    failures.push(`the widget does not build, so Assent is not measured: ${err instanceof Error ? err.message : String(err)}`);
  }

  const config = demoConfig();
  const texts = pageTexts(config);
  const siteCacheSeconds = deployedSiteCacheSeconds();
  let assent: LocalAssent | undefined;
  let assets: string | undefined;
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  try {
    // The write rate limit is raised: every run is a new visitor from 127.0.0.1.
    assets = benchAssets();
    assent = await createLocalAssent({ sites: [], rateLimit: { limit: 1_000_000, period: 10 }, siteCacheSeconds, statsFlushSeconds: 10, assets });
    server = await startPageServer(assent.url.origin, texts);
    config.allowedOrigins = [...new Set([server.origin, ...config.allowedOrigins])];
    await assent.pushSite(config);

    // What a first visit fetches (as the widget asks: the page's language).
    const bootUrl = new URL(`/v1/sites/${SITE}/bootstrap?lang=en`, assent.url);
    const bootRes = await fetch(bootUrl, { headers: { Origin: server.origin } });
    if (!bootRes.ok) throw new Error(`GET ${bootUrl.pathname} answered ${bootRes.status}: ${await bootRes.text()}`);
    const bootstrap = sizeOf(Buffer.from(await bootRes.arrayBuffer()));
    const bootEncoding = bootRes.headers.get("content-encoding") ?? "identity";

    const size = (path: string) => sizeOf(server!.files.get(path)!.body);
    const contenders: Contender[] = [
      {
        id: "floor",
        label: "floor (static HTML)",
        page: "/floor.html",
        storage: { type: "localStorage", key: "bench-floor:consent" },
        receipt: false,
        files: [
          { label: "floor.js", size: size("/floor.js") },
          { label: "floor.css", size: size("/floor.css") },
        ],
      },
      ...(built
        ? [
            {
              id: "assent",
              label: "Assent",
              page: "/assent.html",
              storage: { type: "localStorage", key: `assent:v1:${SITE}` },
              receipt: true,
              files: built.sets.firstVisit.map((f) => ({ label: f, size: built!.files.get(f)! })),
            } satisfies Contender,
          ]
        : []),
      {
        id: "pre-split",
        label: "Assent before the split",
        page: "/pre-split.html",
        storage: { type: "localStorage", key: `assent:v1:${SITE}` },
        receipt: false,
        visibleOnly: true,
        files: [{ label: "assent.js before the split", size: sizeOf(readFileSync(PRE_SPLIT)) }],
      },
      {
        id: "cookieconsent",
        label: "vanilla-cookieconsent 3.1.0",
        page: "/cookieconsent.html",
        storage: { type: "cookie", key: "cc_cookie" },
        receipt: false,
        files: [
          { label: "cookieconsent.umd.js", size: size("/vendor/cookieconsent.umd.js") },
          { label: "cookieconsent.css", size: size("/vendor/cookieconsent.css") },
        ],
      },
    ];

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    const results: ContenderResult[] = contenders.map((contender) => ({ contender, samples: { plain: [], throttled: [] }, error: null }));
    const attempt = async (r: ContenderResult, mode: Mode, keep: boolean) => {
      if (r.error) return;
      try {
        const sample = await measureOnce(browser!, server!, r.contender, mode);
        if (keep) r.samples[mode].push(sample);
      } catch (err) {
        r.error = `${mode === "throttled" ? `${THROTTLE_RATE}× CPU` : "plain"}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
      }
    };

    process.stderr.write(
      `  widget: warm-up, then ${runs} runs × ${contenders.length} contenders and ${pairedRuns - runs} more of Assent and the pre-split widget, plain and ${THROTTLE_RATE}× CPU …\n`,
    );
    for (const r of results) await attempt(r, "plain", false);
    const calibration = await measureSlowdown(browser, server);
    // Chromium's throttle suspends the main thread for 3 of every 4 slices of 200 µs of wall
    // time; on a machine that is busy already, it cannot slow it down much further. That is a
    // busy machine, not a broken bench: said loudly, never failed on.
    const throttleWarning =
      calibration.slowdown < MIN_MEASURED_SLOWDOWN
        ? `WARNING: the ${THROTTLE_RATE}× CPU throttle slowed a fixed loop only ${calibration.slowdown.toFixed(2)}× ` +
          `(unthrottled ${calibration.plainMs.map((t) => t.toFixed(0)).join(", ")} ms): it did not take, usually because the machine was busy; ` +
          `the ${THROTTLE_RATE}× rows are not ${THROTTLE_RATE}×.`
        : null;
    const pair = results.filter((r) => r.contender.id === "assent" || r.contender.id === "pre-split");
    for (const mode of MODES)
      for (let i = 0; i < pairedRuns; i++) {
        const round = i < runs ? results : pair;
        // Rotated each round, so no contender always runs right after the same other one.
        for (let k = 0; k < round.length; k++) await attempt(round[(i + k) % round.length]!, mode, true);
      }
    for (const r of results) if (r.error) failures.push(`${r.contender.label} could not be measured (${r.error})`);
    const version = browser.version();

    process.stderr.write("  widget: what a browser fetches: first visit, returning visits (cold and warm cache) …\n");
    let fetched: FetchedReport | null = null;
    if (built)
      try {
        fetched = await measureFetched(browser, server, `assent:v1:${SITE}`);
      } catch (err) {
        failures.push(`the fetched bytes could not be measured: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
      }

    // ---- Report ------------------------------------------------------------------------------
    const byId = new Map(results.map((r) => [r.contender.id, { r, m: mediansOf(r), bytes: sum(r.contender.files.map((f) => f.size)) }]));
    const floor = byId.get("floor")!;
    const ours = byId.get("assent");
    const cc = byId.get("cookieconsent")!;
    const pre = byId.get("pre-split")!;
    const none = { visible: { plain: Number.NaN, throttled: Number.NaN }, persisted: { plain: Number.NaN, throttled: Number.NaN } };
    const oursM = ours?.m ?? none;
    const row = (label: string, f: number, a: number, p: number, c: number, fmt: (n: number) => string) => [
      label,
      fmt(f),
      fmt(a),
      fmt(p),
      fmt(c),
      ratio(a / f),
      ratio(p / f),
      ratio(c / f),
      ratio(a / c),
    ];
    const bytes = (n: number) => (Number.isFinite(n) ? int(n) : "–");
    const table = {
      head: [
        `median of ${runs} runs (${pairedRuns} for Assent and before the split)`,
        "floor",
        "Assent",
        "before the split",
        "cookieconsent",
        "Assent ÷ floor",
        "before ÷ floor",
        "cookieconsent ÷ floor",
        "Assent ÷ cookieconsent",
      ],
      rows: [
        row("banner visible, ms", floor.m.visible.plain, oursM.visible.plain, pre.m.visible.plain, cc.m.visible.plain, ms),
        row(`banner visible, ${THROTTLE_RATE}× CPU, ms`, floor.m.visible.throttled, oursM.visible.throttled, pre.m.visible.throttled, cc.m.visible.throttled, ms),
        row("accept → persisted, ms", floor.m.persisted.plain, oursM.persisted.plain, Number.NaN, cc.m.persisted.plain, ms),
        row(`accept → persisted, ${THROTTLE_RATE}× CPU, ms`, floor.m.persisted.throttled, oursM.persisted.throttled, Number.NaN, cc.m.persisted.throttled, ms),
        row("JS+CSS gzip, B", floor.bytes.gzip, ours?.bytes.gzip ?? Number.NaN, pre.bytes.gzip, cc.bytes.gzip, bytes),
        row("JS+CSS brotli, B", floor.bytes.brotli, ours?.bytes.brotli ?? Number.NaN, pre.bytes.brotli, cc.bytes.brotli, bytes),
      ],
    };

    const fileRows: string[][] = [];
    const fileRow = (label: string, sz: Size, when: string) => fileRows.push([label, int(sz.bytes), int(sz.gzip), int(sz.brotli), when]);
    if (built) {
      const loadedBy = (file: string) =>
        file === "assent.js"
          ? "every page view (the core)"
          : file.startsWith("chunk-")
            ? `with ${Object.entries(built!.deps).filter(([, d]) => d.includes(file)).map(([m]) => m.replace(/\.js$/, "")).join(", ")}`
            : "when needed";
      for (const [file, sz] of built.files) fileRow(`public/v/…/${file}`, sz, loadedBy(file));
    }
    fileRow(`bootstrap JSON (GET /v1/sites/${SITE}/bootstrap?lang=en)`, bootstrap, `first visit, sent as ${bootEncoding} locally`);
    for (const r of results)
      for (const f of r.contender.files) if (r.contender.id !== "assent") fileRow(`${r.contender.id}: ${f.label}`, f.size, r.contender.id === "pre-split" ? "first visit, before the split" : "first visit");
    fileRow("cookieconsent: cookieconsent-config.js", size("/cookieconsent-config.js"), "first visit (the site's config and texts)");

    const notes: string[] = throttleWarning ? [throttleWarning, ""] : [];
    notes.push(renderTable(["file", "raw B", "gzip -9 B", "brotli 11 B", "loaded"], fileRows), "");
    let budgetPass: boolean | null = null;
    const budgetRows: string[][] = [];
    const check = (label: string, value: number, limit: number, unit: string, fmt = int) => {
      const pass = value <= limit;
      budgetRows.push([label, `${fmt(value)} ${unit}`, `${fmt(limit)} ${unit}`, pass ? "PASS" : "OVER"]);
      if (!pass) overBudget.push(`${label}: ${fmt(value)} ${unit}, over ${fmt(limit)} ${unit}`);
      budgetPass = (budgetPass ?? true) && pass;
    };
    if (built) {
      check("build: returning visit, assent.js", built.set.returning.gzip, BUDGETS_GZIP.returning, "B gzip");
      check("build: returning visit with the floating button", built.set.returningWithButton.gzip, BUDGETS_GZIP.returningWithButton, "B gzip");
      check("build: first visit until the banner", built.set.firstVisit.gzip, BUDGETS_GZIP.firstVisit, "B gzip");
    }
    if (fetched) {
      const f = fetched;
      check("fetched: first visit, banner + 3 s idle (demo config, floating button on)", f.firstVisit.gzip, BUDGETS_GZIP.firstVisit, "B gzip");
      check("fetched: first visit, Assent − cookieconsent (must be below 0)", f.firstVisit.gzip - f.cookieconsent.gzip, -1, "B gzip");
      check("fetched: returning visit, cold cache", f.returning.gzip, BUDGETS_GZIP.returning, "B gzip");
      check("fetched: returning visit, requests to the Worker's API", f.returning.api.length, 0, "requests");
      check("fetched: returning visit with the button, cold cache", f.returningWithButton.gzip, BUDGETS_GZIP.returningWithButton, "B gzip");
      check("fetched: returning visit with the button, requests to the API", f.returningWithButton.api.length, 0, "requests");
      check("fetched: the button's module before the load event (ms early)", -(f.returningWithButton.buttonAfterLoadMs ?? Number.NaN), 0, "ms");
      check("fetched: returning visit with the button, warm cache, JS/CSS from the network", f.warmWithButton.network.length, 0, "files");
    }
    const vsBefore = { plain: Number.NaN, throttled: Number.NaN } as Record<Mode, number>;
    if (ours && !ours.r.error && !pre.r.error)
      for (const mode of MODES) {
        vsBefore[mode] = pairedRatio(ours.r.samples[mode], pre.r.samples[mode]);
        check(
          `banner visible, Assent ÷ before the split, ${mode === "plain" ? "plain" : `${THROTTLE_RATE}× CPU`} (paired, ${pairedRuns} rounds; medians ${ms(ours.m.visible[mode])} | ${ms(pre.m.visible[mode])} ms)`,
          vsBefore[mode],
          VISIBLE_VS_BEFORE_LIMIT,
          "×",
          (n) => n.toFixed(2),
        );
      }
    notes.push("Budgets (issue #9; over budget makes the bench fail):", renderTable(["budget", "measured", "limit", ""], budgetRows), "");
    if (ours && !ours.r.error && !pre.r.error)
      notes.push(
        `Banner visible as a ratio to the floor: Assent ${ratio(ours.m.visible.plain / floor.m.visible.plain)}× plain, ` +
          `${ratio(ours.m.visible.throttled / floor.m.visible.throttled)}× at ${THROTTLE_RATE}× CPU; the widget before the split ` +
          `${ratio(pre.m.visible.plain / floor.m.visible.plain)}× and ${ratio(pre.m.visible.throttled / floor.m.visible.throttled)}× in the same run ` +
          `(issue #9 quotes ${VISIBLE_RATIO_BEFORE.plain}× and ${VISIBLE_RATIO_BEFORE.throttled}× for it, taken with the bench of that day).`,
        "",
      );
    if (fetched)
      notes.push(
        `Fetched, gzip -9 per file: first visit ${fetched.firstVisit.files.map((x) => `${x.path.split("/").pop()} ${int(x.gzip)}`).join(", ")}; ` +
          `cookieconsent ${fetched.cookieconsent.files.map((x) => `${x.path.split("/").pop()} ${int(x.gzip)}`).join(", ")}; ` +
          `returning ${fetched.returning.files.map((x) => x.path.split("/").pop()).join(", ")}; ` +
          `with the button ${fetched.returningWithButton.files.map((x) => x.path.split("/").pop()).join(", ")} ` +
          `(its module ${fetched.returningWithButton.buttonAfterLoadMs === null ? "never" : `${int(fetched.returningWithButton.buttonAfterLoadMs)} ms after the load event`}); ` +
          `warm cache, from the network: ${fetched.warmWithButton.network.join(", ") || "nothing"}.`,
        "",
      );
    if (ours && !ours.r.error)
      notes.push(
        `Assent accept → receipt (receiptId in the record: the Worker recorded the decision), median: ` +
          `${ms(ours.m.receipt.plain)} ms plain, ${ms(ours.m.receipt.throttled)} ms at ${THROTTLE_RATE}× CPU.`,
      );
    notes.push(
      `Of accept → persisted, input delay (click timeStamp → the page's first click listener), median plain | ${THROTTLE_RATE}×: ` +
        results.map((r) => `${r.contender.id} ${ms(median(r.samples.plain.map((x) => x.inputDelayMs)))} | ${ms(median(r.samples.throttled.map((x) => x.inputDelayMs)))}`).join("; ") +
        ".",
    );
    notes.push(`Spread (min–max over the runs, ms): visible plain | visible ${THROTTLE_RATE}× | persisted plain | persisted ${THROTTLE_RATE}×`);
    for (const r of results) {
      const span = (mode: Mode, pick: (s: Sample) => number) => {
        const v = r.samples[mode].map(pick);
        return v.length ? `${ms(Math.min(...v))}–${ms(Math.max(...v))}` : "–";
      };
      notes.push(
        `  ${r.contender.label}: ${span("plain", (s) => s.visibleMs)} | ${span("throttled", (s) => s.visibleMs)} | ` +
          `${span("plain", (s) => s.persistedMs)} | ${span("throttled", (s) => s.persistedMs)}`,
      );
    }
    notes.push(
      "",
      "Banner visible: performance.now() from the navigation start, in the first animation frame in which the",
      `"${ACCEPT}" button (document or open shadow root) has a non-empty box and visibility: visible; the same`,
      "probe (scripts/bench/widget-probe.js) for all of them. Accept → persisted: from the click event's timeStamp",
      "to the first check that finds the record granting usage (Assent: localStorage assent:v1:demo; floor:",
      "localStorage bench-floor:consent; cookieconsent: cookie cc_cookie). cookieconsent builds its modal hidden and",
      "reveals it 100 ms later (setTimeout) with a fade; it counts as visible from the start of the fade.",
      "Timings are reported; only banner visible, Assent ÷ before the split, is judged (see Budgets).",
    );

    const cpu = cpus();
    const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`;
    const loadAfter = loadavg()[0]!;
    return {
      name: "widget",
      title: "Widget: bytes and first-visit timings (headless Chromium, loopback)",
      intro: [
        `Browser: Chromium ${version} (${CHROMIUM_PATH} via playwright-core ${playwrightVersion()}), 1280×720, a fresh context (first visit) per run.`,
        `Runs: ${runs} per contender and mode (${pairedRuns} for Assent and before the split), interleaved and rotated, after 1 warm-up run each; plain and with Emulation.setCPUThrottlingRate ${THROTTLE_RATE} ` +
          `(checked: a fixed loop ran ${calibration.slowdown.toFixed(2)}× slower).`,
        `Servers: Assent ${assent.url.origin} (workerd, SITE_CACHE_SECONDS=${siteCacheSeconds}, write rate limit raised); pages ${server.origin} ` +
          `(scripts/bench/pages, demo site texts, gzip like the Worker's answers; the demo site pushed with this origin allowed).`,
        `Machine: Node ${process.version}, ${machine}, shared by Chromium, workerd and the bench; 1-minute load average ${loadBefore.toFixed(1)} before, ` +
          `${loadAfter.toFixed(1)} after (other load on the machine shows in the spread below).`,
      ],
      table,
      notes,
      failures,
      overBudget,
      raw: {
        generatedAt: new Date().toISOString(),
        durationS: (Date.now() - started) / 1000,
        settings: {
          runs,
          pairedRuns,
          throttleRate: THROTTLE_RATE,
          budgetsGzip: BUDGETS_GZIP,
          visibleRatioBeforeQuoted: VISIBLE_RATIO_BEFORE,
          visibleVsBeforeLimit: VISIBLE_VS_BEFORE_LIMIT,
          chromiumArgs: CHROMIUM_ARGS,
          siteCacheSeconds,
        },
        environment: {
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          cpus: machine,
          loadAverage1m: { before: loadBefore, after: loadAfter },
          chromium: version,
          playwrightCore: playwrightVersion(),
        },
        calibration: { ...calibration, warning: throttleWarning },
        sizes: {
          widget: built ? { files: Object.fromEntries(built.files), sets: built.sets, setSizes: built.set } : null,
          fetched,
          bootstrap: { ...bootstrap, contentEncoding: bootEncoding },
          contenders: Object.fromEntries(results.map((r) => [r.contender.id, { files: r.contender.files, total: sum(r.contender.files.map((f) => f.size)) }])),
          cookieconsentConfig: size("/cookieconsent-config.js"),
        },
        budget: { limitsGzip: BUDGETS_GZIP, pass: budgetPass },
        contenders: results.map((r) => ({
          id: r.contender.id,
          label: r.contender.label,
          page: r.contender.page,
          storage: r.contender.storage,
          error: r.error,
          medians: mediansOf(r),
          samples: r.samples,
        })),
        ratios: {
          assentToFloor: ours && { visible: div(ours.m.visible, floor.m.visible), persisted: div(ours.m.persisted, floor.m.persisted) },
          assentToPreSplitPaired: { visible: vsBefore },
          preSplitToFloor: { visible: div(pre.m.visible, floor.m.visible) },
          cookieconsentToFloor: { visible: div(cc.m.visible, floor.m.visible), persisted: div(cc.m.persisted, floor.m.persisted) },
          assentToCookieconsent: ours && { visible: div(ours.m.visible, cc.m.visible), persisted: div(ours.m.persisted, cc.m.persisted) },
        },
        pages: Object.fromEntries([...server.files].map(([path, f]) => [path, relative(ROOT, f.source)])),
        failures,
        overBudget,
      },
    };
  } finally {
    await browser?.close().catch(() => {});
    await server?.close();
    await assent?.dispose();
    if (assets) rmSync(assets, { recursive: true, force: true });
  }
}

/** Ratios per mode; NaN (null in JSON) where either side is missing. */
function div(a: Record<Mode, number>, b: Record<Mode, number>): Record<Mode, number> {
  return { plain: a.plain / b.plain, throttled: a.throttled / b.throttled };
}

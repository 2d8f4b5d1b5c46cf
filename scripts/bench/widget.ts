/**
 * The widget section of `npm run bench`: what the consent banner costs a page, in bytes and in
 * time, next to the fastest banner possible and to a popular library.
 *
 * Bytes (the build from `buildWidget()`, compressed as a CDN would: gzip level 9, brotli
 * quality 11): public/assent.js, everything the first-visit banner needs, against the hard
 * budget of 10,240 B gzip (over budget makes `npm run bench` exit 1); public/assent-preferences.js,
 * loaded only when the preference center opens; and the bootstrap JSON a first visit fetches.
 *
 * Time, in headless Chromium (Debian's, found as `npm test` finds it, through playwright-core), for three
 * contenders measured in the same run, interleaved, each with a fresh browser context (empty
 * storage and cache, a first visit) per run, plain and with the CPU throttled 4× (CDP
 * `Emulation.setCPUThrottlingRate`):
 *
 *   floor          the same banner text and three buttons as static HTML/CSS in the page, with
 *                  a tiny external script that writes a localStorage record on a click;
 *   Assent         a minimal host page with just the script tag, pointing at the Worker
 *                  (createLocalAssent: workerd with KV, D1 and static assets on loopback);
 *   cookieconsent  vanilla-cookieconsent 3.1.0 with the same two categories and texts.
 *
 * Both timings are taken in the page (scripts/bench/widget-probe.js, the same for all three):
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
 * Each number is the median of BENCH_RUNS runs (default 7), after one warm-up run per contender
 * that is not counted. The pages are served by a small server on 127.0.0.1 from
 * scripts/bench/pages/ (texts filled in from examples/sites/demo.json, gzipped as workerd
 * gzips assent.js and bootstrap); the demo site is pushed with that server's origin allowed.
 *
 * Slow timings never fail the bench; a contender that cannot be measured (no banner, no record)
 * does. The throttle is checked on a fixed loop after a navigation (it must survive one); on a
 * machine too busy for it to take, the report says so.
 */
import { readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { type Browser, chromium } from "playwright-core";
import type { SiteConfigInput } from "../../worker/contract";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import { buildWidget, widgetBuild } from "../build-widget";
import { BUDGETS_GZIP, budgetSets } from "../widget-budgets";
import { ROOT } from "../util";
import { type BenchSection, type BenchSettings, int, ms, positiveNumber, ratio, renderTable } from "./common";
import { deployedSiteCacheSeconds } from "./worker";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../local/chromium";

/** The first-visit budget: the files a first visit needs until the banner shows, gzip, bytes (a hard product rule). */
const BUDGET_GZIP = BUDGETS_GZIP.firstVisit;
const THROTTLE_RATE = 4;
const SITE = "demo";
const ACCEPT = "Accept all";
const PAGES = join(ROOT, "scripts/bench/pages");
const COOKIECONSENT = join(ROOT, "node_modules/vanilla-cookieconsent/dist");
/** Below this measured slowdown the 4× rows are flagged: the throttle could not take (busy machine). */
const MIN_MEASURED_SLOWDOWN = 2;


// ---- Bytes ------------------------------------------------------------------------------------

interface Size {
  bytes: number;
  gzip: number;
  brotli: number;
}

function sizeOf(body: Buffer | string): Size {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  return {
    bytes: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 11,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

const sum = (sizes: Size[]): Size => ({
  bytes: sizes.reduce((n, s) => n + s.bytes, 0),
  gzip: sizes.reduce((n, s) => n + s.gzip, 0),
  brotli: sizes.reduce((n, s) => n + s.brotli, 0),
});

// ---- The pages' server ------------------------------------------------------------------------

/** The demo site's English texts the floor and cookieconsent show (Assent gets them from bootstrap). */
interface PageTexts {
  title: string;
  description: string;
  necessaryTitle: string;
  necessaryDescription: string;
  usageTitle: string;
  usageDescription: string;
  policyUrl: string;
  cookiePolicyUrl: string;
}

interface DemoConfig {
  allowedOrigins: string[];
  policy: { url: string; cookiePolicyUrl?: string };
  texts: Record<
    string,
    { banner: { title: string; description: string }; categories: Record<string, { title: string; description: string }> }
  >;
}

function demoConfig(): DemoConfig & SiteConfigInput {
  return JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8")) as DemoConfig & SiteConfigInput;
}

function pageTexts(config: DemoConfig): PageTexts {
  const en = config.texts.en;
  const cat = (id: string) => en?.categories[id];
  if (!en || !cat("necessary") || !cat("usage")) throw new Error("examples/sites/demo.json lacks the English texts of necessary and usage");
  return {
    title: en.banner.title,
    description: en.banner.description,
    necessaryTitle: cat("necessary")!.title,
    necessaryDescription: cat("necessary")!.description,
    usageTitle: cat("usage")!.title,
    usageDescription: cat("usage")!.description,
    policyUrl: config.policy.url,
    cookiePolicyUrl: config.policy.cookiePolicyUrl ?? config.policy.url,
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

interface Served {
  type: string;
  body: Buffer;
  /** `body` gzipped once, level 9: sent to clients that accept gzip, as the Worker does. */
  gzip?: Buffer;
  /** Where it came from, for the report. */
  source: string;
}

/**
 * Everything the bench pages load from the bench server, rendered once: `{{name}}` in HTML is
 * an escaped text (or the Worker's origin), `__TEXTS__` in the cookieconsent config the texts
 * as a JSON object.
 */
function renderFiles(assentOrigin: string, texts: PageTexts): Map<string, Served> {
  const values: Record<string, string> = { ...texts, assentOrigin };
  const html = (name: string): Served => ({
    type: "text/html; charset=utf-8",
    source: join(PAGES, name),
    body: Buffer.from(
      readFileSync(join(PAGES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`${name}: unknown placeholder {{${key}}}`);
        return escapeHtml(value);
      }),
    ),
  });
  const file = (dir: string, name: string, type: string): Served => ({ type, source: join(dir, name), body: readFileSync(join(dir, name)) });
  const js = "text/javascript; charset=utf-8";
  const css = "text/css; charset=utf-8";
  const config = file(PAGES, "cookieconsent-config.js", js);
  config.body = Buffer.from(config.body.toString("utf8").replace("__TEXTS__", JSON.stringify(texts)));
  return new Map<string, Served>([
    ["/assent.html", html("assent.html")],
    ["/floor.html", html("floor.html")],
    ["/floor.css", file(PAGES, "floor.css", css)],
    ["/floor.js", file(PAGES, "floor.js", js)],
    ["/cookieconsent.html", html("cookieconsent.html")],
    ["/cookieconsent-config.js", config],
    ["/vendor/cookieconsent.umd.js", file(COOKIECONSENT, "cookieconsent.umd.js", js)],
    ["/vendor/cookieconsent.css", file(COOKIECONSENT, "cookieconsent.css", css)],
  ]);
}

interface PageServer {
  origin: string;
  files: Map<string, Served>;
  close(): Promise<void>;
}

/**
 * Serves the rendered files on 127.0.0.1 (a free port). Gzipped when the browser accepts it,
 * like the Worker's answers (workerd compresses assent.js and bootstrap the same way), but
 * compressed once up front, as a CDN's cache would.
 */
async function startPageServer(assentOrigin: string, texts: PageTexts): Promise<PageServer> {
  const files = renderFiles(assentOrigin, texts);
  for (const served of files.values()) served.gzip = gzipSync(served.body, { level: 9 });
  const server: Server = createServer((req, res) => {
    const served = files.get(new URL(req.url ?? "/", "http://x").pathname);
    if (!served || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "text/plain", "Cache-Control": "no-store" }).end("Not found");
      return;
    }
    const gzip = served.gzip && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? served.gzip! : served.body;
    res.writeHead(200, {
      "Content-Type": served.type,
      "Content-Length": body.length,
      "Cache-Control": "no-store",
      Vary: "Accept-Encoding",
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    files,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

// ---- Contenders and runs ----------------------------------------------------------------------

type ContenderId = "floor" | "assent" | "cookieconsent";

interface Contender {
  id: ContenderId;
  label: string;
  page: string;
  /** Where its decision is stored; the probe and the check after each run read it. */
  storage: { type: "localStorage" | "cookie"; key: string };
  /** Wait for `receiptId` in the record too (Assent: the Worker recorded the decision). */
  receipt: boolean;
  /** JS and CSS it adds to a first visit (paths on the bench server, or public/ files). */
  files: { label: string; size: Size }[];
}

type Mode = "plain" | "throttled";
const MODES: Mode[] = ["plain", "throttled"];

interface Sample {
  /** Navigation start → first frame with the accept button visible, ms. */
  visibleMs: number;
  /** Click → record granting usage, ms. */
  persistedMs: number;
  /** Click → receiptId in the record, ms (Assent only). */
  receiptMs: number | null;
  /** Click → the page's first click listener ran, ms (part of persistedMs). */
  inputDelayMs: number;
  /** Animation frames the probe saw until the banner was visible. */
  frames: number;
  /** The page's own milestones, ms from the navigation start, for context. */
  page: { responseStart: number; domContentLoaded: number; load: number; firstContentfulPaint: number | null };
}

interface ProbeResult {
  visibleAt: number | null;
  clickAt: number | null;
  handlerAt: number | null;
  persistedAt: number | null;
  receiptAt: number | null;
  frames: number;
}

const PROBE = readFileSync(join(ROOT, "scripts/bench/widget-probe.js"), "utf8");

function probeFor(c: Contender): string {
  return `var __benchProbeConfig = ${JSON.stringify({ acceptLabel: ACCEPT, storage: c.storage, receipt: c.receipt })};\n${PROBE}`;
}

/** `categories` as Assent and the floor store it (object) or cookieconsent does (array). */
function grantsUsage(record: unknown): boolean {
  const categories = (record as { categories?: unknown } | null)?.categories;
  if (Array.isArray(categories)) return categories.includes("usage");
  return typeof categories === "object" && categories !== null && (categories as Record<string, unknown>).usage === true;
}

/** One first visit: fresh context, (throttle,) navigate, wait for the banner, accept, wait for the record. */
async function measureOnce(browser: Browser, server: PageServer, c: Contender, mode: Mode): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: probeFor(c) });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") pageErrors.push(`console.${msg.type()}: ${msg.text()}`);
    });
    if (mode === "throttled") {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
    }
    const why = () => (pageErrors.length ? ` (the page said: ${pageErrors.slice(0, 3).join("; ")})` : "");
    await page.goto(new URL(c.page, server.origin).href, { waitUntil: "load", timeout: 30_000 });
    await page
      .waitForFunction("window.__bench.visibleAt !== null", undefined, { polling: 25, timeout: 15_000 })
      .catch(() => Promise.reject(new Error(`no visible "${ACCEPT}" button within 15 s${why()}`)));
    await page.getByRole("button", { name: ACCEPT, exact: true }).click({ timeout: 10_000 });
    const done = `window.__bench.persistedAt !== null${c.receipt ? " && window.__bench.receiptAt !== null" : ""}`;
    await page
      .waitForFunction(done, undefined, { polling: 25, timeout: 15_000 })
      .catch(() => Promise.reject(new Error(`no ${c.receipt ? "recorded " : ""}decision in ${c.storage.type} "${c.storage.key}" within 15 s of the click${why()}`)));
    const { probe, milestones, local } = (await page.evaluate(
      `(() => { const n = performance.getEntriesByType("navigation")[0]; const p = performance.getEntriesByName("first-contentful-paint")[0];
        return { probe: window.__bench, local: localStorage.getItem(${JSON.stringify(c.storage.key)}),
          milestones: { responseStart: n.responseStart, domContentLoaded: n.domContentLoadedEventStart, load: n.loadEventStart, firstContentfulPaint: p ? p.startTime : null } }; })()`,
    )) as { probe: ProbeResult; milestones: Sample["page"]; local: string | null };

    // The same record, read again from outside the page's probe.
    let stored: unknown = null;
    if (c.storage.type === "localStorage") stored = local ? JSON.parse(local) : null;
    else {
      const cookie = (await context.cookies()).find((k) => k.name === c.storage.key);
      stored = cookie ? JSON.parse(decodeURIComponent(cookie.value)) : null;
    }
    if (!grantsUsage(stored)) throw new Error(`the stored ${c.storage.key} does not grant usage: ${JSON.stringify(stored)}`);
    if (c.receipt && typeof (stored as { receiptId?: unknown }).receiptId !== "string") throw new Error(`${c.storage.key} has no receiptId`);

    return {
      visibleMs: probe.visibleAt!,
      persistedMs: probe.persistedAt! - probe.clickAt!,
      receiptMs: c.receipt ? probe.receiptAt! - probe.clickAt! : null,
      inputDelayMs: probe.handlerAt! - probe.clickAt!,
      frames: probe.frames,
      page: milestones,
    };
  } finally {
    await context.close();
  }
}

/**
 * The main thread's slowdown under the throttle, as the runs set it: throttled before the
 * navigation, then a fixed loop after it (so a throttle lost in the navigation shows), then the
 * loop unthrottled in the same page, three times in turn. Total time over total time: the
 * throttle works in time slices, and other load on the machine comes and goes.
 */
async function measureSlowdown(browser: Browser, server: PageServer): Promise<{ plainMs: number[]; throttledMs: number[]; slowdown: number }> {
  const loop = "(() => { const t = performance.now(); let x = 0; for (let i = 0; i < 3e7; i++) x += Math.sqrt(i); return [performance.now() - t, x]; })()";
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
    await page.goto(new URL("/floor.html", server.origin).href);
    const plainMs: number[] = [];
    const throttledMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
      throttledMs.push(((await page.evaluate(loop)) as [number, number])[0]);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      plainMs.push(((await page.evaluate(loop)) as [number, number])[0]);
    }
    const total = (v: number[]) => v.reduce((n, x) => n + x, 0);
    return { plainMs, throttledMs, slowdown: total(throttledMs) / total(plainMs) };
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
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
  const runs = positiveNumber("BENCH_RUNS", 7, true);
  const failures: string[] = [];
  const overBudget: string[] = [];
  const started = Date.now();
  const loadBefore = loadavg()[0]!;

  // ---- Build and bytes ----------------------------------------------------------------------
  process.stderr.write("  widget: building …\n");
  let built: { main: Size; preferences: Size } | null = null;
  try {
    await buildWidget();
    const wb = await widgetBuild();
    const sizes = (files: string[]) => sum(files.map((f) => sizeOf(Buffer.from(wb.files.get(f)!))));
    built = {
      main: sizes(budgetSets(wb).firstVisit),
      preferences: sizes(["preferences.js", ...(wb.deps["preferences.js"] ?? [])]),
    };
  } catch (err) {
    failures.push(`the widget does not build, so Assent is not measured: ${err instanceof Error ? err.message : String(err)}`);
  }

  const config = demoConfig();
  const texts = pageTexts(config);
  const siteCacheSeconds = deployedSiteCacheSeconds();
  let assent: LocalAssent | undefined;
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  try {
    // The write rate limit is raised: every run is a new visitor from 127.0.0.1.
    assent = await createLocalAssent({ sites: [], rateLimit: { limit: 1_000_000, period: 10 }, siteCacheSeconds });
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
              files: [{ label: "assent.js", size: built.main }],
            } satisfies Contender,
          ]
        : []),
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

    process.stderr.write(`  widget: warm-up, then ${runs} runs × ${contenders.length} contenders, plain and ${THROTTLE_RATE}× CPU …\n`);
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
    for (const mode of MODES)
      for (let i = 0; i < runs; i++)
        // Rotated each run, so no contender is always first after a context switch.
        for (let k = 0; k < results.length; k++) await attempt(results[(i + k) % results.length]!, mode, true);
    for (const r of results) if (r.error) failures.push(`${r.contender.label} could not be measured (${r.error})`);
    const version = browser.version();

    // ---- Report ------------------------------------------------------------------------------
    const byId = new Map(results.map((r) => [r.contender.id, { r, m: mediansOf(r), bytes: sum(r.contender.files.map((f) => f.size)) }]));
    const floor = byId.get("floor")!;
    const ours = byId.get("assent");
    const cc = byId.get("cookieconsent")!;
    const none = { visible: { plain: Number.NaN, throttled: Number.NaN }, persisted: { plain: Number.NaN, throttled: Number.NaN } };
    const oursM = ours?.m ?? none;
    const row = (label: string, f: number, a: number, c: number, fmt: (n: number) => string) => [
      label,
      fmt(f),
      fmt(a),
      fmt(c),
      ratio(a / f),
      ratio(c / f),
      ratio(a / c),
    ];
    const table = {
      head: ["median of " + runs + " runs", "floor", "Assent", "cookieconsent", "Assent ÷ floor", "cookieconsent ÷ floor", "Assent ÷ cookieconsent"],
      rows: [
        row("banner visible, ms", floor.m.visible.plain, oursM.visible.plain, cc.m.visible.plain, ms),
        row(`banner visible, ${THROTTLE_RATE}× CPU, ms`, floor.m.visible.throttled, oursM.visible.throttled, cc.m.visible.throttled, ms),
        row("accept → persisted, ms", floor.m.persisted.plain, oursM.persisted.plain, cc.m.persisted.plain, ms),
        row(`accept → persisted, ${THROTTLE_RATE}× CPU, ms`, floor.m.persisted.throttled, oursM.persisted.throttled, cc.m.persisted.throttled, ms),
        row("JS+CSS gzip, B", floor.bytes.gzip, ours?.bytes.gzip ?? Number.NaN, cc.bytes.gzip, (n) => (Number.isFinite(n) ? int(n) : "–")),
        row("JS+CSS brotli, B", floor.bytes.brotli, ours?.bytes.brotli ?? Number.NaN, cc.bytes.brotli, (n) => (Number.isFinite(n) ? int(n) : "–")),
      ],
    };

    const fileRows: string[][] = [];
    const fileRow = (label: string, s: Size, when: string) => fileRows.push([label, int(s.bytes), int(s.gzip), int(s.brotli), when]);
    if (built) {
      fileRow("public/assent.js", built.main, `first visit (budget ${int(BUDGET_GZIP)} B gzip)`);
      fileRow("public/assent-preferences.js", built.preferences, "when the preference center opens");
    }
    fileRow(`bootstrap JSON (GET /v1/sites/${SITE}/bootstrap?lang=en)`, bootstrap, `first visit, sent as ${bootEncoding} locally`);
    for (const r of results) for (const f of r.contender.files) if (r.contender.id !== "assent") fileRow(`${r.contender.id}: ${f.label}`, f.size, "first visit");
    fileRow("cookieconsent: cookieconsent-config.js", size("/cookieconsent-config.js"), "first visit (the site's config and texts)");

    const notes: string[] = throttleWarning ? [throttleWarning, ""] : [];
    notes.push(renderTable(["file", "raw B", "gzip -9 B", "brotli 11 B", "loaded"], fileRows), "");
    let budgetPass: boolean | null = null;
    if (built) {
      budgetPass = built.main.gzip <= BUDGET_GZIP;
      const delta = Math.abs(BUDGET_GZIP - built.main.gzip);
      notes.push(
        `Budget, first-visit banner (public/assent.js): ${int(built.main.gzip)} B gzip of ${int(BUDGET_GZIP)} B: ` +
          (budgetPass ? `PASS (${int(delta)} B to spare)` : `OVER by ${int(delta)} B`),
      );
      if (!budgetPass) overBudget.push(`public/assent.js is ${int(built.main.gzip)} B gzip, ${int(delta)} B over the ${int(BUDGET_GZIP)} B first-visit budget`);
    } else notes.push("Budget, first-visit banner: not checked (no build).");
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
      "probe (scripts/bench/widget-probe.js) for all three. Accept → persisted: from the click event's timeStamp",
      "to the first check that finds the record granting usage (Assent: localStorage assent:v1:demo; floor:",
      "localStorage bench-floor:consent; cookieconsent: cookie cc_cookie). cookieconsent builds its modal hidden and",
      "reveals it 100 ms later (setTimeout) with a fade; it counts as visible from the start of the fade.",
      "Timings are reported, never judged.",
    );

    const cpu = cpus();
    const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`;
    const loadAfter = loadavg()[0]!;
    return {
      name: "widget",
      title: "Widget: bytes and first-visit timings (headless Chromium, loopback)",
      intro: [
        `Browser: Chromium ${version} (${CHROMIUM_PATH} via playwright-core ${playwrightVersion()}), 1280×720, a fresh context (first visit) per run.`,
        `Runs: ${runs} per contender and mode, interleaved, after 1 warm-up run each; plain and with Emulation.setCPUThrottlingRate ${THROTTLE_RATE} ` +
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
        settings: { runs, throttleRate: THROTTLE_RATE, budgetGzip: BUDGET_GZIP, chromiumArgs: CHROMIUM_ARGS, siteCacheSeconds },
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
          assentJs: built?.main ?? null,
          assentPreferencesJs: built?.preferences ?? null,
          bootstrap: { ...bootstrap, contentEncoding: bootEncoding },
          contenders: Object.fromEntries(results.map((r) => [r.contender.id, { files: r.contender.files, total: sum(r.contender.files.map((f) => f.size)) }])),
          cookieconsentConfig: size("/cookieconsent-config.js"),
        },
        budget: { limitGzip: BUDGET_GZIP, gzip: built?.main.gzip ?? null, pass: budgetPass },
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
  }
}

/** Ratios per mode; NaN (null in JSON) where either side is missing. */
function div(a: Record<Mode, number>, b: Record<Mode, number>): Record<Mode, number> {
  return { plain: a.plain / b.plain, throttled: a.throttled / b.throttled };
}

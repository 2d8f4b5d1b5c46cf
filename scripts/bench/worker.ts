/**
 * The Worker section of `npm run bench`: requests per second and latency of the two endpoints
 * every page view and decision hit, against `GET /v1/health` on the same runtime.
 *
 * - The Worker runs locally in workerd through `createLocalAssent` (real KV, D1 and rate
 *   limiter), on 127.0.0.1, with the write rate limit raised so the bench is not throttled and
 *   the site memo at wrangler.toml's SITE_CACHE_SECONDS, as deployed (the local default of 0 is
 *   for tests, and would add a KV read and a config validation to every request).
 * - Each endpoint gets a warm-up that is not counted, then a timed run, one after the other.
 * - Every POST carries a new Idempotency-Key, so each one records a decision instead of
 *   replaying one. The ledger is checked afterwards: every 2xx POST must have its own row.
 *
 * Absolute numbers depend on the machine (the load generator shares it with workerd); the
 * ratios to health are the part to compare between runs. Slow numbers never fail the bench;
 * a broken one (more than 1 % failed requests, decisions missing from the ledger) does.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { join } from "node:path";
import type autocannon from "autocannon";
import type { BootstrapResponse, ConsentRequestInput } from "../../worker/contract";
import { prefKey } from "../../worker/store/keys";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import { ROOT } from "../util";
import { type BenchSection, type BenchSettings, benchSettings, int, ms, percent, ratio } from "./common";
import { type LoadResult, measure } from "./load";

/** A listed origin of the demo site (examples/sites/demo.json), as the widget would send. */
const ORIGIN = "http://127.0.0.1:8787";
const SITE = "demo";
/** Above 1 % failed requests the bench is broken, not slow. */
const MAX_FAILURE_RATE = 0.01;

interface Endpoint {
  label: string;
  result: LoadResult;
  warmup: LoadResult;
}

/**
 * wrangler.toml's `[vars] SITE_CACHE_SECONDS`, the memo the deployed Worker runs with. Read as
 * text: wrangler's config reader would announce .dev.vars a second time.
 */
export function deployedSiteCacheSeconds(): number {
  const match = /^\s*SITE_CACHE_SECONDS\s*=\s*"?(\d+)"?\s*$/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  return match ? Number(match[1]) : 30;
}

function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("autocannon/package.json") as { version: string }).version;
}

/** Counts the PREFS keys of a site (one per visitor with a current decision). */
async function countPrefs(assent: LocalAssent, siteId: string): Promise<number> {
  const kv = await assent.mf.getKVNamespace("PREFS");
  const prefix = prefKey(siteId, "");
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list({ prefix, limit: 1000, ...(cursor ? { cursor } : {}) });
    count += page.keys.length;
    if (page.list_complete) return count;
    cursor = page.cursor;
  }
}

/**
 * Starts the Worker, runs health, bootstrap and consents, checks the ledger and disposes the
 * Worker again, also on failure.
 */
export async function runWorkerBench(settings: BenchSettings = benchSettings()): Promise<BenchSection> {
  const siteCacheSeconds = deployedSiteCacheSeconds();
  const assent = await createLocalAssent({ rateLimit: { limit: 1_000_000, period: 10 }, siteCacheSeconds, ...(process.env.BENCH_PERSIST ? { persist: process.env.BENCH_PERSIST } : {}) });
  // Errors end up in `finally`; on Ctrl-C, Miniflare's own exit hook stops workerd.
  try {
    return await benchAgainst(assent, settings, siteCacheSeconds);
  } finally {
    await assent.dispose();
  }
}

async function benchAgainst(assent: LocalAssent, settings: BenchSettings, siteCacheSeconds: number): Promise<BenchSection> {
  const url = (path: string) => new URL(path, assent.url);
  const healthUrl = url("/v1/health");
  const bootstrapUrl = url(`/v1/sites/${SITE}/bootstrap`);
  const consentsUrl = url(`/v1/sites/${SITE}/consents`);
  if (assent.url.hostname !== "127.0.0.1") throw new Error(`expected a loopback server, got ${assent.url.href}`);

  // What the widget would have seen before deciding.
  const bootRes = await fetch(bootstrapUrl);
  if (!bootRes.ok) throw new Error(`GET ${bootstrapUrl.pathname} answered ${bootRes.status}: ${await bootRes.text()}`);
  const boot = (await bootRes.json()) as BootstrapResponse;
  const decision: ConsentRequestInput = {
    action: "accept_all",
    policyFingerprint: boot.policy.fingerprint,
    locale: "en",
    gpc: false,
    widgetVersion: "bench",
    textHash: boot.textHash,
  };
  const body = JSON.stringify(decision);
  const headers = { Origin: ORIGIN, "Content-Type": "application/json" };

  // Idempotency keys sent, and those answered with a 2xx, across warm-up and measured runs.
  const sentKeys = new Set<string>();
  const okKeys = new Set<string>();
  let replayed = 0;

  // One decision by hand first, so a misconfigured request fails here with its reason.
  const checkKey = randomUUID();
  sentKeys.add(checkKey);
  const check = await fetch(consentsUrl, { method: "POST", headers: { ...headers, "Idempotency-Key": checkKey }, body });
  if (check.status !== 201) throw new Error(`POST ${consentsUrl.pathname} answered ${check.status}: ${await check.text()}`);
  await check.body?.cancel();
  okKeys.add(checkKey);

  const consentRequest: autocannon.Request = {
    method: "POST",
    headers,
    body,
    setupRequest(request, context) {
      const key = randomUUID();
      sentKeys.add(key);
      context.key = key;
      request.headers = { ...request.headers, "Idempotency-Key": key };
      return request;
    },
    onResponse(status, responseBody, context) {
      if (status < 200 || status > 299) return;
      okKeys.add(context.key as string);
      if (responseBody.includes('"replayed":true')) replayed++;
    },
  };

  const endpoints: Endpoint[] = [];
  for (const [label, target] of [
    ["GET /v1/health", { url: healthUrl }],
    [`GET /v1/sites/${SITE}/bootstrap`, { url: bootstrapUrl }],
    [`POST /v1/sites/${SITE}/consents`, { url: consentsUrl, request: consentRequest }],
  ] as const) {
    process.stderr.write(`  ${label}: ${settings.warmupSeconds} s warm-up, ${settings.seconds} s measured …\n`);
    endpoints.push({ label, ...(await measure(target, settings, settings.warmupSeconds)) });
  }

  // Let requests that were in flight when the last run stopped finish before counting.
  await new Promise((r) => setTimeout(r, 300));

  // ---- The ledger: every 2xx POST recorded exactly once ----------------------------------
  const db = await assent.mf.getD1Database("LEDGER");
  const rows = (await db.prepare("SELECT COUNT(*) AS n FROM ledger").first<{ n: number }>())?.n ?? 0;
  const ledgerKeys = new Set(
    ((await db.prepare("SELECT idempotency_key AS k FROM ledger").all<{ k: string }>()).results).map((r) => r.k),
  );
  const prefsKeys = await countPrefs(assent, SITE);
  const [health, bootstrap, consents] = endpoints as [Endpoint, Endpoint, Endpoint];
  const post2xx = 1 + consents.warmup.ok2xx + consents.result.ok2xx;
  const okMissing = [...okKeys].filter((k) => !ledgerKeys.has(k)).length;
  const foreignRows = [...ledgerKeys].filter((k) => !sentKeys.has(k)).length;
  /** Rows of requests whose answer autocannon dropped when it stopped a run mid-flight. */
  const cutOff = [...ledgerKeys].filter((k) => sentKeys.has(k) && !okKeys.has(k)).length;

  // ---- Report ------------------------------------------------------------------------------
  const failures: string[] = [];
  const notes: string[] = [];
  for (const e of endpoints) {
    const r = e.result;
    const codes = Object.entries(r.statusCodes).map(([code, n]) => `${code} ×${int(n)}`).join(", ") || "none";
    notes.push(
      `${e.label}: ${int(r.responses)} responses in ${r.durationS.toFixed(2)} s; non-2xx ${int(r.non2xx)}, ` +
        `errors ${int(r.errors)} (timeouts ${int(r.timeouts)}), failed ${percent(r.failureRate)}; status ${codes}`,
    );
    if (r.responses === 0) failures.push(`${e.label}: no responses at all`);
    else if (r.failureRate > MAX_FAILURE_RATE)
      failures.push(`${e.label}: ${percent(r.failureRate)} of requests failed (limit ${percent(MAX_FAILURE_RATE)}); status ${codes}`);
  }

  const inFlightNote = cutOff > 0 ? ` + ${int(cutOff)} recorded but cut off in flight when a run stopped (autocannon drops their answers)` : "";
  notes.push(
    "",
    `Ledger check: ${int(rows)} rows in D1 for ${int(post2xx)} 2xx POSTs ` +
      `(1 check + ${int(consents.warmup.ok2xx)} warm-up + ${int(consents.result.ok2xx)} measured)${inFlightNote}; ` +
      `${int(okKeys.size)} distinct Idempotency-Keys answered 2xx, ${int(okMissing)} of them missing from the ledger, ${int(replayed)} replays.`,
  );
  if (okKeys.size !== post2xx) failures.push(`${int(post2xx)} 2xx POSTs but only ${int(okKeys.size)} distinct Idempotency-Keys: keys were reused`);
  if (okMissing > 0) failures.push(`${int(okMissing)} POSTs answered 2xx have no ledger row`);
  if (replayed > 0) failures.push(`${int(replayed)} POSTs were answered as replays: Idempotency-Keys were reused`);
  if (foreignRows > 0) failures.push(`${int(foreignRows)} ledger rows carry a key the bench never sent`);
  if (rows !== ledgerKeys.size) failures.push(`COUNT(*) says ${rows} rows but ${ledgerKeys.size} keys were read`);

  notes.push(
    "",
    "Cost per decision, as the code documents it (routes/consents.ts, store/ledger.ts, store/prefs.ts, store/sites.ts):",
    "  1 rate-limit check; 1 D1 batch (INSERT + SELECT, one round trip) writing 1 ledger row;",
    "  1 KV write to PREFS and no KV read; no SITES read while the site memo is warm (1 per isolate per SITE_CACHE_SECONDS).",
    `  Counted: ${int(post2xx - okMissing)} of ${int(post2xx)} 2xx POSTs have exactly 1 ledger row; ` +
      `${int(prefsKeys)} PREFS keys for ${int(rows)} ledger rows (${ratio(prefsKeys / rows)} per row; every bench POST is a new visitor).`,
  );

  const base = health.result;
  const row = (e: Endpoint) => [
    e.label,
    int(e.result.rps),
    ms(e.result.latencyMs.p50),
    ms(e.result.latencyMs.p90),
    ms(e.result.latencyMs.p99),
    ratio(e.result.rps / base.rps),
    ratio(e.result.latencyMs.p50 / base.latencyMs.p50),
  ];

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`;
  const version = autocannonVersion();
  return {
    name: "worker",
    title: "Worker API (workerd via Miniflare, loopback)",
    intro: [
      `Server: ${assent.url.origin}; site "${SITE}", SITE_CACHE_SECONDS=${siteCacheSeconds}, write rate limit raised to 1,000,000 per 10 s.`,
      `Load: autocannon ${version}, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up (not counted) + ${settings.seconds} s measured per endpoint, one endpoint at a time.`,
      `Machine: Node ${process.version}, ${machine}, shared by workerd and the load generator. Latencies are exact (not autocannon's whole-ms histogram).`,
    ],
    table: {
      head: ["endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "req/s ÷ health", "p50 ÷ health"],
      rows: [row(health), row(bootstrap), row(consents)],
    },
    notes,
    failures,
    raw: {
      generatedAt: new Date().toISOString(),
      settings: { ...settings, siteCacheSeconds, maxFailureRate: MAX_FAILURE_RATE },
      environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: machine, autocannon: version },
      endpoints: endpoints.map((e) => ({
        endpoint: e.label,
        ...e.result,
        vsHealth: {
          rps: e.result.rps / base.rps,
          p50: e.result.latencyMs.p50 / base.latencyMs.p50,
          p90: e.result.latencyMs.p90 / base.latencyMs.p90,
          p99: e.result.latencyMs.p99 / base.latencyMs.p99,
        },
        warmup: { durationS: e.warmup.durationS, responses: e.warmup.responses, ok2xx: e.warmup.ok2xx, statusCodes: e.warmup.statusCodes },
      })),
      ledger: {
        rows,
        post2xx,
        distinctOkKeys: okKeys.size,
        okKeysMissingFromLedger: okMissing,
        rowsCutOffInFlight: cutOff,
        rowsWithForeignKeys: foreignRows,
        replayed,
        prefsKeys,
      },
      failures,
    },
  };
}

/**
 * The Worker section of `npm run bench`: requests per second and latency of the endpoints every
 * page view and decision hit, against `GET /v1/health` on the same runtime.
 *
 * - The Worker runs locally in workerd through `createLocalAssent` (real KV, D1 and rate
 *   limiter), on 127.0.0.1, with the write rate limit raised so the bench is not throttled and
 *   the site memo at wrangler.toml's SITE_CACHE_SECONDS, as deployed (the local default of 0 is
 *   for tests, and would add a KV read and a config validation to every request).
 * - Miniflare keeps KV and D1 in SQLite files. Here they are on a RAM disk (/dev/shm, when the
 *   machine has one): on the VM disk every D1 commit waits for an fsync whose time varied from
 *   run to run by a factor of two, so the ratio measured the disk, not the Worker; Cloudflare's
 *   D1 and KV do not commit to a local disk either. The intro line says where they were.
 * - Each endpoint gets a warm-up that is not counted, then a timed run, one after the other;
 *   health runs first and last, and the ratios use the mean of the two, so a machine that
 *   speeds up or slows down during the run moves both sides.
 * - Decisions are measured twice: a visitor's first decision (no token: the banner's case), and
 *   a returning visitor's later one (with a token, its record kept in KV because it was read:
 *   the most a decision costs). Every POST carries a new Idempotency-Key, so each one records a
 *   decision instead of replaying one. The ledger is checked afterwards: every 2xx POST has
 *   exactly one row, none is missing and none is duplicated.
 *
 * - The budget's pair (health, then a first decision) runs RATIO_ROUNDS times; the ratio checked
 *   is the median of the rounds.
 *
 * Absolute numbers depend on the machine (the load generator shares it with workerd); the
 * ratios to health are the part to compare between runs. A broken bench (more than 1 % failed
 * requests, decisions missing from the ledger) fails, and so does a first decision below
 * DECISION_RATIO_BUDGET of health's throughput.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type autocannon from "autocannon";
import type { BootstrapResponse, ConsentRequestInput } from "../../worker/contract";
import { prefKey } from "../../worker/consent/store/keys";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import { ROOT } from "../util";
import { type BenchSection, type BenchSettings, benchSettings, int, ms, percent, ratio } from "./common";
import { type LoadResult, measure } from "./load";

/** A listed origin of the demo site (examples/sites/demo.json), as the widget would send. */
const ORIGIN = "http://127.0.0.1:8787";
const SITE = "demo";
/** Above 1 % failed requests the bench is broken, not slow. */
const MAX_FAILURE_RATE = 0.01;
/** A visitor's first decision must reach at least this share of health's requests per second. */
export const DECISION_RATIO_BUDGET = 0.35;
/**
 * Rounds of (health, first decision) the budget's ratio is the median of: one run of each on a
 * shared 2-core machine varied from 0.28 to 0.41 between runs of the same code.
 */
const RATIO_ROUNDS = 3;
/** Returning visitors whose decisions the bench sends, in turn. */
const RETURNING_VISITORS = 200;

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
  const storage = mkdtempSync(`${existsSync("/dev/shm") ? "/dev/shm" : tmpdir()}/assent-bench-`);
  // Impressions added up as deployed (worker/consent/store/stats.ts), not written per bootstrap.
  const assent = await createLocalAssent({ rateLimit: { limit: 1_000_000, period: 10 }, siteCacheSeconds, statsFlushSeconds: 10, persist: storage });
  // Errors end up in `finally`; on Ctrl-C, Miniflare's own exit hook stops workerd.
  try {
    return await benchAgainst(assent, settings, siteCacheSeconds, storage);
  } finally {
    await assent.dispose();
    rmSync(storage, { recursive: true, force: true });
  }
}

async function benchAgainst(assent: LocalAssent, settings: BenchSettings, siteCacheSeconds: number, storage: string): Promise<BenchSection> {
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

  // Returning visitors: each made a first decision and had its record read once (GET /me), so
  // KV holds it and every later decision writes and settles it — the most a decision costs.
  const tokens: string[] = [];
  for (let i = 0; i < RETURNING_VISITORS; i++) {
    const key = randomUUID();
    sentKeys.add(key);
    const res = await fetch(consentsUrl, { method: "POST", headers: { ...headers, "Idempotency-Key": key }, body });
    if (res.status !== 201) throw new Error(`POST ${consentsUrl.pathname} answered ${res.status}: ${await res.text()}`);
    okKeys.add(key);
    const token = ((await res.json()) as { token: string }).token;
    const me = await fetch(url(`/v1/sites/${SITE}/me`), { headers: { Authorization: `Bearer ${token}` } });
    if (me.status !== 200) throw new Error(`GET /me answered ${me.status}: ${await me.text()}`);
    await me.body?.cancel();
    tokens.push(token);
  }
  let turn = 0;
  const returningBody = JSON.stringify({ ...decision, action: "reject_all", surface: "preferences" });
  const returningRequest: autocannon.Request = {
    ...consentRequest,
    body: returningBody,
    setupRequest(request, context) {
      const key = randomUUID();
      sentKeys.add(key);
      context.key = key;
      request.headers = { ...request.headers, "Idempotency-Key": key, Authorization: `Bearer ${tokens[turn++ % tokens.length]}` };
      request.body = returningBody;
      return request;
    },
  };

  const endpoints: Endpoint[] = [];
  for (const [label, target] of [
    ["GET /v1/health", { url: healthUrl }],
    [`GET /v1/sites/${SITE}/bootstrap`, { url: bootstrapUrl }],
    [`POST /v1/sites/${SITE}/consents (first decision)`, { url: consentsUrl, request: consentRequest }],
    [`POST /v1/sites/${SITE}/consents (returning, record in KV)`, { url: consentsUrl, request: returningRequest }],
    ["GET /v1/health (again)", { url: healthUrl }],
    // Two more rounds of the budget's pair, each health run right before its decisions.
    ...Array.from({ length: RATIO_ROUNDS - 1 }, (_, i) => [
      [`GET /v1/health (round ${i + 2})`, { url: healthUrl }] as const,
      [`POST /v1/sites/${SITE}/consents (first decision, round ${i + 2})`, { url: consentsUrl, request: consentRequest }] as const,
    ]).flat(),
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
  const [health, bootstrap, consents, returning, healthAgain, ...more] = endpoints as [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, ...Endpoint[]];
  /** The later rounds: [health, first decision] pairs. */
  const rounds = Array.from({ length: more.length / 2 }, (_, i) => ({ health: more[i * 2]!, decisions: more[i * 2 + 1]! }));
  const roundDecisions2xx = rounds.reduce((n, r) => n + r.decisions.warmup.ok2xx + r.decisions.result.ok2xx, 0);
  const post2xx = 1 + RETURNING_VISITORS + consents.warmup.ok2xx + consents.result.ok2xx + returning.warmup.ok2xx + returning.result.ok2xx + roundDecisions2xx;
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
  const duplicated = rows - ledgerKeys.size;
  notes.push(
    "",
    `Ledger check: ${int(rows)} rows in D1 for ${int(post2xx)} 2xx POSTs ` +
      `(${int(1 + RETURNING_VISITORS)} set-up + first decisions ${int(consents.warmup.ok2xx)} warm-up + ${int(consents.result.ok2xx)} measured + ` +
      `returning ${int(returning.warmup.ok2xx)} warm-up + ${int(returning.result.ok2xx)} measured + ` +
      `first decisions of rounds 2–${RATIO_ROUNDS} ${int(roundDecisions2xx)})${inFlightNote}; ` +
      `${int(okKeys.size)} distinct Idempotency-Keys answered 2xx: ${int(okMissing)} missing from the ledger, ${int(duplicated)} duplicated, ${int(replayed)} replays.`,
  );
  if (okKeys.size !== post2xx) failures.push(`${int(post2xx)} 2xx POSTs but only ${int(okKeys.size)} distinct Idempotency-Keys: keys were reused`);
  if (okMissing > 0) failures.push(`${int(okMissing)} POSTs answered 2xx have no ledger row`);
  if (replayed > 0) failures.push(`${int(replayed)} POSTs were answered as replays: Idempotency-Keys were reused`);
  if (foreignRows > 0) failures.push(`${int(foreignRows)} ledger rows carry a key the bench never sent`);
  if (duplicated !== 0) failures.push(`COUNT(*) says ${rows} rows but ${ledgerKeys.size} keys were read: ${duplicated} duplicated`);

  notes.push(
    "",
    "Cost per decision, as the code documents it (worker/consent/decisions.ts, worker/consent/store/ledger.ts, worker/consent/visitor-record.ts):",
    "  first decision: 1 rate-limit check; 1 D1 batch (INSERT … RETURNING, webhook outbox gated on an endpoint) writing 1 ledger row;",
    "    no KV operation (KV holds records once they are read); no SITES read while the site memo is warm.",
    "  returning visitor, record in KV: the same batch with the revocation check, list statuses and the kept mark;",
    "    1 KV write; 1 D1 read to settle the record.",
    `  Counted: ${int(post2xx - okMissing)} of ${int(post2xx)} 2xx POSTs have exactly 1 ledger row; ` +
      `${int(prefsKeys)} PREFS keys: the ${int(RETURNING_VISITORS)} returning visitors whose record was read (first decisions write none).`,
  );
  if (prefsKeys !== RETURNING_VISITORS) failures.push(`${int(prefsKeys)} PREFS keys, expected ${int(RETURNING_VISITORS)} (one per record read)`);

  // Health ran first and last: the ratios use the mean, so drift during the run affects both sides.
  const base = {
    rps: (health.result.rps + healthAgain.result.rps) / 2,
    p50: (health.result.latencyMs.p50 + healthAgain.result.latencyMs.p50) / 2,
    p90: (health.result.latencyMs.p90 + healthAgain.result.latencyMs.p90) / 2,
    p99: (health.result.latencyMs.p99 + healthAgain.result.latencyMs.p99) / 2,
  };
  const row = (e: Endpoint) => [
    e.label,
    int(e.result.rps),
    ms(e.result.latencyMs.p50),
    ms(e.result.latencyMs.p90),
    ms(e.result.latencyMs.p99),
    ratio(e.result.rps / base.rps),
    ratio(e.result.latencyMs.p50 / base.p50),
  ];
  // The budget's ratio: the median of the rounds (round 1 against the mean of both health runs,
  // each later round against the health run just before it), so one noisy run moves nothing.
  const roundRatios = [consents.result.rps / base.rps, ...rounds.map((r) => r.decisions.result.rps / r.health.result.rps)];
  const decisionRatio = [...roundRatios].sort((a, b) => a - b)[Math.floor(roundRatios.length / 2)]!;
  const overBudget: string[] = [];
  notes.push(
    "",
    `First decision ÷ health, median of ${RATIO_ROUNDS} rounds (${roundRatios.map(ratio).join(", ")}): ${ratio(decisionRatio)} req/s (budget ≥ ${ratio(DECISION_RATIO_BUDGET)}); ` +
      `returning visitor ÷ health: ${ratio(returning.result.rps / base.rps)}.`,
  );
  if (decisionRatio < DECISION_RATIO_BUDGET)
    overBudget.push(`a first decision ran at ${ratio(decisionRatio)} of health's requests per second, under the budget of ${ratio(DECISION_RATIO_BUDGET)}`);

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`;
  const version = autocannonVersion();
  return {
    name: "worker",
    title: "Worker API (workerd via Miniflare, loopback)",
    intro: [
      `Server: ${assent.url.origin}; site "${SITE}", SITE_CACHE_SECONDS=${siteCacheSeconds}, write rate limit raised to 1,000,000 per 10 s; KV and D1 files in ${storage.startsWith("/dev/shm") ? "RAM (/dev/shm)" : storage}.`,
      `Load: autocannon ${version}, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up (not counted) + ${settings.seconds} s measured per endpoint, one endpoint at a time.`,
      `Machine: Node ${process.version}, ${machine}, shared by workerd and the load generator. Latencies are exact (not autocannon's whole-ms histogram).`,
    ],
    table: {
      head: ["endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "req/s ÷ health", "p50 ÷ health"],
      rows: endpoints.map(row),
    },
    notes,
    failures,
    overBudget,
    raw: {
      generatedAt: new Date().toISOString(),
      settings: { ...settings, siteCacheSeconds, maxFailureRate: MAX_FAILURE_RATE },
      environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: machine, autocannon: version },
      endpoints: endpoints.map((e) => ({
        endpoint: e.label,
        ...e.result,
        vsHealth: {
          rps: e.result.rps / base.rps,
          p50: e.result.latencyMs.p50 / base.p50,
          p90: e.result.latencyMs.p90 / base.p90,
          p99: e.result.latencyMs.p99 / base.p99,
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
        duplicated,
        replayed,
        prefsKeys,
      },
      failures,
      decisionRatio,
      roundRatios,
      decisionRatioBudget: DECISION_RATIO_BUDGET,
    },
  };
}

/**
 * The console section of `npm run bench`: how the site owner's console holds up on a big site.
 *
 * - What visitors chose, for 90 days of a site with 1,000,000 decisions: the daily counters
 *   such a site has (90 days × 30 countries × 3 languages × its metrics, the counts summing to a
 *   million decisions and 1.4 million banners shown) are written straight to D1, then
 *   `GET /console/api/sites/{id}/stats` for the 90 days is timed (median of BENCH_RUNS).
 * - The ledger export: 200,000 decisions written straight to D1, then the CSV export of their
 *   range is downloaded and timed; the figure is rows per second (and each row is checked to
 *   arrive once).
 *
 * The Worker runs locally in workerd (createLocalAssent) with KV and D1 in memory; a signed-in
 * session comes from a one-time link, as a person would get one. Reported, not budgeted: the
 * numbers depend on the machine.
 */
import type { LocalAssent } from "../../local/index";
import { createLocalAssent } from "../../local/index";
import { type BenchSection, type BenchSettings, int, ms, positiveNumber } from "./common";

const SITE = "bench-console";
const DECISIONS = 1_000_000;
const DAYS = 90;
const EXPORT_ROWS = 200_000;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Signs the site's owner in with a one-time link; returns the session cookie. */
async function session(assent: LocalAssent): Promise<string> {
  await assent.grantConsole(SITE, "bench@example.com", "owner");
  const link = new URL(await assent.consoleLink("bench@example.com"));
  const res = await fetch(new URL("/console/sign-in", link), {
    method: "POST",
    redirect: "manual",
    headers: { Origin: link.origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: link.searchParams.get("token")! }),
  });
  const cookie = res.headers.get("Set-Cookie")?.split(";")[0];
  if (res.status !== 303 || !cookie) throw new Error(`sign-in answered ${res.status}`);
  return cookie;
}

export async function runConsoleBench(_settings?: BenchSettings): Promise<BenchSection> {
  const runs = positiveNumber("BENCH_RUNS", 7, true);
  const failures: string[] = [];
  let assent: LocalAssent | undefined;
  try {
    process.stderr.write("  console: seeding 90 days of counters and 200,000 ledger rows …\n");
    assent = await createLocalAssent({ sites: [] });
    const demo = (await import("../../examples/sites/demo.json", { with: { type: "json" } })).default as unknown as Record<string, unknown>;
    await assent.pushSite({ ...demo, id: SITE } as never);
    const db = await assent.mf.getD1Database("LEDGER");
    const cells = DAYS * 30 * 3;
    const perCell = DECISIONS / cells;
    await db
      .prepare(
        `INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface, categories,
           policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country,
           gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until)
         WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2)
         SELECT printf('rcpt_%030d', i), ?1, '00000000-0000-4000-8000-000000000000', 'key-' || i, 'h', strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 30) || ' seconds'),
           'accept_all', 'banner', '{"necessary":true,"usage":true}', '1', '2026-01-01', 'fp1-x', 'th1-x', 'bench', 'en', 'opt-in', 'DE', 'DE',
           0, 0, 'Chrome', NULL, '2027-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'
         FROM k`,
      )
      .bind(SITE, EXPORT_ROWS)
      .run();
    // The ledger's trigger counted those rows into the daily counters (migration 0012): start the
    // counters afresh, so the 90 days hold exactly the decisions seeded below.
    await db.prepare(`DELETE FROM stats_daily WHERE site_id = ?1`).bind(SITE).run();
    // 90 days × 30 countries × 3 languages; per cell, decisions summing to 1,000,000 overall.
    await db
      .prepare(
        `INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n)
         WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < ?2 - 1),
           c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < 29),
           l(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM l WHERE k < 2),
           m(name, share) AS (VALUES ('impression', 1.4), ('decision:accept_all', 0.55), ('decision:reject_all', 0.35), ('decision:custom', 0.1),
             ('granted:necessary', 1.0), ('granted:usage', 0.6), ('gpc', 0.05), ('gpc_applied', 0.02))
         SELECT ?1, date('2026-01-01', '+' || i || ' days'), CASE WHEN j < 20 THEN 'opt-in' ELSE 'opt-out' END,
           char(65 + j % 26) || char(65 + j / 26), CASE k WHEN 0 THEN 'en' WHEN 1 THEN 'de' ELSE 'fr' END, name, CAST(ROUND(?3 * share) AS INTEGER)
         FROM d, c, l, m`,
      )
      .bind(SITE, DAYS, perCell)
      .run();
    const cookie = await session(assent);
    const headers = { Cookie: cookie };

    process.stderr.write(`  console: the 90-day query, ${runs} runs; the export …\n`);
    const statsUrl = new URL(`/console/api/sites/${SITE}/stats?from=2026-01-01&to=2026-03-31`, assent.url);
    const times: number[] = [];
    let decisions = 0;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      const res = await fetch(statsUrl, { headers });
      const body = (await res.json()) as { totals: { decisions: number | null }; daily: unknown[] };
      if (!res.ok || body.daily.length !== DAYS) throw new Error(`stats answered ${res.status}`);
      if (i > 0) times.push(performance.now() - t);
      decisions = body.totals.decisions ?? 0;
    }
    if (Math.abs(decisions - DECISIONS) > DECISIONS * 0.01) failures.push(`the 90-day query summed ${decisions} decisions, not about ${DECISIONS}`);

    const t = performance.now();
    const res = await fetch(new URL(`/console/api/sites/${SITE}/ledger/export?from=2026-01-01&to=2026-04-01`, assent.url), { headers });
    const text = await res.text();
    const seconds = (performance.now() - t) / 1000;
    const rows = text.split("\r\n").filter(Boolean).length - 1;
    if (rows !== EXPORT_ROWS) failures.push(`the export had ${rows} rows, not ${EXPORT_ROWS}`);

    return {
      name: "console",
      title: "Console: what visitors chose, and the ledger export, on a big site",
      intro: [`workerd via createLocalAssent, D1 in memory; ${runs} timed runs of the query after one warm-up.`],
      table: {
        head: ["measurement", "figure"],
        rows: [
          [`what visitors chose, 90 days, ${int(decisions)} decisions (${int(cells * 8)} counter rows), median`, `${ms(median(times))} ms`],
          [`ledger export, ${int(EXPORT_ROWS)} rows as CSV`, `${int(rows / seconds)} rows/s (${seconds.toFixed(1)} s, ${int(text.length / 1024)} KB)`],
        ],
      },
      notes: [],
      failures,
      raw: { runs, statsMs: times, decisions, export: { rows, seconds, bytes: text.length } },
    };
  } catch (err) {
    return {
      name: "console",
      title: "Console",
      intro: [],
      table: { head: ["measurement", "figure"], rows: [] },
      notes: [],
      failures: [`the console bench could not run: ${err instanceof Error ? err.message : String(err)}`],
      raw: {},
    };
  } finally {
    await assent?.dispose();
  }
}

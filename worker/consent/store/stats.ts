/**
 * The daily counters behind the console's charts (migrations/0012_stats_daily.sql): every
 * statement that writes or reads them. A counter is a row per site × day × regime × country ×
 * locale × metric holding a number; nothing in it identifies anyone.
 *
 * - A banner impression is counted after bootstrap's response (`countImpression`, in
 *   waitUntil), so counting never slows the banner down; a failed count is logged, not retried.
 * - A decision's counters go in the decision's own D1 batch (`decisionStatsStatement`), guarded
 *   by "this batch created the receipt", so a replay or a refused token counts nothing and a
 *   decision is never recorded without being counted, nor counted without being recorded.
 *
 * Write rate: every counter is an upsert of one row, and rows of the same day and dimensions
 * are the same row, which D1 (one SQLite primary) writes one at a time. A single busy site
 * therefore tops out around the primary's write rate (hundreds of writes per second) — see
 * docs/console.md for what to switch to beyond that.
 */
import type { Env } from "../../env";
import { runNamedBatch } from "../../lib/d1-batch";
import { storage } from "../../lib/errors";

/** The dimensions a counter is kept by. */
export interface StatsKey {
  siteId: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  regime: string;
  country: string | null;
  locale: string;
}

const UPSERT = `ON CONFLICT (site_id, day, regime, country, locale, metric) DO UPDATE SET n = n + 1`;

/** Counts one banner impression. Never throws: counting must not fail a page. */
export async function countImpression(env: Env, k: StatsKey): Promise<void> {
  try {
    await env.LEDGER.prepare(`INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n) VALUES (?1, ?2, ?3, ?4, ?5, 'impression', 1) ${UPSERT}`)
      .bind(k.siteId, k.day, k.regime, k.country ?? "", k.locale)
      .run();
  } catch (err) {
    console.error(`stats: an impression of ${k.siteId} was not counted`, err instanceof Error ? err.message : err);
  }
}

/** The metrics one decision adds to. */
export function decisionMetrics(d: { action: string; categories: Record<string, boolean>; gpc: boolean; gpcApplied: boolean }): string[] {
  return [
    `decision:${d.action}`,
    ...Object.entries(d.categories)
      .filter(([, on]) => on)
      .map(([id]) => `granted:${id}`),
    ...(d.gpc ? ["gpc"] : []),
    ...(d.gpcApplied ? ["gpc_applied"] : []),
  ];
}

/**
 * The statement that counts a decision, for the decision's own batch: one upsert per metric
 * (from a JSON array, in one statement), only when the batch created the receipt `receiptId`.
 */
export function decisionStatsStatement(env: Env, k: StatsKey, metrics: string[], receiptId: string): D1PreparedStatement {
  return env.LEDGER.prepare(
    `INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n)
     SELECT ?1, ?2, ?3, ?4, ?5, m.value, 1 FROM json_each(?6) AS m
     WHERE EXISTS (SELECT 1 FROM ledger WHERE site_id = ?1 AND receipt_id = ?7) ${UPSERT}`,
  ).bind(k.siteId, k.day, k.regime, k.country ?? "", k.locale, JSON.stringify(metrics), receiptId);
}

/** A sum of counters: its group (a day, a regime, a country or a locale), the metric, the total. */
export interface StatsSum {
  key: string;
  metric: string;
  n: number;
}

/** What the console's charts read: sums per day, and per regime, country and locale over the range. */
export interface StatsSums {
  day: StatsSum[];
  regime: StatsSum[];
  country: StatsSum[];
  locale: StatsSum[];
}

/**
 * A site's counters from `from` to `to` (days, inclusive), summed in D1 (one batch, four
 * GROUP BYs over the primary key's range): the Worker gets totals, not rows.
 */
export async function readStats(env: Env, siteId: string, from: string, to: string): Promise<StatsSums> {
  const by = (column: "day" | "regime" | "country" | "locale") =>
    env.LEDGER.prepare(
      `SELECT ${column} AS key, metric, SUM(n) AS n FROM stats_daily WHERE site_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY ${column}, metric ORDER BY ${column}`,
    ).bind(siteId, from, to);
  const r = await runNamedBatch(env.LEDGER, "stats read", [
    ["day", [by("day")]],
    ["regime", [by("regime")]],
    ["country", [by("country")]],
    ["locale", [by("locale")]],
  ]);
  return { day: r.rows<StatsSum>("day"), regime: r.rows<StatsSum>("regime"), country: r.rows<StatsSum>("country"), locale: r.rows<StatsSum>("locale") };
}

/**
 * The daily counters behind the console's charts (migrations/0012_stats_daily.sql): every
 * statement that writes or reads them. A counter is a row per site × day × regime × country ×
 * locale × metric holding a number; nothing in it identifies anyone.
 *
 * - Banner impressions are added up in the isolate's memory and written after a response
 *   (`countImpression`, in waitUntil), at most once per STATS_FLUSH_SECONDS (default 10) per
 *   isolate, as one batch of upserts: a bootstrap costs a counter increment, not a D1 write,
 *   so counting never slows the banner down nor fills D1's write queue. The price: what an
 *   isolate counted in its last window is lost if it is evicted before its next request, and a
 *   failed flush is logged, not retried (impressions are an estimate; decisions are exact).
 * - A decision is counted by the trigger `ledger_counts` (migrations/0012), inside the INSERT
 *   of its ledger row: a replay or a refused token inserts nothing and counts nothing, and a
 *   decision is never recorded without being counted, nor counted without being recorded. The
 *   decision's batch has no statement more for it.
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

/** Impressions counted in this isolate and not yet written, by their dimensions. */
const pending = new Map<string, { key: StatsKey; n: number }>();
let lastFlush = 0;
/** Distinct dimension sets kept in memory at most; a flush is forced beyond it. */
const MAX_PENDING_KEYS = 500;

/**
 * Counts one banner impression in memory, and returns the write of what is pending when it is
 * due (the window passed, or too many distinct dimensions), else null. Never throws.
 */
export function countImpression(env: Env, k: StatsKey, now = Date.now()): Promise<void> | null {
  const id = `${k.siteId}\u0000${k.day}\u0000${k.regime}\u0000${k.country ?? ""}\u0000${k.locale}`;
  const entry = pending.get(id);
  if (entry) entry.n++;
  else pending.set(id, { key: k, n: 1 });
  const windowMs = Number(env.STATS_FLUSH_SECONDS ?? "10") * 1000;
  if (now - lastFlush < windowMs && pending.size < MAX_PENDING_KEYS) return null;
  lastFlush = now;
  const batch = [...pending.values()];
  pending.clear();
  return env.LEDGER.batch(
    batch.map(({ key, n }) =>
      env.LEDGER.prepare(
        `INSERT INTO stats_daily (site_id, day, regime, country, locale, metric, n) VALUES (?1, ?2, ?3, ?4, ?5, 'impression', ?6)
         ON CONFLICT (site_id, day, regime, country, locale, metric) DO UPDATE SET n = n + excluded.n`,
      ).bind(key.siteId, key.day, key.regime, key.country ?? "", key.locale, n),
    ),
  ).then(
    () => undefined,
    (err: unknown) => console.error(`stats: ${batch.reduce((t, b) => t + b.n, 0)} impressions were not counted`, err instanceof Error ? err.message : err),
  );
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

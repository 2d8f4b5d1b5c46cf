/**
 * What visitors chose, for the console's charts, from the daily counters
 * (worker/consent/store/stats.ts), never from ledger rows:
 *
 * - `GET /sites/{siteId}/stats?from=&to=` (any role; days, inclusive, UTC; default the last 30
 *   days; at most 366): impressions and decisions per day; totals with "no answer"
 *   (impressions without a decision that day), accept all / reject all / custom / withdraw,
 *   each optional category's share of decisions that granted it, GPC's share and how often it
 *   changed something; and the same by regime, country and language.
 * - `GET /sites/{siteId}/stats/export?from=&to=&view=daily|regime|country|locale`: one of
 *   those tables as CSV.
 *
 * Small numbers are not shown: any count from 1 to 9 is `null` ("fewer than 10"), and so is a
 * rate whose count is, so that no figure can single out a visitor.
 */
import { Hono } from "hono";
import * as z from "zod";
import { type StatsSum, readStats } from "../consent/store/stats";
import { parseConsoleQuery } from "../lib/errors";
import { loadSite } from "../sites/store";
import { type ConsoleEnv, requireRole } from "./auth";
import { csvField } from "../lib/csv";

/** Counts below this (and above 0) are not shown. */
export const SMALL_COUNT = 10;
/** The longest range one query covers. */
export const MAX_STATS_DAYS = 366;

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

const StatsQuery = z
  .strictObject({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    view: z.enum(["daily", "regime", "country", "locale"]).default("daily"),
  })
  .transform((q) => {
    const to = q.to ?? iso(Date.now());
    return { from: q.from ?? iso(Date.parse(to) - 29 * DAY), to, view: q.view };
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / DAY < MAX_STATS_DAYS, { message: `a range covers at most ${MAX_STATS_DAYS} days`, path: ["to"] });

/** A count as shown: null when it is small enough to single someone out. */
export const shown = (n: number): number | null => (n > 0 && n < SMALL_COUNT ? null : n);
/** A share as shown: null when its count is not shown, or there is nothing to divide by. */
const share = (part: number, whole: number): number | null => (shown(part) === null || whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

const ACTIONS = ["accept_all", "reject_all", "custom", "withdraw"] as const;

/** The figures of one group (a day, a regime, a country, a language), from its metric sums. */
function figures(sums: Map<string, number>, categories: string[]) {
  const get = (m: string) => sums.get(m) ?? 0;
  const decisions = ACTIONS.reduce((t, a) => t + get(`decision:${a}`), 0);
  const impressions = get("impression");
  return {
    impressions: shown(impressions),
    decisions: shown(decisions),
    noAnswer: shown(Math.max(0, impressions - decisions)),
    actions: Object.fromEntries(ACTIONS.map((a) => [a, shown(get(`decision:${a}`))])) as Record<(typeof ACTIONS)[number], number | null>,
    granted: Object.fromEntries(categories.map((c) => [c, shown(get(`granted:${c}`))])),
    grantedShare: Object.fromEntries(categories.map((c) => [c, share(get(`granted:${c}`), decisions)])),
    gpc: shown(get("gpc")),
    gpcShare: share(get("gpc"), decisions),
    gpcApplied: shown(get("gpc_applied")),
    acceptAllShare: share(get("decision:accept_all"), decisions),
  };
}
type Figures = ReturnType<typeof figures>;

/** Groups metric sums by key. */
function grouped(rows: StatsSum[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const g = out.get(r.key) ?? new Map<string, number>();
    g.set(r.metric, (g.get(r.metric) ?? 0) + r.n);
    out.set(r.key, g);
  }
  return out;
}

async function stats(env: ConsoleEnv["Bindings"], siteId: string, from: string, to: string) {
  const { config } = await loadSite(env, siteId);
  const categories = config.categories.filter((c) => !c.required).map((c) => c.id);
  const sums = await readStats(env, siteId, from, to);
  const days = grouped(sums.day);
  const all = new Map<string, number>();
  for (const r of sums.day) all.set(r.metric, (all.get(r.metric) ?? 0) + r.n);
  const daily: (Figures & { day: string })[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY) daily.push({ day: iso(t), ...figures(days.get(iso(t)) ?? new Map(), categories) });
  const by = (rows: StatsSum[]) => [...grouped(rows)].map(([key, m]) => ({ key: key || "unknown", ...figures(m, categories) }));
  return { from, to, categories, totals: figures(all, categories), daily, regime: by(sums.regime), country: by(sums.country), locale: by(sums.locale) };
}

/** The rows of one view as CSV, with "<10" for what is not shown. */
function csv(view: "daily" | "regime" | "country" | "locale", s: Awaited<ReturnType<typeof stats>>): string {
  const rows = view === "daily" ? s.daily.map(({ day, ...f }) => ({ key: day, ...f })) : s[view];
  const head = [view === "daily" ? "day" : view, "impressions", "decisions", "noAnswer", ...ACTIONS, ...s.categories.map((c) => `granted:${c}`), "gpc", "gpcApplied"];
  const cell = (n: number | null) => (n === null ? "<10" : String(n));
  const lines = rows.map((r) =>
    [csvField(r.key), cell(r.impressions), cell(r.decisions), cell(r.noAnswer), ...ACTIONS.map((a) => cell(r.actions[a])), ...s.categories.map((c) => cell(r.granted[c] ?? 0)), cell(r.gpc), cell(r.gpcApplied)].join(","),
  );
  return `${head.join(",")}\r\n${lines.map((l) => `${l}\r\n`).join("")}`;
}

export const statsApi = new Hono<ConsoleEnv>()
  .get("/sites/:siteId/stats", requireRole("viewer"), async (c) => {
    const q = parseConsoleQuery(StatsQuery, c.req.query());
    return c.json(await stats(c.env, c.req.param("siteId"), q.from, q.to));
  })
  .get("/sites/:siteId/stats/export", requireRole("viewer"), async (c) => {
    const q = parseConsoleQuery(StatsQuery, c.req.query());
    const siteId = c.req.param("siteId");
    const body = csv(q.view, await stats(c.env, siteId, q.from, q.to));
    return c.body(body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="assent-${siteId}-${q.view}-${q.from}-${q.to}.csv"`,
    });
  });

/**
 * What visitors chose, without tracking anyone: banner impressions counted after bootstrap's
 * response (not a returning visitor's background check), decisions counted in the decision's
 * own transaction (exactly once, also under 50 at once, never for a replay), the console's
 * figures with small counts hidden, and its CSV.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { BASE, ORIGIN, decisionBody, expectProblem, freshSite, postDecision } from "./helpers";

const today = () => new Date().toISOString().slice(0, 10);

async function counters(siteId: string): Promise<Record<string, number>> {
  const { results } = await env.LEDGER.prepare(`SELECT metric, SUM(n) AS n FROM stats_daily WHERE site_id = ?1 GROUP BY metric`).bind(siteId).all<{ metric: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.metric, r.n]));
}

const bootstrap = (siteId: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${BASE}/v1/sites/${siteId}/bootstrap?lang=en`, { headers: { Origin: ORIGIN, ...headers } }));

/** Waits for the counters the Worker writes after its responses. */
async function until(siteId: string, check: (c: Record<string, number>) => boolean): Promise<Record<string, number>> {
  for (let i = 0; i < 50; i++) {
    const c = await counters(siteId);
    if (check(c)) return c;
    await new Promise((r) => setTimeout(r, 20));
  }
  return counters(siteId);
}

describe("counting", () => {
  it("a bootstrap is an impression; a returning visitor's background check (no-cache) is not", async () => {
    const site = await freshSite();
    for (let i = 0; i < 3; i++) expect((await bootstrap(site.id)).status).toBe(200);
    expect((await bootstrap(site.id, { "Cache-Control": "no-cache", Pragma: "no-cache" })).status).toBe(200);
    expect(await until(site.id, (c) => c.impression === 3)).toEqual({ impression: 3 });
    const { results } = await env.LEDGER.prepare(`SELECT day, regime, country, locale FROM stats_daily WHERE site_id = ?1`).bind(site.id).all();
    // Nothing per visitor: the dimensions only.
    expect(results).toEqual([{ day: today(), regime: "opt-in", country: "", locale: "en" }]);
  });

  it("fifty decisions at once are fifty, by action and category; a replay counts nothing", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postDecision(site.id, decisionBody(site, i % 2 ? { action: "accept_all" } : { action: "reject_all" }), i === 0 ? { idempotencyKey: key } : {}),
      ),
    );
    expect(answers.every((r) => r.status === 201)).toBe(true);
    const replay = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { idempotencyKey: key });
    expect(((await replay.json()) as { replayed: boolean }).replayed).toBe(true);
    expect(await counters(site.id)).toEqual({ "decision:accept_all": 25, "decision:reject_all": 25, "granted:necessary": 50, "granted:usage": 25 });
  });
});

describe("the console's figures", () => {
  it("shows totals, shares and days, hides counts under 10, and exports them as CSV", async () => {
    const site = await freshSite();
    for (let i = 0; i < 30; i++) await bootstrap(site.id);
    for (let i = 0; i < 12; i++) expect((await postDecision(site.id, decisionBody(site, { action: "accept_all" }))).status).toBe(201);
    for (let i = 0; i < 10; i++) expect((await postDecision(site.id, decisionBody(site, { action: "reject_all" }))).status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage: false } }))).status).toBe(201);
    await until(site.id, (c) => c.impression === 30);
    const viewer = freshEmail();
    await grant(site.id, viewer, "viewer");
    const v = await signIn(viewer);

    const res = await consoleCall(v, `/api/sites/${site.id}/stats?from=${today()}&to=${today()}`);
    expect(res.status).toBe(200);
    const s = (await res.json()) as { categories: string[]; totals: Record<string, unknown>; daily: { day: string }[]; regime: { key: string }[] };
    expect(s.categories).toEqual(["usage"]);
    expect(s.totals).toMatchObject({
      impressions: 30,
      decisions: 25,
      noAnswer: null, // 5: fewer than 10
      actions: { accept_all: 12, reject_all: 10, custom: null, withdraw: 0 },
      granted: { usage: 12 },
      grantedShare: { usage: 0.48 },
      acceptAllShare: 0.48,
      gpc: 0,
    });
    expect(s.daily.map((d) => d.day)).toEqual([today()]);
    expect(s.regime.map((r) => r.key)).toEqual(["opt-in"]);

    const csv = await consoleCall(v, `/api/sites/${site.id}/stats/export?from=${today()}&to=${today()}&view=daily`);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("day,impressions,decisions,noAnswer,accept_all,reject_all,custom,withdraw,granted:usage,gpc,gpcApplied");
    expect(lines[1]).toBe(`${today()},30,25,<10,12,10,<10,0,12,0,0`);
  });

  it("refuses a bad range, and shows a stranger nothing", async () => {
    const site = await freshSite();
    const viewer = freshEmail();
    await grant(site.id, viewer, "viewer");
    const v = await signIn(viewer);
    for (const q of ["from=2026-02-01&to=2026-01-01", "from=2020-01-01&to=2026-01-01", "from=yesterday", "view=daily&x=1"])
      await expectProblem(await consoleCall(v, `/api/sites/${site.id}/stats?${q}`), 422, "invalid_query");
    const days = ((await (await consoleCall(v, `/api/sites/${site.id}/stats`)).json()) as { daily: unknown[] }).daily;
    expect(days).toHaveLength(30);
    const stranger = freshEmail();
    await grant((await freshSite()).id, stranger, "owner");
    await expectProblem(await consoleCall(await signIn(stranger), `/api/sites/${site.id}/stats`), 404, "not_found");
  });
});

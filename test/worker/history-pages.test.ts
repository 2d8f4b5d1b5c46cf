/**
 * Reading history past the hot window (#13): every page of `/me/receipts` and of the console's
 * search reads at most PAGE_SEGMENTS archived segments (a day of the site's ledger each, up to
 * about a megabyte), so a long history is more pages, never one long read; paging finds every
 * decision once, in order; the export still has them all, and a rights request's access document
 * all it can hold, saying when there are more; and a day's segment is fetched once by
 * a search that scans on through it, and by an export page after page. The archive's reads are
 * counted on the real bucket. Real D1, R2 and KV through Miniflare.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allDecisions, listDecisions } from "../../worker/consent/store/ledger";
import { type LedgerCursor, type LedgerFilter, ledgerRange, searchLedger } from "../../worker/consent/store/ledger-search";
import type { ConsentResponse, ExportDocument, ReceiptsResponse } from "../../worker/contract";
import { type LastSegment, PAGE_SEGMENTS } from "../../worker/proof/archived-rows";
import { linkPending } from "../../worker/proof/chaining";
import { decisionsOf } from "../../worker/rights/access";
import { evictPastWindow } from "../../worker/proof/evict";
import { sealDays } from "../../worker/proof/seal";
import { decisionBody, freshSite, getMe, newVisitor, postDecision } from "./helpers";

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY);

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).bind(...binds).first<{ n: number }>())!.n;
}

/** `env` with its archive's reads counted (the real bucket underneath). */
function countingEnv() {
  const reads: string[] = [];
  const archive = new Proxy(env.ARCHIVE, {
    get(target, prop) {
      if (prop === "get") return (key: string) => (reads.push(key), target.get(key));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...env, ARCHIVE: archive } as typeof env, reads };
}

async function json<T>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/**
 * A visitor's `days` decisions, each linked into the chain on a day of its own (the days before
 * last week), sealed and moved out of D1: one archived segment per decision, the latest kept in
 * D1 as well (it still counts).
 */
async function historyOverDays(days: number) {
  const site = await freshSite();
  const first = await newVisitor(site, { action: "accept_all" });
  expect((await linkPending(env, 10_000, at(-days - 7))).linked).toBe(1);
  const ids = [first.receipt.id];
  for (let k = 1; k < days; k++) {
    const res = await postDecision(site.id, decisionBody(site, { action: k % 2 ? "reject_all" : "accept_all" }), { token: first.token! });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as ConsentResponse).receipt.id);
    expect((await linkPending(env, 10_000, at(-days - 7 + k))).linked).toBe(1);
  }
  expect((await sealDays(env, at(1))).segments).toBe(days);
  expect((await evictPastWindow(env, at(1), { hotDays: 1 })).segments).toBe(days);
  // The latest decision still counts, so it stays in D1 too (a hot copy): the others are archived only.
  expect(await count(`SELECT 1 FROM ledger WHERE site_id = ?`, site.id)).toBe(1);
  expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ? AND hot = 0`, site.id)).toBe(days - 1);
  return { site, token: first.token!, visitorId: first.visitorId, ids };
}

/**
 * A visitor's `count` decisions, the oldest a rejection and the others acceptances, all linked on
 * one past day: one segment, sealed and moved out of D1 (the latest kept in D1 as well).
 */
async function historyInOneDay(count: number) {
  const site = await freshSite();
  const first = await newVisitor(site, { action: "reject_all" });
  const ids = [first.receipt.id];
  for (let k = 1; k < count; k++) {
    const res = await postDecision(site.id, decisionBody(site, { action: "accept_all" }), { token: first.token! });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as ConsentResponse).receipt.id);
  }
  expect((await linkPending(env, 10_000, at(-10))).linked).toBe(count);
  expect((await sealDays(env, at(1))).segments).toBe(1);
  expect((await evictPastWindow(env, at(1), { hotDays: 1 })).segments).toBe(1);
  return { site, ids, visitorId: first.visitorId };
}

describe("a visitor's history over many archived days", () => {
  it("a history over ten days, nine of them only in the archive: a page of receipts reads at most eight segments and says where the rest starts; the export has every receipt", async () => {
    const { site, token, ids } = await historyOverDays(10);
    const page1 = await json<ReceiptsResponse>(await getMe(site.id, token, "/receipts"));
    expect(page1.receipts.map((r) => r.id)).toEqual(ids.slice(0, PAGE_SEGMENTS));
    expect(page1.next).toMatch(/^\d+$/);
    const page2 = await json<ReceiptsResponse>(await getMe(site.id, token, `/receipts?cursor=${page1.next}`));
    expect(page2.receipts.map((r) => r.id)).toEqual(ids.slice(PAGE_SEGMENTS));
    expect(page2.next).toBeNull();
    const exported = await json<ExportDocument>(await getMe(site.id, token, "/export"));
    expect(exported.receipts.map((r) => r.id)).toEqual(ids);
  });

  it("paging a visitor's archived history finds each decision once in order, no page over its row or segment limit (property)", async () => {
    const { site, visitorId, ids } = await historyOverDays(7);
    const segmentOf = new Map(
      (await env.LEDGER.prepare(`SELECT receipt_id, seal_position FROM ledger_archived WHERE site_id = ? AND hot = 0`).bind(site.id).all<{ receipt_id: string; seal_position: number }>()).results.map(
        (r) => [r.receipt_id, r.seal_position],
      ),
    );
    expect(new Set(ids.slice(0, -1).map((id) => segmentOf.get(id))).size).toBe(6);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), async (limit, maxSegments) => {
        const seen: string[] = [];
        let after: number | null = 0;
        for (let pages = 0; pages < 20 && after !== null; pages++) {
          const page = await listDecisions(env, site.id, visitorId, limit, after, maxSegments);
          expect(page.rows.length).toBeGreaterThan(0);
          expect(page.rows.length).toBeLessThanOrEqual(limit);
          // Rows read from D1 (the hot copy) need no segment.
          expect(new Set(page.rows.flatMap((r) => segmentOf.get(r.receipt.id) ?? [])).size).toBeLessThanOrEqual(maxSegments);
          seen.push(...page.rows.map((r) => r.receipt.id));
          after = page.next;
        }
        expect(seen).toEqual(ids);
      }),
      { numRuns: 25 },
    );
  });


  it("a rights request's access document holds a browser's decisions up to its cap and says when there are more, never silently fewer", async () => {
    const { site, visitorId, ids } = await historyOverDays(7);
    // The real cap, 50 pages of 200, on a history that fits: all of it, and complete.
    expect(await decisionsOf(env, site.id, visitorId)).toEqual({ receipts: ids.map((id) => expect.objectContaining({ id })), complete: true });
    // Caps that cut it, and the caps it just fills (a full last page is still the last).
    for (const [page, maxPages] of [[2, 3], [3, 2], [1, 6], [2, 4], [7, 1], [1, 7]] as const) {
      const { receipts, complete } = await decisionsOf(env, site.id, visitorId, { page, maxPages });
      const held = Math.min(ids.length, page * maxPages);
      expect(receipts.map((r) => r.id)).toEqual(ids.slice(0, held));
      expect(complete).toBe(held === ids.length);
    }
  });

  it("the console's search over ten days: a page reads at most eight segments, also when its filter drops what it read, and paging finds every decision once", async () => {
    const { site, ids } = await historyOverDays(10);
    const actions = ids.map((_, k) => (k % 2 ? "reject_all" : "accept_all"));
    for (const filter of [{}, { action: "reject_all" as const }, { action: "accept_all" as const }] satisfies LedgerFilter[]) {
      const seen: string[] = [];
      let before: LedgerCursor | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const counted = countingEnv();
        const page = await searchLedger(counted.env, site.id, filter, before, 20);
        expect(new Set(counted.reads).size).toBeLessThanOrEqual(PAGE_SEGMENTS);
        seen.push(...page.entries.map((e) => e.decision.receipt.id));
        if (!page.next) break;
        before = page.next;
      }
      const want = ids.filter((_, k) => !filter.action || actions[k] === filter.action).reverse();
      expect(seen).toEqual(want);
    }
    // Nine archived days, eight a page: the first page stops one short of them.
    const first = await searchLedger(env, site.id, {}, null, 20);
    expect(first.entries.map((e) => e.decision.receipt.id)).toEqual([...ids].reverse().slice(0, 1 + PAGE_SEGMENTS));
    expect(first.next).not.toBeNull();
  });

  it("a search that reads on past what its filter drops, and an export page after page, fetch a day's segment once", async () => {
    const { site, ids, visitorId } = await historyInOneDay(7);
    // Pages of two, newest first: three batches of the one segment before the rejection turns up.
    const search = countingEnv();
    const page = await searchLedger(search.env, site.id, { action: "reject_all" }, null, 2);
    expect(page.entries.map((e) => e.decision.receipt.id)).toEqual([ids[0]]);
    expect(search.reads).toHaveLength(1);

    const exported = countingEnv();
    const last: LastSegment = {};
    const seen: string[] = [];
    let after: LedgerCursor | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const rows = await ledgerRange(exported.env, site.id, "2000-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z", after, 2, last);
      seen.push(...rows.map((e) => e.decision.receipt.id));
      if (rows.length < 2) break;
      after = rows.at(-1)!.cursor;
    }
    expect(seen).toEqual(ids);
    expect(exported.reads).toHaveLength(1);

    // The visitor's own history, in pages of two (the export, a rights request's access document).
    const own = countingEnv();
    const all = await allDecisions(own.env, site.id, visitorId, 2);
    expect(all.rows.map((r) => r.receipt.id)).toEqual(ids);
    expect(all.complete).toBe(true);
    expect(own.reads).toHaveLength(1);
  });
});

describe("a retry past the hot window", () => {
  it("a retry of a visitor's latest decision after its day left D1 is a replay (the hot copy keeps its key): its first receipt, no second row or webhook event", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    expect((await linkPending(env, 10_000, at(-30))).linked).toBe(1);
    // The browser's latest decision, whose answer was lost: it is still pending there.
    const key = crypto.randomUUID();
    const reject = decisionBody(site, { action: "reject_all" });
    const lost = await json<ConsentResponse>(await postDecision(site.id, reject, { token: first.token!, idempotencyKey: key }));
    expect((await linkPending(env, 10_000, at(-29))).linked).toBe(1);
    expect((await sealDays(env, at(1))).segments).toBe(2);
    expect((await evictPastWindow(env, at(1), { hotDays: 1 })).segments).toBe(2);
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ? AND hot = 1`, site.id)).toBe(1);
    const rows = () => count(`SELECT receipt_id FROM ledger WHERE site_id = ?1 UNION SELECT receipt_id FROM ledger_archived WHERE site_id = ?1`, site.id);
    const events = () => count(`SELECT 1 FROM webhook_events WHERE site_id = ?`, site.id);
    const before = { rows: await rows(), events: await events() };
    expect(before.rows).toBe(2);

    // The visitor comes back months later, and the browser retries it.
    const retry = await json<ConsentResponse>(await postDecision(site.id, reject, { token: first.token!, idempotencyKey: key }));
    expect(retry.replayed).toBe(true);
    expect(retry.receipt).toEqual(lost.receipt);
    expect({ rows: await rows(), events: await events() }).toEqual(before);
    // Another decision with that key is refused, as for any row in D1.
    const reused = await postDecision(site.id, decisionBody(site), { token: first.token!, idempotencyKey: key });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { code: string }).code).toBe("idempotency_key_reused");
    expect({ rows: await rows(), events: await events() }).toEqual(before);
  });
});


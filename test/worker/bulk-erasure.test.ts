/**
 * "Erase every visitor of my site": `POST /v1/sites/{siteId}/admin/visitors/erase-all`, one
 * bounded chunk per call, resumed by cursor until done (R6.5, R6.6, R9.2); and the KV page walk
 * under it (worker/lib/kv-pages.ts), against a fake namespace that returns what real KV may:
 * an empty page that is not the last.
 *
 * The large case seeds 2,500 KV records straight into the binding (through the API it would take
 * minutes) and sends every call through counting wrappers of both KV namespaces and of D1, so
 * the budgets are checked on what the whole request issued, the site config read and the webhook
 * delivery after the answer included.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EraseAllVisitorsResponse, Preferences } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { KV_OPERATIONS_PER_INVOCATION, KvBudget, type KvLister, walkKvPages } from "../../worker/lib/kv-pages";
import { confirmToken, outboxRows, postConfirm, postSignup, signupBody } from "./email-helpers";
import { captureStorageFaults, envWith, failing, fetchWith } from "./fault-helpers";
import { BASE, auth, call, decisionBody, expectProblem, freshSite, getMe, insertApiKey, ledgerRows, newVisitor, postDecision, prefKeys } from "./helpers";
import { settled, siteWithEndpoint, storedEvents, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();
const expectStorageFault = captureStorageFaults();

// ---------------------------------------------------------------------------------------------
// The page walk, against a fake namespace

/** A fake KV `list` over sorted key names; pages are scripted or cut by `limit`. */
function fakeKv(names: string[], script?: (call: number) => { keys: string[]; complete: boolean } | undefined) {
  const calls: KVNamespaceListOptions[] = [];
  const sorted = [...names].sort();
  const kv: KvLister = {
    list: (async (options: KVNamespaceListOptions = {}) => {
      calls.push({ ...options });
      const scripted = script?.(calls.length);
      if (scripted) {
        const keys = scripted.keys.map((name) => ({ name }));
        return scripted.complete
          ? { keys, list_complete: true, cacheStatus: null }
          : { keys, list_complete: false, cursor: `c${calls.length}`, cacheStatus: null };
      }
      const from = options.cursor ? Number(options.cursor) : 0;
      const matching = sorted.filter((n) => n.startsWith(options.prefix ?? ""));
      const page = matching.slice(from, from + (options.limit ?? 1000));
      const next = from + page.length;
      return next >= matching.length
        ? { keys: page.map((name) => ({ name })), list_complete: true, cacheStatus: null }
        : { keys: page.map((name) => ({ name })), list_complete: false, cursor: String(next), cacheStatus: null };
    }) as KVNamespace["list"],
  };
  return { kv, calls };
}

describe("walkKvPages: KV pages walked to list_complete, within a budget (R6.5, R6.6)", () => {
  it("an empty page with list_complete false is not the end: the walk goes on with its cursor and the same prefix (R6.5)", async () => {
    const pages = [
      { keys: ["p:a", "p:b"], complete: false },
      { keys: [], complete: false },
      { keys: [], complete: false },
      // A key outside the prefix (real KV never returns one) is not handed over either.
      { keys: ["p:c", "pq:x"], complete: true },
    ];
    const { kv, calls } = fakeKv([], (n) => pages[n - 1]);
    const seen: string[] = [];
    const walk = await walkKvPages(kv, { prefix: "p:", budget: new KvBudget(1000), maxKeys: 100, opsPerKey: 1, onPage: async (names) => void seen.push(...names) });
    expect(walk).toEqual({ complete: true, cursor: null, keys: 3, pages: 4 });
    expect(seen).toEqual(["p:a", "p:b", "p:c"]);
    expect(calls.map((c) => c.prefix)).toEqual(["p:", "p:", "p:", "p:"]);
    expect(calls.map((c) => c.cursor)).toEqual([undefined, "c1", "c2", "c3"]);
  });

  it("stops when the budget runs out, returns where it stopped, and the next walk from there finishes the keys (R6.6)", async () => {
    const names = Array.from({ length: 25 }, (_, i) => `site:a:${String(i).padStart(3, "0")}`);
    const { kv, calls } = fakeKv([...names, "site:ab:000", "other:1"]);
    const seen: string[] = [];
    const walks = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const budget = new KvBudget(10);
      // The caller spends one operation per key (a delete), as the bulk erasure does.
      const walk = await walkKvPages(kv, {
        prefix: "site:a:",
        cursor,
        budget,
        maxKeys: 100,
        opsPerKey: 1,
        onPage: async (page) => {
          expect(budget.take(page.length)).toBe(true);
          seen.push(...page);
        },
      });
      expect(budget.spent).toBeLessThanOrEqual(10);
      walks.push(walk);
      if (walk.complete) break;
      cursor = walk.cursor;
    }
    // 9 keys per walk (one operation goes to the list call): 9 + 9 + 7, each walk under budget.
    expect(walks.map((w) => [w.keys, w.complete])).toEqual([[9, false], [9, false], [7, true]]);
    expect(seen).toEqual(names);
    expect(calls.every((c) => c.prefix === "site:a:")).toBe(true);
  });

  it("a run of empty pages longer than the budget: stops at the budget with a cursor, never over it (R6.6)", async () => {
    const { kv, calls } = fakeKv([], (n) => (n < 50 ? { keys: [], complete: false } : { keys: ["p:z"], complete: true }));
    const budget = new KvBudget(20);
    const walk = await walkKvPages(kv, { prefix: "p:", budget, maxKeys: 10, opsPerKey: 1, onPage: async () => {} });
    expect(walk).toEqual({ complete: false, cursor: "c19", keys: 0, pages: 19 });
    expect(budget.spent).toBe(19); // the 20th operation is kept for a key the next page may hold
    const rest = await walkKvPages(kv, { prefix: "p:", cursor: walk.cursor, budget: new KvBudget(1000), maxKeys: 10, opsPerKey: 1, onPage: async () => {} });
    expect(rest).toMatchObject({ complete: true, keys: 1 });
    expect(calls[19]!.cursor).toBe("c19");
  });
});

// ---------------------------------------------------------------------------------------------
// The endpoint

interface Counted {
  env: Env;
  /** Every KV call, in order: `PREFS.list`, `SITES.get`, … */
  ops: string[];
  /** The prefix of every PREFS list call. */
  listPrefixes: (string | null | undefined)[];
  /** D1 statements prepared: each is run once, alone or in a batch, and D1 counts each as a query. */
  d1: { statements: number };
}

/** The real env with both KV namespaces counting every call that reaches them, and D1 its statements. */
function countingEnv(): Counted {
  const ops: string[] = [];
  const listPrefixes: (string | null | undefined)[] = [];
  const d1 = { statements: 0 };
  const ledger = new Proxy(env.LEDGER, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (query: string) => (d1.statements++, target.prepare(query));
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  const wrap = (name: string, kv: KVNamespace): KVNamespace =>
    new Proxy(kv, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          ops.push(`${name}.${String(prop)}`);
          if (name === "PREFS" && prop === "list") listPrefixes.push((args[0] as KVNamespaceListOptions | undefined)?.prefix);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { env: envWith({ PREFS: wrap("PREFS", env.PREFS), SITES: wrap("SITES", env.SITES), LEDGER: ledger }), ops, listPrefixes, d1 };
}

function eraseAllRequest(siteId: string, key: string, body: unknown): Request {
  return new Request(`${BASE}/v1/sites/${siteId}/admin/visitors/erase-all`, {
    method: "POST",
    headers: { ...auth(key), "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const eraseAll = (siteId: string, key: string, body: unknown) => call(`/v1/sites/${siteId}/admin/visitors/erase-all`, {
  method: "POST",
  headers: { ...auth(key), "Content-Type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** A KV record as the Worker writes it, for a visitor with no D1 data (seeded directly). */
function seededRecord(siteId: string, visitorId: string): string {
  const at = new Date().toISOString();
  const record: Preferences = {
    siteId, visitorId, categories: { necessary: true, usage: false }, action: "reject_all", gpc: false, policyFingerprint: "seeded",
    policyVersion: "1", receiptId: `rcpt_${visitorId.slice(0, 8)}`, version: 1, updatedAt: at, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), lists: {},
  };
  return JSON.stringify(record);
}

/** Puts `count` records of fresh visitors straight into PREFS (in parallel groups); returns their ids. */
async function seedRecords(siteId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  const expiration = Math.floor(Date.now() / 1000) + 86_400;
  for (let i = 0; i < ids.length; i += 100)
    await Promise.all(ids.slice(i, i + 100).map((id) => env.PREFS.put(`pref:v1:${siteId}:${id}`, seededRecord(siteId, id), { expiration })));
  return ids;
}

/** Every PREFS key of a site, however many (the test's own walk, straight on the binding). */
async function allPrefKeys(siteId: string): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.PREFS.list({ prefix: `pref:v1:${siteId}:`, ...(cursor ? { cursor } : {}) });
    names.push(...page.keys.map((k) => k.name));
    if (page.list_complete) return names;
    cursor = page.cursor;
  }
}

const count = async (sql: string, ...binds: unknown[]) => (await env.LEDGER.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

/** Rows naming the site's visitors in every table an erasure clears. */
async function visitorRows(siteId: string): Promise<Record<string, number>> {
  const tables = ["ledger", "kv_records", "subjects", "subscription_links", "signup_requests"];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await count(`SELECT COUNT(*) AS n FROM ${t} WHERE site_id = ?1 AND visitor_id IS NOT NULL`, siteId);
  return out;
}
const NONE = { ledger: 0, kv_records: 0, subjects: 0, subscription_links: 0, signup_requests: 0 };

describe("erase-all: every visitor of a site, in chunks of ≤ 1,000 KV operations, resumed by cursor (R6.5, R6.6, R9.2)", () => {
  // About 10–13 s on a 2-core machine shared with other test runs (seeding the 2,500 records is a
  // third of it); the timeout leaves room for a slower CI runner.
  it("2,500 KV records and visitors only D1 knows: ≥ 3 pages, every call under budget, nothing of the site left, the other site untouched", async () => {
    const site = await freshSite();
    // A site whose id starts with the first one's: `pref:v1:{id}:` must not reach its keys.
    const other = await freshSite((c) => void (c.id = `${site.id}2`));
    const key = (await insertApiKey(site.id)).secret;

    await seedRecords(site.id, 2500);
    // Visitors with D1 data: one never read (D1 only), one read (kept in KV), one with a confirmed signup (a linked address).
    const unread = await newVisitor(site);
    const read = await newVisitor(site);
    expect((await getMe(site.id, read.token!)).status).toBe(200);
    const subscriber = await newVisitor(site);
    const signup = signupBody({ lists: ["blog"] });
    expect((await postSignup(site.id, signup, { headers: auth(subscriber.token!) })).status).toBe(202);
    expect((await postConfirm(site.id, confirmToken((await outboxRows(site.id)).find((m) => m.to_address === signup.email.toLowerCase())!, site.id))).status).toBe(200);
    const otherSeeded = await seedRecords(other.id, 30);
    const otherVisitor = await newVisitor(other);
    expect((await getMe(other.id, otherVisitor.token!)).status).toBe(200);
    const otherKeysBefore = await allPrefKeys(other.id);
    const otherLedgerBefore = await ledgerRows(other.id);

    const answers: EraseAllVisitorsResponse[] = [];
    const perCall: number[] = [];
    const d1PerCall: number[] = [];
    const prefixes: (string | null | undefined)[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const counted = countingEnv();
      const res = await fetchWith(eraseAllRequest(site.id, key, { confirm: site.id, cursor, limit: 50 }), counted.env);
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as EraseAllVisitorsResponse;
      answers.push(body);
      perCall.push(counted.ops.length);
      d1PerCall.push(counted.d1.statements);
      prefixes.push(...counted.listPrefixes);
      if (body.done) break;
      expect(body.cursor).not.toBeNull();
      cursor = body.cursor;
    }

    // Done, with every visitor counted once: 2,500 seeded and the 3 real ones.
    expect(answers.at(-1)).toMatchObject({ done: true, cursor: null });
    expect(answers.reduce((sum, a) => sum + a.erased, 0)).toBe(2503);
    // 50 visitors a call: 50 calls through KV, then the D1-only visitors and the empty last page.
    expect(answers.length).toBeGreaterThanOrEqual(51);
    expect(Math.max(...perCall)).toBeLessThanOrEqual(KV_OPERATIONS_PER_INVOCATION);
    // Bounded D1 work too: under the 1,000 queries a Workers Paid invocation may make.
    expect(Math.max(...d1PerCall)).toBeLessThanOrEqual(1000);
    // KV was walked page by page (≥ 3 list calls), always with this site's prefix and its colon.
    expect(prefixes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(prefixes)).toEqual(new Set([`pref:v1:${site.id}:`]));

    // Nothing of the site is left: no KV record, no decision, no link, no mark.
    expect(await allPrefKeys(site.id)).toEqual([]);
    expect(await visitorRows(site.id)).toEqual(NONE);
    for (const v of [unread, read, subscriber]) expect((await getMe(site.id, v.token!)).status).toBe(401);
    // Proof of erasure, as a single erasure keeps it: one record per visitor, no visitor id.
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(2503);
    expect(await count("SELECT COUNT(*) AS n FROM suppressions WHERE site_id = ?1 AND reason = 'erase'", site.id)).toBe(1);

    // The other site keeps everything.
    expect(await allPrefKeys(other.id)).toEqual(otherKeysBefore);
    expect(otherKeysBefore).toHaveLength(otherSeeded.length + 1);
    expect(await ledgerRows(other.id)).toEqual(otherLedgerBefore);
    expect((await getMe(other.id, otherVisitor.token!)).status).toBe(200);
  }, 60_000);
});

describe("erase-all erases each visitor as a single erasure does (R9.2)", () => {
  it("decisions, KV records, links and signup data go; the suppression hash and erasure records stay; one consent.erased per visitor; a second run changes nothing", async () => {
    const { site, key } = await siteWithEndpoint(["consent.erased"]);
    const unread = await newVisitor(site);
    const read = await newVisitor(site);
    await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: read.token! });
    expect((await getMe(site.id, read.token!)).status).toBe(200); // kept in KV from now on
    const subscriber = await newVisitor(site);
    const signup = signupBody({ lists: ["blog"] });
    expect((await postSignup(site.id, signup, { headers: auth(subscriber.token!) })).status).toBe(202);
    expect((await postConfirm(site.id, confirmToken((await outboxRows(site.id)).find((m) => m.to_address === signup.email.toLowerCase())!, site.id))).status).toBe(200);
    // Erased by the visitor before: not erased again, no second event.
    const gone = await newVisitor(site);
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: "http://127.0.0.1:8787", ...auth(gone.token!) } })).status).toBe(200);
    await settled(site.id);
    expect(await prefKeys(site.id)).toEqual([`pref:v1:${site.id}:${read.visitorId}`]);

    const res = await eraseAll(site.id, key, { confirm: site.id });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as EraseAllVisitorsResponse;
    expect(body).toMatchObject({ erased: 3, cursor: null, done: true });
    expect(body.propagation).toMatch(/60 seconds/);
    await settled(site.id);

    expect(await prefKeys(site.id)).toEqual([]);
    expect(await visitorRows(site.id)).toEqual(NONE);
    expect(await ledgerRows(site.id)).toEqual([]);
    for (const v of [unread, read, subscriber]) await expectProblem(await getMe(site.id, v.token!), 401, "token_revoked");
    // What a single erasure keeps: the address as a keyed hash only, and a record per erasure.
    const suppressed = await env.LEDGER.prepare("SELECT * FROM suppressions WHERE site_id = ?1").bind(site.id).all();
    expect(suppressed.results).toEqual([expect.objectContaining({ list_id: "blog", reason: "erase" })]);
    expect(JSON.stringify(suppressed.results)).not.toContain(signup.email.toLowerCase());
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(4);
    // One consent.erased per visitor (the owner's systems erase on their side by visitor or subject).
    const erasedEvents = (await storedEvents(site.id)).filter((e) => e.type === "consent.erased");
    expect(erasedEvents.map((e) => (JSON.parse(e.payload) as { data: { visitorId: string } }).data.visitorId).sort()).toEqual(
      [unread, read, subscriber, gone].map((v) => v.visitorId).sort(),
    );

    // Run again from the start: nothing left, nothing erased or queued twice.
    const again = (await (await eraseAll(site.id, key, { confirm: site.id, cursor: null })).json()) as EraseAllVisitorsResponse;
    expect(again).toMatchObject({ erased: 0, cursor: null, done: true });
    await settled(site.id);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(4);
    expect((await storedEvents(site.id)).filter((e) => e.type === "consent.erased")).toHaveLength(4);
  });

  it("a small limit erases that many per call, through KV then D1 to done, each call under the Free plan's 50 D1 queries (R6.6)", async () => {
    const { site, key } = await siteWithEndpoint();
    await seedRecords(site.id, 5);
    for (let i = 0; i < 2; i++) await newVisitor(site); // D1 only
    // Two visitors with a linked address each (6 more D1 queries apiece).
    for (let i = 0; i < 2; i++) {
      const subscriber = await newVisitor(site);
      const signup = signupBody({ lists: ["blog"] });
      expect((await postSignup(site.id, signup, { headers: auth(subscriber.token!) })).status).toBe(202);
      expect((await postConfirm(site.id, confirmToken((await outboxRows(site.id)).find((m) => m.to_address === signup.email.toLowerCase())!, site.id))).status).toBe(200);
    }
    await settled(site.id);
    const answers: EraseAllVisitorsResponse[] = [];
    const d1PerCall: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const counted = countingEnv();
      const body = (await (await fetchWith(eraseAllRequest(site.id, key, { confirm: site.id, cursor, limit: 2 }), counted.env)).json()) as EraseAllVisitorsResponse;
      answers.push(body);
      d1PerCall.push(counted.d1.statements);
      if (body.done) break;
      cursor = body.cursor;
    }
    // 5 KV records, then 4 visitors only D1 knows: the last call finds fewer than it may erase.
    expect(answers.map((a) => a.erased)).toEqual([2, 2, 2, 2, 1]);
    expect(answers.map((a) => a.cursor?.slice(0, 3) ?? null)).toEqual(["kv:", "kv:", "d1:", "d1:", null]);
    // With the webhook delivery after each answer (the site has an endpoint) included.
    expect(Math.max(...d1PerCall)).toBeLessThanOrEqual(50);
    expect(await prefKeys(site.id)).toEqual([]);
    expect(await visitorRows(site.id)).toEqual(NONE);
  });
});

describe("erase-all refuses what must not erase (R9.2, R7.12)", () => {
  it("a missing or different confirm → 400 confirmation_required and nothing erased; a bad cursor or limit → 422", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    await seedRecords(site.id, 3);
    const visitor = await newVisitor(site);
    const keysBefore = await prefKeys(site.id);

    for (const body of [{}, { confirm: other.id }, { confirm: site.id.toUpperCase() }, { confirm: ` ${site.id}` }, { confirm: null }, { cursor: null }, { confirm: site.id.slice(0, -1) }]) {
      const problem = await expectProblem(await eraseAll(site.id, key, body), 400, "confirmation_required");
      expect(problem.detail).toContain(`"confirm": "${site.id}"`);
    }
    await expectProblem(await eraseAll(site.id, key, "{ confirm"), 400, "malformed_json");
    await expectProblem(await eraseAll(site.id, key, { confirm: site.id, cursor: "xx:1" }), 422, "invalid_body");
    await expectProblem(await eraseAll(site.id, key, { confirm: site.id, limit: 0 }), 422, "invalid_body");
    await expectProblem(await eraseAll(site.id, key, { confirm: site.id, limit: 51 }), 422, "invalid_body");
    await expectProblem(await eraseAll(site.id, key, { confirm: site.id, everything: true }), 422, "invalid_body");

    expect(await prefKeys(site.id)).toEqual(keysBefore);
    expect(await ledgerRows(site.id)).toHaveLength(1);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(0);
    expect((await getMe(site.id, visitor.token!)).status).toBe(200);
  });

  it("another site's API key is refused with 403 whatever the body says; neither site loses anything", async () => {
    const a = await freshSite();
    const b = await freshSite();
    const keyA = (await insertApiKey(a.id)).secret;
    const keyB = (await insertApiKey(b.id)).secret;
    await seedRecords(a.id, 2);
    await seedRecords(b.id, 2);
    const visitorA = await newVisitor(a);
    const visitorB = await newVisitor(b);
    const [keysA, keysB] = [await prefKeys(a.id), await prefKeys(b.id)];

    // B's key on A's path, confirming A; and confirming B.
    await expectProblem(await eraseAll(a.id, keyB, { confirm: a.id }), 403, "api_key_wrong_site");
    await expectProblem(await eraseAll(a.id, keyB, { confirm: b.id }), 403, "api_key_wrong_site");
    // A's key on its own path, confirming B: refused before anything is read.
    await expectProblem(await eraseAll(a.id, keyA, { confirm: b.id }), 400, "confirmation_required");
    expect(await prefKeys(a.id)).toEqual(keysA);
    expect(await prefKeys(b.id)).toEqual(keysB);
    expect((await getMe(a.id, visitorA.token!)).status).toBe(200);

    // A's own erase-all, even from a cursor it made up, reaches A's visitors only.
    const done = (await (await eraseAll(a.id, keyA, { confirm: a.id, cursor: "d1:" })).json()) as EraseAllVisitorsResponse;
    expect(done).toMatchObject({ erased: 1, done: true });
    expect(await ledgerRows(a.id)).toEqual([]);
    expect(await prefKeys(a.id)).toEqual(keysA); // the KV walk was skipped by that cursor
    expect(await prefKeys(b.id)).toEqual(keysB);
    expect((await getMe(b.id, visitorB.token!)).status).toBe(200);
  });
  it("a site whose id extends this one's (`x` and `x2`) keeps every record: the prefix ends with its colon", async () => {
    const site = await freshSite();
    const longer = await freshSite((c) => void (c.id = `${site.id}2`));
    const key = (await insertApiKey(site.id)).secret;
    await seedRecords(site.id, 3);
    const kept = await seedRecords(longer.id, 3);
    const done = (await (await eraseAll(site.id, key, { confirm: site.id })).json()) as EraseAllVisitorsResponse;
    expect(done).toMatchObject({ erased: 3, done: true });
    expect(await prefKeys(site.id)).toEqual([]);
    expect((await prefKeys(longer.id)).sort()).toEqual(kept.map((id) => `pref:v1:${longer.id}:${id}`).sort());
  });
});

describe("erase-all under storage faults: 503 with Retry-After, and the same call again finishes (R6.6)", () => {
  it("KV delete, KV list and the D1 batch failing", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    await seedRecords(site.id, 4);
    await newVisitor(site);
    const request = () => eraseAllRequest(site.id, key, { confirm: site.id });

    await expectStorageFault(await fetchWith(request(), envWith({ PREFS: failing(env.PREFS, "list") })));
    expect(await prefKeys(site.id)).toHaveLength(4);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(0);

    // D1 first: with the batch failing nothing is erased and no KV record deleted.
    await expectStorageFault(await fetchWith(request(), envWith({ LEDGER: failing(env.LEDGER, "batch") })));
    expect(await prefKeys(site.id)).toHaveLength(4);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(0);

    // The KV delete failing after D1 erased: the records stay until the call is repeated.
    await expectStorageFault(await fetchWith(request(), envWith({ PREFS: failing(env.PREFS, "delete") })));
    expect(await prefKeys(site.id)).toHaveLength(4);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(4);

    const retry = (await (await fetchWith(request(), env as unknown as Env)).json()) as EraseAllVisitorsResponse;
    // The four KV visitors were erased by the failed call (not counted again), the D1 one now.
    expect(retry).toMatchObject({ erased: 1, done: true, cursor: null });
    expect(await prefKeys(site.id)).toEqual([]);
    expect(await visitorRows(site.id)).toEqual(NONE);
    expect(await count("SELECT COUNT(*) AS n FROM erasures WHERE site_id = ?1", site.id)).toBe(5);
  });
});

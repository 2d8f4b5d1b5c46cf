/**
 * The per-visitor KV record carries consent and the status of both email lists (issue #4 item
 * 1, R0.2): subscription changes show up in it, banner decisions never change them. KV holds
 * the records that are read (worker/consent/visitor-record.ts): a decision of a visitor nobody read costs
 * one D1 round trip and no KV operation; once the record was read, a decision costs one KV write,
 * no KV read, and two D1 round trips: its batch and the read that settles the record (R6.7, the
 * cost model). The record states each purpose on its own (R1.5), and expires in KV with the
 * decision, never less than 60 s ahead, the least KV takes (R6.4).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Preferences } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { putPreferences } from "../../worker/consent/store/prefs";
import { confirmToken, oneClick, outboxRows, postConfirm, postSignup, signupBody, unsubscribePath } from "./email-helpers";
import { ORIGIN, addCategory, auth, call, decisionBody, decisionRequest, expectProblem, freshSite, getMe, insertApiKey, ledgerRows, newVisitor, postDecision, prefEntry } from "./helpers";

/** Signs the visitor up for a list from their browser (token sent) and returns the confirm token. */
async function signUp(siteId: string, token: string, list: string) {
  const body = signupBody({ lists: [list] });
  const res = await postSignup(siteId, body, { headers: auth(token) });
  expect(res.status).toBe(202);
  const message = (await outboxRows(siteId)).filter((m) => m.to_address === body.email.toLowerCase()).at(-1)!;
  return { email: body.email, confirm: confirmToken(message, siteId) };
}

const record = async (siteId: string, visitorId: string) => (await prefEntry(siteId, visitorId)).value as Preferences;

describe("one record per visitor: consent and both lists", () => {
  it("shows each list's status as it changes: pending → confirmed → unsubscribed", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site, { action: "reject_all" });
    expect(visitor.preferences.lists).toEqual({});
    expect((await getMe(site.id, visitor.token!)).status).toBe(200); // read: kept in KV from now on

    const blog = await signUp(site.id, visitor.token!, "blog");
    expect((await record(site.id, visitor.visitorId)).lists).toEqual({ blog: "pending" });
    await signUp(site.id, visitor.token!, "marketing-email");
    expect((await record(site.id, visitor.visitorId)).lists).toEqual({ blog: "pending", "marketing-email": "pending" });

    expect((await postConfirm(site.id, blog.confirm)).status).toBe(200);
    const me = (await (await getMe(site.id, visitor.token!)).json()) as Preferences;
    expect(me.lists).toEqual({ blog: "confirmed", "marketing-email": "pending" });
    // The consent part is untouched by the email changes.
    expect(me).toMatchObject({ action: "reject_all", categories: visitor.preferences.categories, version: visitor.preferences.version });

    expect((await oneClick(await unsubscribePath(site.id, "blog", blog.email))).status).toBe(200);
    expect((await record(site.id, visitor.visitorId)).lists).toEqual({ blog: "unsubscribed", "marketing-email": "pending" });
  });

  it("banner decisions keep the list statuses: Accept all and Reject all change consent only (R0.2, R5.1)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site, { action: "reject_all" });
    expect((await getMe(site.id, visitor.token!)).status).toBe(200);
    const blog = await signUp(site.id, visitor.token!, "blog");
    await postConfirm(site.id, blog.confirm);

    for (const action of ["accept_all", "reject_all"] as const) {
      const res = await postDecision(site.id, decisionBody(site, { action }), { token: visitor.token! });
      expect(res.status).toBe(200);
      const stored = await record(site.id, visitor.visitorId);
      expect(stored.action).toBe(action);
      expect(stored.lists).toEqual({ blog: "confirmed" });
    }
  });

  it("a signup without a visitor token writes no record; one with an erased visitor's token is refused and writes none", async () => {
    const site = await freshSite();
    expect((await postSignup(site.id, signupBody())).status).toBe(202);
    expect((await env.PREFS.list({ prefix: `pref:v1:${site.id}:` })).keys).toEqual([]);

    const visitor = await newVisitor(site);
    const erased = await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { ...auth(visitor.token!), Origin: ORIGIN } });
    expect(erased.status).toBe(200);
    const refused = await postSignup(site.id, signupBody({ lists: ["blog"] }), { headers: auth(visitor.token!) });
    await expectProblem(refused, 401, "token_revoked");
    expect((await prefEntry(site.id, visitor.visitorId)).value).toBeNull();
  });
});

describe("each purpose is a choice of its own (R1.5)", () => {
  it("a custom choice that grants usage and refuses a second optional purpose is stored exactly so, in the proof and the record", async () => {
    const site = await freshSite((c) => addCategory(c, "functional"));
    const first = await newVisitor(site, { action: "custom", choices: { usage: true, functional: false } });
    expect(first.preferences.categories).toEqual({ necessary: true, usage: true, functional: false });
    // The other way round, for the same visitor: one purpose never drags the other along.
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage: false, functional: true } }), { token: first.token! });
    expect(res.status).toBe(200);
    const rows = await ledgerRows(site.id);
    expect(rows.map((r) => JSON.parse(r.categories as string) as Record<string, boolean>)).toEqual([
      { necessary: true, usage: true, functional: false },
      { necessary: true, usage: false, functional: true },
    ]);
    expect((await getMe(site.id, first.token!)).status).toBe(200);
    expect((await record(site.id, first.visitorId)).categories).toEqual({ necessary: true, usage: false, functional: true });
  });
});

/** The real env with KV and D1 wrapped to count the calls that reach storage. */
function countingEnv() {
  const counts = { prefsGet: 0, prefsPut: 0, sitesGet: 0, d1Batch: 0, d1Prepare: 0 };
  const wrap = <T extends object>(binding: T, on: Partial<Record<string, () => void>>): T =>
    new Proxy(binding, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        const count = on[String(prop)];
        return (...args: unknown[]) => {
          count?.();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const real = env as unknown as Env;
  const counted: Env = {
    ...real,
    PREFS: wrap(real.PREFS, { get: () => counts.prefsGet++, put: () => counts.prefsPut++ }),
    SITES: wrap(real.SITES, { get: () => counts.sitesGet++ }),
    LEDGER: wrap(real.LEDGER, { batch: () => counts.d1Batch++, prepare: () => counts.d1Prepare++ }),
  };
  return { counts, env: counted };
}

describe("what a read keeps in KV", () => {
  it("reading a visitor with no decision (an unknown id, through the site owner API) writes nothing", async () => {
    const site = await freshSite();
    const { secret } = await insertApiKey(site.id);
    const unknown = crypto.randomUUID();
    const res = await call(`/v1/sites/${site.id}/admin/visitors/${unknown}`, { headers: auth(secret) });
    expect(res.status).toBe(404);
    expect(await env.LEDGER.prepare("SELECT COUNT(*) AS n FROM kv_records WHERE site_id = ?").bind(site.id).first("n")).toBe(0);
    expect((await env.PREFS.list({ prefix: `pref:v1:${site.id}:` })).keys).toEqual([]);
  });
});

describe("cost model (R6.7)", () => {
  it("a decision of a visitor whose record nobody read: no KV operation, one D1 batch (plus the site config read)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    await signUp(site.id, visitor.token!, "blog");
    const { counts, env: counted } = countingEnv();
    const ctx = createExecutionContext();
    const res = await app.fetch(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), counted, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(counts).toMatchObject({ prefsPut: 0, prefsGet: 0, d1Batch: 1 });
    // SITE_CACHE_SECONDS is 0 in tests; deployed, the config read is memoized in the isolate.
    expect(counts.sitesGet).toBe(1);
    expect((await prefEntry(site.id, visitor.visitorId)).value).toBeNull();
  });

  it("once the record was read: one KV write, no KV read of visitor state, two D1 batches (record, settle)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    await signUp(site.id, visitor.token!, "blog");
    expect((await getMe(site.id, visitor.token!)).status).toBe(200);
    const { counts, env: counted } = countingEnv();
    const ctx = createExecutionContext();
    const res = await app.fetch(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), counted, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(counts).toMatchObject({ prefsPut: 1, prefsGet: 0, d1Batch: 2 });
    expect((await record(site.id, visitor.visitorId)).lists).toEqual({ blog: "pending" });
  });

  it("a visitor's read (GET /me): the first puts the record in KV; later ones cost one KV read and one D1 read (is the token revoked?)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const first = countingEnv();
    const res1 = await app.fetch(new Request(`http://assent.test/v1/sites/${site.id}/me`, { headers: auth(visitor.token!) }), first.env, createExecutionContext());
    expect(res1.status).toBe(200);
    // KV miss, then D1: the revocation check, one batch that marks the record kept and reads it, one to settle; one KV write.
    expect(first.counts).toMatchObject({ prefsGet: 1, prefsPut: 1, d1Batch: 2 });
    const { counts, env: counted } = countingEnv();
    const res = await app.fetch(new Request(`http://assent.test/v1/sites/${site.id}/me`, { headers: auth(visitor.token!) }), counted, createExecutionContext());
    expect(res.status).toBe(200);
    expect(counts).toMatchObject({ prefsGet: 1, prefsPut: 0, d1Batch: 0, d1Prepare: 1 });
  });
});

describe("the record's expiration in KV (R6.4)", () => {
  const nowS = () => Math.floor(Date.now() / 1000);

  it("is the decision's own expiry, so the record goes when the decision stops counting", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await putPreferences(env as unknown as Env, { ...visitor.preferences, expiresAt });
    expect((await prefEntry(site.id, visitor.visitorId)).expiration).toBe(Math.floor(Date.parse(expiresAt) / 1000));
  });

  it("is clamped to at least 60 s ahead when the decision expires sooner or already has", async () => {
    const site = await freshSite();
    for (const aheadMs of [10_000, 0, -86_400_000]) {
      const visitor = await newVisitor(site);
      const before = nowS();
      await putPreferences(env as unknown as Env, { ...visitor.preferences, expiresAt: new Date(Date.now() + aheadMs).toISOString() });
      const { value, expiration } = await prefEntry(site.id, visitor.visitorId);
      expect(value?.visitorId).toBe(visitor.visitorId);
      expect(expiration).toBeGreaterThanOrEqual(before + 60);
      expect(expiration).toBeLessThanOrEqual(nowS() + 61);
    }
  });
});

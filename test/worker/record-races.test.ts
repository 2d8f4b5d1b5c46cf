/**
 * The visitor's KV record ends equal to what D1 says (the latest ledger row, the list statuses)
 * for any interleaving of decisions, subscription changes, identifications and first reads: KV
 * writes are slowed on purpose, in both orders, so an older write lands after a newer one, as it
 * can in production (worker/consent/visitor-record.ts explains the settling that makes this hold). Each
 * visitor's record is read first (`keptVisitor`), since KV holds only records that were read.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConsentResponse, Preferences } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { confirmToken, outboxRows, signupBody, signupRequest } from "./email-helpers";
import { auth, decisionBody, decisionRequest, freshSite, getMe, ledgerRows, newVisitor, prefEntry } from "./helpers";
import { sign, siteWithSecret } from "./identity-helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The real env with PREFS.put slowed: the n-th put (0-based, counted across all requests that
 * use this env) waits `delay(n, key, value)` ms before it reaches KV.
 */
function slowPuts(delay: (n: number, value: string) => number): Env {
  const real = env as unknown as Env;
  let n = 0;
  const prefs = new Proxy(real.PREFS, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === "put")
        return async (key: string, v: string, options?: KVNamespacePutOptions) => {
          await sleep(delay(n++, v));
          return target.put(key, v, options);
        };
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...real, PREFS: prefs };
}

async function fetchWith(request: Request, e: Env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Waits until the site's ledger has `rows` rows (a decision committed to D1). */
async function ledgerHas(siteId: string, rows: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await ledgerRows(siteId)).length >= rows) return;
    await sleep(5);
  }
  throw new Error("decision never reached the ledger");
}

/** A new visitor whose record was read once, so KV holds it from now on. */
async function keptVisitor(site: { id: string; fingerprint: string; textHash: string }): Promise<ConsentResponse> {
  const visitor = await newVisitor(site);
  expect((await getMe(site.id, visitor.token!)).status).toBe(200);
  return visitor;
}

/** The KV record must say what D1 says: the latest ledger row's decision. */
async function expectRecordIsLatest(siteId: string, visitorId: string): Promise<Preferences> {
  const rows = (await ledgerRows(siteId)).filter((r) => r.visitor_id === visitorId);
  const latest = rows.at(-1)!;
  const record = (await prefEntry(siteId, visitorId)).value!;
  expect(record).toMatchObject({ receiptId: latest.receipt_id, action: latest.action, version: latest.seq });
  return record;
}

describe("two decisions of one visitor, their KV writes landing in either order (R6.2)", () => {
  it("the earlier decision's write lands last (the reproduced bug): the record is still the later decision", async () => {
    const site = await freshSite();
    const visitor = await keptVisitor(site);
    // Put #0 is the first decision's own write: held back until the second decision is done.
    const slowed = slowPuts((n) => (n === 0 ? 300 : 0));
    const first = fetchWith(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token: visitor.token! }), slowed);
    await ledgerHas(site.id, 2);
    const second = await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "withdraw" }), { token: visitor.token! }), slowed);
    expect(second.status).toBe(200);
    expect((await first).status).toBe(200);
    const record = await expectRecordIsLatest(site.id, visitor.visitorId);
    expect(record.action).toBe("withdraw");
  });

  it("the later decision's write lands last: the record is the later decision", async () => {
    const site = await freshSite();
    const visitor = await keptVisitor(site);
    const slowed = slowPuts((n) => (n === 1 ? 300 : 0));
    expect((await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token: visitor.token! }), slowed)).status).toBe(200);
    expect((await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), slowed)).status).toBe(200);
    expect((await expectRecordIsLatest(site.id, visitor.visitorId)).action).toBe("reject_all");
  });

  it("any number of concurrent decisions with any write delays end with the latest one (property)", async () => {
    const site = await freshSite();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ action: fc.constantFrom("accept_all", "reject_all", "withdraw"), delay: fc.integer({ min: 0, max: 40 }) }), { minLength: 2, maxLength: 6 }),
        async (decisions) => {
          const visitor = await keptVisitor(site);
          const slowed = slowPuts((n) => decisions[n % decisions.length]!.delay);
          const answers = await Promise.all(
            decisions.map((d) => fetchWith(decisionRequest(site.id, decisionBody(site, { action: d.action }), { token: visitor.token! }), slowed)),
          );
          expect(answers.map((r) => r.status)).toEqual(decisions.map(() => 200));
          await expectRecordIsLatest(site.id, visitor.visitorId);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("a first read racing a decision", () => {
  it("the read's write of the older state lands after the decision: the record is still the decision (R6.2)", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    // Put #0 is the first read's write of the record (the accept_all): held back.
    const slowed = slowPuts((n) => (n === 0 ? 300 : 0));
    const read = fetchWith(new Request(`http://assent.test/v1/sites/${site.id}/me`, { headers: auth(visitor.token!) }), slowed);
    // Wait until the read has marked the record kept, then decide.
    for (let i = 0; i < 200; i++) {
      if (await env.LEDGER.prepare("SELECT 1 FROM kv_records WHERE site_id = ?1 AND visitor_id = ?2").bind(site.id, visitor.visitorId).first()) break;
      await sleep(5);
    }
    expect((await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), slowed)).status).toBe(200);
    expect((await read).status).toBe(200);
    expect((await expectRecordIsLatest(site.id, visitor.visitorId)).action).toBe("reject_all");
  });
});

describe("decisions interleaved with subscription changes and identifications", () => {
  it("a confirmation settling while a decision's write is slow: the record has both the latest decision and the confirmed list", async () => {
    const site = await freshSite();
    const visitor = await keptVisitor(site);
    const signup = signupBody({ lists: ["blog"] });
    expect((await fetchWith(signupRequest(site.id, signup, { headers: auth(visitor.token!) }), env as unknown as Env)).status).toBe(202);
    const token = confirmToken((await outboxRows(site.id)).at(-1)!, site.id);

    const slowed = slowPuts((n, value) => (n === 0 && value.includes('"reject_all"') ? 300 : 0));
    const decision = fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), slowed);
    await ledgerHas(site.id, 2);
    const confirmed = await fetchWith(
      new Request(`http://assent.test/e/${site.id}/confirm/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" }),
      slowed,
    );
    expect(confirmed.status).toBe(200);
    expect((await decision).status).toBe(200);
    const record = await expectRecordIsLatest(site.id, visitor.visitorId);
    expect(record).toMatchObject({ action: "reject_all", lists: { blog: "confirmed" } });
  });

  it("a decision recorded while the browser is being identified ends in the record of the person's visitor", async () => {
    const site = await siteWithSecret();
    const visitor = await keptVisitor(site);
    const slowed = slowPuts((n) => (n === 0 ? 200 : 0));
    const identity = await sign(site.secret, site.id, "race-1");
    const decision = fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token! }), slowed);
    await ledgerHas(site.id, 2);
    const identified = await fetchWith(
      new Request(`http://assent.test/v1/sites/${site.id}/identify`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "http://127.0.0.1:8787", ...auth(visitor.token!) },
        body: JSON.stringify({ identity }),
      }),
      slowed,
    );
    expect(identified.status).toBe(200);
    expect(((await (await decision).json()) as ConsentResponse).receipt.action).toBe("reject_all");
    expect((await expectRecordIsLatest(site.id, visitor.visitorId)).action).toBe("reject_all");
  });
});

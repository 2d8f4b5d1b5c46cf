/**
 * The visitor's own data (R9.1, R9.2): current state, decision history, export and erasure,
 * each with the visitor token.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { ConsentResponse, ErasureResponse, ExportDocument, Preferences, Receipt, ReceiptsResponse } from "../../worker/contract";
import { ORIGIN, auth, call, decisionBody, expectProblem, freshSite, getMe, ledgerRows, newVisitor, postDecision, prefKeys } from "./helpers";

type Site = Awaited<ReturnType<typeof freshSite>>;

/** A visitor with three decisions: accept, reject, then a custom grant. Returns the receipts in order. */
async function visitorWithHistory(site: Site) {
  const first = await newVisitor(site);
  const receipts: Receipt[] = [first.receipt];
  let last: ConsentResponse = first;
  for (const over of [{ action: "reject_all" as const }, { action: "custom" as const, choices: { usage: true } }]) {
    const res = await postDecision(site.id, decisionBody(site, over), { token: first.token! });
    expect(res.status).toBe(200);
    last = (await res.json()) as ConsentResponse;
    receipts.push(last.receipt);
  }
  return { token: first.token!, visitorId: first.visitorId, receipts, preferences: last.preferences };
}

function erase(siteId: string, token: string, headers: Record<string, string> = { Origin: ORIGIN }) {
  return call(`/v1/sites/${siteId}/me`, { method: "DELETE", headers: { ...headers, ...auth(token) } });
}

describe("GET /me", () => {
  it("with the token → the current state", async () => {
    const site = await freshSite();
    const v = await visitorWithHistory(site);
    const res = await getMe(site.id, v.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect((await res.json()) as Preferences).toEqual(v.preferences);
  });

  it("without a token → 401 token_required (R7.3)", async () => {
    const site = await freshSite();
    await expectProblem(await call(`/v1/sites/${site.id}/me`), 401, "token_required");
  });

  it("another visitor's token shows only that visitor", async () => {
    const site = await freshSite();
    const a = await newVisitor(site);
    const b = await newVisitor(site, { action: "reject_all" });
    expect(((await (await getMe(site.id, b.token!)).json()) as Preferences).visitorId).toBe(b.visitorId);
    expect(((await (await getMe(site.id, a.token!)).json()) as Preferences).categories.usage).toBe(true);
  });
});

describe("GET /me/receipts", () => {
  it("lists the visitor's decisions oldest first, two per page with a next cursor (R1.14, R9.1)", async () => {
    const site = await freshSite();
    const v = await visitorWithHistory(site);
    await newVisitor(site); // someone else's decision is never listed

    const page1 = (await (await getMe(site.id, v.token, "/receipts?limit=2")).json()) as ReceiptsResponse;
    expect(page1.receipts).toEqual(v.receipts.slice(0, 2));
    expect(page1.next).toMatch(/^\d+$/);

    const page2 = (await (await getMe(site.id, v.token, `/receipts?limit=2&cursor=${page1.next}`)).json()) as ReceiptsResponse;
    expect(page2.receipts).toEqual(v.receipts.slice(2));
    expect(page2.next).toBeNull();

    const all = (await (await getMe(site.id, v.token, "/receipts")).json()) as ReceiptsResponse;
    expect(all.receipts.map((r) => r.id)).toEqual(v.receipts.map((r) => r.id));
    expect(all.receipts.map((r) => r.prevId)).toEqual([null, v.receipts[0]!.id, v.receipts[1]!.id]);
    expect(all.next).toBeNull();
  });

  it.each(["?limit=0", "?limit=201", "?limit=x", "?cursor=abc", "?cursor=-1"])("%s → 400 invalid_query", async (query) => {
    const site = await freshSite();
    const v = await newVisitor(site);
    await expectProblem(await getMe(site.id, v.token!, `/receipts${query}`), 400, "invalid_query");
  });

  it("without a token → 401", async () => {
    const site = await freshSite();
    await expectProblem(await call(`/v1/sites/${site.id}/me/receipts`), 401, "token_required");
  });
});

describe("GET /me/export (R9.1)", () => {
  it("downloads the state and every receipt as assent-export/1 JSON", async () => {
    const site = await freshSite();
    const v = await visitorWithHistory(site);
    const before = new Date().toISOString();
    const res = await getMe(site.id, v.token, "/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="[^"/\\]+\.json"$/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const doc = (await res.json()) as ExportDocument;
    expect(doc).toEqual({
      format: "assent-export/1",
      exportedAt: expect.any(String),
      siteId: site.id,
      visitorId: v.visitorId,
      subject: null,
      preferences: v.preferences,
      receipts: v.receipts,
      subscriptions: [],
    });
    expect(doc.exportedAt >= before).toBe(true);
  });

  it("without a token → 401", async () => {
    const site = await freshSite();
    await expectProblem(await call(`/v1/sites/${site.id}/me/export`), 401, "token_required");
  });
});

describe("DELETE /me (R9.2)", () => {
  it("erases the state and every receipt, and records that an erasure happened without saying whose", async () => {
    const site = await freshSite();
    const v = await visitorWithHistory(site);
    const other = await newVisitor(site);
    // Both records were read, so both are in KV.
    for (const token of [v.token, other.token!]) expect((await getMe(site.id, token)).status).toBe(200);
    expect(await prefKeys(site.id)).toHaveLength(2);

    const res = await erase(site.id, v.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const body = (await res.json()) as ErasureResponse;
    expect(body).toEqual({ erased: true, receiptsDeleted: 3, subscriptionsDeleted: 0, propagation: expect.stringMatching(/60 seconds/) });

    // The erasure revoked the visitor's tokens: nothing can be read with them any more.
    for (const sub of ["", "/receipts", "/export", "/subscriptions"]) await expectProblem(await getMe(site.id, v.token, sub), 401, "token_revoked");

    // Nothing of the visitor is left in the ledger or in KV; the other visitor is untouched.
    const rows = await ledgerRows(site.id);
    expect(rows.map((r) => r.visitor_id)).toEqual([other.visitorId]);
    expect(await prefKeys(site.id)).toEqual([`pref:v1:${site.id}:${other.visitorId}`]);

    const { results } = await env.LEDGER.prepare("SELECT * FROM erasures WHERE site_id = ?").bind(site.id).all();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ site_id: site.id, receipts_deleted: 3 });
    const record = JSON.stringify(results[0]);
    expect(record).not.toContain(v.visitorId);
    for (const receipt of v.receipts) expect(record).not.toContain(receipt.id);
  });

  it("erasing twice is harmless: the second answers the same, finds nothing and changes nothing", async () => {
    const site = await freshSite();
    const v = await newVisitor(site);
    expect(((await (await erase(site.id, v.token!)).json()) as ErasureResponse).receiptsDeleted).toBe(1);
    expect(((await (await erase(site.id, v.token!)).json()) as ErasureResponse).receiptsDeleted).toBe(0);
  });

  it("without an Origin → 403, and nothing is erased (R7.4)", async () => {
    const site = await freshSite();
    const v = await newVisitor(site);
    await expectProblem(await erase(site.id, v.token!, {}), 403, "origin_required");
    expect((await getMe(site.id, v.token!)).status).toBe(200);
    expect(await ledgerRows(site.id)).toHaveLength(1);
    const { results } = await env.LEDGER.prepare("SELECT * FROM erasures WHERE site_id = ?").bind(site.id).all();
    expect(results).toEqual([]);
  });

  it("without a token → 401, and nothing is erased (R7.3)", async () => {
    const site = await freshSite();
    await newVisitor(site);
    await expectProblem(await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN } }), 401, "token_required");
    expect(await ledgerRows(site.id)).toHaveLength(1);
  });
});

/**
 * The proof ledger's hot window (#13): sealed days older than it leave D1 (rows and chain
 * entries), and everything that reads a visitor's history reads them back from the archive
 * unchanged: `/me/receipts`, `/me/export`, the console's search, one receipt and its export.
 * Erasure and retention still reach the archived rows; verification starts the chain in D1 at
 * the evicted head and checks the archived rows against the index and the hot copies; a tampered
 * hot copy or a row dropped from the archive is named. Real D1, R2 and KV through Miniflare.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsentResponse } from "../../worker/contract";
import fc from "fast-check";
import { listDecisions, purgeExpired } from "../../worker/consent/store/ledger";
import { type LedgerCursor, ledgerRange, searchLedger } from "../../worker/consent/store/ledger-search";
import { runNamedBatch } from "../../worker/lib/d1-batch";
import { evictStatements } from "../../worker/proof/archive-store";
import { linkPending } from "../../worker/proof/chaining";
import type { SealRow } from "../../worker/proof/store";
import { evictPastWindow, hotWindowDays, sweepHot } from "../../worker/proof/evict";
import { resealStale, sealDays } from "../../worker/proof/seal";
import { type SegmentLine, decodeSegment, decodeText, encodeSegment } from "../../worker/proof/segments";
import { advanceVerification, verificationOf } from "../../worker/proof/verifications";
import { d1ChainSource, verifyChain } from "../../worker/proof/verify";
import { d1SealSource, verifySeals } from "../../worker/proof/verify-seals";
import { consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { ORIGIN, auth, call, decisionBody, expectProblem, freshSite, getMe, insertApiKey, newVisitor, postDecision, sealRows } from "./helpers";

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * DAY);

/**
 * A site whose visitor A decided twice and B once, linked today and sealed as of tomorrow.
 * Nothing has left D1 yet.
 */
async function sealedSite() {
  const site = await freshSite();
  const a = await newVisitor(site, { action: "accept_all" });
  const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: a.token! });
  expect(res.status).toBe(200);
  const a2 = (await res.json()) as ConsentResponse;
  const b = await newVisitor(site, { action: "reject_all" });
  await linkPending(env, 10_000, new Date());
  await sealDays(env, at(1));
  const [seal] = await sealRows(site.id);
  expect(seal).toBeDefined();
  return { site, a, a2, b, seal: seal! };
}

/** Moves sealed days out of D1 as of `days` from now, with a window of one day. */
const evictAsOf = (days: number) => evictPastWindow(env, at(days), { hotDays: 1 });


async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).bind(...binds).first<{ n: number }>())!.n;
}

async function lines(key: string): Promise<SegmentLine[]> {
  return (await decodeSegment(await (await env.ARCHIVE.get(key))!.arrayBuffer())) as SegmentLine[];
}

async function json<T>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function viewer(siteId: string): Promise<string> {
  const email = freshEmail();
  await grant(siteId, email, "viewer");
  return signIn(email);
}

/** What a visitor and the site's owner can read of the site's history. */
async function history(siteId: string, token: string, session: string) {
  const day = new Date().toISOString().slice(0, 10);
  const next = at(1).toISOString().slice(0, 10);
  const exported = await json<{ receipts: unknown[]; signedReceipts?: unknown }>(await getMe(siteId, token, "/export"));
  return {
    receipts: await json<unknown>(await getMe(siteId, token, "/receipts")),
    receiptsPaged: await json<unknown>(await getMe(siteId, token, "/receipts?limit=1")),
    exportReceipts: exported.receipts,
    search: await json<unknown>(await consoleCall(session, `/api/sites/${siteId}/ledger`)),
    rejected: await json<unknown>(await consoleCall(session, `/api/sites/${siteId}/ledger?action=reject_all`)),
    csv: await (await consoleCall(session, `/api/sites/${siteId}/ledger/export?from=${day}&to=${next}`)).text(),
  };
}

describe("the hot window: sealed days leave D1 and are read back from the archive (#13)", () => {
  it("moves a past day's rows and entries out of D1, keeps a still-counting latest decision hot, and every reader gets the same answers", async () => {
    const { site, a, a2, b, seal } = await sealedSite();
    const session = await viewer(site.id);
    const before = await history(site.id, a.token!, session);
    const one = await (await consoleCall(session, `/api/sites/${site.id}/ledger/receipts/${a.receipt.id}`)).json();

    // Within the window nothing moves; past it, the day does.
    expect(await evictPastWindow(env, at(1), { hotDays: 1 })).toEqual({ segments: 0, entries: 0 });
    expect(await evictAsOf(2)).toEqual({ segments: 1, entries: 3 });
    expect((await sealRows(site.id))[0]!.evicted_at).not.toBeNull();
    expect(await count(`SELECT 1 FROM ledger_chain WHERE site_id = ?1`, site.id)).toBe(0);
    // A's first decision is gone from D1; A's latest and B's still count, so they stay as hot copies.
    const inD1 = (await env.LEDGER.prepare(`SELECT receipt_id FROM ledger WHERE site_id = ?1 ORDER BY seq`).bind(site.id).all<{ receipt_id: string }>()).results;
    expect(inD1.map((r) => r.receipt_id)).toEqual([a2.receipt.id, b.receipt.id]);
    const index = (await env.LEDGER.prepare(`SELECT receipt_id, hot, seal_position FROM ledger_archived WHERE site_id = ?1 ORDER BY seq`).bind(site.id).all()).results;
    expect(index).toEqual([
      { receipt_id: a.receipt.id, hot: 0, seal_position: seal.first_position },
      { receipt_id: a2.receipt.id, hot: 1, seal_position: seal.first_position },
      { receipt_id: b.receipt.id, hot: 1, seal_position: seal.first_position },
    ]);
    expect(await history(site.id, a.token!, session)).toEqual(before);
    expect(await (await consoleCall(session, `/api/sites/${site.id}/ledger/receipts/${a.receipt.id}`)).json()).toEqual(one);

    // Once a newer decision exists or it expired, a hot copy goes too; the archive still answers.
    expect(await sweepHot(env, at(400))).toBeGreaterThanOrEqual(2);
    expect(await count(`SELECT 1 FROM ledger WHERE site_id = ?1`, site.id)).toBe(0);
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ?1 AND hot = 1`, site.id)).toBe(0);
    expect(await history(site.id, a.token!, session)).toEqual(before);

    // The chain in D1 starts at the evicted head: the walk and the segments' walk both hold.
    const chain = await verifyChain(d1ChainSource(env, site.id));
    expect(chain).toMatchObject({ ok: true, position: seal.last_position, checked: 0 });
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true, segments: 1 });

    // A new decision links after the evicted head and names A's latest, now only in the archive, as its previous one.
    const res = await postDecision(site.id, decisionBody(site, { action: "accept_all" }), { token: a.token! });
    expect(res.status).toBe(200);
    const a3 = (await res.json()) as ConsentResponse;
    expect(a3.receipt.prevId).toBe(a2.receipt.id);
    await linkPending(env, 10_000, new Date());
    const after = await verifyChain(d1ChainSource(env, site.id));
    expect(after).toMatchObject({ ok: true, position: seal.last_position + 1, checked: 1 });
    await advanceVerification(env, site.id, 10_000, "test");
    expect((await verificationOf(env, site.id)).last).toMatchObject({ ok: true, segments: 1, broken: null });
    const receipts = await json<{ receipts: { id: string }[] }>(await getMe(site.id, a.token!, "/receipts"));
    expect(receipts.receipts.map((r) => r.id)).toEqual([a.receipt.id, a2.receipt.id, a3.receipt.id]);
  });

  it("DELETE /me of a visitor whose rows left D1: the index entries go, the segment is rewritten with tombstones, the other visitor's rows stay, and it all still verifies", async () => {
    const { site, a, b, seal } = await sealedSite();
    await evictAsOf(400); // everything expired: no hot copy
    expect(await count(`SELECT 1 FROM ledger WHERE site_id = ?1`, site.id)).toBe(0);

    const erased = await json<{ receiptsDeleted: number }>(await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(a.token!) } }));
    expect(erased.receiptsDeleted).toBe(2);
    expect(await env.LEDGER.prepare(`SELECT receipts_deleted FROM erasures WHERE site_id = ?1`).bind(site.id).first()).toEqual({ receipts_deleted: 2 });
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ?1 AND visitor_id = ?2`, site.id, a.visitorId)).toBe(0);
    expect((await sealRows(site.id))[0]!.stale).toBeGreaterThan(0);

    expect(await resealStale(env, new Date())).toBe(1);
    const text = await decodeText(await (await env.ARCHIVE.get(seal.object_key))!.arrayBuffer());
    expect(text).not.toContain(a.visitorId);
    expect(text).not.toContain(a.receipt.id);
    const kept = await lines(seal.object_key);
    expect(kept.map((l) => ("removed" in l ? l.removed : l.row.receipt_id))).toEqual(["erasure", "erasure", b.receipt.id]);
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true, broken: null });
    const bReceipts = await json<{ receipts: { id: string }[] }>(await getMe(site.id, b.token!, "/receipts"));
    expect(bReceipts.receipts.map((r) => r.id)).toEqual([b.receipt.id]);
  });

  it("rows only in the archive stay their own: another visitor's token, another site's viewer and another site's token reach none of them", async () => {
    const { site, a, a2, b } = await sealedSite();
    await evictAsOf(400); // everything expired: every row only in the archive
    expect(await count(`SELECT 1 FROM ledger WHERE site_id = ?1`, site.id)).toBe(0);
    const aIds = [a.receipt.id, a2.receipt.id];

    // B's own history: B's row, none of A's.
    const bReceipts = await json<{ receipts: { id: string }[] }>(await getMe(site.id, b.token!, "/receipts"));
    expect(bReceipts.receipts.map((r) => r.id)).toEqual([b.receipt.id]);
    const bExport = JSON.stringify(await json<unknown>(await getMe(site.id, b.token!, "/export")));
    for (const id of [...aIds, a.visitorId]) expect(bExport).not.toContain(id);

    // A viewer of another site: not the site's receipts, not through their own site's routes either.
    const other = await freshSite();
    const otherViewer = await viewer(other.id);
    for (const path of [`/api/sites/${site.id}/ledger/receipts/${a.receipt.id}`, `/api/sites/${other.id}/ledger/receipts/${a.receipt.id}`]) {
      const res = await consoleCall(otherViewer, path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(a.visitorId);
    }
    const search = await json<{ entries: unknown[] }>(await consoleCall(otherViewer, `/api/sites/${other.id}/ledger?receipt=${a.receipt.id}`));
    expect(search.entries).toEqual([]);
    const byVisitor = await json<{ entries: unknown[] }>(await consoleCall(otherViewer, `/api/sites/${other.id}/ledger?visitor=${a.visitorId}`));
    expect(byVisitor.entries).toEqual([]);

    // A's token used on another site: refused, nothing read.
    await expectProblem(await getMe(other.id, a.token!, "/receipts"), 403, "token_wrong_site");
  });

  it("reads racing the move out of D1 each find every row once: before, during or after it", async () => {
    const { site, a, a2 } = await sealedSite();
    const want = [a.receipt.id, a2.receipt.id];
    const ids = (rows: { receipt: { id: string } }[]) => rows.map((r) => r.receipt.id);
    const reads = () => Promise.all([listDecisions(env, site.id, a.visitorId, 10).then((p) => p.rows), searchLedger(env, site.id, { visitorId: a.visitorId }, null, 10)]);
    const [moved, ...during] = await Promise.all([evictAsOf(400), reads(), reads(), reads(), reads()]);
    expect(moved).toEqual({ segments: 1, entries: 3 });
    for (const [mine, search] of [...during, await reads()]) {
      expect(ids(mine)).toEqual(want);
      expect(search.entries.map((e) => e.decision.receipt.id)).toEqual([...want].reverse());
    }
  });

  it("the owner's erase-all reaches visitors whose every decision left D1", async () => {
    const { site, seal } = await sealedSite();
    await evictAsOf(400);
    const key = await insertApiKey(site.id);
    const res = await call(`/v1/sites/${site.id}/admin/visitors/erase-all`, {
      method: "POST",
      headers: { ...auth(key.secret), "Content-Type": "application/json" },
      body: JSON.stringify({ confirm: site.id }),
    });
    expect(await json<unknown>(res)).toMatchObject({ erased: 2, done: true });
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ?1`, site.id)).toBe(0);
    await resealStale(env, new Date());
    expect(await env.ARCHIVE.get(seal.object_key)).toBeNull(); // every row erased: the segment goes
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true });
  });

  it("retention past the evidence period removes the archived rows: the segment is deleted, its manifest stays, the walk holds", async () => {
    const { site, seal } = await sealedSite();
    await evictAsOf(400);
    const purged = await purgeExpired(env, at(5000), 1000);
    expect(purged.archived).toBeGreaterThanOrEqual(3);
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ?1`, site.id)).toBe(0);
    await resealStale(env, at(5000));
    expect(await env.ARCHIVE.get(seal.object_key)).toBeNull();
    expect((await sealRows(site.id))[0]!.emptied_at).not.toBeNull();
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true, segments: 1 });
  });

  it("a day waiting for its rewrite after an erasure stays in D1 until the rewrite, and the erased rows never reach the index", async () => {
    const { site, a, b } = await sealedSite();
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(a.token!) } })).status).toBe(200);
    expect(await evictAsOf(400)).toEqual({ segments: 0, entries: 0 });
    expect(await count(`SELECT 1 FROM ledger_chain WHERE site_id = ?1`, site.id)).toBe(3);
    await resealStale(env, new Date());
    expect(await evictAsOf(400)).toEqual({ segments: 1, entries: 3 });
    const index = (await env.LEDGER.prepare(`SELECT receipt_id FROM ledger_archived WHERE site_id = ?1`).bind(site.id).all()).results;
    expect(index).toEqual([{ receipt_id: b.receipt.id }]);
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true });
  });

  it("an erasure that commits between the eviction's read of the segment and its transaction makes the move a no-op", async () => {
    const { site, a } = await sealedSite();
    const seal = await env.LEDGER.prepare(`SELECT * FROM ledger_seals WHERE site_id = ?1`).bind(site.id).first<SealRow>();
    expect(seal!.stale).toBe(0);
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(a.token!) } })).status).toBe(200);
    // The move as the eviction step would run it with what it read before the erasure.
    await runNamedBatch(env.LEDGER, "ledger eviction", [["evict", evictStatements(env, seal!, at(400).toISOString())]]);
    expect(await count(`SELECT 1 FROM ledger_chain WHERE site_id = ?1`, site.id)).toBe(3);
    expect(await count(`SELECT 1 FROM ledger_archived WHERE site_id = ?1`, site.id)).toBe(0);
    expect(await count(`SELECT 1 FROM ledger WHERE site_id = ?1`, site.id)).toBe(1);
    expect((await sealRows(site.id))[0]!.evicted_at).toBeNull();
  });

  it("names a hot copy changed in D1, a row the index lists that the archive dropped, and a row added to D1 by hand", async () => {
    const { site, a, a2, b, seal } = await sealedSite();
    await evictAsOf(2);
    const positionOf = async (receiptId: string) => (await lines(seal.object_key)).find((l) => "row" in l && l.row.receipt_id === receiptId)!.position;

    // A hot copy edited by hand.
    await env.LEDGER.prepare(`UPDATE ledger SET categories = ?2 WHERE receipt_id = ?1`).bind(b.receipt.id, JSON.stringify({ necessary: true, usage: true, marketing: true })).run();
    expect((await verifySeals(d1SealSource(env, site.id))).broken).toMatchObject({ reason: "row_changed", position: await positionOf(b.receipt.id) });
    await env.LEDGER.prepare(`DELETE FROM ledger WHERE receipt_id = ?1`).bind(b.receipt.id).run();
    await env.LEDGER.prepare(`UPDATE ledger_archived SET hot = 0 WHERE receipt_id = ?1`).bind(b.receipt.id).run();
    expect(await verifySeals(d1SealSource(env, site.id))).toMatchObject({ ok: true });

    // A row turned into a tombstone in the archive (it still links) while nothing removed it.
    const original = await lines(seal.object_key);
    await env.ARCHIVE.put(
      seal.object_key,
      await encodeSegment(original.map((l) => ("row" in l && l.row.receipt_id === a.receipt.id ? { position: l.position, rowDigest: l.rowDigest, hash: l.hash, removed: "erasure" as const } : l))),
    );
    expect((await verifySeals(d1SealSource(env, site.id))).broken).toMatchObject({ reason: "row_missing" });
    // Reading that visitor's history is a storage fault, never an answer without the decision.
    const missing = await getMe(site.id, a.token!, "/receipts");
    expect(missing.status).toBe(503);
    expect(missing.headers.get("Retry-After")).not.toBeNull();
    // A segment that is not gzip any more: a storage fault too, not an error of the Worker.
    await env.ARCHIVE.put(seal.object_key, new TextEncoder().encode("not a segment"));
    expect((await getMe(site.id, a.token!, "/receipts")).status).toBe(503);
    await env.ARCHIVE.put(seal.object_key, await encodeSegment(original));
    expect((await getMe(site.id, a.token!, "/receipts")).status).toBe(200);

    // A row added to D1 by hand, with a sequence number the chaining step passed.
    await env.LEDGER.prepare(
      `INSERT INTO ledger (seq, receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface, categories, policy_version,
         policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family, prev_receipt_id, expires_at,
         retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt)
       SELECT seq + 1000000, 'rcpt_forged', site_id, visitor_id, 'forged-key', request_hash, recorded_at, action, surface, categories, policy_version,
       policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family, prev_receipt_id, expires_at,
       retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt FROM ledger WHERE receipt_id = ?1`,
    ).bind(a2.receipt.id).run();
    await env.LEDGER.prepare(`UPDATE ledger_chain_progress SET last_seq = last_seq + 2000000 WHERE id = 1`).run();
    expect((await verifyChain(d1ChainSource(env, site.id))).broken).toMatchObject({ reason: "row_not_in_chain", receiptId: "rcpt_forged" });
  });

  it("paging through a site's decisions, some in D1, some hot copies, some only in the archive, finds each once in order, whatever the page size and filter (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ returning: fc.boolean(), reject: fc.boolean() }), { minLength: 1, maxLength: 7 }),
        fc.array(fc.boolean(), { maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(undefined, "accept_all" as const, "reject_all" as const),
        async (before, after, limit, action) => {
          const site = await freshSite();
          const visitors: ConsentResponse[] = [];
          const decide = async (returning: boolean, reject: boolean) => {
            const body = decisionBody(site, { action: reject ? "reject_all" : "accept_all" });
            const last = visitors.at(-1);
            const res = await postDecision(site.id, body, returning && last ? { token: last.token! } : {});
            const made = (await res.json()) as ConsentResponse;
            if (!(returning && last)) visitors.push(made);
            return made.receipt;
          };
          const all = [];
          for (const d of before) all.push(await decide(d.returning, d.reject));
          await linkPending(env, 10_000, new Date());
          await sealDays(env, at(1));
          await evictAsOf(2);
          for (const reject of after) all.push(await decide(false, reject));
          const expected = all.filter((r) => !action || r.action === action).map((r) => r.id).reverse();

          const seen: string[] = [];
          let cursor: LedgerCursor | null = null;
          for (let pages = 0; pages < 50; pages++) {
            const page = await searchLedger(env, site.id, action ? { action } : {}, cursor, limit);
            seen.push(...page.entries.map((e) => e.decision.receipt.id));
            if (!page.next) break;
            cursor = page.next;
          }
          expect(seen).toEqual(expected);

          const range: string[] = [];
          let after2: LedgerCursor | null = null;
          for (let pages = 0; pages < 50; pages++) {
            const page = await ledgerRange(env, site.id, "2000-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z", after2, limit);
            range.push(...page.map((e) => e.decision.receipt.id));
            if (page.length < limit) break;
            after2 = page.at(-1)!.cursor;
          }
          expect(range).toEqual(all.map((r) => r.id));

          for (const v of visitors) {
            const mine: string[] = [];
            let from: number | null = 0;
            for (let pages = 0; pages < 50 && from !== null; pages++) {
              const page = await listDecisions(env, site.id, v.visitorId, limit, from);
              mine.push(...page.rows.map((d) => d.receipt.id));
              from = page.next;
            }
            expect(mine).toEqual(all.filter((r) => r.visitorId === v.visitorId).map((r) => r.id));
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("LEDGER_HOT_DAYS: a whole number of days from 1 to 3650; anything else keeps the default of 90", () => {
    expect(hotWindowDays({ LEDGER_HOT_DAYS: "30" })).toBe(30);
    expect(hotWindowDays({ LEDGER_HOT_DAYS: "3650" })).toBe(3650);
    for (const bad of ["0", "-5", "1.5", "ninety", "1e9", " "]) expect(hotWindowDays({ LEDGER_HOT_DAYS: bad }), bad).toBe(90);
    expect(hotWindowDays({ LEDGER_HOT_DAYS: "" })).toBe(90);
  });
});

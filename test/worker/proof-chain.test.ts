/**
 * The proof's hash chain per site (#13; R1.14's proof made tamper-evident): every decision keeps a
 * random salt, the chaining step appends the rows to their sites' chains in the order they were
 * recorded, and verification names the first position where the chain does not hold —
 * a changed field, a row deleted by hand, two entries reordered, a row added by hand. Erasure and
 * retention remove rows on purpose and the chain still verifies, with nothing of the person left.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsentResponse } from "../../worker/contract";
import { type LedgerRow, proofFieldsOfRow, purgeExpired } from "../../worker/consent/store/ledger";
import { GENESIS, linkHash, rowDigest } from "../../worker/proof/chain";
import { linkPending } from "../../worker/proof/chaining";
import { appendStatement } from "../../worker/proof/store";
import { d1ChainSource, verifyChain } from "../../worker/proof/verify";
import { ORIGIN, auth, call, decisionBody, freshSite, ledgerRows, newVisitor, postDecision } from "./helpers";

type Site = Awaited<ReturnType<typeof freshSite>>;

/** The site's chain entries, in order. */
async function chain(siteId: string) {
  const { results } = await env.LEDGER.prepare(`SELECT * FROM ledger_chain WHERE site_id = ?1 ORDER BY position`).bind(siteId).all<{
    position: number;
    receipt_id: string;
    row_digest: string | null;
    hash: string | null;
    removed: string | null;
  }>();
  return results;
}

const verify = (siteId: string) => verifyChain(d1ChainSource(env, siteId));

/** A site with `n` decisions of different visitors, linked. */
async function linkedSite(n: number): Promise<{ site: Site; visitors: ConsentResponse[] }> {
  const site = await freshSite();
  const visitors: ConsentResponse[] = [];
  for (let i = 0; i < n; i++) visitors.push(await newVisitor(site, { action: i % 2 ? "reject_all" : "accept_all" }));
  await linkPending(env, 10_000);
  return { site, visitors };
}

describe("the chain grows with every decision and never forks (R1.14)", () => {
  it("50 concurrent decisions make one linear chain: positions 1–50, each row once, every link holding", async () => {
    const site = await freshSite();
    const answers = await Promise.all(Array.from({ length: 50 }, () => postDecision(site.id, decisionBody(site))));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(201));
    // Before the chaining step: nothing linked yet, nothing broken.
    expect(await verify(site.id)).toMatchObject({ ok: true, checked: 0, linked: 0, pending: 50 });

    // Two chaining runs at once link one chain: every row once, in the order it was recorded.
    await Promise.all([linkPending(env, 10_000), linkPending(env, 10_000)]);
    const linked = await chain(site.id);
    expect(linked.map((e) => e.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(linked.map((e) => e.receipt_id)).toEqual((await ledgerRows(site.id)).map((r) => r.receipt_id));
    const v = await verify(site.id);
    expect(v).toMatchObject({ ok: true, checked: 50, linked: 50, pending: 0, broken: null });
    expect(v.head).toBe(linked.at(-1)!.hash);
    // The links are what the chain's definition says, from the first entry on.
    let previous = GENESIS;
    for (const e of linked) {
      expect(e.hash).toBe(linkHash(previous, e.row_digest!));
      previous = e.hash!;
    }
  });

  it("a retried decision (same Idempotency-Key) adds no entry; each row's digest is its salted content", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const body = decisionBody(site);
    expect((await postDecision(site.id, body, { idempotencyKey: key })).status).toBe(201);
    expect((await postDecision(site.id, body, { idempotencyKey: key })).status).toBe(201);
    await linkPending(env, 10_000);
    const [row] = await ledgerRows(site.id);
    const entries = await chain(site.id);
    expect(entries).toHaveLength(1);
    expect(row!.salt).toMatch(/^[0-9a-f]{32}$/);
    const fields = proofFieldsOfRow(row as unknown as LedgerRow);
    expect(entries[0]!.row_digest).toBe(rowDigest(row!.salt as string, fields));
    // Another salt, another digest: without the salt the digest says nothing about the row.
    expect(entries[0]!.row_digest).not.toBe(rowDigest("00".repeat(16), fields));
  });
});

describe("verification names the first position where the chain does not hold (R1.14)", () => {
  it.each([
    ["categories", `'{"necessary":true,"usage":true,"ads":true}'`],
    ["recorded_at", `'2020-01-01T00:00:00.000Z'`],
    ["visitor_id", `'00000000-0000-4000-8000-000000000000'`],
    ["gpc", `1 - gpc`],
    ["policy_version", `'forged'`],
    ["sale_sharing_opt_out", `1 - sale_sharing_opt_out`],
    ["consent_mode_mapping", `'gcm1-0000000000000000'`],
    ["retain_until", `'2099-01-01T00:00:00.000Z'`],
  ])("a row's %s changed by hand → row_changed at its position", async (column, value) => {
    const { site } = await linkedSite(5);
    const target = (await chain(site.id))[2]!;
    await env.LEDGER.prepare(`UPDATE ledger SET ${column} = ${value} WHERE receipt_id = ?1`).bind(target.receipt_id).run();
    expect((await verify(site.id)).broken).toMatchObject({ position: 3, receiptId: target.receipt_id, reason: "row_changed" });
  });

  it("a row deleted by hand → row_missing at its position", async () => {
    const { site } = await linkedSite(5);
    const target = (await chain(site.id))[3]!;
    await env.LEDGER.prepare(`DELETE FROM ledger WHERE receipt_id = ?1`).bind(target.receipt_id).run();
    expect((await verify(site.id)).broken).toMatchObject({ position: 4, receiptId: target.receipt_id, reason: "row_missing" });
  });

  it("two entries swapped whole (receipt, digest and hash) → link_broken at the first of them", async () => {
    const { site } = await linkedSite(5);
    const [, b, c] = await chain(site.id);
    const move = (position: number, e: typeof b) =>
      env.LEDGER.prepare(`UPDATE ledger_chain SET receipt_id = ?3, row_digest = ?4, hash = ?5 WHERE site_id = ?1 AND position = ?2`).bind(site.id, position, e!.receipt_id, e!.row_digest, e!.hash);
    await env.LEDGER.batch([
      env.LEDGER.prepare(`UPDATE ledger_chain SET receipt_id = 'tmp-' || receipt_id WHERE site_id = ?1 AND position IN (2, 3)`).bind(site.id),
      move(2, c),
      move(3, b),
    ]);
    expect((await verify(site.id)).broken).toMatchObject({ position: 2, receiptId: c!.receipt_id, reason: "link_broken" });
  });

  it("an entry deleted from the chain → position_missing; a row added by hand where the chain has passed → row_not_in_chain", async () => {
    const { site } = await linkedSite(4);
    await env.LEDGER.prepare(`DELETE FROM ledger_chain WHERE site_id = ?1 AND position = 2`).bind(site.id).run();
    expect((await verify(site.id)).broken).toMatchObject({ position: 2, reason: "position_missing" });

    const other = await linkedSite(2);
    await env.LEDGER.prepare(
      `INSERT INTO ledger (seq, receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface, categories, policy_version,
         policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family,
         prev_receipt_id, expires_at, retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt)
       SELECT -7, 'rcpt_forged', site_id, visitor_id, 'forged-key', request_hash, recorded_at, action, surface, categories, policy_version,
         policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country, gpc, gpc_applied, ua_family,
         prev_receipt_id, expires_at, retain_until, sale_sharing_opt_out, targeted_ads_opt_out, consent_mode_mapping, salt
       FROM ledger WHERE site_id = ?1 LIMIT 1`,
    ).bind(other.site.id).run();
    expect((await verify(other.site.id)).broken).toMatchObject({ position: 3, receiptId: "rcpt_forged", reason: "row_not_in_chain" });
  });
});

describe("erasure and retention keep the chain verifiable (R1.14)", () => {
  it("DELETE /me: the person's rows and salts are gone, their entries stay marked erased, and the chain verifies (R9.2)", async () => {
    const { site, visitors } = await linkedSite(4);
    const erased = visitors[1]!;
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(erased.token!) } })).status).toBe(200);
    expect((await ledgerRows(site.id)).some((r) => r.visitor_id === erased.visitorId)).toBe(false);
    const entries = await chain(site.id);
    const position = entries.findIndex((e) => e.removed === "erasure") + 1;
    expect(entries.filter((e) => e.removed === "erasure").map((e) => e.receipt_id)).toEqual([`removed:${site.id}:${position}`]);
    // The entry holds no visitor id, no receipt id, no content and no salt: a digest that cannot be reversed.
    expect(JSON.stringify(entries)).not.toContain(erased.visitorId);
    expect(JSON.stringify(entries)).not.toContain(erased.receipt.id);
    // Later decisions of others chain on as before.
    await newVisitor(site);
    await linkPending(env, 10_000);
    expect(await verify(site.id)).toMatchObject({ ok: true, checked: 5, linked: 5, removed: 1 });
  });

  it("the retention job: rows past their retention go, their entries are marked, and the chain verifies (R1.15)", async () => {
    const { site } = await linkedSite(3);
    const [first] = await chain(site.id);
    await env.LEDGER.prepare(`UPDATE ledger SET retain_until = '2000-01-01T00:00:00.000Z' WHERE receipt_id = ?1`).bind(first!.receipt_id).run();
    // The hand edit changed the row, so the chain says so, until retention removes it as it should.
    expect((await verify(site.id)).broken?.reason).toBe("row_changed");
    await purgeExpired(env, new Date(), 5000);
    expect((await chain(site.id))[0]!.removed).toBe("retention");
    expect(await verify(site.id)).toMatchObject({ ok: true, checked: 3, removed: 1 });
  });
});

describe("rows recorded before the chain existed", () => {
  it("get their salt from the first chaining run and verify like the rest", async () => {
    const { site } = await linkedSite(2);
    // As migration 0016 left a row recorded before it: no salt.
    const late = await newVisitor(site);
    await env.LEDGER.prepare(`UPDATE ledger SET salt = NULL WHERE receipt_id = ?1`).bind(late.receipt.id).run();
    expect(await verify(site.id)).toMatchObject({ ok: true, linked: 2, pending: 1 });
    await linkPending(env, 10_000);
    expect((await ledgerRows(site.id)).find((r) => r.receipt_id === late.receipt.id)!.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(await verify(site.id)).toMatchObject({ ok: true, linked: 3, pending: 0 });
  });

  it("a row gone by the time its link is written is linked as gone (before_link), so the positions keep no hole (R9.2)", async () => {
    const { site } = await linkedSite(1);
    const [head] = await chain(site.id);
    // What the step writes when an erasure deleted the row between its read and its write.
    const digest = rowDigest("11".repeat(16), { ...proofFieldsOfRow((await ledgerRows(site.id))[0] as unknown as LedgerRow), id: "rcpt_gone" });
    await appendStatement(env, site.id, 2, "rcpt_gone", digest, linkHash(head!.hash!, digest), new Date().toISOString()).run();
    expect((await chain(site.id)).map((e) => [e.position, e.removed])).toEqual([[1, null], [2, "before_link"]]);
    expect(await verify(site.id)).toMatchObject({ ok: true, linked: 2, removed: 1 });
  });

});

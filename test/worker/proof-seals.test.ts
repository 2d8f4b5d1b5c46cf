/**
 * Sealed segments of the proof ledger in R2 (#13): past days sealed into the ARCHIVE bucket as
 * gzipped JSON Lines beside a manifest signed with the site's receipt key; tampering with an
 * archived row, a line dropped or moved, a manifest replaced, a segment or a seal gone → the walk
 * names the position; erasure and retention rewrite the segment with tombstones and the manifest
 * still verifies. Real R2, D1 and KV through Miniflare.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import type { ConsentResponse } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { type LedgerRow, proofFieldsOfRow, purgeExpired } from "../../worker/consent/store/ledger";
import { linkHash, rowDigest } from "../../worker/proof/chain";
import { linkPending } from "../../worker/proof/chaining";
import { resealStale, sealDays } from "../../worker/proof/seal";
import { type SealClaims, type SegmentLine, decodeSegment, encodeSegment, manifestKey } from "../../worker/proof/segments";
import { advanceVerification, verificationOf } from "../../worker/proof/verifications";
import { d1ChainSource, verifyChain } from "../../worker/proof/verify";
import { d1SealSource, verifySeals as walkSeals } from "../../worker/proof/verify-seals";
import { BASE, ORIGIN, auth, call, flippedByte, freshSite, newVisitor, sealRows } from "./helpers";

type Site = Awaited<ReturnType<typeof freshSite>>;

/** The segments' walk over this Worker's D1 and ARCHIVE. */
const verifySeals = (siteId: string, options?: Parameters<typeof walkSeals>[1]) => walkSeals(d1SealSource(env, siteId), options);

const DAY = 86_400_000;
const today = new Date();
const yesterday = new Date(today.getTime() - DAY);
const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** A site with `n` decisions of different visitors, linked yesterday (so sealable today). */
async function sealableSite(n: number): Promise<{ site: Site; visitors: ConsentResponse[] }> {
  const site = await freshSite();
  const visitors: ConsentResponse[] = [];
  for (let i = 0; i < n; i++) visitors.push(await newVisitor(site, { action: i % 2 ? "reject_all" : "accept_all" }));
  await linkPending(env, 10_000, yesterday);
  return { site, visitors };
}


async function segmentLines(key: string): Promise<SegmentLine[]> {
  const object = await env.ARCHIVE.get(key);
  expect(object, key).not.toBeNull();
  return (await decodeSegment(await object!.arrayBuffer())) as SegmentLine[];
}

async function putLines(key: string, lines: SegmentLine[]): Promise<void> {
  await env.ARCHIVE.put(key, await encodeSegment(lines));
}

async function jwks(siteId: string): Promise<JSONWebKeySet> {
  return (await (await call(`/.well-known/assent/${siteId}/jwks.json`)).json()) as JSONWebKeySet;
}

describe("sealing past days into the archive (R1.14)", () => {
  it("writes yesterday's entries with their rows to ledger/{site}/{yyyy}/{mm}/{dd}.jsonl.gz and a manifest any JOSE library verifies; today's wait", async () => {
    const { site, visitors } = await sealableSite(3);
    const late = await newVisitor(site); // recorded and linked today: not sealed yet
    await linkPending(env, 10_000, today);

    const run = await sealDays(env, today);
    expect(run.refused).not.toContain(site.id);
    const [seal, ...more] = await sealRows(site.id);
    expect(more).toEqual([]);
    const [y, m, d] = ymd(yesterday).split("-");
    expect(seal).toMatchObject({ object_key: `ledger/${site.id}/${y}/${m}/${d}.jsonl.gz`, first_position: 1, last_position: 3, entries: 3, stale: 0 });

    const lines = await segmentLines(seal!.object_key);
    expect(lines.map((l) => l.position)).toEqual([1, 2, 3]);
    expect(lines.map((l) => ("row" in l ? l.row.receipt_id : null))).toEqual(visitors.map((v) => v.receipt.id));
    expect(JSON.stringify(lines)).not.toContain(late.receipt.id);

    // The manifest in the archive is the one recorded, signed with the site's published key.
    const manifest = await (await env.ARCHIVE.get(manifestKey(seal!.object_key)))!.text();
    expect(manifest).toBe(seal!.manifest);
    const { payload, protectedHeader } = await compactVerify(manifest, createLocalJWKSet(await jwks(site.id)));
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", typ: "assent-seal" });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as SealClaims;
    expect(claims).toMatchObject({ format: "assent-seal/1", site: site.id, day: ymd(yesterday), part: 1, entries: 3, first: 1, last: 3, headHash: seal!.head_hash, prevHash: "0".repeat(64) });

    expect(await verifySeals(site.id)).toMatchObject({ ok: true, complete: true, segments: 1, entries: 3, position: 3, broken: null });
    // Sealing again seals nothing new; two runs at once record each segment once.
    await Promise.all([sealDays(env, today), sealDays(env, today)]);
    expect(await sealRows(site.id)).toHaveLength(1);
    // Tomorrow, today's entry is sealed after yesterday's, chained to it.
    await sealDays(env, new Date(today.getTime() + DAY));
    const next = await sealRows(site.id);
    expect(next.map((s) => [s.first_position, s.last_position])).toEqual([[1, 3], [4, 4]]);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, segments: 2, entries: 4 });
  });

  it("seals a big day in parts ({dd}.jsonl.gz, {dd}.2.jsonl.gz …), each with its manifest, one following the other", async () => {
    const { site } = await sealableSite(7);
    await sealDays(env, today, { partEntries: 3 });
    const parts = await sealRows(site.id);
    const [y, m, d] = ymd(yesterday).split("-");
    const base = `ledger/${site.id}/${y}/${m}/${d}`;
    expect(parts.map((s) => [s.object_key, s.first_position, s.last_position])).toEqual([
      [`${base}.jsonl.gz`, 1, 3],
      [`${base}.2.jsonl.gz`, 4, 6],
      [`${base}.3.jsonl.gz`, 7, 7],
    ]);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, segments: 3, entries: 7 });
    // A walk in steps (the verification passes) gets as far and no further than its budget.
    const first = await verifySeals(site.id, { maxEntries: 3 });
    expect(first).toMatchObject({ ok: true, complete: false, position: 3 });
    expect(await verifySeals(site.id, { from: { position: first.position, head: first.head } })).toMatchObject({ ok: true, complete: true, position: 7, segments: 2 });
  });

  it("does not seal a stretch that does not hold: a row changed by hand in D1 stays out of the archive", async () => {
    const { site, visitors } = await sealableSite(2);
    await env.LEDGER.prepare(`UPDATE ledger SET action = 'accept_all' WHERE receipt_id = ?1`).bind(visitors[1]!.receipt.id).run();
    const run = await sealDays(env, today);
    expect(run.refused).toContain(site.id);
    expect(await sealRows(site.id)).toEqual([]);
  });
});

describe("tampering with the archive is named at its position (R1.14)", () => {
  /** A sealed site of 4 entries and its one segment. */
  async function sealed() {
    const { site, visitors } = await sealableSite(4);
    await sealDays(env, today);
    const [seal] = await sealRows(site.id);
    return { site, visitors, seal: seal!, lines: await segmentLines(seal!.object_key) };
  }

  it.each([
    ["a field of an archived row changed", 3, "row_changed", (l: SegmentLine[]) => { const row = (l[2] as { row: { action: string } }).row; row.action = row.action === "accept_all" ? "reject_all" : "accept_all"; }],
    ["an archived row's salt changed", 2, "row_changed", (l: SegmentLine[]) => { (l[1] as { row: { salt: string } }).row.salt = "0".repeat(32); }],
    ["a line deleted", 2, "position_missing", (l: SegmentLine[]) => { l.splice(1, 1); }],
    ["two lines swapped", 2, "position_missing", (l: SegmentLine[]) => { [l[1], l[2]] = [l[2]!, l[1]!]; }],
    ["a row turned into a tombstone by hand", 4, "row_missing", (l: SegmentLine[]) => { const { position, rowDigest, hash } = l[3]!; l[3] = { position, rowDigest, hash, removed: "erasure" }; }],
  ] as const)("%s → position %s, %s", async (_name, position, reason, edit) => {
    const { site, seal, lines } = await sealed();
    edit(lines);
    await putLines(seal.object_key, lines);
    expect(await verifySeals(site.id)).toMatchObject({ ok: false, broken: { position, reason } });
  });

  it("history rewritten in D1 (a row changed and every digest and hash after it recomputed) holds in D1 but not against the sealed day → chain_mismatch", async () => {
    const { site, visitors } = await sealableSite(3);
    await sealDays(env, today);
    const target = visitors[1]!.receipt.id;
    await env.LEDGER.prepare(`UPDATE ledger SET action = 'accept_all', categories = '{"necessary":true,"usage":true}' WHERE receipt_id = ?1`).bind(target).run();
    // The forger recomputes the chain from the changed row on, as anyone with the database can.
    const row = (await env.LEDGER.prepare(`SELECT * FROM ledger WHERE receipt_id = ?1`).bind(target).first<LedgerRow>())!;
    const entries = (await env.LEDGER.prepare(`SELECT position, row_digest, hash FROM ledger_chain WHERE site_id = ?1 ORDER BY position`).bind(site.id).all<{ position: number; row_digest: string; hash: string }>()).results;
    let previous = entries[0]!.hash;
    for (const e of entries.slice(1)) {
      const digest = e.position === 2 ? rowDigest(row.salt!, proofFieldsOfRow(row)) : e.row_digest;
      previous = linkHash(previous, digest);
      await env.LEDGER.prepare(`UPDATE ledger_chain SET row_digest = ?3, hash = ?4 WHERE site_id = ?1 AND position = ?2`).bind(site.id, e.position, digest, previous).run();
    }
    expect(await verifyChain(d1ChainSource(env, site.id))).toMatchObject({ ok: true, checked: 3 });
    expect(await verifySeals(site.id)).toMatchObject({ ok: false, broken: { position: 2, reason: "chain_mismatch" } });
  });

  it("a manifest replaced by another segment's (validly signed) or by garbage, a segment deleted, a seal's record deleted → named", async () => {
    const a = await sealed();
    const b = await sealed();
    const manifestA = manifestKey(a.seal.object_key);
    await env.ARCHIVE.put(manifestA, b.seal.manifest);
    expect(await verifySeals(a.site.id)).toMatchObject({ ok: false, broken: { position: 1, reason: "manifest_invalid" } });
    const [header, payload, signature] = a.seal.manifest.split(".");
    await env.ARCHIVE.put(manifestA, `${header}.${payload}.${flippedByte(signature!, 10)}`);
    expect((await verifySeals(a.site.id)).broken?.reason).toBe("manifest_invalid");
    // Signed by the site's own key, but a receipt, not a manifest.
    await env.ARCHIVE.put(manifestA, a.visitors[0]!.receipt.jws!);
    expect(await verifySeals(a.site.id)).toMatchObject({ ok: false, broken: { position: 1, reason: "manifest_invalid", detail: expect.stringContaining('not of typ "assent-seal"') } });
    await env.ARCHIVE.put(manifestA, a.seal.manifest);
    expect((await verifySeals(a.site.id)).ok).toBe(true);

    await env.ARCHIVE.delete(b.seal.object_key);
    expect(await verifySeals(b.site.id)).toMatchObject({ ok: false, broken: { position: 1, reason: "segment_missing" } });

    // Three parts; the middle one's record dropped from D1.
    const { site } = await sealableSite(6);
    await sealDays(env, today, { partEntries: 2 });
    await env.LEDGER.prepare(`DELETE FROM ledger_seals WHERE site_id = ?1 AND first_position = 3`).bind(site.id).run();
    expect(await verifySeals(site.id)).toMatchObject({ ok: false, broken: { position: 3, reason: "seal_missing" } });
  });
});

describe("erasure and retention reach the archive (R9.2, R1.15)", () => {
  it("DELETE /me: the segment is rewritten with a tombstone within a run, nothing of the person remains in it, the manifest still verifies", async () => {
    const { site, visitors } = await sealableSite(3);
    await sealDays(env, today);
    const [before] = await sealRows(site.id);
    const erased = visitors[1]!;
    expect(JSON.stringify(await segmentLines(before!.object_key))).toContain(erased.visitorId);

    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(erased.token!) } })).status).toBe(200);
    expect((await sealRows(site.id))[0]!.stale).toBeGreaterThan(0);
    expect(await resealStale(env, today)).toBeGreaterThanOrEqual(1);

    const [after] = await sealRows(site.id);
    expect(after).toMatchObject({ stale: 0, manifest: before!.manifest, head_hash: before!.head_hash });
    const lines = await segmentLines(after!.object_key);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(erased.visitorId);
    expect(text).not.toContain(erased.receipt.id);
    expect(lines[1]).toEqual({ position: 2, rowDigest: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/), removed: "erasure" });
    expect(text).toContain(visitors[0]!.visitorId);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, segments: 1, entries: 3 });
  });

  it("a stale segment gone from the archive is written again from D1, with the erased row as a tombstone", async () => {
    const { site, visitors } = await sealableSite(2);
    await sealDays(env, today);
    const [seal] = await sealRows(site.id);
    await env.ARCHIVE.delete(seal!.object_key);
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(visitors[0]!.token!) } })).status).toBe(200);
    expect(await resealStale(env, today)).toBe(1);
    const lines = await segmentLines(seal!.object_key);
    expect(lines.map((l) => ("removed" in l ? l.removed : l.row.receipt_id))).toEqual(["erasure", visitors[1]!.receipt.id]);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, entries: 2 });
  });

  it("the retention job: purged rows become tombstones; once every row is gone the segment is deleted, its manifest kept, and it all still verifies", async () => {
    const { site, visitors } = await sealableSite(3);
    await sealDays(env, today);
    const expire = (ids: string[]) =>
      env.LEDGER.prepare(`UPDATE ledger SET retain_until = '2000-01-01T00:00:00.000Z' WHERE receipt_id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(ids)).run();
    // (The hand edit changed the rows in D1; the archived copies are as sealed.)
    await expire([visitors[0]!.receipt.id, visitors[1]!.receipt.id]);
    await purgeExpired(env, today, 5000);
    await resealStale(env, today);
    const [seal] = await sealRows(site.id);
    const lines = await segmentLines(seal!.object_key);
    expect(lines.map((l) => ("removed" in l ? l.removed : "row"))).toEqual(["retention", "retention", "row"]);
    expect(JSON.stringify(lines)).not.toContain(visitors[0]!.visitorId);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, entries: 3 });

    await expire([visitors[2]!.receipt.id]);
    await purgeExpired(env, today, 5000);
    expect(await resealStale(env, today)).toBe(1);
    expect(await env.ARCHIVE.get(seal!.object_key)).toBeNull();
    expect(await (await env.ARCHIVE.get(manifestKey(seal!.object_key)))!.text()).toBe(seal!.manifest);
    expect((await env.LEDGER.prepare(`SELECT emptied_at FROM ledger_seals WHERE site_id = ?1`).bind(site.id).first<{ emptied_at: string | null }>())!.emptied_at).not.toBeNull();
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, segments: 1, entries: 3 });
  });

  it("an erasure that lands while a day is being sealed (after its rows were read, before its record) still reaches the archive", async () => {
    const { site, visitors } = await sealableSite(3);
    const erased = visitors[1]!;
    let raced = false;
    // The archive's first write of the run is where the race is: the rows are read, the seal not yet recorded.
    const racing = new Proxy(env.ARCHIVE, {
      get(target, name) {
        if (name !== "put") return Reflect.get(target, name, target);
        return async (...args: Parameters<R2Bucket["put"]>) => {
          if (!raced) {
            raced = true;
            expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(erased.token!) } })).status).toBe(200);
          }
          return target.put(...args);
        };
      },
    });
    await sealDays({ ...env, ARCHIVE: racing } as Env, today);
    expect(raced).toBe(true);
    const [seal] = await sealRows(site.id);
    expect(JSON.stringify(await segmentLines(seal!.object_key))).toContain(erased.visitorId);
    expect(seal!.stale).toBeGreaterThan(0);
    await resealStale(env, today);
    expect(JSON.stringify(await segmentLines(seal!.object_key))).not.toContain(erased.visitorId);
    expect(await verifySeals(site.id)).toMatchObject({ ok: true, entries: 3 });
  });

  it("a segment marked emptied by hand while its rows are still there → named at the first row kept", async () => {
    const { site } = await sealableSite(2);
    await sealDays(env, today);
    const [seal] = await sealRows(site.id);
    await env.ARCHIVE.delete(seal!.object_key);
    await env.LEDGER.prepare(`UPDATE ledger_seals SET emptied_at = ?2 WHERE site_id = ?1`).bind(site.id, today.toISOString()).run();
    expect(await verifySeals(site.id)).toMatchObject({ ok: false, broken: { position: 1, reason: "segment_missing" } });
  });
});

describe("the verification passes walk the segments too", () => {
  it("the console's last verification counts the segments, and names a tampered archived row's position", async () => {
    const { site } = await sealableSite(3);
    await sealDays(env, today);
    await advanceVerification(env, site.id, 5000, "test", today);
    expect((await verificationOf(env, site.id)).last).toMatchObject({ ok: true, checked: 3, segments: 1, broken: null });

    const [seal] = await sealRows(site.id);
    const lines = await segmentLines(seal!.object_key);
    (lines[0] as { row: { categories: string } }).row.categories = "{}";
    await putLines(seal!.object_key, lines);
    await advanceVerification(env, site.id, 5000, "test", today);
    expect((await verificationOf(env, site.id)).last).toMatchObject({ ok: false, broken: { position: 1, reason: "row_changed" } });
  });
});

describe("the daily pass reads again what changed, and the rest once a month", () => {
  it("a segment checked in full is taken as checked by the daily job for 30 days; a person's pass, a rewrite or the 31st day reads it again", async () => {
    const { site, visitors } = await sealableSite(3);
    await sealDays(env, today);
    const [seal] = await sealRows(site.id);
    const daily = async (at: Date) => {
      await advanceVerification(env, site.id, 5000, "daily job", at);
      return (await verificationOf(env, site.id)).last!;
    };
    expect(await daily(today)).toMatchObject({ ok: true, segments: 1 });
    const { verified_at } = (await env.LEDGER.prepare(`SELECT verified_at FROM ledger_seals WHERE site_id = ?1`).bind(site.id).first<{ verified_at: string }>())!;
    expect(verified_at).toMatch(/^\d{4}-/);

    // Changed by hand in R2 after that check: the next daily pass only checks its place...
    const original = await segmentLines(seal!.object_key);
    const lines = await segmentLines(seal!.object_key);
    (lines[2] as { row: { locale: string } }).row.locale = "fr";
    await putLines(seal!.object_key, lines);
    expect(await daily(new Date(today.getTime() + DAY))).toMatchObject({ ok: true, segments: 1 });
    expect(await walkSeals(d1SealSource(env, site.id), { recheckBefore: new Date(today.getTime() - 29 * DAY).toISOString() })).toMatchObject({ ok: true, readInFull: 0, cost: 1 });
    // ...a person's pass reads every segment...
    await advanceVerification(env, site.id, 5000, "owner@example.com", today);
    expect((await verificationOf(env, site.id)).last).toMatchObject({ ok: false, broken: { position: 3, reason: "row_changed" } });
    // ...and so does the daily pass 31 days after the segment was last read in full.
    expect(await daily(new Date(today.getTime() + 31 * DAY))).toMatchObject({ ok: false, broken: { position: 3, reason: "row_changed" } });

    // A rewrite (after an erasure) is read again at once.
    await putLines(seal!.object_key, original);
    expect(await daily(today)).toMatchObject({ ok: true });
    expect((await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(visitors[0]!.token!) } })).status).toBe(200);
    await resealStale(env, new Date(Date.now() + 1000)); // written after the last full read
    const rewritten = (await sealRows(site.id))[0]!;
    await env.ARCHIVE.put(manifestKey(rewritten.object_key), "not a manifest");
    expect(await daily(today)).toMatchObject({ ok: false, broken: { position: 1, reason: "manifest_invalid" } });
  });
});

describe("the receipt key ring rotates under the manifests too", () => {
  it("a day sealed before a rotation verifies after it, a day sealed after it is signed by the new key; taking the old key out breaks the old manifest", async () => {
    const { site } = await sealableSite(2);
    await sealDays(env, today);
    const rotated = { ...env, RECEIPT_KEYS: `r2:${"k".repeat(40)},s1` } as Env;
    await newVisitor(site);
    await linkPending(env, 10_000, today);
    await sealDays(rotated, new Date(today.getTime() + DAY));
    const [old, fresh] = await sealRows(site.id);
    const kid = (jws: string) => (JSON.parse(atob(jws.split(".")[0]!.replaceAll("-", "+").replaceAll("_", "/"))) as { kid: string }).kid;
    expect([kid(old!.manifest), kid(fresh!.manifest)]).toEqual(["s1", "r2"]);
    expect(await walkSeals(d1SealSource(rotated, site.id))).toMatchObject({ ok: true, segments: 2, entries: 3 });
    const withoutOld = { ...env, RECEIPT_KEYS: `r2:${"k".repeat(40)}` } as Env;
    expect(await walkSeals(d1SealSource(withoutOld, site.id))).toMatchObject({ ok: false, broken: { position: 1, reason: "manifest_invalid" } });
  });
});

describe("POST /dev/scheduled: the cron jobs at a chosen time, in local development only", () => {
  it("with at set to tomorrow, today's entries are sealed before it answers; a bad query is refused; without DEV_MODE it is not there", async () => {
    const site = await freshSite();
    await newVisitor(site);
    await linkPending(env, 10_000, today);
    const tomorrow = new Date(today.getTime() + DAY).toISOString();
    const res = await call(`/dev/scheduled?at=${encodeURIComponent(tomorrow)}`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ran: "* * * * *", at: tomorrow });
    expect((await sealRows(site.id)).map((s) => s.entries)).toEqual([1]);
    // Clicked twice at once, and again: the day is sealed once.
    await newVisitor(site);
    await linkPending(env, 10_000, today);
    const dayAfter = encodeURIComponent(new Date(today.getTime() + 2 * DAY).toISOString());
    const twice = await Promise.all([1, 2, 3].map(() => call(`/dev/scheduled?at=${dayAfter}`, { method: "POST" })));
    expect(twice.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await sealRows(site.id)).map((s) => [s.first_position, s.last_position])).toEqual([[1, 1], [2, 2]]);

    for (const query of ["cron=0+0+*+*+*", `at=tomorrow`, "when=now"]) {
      const bad = await call(`/dev/scheduled?${query}`, { method: "POST" });
      expect(bad.status, query).toBe(400);
      expect(((await bad.json()) as { code: string }).code).toBe("invalid_query");
    }
    const deployed = await app.fetch(new Request(`${BASE}/dev/scheduled`, { method: "POST" }), { ...env, DEV_MODE: undefined } as Env, createExecutionContext());
    expect(deployed.status).toBe(404);
  });
});

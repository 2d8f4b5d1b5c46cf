/**
 * Storage faults: a failing KV or D1 call answers 503 storage_unavailable with Retry-After, and
 * the client's retry (same Idempotency-Key, same body) records the decision exactly once.
 * The faulty bindings wrap the real ones: only the named operation fails, everything else is
 * real KV and D1.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { ConsentResponse } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { captureStorageFaults, envWith, failing, fetchWith } from "./fault-helpers";
import { BASE, ORIGIN, auth, decisionBody, decisionRequest, expectNothingWritten, freshSite, getMe, ledgerRows, prefEntry, prefKeys, postDecision } from "./helpers";

const failingPut = (kv: KVNamespace) => failing(kv, "put");
const failingGet = (kv: KVNamespace) => failing(kv, "get");
const failingBatch = (db: D1Database) => failing(db, "batch");

/** Storage faults are logged for the operator; captured here so the run stays quiet. */
const expectStorageFault = captureStorageFaults();

describe("KV write fails after the ledger row is written", () => {
  it("a visitor's first decision needs no KV write: recorded (201) with KV writes failing", async () => {
    const site = await freshSite();
    const res = await fetchWith(decisionRequest(site.id, decisionBody(site)), envWith({ PREFS: failingPut(env.PREFS) }));
    expect(res.status).toBe(201);
    const done = (await res.json()) as ConsentResponse;
    expect(await ledgerRows(site.id)).toHaveLength(1);
    // The record goes to KV when it is first read.
    expect(await getMe(site.id, done.token!).then((r) => r.json())).toEqual(done.preferences);
  });

  it("a record kept in KV: → 503 with Retry-After; the retry completes the decision and the state exactly once", async () => {
    const site = await freshSite();
    const first = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    expect((await getMe(site.id, first.token!)).status).toBe(200); // read once: KV holds the record from now on
    const key = crypto.randomUUID();
    const body = decisionBody(site, { action: "reject_all" });
    const opts = { idempotencyKey: key, token: first.token! };

    await expectStorageFault(await fetchWith(decisionRequest(site.id, body, opts), envWith({ PREFS: failingPut(env.PREFS) })));
    // Between the failure and the retry: the proof row exists (D1 is written first), the KV
    // state is still the old one. The widget keeps its local record and retries with the same key.
    const rows = await ledgerRows(site.id);
    expect(rows.map((r) => r.action)).toEqual(["accept_all", "reject_all"]);
    expect((await prefEntry(site.id, first.visitorId)).value?.categories.usage).toBe(true);

    const retry = await postDecision(site.id, body, opts);
    expect(retry.status).toBe(200);
    const done = (await retry.json()) as ConsentResponse;
    expect(done.replayed).toBe(true);
    expect(done.receipt.id).toBe(rows[1]!.receipt_id);
    // Completed: still two rows, and the KV state the latest row stands for.
    expect(await ledgerRows(site.id)).toHaveLength(2);
    const { value, expiration } = await prefEntry(site.id, first.visitorId);
    expect(value).toEqual(done.preferences);
    expect(value?.categories.usage).toBe(false);
    expect(expiration).toBe(Math.floor(Date.parse(done.receipt.expiresAt) / 1000));

    // A second retry changes nothing.
    const again = (await (await postDecision(site.id, body, opts)).json()) as ConsentResponse;
    expect(again).toMatchObject({ replayed: true, visitorId: first.visitorId });
    expect(await ledgerRows(site.id)).toHaveLength(2);
  });

  it("the first read of a record fails to write KV → 503; the next read puts it there", async () => {
    const site = await freshSite();
    const first = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    const read = () => new Request(`${BASE}/v1/sites/${site.id}/me`, { headers: auth(first.token!) });
    await expectStorageFault(await fetchWith(read(), envWith({ PREFS: failingPut(env.PREFS) })));
    expect(await prefKeys(site.id)).toEqual([]);
    expect(await getMe(site.id, first.token!).then((r) => r.json())).toEqual(first.preferences);
    expect((await prefEntry(site.id, first.visitorId)).value).toEqual(first.preferences);
  });
});

describe("D1 batch fails", () => {
  it("→ 503 and nothing is written anywhere; the retry records one row", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const body = decisionBody(site);
    const opts = { idempotencyKey: key };

    await expectStorageFault(await fetchWith(decisionRequest(site.id, body, opts), envWith({ LEDGER: failingBatch(env.LEDGER) })));
    await expectNothingWritten(site.id);

    const retry = await postDecision(site.id, body, opts);
    expect(retry.status).toBe(201);
    const done = (await retry.json()) as ConsentResponse;
    expect(done.replayed).toBe(false); // nothing had been recorded
    expect(await ledgerRows(site.id)).toHaveLength(1);
    expect(await getMe(site.id, done.token!).then((r) => r.json())).toEqual(done.preferences);
  });

  it("during an erasure → 503, and the retry finishes it", async () => {
    const site = await freshSite();
    const first = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    const del = () => new Request(`${BASE}/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(first.token!) } });

    await expectStorageFault(await fetchWith(del(), envWith({ LEDGER: failingBatch(env.LEDGER) })));
    expect(await ledgerRows(site.id)).toHaveLength(1); // the proof is still there: the job is not done

    const res = await fetchWith(del(), env as unknown as Env);
    expect(res.status).toBe(200);
    expect(await ledgerRows(site.id)).toEqual([]);
    expect(await prefKeys(site.id)).toEqual([]);
  });
});

describe("KV read of the site config fails", () => {
  it("→ 503 on bootstrap and on a decision, which writes nothing", async () => {
    const site = await freshSite();
    const faulty = envWith({ SITES: failingGet(env.SITES) });
    await expectStorageFault(await fetchWith(new Request(`${BASE}/v1/sites/${site.id}/bootstrap`), faulty));
    await expectStorageFault(await fetchWith(decisionRequest(site.id, decisionBody(site)), faulty));
    await expectNothingWritten(site.id);
  });
});

describe("KV read of the visitor state fails", () => {
  it("GET /me → 503, not a misleading 404", async () => {
    const site = await freshSite();
    const first = (await (await postDecision(site.id, decisionBody(site))).json()) as ConsentResponse;
    const req = new Request(`${BASE}/v1/sites/${site.id}/me`, { headers: auth(first.token!) });
    await expectStorageFault(await fetchWith(req, envWith({ PREFS: failingGet(env.PREFS) })));
  });
});

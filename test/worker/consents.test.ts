/**
 * POST /v1/sites/{siteId}/consents: recording a decision. The KV state with its expiration
 * (R1.12, R1.13, R6.4), the proof row and its chain (R1.14, R6.8), idempotent retries, GPC
 * (R2.1–R2.3, R7.6), and every refusal writing nothing (R6.3, R7.5).
 */
import { describe, expect, it } from "vitest";
import type { ConsentResponse, Preferences } from "../../worker/contract";
import {
  CHROME_UA,
  ORIGIN,
  auth,
  call,
  decisionBody,
  expectNothingWritten,
  expectProblem,
  freshSite,
  getMe,
  ledgerRows,
  newVisitor,
  postDecision,
  prefEntry,
  prefKeys, withinOneRateWindow } from "./helpers";

const DAY_S = 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const nowS = () => Date.now() / 1000;

describe("a first decision", () => {
  it("→ 201 with a new visitor id, a token, a receipt and the preferences", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site));
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Set-Cookie")).toBeNull();
    const body = (await res.json()) as ConsentResponse;
    expect(body.visitorId).toMatch(UUID);
    expect(body.token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(body.replayed).toBe(false);
    expect(body.receipt).toMatchObject({
      id: expect.stringMatching(/^rcpt_[0-9a-z]{30}$/),
      siteId: site.id,
      visitorId: body.visitorId,
      action: "accept_all",
      categories: { necessary: true, usage: true },
      policyFingerprint: site.fingerprint,
      prevId: null,
    });
    expect(body.preferences).toMatchObject({
      siteId: site.id,
      visitorId: body.visitorId,
      categories: { necessary: true, usage: true },
      action: "accept_all",
      gpc: false,
      policyFingerprint: site.fingerprint,
      policyVersion: site.config.policy.version,
      receiptId: body.receipt.id,
      expiresAt: body.receipt.expiresAt,
    });
  });

  it("writes no KV record until the record is read; the first read puts it in KV under pref:v1:{site}:{visitor}", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    // Nobody read it yet: a first decision costs no KV write (worker/consent/visitor-record.ts).
    expect(await prefKeys(site.id)).toEqual([]);
    expect(await getMe(site.id, first.token!).then((r) => r.json())).toEqual(first.preferences);
    expect(await prefKeys(site.id)).toEqual([`pref:v1:${site.id}:${first.visitorId}`]);
    const { value } = await prefEntry(site.id, first.visitorId);
    expect(value).toEqual(first.preferences);
  });

  it("a grant expires after lifetimeDays, in the response and in KV", async () => {
    const site = await freshSite((c) => (c.consent = { lifetimeDays: 180, refusalDays: 365 }));
    const before = nowS();
    const first = await newVisitor(site, { action: "custom", choices: { usage: true } });
    await getMe(site.id, first.token!);
    const { expiration } = await prefEntry(site.id, first.visitorId);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before + 180 * DAY_S) - 1);
    expect(expiration).toBeLessThanOrEqual(nowS() + 180 * DAY_S + 1);
    expect(Date.parse(first.preferences.expiresAt) / 1000).toBeCloseTo(expiration!, -1);
  });

  it.each(["reject_all", "withdraw"] as const)("a refusal (%s) is kept for refusalDays, not the grant lifetime", async (action) => {
    const site = await freshSite((c) => (c.consent = { lifetimeDays: 180, refusalDays: 365 }));
    const before = nowS();
    const first = await newVisitor(site, { action });
    await getMe(site.id, first.token!);
    const { value, expiration } = await prefEntry(site.id, first.visitorId);
    expect(value?.categories).toEqual({ necessary: true, usage: false });
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before + 365 * DAY_S) - 1);
    expect(expiration).toBeLessThanOrEqual(nowS() + 365 * DAY_S + 1);
    expect(Date.parse(first.receipt.expiresAt) / 1000).toBeCloseTo(expiration!, -1);
  });
});

describe("a later decision with the token", () => {
  it("→ 200 for the same visitor with a renewed token, chained to the first receipt, a higher version", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    await getMe(site.id, first.token!); // read once: from now on KV holds the record
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all", surface: "preferences" }), { token: first.token! });
    expect(res.status).toBe(200);
    const second = (await res.json()) as ConsentResponse;
    // A fresh token for the same visitor (tokens expire; every decision renews them), and both work.
    expect(second.token).toMatch(/^v1\./);
    expect(second.token).not.toBe(first.token);
    for (const token of [first.token!, second.token!]) expect(((await (await getMe(site.id, token)).json()) as { visitorId: string }).visitorId).toBe(first.visitorId);
    expect(second.visitorId).toBe(first.visitorId);
    expect(second.replayed).toBe(false);
    expect(second.receipt.prevId).toBe(first.receipt.id);
    expect(second.receipt.id).not.toBe(first.receipt.id);
    expect(second.preferences.version).toBeGreaterThan(first.preferences.version);
    expect(second.preferences.categories).toEqual({ necessary: true, usage: false });

    // The current state is the later one; the earlier proof still exists (R1.14: never deleted).
    expect((await prefEntry(site.id, first.visitorId)).value).toEqual(second.preferences);
    expect(await prefKeys(site.id)).toHaveLength(1);
    const rows = await ledgerRows(site.id);
    expect(rows.map((r) => [r.receipt_id, r.prev_receipt_id, r.action])).toEqual([
      [first.receipt.id, null, "accept_all"],
      [second.receipt.id, first.receipt.id, "reject_all"],
    ]);
  });
});

describe("the proof row (R1.14)", () => {
  it("holds every field, server time, and neither the IP address nor the full user agent", async () => {
    const site = await freshSite();
    const ip = "198.51.100.73";
    const ipv6 = "2001:db8:abcd:12::7";
    const before = new Date().toISOString();
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage: false }, locale: "de", widgetVersion: "assent-9.9.9", surface: "preferences" }), {
      headers: { "CF-Connecting-IP": ip, "X-Forwarded-For": `${ipv6}, ${ip}`, "X-Real-IP": ip, "True-Client-IP": ip },
      cf: { country: "US", regionCode: "CA" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ConsentResponse;
    const after = new Date().toISOString();

    const rows = await ledgerRows(site.id);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      receipt_id: body.receipt.id,
      site_id: site.id,
      visitor_id: body.visitorId,
      action: "custom",
      surface: "preferences",
      policy_version: site.config.policy.version,
      policy_last_updated: site.config.policy.lastUpdated,
      policy_fingerprint: site.fingerprint,
      text_hash: site.textHash,
      widget_version: "assent-9.9.9",
      locale: "de",
      regime: "opt-out",
      jurisdiction: "US-CA",
      country: "US",
      gpc: 0,
      gpc_applied: 0,
      ua_family: "Chrome",
      prev_receipt_id: null,
      expires_at: body.receipt.expiresAt,
    });
    // Every category stated, true or false.
    expect(JSON.parse(row.categories as string)).toEqual({ necessary: true, usage: false });
    // Recorded at the server's clock.
    const recordedAt = row.recorded_at as string;
    expect(recordedAt >= before && recordedAt <= after, `${before} ≤ ${recordedAt} ≤ ${after}`).toBe(true);
    expect(row.recorded_at).toBe(body.receipt.recordedAt);
    expect(Date.parse(row.retain_until as string)).toBeGreaterThan(Date.parse(row.expires_at as string));

    // No IP address and no full user agent, in any column name or value.
    const json = JSON.stringify(row);
    for (const forbidden of [ip, ipv6, "198.51.100", "2001:db8:abcd", CHROME_UA, "Mozilla/5.0", "X11; Linux"])
      expect(json).not.toContain(forbidden);
    expect(Object.keys(row).filter((k) => /(^|_)ip($|_)|addr|user_?agent|^ua$/i.test(k))).toEqual([]);
    // Nor in the KV state.
    expect((await getMe(site.id, body.token!)).status).toBe(200);
    const kv = JSON.stringify((await prefEntry(site.id, body.visitorId)).value);
    expect(kv).not.toContain(ip);
    expect(kv).not.toContain("Mozilla/5.0");
  });
});

describe("idempotent retries", () => {
  it("the same Idempotency-Key and body → the same receipt, replayed, one ledger row", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const body = decisionBody(site);
    const first = await postDecision(site.id, body, { idempotencyKey: key });
    expect(first.status).toBe(201);
    const a = (await first.json()) as ConsentResponse;

    // A tokenless retry (the first answer was lost): the same visitor, and a token for it.
    const retry = await postDecision(site.id, body, { idempotencyKey: key });
    expect(retry.status).toBe(201);
    const b = (await retry.json()) as ConsentResponse;
    expect(b.replayed).toBe(true);
    expect(b.visitorId).toBe(a.visitorId);
    expect(b.receipt).toEqual(a.receipt);
    expect(b.preferences).toEqual(a.preferences);
    expect(b.token).toMatch(/^v1\.k2\./);
    expect((await getMe(site.id, b.token!)).status).toBe(200);

    expect(await ledgerRows(site.id)).toHaveLength(1);
    // One record, put in KV by the read above.
    expect(await prefKeys(site.id)).toHaveLength(1);
  });

  it("a retried later decision with the token → 200 replayed, still one row for it", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    const key = crypto.randomUUID();
    const body = decisionBody(site, { action: "reject_all" });
    const a = (await (await postDecision(site.id, body, { token: first.token!, idempotencyKey: key })).json()) as ConsentResponse;
    const res = await postDecision(site.id, body, { token: first.token!, idempotencyKey: key });
    expect(res.status).toBe(200);
    const b = (await res.json()) as ConsentResponse;
    expect(b).toMatchObject({ replayed: true, visitorId: first.visitorId });
    expect(b.receipt).toEqual(a.receipt);
    expect(await ledgerRows(site.id)).toHaveLength(2);
  });

  it("a retry does not roll the state back over a newer decision", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    await getMe(site.id, first.token!); // kept in KV from now on
    const key = crypto.randomUUID();
    const reject = decisionBody(site, { action: "reject_all" });
    await postDecision(site.id, reject, { token: first.token!, idempotencyKey: key });
    const accept = (await (await postDecision(site.id, decisionBody(site), { token: first.token! })).json()) as ConsentResponse;
    const replay = await postDecision(site.id, reject, { token: first.token!, idempotencyKey: key });
    expect(((await replay.json()) as ConsentResponse).replayed).toBe(true);
    expect((await prefEntry(site.id, first.visitorId)).value).toEqual(accept.preferences);
  });

  it("the same key with a different body → 422 idempotency_key_reused, still one row", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    const first = await postDecision(site.id, decisionBody(site), { idempotencyKey: key });
    expect(first.status).toBe(201);
    await expectProblem(await postDecision(site.id, decisionBody(site, { action: "reject_all" }), { idempotencyKey: key }), 422, "idempotency_key_reused");
    expect(await ledgerRows(site.id)).toHaveLength(1);
    expect((await ledgerRows(site.id))[0]!.action).toBe("accept_all");
  });

  it("another visitor reusing someone's key → 422, nothing recorded for them", async () => {
    const site = await freshSite();
    const key = crypto.randomUUID();
    await postDecision(site.id, decisionBody(site), { idempotencyKey: key });
    const other = await newVisitor(site);
    await expectProblem(await postDecision(site.id, decisionBody(site), { idempotencyKey: key, token: other.token! }), 422, "idempotency_key_reused");
    expect(await ledgerRows(site.id)).toHaveLength(2);
  });

  it.each([
    [null, "idempotency_key_required"],
    ["", "idempotency_key_required"],
    ["not-a-uuid", "invalid_idempotency_key"],
    ["12345", "invalid_idempotency_key"],
  ] as const)("Idempotency-Key %j → 400 %s, nothing written", async (key, code) => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, decisionBody(site), { idempotencyKey: key }), 400, code);
    await expectNothingWritten(site.id);
  });
});

describe("GPC (R2.1–R2.3, R7.6)", () => {
  const row = async (siteId: string) => (await ledgerRows(siteId))[0]!;

  it("header Sec-GPC: 1 with accept_all → usage off, gpc and gpcApplied recorded", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site), { headers: { "Sec-GPC": "1" } });
    const body = (await res.json()) as ConsentResponse;
    expect(body.preferences.categories).toEqual({ necessary: true, usage: false });
    expect(body.preferences.gpc).toBe(true);
    expect(body.receipt).toMatchObject({ gpc: true, gpcApplied: true });
    expect(await row(site.id)).toMatchObject({ gpc: 1, gpc_applied: 1, categories: '{"necessary":true,"usage":false}' });
  });

  it("body gpc:true alone (navigator.globalPrivacyControl) does the same", async () => {
    const site = await freshSite();
    const body = await newVisitor(site, { gpc: true });
    expect(body.preferences.categories.usage).toBe(false);
    expect(await row(site.id)).toMatchObject({ gpc: 1, gpc_applied: 1 });
  });

  it("Sec-GPC: 0 does not", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site), { headers: { "Sec-GPC": "0" } });
    expect(((await res.json()) as ConsentResponse).preferences.categories.usage).toBe(true);
    expect(await row(site.id)).toMatchObject({ gpc: 0, gpc_applied: 0 });
  });

  it("GPC beats an earlier accept (R2.3)", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    expect(first.preferences.categories.usage).toBe(true);
    await getMe(site.id, first.token!);
    const res = await postDecision(site.id, decisionBody(site, { surface: "gpc" }), { token: first.token!, headers: { "Sec-GPC": "1" } });
    expect(((await res.json()) as ConsentResponse).preferences.categories.usage).toBe(false);
    expect((await prefEntry(site.id, first.visitorId)).value?.categories.usage).toBe(false);
    const rows = await ledgerRows(site.id);
    expect(rows[1]).toMatchObject({ surface: "gpc", gpc: 1, gpc_applied: 1, prev_receipt_id: first.receipt.id });
  });
});

describe("refused decisions write nothing", () => {
  it("necessary:false → 422 necessary_required", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { necessary: false, usage: false } }));
    await expectProblem(res, 422, "necessary_required");
    await expectNothingWritten(site.id);
  });

  it("an unknown category → 422 unknown_category", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage: true, marketing: true } }));
    const problem = await expectProblem(res, 422, "unknown_category");
    expect(problem.errors).toEqual([{ path: "choices.marketing", message: expect.any(String) }]);
    await expectNothingWritten(site.id);
  });

  it("a custom decision missing a category → 422", async () => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, decisionBody(site, { action: "custom", choices: {} })), 422, "missing_category");
    await expectNothingWritten(site.id);
  });

  it("a stale policyFingerprint → 409 policy_changed", async () => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, decisionBody(site, { policyFingerprint: "fp1-00000000000000000000000000000000" })), 409, "policy_changed");
    await expectNothingWritten(site.id);
  });

  it("a stale fingerprint from a later decision leaves the visitor's state as it was", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    await getMe(site.id, first.token!);
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all", policyFingerprint: "fp1-old" }), { token: first.token! });
    await expectProblem(res, 409, "policy_changed");
    expect(await ledgerRows(site.id)).toHaveLength(1);
    expect((await prefEntry(site.id, first.visitorId)).value).toEqual(first.preferences);
  });

  it("malformed JSON → 400 malformed_json", async () => {
    const site = await freshSite();
    await expectProblem(await postDecision(site.id, '{"action": "accept_all",'), 400, "malformed_json");
    await expectNothingWritten(site.id);
  });

  it.each([
    ["an unknown field", { ip: "1.2.3.4" }],
    ["an unknown action", { action: "accept_some" }],
    ["a timestamp from the client", { ts: "2020-01-01T00:00:00Z" }],
    ["a text hash bootstrap never gave", { textHash: "<b>anything</b>" }],
  ])("a body with %s → 422 invalid_body", async (_what, over) => {
    const site = await freshSite();
    const res = await postDecision(site.id, { ...decisionBody(site), ...over });
    const problem = await expectProblem(res, 422, "invalid_body");
    expect(problem.errors?.length).toBeGreaterThan(0);
    await expectNothingWritten(site.id);
  });

  it("a body over 8 KB → 413 body_too_large", async () => {
    const site = await freshSite();
    const body = JSON.stringify({ ...decisionBody(site), padding: "x".repeat(9 * 1024) });
    await expectProblem(await postDecision(site.id, body), 413, "body_too_large");
    await expectNothingWritten(site.id);
  });

  it("a streamed body over 8 KB, with no Content-Length → 413 body_too_large", async () => {
    const site = await freshSite();
    const bytes = new TextEncoder().encode(JSON.stringify({ ...decisionBody(site), padding: "x".repeat(9 * 1024) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const res = await call(`/v1/sites/${site.id}/consents`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: ORIGIN, "Idempotency-Key": crypto.randomUUID() },
      body: stream,
    });
    await expectProblem(res, 413, "body_too_large");
    await expectNothingWritten(site.id);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])(
    "Content-Type %j → 415 unsupported_media_type",
    async (type) => {
      const site = await freshSite();
      const res = await postDecision(site.id, JSON.stringify(decisionBody(site)), { headers: { "Content-Type": type } });
      await expectProblem(res, 415, "unsupported_media_type");
      await expectNothingWritten(site.id);
    },
  );

  it("application/json with a charset is accepted", async () => {
    const site = await freshSite();
    const res = await postDecision(site.id, decisionBody(site), { headers: { "Content-Type": "application/json; charset=utf-8" } });
    expect(res.status).toBe(201);
  });

  it("a decision for an unknown site → 404 site_not_found", async () => {
    const site = await freshSite();
    await expectProblem(await postDecision("no-such-site", decisionBody(site)), 404, "site_not_found");
  });
});

describe("no response sets a cookie (R7.1)", () => {
  it("across the API's answers, successes and errors", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    const responses = [
      await call(`/v1/sites/${site.id}/bootstrap`, { headers: { Origin: ORIGIN } }),
      await postDecision(site.id, decisionBody(site), { token: first.token! }),
      await postDecision(site.id, "{"),
      await call(`/v1/sites/${site.id}/consents`, { method: "OPTIONS", headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" } }),
      await getMe(site.id, first.token!),
      await getMe(site.id, first.token!, "/receipts"),
      await getMe(site.id, first.token!, "/export"),
      await call(`/v1/sites/${site.id}/me`),
      await call(`/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(first.token!) } }),
      await call("/v1/health"),
      await call("/nowhere"),
    ];
    for (const res of responses) {
      expect(res.headers.get("Set-Cookie"), `${res.status} ${res.url}`).toBeNull();
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      await res.body?.cancel();
    }
  });
});

describe("rate limiting (R6.10): 20 writes per 10 s", () => {
  /** Waits for the start of a fresh 10 s window of the local limiter, so a run never straddles two. */
  async function freshWindow() {
    const into = Date.now() % 10_000;
    if (into > 7_000) await new Promise((resolve) => setTimeout(resolve, 10_000 - into + 50));
  }

  it("the 21st tokenless POST from one network → 429 with Retry-After, and nothing more written", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    await freshWindow();
    const statuses: number[] = [];
    let token = "";
    for (let i = 0; i < 20; i++) {
      const res = await postDecision(site.id, decisionBody(site), { headers: { "CF-Connecting-IP": "203.0.113.7" } });
      statuses.push(res.status);
      token ||= ((await res.json()) as ConsentResponse).token ?? "";
    }
    expect(statuses).toEqual(Array(20).fill(201));

    const limited = await postDecision(site.id, decisionBody(site), { headers: { "CF-Connecting-IP": "203.0.113.7" } });
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(limited, 429, "rate_limited");
    // The same /24 shares the limit.
    await expectProblem(await postDecision(site.id, decisionBody(site), { headers: { "CF-Connecting-IP": "203.0.113.99" } }), 429, "rate_limited");
    expect(await ledgerRows(site.id)).toHaveLength(20);

    // Another network, or a visitor with a token (limited per visitor), is not held up by it.
    expect((await postDecision(site.id, decisionBody(site), { headers: { "CF-Connecting-IP": "198.51.100.7" } })).status).toBe(201);
    expect((await postDecision(site.id, decisionBody(site), { token, headers: { "CF-Connecting-IP": "203.0.113.7" } })).status).toBe(200);
  });
});

describe("concurrency (R6.8)", () => {
  it("20 concurrent decisions with one token form a single chain, no fork", async () => {
    const site = await freshSite();
    const first = await newVisitor(site);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postDecision(site.id, decisionBody(site, i % 2 ? { action: "reject_all" } : {}), { token: first.token! }).then(async (res) => ({
          status: res.status,
          body: (await res.json()) as ConsentResponse,
        })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));

    const rows = await ledgerRows(site.id);
    expect(rows).toHaveLength(21);
    expect(rows[0]!.receipt_id).toBe(first.receipt.id);
    expect(rows[0]!.prev_receipt_id).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_receipt_id).toBe(rows[i - 1]!.receipt_id);
    const prevs = rows.map((r) => r.prev_receipt_id);
    expect(new Set(prevs).size).toBe(prevs.length);
    // Each answer's receipt is in the chain, with the prevId the ledger holds.
    const byId = new Map(rows.map((r) => [r.receipt_id, r.prev_receipt_id]));
    for (const { body } of results) expect(byId.get(body.receipt.id)).toBe(body.receipt.prevId);
    // The versions handed out are all different.
    expect(new Set(results.map((r) => (r.body.preferences as Preferences).version)).size).toBe(20);
    // The visitor's current state is the newest decision in the chain.
    const me = (await (await getMe(site.id, first.token!)).json()) as Preferences;
    expect(me.receiptId).toBe(rows[rows.length - 1]!.receipt_id);
  });
});

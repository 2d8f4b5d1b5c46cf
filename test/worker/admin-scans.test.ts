/**
 * Compliance scan reports in the site owner API (`/v1/sites/{siteId}/admin/scans`): a CI run
 * posts the scanner's JSON report with the site's API key; it is stored, listed newest first,
 * and read back whole. Bad input (not JSON, the wrong schema, an unknown rule, too large, a
 * report about another site) gets a problem and writes nothing; another site's key gets
 * nothing; a site keeps its 100 newest reports; a D1 fault is a 503 to retry.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ScanCreated, ScanCreated as ScanCreatedSchema, type ScanList, type ScanReport, StoredScan } from "../../worker/contract";
import { MAX_SCAN_BODY_BYTES } from "../../worker/middleware/size-guard";
import { MAX_SCANS_PER_SITE, insertScan, newScanId } from "../../worker/scans/store";
import { captureStorageFaults, envWith, failing, failingStatements, fetchWith } from "./fault-helpers";
import { BASE, auth, call, expectProblem, freshSite, insertApiKey } from "./helpers";
import { scanReport } from "./scan-fixture";

const expectStorageFault = captureStorageFaults();

const scansPath = (siteId: string, sub = "") => `/v1/sites/${siteId}/admin/scans${sub}`;

function postScan(siteId: string, secret: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(scansPath(siteId), {
    method: "POST",
    headers: { ...auth(secret), "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const getScans = (siteId: string, secret: string, sub = "") => call(scansPath(siteId, sub), { headers: auth(secret) });

/** How many reports D1 holds for a site. */
async function storedCount(siteId: string): Promise<number> {
  return (await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM scans WHERE site_id = ?1`).bind(siteId).first<{ n: number }>())!.n;
}

/** A site with an API key of its own. */
async function siteWithKey() {
  const site = await freshSite();
  return { site, key: await insertApiKey(site.id) };
}

describe("POST /admin/scans", () => {
  it("stores a report: 201 with its id, time, counts and Location; listed, and read back as it was sent", async () => {
    const { site, key } = await siteWithKey();
    const report = scanReport(site.id);
    const res = await postScan(site.id, key.secret, report);
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const created = ScanCreatedSchema.parse(await res.json());
    expect(created.summary).toEqual({ errors: 5, warnings: 3, infos: 1 });
    expect(Date.now() - Date.parse(created.receivedAt)).toBeLessThan(60_000);
    const location = res.headers.get("Location");
    expect(location).toBe(scansPath(site.id, `/${created.id}`));

    const list = (await (await getScans(site.id, key.secret)).json()) as ScanList;
    expect(list).toEqual({
      scans: [
        {
          id: created.id,
          receivedAt: created.receivedAt,
          url: "https://shop.example.com/",
          tool: "assent-scan 0.9.0",
          startedAt: report.startedAt,
          finishedAt: report.finishedAt,
          errors: 5,
          warnings: 3,
          infos: 1,
        },
      ],
      next: null,
    });

    const one = await call(location!, { headers: auth(key.secret) });
    expect(one.status).toBe(200);
    expect(one.headers.get("Content-Type")).toContain("application/json");
    expect(one.headers.get("Cache-Control")).toBe("no-store");
    expect(StoredScan.parse(await one.json())).toEqual({ id: created.id, receivedAt: created.receivedAt, report });
  });

  it("takes a report whose site the scanner could not tell (site: null), and drops keys the schema does not know", async () => {
    const { site, key } = await siteWithKey();
    const res = await postScan(site.id, key.secret, { ...scanReport(null), extra: "not kept", secret: "x" });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as ScanCreated;
    const stored = StoredScan.parse(await (await getScans(site.id, key.secret, `/${id}`)).json());
    expect(stored.report.site).toBeNull();
    expect(stored.report).not.toHaveProperty("extra");
  });

  it("refuses bad input with a problem and a stable code, writing nothing", async () => {
    const { site, key } = await siteWithKey();
    await expectProblem(await postScan(site.id, key.secret, "{ not json"), 400, "malformed_json");
    await expectProblem(await postScan(site.id, key.secret, ""), 422, "invalid_body");
    await expectProblem(await postScan(site.id, key.secret, { ...scanReport(site.id), schema: "assent.scan/2" }), 422, "invalid_body");
    await expectProblem(await postScan(site.id, key.secret, { ...scanReport(site.id), profiles: [] }), 422, "invalid_body");
    await expectProblem(await postScan(site.id, key.secret, [scanReport(site.id)]), 422, "invalid_body");

    // A finding under a rule the contract does not know: the path names it.
    const report = scanReport(site.id);
    const unknownRule = { ...report, findings: [{ ...report.findings[0]!, rule: "before-choice/fingerprint" }] };
    const problem = await expectProblem(await postScan(site.id, key.secret, unknownRule), 422, "invalid_body");
    expect(problem.errors?.map((e) => e.path)).toEqual(["findings.0.rule"]);

    // Counts that are not the findings' (the console lists the counts without the report), or a profile twice.
    const hiding = await expectProblem(await postScan(site.id, key.secret, { ...report, summary: { ...report.summary, errors: 0 } }), 422, "invalid_body");
    expect(hiding.errors?.map((e) => e.path)).toEqual(["summary.errors"]);
    const twice = await expectProblem(await postScan(site.id, key.secret, { ...report, profiles: [report.profiles[0], report.profiles[0]] }), 422, "invalid_body");
    expect(twice.errors?.map((e) => e.path)).toEqual(["profiles"]);

    // Over 1 MB: refused by its size, announced or streamed, before it is read.
    const big = JSON.stringify({ ...report, tool: "x".repeat(MAX_SCAN_BODY_BYTES) });
    const tooLarge = await expectProblem(await postScan(site.id, key.secret, big), 413, "body_too_large");
    expect(tooLarge.detail).toContain("1 MB");
    const streamed = new Blob([big]).stream();
    await expectProblem(await call(scansPath(site.id), { method: "POST", headers: auth(key.secret), body: streamed }), 413, "body_too_large");

    expect(await storedCount(site.id)).toBe(0);
  });

  it("takes a report just under 1 MB", async () => {
    const { site, key } = await siteWithKey();
    const report = scanReport(site.id);
    // Padding the JSON text with whitespace keeps the report valid and the request large.
    const body = JSON.stringify(report);
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    const padded = body.slice(0, -1) + " ".repeat(MAX_SCAN_BODY_BYTES - bytes(body)) + "}";
    expect(bytes(padded)).toBe(MAX_SCAN_BODY_BYTES);
    expect((await postScan(site.id, key.secret, padded)).status).toBe(201);
  });

  it("refuses a report about another site with 422 scan_site_mismatch, writing nothing", async () => {
    const { site, key } = await siteWithKey();
    const problem = await expectProblem(await postScan(site.id, key.secret, scanReport("someone-else")), 422, "scan_site_mismatch");
    expect(problem.detail).toContain("someone-else");
    expect(await storedCount(site.id)).toBe(0);
  });

  it("keeps the site's 100 newest reports: the 101st drops the oldest, in the same write", async () => {
    const { site, key } = await siteWithKey();
    const other = await siteWithKey();
    const base = Date.now() - 200 * 60_000;
    const ids: string[] = [];
    // 100 reports received a minute apart, through the store (the API's rate limit is 100 per 10 s).
    for (let i = 0; i < MAX_SCANS_PER_SITE; i++) {
      const id = newScanId();
      ids.push(id);
      await insertScan(
        env,
        { id, site_id: site.id, received_at: new Date(base + i * 60_000).toISOString(), url: "https://shop.example.com/", tool: "assent-scan 0.9.0", started_at: "2026-11-02T09:14:05.120Z", finished_at: "2026-11-02T09:14:41.877Z", errors: i, warnings: 0, infos: 0 },
        JSON.stringify(scanReport(site.id)),
      );
    }
    expect((await postScan(other.site.id, other.key.secret, scanReport(null))).status).toBe(201);
    expect(await storedCount(site.id)).toBe(MAX_SCANS_PER_SITE);

    const res = await postScan(site.id, key.secret, scanReport(site.id));
    expect(res.status).toBe(201);
    const created = (await res.json()) as ScanCreated;
    expect(await storedCount(site.id)).toBe(MAX_SCANS_PER_SITE);
    // Another site's history is its own: not counted, not trimmed.
    expect(await storedCount(other.site.id)).toBe(1);

    // Paged newest first, each report exactly once: the new one, then the 99 newest of before.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ScanList = await (await getScans(site.id, key.secret, `?limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json();
      seen.push(...page.scans.map((s) => s.id));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual([created.id, ...ids.slice(1).reverse()]);
    await expectProblem(await getScans(site.id, key.secret, `/${ids[0]}`), 404, "scan_not_found");
  });

  it("answers a bad list query with 400 invalid_query", async () => {
    const { site, key } = await siteWithKey();
    await expectProblem(await getScans(site.id, key.secret, "?limit=0"), 400, "invalid_query");
    await expectProblem(await getScans(site.id, key.secret, "?limit=101"), 400, "invalid_query");
    await expectProblem(await getScans(site.id, key.secret, "?cursor=nope"), 400, "invalid_query");
    await expectProblem(await getScans(site.id, key.secret, "?status=all"), 400, "invalid_query");
    expect((await getScans(site.id, key.secret, "?limit=&cursor=")).status).toBe(200);
  });
});

describe("tenant isolation (R7.12)", () => {
  it("another site's key can neither post to nor read this site's scans (403 api_key_wrong_site)", async () => {
    const a = await siteWithKey();
    const b = await siteWithKey();
    const { id } = (await (await postScan(a.site.id, a.key.secret, scanReport(a.site.id))).json()) as ScanCreated;
    await expectProblem(await postScan(a.site.id, b.key.secret, scanReport(a.site.id)), 403, "api_key_wrong_site");
    await expectProblem(await getScans(a.site.id, b.key.secret), 403, "api_key_wrong_site");
    await expectProblem(await getScans(a.site.id, b.key.secret, `/${id}`), 403, "api_key_wrong_site");
    await expectProblem(await call(scansPath(a.site.id)), 401, "api_key_required");
    expect(await storedCount(a.site.id)).toBe(1);
    expect(await storedCount(b.site.id)).toBe(0);
  });

  it("a scan id of site A asked under site B (with B's key) is 404 scan_not_found, as is a malformed id", async () => {
    const a = await siteWithKey();
    const b = await siteWithKey();
    const { id } = (await (await postScan(a.site.id, a.key.secret, scanReport(a.site.id))).json()) as ScanCreated;
    await expectProblem(await getScans(b.site.id, b.key.secret, `/${id}`), 404, "scan_not_found");
    expect(((await (await getScans(b.site.id, b.key.secret)).json()) as ScanList).scans).toEqual([]);
    await expectProblem(await getScans(a.site.id, a.key.secret, "/scan_nothex"), 404, "scan_not_found");
    await expectProblem(await getScans(a.site.id, a.key.secret, `/${newScanId()}`), 404, "scan_not_found");
  });
});

describe("D1 faults", () => {
  it("the write fails → 503 with Retry-After and nothing stored; the retry stores it once", async () => {
    const { site, key } = await siteWithKey();
    const report = scanReport(site.id);
    const request = () =>
      new Request(`${BASE}${scansPath(site.id)}`, { method: "POST", headers: { ...auth(key.secret), "Content-Type": "application/json" }, body: JSON.stringify(report) });
    await expectStorageFault(await fetchWith(request(), envWith({ LEDGER: failing(env.LEDGER, "batch") })));
    expect(await storedCount(site.id)).toBe(0);
    expect((await postScan(site.id, key.secret, report)).status).toBe(201);
    expect(await storedCount(site.id)).toBe(1);
  });

  it("a read fails → 503 with Retry-After, on the list and on one report", async () => {
    const { site, key } = await siteWithKey();
    const { id } = (await (await postScan(site.id, key.secret, scanReport(site.id))).json()) as ScanCreated;
    const faulty = envWith({ LEDGER: failingStatements(env.LEDGER, /\bFROM scans\b/) });
    await expectStorageFault(await fetchWith(new Request(`${BASE}${scansPath(site.id)}`, { headers: auth(key.secret) }), faulty));
    await expectStorageFault(await fetchWith(new Request(`${BASE}${scansPath(site.id, `/${id}`)}`, { headers: auth(key.secret) }), faulty));
  });
});

/** The fixture is what the contract takes (a guard on the fixture itself). */
it("the hand-written report fixture is a valid ScanReport", () => {
  const report: ScanReport = scanReport("demo");
  expect(report.findings.map((f) => f.severity)).toEqual(["error", "error", "error", "error", "error", "warning", "warning", "warning", "info"]);
  expect(report.summary).toMatchObject({ errors: 5, warnings: 3, infos: 1 });
});

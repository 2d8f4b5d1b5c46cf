/**
 * The proof ledger in the console: search by receipt, visitor and action, one receipt with every
 * field, an export of a date range as CSV or JSON Lines that is streamed a page at a time (over
 * 100,000 rows), its audit row, and what a stranger or a bad query gets.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, EXPORT_PAGE } from "../../worker/console/ledger-api";
import { csvField } from "../../worker/lib/csv";
import { auditRows, consoleCall, freshEmail, grant, signIn } from "./console-helpers";
import { expectProblem, freshSite, newVisitor } from "./helpers";

interface Row {
  receiptId: string;
  visitorId: string;
  action: string;
  categories: Record<string, boolean>;
  regime: string;
  version: number;
}

async function viewerOf(siteId: string) {
  const email = freshEmail();
  await grant(siteId, email, "viewer");
  return { email, session: await signIn(email) };
}

const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe("the ledger in the console", () => {
  it("finds decisions by visitor, receipt and action, newest first, a page at a time; opens one receipt (R1.14)", async () => {
    const site = await freshSite();
    const a = await newVisitor(site, { action: "accept_all" });
    const b = await newVisitor(site, { action: "reject_all" });
    const c = await newVisitor(site, { action: "reject_all" });
    const { session } = await viewerOf(site.id);
    const get = async (query: string) => {
      const res = await consoleCall(session, `/api/sites/${site.id}/ledger${query}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { entries: Row[]; next: string | null };
    };

    const all = await get("");
    expect(all.entries.map((e) => e.receiptId)).toEqual([c.receipt.id, b.receipt.id, a.receipt.id]);
    expect(all.next).toBeNull();
    const page1 = await get("?limit=2");
    expect(page1.entries.map((e) => e.receiptId)).toEqual([c.receipt.id, b.receipt.id]);
    const page2 = await get(`?limit=2&cursor=${encodeURIComponent(page1.next!)}`);
    expect(page2.entries.map((e) => e.receiptId)).toEqual([a.receipt.id]);

    expect((await get(`?visitor=${b.visitorId}`)).entries.map((e) => e.receiptId)).toEqual([b.receipt.id]);
    expect((await get(`?receipt=${a.receipt.id}`)).entries.map((e) => e.action)).toEqual(["accept_all"]);
    expect((await get("?action=reject_all")).entries).toHaveLength(2);
    expect((await get(`?from=${tomorrow()}`)).entries).toHaveLength(0);

    const one = await consoleCall(session, `/api/sites/${site.id}/ledger/receipts/${a.receipt.id}`);
    expect(await one.json()).toMatchObject({ receiptId: a.receipt.id, visitorId: a.visitorId, action: "accept_all", policyFingerprint: site.fingerprint, regime: "opt-in", uaFamily: "Chrome" });
  });

  it("refuses a bad query, and shows nothing of a site to someone without a role on it (R7.12)", async () => {
    const site = await freshSite();
    const a = await newVisitor(site);
    const { session } = await viewerOf(site.id);
    for (const q of ["?receipt=nope", "?visitor=123", "?cursor=2026-01-01T00:00:00.000Z~x", "?cursor=2026-13-45T99:99:99.999Z~1", "?limit=500", "?from=yesterday", "?sort=asc"])
      await expectProblem(await consoleCall(session, `/api/sites/${site.id}/ledger${q}`), 422, "invalid_query");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/ledger/receipts/nope`), 422, "invalid_path");
    await expectProblem(await consoleCall(session, `/api/sites/${site.id}/ledger/receipts/rcpt_${"0".repeat(30)}`), 404, "not_found");

    const other = await freshSite();
    const stranger = await viewerOf(other.id);
    for (const path of [`/ledger`, `/ledger/receipts/${a.receipt.id}`, `/ledger/export?from=${today()}&to=${tomorrow()}`])
      await expectProblem(await consoleCall(stranger.session, `/api/sites/${site.id}${path}`), 404, "not_found");
    // Nor through their own site's path: a receipt belongs to one site.
    await expectProblem(await consoleCall(stranger.session, `/api/sites/${other.id}/ledger/receipts/${a.receipt.id}`), 404, "not_found");
  });

  it("exports a date range as CSV and JSON Lines, with every receipt id, and audits the export (R1.14)", async () => {
    const site = await freshSite();
    const made = [await newVisitor(site, { action: "accept_all" }), await newVisitor(site, { action: "reject_all" })];
    const { email, session } = await viewerOf(site.id);
    const res = await consoleCall(session, `/api/sites/${site.id}/ledger/export?from=${today()}&to=${tomorrow()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="assent-.+-ledger-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(lines).toHaveLength(3);
    for (const [i, m] of made.entries()) expect(lines[i + 1]!.startsWith(`${m.receipt.id},`)).toBe(true);

    const jsonl = await consoleCall(session, `/api/sites/${site.id}/ledger/export?from=${today()}&to=${tomorrow()}&format=jsonl`);
    const rows = (await jsonl.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Row);
    expect(rows.map((r) => r.receiptId)).toEqual(made.map((m) => m.receipt.id));
    expect(rows[1]!.categories).toEqual({ necessary: true, usage: false });

    expect((await auditRows(site.id)).filter((r) => r.action === "ledger.export").map((r) => r.actor)).toEqual([email, email]);
    for (const q of [`from=${tomorrow()}&to=${today()}`, "from=2020-01-01&to=2026-01-01", `from=${today()}`, `from=${today()}&to=${tomorrow()}&format=xlsx`])
      await expectProblem(await consoleCall(session, `/api/sites/${site.id}/ledger/export?${q}`), 422, "invalid_query");
  });

  it("streams an export of 100,000 rows a page at a time, in order, every row once", async () => {
    const site = await freshSite();
    const n = 100_000;
    // 100,000 decisions a second apart, inserted in one statement.
    await env.LEDGER.prepare(
      `INSERT INTO ledger (receipt_id, site_id, visitor_id, idempotency_key, request_hash, recorded_at, action, surface, categories,
         policy_version, policy_last_updated, policy_fingerprint, text_hash, widget_version, locale, regime, jurisdiction, country,
         gpc, gpc_applied, ua_family, prev_receipt_id, expires_at, retain_until)
       WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2)
       SELECT printf('rcpt_%030d', i), ?1, '00000000-0000-4000-8000-000000000000', 'key-' || i, 'h', strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
         'accept_all', 'banner', '{"necessary":true,"usage":true}', '1', '2026-01-01', 'fp1-x', 'th1-x', 'bulk', 'en', 'opt-in', NULL, NULL,
         0, 0, 'Chrome', NULL, '2027-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'
       FROM k`,
    )
      .bind(site.id, n)
      .run();
    const { session } = await viewerOf(site.id);
    const res = await consoleCall(session, `/api/sites/${site.id}/ledger/export?from=2026-01-01&to=2026-01-03`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let chunks = 0;
    let rows = 0;
    let rest = "";
    let previous = "";
    let ordered = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks++;
      const lines = (rest + decoder.decode(value, { stream: true })).split("\r\n");
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("receiptId,")) continue;
        const id = line.slice(0, line.indexOf(","));
        if (id <= previous) ordered = false;
        previous = id;
        rows++;
      }
    }
    expect(rest).toBe("");
    expect(rows).toBe(n);
    expect(ordered).toBe(true);
    expect(previous).toBe(`rcpt_${String(n).padStart(30, "0")}`);
    // One page of EXPORT_PAGE rows per chunk: the body was produced as it was read.
    expect(chunks).toBeGreaterThanOrEqual(n / EXPORT_PAGE);
  }, 120_000);
});

describe("CSV fields", () => {
  it("are quoted when they must be, and never start a spreadsheet formula", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=HYPERLINK(\"http://evil\")")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField("+1")).toBe("'+1");
    expect(csvField(null)).toBe("");
    expect(csvField(false)).toBe("false");
    expect(csvField({ necessary: true })).toBe('"{""necessary"":true}"');
  });
});

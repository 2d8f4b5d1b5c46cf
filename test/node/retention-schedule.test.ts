/**
 * The retention schedule (worker/notice/retention-schedule.ts) and the places that state it
 * cannot drift apart: docs/retention.md's table is the schedule's, the retention job's comment
 * table lists exactly the schedule's rows the job enforces, each counter of the job belongs to
 * one of them, and nothing is kept without an end unless the schedule says why.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SiteConfig } from "../../worker/contract";
import { PURGED_BY, type RetentionKind, retentionSchedule } from "../../worker/notice/retention-schedule";
import { RETENTION_DOC, withRetentionTable } from "../../scripts/privacy-notice";
import { ROOT } from "../../scripts/util";

const schedule = retentionSchedule();

describe("the retention schedule (R9.10, R1.15, R9.9)", () => {
  it("docs/retention.md shows exactly the schedule's table (R9.10, R9.9)", () => {
    const doc = readFileSync(RETENTION_DOC, "utf8");
    // Regenerate with: npm run privacy-notice -- --write-retention-doc
    expect(withRetentionTable(doc)).toBe(doc);
    for (const entry of schedule) expect(doc).toContain(`| ${entry.data.replace(/\|/g, "\\|")} |`);
  });

  it("the retention job's comment table lists exactly the rows the job enforces, by the schedule's names (R9.10, R1.15)", () => {
    const source = readFileSync(join(ROOT, "worker/scheduled/retention.ts"), "utf8");
    const comment = source.slice(0, source.indexOf("*/"));
    const rows = [...comment.matchAll(/^ \* \| ([^|]+?) \| [^|]+ \| ([^|]+?) \|$/gm)].map((m) => ({ data: m[1]!, source: m[2]! })).filter((r) => r.data !== "data" && r.data !== "---");
    const enforced = schedule.filter((e) => e.enforcedBy.includes("retention-job"));
    expect(rows.map((r) => r.data).sort()).toEqual(enforced.map((e) => e.data).sort());
    for (const row of rows) expect(row.source).toBe(enforced.find((e) => e.data === row.data)!.source);
  });

  it("each counter of the retention job belongs to a row the job enforces, and each such row has a counter (R9.10, R1.15)", () => {
    for (const [kind, id] of Object.entries(PURGED_BY) as [RetentionKind, string][]) {
      const entry = schedule.find((e) => e.id === id)!;
      expect(entry.enforcedBy, kind).toContain("retention-job");
      expect(entry.purges, kind).toContain(kind);
    }
    for (const entry of schedule) {
      for (const kind of entry.purges) expect(PURGED_BY[kind]).toBe(entry.id);
      expect(entry.purges.length > 0, entry.id).toBe(entry.enforcedBy.includes("retention-job"));
    }
  });

  it("keeps nothing without an end unless it says why, and every row names what deletes it (R1.15, R9.10)", () => {
    for (const entry of schedule) {
      expect(entry.enforcedBy.length, entry.id).toBeGreaterThan(0);
      if (entry.enforcedBy.includes("kept-on-purpose") || /indefinitely/.test(entry.kept)) expect(entry.why, entry.id).toBeTruthy();
    }
    // The six kinds the requirement lists are all there.
    expect(schedule.map((e) => e.id)).toEqual(expect.arrayContaining(["preference-state", "signup-requests", "subscriptions", "suppressions", "proof", "rights-requests"]));
  });

  it("takes the site's own periods from its config (R9.10, R1.15)", () => {
    const demo = JSON.parse(readFileSync(join(ROOT, "examples/sites/demo.json"), "utf8"));
    demo.consent = { lifetimeDays: 90, refusalDays: 200, proofRetentionDays: 730 };
    demo.email.confirmDays = 3;
    const rows = Object.fromEntries(retentionSchedule(SiteConfig.parse(demo)).map((e) => [e.id, e.kept]));
    expect(rows["preference-state"]).toContain("90 days for a choice that grants something");
    expect(rows["preference-state"]).toContain("200 days for a refusal");
    expect(rows.proof).toContain("the choice's expiry + 730 days");
    expect(rows["signup-requests"]).toContain("3 days");
    // Without a site, the config schema's defaults.
    expect(Object.fromEntries(schedule.map((e) => [e.id, e.kept])).proof).toContain("+ 1,095 days");
  });
});

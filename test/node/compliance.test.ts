/**
 * The compliance matrix (COMPLIANCE.md, `npm run compliance`): how test titles are read, and the
 * check `npm test` makes — every MUST has a test or a reason it does not apply, no test cites an
 * id that does not exist, and the committed file is what the tests say today.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildMatrix, readTests } from "../../compliance/matrix";
import { renderMarkdown } from "../../compliance/render-markdown";
import type { Requirement } from "../../compliance/requirement";
import { REQUIREMENTS } from "../../compliance/requirements";
import { collectTests, idsIn } from "../../compliance/test-titles";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("reading the ids a test claims", () => {
  it("reads single ids, lists and ranges within a section, without repeats", () => {
    expect(idsIn("GPC (R2.1–R2.3, R7.6) and again R2.2")).toEqual(["R2.1", "R2.2", "R2.3", "R7.6"]);
    expect(idsIn("requests R9.3-R9.5")).toEqual(["R9.3", "R9.4", "R9.5"]);
    expect(idsIn("across sections R1.2–R3.1")).toEqual(["R1.2", "R3.1"]);
    expect(idsIn("no ids here, nor in R-1 or R1")).toEqual([]);
  });

  it("knows a test function imported under another name", () => {
    const source = `import { test as withAssent } from "./fixtures";\nwithAssent("fails closed (R6.11)", async () => {});\nwithAssent.skip("not this (R6.11)", async () => {});`;
    expect(collectTests("test/e2e/x.spec.ts", source).map((t) => [t.title, t.ids])).toEqual([["fails closed (R6.11)", ["R6.11"]]]);
  });

  it("takes ids from a test's title and every describe around it, and drops skipped and to-do tests", () => {
    const source = `
      describe("outer (R1.1)", () => {
        test.describe("inner (R1.2)", () => {
          it("proves one more (R1.3)", () => {});
          it.each([1, 2])("table %s (R1.4)", () => {});
          it.skip("skipped (R9.9)", () => {});
          it.todo("later (R9.8)");
        });
        test("plain", async () => { await test.step("a step (R9.7)", async () => {}); });
      });
      it.skipIf(true)("conditional (R9.6)", () => {});
    `;
    const tests = collectTests("test/x.test.ts", source);
    expect(tests.map((t) => [t.title, t.ids])).toEqual([
      ["outer (R1.1) › inner (R1.2) › proves one more (R1.3)", ["R1.1", "R1.2", "R1.3"]],
      ["outer (R1.1) › inner (R1.2) › table %s (R1.4)", ["R1.1", "R1.2", "R1.4"]],
      ["outer (R1.1) › plain", ["R1.1"]],
    ]);
    expect(tests[0]!.line).toBe(4);
  });
});

describe("the check", () => {
  const req = (id: string, level: Requirement["level"], extra: Partial<Requirement> = {}): Requirement => ({ id, level, section: "S", statement: `statement ${id}`, ...extra });
  const t = (title: string) => collectTests("test/a.test.ts", `it(${JSON.stringify(title)}, () => {})`)[0]!;

  it("fails on a MUST without a test, an unknown id, a pending MUST, and a test of something marked not applicable", () => {
    const m = buildMatrix(
      [req("R1.1", "MUST"), req("R1.2", "MUST NOT", { pending: { issue: 99, why: "later" } }), req("R1.3", "SHOULD"), req("R1.4", "MAY", { notApplicable: "not built" })],
      [t("proves (R1.3, R1.4)"), t("cites a ghost (R7.77)")],
    );
    expect(m.problems.map((p) => p.code).sort()).toEqual(["not_applicable_but_tested", "pending_must", "unknown_id", "untested_must"]);
    expect(m.rows.map((r) => r.status)).toEqual(["not tested", "pending", "tested", "not applicable"]);
  });

  it("says a known gap beside the status instead of hiding it behind \"tested\"", () => {
    const m = buildMatrix([req("R1.1", "MUST", { gap: "no email re-permission yet" })], [t("proves (R1.1)")]);
    expect(m.problems).toEqual([]);
    expect(renderMarkdown(m)).toContain("| tested; not yet: no email re-permission yet |");
    expect(renderMarkdown(m)).toContain("**Known gaps:** 1");
  });

  it("passes when every MUST is tested or not applicable with a reason", () => {
    const m = buildMatrix([req("R1.1", "MUST"), req("R1.2", "MUST", { notApplicable: "no such feature" }), req("R1.3", "SHOULD")], [t("proves (R1.1)")]);
    expect(m.problems).toEqual([]);
  });
});

describe("the repository's matrix", () => {
  const matrix = buildMatrix(REQUIREMENTS, readTests(root));

  it("has a test for every MUST (or a reason it does not apply) and no test citing an id that does not exist", () => {
    expect(matrix.problems.map((p) => p.message)).toEqual([]);
    expect(new Set(REQUIREMENTS.map((r) => r.id)).size).toBe(REQUIREMENTS.length);
  });

  it("COMPLIANCE.md is what the tests say today (run `npm run compliance` after changing tests)", () => {
    expect(readFileSync(`${root}COMPLIANCE.md`, "utf8")).toBe(renderMarkdown(matrix));
  });
});

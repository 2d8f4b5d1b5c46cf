/**
 * The first-visit byte budget, checked on every `npm test`: bytes do not depend on the machine,
 * so unlike timings they belong in tests. `assent.js` is built in memory exactly as the widget
 * build writes it, and compressed as the bench and a CDN do (gzip level 9).
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FIRST_VISIT_BUDGET_GZIP, firstVisitBundle } from "../../scripts/build-widget";

describe("the first-visit bundle", () => {
  it(`fits the budget of ${FIRST_VISIT_BUDGET_GZIP} B gzip`, async () => {
    const bundle = await firstVisitBundle();
    const gzip = gzipSync(bundle, { level: 9 }).length;
    expect(gzip, `assent.js is ${gzip} B gzip`).toBeLessThanOrEqual(FIRST_VISIT_BUDGET_GZIP);
    // A real build, not an empty file: the loader's public API is in it.
    expect(Buffer.from(bundle).toString("utf8")).toContain("assent-ready");
  });

  it("carries no zod: the widget imports the contract's types only", async () => {
    const text = Buffer.from(await firstVisitBundle()).toString("utf8");
    expect(text).not.toMatch(/ZodError|\$ZodType|zod\.dev/);
  });
});

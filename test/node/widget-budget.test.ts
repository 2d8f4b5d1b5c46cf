/**
 * The widget's byte budgets (issue #9), checked on every `npm test`: bytes do not depend on the
 * machine, so unlike timings they belong in tests. The widget is built in memory exactly as the
 * widget build writes it, and each file compressed as the bench and a CDN do (gzip level 9).
 * The sets follow the build's own chunk graph (scripts/widget-budgets.ts).
 */
import { describe, expect, it } from "vitest";
import { type WidgetBuild, widgetBuild } from "../../scripts/build-widget";
import { BUDGETS_GZIP, budgetSets, checkBudgets } from "../../scripts/widget-budgets";

let built: Promise<WidgetBuild> | undefined;
const build = () => (built ??= widgetBuild());
const text = async (file: string) => Buffer.from((await build()).files.get(file)!).toString("utf8");

describe("the widget's bytes", () => {
  it(`a returning visit (valid record) loads assent.js alone: ≤ ${BUDGETS_GZIP.returning} B gzip`, async () => {
    const { returning } = checkBudgets(await build());
    expect(returning.gzip, `assent.js is ${returning.gzip} B gzip`).toBeLessThanOrEqual(returning.budget);
    // A real build, not an empty file: the loader's public API is in it.
    expect(await text("assent.js")).toContain("assent-ready");
  });

  it(`with the floating button, the core and the button's chunks: ≤ ${BUDGETS_GZIP.returningWithButton} B gzip`, async () => {
    const { returningWithButton } = checkBudgets(await build());
    expect(returningWithButton.gzip, returningWithButton.files.join(", ")).toBeLessThanOrEqual(returningWithButton.budget);
  });

  it(`a first visit, until the banner shows: ≤ ${BUDGETS_GZIP.firstVisit} B gzip`, async () => {
    const { firstVisit } = checkBudgets(await build());
    expect(firstVisit.gzip, firstVisit.files.join(", ")).toBeLessThanOrEqual(firstVisit.budget);
  });

  it("keeps Lit and every UI out of the core, and the preference center out of the button's and the banner's sets", async () => {
    const core = await text("assent.js");
    expect(core).not.toMatch(/LitElement|lit-html|_\$litType\$/);
    expect(core).not.toContain("assent-preferences");
    const sets = budgetSets(await build());
    for (const set of [sets.returningWithButton, sets.firstVisit]) expect(set).not.toContain("preferences.js");
    expect(sets.returningWithButton).not.toContain("banner.js");
    for (const file of sets.returningWithButton.filter((f) => f !== "assent.js")) expect(await text(file), file).not.toContain("assent-preferences");
  });

  it("shares one copy of Lit between every UI module", async () => {
    const { files } = await build();
    const withLit = [...files.keys()].filter((f) => /class \w+ extends HTMLElement|ReactiveElement|_\$litElement\$/.test(Buffer.from(files.get(f)!).toString("utf8")));
    expect(withLit).toHaveLength(1);
    expect(withLit[0]).toMatch(/^chunk-/);
  });

  it("shows the banner with two modules: banner.js and the chunk it shares with every UI (Lit, the theme)", async () => {
    // Each file is a request to the Worker after assent.js, and on a first visit every one of
    // them stands between the visitor and the banner (scripts/bench/widget.ts times it).
    const { deps } = await build();
    expect(deps["banner.js"]).toHaveLength(1);
    for (const ui of ["floating-button.js", "embed-placeholder.js", "preferences.js"]) expect(deps[ui], ui).toContain(deps["banner.js"]![0]);
  });

  it("ships minified styles and markup, with no source indentation in a template", async () => {
    for (const [file, bytes] of (await build()).files) expect(Buffer.from(bytes).toString("utf8"), file).not.toMatch(/`[^`]*\n {2,}[^`]*`/);
  });

  it("carries no zod: the widget imports the contract's types only", async () => {
    for (const [file, bytes] of (await build()).files) expect(Buffer.from(bytes).toString("utf8"), file).not.toMatch(/ZodError|\$ZodType|zod\.dev/);
  });
});

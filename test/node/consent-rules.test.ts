/**
 * The consent rules the widget and the Worker share (shared/consent-rules.ts and
 * shared/decision-rules.ts), as tables, and
 * the property that ties the two together: whatever the widget resolves, the Worker accepts and
 * records exactly as the widget shows it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CategoryRule, type ConsentAction, type Regime, effectivePermissions, regimeDefaults, stillCounts } from "../../shared/consent-rules";
import { type DecisionViolation, checkDecision, expiresAt, lifetimeDays, resolveDecision } from "../../shared/consent-rules";

const NECESSARY: CategoryRule = { id: "necessary", required: true, saleOrSharing: false };
const USAGE: CategoryRule = { id: "usage", required: false, saleOrSharing: false };
const ADS: CategoryRule = { id: "ads", required: false, saleOrSharing: true };
const SITE = [NECESSARY, USAGE, ADS];

describe("checkDecision", () => {
  it.each<[string, ConsentAction, Record<string, boolean>, DecisionViolation | null]>([
    ["accept_all with nothing stated", "accept_all", {}, null],
    ["accept_all stating what it grants", "accept_all", { usage: true, ads: true }, null],
    ["reject_all stating what it refuses", "reject_all", { usage: false, necessary: true }, null],
    ["a custom decision stating every optional category", "custom", { usage: true, ads: false }, null],
    ["a category the site does not have", "custom", { usage: true, ads: false, video: true, maps: false }, { code: "unknown_category", ids: ["video", "maps"] }],
    ["necessary stated false", "custom", { necessary: false, usage: true, ads: true }, { code: "necessary_required", id: "necessary" }],
    ["a custom decision leaving one out", "custom", { usage: true }, { code: "missing_category", id: "ads" }],
    ["accept_all with a false", "accept_all", { ads: false }, { code: "choices_contradict_action", id: "ads", expected: true, stated: false }],
    ["reject_all with a true", "reject_all", { usage: true }, { code: "choices_contradict_action", id: "usage", expected: false, stated: true }],
    ["withdraw with a true", "withdraw", { ads: true }, { code: "choices_contradict_action", id: "ads", expected: false, stated: true }],
  ])("%s", (_, action, choices, violation) => {
    expect(checkDecision(SITE, action, choices)).toEqual(violation);
  });
});

describe("resolveDecision", () => {
  it.each<[string, ConsentAction, Record<string, boolean>, boolean, Record<string, boolean>, boolean]>([
    ["accept_all", "accept_all", {}, false, { necessary: true, usage: true, ads: true }, false],
    ["reject_all", "reject_all", {}, false, { necessary: true, usage: false, ads: false }, false],
    ["withdraw", "withdraw", {}, false, { necessary: true, usage: false, ads: false }, false],
    ["custom", "custom", { usage: false, ads: true }, false, { necessary: true, usage: false, ads: true }, false],
    ["accept_all under GPC: sale or sharing off, and says so", "accept_all", {}, true, { necessary: true, usage: true, ads: false }, true],
    ["custom under GPC asking for ads", "custom", { usage: false, ads: true }, true, { necessary: true, usage: false, ads: false }, true],
    ["reject_all under GPC: nothing was turned off by GPC", "reject_all", {}, true, { necessary: true, usage: false, ads: false }, false],
  ])("%s", (_, action, choices, gpc, categories, gpcApplied) => {
    expect(resolveDecision(SITE, action, choices, gpc)).toEqual({ categories, gpcApplied });
  });

  it("never turns a required category off, not even one marked sale or sharing under GPC", () => {
    const odd: CategoryRule = { id: "core", required: true, saleOrSharing: true };
    expect(resolveDecision([odd, USAGE], "reject_all", {}, true).categories).toEqual({ core: true, usage: false });
  });
});

describe("lifetimeDays and expiresAt", () => {
  const lifetimes = { lifetimeDays: 365, refusalDays: 180 };
  it.each<[string, "decision" | "notice", Record<string, boolean>, number]>([
    ["a decision granting something optional", "decision", { necessary: true, usage: true, ads: false }, 365],
    ["a refusal", "decision", { necessary: true, usage: false, ads: false }, 180],
    ["an acknowledged notice", "notice", { necessary: true, usage: false, ads: false }, 365],
  ])("%s", (_, kind, decided, days) => {
    expect(lifetimeDays(kind, SITE, decided, lifetimes)).toBe(days);
  });

  it("counts whole days from the moment of the choice", () => {
    expect(expiresAt(Date.parse("2026-01-01T12:00:00Z"), 180).toISOString()).toBe("2026-06-30T12:00:00.000Z");
  });
});

describe("stillCounts: when the visitor is asked again", () => {
  const at = Date.parse("2026-06-01T00:00:00Z");
  const decision = { kind: "decision" as const, expiresAt: "2026-06-02T00:00:00.000Z", fingerprint: "fp1-a" };
  it.each<[string, typeof decision | { kind: "notice"; expiresAt: string; fingerprint: string }, Parameters<typeof stillCounts>[1], boolean]>([
    ["a live decision, before bootstrap", decision, { at }, true],
    ["a live decision under the same policy", decision, { at, fingerprint: "fp1-a", regime: "opt-in" }, true],
    ["at the instant it expires", decision, { at: Date.parse(decision.expiresAt) }, false],
    ["after a material change of the policy", decision, { at, fingerprint: "fp1-b", regime: "opt-in" }, false],
    ["a notice seen under opt-out, still opt-out", { ...decision, kind: "notice" }, { at, fingerprint: "fp1-a", regime: "opt-out" }, true],
    ["a notice seen, now under opt-in", { ...decision, kind: "notice" }, { at, fingerprint: "fp1-a", regime: "opt-in" }, false],
    ["a notice, regime not known yet", { ...decision, kind: "notice" }, { at }, true],
  ])("%s → %s", (_, choice, now, counts) => {
    expect(stillCounts(choice, now)).toBe(counts);
  });
});

describe("what is in effect", () => {
  it.each<[string, Regime | null, boolean, Record<string, boolean>]>([
    ["opt-in grants nothing optional", "opt-in", false, { necessary: true, usage: false, ads: false }],
    ["an unknown regime is opt-in", null, false, { necessary: true, usage: false, ads: false }],
    ["opt-out grants everything", "opt-out", false, { necessary: true, usage: true, ads: true }],
    ["opt-out under GPC: no sale or sharing", "opt-out", true, { necessary: true, usage: true, ads: false }],
    ["notice under GPC: no sale or sharing", "notice", true, { necessary: true, usage: true, ads: false }],
  ])("without a choice: %s", (_, regime, gpc, effective) => {
    expect(regimeDefaults(SITE, regime, gpc)).toEqual(effective);
  });

  it("with a choice: GPC turns sale or sharing off; a category added since stays off until asked", () => {
    const video: CategoryRule = { id: "video", required: false, saleOrSharing: false };
    expect(effectivePermissions([...SITE, video], { necessary: true, usage: true, ads: true }, undefined, true)).toEqual({ necessary: true, usage: true, ads: false, video: false });
  });
});

describe("the widget and the Worker agree", () => {
  const category = fc.record({ id: fc.constantFrom("a", "b", "c", "d", "e"), required: fc.boolean(), saleOrSharing: fc.boolean() });
  const site = fc.uniqueArray(category, { selector: (c) => c.id, minLength: 1, maxLength: 5 });
  const action = fc.constantFrom<ConsentAction>("accept_all", "reject_all", "custom", "withdraw");

  it("a decision as the widget resolves it passes the Worker's check, and the Worker records the same categories", () => {
    fc.assert(
      fc.property(site, action, fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.boolean()), fc.boolean(), (cats, act, asked, gpc) => {
        const choices = Object.fromEntries(Object.entries(asked).filter(([id]) => cats.some((c) => c.id === id && !c.required)));
        const shown = resolveDecision(cats, "custom", choices, gpc).categories;
        // The widget sends what it shows as a custom decision…
        expect(checkDecision(cats, "custom", shown)).toBeNull();
        // …and the Worker records exactly that.
        expect(resolveDecision(cats, "custom", shown, gpc).categories).toEqual(shown);
        // Every action leaves every category stated, required ones on, GPC's off.
        const out = resolveDecision(cats, act, choices, gpc).categories;
        for (const c of cats) {
          expect(typeof out[c.id]).toBe("boolean");
          if (c.required) expect(out[c.id]).toBe(true);
          else if (gpc && c.saleOrSharing) expect(out[c.id]).toBe(false);
        }
        expect(Object.keys(out).sort()).toEqual(cats.map((c) => c.id).sort());
      }),
    );
  });
});

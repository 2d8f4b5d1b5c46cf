/**
 * The US opt-out state and what it permits (shared/consent-rules.ts), and the category-to-Consent-
 * Mode mapping (shared/consent-mode-types.ts), as tables: the opt-out is kept apart from the
 * consent booleans and both decide what runs (R0.3); GPC or an opt-out denies the three ad types
 * whatever the categories say (R3.5); the mapping gives each category its types for every
 * combination of grants (R3.4); an opt-out holds 12 months, across a material change where opt-in
 * rules do not apply (R2.7).
 */
import { describe, expect, it } from "vitest";
import { type ConsentModeType, consentModeState } from "../../shared/consent-mode-types";
import {
  type CategoryRule,
  type Regime,
  type UsOptOut,
  OPT_OUT_HOLD_DAYS,
  effectivePermissions,
  lifetimeDays,
  stillCounts,
  usOptOutOf,
} from "../../shared/consent-rules";

const NECESSARY: CategoryRule = { id: "necessary", required: true, saleOrSharing: false };
const USAGE: CategoryRule = { id: "usage", required: false, saleOrSharing: false };
const ADS: CategoryRule = { id: "ads", required: false, saleOrSharing: true };
const SITE = [NECESSARY, USAGE, ADS];
const NONE: UsOptOut = { saleSharing: false, targetedAds: false };
const SALE: UsOptOut = { saleSharing: true, targetedAds: false };
const TARGETED: UsOptOut = { saleSharing: false, targetedAds: true };
const BOTH: UsOptOut = { saleSharing: true, targetedAds: true };
const DAY = 86_400_000;

describe("effective permissions from consent, the US opt-out and GPC (R0.3)", () => {
  // consent for usage and ads, the opt-out, GPC → what runs. Usage is not sale or sharing, so
  // only consent decides it; ads run only when consented with no opt-out of either kind and no GPC.
  it.each<[boolean, boolean, UsOptOut | undefined, boolean, { usage: boolean; ads: boolean }]>([
    [true, true, undefined, false, { usage: true, ads: true }],
    [true, true, NONE, false, { usage: true, ads: true }],
    [true, true, SALE, false, { usage: true, ads: false }],
    [true, true, TARGETED, false, { usage: true, ads: false }],
    [true, true, BOTH, false, { usage: true, ads: false }],
    [true, true, NONE, true, { usage: true, ads: false }],
    [true, true, BOTH, true, { usage: true, ads: false }],
    [false, true, NONE, false, { usage: false, ads: true }],
    [false, true, SALE, false, { usage: false, ads: false }],
    [true, false, NONE, false, { usage: true, ads: false }],
    [true, false, NONE, true, { usage: true, ads: false }],
    [true, false, BOTH, false, { usage: true, ads: false }],
    [false, false, NONE, false, { usage: false, ads: false }],
    [false, false, BOTH, true, { usage: false, ads: false }],
    [false, false, undefined, true, { usage: false, ads: false }],
    [false, true, undefined, true, { usage: false, ads: false }],
  ])("usage %s, ads %s, opt-out %o, GPC %s", (usage, ads, optOut, gpc, expected) => {
    expect(effectivePermissions(SITE, { necessary: true, usage, ads }, optOut, gpc)).toEqual({ necessary: true, ...expected });
  });

  it("keeps necessary on, leaves a category added since off until asked, and keeps one the site dropped as stated", () => {
    const video: CategoryRule = { id: "video", required: false, saleOrSharing: false };
    expect(effectivePermissions([...SITE, video], { necessary: false, usage: true, ads: true, gone: true }, NONE, false)).toEqual({
      necessary: true,
      usage: true,
      ads: true,
      video: false,
      gone: true,
    });
  });
});

describe("the opt-out a decision states, apart from its categories (R0.3)", () => {
  const refused = { necessary: true, usage: true, ads: false };
  const granted = { necessary: true, usage: true, ads: true };
  it.each<[string, Regime | null, Record<string, boolean>, boolean, boolean, boolean]>([
    ["opt-out rules, sale or sharing refused", "opt-out", refused, false, false, true],
    ["notice rules, sale or sharing refused", "notice", refused, false, false, true],
    ["opt-out rules, everything granted", "opt-out", granted, false, false, false],
    ["opt-in rules, sale or sharing refused: a refused consent, not an opt-out", "opt-in", refused, false, false, false],
    ["an unknown regime counts as opt-in", null, refused, false, false, false],
    ["GPC opts out anywhere", "opt-in", granted, true, false, true],
    ["an opt-out request opts out anywhere", "opt-in", granted, false, true, true],
  ])("%s", (_, regime, decided, gpc, request, out) => {
    expect(usOptOutOf(SITE, decided, regime, gpc, request)).toEqual({ saleSharing: out, targetedAds: out });
  });

  it("a site without sale or sharing categories is opted out only by GPC or a request", () => {
    expect(usOptOutOf([NECESSARY, USAGE], { necessary: true, usage: false }, "opt-out", false)).toEqual(NONE);
    expect(usOptOutOf([NECESSARY, USAGE], { necessary: true, usage: false }, "opt-out", true)).toEqual(BOTH);
  });
});

describe("an opt-out holds 12 months (R2.7)", () => {
  const lifetimes = { lifetimeDays: 180, refusalDays: 180 };
  const at = Date.UTC(2026, 0, 1);

  it("a decision that opts out lasts at least a year; one that does not keeps the site's lifetime", () => {
    expect(lifetimeDays("decision", SITE, { necessary: true, usage: false, ads: false }, lifetimes, BOTH)).toBe(OPT_OUT_HOLD_DAYS);
    expect(OPT_OUT_HOLD_DAYS).toBeGreaterThanOrEqual(365);
    expect(lifetimeDays("decision", SITE, { necessary: true, usage: false, ads: false }, lifetimes, NONE)).toBe(180);
    expect(lifetimeDays("decision", SITE, { necessary: true, usage: true, ads: false }, { lifetimeDays: 395, refusalDays: 180 }, BOTH)).toBe(395);
  });

  const choice = (usOptOut: UsOptOut | undefined) => ({
    kind: "decision" as const,
    expiresAt: new Date(at + OPT_OUT_HOLD_DAYS * DAY).toISOString(),
    fingerprint: "fp-old",
    ...(usOptOut ? { usOptOut } : {}),
  });
  it.each<[string, UsOptOut | undefined, Regime, number, boolean]>([
    ["an opt-out, a material change, opt-out rules: still counts (no prompt)", BOTH, "opt-out", 200, true],
    ["an opt-out, a material change, notice rules: still counts", BOTH, "notice", 364, true],
    ["an opt-out, a material change, opt-in rules: asked again (fresh consent)", BOTH, "opt-in", 200, false],
    ["no opt-out, a material change: asked again", NONE, "opt-out", 200, false],
    ["an opt-out after its year: asked again", BOTH, "opt-out", OPT_OUT_HOLD_DAYS, false],
  ])("%s", (_, usOptOut, regime, day, counts) => {
    expect(stillCounts(choice(usOptOut), { at: at + day * DAY, fingerprint: "fp-new", regime })).toBe(counts);
  });
});

/** The mapping of R3.4: each category and the Consent Mode types it stands for. */
const MAPPING: Record<string, ConsentModeType[]> = {
  necessary: ["security_storage"],
  functional: ["functionality_storage", "personalization_storage"],
  analytics: ["analytics_storage"],
  marketing: ["ad_storage", "ad_user_data", "ad_personalization"],
};

describe("the category-to-Consent-Mode mapping, every combination (R3.4, R3.5)", () => {
  const combinations = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((bits) =>
    [false, true].map((adsOff) => ({ functional: (bits & 1) > 0, analytics: (bits & 2) > 0, marketing: (bits & 4) > 0, adsOff })),
  );
  const g = (on: boolean) => (on ? "granted" : "denied");

  it.each(combinations)("functional %s, analytics %s, marketing %s, GPC or opt-out %s", ({ functional, analytics, marketing, adsOff }) => {
    const granted: Record<string, boolean> = { necessary: true, functional, analytics, marketing };
    expect(consentModeState(MAPPING, (c) => granted[c], adsOff)).toEqual({
      security_storage: "granted",
      functionality_storage: g(functional),
      personalization_storage: g(functional),
      analytics_storage: g(analytics),
      ad_storage: g(marketing && !adsOff),
      ad_user_data: g(marketing && !adsOff),
      ad_personalization: g(marketing && !adsOff),
    });
  });

  it("GPC or an opt-out denies the ad types even where a site maps them to a category that is not sale or sharing (R3.5)", () => {
    const odd: Record<string, ConsentModeType[]> = { necessary: ["security_storage"], functional: ["functionality_storage", "ad_storage", "ad_user_data"] };
    const state = consentModeState(odd, () => true, true);
    expect([state.ad_storage, state.ad_user_data, state.ad_personalization, state.functionality_storage]).toEqual(["denied", "denied", "denied", "granted"]);
  });
});

/**
 * The material-change warning and the policy fingerprint must agree: a change the console calls
 * material changes the fingerprint (everyone is asked again), and a change it calls harmless
 * does not. Checked over random sequences of edits of the demo config (fast-check), material
 * and not.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policyFingerprint } from "../../worker/consent/fingerprint";
import { materialChanges } from "../../worker/consent/material-change";
import { SiteConfig, type SiteConfigInput } from "../../worker/contract";
import { demoInput } from "./helpers";

type Edit = (c: SiteConfigInput) => void;

const edits: Record<string, fc.Arbitrary<Edit>> = {
  wording: fc.string({ minLength: 1, maxLength: 20 }).map((t) => (c) => {
    for (const texts of Object.values(c.texts)) texts.banner.title = `Title ${t.trim() || "x"}`;
  }),
  theme: fc.constantFrom("#1d4ed8", "#000000", "#0f5132").map((accent) => (c) => {
    c.theme = { accent, onAccent: "#ffffff" };
  }),
  reorder: fc.constant<Edit>((c) => c.categories.reverse()),
  policyLabel: fc.constantFrom("2027-01", "v9").map((version) => (c) => {
    c.policy.version = version;
  }),
  storageDomain: fc.constant<Edit>((c) => {
    const s = c.categories.flatMap((k) => k.storage)[0];
    if (s) s.domain = "example.org";
  }),
  floatingButton: fc.boolean().map((on) => (c) => {
    c.widget = { ...c.widget, floatingButton: on };
  }),
  addCategory: fc.constant<Edit>((c) => {
    if (c.categories.some((k) => k.id === "extra")) return;
    c.categories.push({ id: "extra", vendors: [], storage: [] });
    for (const t of Object.values(c.texts)) t.categories.extra = { title: "Extra", description: "Extra." };
  }),
  vendorRetention: fc.integer({ min: 1, max: 9999 }).map((days) => (c) => {
    const v = c.categories.flatMap((k) => k.vendors)[0];
    if (v) v.retentionDays = days;
  }),
  storageDuration: fc.integer({ min: 1, max: 999 }).map((days) => (c) => {
    const s = c.categories.flatMap((k) => k.storage)[0];
    if (s) s.durationDays = days;
  }),
  saleOrSharing: fc.constant<Edit>((c) => {
    const k = c.categories.find((x) => x.id !== "necessary");
    if (k) k.saleOrSharing = !k.saleOrSharing;
  }),
  regime: fc.constantFrom("US", "CA", "BR").map((country) => (c) => {
    c.regimes.rules.push({ regime: "opt-out", countries: [country] });
  }),
  revision: fc.integer({ min: 1, max: 100 }).map((n) => (c) => {
    c.policy.materialRevision = (c.policy.materialRevision ?? 0) + n;
  }),
};

describe("material changes (R9.12)", () => {
  it("are listed exactly when the policy fingerprint changes", async () => {
    const before = SiteConfig.parse(demoInput());
    const fpBefore = await policyFingerprint(before);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(...Object.values(edits)), { minLength: 1, maxLength: 4 }), async (steps) => {
        const input = demoInput();
        for (const step of steps) step(input);
        const after = SiteConfig.parse(input);
        const reasons = materialChanges(before, after);
        const fpAfter = await policyFingerprint(after);
        expect(reasons.length > 0, JSON.stringify(reasons)).toBe(fpAfter !== fpBefore);
      }),
      { numRuns: 200 },
    );
  });

  it("name what changed, in the site owner's terms", () => {
    const before = SiteConfig.parse(demoInput());
    const input = demoInput();
    const usage = input.categories.find((c) => c.id === "usage")!;
    const vendor = usage.vendors[0]!;
    vendor.retentionDays += 1;
    usage.vendors.push({ id: "newco", name: "NewCo", policyUrl: "https://newco.example/privacy", thirdParty: true, retentionDays: 30 });
    for (const t of Object.values(input.texts)) t.vendors.newco = { purpose: "Counting." };
    input.policy.materialRevision = 1;
    const reasons = materialChanges(before, SiteConfig.parse(input));
    expect(reasons).toEqual(
      expect.arrayContaining([
        { subject: "vendor", change: "changed", name: `usage/${vendor.id}`, fields: ["retentionDays"] },
        { subject: "vendor", change: "added", name: "usage/newco" },
        { subject: "revision", change: "changed", name: "materialRevision 0 → 1" },
      ]),
    );
  });
});

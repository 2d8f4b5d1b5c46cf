/**
 * The US opt-out state on the server (R0.3): every decision records `usOptOut` apart from its
 * categories — in the proof row, the receipt, the visitor's record (with the last GPC value seen
 * and when) and the `consent.updated` webhook, so a site's backend can stop selling or sharing
 * server-side too (R2.5). An opt-out holds a year (R2.7), and its proof is kept 24 months (R2.6). Each proof row also names the
 * category-to-Consent-Mode mapping in force (R3.4).
 */
import { describe, expect, it } from "vitest";
import type { ConsentResponse, Preferences } from "../../worker/contract";
import { DAY_MS, OPT_OUT_HOLD_DAYS } from "../../shared/consent-rules";
import { OPT_OUT_PROOF_DAYS } from "../../worker/consent/store/ledger";
import { auth, call, decisionBody, freshSite, getMe, insertApiKey, ledgerRows, postDecision } from "./helpers";
import { eventsAt, settled, siteWithEndpoint, useFakeReceiver } from "./webhook-helpers";

const CA = { country: "US", regionCode: "CA" };
const DE = { country: "DE" };

async function decide(site: Awaited<ReturnType<typeof freshSite>>, usage: boolean, cf: Record<string, unknown>, headers: Record<string, string> = {}, gpc = false) {
  const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage }, gpc }), { cf, headers });
  expect(res.status).toBe(201);
  return (await res.json()) as ConsentResponse;
}

describe("the US opt-out a decision states, apart from its categories (R0.3)", () => {
  it.each<[string, boolean, Record<string, unknown>, Record<string, string>, boolean, boolean]>([
    ["opt-out rules (California), sale or sharing refused", false, CA, {}, false, true],
    ["opt-out rules, sale or sharing granted", true, CA, {}, false, false],
    ["opt-in rules (Germany), refused: a refused consent, not an opt-out", false, DE, {}, false, false],
    ["GPC in the request body, opt-in rules", true, DE, {}, true, true],
    ["Sec-GPC: 1, opt-out rules", true, CA, { "Sec-GPC": "1" }, false, true],
  ])("%s", async (_, usage, cf, headers, gpc, optedOut) => {
    const site = await freshSite();
    const body = await decide(site, usage, cf, headers, gpc);
    const flags = { saleSharing: optedOut, targetedAds: optedOut };
    expect(body.receipt.usOptOut).toEqual(flags);
    const [row] = await ledgerRows(site.id);
    expect(row).toMatchObject({ sale_sharing_opt_out: optedOut ? 1 : 0, targeted_ads_opt_out: optedOut ? 1 : 0 });
    // An opt-out holds a year, whatever the site's refusal lifetime (180 days here) says (R2.7).
    const days = (Date.parse(body.receipt.expiresAt) - Date.parse(body.receipt.recordedAt)) / DAY_MS;
    expect(Math.round(days)).toBe(optedOut ? OPT_OUT_HOLD_DAYS : 180);
  });

  it("the proof of an opt-out is kept at least 24 months, whatever shorter evidence period the site chose (R2.6)", async () => {
    const site = await freshSite((config) => {
      config.consent = { ...config.consent, proofRetentionDays: 30 };
    });
    const optedOut = await decide(site, false, CA);
    const granted = await decide(site, true, CA);
    const rows = await ledgerRows(site.id);
    const keptDays = (receiptId: string) => {
      const row = rows.find((r) => r.receipt_id === receiptId)!;
      return (Date.parse(row.retain_until as string) - Date.parse(row.recorded_at as string)) / DAY_MS;
    };
    expect(Math.round(keptDays(optedOut.receipt.id))).toBe(OPT_OUT_PROOF_DAYS);
    expect(OPT_OUT_PROOF_DAYS).toBeGreaterThanOrEqual(730);
    // Not an opt-out: its expiry plus the site's 30 days.
    expect(Math.round(keptDays(granted.receipt.id))).toBe(180 + 30);
  });

  it("the visitor's record and the site owner's API carry the flags and the last GPC seen, with its time", async () => {
    const site = await freshSite();
    const first = await decide(site, true, CA);
    const res = await postDecision(site.id, decisionBody(site, { action: "custom", choices: { usage: true } }), { cf: CA, token: first.token!, headers: { "Sec-GPC": "1" } });
    const second = (await res.json()) as ConsentResponse;
    expect(second.preferences.usOptOut).toEqual({ saleSharing: true, targetedAds: true, gpcSeen: { value: true, at: second.receipt.recordedAt } });
    // GPC turned the sale-or-sharing category off; the opt-out says so on its own as well.
    expect(second.preferences.categories.usage).toBe(false);

    const me = (await (await getMe(site.id, second.token!)).json()) as Preferences;
    expect(me.usOptOut?.saleSharing).toBe(true);
    const key = await insertApiKey(site.id);
    const admin = await call(`/v1/sites/${site.id}/admin/visitors/${second.visitorId}`, { headers: auth(key.secret) });
    expect(((await admin.json()) as { preferences: Preferences }).preferences.usOptOut).toMatchObject({ saleSharing: true, targetedAds: true });
  });

});

describe("the consent.updated webhook (R0.3, R2.5)", () => {
  useFakeReceiver();
  it("tells the site's backend about the opt-out, so it stops selling or sharing server-side too", async () => {
    const { site, url } = await siteWithEndpoint(["consent.updated"]);
    await decide(site, false, CA);
    await settled(site.id);
    const [event] = eventsAt(url);
    expect(event).toMatchObject({ type: "consent.updated", data: { usOptOut: { saleSharing: true, targetedAds: true } } });
  });
});

describe("the Consent Mode mapping of each proof row (R3.4)", () => {
  it("is versioned by its content: same mapping, same id; another mapping, another id, stored with the rows after it", async () => {
    const a = await freshSite();
    const b = await freshSite();
    const ra = await decide(a, true, DE);
    const rb = await decide(b, true, DE);
    expect(ra.receipt.consentModeMapping).toMatch(/^gcm1-[0-9a-f]{16}$/);
    expect(rb.receipt.consentModeMapping).toBe(ra.receipt.consentModeMapping);

    const c = await freshSite((config) => {
      config.categories[1]!.consentMode = ["analytics_storage", "personalization_storage"];
    });
    const rc = await decide(c, true, DE);
    expect(rc.receipt.consentModeMapping).toMatch(/^gcm1-[0-9a-f]{16}$/);
    expect(rc.receipt.consentModeMapping).not.toBe(ra.receipt.consentModeMapping);
    const [row] = await ledgerRows(c.id);
    expect(row!.consent_mode_mapping).toBe(rc.receipt.consentModeMapping);
  });
});

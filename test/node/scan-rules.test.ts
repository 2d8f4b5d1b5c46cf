/**
 * The scanner's rules as tables, without a browser: what each rule finds in a profile's run
 * (before a choice, after reject, GPC, banner, Escape, Consent Mode), declared vs observed, and
 * the suggestions for what the config forgot (R1.1, R1.3, R1.4, R1.7, R1.9, R2.2, R2.4, R2.8,
 * R3.1, R3.3, R0.1). The browser half is tested against real pages in scan.test.ts.
 *
 * The titles here name no requirement ids on purpose: these tests prove the scanner's rules, not
 * that Assent meets the requirements. What proves that is the demo site scanning clean in
 * scan.test.ts (and the browser tests), whose title carries the ids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScanButtonStyle, ScanCookie, ScanObservation, ScanRequest } from "../../worker/contract";
import { SiteConfig, type SiteConfigInput } from "../../worker/contract";
import { declaredFrom, matchDeclared } from "../../scanner/declared";
import { evaluateDeclared, evaluateProfile, weakerBy } from "../../scanner/rules";
import type { ProfileRun } from "../../scanner/run-types";
import { suggest } from "../../scanner/suggest";
import demo from "../../examples/sites/demo.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { RULES } from "../../scanner/rules";
import { VENDORS } from "../../scanner/vendors";
import { SCAN_RULE_IDS } from "../../worker/contract";

const PAGE = "http://shop.test/";

/** The demo's categories plus a marketing one (sale/sharing) with a vendor host and a necessary CDN host. */
function categories() {
  const input = structuredClone(demo) as SiteConfigInput;
  input.categories[0]!.vendors[0]!.hosts = ["cdn.shop-static.test"];
  input.categories.push({
    id: "marketing",
    saleOrSharing: true,
    consentMode: ["ad_storage", "ad_user_data", "ad_personalization"],
    vendors: [{ id: "ads", name: "Ads Inc.", policyUrl: "https://ads.test/privacy", thirdParty: true, retentionDays: 390, hosts: ["ads.test"] }],
    storage: [{ name: "_fbp", type: "cookie", durationDays: 90 }],
  });
  input.categories[1]!.saleOrSharing = false;
  for (const texts of Object.values(input.texts)) {
    texts.categories.marketing = { title: "Marketing", description: "Ads." };
    texts.vendors.ads = { purpose: "Advertising." };
  }
  return SiteConfig.parse(input).categories;
}
const CATS = categories();
const DECLARED = declaredFrom(CATS);

const cookie = (name: string, extra: Partial<ScanCookie> = {}): ScanCookie => ({ name, domain: "shop.test", thirdParty: false, expiresDays: 30, ...extra });
const request = (host: string, thirdParty = true): ScanRequest => ({ url: `http://${host}/x`, host, type: "image", thirdParty });
const obs = (state: ScanObservation["state"], parts: Partial<ScanObservation> = {}): ScanObservation => ({
  state,
  page: PAGE,
  cookies: [],
  storage: [],
  requests: [],
  consentMode: [],
  ...parts,
});
const style = (over: Partial<ScanButtonStyle> = {}): ScanButtonStyle => ({
  label: "Accept all",
  width: 200,
  height: 44,
  fontSize: 16,
  fontWeight: 600,
  color: "#ffffff",
  background: "#1d4ed8",
  contrast: 6.7,
  ...over,
});

function run(over: Partial<ProfileRun> = {}): ProfileRun {
  return {
    profile: "eu",
    regime: "opt-in",
    regimeSource: "worker",
    jurisdiction: "DE",
    gpc: false,
    pages: [PAGE],
    pageHost: "shop.test",
    workerHost: "consent.shop.test",
    observations: [],
    bannerFound: true,
    buttons: { accept: style(), reject: style({ label: "Reject all" }) },
    optOutFound: false,
    controls: [],
    choices: [],
    gpcShown: null,
    record: null,
    ...over,
  };
}

const rulesOf = (r: ProfileRun, expected: ["opt-in" | "opt-out", string] = ["opt-in", "DE"]) =>
  evaluateProfile(r, DECLARED, expected[0], expected[1]).map((f) => [f.rule, f.state, f.message] as const);
const idsOf = (r: ProfileRun, expected?: ["opt-in" | "opt-out", string]) => rulesOf(r, expected).map(([rule]) => rule);

describe("before a choice, where consent is needed", () => {
  it("flags every cookie, storage key and third-party host outside the necessary category, and only those", () => {
    const found = rulesOf(
      run({
        observations: [
          obs("before", {
            cookies: [cookie("pg_usage"), cookie("mystery"), cookie("_fbp")],
            storage: [{ area: "localStorage", key: "assent:v1:demo" }, { area: "localStorage", key: "pg_usage_events" }],
            requests: [request("shop.test", false), request("cdn.shop-static.test"), request("ads.test"), request("px.ads.test"), request("unknown.test")],
          }),
        ],
      }),
    );
    expect(found).toEqual([
      ["before-choice/cookie", "before", 'cookie pg_usage (shop.test) was there before any choice (category "usage").'],
      ["before-choice/cookie", "before", "cookie mystery (shop.test) was there before any choice (not declared)."],
      ["before-choice/cookie", "before", 'cookie _fbp (shop.test) was there before any choice (category "marketing").'],
      ["before-choice/storage", "before", 'localStorage key pg_usage_events was there before any choice (category "usage").'],
      ["before-choice/third-party", "before", 'ads.test was contacted before any choice (image; category "marketing").'],
      // A subdomain of a declared host is the same vendor: one finding per host, each named.
      ["before-choice/third-party", "before", 'px.ads.test was contacted before any choice (image; category "marketing").'],
      ["before-choice/third-party", "before", "unknown.test was contacted before any choice (image; not declared)."],
    ]);
  });

  it("does not apply in an opt-out regime, where the defaults may run before a choice", () => {
    const r = run({ profile: "us-ca", regime: "opt-out", jurisdiction: "US-CA", buttons: null, optOutFound: true, observations: [obs("before", { cookies: [cookie("pg_usage"), cookie("_fbp")] })] });
    expect(idsOf(r, ["opt-out", "US-CA"])).toEqual([]);
  });
});

describe("after Reject all or an opt-out", () => {
  it("opt-in: anything not necessary is a leak, folded into one finding per item across states", () => {
    const leak = { cookies: [cookie("_fbp"), cookie("assent-mirror")] };
    const r = run({ observations: [obs("reject", leak), obs("reject-reload", leak), obs("reject-next-page", { ...leak, page: `${PAGE}p2`, requests: [request("ads.test")] })] });
    expect(rulesOf(r)).toEqual([
      ["reject/cookie", "reject", 'cookie _fbp (shop.test) was there after Reject all (category "marketing"); also reject-reload, reject-next-page.'],
      ["reject/cookie", "reject", "cookie assent-mirror (shop.test) was there after Reject all (not declared); also reject-reload, reject-next-page."],
      ["reject/third-party", "reject-next-page", 'ads.test was contacted after Reject all (image; category "marketing").'],
    ]);
  });

  it("opt-out: only sale/sharing is refused; other categories may stay", () => {
    const r = run({
      profile: "us-ca",
      regime: "opt-out",
      jurisdiction: "US-CA",
      buttons: null,
      optOutFound: true,
      observations: [obs("reject", { cookies: [cookie("pg_usage"), cookie("_fbp")], requests: [request("ads.test")] })],
    });
    expect(idsOf(r, ["opt-out", "US-CA"])).toEqual(["reject/cookie", "reject/third-party"]);
  });
});

describe("GPC", () => {
  const gpcRun = (over: Partial<ProfileRun>) =>
    run({ profile: "us-ca-gpc", regime: "opt-out", jurisdiction: "US-CA", gpc: true, buttons: null, gpcShown: true, ...over });

  it("honoured and shown: nothing to report", () => {
    const r = gpcRun({ observations: [obs("before", { cookies: [cookie("pg_usage")] })], record: { necessary: true, usage: true, marketing: false } });
    expect(idsOf(r, ["opt-out", "US-CA"])).toEqual([]);
  });

  it("a sale/sharing item, a record granting it, ad types granted, and silence are each found", () => {
    const r = gpcRun({
      gpcShown: false,
      record: { necessary: true, usage: false, marketing: true },
      observations: [
        obs("before", {
          cookies: [cookie("_fbp")],
          consentMode: [
            { command: "consent", target: "default", values: { ad_storage: "denied" } },
            { command: "consent", target: "update", values: { ad_storage: "granted", ad_user_data: "denied", ad_personalization: "granted" } },
          ],
        }),
      ],
    });
    expect(rulesOf(r, ["opt-out", "US-CA"])).toEqual([
      ["gpc/not-honoured", "before", 'cookie _fbp (shop.test) was there with GPC on (category "marketing").'],
      ["gpc/not-honoured", "before", "With GPC on, Consent Mode grants ad_storage, ad_personalization."],
      ["gpc/not-honoured", null, "With GPC on, the visitor's record grants marketing."],
      ["gpc/not-shown", "before", "Nothing on the page said that the opt-out request was honoured."],
    ]);
  });
});

describe("the first layer", () => {
  it("no banner, no reject, and no opt-out are errors", () => {
    expect(idsOf(run({ bannerFound: false, buttons: null }))).toEqual(["banner/missing"]);
    expect(idsOf(run({ buttons: { accept: style(), reject: null } }))).toEqual(["banner/no-reject"]);
    expect(idsOf(run({ profile: "us-ca", regime: "opt-out", jurisdiction: "US-CA", buttons: null, optOutFound: false }), ["opt-out", "US-CA"])).toEqual(["banner/no-reject"]);
  });

  it.each([
    [{}, []],
    [{ width: 140 }, ["it is 70% of accept's size"]],
    [{ fontSize: 14 }, ["its text is 14px against 16px"]],
    [{ fontWeight: 400 }, ["its text weight is 400 against 600"]],
    [{ contrast: 3.1 }, ["its label contrast is 3.10:1 against 6.70:1"]],
    // Paler than accept but still readable: not weaker (accept may be the paler one too).
    [{ contrast: 5.2 }, []],
    [{ width: 190, fontSize: 15, fontWeight: 500 }, []],
  ])("reject %j is weaker by %j", (over, why) => {
    expect(weakerBy(style(), style({ label: "Reject all", ...over }))).toEqual(why);
  });

  it("a box that is on and not locked is pre-ticked; the locked necessary one is not", () => {
    const r = run({
      controls: [
        { label: "Strictly necessary", checked: true, disabled: true },
        { label: "Usage data", checked: false, disabled: false },
        { label: "Marketing", checked: true, disabled: false },
      ],
    });
    expect(rulesOf(r)).toEqual([["banner/pre-ticked", "before", '"Marketing" is on before the visitor chose.']]);
    // Under an opt-out regime the defaults may be on until the visitor opts out.
    expect(idsOf({ ...r, profile: "us-ca", regime: "opt-out", jurisdiction: "US-CA", buttons: null, optOutFound: true }, ["opt-out", "US-CA"])).toEqual([]);
  });
});

describe("Escape or closing grants nothing", () => {
  it("new non-necessary storage, a new host or a granting update after Escape is found; what was there before is not", () => {
    const before = obs("before", { storage: [{ area: "localStorage", key: "pg_usage_events" }] });
    const escape = obs("escape", {
      storage: [{ area: "localStorage", key: "pg_usage_events" }, { area: "localStorage", key: "assent:v1:demo" }],
      cookies: [cookie("pg_usage")],
      requests: [request("ads.test")],
      consentMode: [{ command: "consent", target: "update", values: { analytics_storage: "granted", security_storage: "granted" } }],
    });
    const found = rulesOf(run({ observations: [before, escape] })).filter(([rule]) => rule === "banner/escape-grants");
    expect(found.map(([, , m]) => m)).toEqual([
      'cookie pg_usage (shop.test) was there after Escape (category "usage").',
      'ads.test was contacted after Escape (image; category "marketing").',
      "Escape sent a Consent Mode update that grants something.",
    ]);
  });
});

describe("Consent Mode order and updates", () => {
  const def = { command: "consent", target: "default", values: { ad_storage: "denied" } };
  it.each([
    [[def, { command: "config", target: "G-1" }], []],
    [[{ command: "config", target: "G-1" }, def], ["consent-mode/default-late"]],
    [[{ command: "event", target: "gtm.js" }, def], ["consent-mode/default-late"]],
    [[{ command: "config", target: "G-1" }], ["consent-mode/default-late"]],
    [[{ command: "js", target: null }, def], []],
  ])("calls %j → %j", (calls, expected) => {
    expect(idsOf(run({ observations: [obs("before", { consentMode: calls })] }))).toEqual(expected);
  });

  it("exactly one update after each choice, when the site uses Consent Mode at all", () => {
    const update = { command: "consent", target: "update", values: {} };
    const withDefault = [obs("before", { consentMode: [def] })];
    const choices = (n: number) => [{ state: "reject" as const, page: PAGE, calls: Array.from({ length: n }, () => update) }];
    expect(idsOf(run({ observations: withDefault, choices: choices(1) }))).toEqual([]);
    expect(idsOf(run({ observations: withDefault, choices: choices(0) }))).toEqual(["consent-mode/update-count"]);
    expect(idsOf(run({ observations: withDefault, choices: choices(2) }))).toEqual(["consent-mode/update-count"]);
    expect(idsOf(run({ observations: [obs("before")], choices: choices(0) }))).toEqual([]);
  });
});

describe("location", () => {
  it("says when the Worker placed the profile elsewhere (a deployed Worker reads the real location)", () => {
    expect(idsOf(run({ regime: "opt-in", jurisdiction: "FR" }))).toEqual(["scan/location"]);
    expect(idsOf(run({ regimeSource: "assumed", jurisdiction: "FR" }))).toEqual([]);
  });
});

describe("declared vs observed", () => {
  it("undeclared, stale, longer-lived and other-party items, each once", () => {
    const r = run({
      observations: [
        obs("before", { cookies: [cookie("_ga", { expiresDays: 400 }), cookie("_ga_ABC123", { expiresDays: 400 }), cookie("mystery")], requests: [request("ads.test"), request("cdn.unknown.test")] }),
        obs("accept", { cookies: [cookie("_fbp", { thirdParty: true, domain: "ads.test", expiresDays: 89 }), cookie("mystery")], storage: [{ area: "sessionStorage", key: "tmp" }] }),
      ],
    });
    const found = evaluateDeclared([r], DECLARED).map((f) => `${f.rule} ${f.message}`);
    expect(found).toEqual([
      "declared/undeclared cookie mystery (shop.test) is not in the site config.",
      "declared/undeclared cdn.unknown.test is contacted but no vendor of the config lists it.",
      "declared/party cookie _fbp (ads.test) is third party; the config says first party.",
      "declared/undeclared sessionStorage key tmp is not in the site config.",
      'declared/stale localStorage assent:v1:demo (category "necessary") was declared but never seen.',
      'declared/stale cookie pg_usage (category "usage") was declared but never seen.',
      'declared/stale localStorage pg_usage_events (category "usage") was declared but never seen.',
      'declared/stale Host cdn.shop-static.test (vendor "penguin") was declared but never contacted.',
    ]);
  });

  it("a cookie that outlives its declared duration by more than a day or 10% is found", () => {
    const lifetime = (days: number | null) =>
      evaluateDeclared([run({ observations: [obs("accept", { cookies: [cookie("_fbp", { expiresDays: days })] })] })], DECLARED).filter((f) => f.rule === "declared/lifetime").length;
    expect([lifetime(90), lifetime(100), lifetime(100.1), lifetime(null)]).toEqual([0, 0, 1, 0]);
  });

  it("property: a site that declares what it sets as necessary has no before-choice finding; each undeclared name has exactly one", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((n) => matchDeclared(DECLARED, n, "cookie") === undefined);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), fc.uniqueArray(name, { maxLength: 8 }), (declaredNames, others) => {
        const undeclared = others.filter((n) => !declaredNames.includes(n));
        const cats = structuredClone(CATS);
        cats[0]!.storage.push(...declaredNames.map((n) => ({ name: n, type: "cookie" as const, durationDays: 30, thirdParty: false })));
        const findings = evaluateProfile(run({ observations: [obs("before", { cookies: [...declaredNames, ...undeclared].map((n) => cookie(n)) })] }), declaredFrom(cats), "opt-in", "DE");
        expect(findings.map((f) => (f.evidence.kind === "cookie" ? f.evidence.cookie.name : "?")).sort()).toEqual([...undeclared].sort());
      }),
    );
  });
});

describe("suggestions", () => {
  const undeclared = (names: string[], hosts: string[] = []) =>
    evaluateDeclared([run({ observations: [obs("before", { cookies: names.map((n) => cookie(n, { expiresDays: 12.3 })), requests: hosts.map((h) => request(h)) })] })], DECLARED);

  it("names the vendor from the table, with its documented pattern, duration and source, in the site's matching category", () => {
    const [hotjar] = suggest(undeclared(["_hjSessionUser_4242", "_hjSessionUser_77"]), CATS);
    expect(hotjar).toMatchObject({
      category: "usage",
      purpose: "analytics",
      vendor: { id: "hotjar", name: "Hotjar" },
      storage: { name: "_hjSessionUser_*", type: "cookie", durationDays: 365 },
      observed: ["_hjSessionUser_4242", "_hjSessionUser_77"],
    });
    expect(hotjar!.vendor!.source).toMatch(/^https:\/\/[a-z.]*hotjar\.com\//);
    // An ad vendor goes in the site's category that carries ad_storage.
    expect(suggest(undeclared(["_gcl_au"]), CATS)[0]).toMatchObject({ category: "marketing", purpose: "marketing", vendor: { id: "google-ads" } });
  });

  it("marks what the table does not know as unknown, with the observed lifetime, and groups a family of ids", () => {
    const out = suggest(undeclared(["mystery", "cart_1234", "cart_98765"], ["cdn.unknown.test", "region1.google-analytics.com"]), CATS);
    expect(out).toEqual([
      { category: "unknown", purpose: "unknown", vendor: null, storage: { name: "mystery", type: "cookie", durationDays: 13, thirdParty: false }, host: null, observed: ["mystery"] },
      { category: "unknown", purpose: "unknown", vendor: null, storage: { name: "cart_*", type: "cookie", durationDays: 13, thirdParty: false }, host: null, observed: ["cart_1234", "cart_98765"] },
      { category: "unknown", purpose: "unknown", vendor: null, storage: null, host: "cdn.unknown.test", observed: ["cdn.unknown.test"] },
      expect.objectContaining({ category: "usage", purpose: "analytics", vendor: expect.objectContaining({ id: "google-analytics" }), host: "region1.google-analytics.com" }),
    ]);
  });
});

describe("the rules and the vendor table are documented", () => {
  const docs = readFileSync(new URL("../../docs/scanner.md", import.meta.url), "utf8");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it("every rule of the contract has its explanation, severity and requirement in docs/scanner.md and the README", () => {
    expect(Object.keys(RULES).sort()).toEqual([...SCAN_RULE_IDS].sort());
    for (const [id, rule] of Object.entries(RULES)) {
      expect(docs).toContain(`| \`${id}\` | ${rule.severity} | ${rule.explanation.replaceAll("|", "\\|")} | ${rule.requirement} |`);
      expect(readme).toContain(`\`${id}\``);
    }
  });

  it("every vendor of the table is listed with its sources", () => {
    for (const v of VENDORS) {
      expect(docs).toContain(`| ${v.name} |`);
      for (const source of v.sources) expect(docs).toContain(`(${source})`);
    }
  });
});

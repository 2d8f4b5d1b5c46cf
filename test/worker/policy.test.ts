/**
 * The pure rules behind every request, as tables: GPC (R2.1), regime by location (R0.4),
 * language, decide() (R0.1, R2.2), the policy fingerprint (R9.12), tokens and the rate-limit
 * network prefix. No storage here, except the two route checks of the Sec-GPC header.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { ConsentRequest, type ConsentRequestInput, Regimes } from "../../worker/contract";
import { decide, grantsAnything } from "../../worker/consent/decide";
import { ApiError } from "../../worker/lib/errors";
import { policyFingerprint, textHash } from "../../worker/consent/fingerprint";
import { gpcFromHeader, negotiateLocale, parseAcceptLanguage, requestGeo, resolveRegime, uaFamily } from "../../worker/consent/policy";
import { ipPrefix } from "../../worker/middleware/rate-limit";
import { bearer } from "../../worker/middleware/visitor-auth";
import { signToken, verifyToken } from "../../worker/consent/tokens";
import type { Env } from "../../worker/env";
import { addCategory, call, demoConfig, demoInput, freshSite } from "./helpers";

const demo = demoConfig();

describe("GPC from the Sec-GPC header (R2.1)", () => {
  it.each([
    ["1", true],
    ["0", false],
    ["true", false],
    // HTTP strips whitespace around a field value (RFC 9110 §5.5): " 1" sent on the wire reaches
    // the Worker as "1". Given the raw string " 1" (which no runtime delivers), the rule refuses it.
    [" 1", false],
    ["", false],
    ["yes", false],
    ["11", false],
    // Sent twice, the runtime joins the values with ", "; any one of them being "1" counts.
    ["0, 1", true],
    ["1, 0", true],
    ["0, 0", false],
  ])("%j → %s", (value, expected) => {
    expect(gpcFromHeader(value)).toBe(expected);
  });

  it("a missing header is no GPC", () => {
    expect(gpcFromHeader(null)).toBe(false);
    expect(gpcFromHeader(undefined)).toBe(false);
  });

  it("the route honours `Sec-GPC: 1` and ignores `Sec-GPC: 0`", async () => {
    const site = await freshSite();
    const edge = async (value: string) =>
      ((await (await call(`/v1/sites/${site.id}/bootstrap`, { headers: { "Sec-GPC": value } })).json()) as { edge: { gpc: boolean } }).edge;
    expect((await edge("1")).gpc).toBe(true);
    expect((await edge("0")).gpc).toBe(false);
    // What a browser puts on the wire as "Sec-GPC:  1 " arrives trimmed and still counts.
    expect((await edge(" 1 ")).gpc).toBe(true);
  });
});

describe("regime by location (R0.4)", () => {
  const regimes = demo.regimes;
  it.each([
    [{ country: "DE" }, "opt-in", "DE"],
    [{ country: "FR", regionCode: "IDF" }, "opt-in", "FR-IDF"],
    [{ country: "GB" }, "opt-in", "GB"],
    [{ country: "CH" }, "opt-in", "CH"],
    [{ country: "US", regionCode: "CA" }, "opt-out", "US-CA"],
    [{ country: "US", regionCode: "TX" }, "opt-out", "US-TX"],
    // A US state no rule lists gets the US country rule.
    [{ country: "US", regionCode: "WY" }, "notice", "US-WY"],
    // The US has state rules: with the state unknown, the visitor may be in any of them.
    [{ country: "US" }, "opt-in", "US"],
    [{ country: "US", regionCode: null }, "opt-in", "US"],
    // A country no rule names gets `otherwise` (opt-in in the demo).
    [{ country: "JP" }, "opt-in", "JP"],
  ])("%j → %s (%s)", (geo, regime, jurisdiction) => {
    expect(resolveRegime(regimes, geo)).toEqual({ regime, jurisdiction, country: geo.country });
  });

  it.each([[{}], [{ country: null }], [{ country: "XX" }], [{ country: "T1" }], [{ country: "de" }], [{ country: "" }]])(
    "unknown location %j → opt-in with no jurisdiction (strictest)",
    (geo) => {
      expect(resolveRegime(regimes, geo)).toEqual({ regime: "opt-in", jurisdiction: null, country: null });
    },
  );

  it("`otherwise: notice` applies to a known country no rule names", () => {
    const lenient = Regimes.parse({ ...regimes, otherwise: "notice" });
    expect(resolveRegime(lenient, { country: "JP" })).toEqual({ regime: "notice", jurisdiction: "JP", country: "JP" });
  });

  it("Cloudflare's EU flag forces opt-in for a country the rules forgot", () => {
    const lenient = Regimes.parse({ rules: [], otherwise: "notice" });
    expect(resolveRegime(lenient, { country: "HR", isEUCountry: "1" }).regime).toBe("opt-in");
    expect(resolveRegime(lenient, { country: "HR", isEUCountry: true }).regime).toBe("opt-in");
    expect(resolveRegime(lenient, { country: "JP", isEUCountry: "0" }).regime).toBe("notice");
  });

  it("EU/EEA/UK/CH visitors get opt-in even when the rules forget them and Cloudflare sends no EU flag", () => {
    // GB, CH, NO, IS and LI are not in the EU, so Cloudflare's isEUCountry flag is never set for them.
    const lenient = Regimes.parse({ rules: [{ regime: "opt-out", regions: ["US-CA"] }], otherwise: "notice" });
    for (const country of ["GB", "CH", "NO", "IS", "LI", "DE"])
      expect(resolveRegime(lenient, { country }), country).toEqual({ regime: "opt-in", jurisdiction: country, country });
    expect(resolveRegime(lenient, { country: "GB", regionCode: "ENG" }).regime).toBe("opt-in");
    expect(resolveRegime(lenient, { country: "BR" }).regime).toBe("notice");
  });

  it.each([
    [{ regime: "opt-out", countries: ["DE"] }],
    [{ regime: "notice", countries: ["GB"] }],
    [{ regime: "opt-out", countries: ["US", "CH"] }],
    [{ regime: "opt-out", regions: ["FR-IDF"] }],
  ])("config validation refuses a rule that weakens an EU/UK/CH country: %j", (rule) => {
    const result = Regimes.safeParse({ rules: [rule], otherwise: "opt-in" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must get opt-in/);
  });

  it("config validation accepts opt-out and notice rules elsewhere", () => {
    expect(Regimes.safeParse({ rules: [{ regime: "opt-out", regions: ["US-CA"] }, { regime: "notice", countries: ["US"] }] }).success).toBe(true);
  });
});

describe("location in local development: X-Assent-Dev-Geo (the scanner's profiles)", () => {
  const request = (headers: Record<string, string>, cf?: Record<string, string>) =>
    new Request("https://assent.test/", { headers, ...(cf ? { cf } : {}) } as RequestInit);

  it("stands in for request.cf only when DEV_MODE is on", () => {
    const req = request({ "X-Assent-Dev-Geo": "US-CA" }, { country: "DE" });
    expect(requestGeo(req, { DEV_MODE: "true" })).toEqual({ country: "US", regionCode: "CA" });
    // A deployed Worker (no DEV_MODE) reads Cloudflare's location and ignores the header.
    expect(requestGeo(req, {})).toMatchObject({ country: "DE" });
    expect(requestGeo(req, { DEV_MODE: "false" })).toMatchObject({ country: "DE" });
  });

  it.each(["us-ca", "US-CALIF", "DEU", "", "US-CA, DE", "US-CA-X"])("ignores a malformed value: %j", (value) => {
    const req = request({ "X-Assent-Dev-Geo": value }, { country: "FR" });
    expect(requestGeo(req, { DEV_MODE: "true" })).toMatchObject({ country: "FR" });
  });

  it("bootstrap answers as a Californian to a local scan's profile", async () => {
    const site = await freshSite((c) => {
      c.regimes = { rules: [{ regime: "opt-out", regions: ["US-CA"] }], otherwise: "opt-in" };
    });
    const res = await call(`/v1/sites/${site.id}/bootstrap`, { headers: { "X-Assent-Dev-Geo": "US-CA" } });
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown).toMatchObject({ edge: { regime: "opt-out", jurisdiction: "US-CA", country: "US" } });
  });
});

describe("language negotiation", () => {
  const locales = ["en", "de", "fr", "es"];
  it.each([
    [undefined, "de", "de"],
    ["fr", "de", "fr"], // ?lang beats Accept-Language
    [undefined, "de-CH", "de"], // by primary language
    [undefined, "de-CH,fr;q=0.9", "de"],
    [undefined, "ja, fr;q=0.5, es;q=0.8", "es"], // q-values order the wishes; unknown ones skipped
    [undefined, "fr;q=0.1, de;q=0.2", "de"],
    [undefined, "de;q=0, fr", "fr"], // q=0 means "not this one"
    [undefined, "*", "en"],
    [undefined, "ja, zh-CN", "en"], // nothing available → the default
    [undefined, undefined, "en"],
    ["ja", "fr", "fr"], // an unavailable ?lang falls through to Accept-Language
    ["ES", undefined, "es"], // tags are case-insensitive
  ])("?lang=%s, Accept-Language: %s → %s", (query, header, expected) => {
    expect(negotiateLocale(locales, "en", query, header)).toBe(expected);
  });

  it("matches a regional site locale from a bare language", () => {
    expect(negotiateLocale(["en", "pt-BR"], "en", undefined, "pt")).toBe("pt-BR");
  });

  it("parses Accept-Language best first", () => {
    expect(parseAcceptLanguage("en;q=0.5, de, fr;q=0.8")).toEqual(["de", "fr", "en"]);
  });
});

describe("decide()", () => {
  const categories = demo.categories; // necessary (required) and usage (saleOrSharing)
  const request = (over: Partial<ConsentRequestInput>) =>
    ConsentRequest.parse({ action: "accept_all", policyFingerprint: "fp", locale: "en", widgetVersion: "w", textHash: `th1-${"0".repeat(32)}`, ...over });
  const apiError = (fn: () => unknown): ApiError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
    throw new Error("expected an ApiError");
  };

  it.each([
    ["accept_all", undefined, { necessary: true, usage: true }],
    ["reject_all", undefined, { necessary: true, usage: false }],
    ["withdraw", undefined, { necessary: true, usage: false }],
    ["custom", { usage: true }, { necessary: true, usage: true }],
    ["custom", { usage: false }, { necessary: true, usage: false }],
    ["custom", { necessary: true, usage: false }, { necessary: true, usage: false }],
    ["accept_all", { usage: true }, { necessary: true, usage: true }],
  ] as const)("%s with %j → %j (R0.1)", (action, choices, expected) => {
    expect(decide(categories, request({ action, ...(choices ? { choices } : {}) }), false)).toEqual({ categories: expected, gpcApplied: false });
  });

  it("states every category of the site, whatever the request names (R1.14)", () => {
    const result = decide(categories, request({ action: "reject_all" }), false);
    expect(Object.keys(result.categories).sort()).toEqual(["necessary", "usage"]);
  });

  it("refuses an unknown category with 422 unknown_category (R6.3, R7.9)", () => {
    const err = apiError(() => decide(categories, request({ action: "custom", choices: { usage: true, marketing: true } }), false));
    expect([err.status, err.code]).toEqual([422, "unknown_category"]);
    expect(err.errors).toEqual([{ path: "choices.marketing", message: expect.any(String) }]);
  });

  it.each(["custom", "accept_all", "reject_all", "withdraw"] as const)("refuses necessary:false with 422 necessary_required (%s) (R0.1)", (action) => {
    const err = apiError(() => decide(categories, request({ action, choices: { necessary: false, usage: false } }), false));
    expect([err.status, err.code]).toEqual([422, "necessary_required"]);
  });

  it("refuses a custom decision that leaves a category out", () => {
    const err = apiError(() => decide(categories, request({ action: "custom", choices: { necessary: true } }), false));
    expect([err.status, err.code]).toEqual([422, "missing_category"]);
    const none = apiError(() => decide(categories, request({ action: "custom" }), false));
    expect(none.code).toBe("missing_category");
  });

  it("refuses choices that contradict the action", () => {
    const err = apiError(() => decide(categories, request({ action: "accept_all", choices: { usage: false } }), false));
    expect([err.status, err.code]).toEqual([422, "choices_contradict_action"]);
    expect(apiError(() => decide(categories, request({ action: "reject_all", choices: { usage: true } }), false)).code).toBe("choices_contradict_action");
  });

  it("GPC forces sale/sharing categories off and says so (R2.2)", () => {
    expect(decide(categories, request({ action: "accept_all" }), true)).toEqual({ categories: { necessary: true, usage: false }, gpcApplied: true });
    expect(decide(categories, request({ action: "custom", choices: { usage: true } }), true)).toEqual({
      categories: { necessary: true, usage: false },
      gpcApplied: true,
    });
  });

  it("GPC with nothing to turn off records gpcApplied false (R2.2)", () => {
    expect(decide(categories, request({ action: "reject_all" }), true)).toEqual({ categories: { necessary: true, usage: false }, gpcApplied: false });
  });

  it("GPC leaves categories that are not sale or sharing alone (R2.2)", () => {
    const site = demoConfig((c) => addCategory(c, "functional"));
    expect(decide(site.categories, request({ action: "accept_all" }), true).categories).toEqual({ necessary: true, usage: false, functional: true });
  });

  it("grantsAnything is true only when an optional category is on", () => {
    expect(grantsAnything(categories, { necessary: true, usage: false })).toBe(false);
    expect(grantsAnything(categories, { necessary: true, usage: true })).toBe(true);
  });
});

describe("policy fingerprint (R9.12)", () => {
  const base = policyFingerprint(demo);
  const fp = (edit: (c: ReturnType<typeof demoInput>) => void) => policyFingerprint(demoConfig(edit));

  it("is stable across parses of the same config", async () => {
    expect(await fp(() => {})).toBe(await base);
    expect(await base).toMatch(/^fp1-[0-9a-f]{32}$/);
  });

  it.each<[string, (c: ReturnType<typeof demoInput>) => void]>([
    ["wording", (c) => (c.texts.en!.banner.title = "A new title, typo fixed")],
    ["a category description", (c) => (c.texts.de!.categories.usage!.description = "Neu formuliert.")],
    ["a new locale", (c) => (c.texts.it = structuredClone(c.texts.en!))],
    ["theme colours", (c) => (c.theme = { accent: "#000000", onAccent: "#ffffff", colorScheme: "dark", radiusPx: 2 })],
    ["category order", (c) => c.categories.reverse()],
    ["vendor order", (c) => c.categories[1]!.vendors.reverse()],
    ["storage order", (c) => c.categories[1]!.storage.reverse()],
    ["policy version label", (c) => (c.policy.version = "2027-01")],
    ["policy last-updated date", (c) => (c.policy.lastUpdated = "2027-01-01")],
    ["policy URL", (c) => (c.policy.url = "https://example.com/new-privacy")],
    ["site name", (c) => (c.name = "Renamed")],
    ["consent lifetime", (c) => (c.consent = { lifetimeDays: 200 })],
  ])("does not change with %s", async (_what, edit) => {
    expect(await fp(edit)).toBe(await base);
  });

  it.each<[string, (c: ReturnType<typeof demoInput>) => void]>([
    ["a category added", (c) => addCategory(c, "marketing")],
    [
      "a vendor added",
      (c) => {
        c.categories[1]!.vendors.push({ id: "ads-co", name: "Ads Co", policyUrl: "https://ads.example/privacy", thirdParty: true, retentionDays: 30 });
        for (const t of Object.values(c.texts)) t.vendors["ads-co"] = { purpose: "Advertising." };
      },
    ],
    ["a storage duration", (c) => (c.categories[1]!.storage[0]!.durationDays = 30)],
    ["a storage item added", (c) => c.categories[1]!.storage.push({ name: "_fbp", type: "cookie", durationDays: 90 })],
    ["a vendor's retention", (c) => (c.categories[1]!.vendors[0]!.retentionDays = 800)],
    ["a category becoming sale/sharing", (c) => (c.categories[1]!.saleOrSharing = false)],
    ["a Consent Mode mapping", (c) => c.categories[1]!.consentMode!.push("ad_storage")],
    ["the regimes", (c) => (c.regimes.otherwise = "notice")],
    ["a regime rule", (c) => c.regimes.rules[1]!.regions!.pop()],
    ["policy.materialRevision bumped", (c) => (c.policy.materialRevision = 1)],
  ])("changes with %s", async (_what, edit) => {
    expect(await fp(edit)).not.toBe(await base);
  });

  it("the text hash changes with the wording and the locale", async () => {
    const en = await textHash("en", demo.texts.en!);
    expect(await textHash("en", demoConfig((c) => (c.texts.en!.gpcHonored = "Honoured.")).texts.en!)).not.toBe(en);
    expect(await textHash("de", demo.texts.en!)).not.toBe(en);
    expect(await textHash("en", demoConfig().texts.en!)).toBe(en);
  });
});

describe("visitor tokens (R7.3)", () => {
  it("round-trip for the site they were signed for", async () => {
    const visitor = crypto.randomUUID();
    const token = await signToken(env as unknown as Env, "acme", visitor, new Date());
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyToken(env as unknown as Env, token, "acme")).toMatchObject({ s: "acme", v: visitor });
  });

  it("bearer() reads only the Bearer scheme", () => {
    expect(bearer(undefined)).toBeNull();
    expect(bearer("Bearer abc.def")).toBe("abc.def");
    expect(bearer("bearer   abc")).toBe("abc");
    expect(() => bearer("Basic dXNlcjpwYXNz")).toThrow(ApiError);
    expect(() => bearer("Bearer")).toThrow(ApiError);
    expect(() => bearer("Bearer a b")).toThrow(ApiError);
  });
});

describe("uaFamily: the coarse browser family kept in the proof (R1.14)", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36", "Chrome"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15", "Safari"],
    ["Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 Edg/156.0", "Edge"],
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "bot"],
    ["", "unknown"],
  ])("%s → %s", (ua, family) => {
    expect(uaFamily(ua)).toBe(family);
  });
});

describe("ipPrefix: the rate-limit key of anonymous writes (R6.10)", () => {
  it("is the /24 of an IPv4 address", () => {
    expect(ipPrefix("203.0.113.7")).toBe("203.0.113.0/24");
    expect(ipPrefix("203.0.113.200")).toBe(ipPrefix("203.0.113.7"));
    expect(ipPrefix("203.0.114.7")).not.toBe(ipPrefix("203.0.113.7"));
  });

  it("is the /64 of an IPv6 address, however the address is written", () => {
    const a = ipPrefix("2001:db8:0:5:1:2:3:4");
    expect(a).toMatch(/\/64$/);
    // The same /64 (2001:db8:0:5), compressed differently (RFC 5952 forms).
    expect(ipPrefix("2001:db8:0:5::1")).toBe(a);
    expect(ipPrefix("2001:DB8:0:5:ffff::")).toBe(a);
    // 2001:0:0:5::/64 written with "::" inside the prefix, and the /64 next to it.
    expect(ipPrefix("2001::5:1:2:3:4")).toBe(ipPrefix("2001:0:0:5::1"));
    expect(ipPrefix("2001::5:1:2:3:4")).not.toBe(ipPrefix("2001::6:1:2:3:4"));
    expect(ipPrefix("2001:db8::1")).toBe(ipPrefix("2001:db8:0:0:ffff:1:2:3"));
    expect(ipPrefix("2001:db8::1")).not.toBe(a);
  });

  it("is 'unknown' without a usable address", () => {
    expect(ipPrefix(undefined)).toBe("unknown");
    expect(ipPrefix("")).toBe("unknown");
    expect(ipPrefix("not-an-ip")).toBe("unknown");
  });
});


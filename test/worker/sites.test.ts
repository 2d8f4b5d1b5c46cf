/**
 * The site configuration a site owner writes (R0.1, R1.12, R1.13, R7.4, R7.9, R8.6): what the
 * schema refuses, with the field it points at, and how a stored config reaches the API.
 */
import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { type BootstrapResponse, SiteConfig, type SiteConfigInput } from "../../worker/contract";
import { call, demoInput, expectProblem, freshSite } from "./helpers";

/** The issues the schema reports for the demo config after `edit`, as "path: message". */
function issues(edit: (c: SiteConfigInput) => void): string[] {
  const input = demoInput();
  edit(input);
  const result = SiteConfig.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const usage = (c: SiteConfigInput) => c.categories.find((x) => x.id === "usage")!;

describe("the site config schema", () => {
  it("accepts the demo config", () => {
    expect(issues(() => {})).toEqual([]);
  });

  it.each<[string, (c: SiteConfigInput) => void, RegExp]>([
    ["a category without vendors", (c) => delete (usage(c) as { vendors?: unknown }).vendors, /^categories\.1\.vendors: /],
    ["a category without storage", (c) => delete (usage(c) as { storage?: unknown }).storage, /^categories\.1\.storage: /],
    ["a storage item without a duration", (c) => delete (usage(c).storage[0] as { durationDays?: unknown }).durationDays, /^categories\.1\.storage\.0\.durationDays: /],
    ["a vendor without its retention", (c) => delete (usage(c).vendors[0] as { retentionDays?: unknown }).retentionDays, /^categories\.1\.vendors\.0\.retentionDays: /],
    ["a vendor policy link that is javascript:", (c) => (usage(c).vendors[0]!.policyUrl = "javascript:alert(1)"), /^categories\.1\.vendors\.0\.policyUrl: /],
    ["no necessary category", (c) => c.categories.splice(0, 1), /^categories: .*"necessary"/],
    ["necessary that is not required", (c) => (c.categories[0]!.required = false), /^categories: .*"necessary"/],
    ["required: true on an optional category", (c) => (usage(c).required = true), /^categories\.1\.required: only the necessary/],
    ["a category twice", (c) => c.categories.push(structuredClone(usage(c))), /^categories: category "usage" appears twice/],
    ["a missing category title in one locale", (c) => delete (c.texts.de!.categories.usage as { title?: string }).title, /^texts\.de\.categories\.usage\.title: /],
    ["a missing category text in one locale", (c) => delete c.texts.fr!.categories.usage, /^texts\.fr\.categories\.usage: title and description missing/],
    ["wording for a category that does not exist", (c) => (c.texts.en!.categories.ads = { title: "Ads", description: "Ads." }), /^texts\.en\.categories\.ads: no such category/],
    ["a missing vendor purpose in one locale", (c) => delete c.texts.es!.vendors["google-analytics"], /^texts\.es\.vendors\.google-analytics: /],
    ["no texts for the default locale", (c) => (c.defaultLocale = "it"), /^texts: .*"it"/],
    ["an empty banner title", (c) => (c.texts.en!.banner.title = "   "), /^texts\.en\.banner\.title: /],
    ["a low-contrast theme (#999999 on #ffffff)", (c) => (c.theme = { accent: "#999999", onAccent: "#ffffff" }), /^theme\.onAccent: .*4\.5:1/],
    ["a colour that is not #rrggbb", (c) => (c.theme = { accent: "blue" }), /^theme\.accent: /],
    ["lifetimeDays 396 (over 13 months)", (c) => (c.consent = { lifetimeDays: 396 }), /^consent\.lifetimeDays: /],
    ["refusalDays 30 (under 6 months)", (c) => (c.consent = { refusalDays: 30 }), /^consent\.refusalDays: /],
    ["an origin with a path", (c) => (c.allowedOrigins = ["https://www.example.com/shop"]), /^allowedOrigins\.0: an origin is scheme/],
    ["an origin with a trailing slash", (c) => (c.allowedOrigins = ["https://www.example.com/"]), /^allowedOrigins\.0: /],
    ["an origin *", (c) => (c.allowedOrigins = ["*"]), /^allowedOrigins\.0: /],
    ["the null origin", (c) => (c.allowedOrigins = ["null"]), /^allowedOrigins\.0: /],
    ["no origin at all", (c) => (c.allowedOrigins = []), /^allowedOrigins: /],
    ["a policy url with javascript:", (c) => (c.policy.url = "javascript:alert(document.cookie)"), /^policy\.url: /],
    ["a policy url with data:", (c) => (c.policy.url = "data:text/html,<script>alert(1)</script>"), /^policy\.url: /],
    ["an opt-out rule for an EU country", (c) => c.regimes.rules.push({ regime: "opt-out", countries: ["IT"] }), /^regimes\.rules\.3: .*IT/],
    ["a site id with capitals", (c) => (c.id = "Demo"), /^id: /],
    ["an unknown field (a typo)", (c) => ((c as Record<string, unknown>).lifetimeDays = 90), /lifetimeDays/],
  ])("refuses %s (R0.1, R0.4, R1.12, R1.13, R7.4, R7.9, R8.6)", (_what, edit, expected) => {
    const found = issues(edit);
    expect(found.length, "the config should be refused").toBeGreaterThan(0);
    expect(found.some((issue) => expected.test(issue)), found.join("\n")).toBe(true);
  });

  it("accepts the boundaries: lifetime 395 days, refusal 180 days, contrast 4.5:1 (R1.12, R1.13, R8.6)", () => {
    expect(issues((c) => (c.consent = { lifetimeDays: 395, refusalDays: 180 }))).toEqual([]);
    expect(issues((c) => (c.theme = { accent: "#767676", onAccent: "#ffffff" }))).toEqual([]); // 4.54:1
  });

  it("lists every problem of a file at once: malformed fields and the rules across fields together", () => {
    const input = demoInput();
    input.name = "";
    input.allowedOrigins = ["not an origin"];
    input.theme = { accent: "#777777", onAccent: "#888888" };
    input.categories.push(structuredClone(input.categories[1]!)); // "usage" twice
    delete input.texts.de!.categories.usage;
    input.texts.fr!.communications.sms = { title: "SMS", description: "x", consentText: "y" }; // no such list
    delete input.texts.es!.vendors["google-analytics"];
    const result = SiteConfig.safeParse(input);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining(["name", "allowedOrigins.0", "theme.onAccent", "categories", "texts.de.categories.usage", "texts.es.vendors.google-analytics"]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(6);
  });

  it("fills in the documented defaults (R1.12, R1.13)", () => {
    const input = demoInput();
    delete input.consent;
    delete input.theme;
    const config = SiteConfig.parse(input);
    expect(config.consent).toEqual({ lifetimeDays: 180, refusalDays: 180, proofRetentionDays: 1095 });
    expect(config.regimes.otherwise).toBe("opt-in");
    expect(config.theme).toMatchObject({ colorScheme: "system", accent: "#1d4ed8", onAccent: "#ffffff" });
  });
});

describe("site-owner text is data, not markup (R7.9)", () => {
  it("a title like <img src=x onerror=alert(1)> is accepted and reaches the widget unchanged", async () => {
    const markup = "<img src=x onerror=alert(1)>";
    const site = await freshSite((c) => {
      c.name = `Shop ${markup}`;
      c.texts.en!.banner.title = markup;
      c.texts.en!.categories.usage!.title = `Usage ${markup}`;
    });
    const res = await call(`/v1/sites/${site.id}/bootstrap`);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const body = (await res.json()) as BootstrapResponse;
    expect(body.texts.banner.title).toBe(markup);
    expect(body.texts.categories.usage!.title).toBe(`Usage ${markup}`);
    expect(body.site.name).toBe(`Shop ${markup}`);
  });
});

describe("a stored config", () => {
  it("that was hand-edited into an invalid document → 500 site_config_invalid, not a crash", async () => {
    const site = await freshSite();
    const broken = { ...site.config, consent: { ...site.config.consent, lifetimeDays: 9999 } };
    await env.SITES.put(`site:v1:${site.id}`, JSON.stringify(broken));
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expectProblem(await call(`/v1/sites/${site.id}/bootstrap`), 500, "site_config_invalid");
      // The operator learns which site is broken.
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(site.id), expect.anything());
    } finally {
      logged.mockRestore();
    }
  });

  it("stored under another site's key → 500 site_config_invalid", async () => {
    const site = await freshSite();
    const other = await freshSite();
    await env.SITES.put(`site:v1:${other.id}`, JSON.stringify(site.config));
    await expectProblem(await call(`/v1/sites/${other.id}/bootstrap`), 500, "site_config_invalid");
  });
});

/**
 * GET /v1/sites/{siteId}/bootstrap: what the widget needs to show the banner, in the visitor's
 * language, with the edge decision (regime, jurisdiction, GPC) and cache headers that never let
 * one visitor's answer reach another. Before any choice it names no visitor: the id and token
 * come with the first decision (R1.2).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { banner as arLabels } from "../../shared/banner-strings/ar";
import { banner as deLabels } from "../../shared/banner-strings/de";
import { banner as enLabels } from "../../shared/banner-strings/en";
import { BootstrapResponse, type ConsentResponse } from "../../worker/contract";
import { textHash } from "../../worker/consent/fingerprint";
import { ORIGIN, call, decisionBody, expectNothingWritten, expectProblem, freshSite, ledgerRows, postDecision } from "./helpers";

const bootstrap = (siteId: string, init: Parameters<typeof call>[1] = {}, query = "") => call(`/v1/sites/${siteId}/bootstrap${query}`, init);

/** A header's comma-separated values, lower-cased. */
const values = (res: Response, name: string) =>
  (res.headers.get(name) ?? "")
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

describe("GET bootstrap", () => {
  it("answers 200 with the site's texts, categories, policy fingerprint and edge decision", async () => {
    const site = await freshSite();
    const res = await bootstrap(site.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await res.json()) as BootstrapResponse;
    expect(body.site).toEqual({ id: site.id, name: site.config.name });
    expect(body.locale).toBe("en");
    expect(body.locales.sort()).toEqual(["ar", "de", "en", "es", "fr"]);
    expect(body.dir).toBe("ltr");
    expect(body.texts).toEqual(site.config.texts.en);
    expect(body.strings).toEqual(enLabels);
    expect(body.textHash).toBe(site.textHash);
    expect(body.categories).toEqual(site.config.categories);
    expect(body.communications).toEqual(site.config.communications);
    expect(body.policy).toEqual({
      version: site.config.policy.version,
      url: site.config.policy.url,
      cookiePolicyUrl: site.config.policy.cookiePolicyUrl,
      lastUpdated: site.config.policy.lastUpdated,
      fingerprint: site.fingerprint,
    });
    expect(body.consent).toEqual({ lifetimeDays: 180, refusalDays: 180 });
    expect(body.consentMode).toEqual({ waitForUpdateMs: 500 });
    expect(body.theme).toEqual(site.config.theme);
    expect(body.edge).toEqual({ regime: "opt-in", jurisdiction: null, country: null, gpc: false });
    // The contract describes what is sent, down to the widget's labels.
    expect(BootstrapResponse.strict().safeParse(body).success).toBe(true);
  });

  it("carries the widget's own labels in the negotiated language, so a first visit fetches no strings file", async () => {
    const site = await freshSite();
    const de = (await (await bootstrap(site.id, {}, "?lang=de-CH")).json()) as BootstrapResponse;
    expect(de.locale).toBe("de");
    expect(de.strings).toEqual(deLabels);
    const ar = (await (await bootstrap(site.id, { headers: { "Accept-Language": "ar-EG" } })).json()) as BootstrapResponse;
    expect(ar.strings).toEqual(arLabels);
    expect(ar.strings.$dir).toBe("rtl");
    // The labels follow the site texts' language, not the one asked for: no mixed banner.
    const ja = (await (await bootstrap(site.id, { headers: { "Accept-Language": "ja" } })).json()) as BootstrapResponse;
    expect(ja.locale).toBe("en");
    expect(ja.strings).toEqual(enLabels);
  });

  it("?lang=de selects the German texts and their hash", async () => {
    const site = await freshSite();
    const res = await bootstrap(site.id, { headers: { "Accept-Language": "fr" } }, "?lang=de");
    const body = (await res.json()) as BootstrapResponse;
    expect(body.locale).toBe("de");
    expect(body.texts).toEqual(site.config.texts.de);
    expect(body.textHash).toBe(await textHash("de", site.config.texts.de!));
    expect(body.textHash).not.toBe(site.textHash);
    expect(res.headers.get("Content-Language")).toBe("de");
  });

  it("Accept-Language: fr selects the French texts", async () => {
    const site = await freshSite();
    const res = await bootstrap(site.id, { headers: { "Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5" } });
    const body = (await res.json()) as BootstrapResponse;
    expect(body.locale).toBe("fr");
    expect(body.texts.banner.title).toBe(site.config.texts.fr!.banner.title);
  });

  it("an unavailable language falls back to the site's default", async () => {
    const site = await freshSite();
    const body = (await (await bootstrap(site.id, { headers: { "Accept-Language": "ja" } })).json()) as BootstrapResponse;
    expect(body.locale).toBe("en");
  });

  it.each(["?lang=!!", "?lang=", "?lang=a_b"])("%s → 400 invalid_query, naming lang as what was wrong", async (query) => {
    const site = await freshSite();
    const problem = await expectProblem(await bootstrap(site.id, {}, query), 400, "invalid_query");
    expect(problem.detail).toContain("BCP 47");
    expect(problem.errors?.map((e) => e.path)).toEqual(["lang"]);
  });

  it("an unknown site → 404 site_not_found", async () => {
    await expectProblem(await bootstrap("no-such-site"), 404, "site_not_found");
  });

  it.each(["Bad_ID", "-leading-dash", "a".repeat(49)])("an invalid site id %s → 400 invalid_site_id", async (id) => {
    await expectProblem(await bootstrap(id), 400, "invalid_site_id");
  });

  it("is private to the browser and varies on Origin, Accept-Language and Sec-GPC (R7.1, R7.6)", async () => {
    const site = await freshSite();
    for (const headers of [{}, { Origin: ORIGIN }] as Record<string, string>[]) {
      const res = await bootstrap(site.id, { headers });
      const cacheControl = values(res, "Cache-Control");
      expect(cacheControl).toContain("private");
      expect(cacheControl).not.toContain("public");
      expect(values(res, "Vary")).toEqual(expect.arrayContaining(["origin", "accept-language", "sec-gpc"]));
      expect(res.headers.get("Set-Cookie")).toBeNull();
    }
  });

  it.each([
    [{ country: "DE" }, { regime: "opt-in", jurisdiction: "DE", country: "DE" }],
    [{ country: "US", regionCode: "CA" }, { regime: "opt-out", jurisdiction: "US-CA", country: "US" }],
    [{ country: "US", regionCode: "WY" }, { regime: "notice", jurisdiction: "US-WY", country: "US" }],
    [{ country: "US" }, { regime: "opt-in", jurisdiction: "US", country: "US" }],
    [undefined, { regime: "opt-in", jurisdiction: null, country: null }],
    [{ country: "XX" }, { regime: "opt-in", jurisdiction: null, country: null }],
  ])("edge from request.cf %j → %j (R0.4)", async (cf, expected) => {
    const site = await freshSite();
    const body = (await (await bootstrap(site.id, cf ? { cf } : {})).json()) as BootstrapResponse;
    expect(body.edge).toEqual({ ...expected, gpc: false });
  });

  it("edge.gpc follows Sec-GPC, together with the location (R2.1, R7.6)", async () => {
    const site = await freshSite();
    const edge = async (gpc: string) =>
      ((await (await bootstrap(site.id, { cf: { country: "US", regionCode: "CA" }, headers: { "Sec-GPC": gpc } })).json()) as BootstrapResponse).edge;
    expect(await edge("1")).toEqual({ regime: "opt-out", jurisdiction: "US-CA", country: "US", gpc: true });
    expect((await edge("0")).gpc).toBe(false);
  });
});

describe("a first visit before any choice (R1.2)", () => {
  it("bootstrap gives no visitor id or token and records no visitor; the first decision makes exactly one of each", async () => {
    const site = await freshSite();
    for (let i = 0; i < 2; i++) {
      const res = await bootstrap(site.id, { headers: { Origin: ORIGIN } });
      expect(res.status).toBe(200);
      expect(res.headers.get("Set-Cookie")).toBeNull();
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).not.toContain("visitorId");
      expect(Object.keys(body)).not.toContain("token");
    }
    // Nothing names a visitor yet: no proof row, no KV record, no record marked for KV.
    await expectNothingWritten(site.id);
    const kept = await env.LEDGER.prepare("SELECT COUNT(*) AS n FROM kv_records WHERE site_id = ?").bind(site.id).first<{ n: number }>();
    expect(kept!.n).toBe(0);

    // "Reject all" is the first decision: one visitor id, one token, one state record.
    const res = await postDecision(site.id, decisionBody(site, { action: "reject_all" }));
    expect(res.status).toBe(201);
    const first = (await res.json()) as ConsentResponse;
    expect(first.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.token).toEqual(expect.any(String));
    expect((await ledgerRows(site.id)).map((r) => r.visitor_id)).toEqual([first.visitorId]);
    expect(first.preferences).toMatchObject({ visitorId: first.visitorId, action: "reject_all" });
  });
});

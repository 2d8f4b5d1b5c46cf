/**
 * The privacy notice (worker/notice/): what a site owner pastes into their policy, served at
 * GET /v1/sites/{siteId}/privacy-notice. The demo's notice in every language passes its lint and
 * every link in it works: the Worker's rights pages answer 200, the demo site's own pages exist
 * among the static assets `npm start` serves (with the fragment they point to), and `mailto:`
 * links are well formed. Hostile config text stays text; the sections follow the config.
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SiteConfig } from "../../worker/contract";
import { lintNotice, requiredSections } from "../../worker/notice/lint";
import { PURGED_BY } from "../../worker/notice/retention-schedule";
import { runRetention } from "../../worker/scheduled/retention";
import { BASE, call, expectProblem, freshSite } from "./helpers";

const notice = (siteId: string, query = "") => call(`/v1/sites/${siteId}/privacy-notice${query}`);

async function htmlNotice(siteId: string, lang: string): Promise<string> {
  const res = await notice(siteId, `?lang=${lang}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Content-Language")).toBe(lang);
  return text;
}

/** The body of one section of a notice's HTML. */
const section = (html: string, id: string) => [...html.matchAll(/<section id="assent-([^"]*)">([\s\S]*?)<\/section>/g)].find((m) => m[1] === id)?.[2];

/**
 * Follows one link of a notice as a reader would: the Worker's own pages through the Worker, the
 * demo site's pages through the static assets (the fragment must name an element there),
 * anything else (another company's policy) only checked for shape, since tests run offline.
 */
async function follow(href: string, site: SiteConfig): Promise<void> {
  if (href.startsWith("#") || href.startsWith("mailto:")) return; // checked by the lint
  const url = new URL(href);
  if (url.origin === new URL(BASE).origin) {
    const res = await exports.default.fetch(href);
    expect(res.status, `${href}: ${res.status}`).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    await res.body?.cancel();
  } else if (site.allowedOrigins.includes(url.origin)) {
    const res = await env.ASSETS.fetch(`${url.origin}${url.pathname}`);
    expect(res.status, `${href}: ${res.status}`).toBe(200);
    const page = await res.text();
    if (url.hash) expect(page, `${href}: no element with that id`).toContain(`id="${url.hash.slice(1)}"`);
  } else expect(url.protocol, href).toBe("https:");
}

describe("the demo's privacy notice (R9.11, R9.10, R2.9)", () => {
  it("in every language of the demo, has every required section, passes its lint, and every link answers 200 (R9.11, R9.10, R2.9)", async () => {
    const site = await freshSite();
    const langs = Object.keys(site.config.texts);
    expect(langs).toEqual(["en", "de", "fr", "es", "ar"]);
    const followed = new Set<string>();
    for (const lang of langs) {
      const html = await htmlNotice(site.id, lang);
      const lint = lintNotice(html, site.config, lang);
      expect(lint, lang).toMatchObject({ ok: true, missing: [], unexpected: [], problems: [] });
      expect([...html.matchAll(/<section id="assent-([^"]*)">/g)].map((m) => m[1])).toEqual(requiredSections(site.config));
      // The demo offers everything: California, minors' removal, email lists.
      expect(requiredSections(site.config)).toEqual(["purposes", "communications", "retention", "rights", "gpc", "california", "minors", "children", "contact"]);
      expect(lint.links).toContain(`${BASE}/r/${site.id}/opt_out?lang=${lang}`);
      expect(lint.links).toContain(`${BASE}/r/${site.id}?lang=${lang}#california`);
      expect(lint.links).toContain("mailto:privacy@penguin.example");
      expect(lint.links).toContain("http://127.0.0.1:8787/privacy#usage-data");
      for (const href of lint.links)
        if (!followed.has(href)) {
          followed.add(href);
          await follow(href, site.config);
        }
    }
    // Each language's rights forms, the California section, the demo's policy and its fragments.
    expect(followed.size).toBeGreaterThan(40);
  });

  it("names the rights forms in the notice's language and links them with that language (R9.11)", async () => {
    const site = await freshSite();
    const html = await htmlNotice(site.id, "de");
    expect(html).toContain(`<div class="assent-notice" lang="de" dir="ltr">`);
    expect(html).toContain(`<a href="${BASE}/r/${site.id}/access?lang=de">Eine Kopie Ihrer Daten erhalten</a>`);
    expect(html).toContain("<h2>Ihre Datenschutzrechte in Kalifornien (Your California Privacy Rights)</h2>");
    const ar = await htmlNotice(site.id, "ar");
    expect(ar).toContain(`<div class="assent-notice" lang="ar" dir="rtl">`);
  });

  it("states each retention period with the site's own values (R9.10, R1.15)", async () => {
    const site = await freshSite((c) => {
      c.consent = { lifetimeDays: 90, refusalDays: 200, proofRetentionDays: 730 };
      c.email!.confirmDays = 3;
    });
    const retention = section(await htmlNotice(site.id, "en"), "retention")!;
    expect(retention).toContain("90 days if you allowed something, 200 days if you refused");
    expect(retention).toContain("the lifetime of your choice plus 2 years");
    expect(retention).toContain("until you confirm, at most 3 days");
    expect(retention).toContain("731 days"); // the rights-request log (worker/rights/store.ts LOG_RETENTION_DAYS)
    expect(retention).toContain("indefinitely"); // suppression hashes, with the reason
  });

  it("the Markdown format has the same content and links, and no markup from the config (R9.11)", async () => {
    const site = await freshSite();
    const html = await htmlNotice(site.id, "en");
    const res = await notice(site.id, "?lang=en&format=md");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    const md = await res.text();
    expect(md).toContain("## Opt-out preference signals (Global Privacy Control)");
    expect(md).toContain("responds to and abides by opt-out preference signals");
    const mdLinks = [...md.matchAll(/\]\(<([^>]*)>\)|<a href="([^"]*)"/g)].map((m) => (m[1] ?? m[2])!.replace(/&amp;/g, "&"));
    expect(new Set(mdLinks)).toEqual(new Set(lintNotice(html, site.config, "en").links));
  });
});

describe("GET /v1/sites/{siteId}/privacy-notice (R9.11)", () => {
  it("answers in the default language without ?lang, cacheable, with an ETag that a config change changes (R9.11)", async () => {
    const site = await freshSite((c) => {
      c.defaultLocale = "de";
    });
    const res = await notice(site.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Language")).toBe("de");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    const etag = res.headers.get("ETag")!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    await res.body?.cancel();
    const again = await call(`/v1/sites/${site.id}/privacy-notice`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await call(`/v1/sites/${site.id}/privacy-notice?lang=en`, { headers: { "If-None-Match": etag } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });

  it("refuses what it cannot answer with a problem and a stable code (R9.11)", async () => {
    const site = await freshSite();
    await expectProblem(await notice("no-such-site"), 404, "site_not_found");
    await expectProblem(await notice("Not_A_Site"), 400, "invalid_site_id");
    await expectProblem(await notice(site.id, "?lang=not_a_tag"), 400, "invalid_query");
    await expectProblem(await notice(site.id, "?format=pdf"), 400, "invalid_query");
    const unavailable = await expectProblem(await notice(site.id, "?lang=ja"), 400, "invalid_query");
    expect(unavailable.detail).toBe("lang: the site's privacy notice is available in: en, de, fr, es, ar.");
  });

  it("answers any query with a notice or a 400 problem, never a server error (R9.11)", async () => {
    const site = await freshSite();
    const value = fc.oneof(fc.constantFrom("en", "de-CH", "AR", "md", "html", "", "x".repeat(300)), fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 10 }));
    await fc.assert(
      fc.asyncProperty(value, value, async (lang, format) => {
        const res = await notice(site.id, `?lang=${encodeURIComponent(lang)}&format=${encodeURIComponent(format)}`);
        if (res.status === 200) {
          expect(["html", "md"]).toContain(format);
          await res.body?.cancel();
        } else await expectProblem(res, 400, "invalid_query");
      }),
      { numRuns: 60 },
    );
  });
});

describe("the notice follows the site config (R9.11, R9.7, R9.8, R9.9, R2.9)", () => {
  it("escapes hostile config text in HTML and Markdown, and still passes its lint (R9.11)", async () => {
    const attack = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
    const site = await freshSite((c) => {
      c.name = `Evil ${attack}`.slice(0, 100);
      c.policy.version = "<b>v1</b>";
      c.texts.en!.categories.usage!.title = `Usage ${attack}`;
      c.texts.en!.categories.usage!.description = `1. # ${attack} | [x](javascript:alert(3))`;
      c.texts.en!.vendors["google-analytics"]!.purpose = attack;
      c.texts.en!.gpcHonored = attack;
      c.categories[1]!.vendors[1]!.name = `GA ${attack}`;
      c.categories[1]!.vendors[1]!.policyUrl = `https://evil.test/"><script>alert(4)</script>`;
      c.categories[1]!.storage[0]!.name = `<svg onload=alert(5)>`;
      c.email!.postalAddress = attack;
    });
    const html = await htmlNotice(site.id, "en");
    // No element from the config, and no attribute inside any real tag.
    expect(html).not.toMatch(/<(?:script|img|svg|b)\b/i);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;");
    expect(html).toContain(`href="https://evil.test/&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"`);
    expect(lintNotice(html, site.config, "en")).toMatchObject({ ok: true, problems: [] });
    const md = await (await notice(site.id, "?lang=en&format=md")).text();
    expect(md).not.toMatch(/<(?:script|img|svg|b)\b/i);
    expect(md).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Site text cannot start a Markdown list or heading, nor add a table cell or a link.
    expect(md).toContain("1\\. # &lt;script&gt;");
    expect(md).toContain("\\| \\[x\\](javascript:alert(3))");
  });

  it("a site without California rights gets no California or minors' section, and its lint passes (R9.11, R9.8)", async () => {
    const site = await freshSite((c) => {
      c.rights = { ...c.rights, california: false, shineTheLightMode: undefined };
    });
    const html = await htmlNotice(site.id, "en");
    expect(html).not.toContain('id="assent-california"');
    expect(html).not.toContain('id="assent-minors"');
    expect(html).not.toContain("minor_content_removal");
    expect(html).not.toContain("may not ensure complete or comprehensive removal");
    expect(lintNotice(html, site.config, "en").ok).toBe(true);
  });

  it("a California site without email settings offers no minors' removal, so its notice has no minors' section (R9.8)", async () => {
    const site = await freshSite((c) => {
      delete c.email;
      c.communications = [];
      for (const t of Object.values(c.texts)) t.communications = {};
    });
    expect(requiredSections(site.config)).not.toContain("minors");
    const html = await htmlNotice(site.id, "en");
    expect(html).toContain('id="assent-california"');
    expect(html).not.toContain('id="assent-minors"');
    expect(lintNotice(html, site.config, "en").ok).toBe(true);
  });

  it("the minors' section carries the removal notice and the form; the lint finds it missing or unexpected (R9.8, R9.11)", async () => {
    const site = await freshSite();
    const html = await htmlNotice(site.id, "en");
    const minors = section(html, "minors")!;
    expect(minors).toContain("removal may not ensure complete or comprehensive removal of the content or information from our systems");
    expect(minors).toContain(`${BASE}/r/${site.id}/minor_content_removal?lang=en`);
    const without = html.replace(/<section id="assent-minors">[\s\S]*?<\/section>/, "");
    expect(lintNotice(without, site.config, "en")).toMatchObject({ ok: false, missing: ["minors"] });
    const noCalifornia = await freshSite((c) => {
      c.rights = { ...c.rights, california: false, shineTheLightMode: undefined };
    });
    expect(lintNotice(html, noCalifornia.config, "en")).toMatchObject({ ok: false, unexpected: ["california", "minors"] });
  });

  it("a child-directed site says so, collects no addresses and offers a parent's deletion (R9.9, R9.11)", async () => {
    const site = await freshSite((c) => {
      c.childDirected = true;
    });
    const html = await htmlNotice(site.id, "en");
    const children = section(html, "children")!;
    expect(children).toContain("This site is directed to children and collects no email addresses");
    expect(children).toContain(`${BASE}/r/${site.id}/child_data_deletion?lang=en`);
    expect(html).not.toContain('id="assent-communications"');
    expect(html).not.toContain("/access?lang=");
    expect(html).not.toContain("Email signups waiting for confirmation");
    expect(lintNotice(html, site.config, "en").ok).toBe(true);
    const general = section(await htmlNotice((await freshSite()).id, "en"), "children")!;
    expect(general).toContain("not directed to children under 13");
  });

  it("Shine the Light in disclosure mode names the request, the 30 days and the recipients (R9.7)", async () => {
    const site = await freshSite((c) => {
      const ga = c.categories[1]!.vendors[1]!;
      ga.directMarketing = true;
      ga.postalAddress = "Gordon House, Barrow Street, Dublin 4, Ireland";
    });
    const california = section(await htmlNotice(site.id, "en"), "california")!;
    expect(california).toContain("“Shine the Light”");
    expect(california).toContain("We answer within 30 days.");
    expect(california).toContain("We currently disclose personal information for their own direct marketing to: Google Analytics (Google Ireland Ltd.).");
    expect(california).toContain(`${BASE}/r/${site.id}/shine_the_light?lang=en`);
  });

  it("Shine the Light in opt-out-exemption mode says disclosures stop when asked, and how, free of charge (R9.7)", async () => {
    const site = await freshSite((c) => {
      c.rights!.shineTheLightMode = "optout-exemption";
    });
    const html = await htmlNotice(site.id, "de");
    const california = section(html, "california")!;
    expect(california).toContain("1798.83(c)(2)");
    expect(california).toContain('data-assent="open-preferences"');
    expect(california).toContain(`${BASE}/r/${site.id}/opt_out?lang=de`);
    expect(california).not.toContain("Wir antworten innerhalb von 30 Tagen.");
    expect(lintNotice(html, site.config, "de").ok).toBe(true);
    // The lint holds the mode to the text: a disclosure-mode site's notice must not say this.
    const disclosure = await freshSite();
    expect(lintNotice(html, disclosure.config, "de").problems.join("\n")).toContain("Shine the Light (disclosure)");
  });

  it("states that the site abides by opt-out preference signals and how GPC wins over a conflicting choice (R2.9)", async () => {
    const site = await freshSite();
    const gpc = section(await htmlNotice(site.id, "en"), "gpc")!;
    expect(gpc).toContain("Penguin Softphone responds to and abides by opt-out preference signals, such as Global Privacy Control (GPC).");
    expect(gpc).toContain("<li>Usage data</li>");
    expect(gpc).toContain("the signal wins: these purposes stay off in that browser for as long as it sends the signal");
    const nothingShared = await freshSite((c) => {
      c.categories[1]!.saleOrSharing = false;
    });
    const plain = section(await htmlNotice(nothingShared.id, "en"), "gpc")!;
    expect(plain).toContain("responds to and abides by opt-out preference signals");
    expect(plain).toContain("None of our purposes sells or shares personal information");
    const html = await htmlNotice(site.id, "en");
    const withoutStatement = html.replace("responds to and abides by", "may consider");
    expect(lintNotice(withoutStatement, site.config, "en").problems.join("\n")).toContain("abides by opt-out preference signals");
  });
});

describe("the retention schedule and the retention job (R9.10, R1.15)", () => {
  it("every kind of data the retention job deletes has its row in the schedule (R9.10, R1.15)", async () => {
    const run = await runRetention(env, new Date(), 1);
    const kinds = Object.keys(run).filter((k) => k !== "backlog");
    expect(kinds.sort()).toEqual(Object.keys(PURGED_BY).sort());
  });

  it("the lint finds a retention period the notice no longer states (R9.10)", async () => {
    const site = await freshSite((c) => {
      c.consent = { lifetimeDays: 180, refusalDays: 180, proofRetentionDays: 1095 };
    });
    const html = await htmlNotice(site.id, "en");
    const tampered = html.replace("plus 3 years", "plus a while");
    expect(lintNotice(tampered, site.config, "en").problems.join("\n")).toContain("a retention period of 1095 days");
  });
});

/**
 * The scanner's HTML report (scanner/report-html.ts) on a hand-made report: hostile strings
 * from the scanned site come out escaped and nothing can run, every finding and the verdict
 * are there, the screenshot is inside the file, and axe finds nothing (WCAG 2.2 AA and best
 * practice) in Chromium.
 */
import AxeBuilder from "@axe-core/playwright";
import { type Browser, chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../local/chromium";
import type { ScanScreenshot } from "../../scanner/index";
import { escapeHtml, htmlReport } from "../../scanner/report-html";
import { SCAN_SCHEMA, type ScanButtonStyle, type ScanFinding, ScanReport } from "../../worker/contract";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** A 1×1 PNG. */
const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

const HOSTILE_COOKIE = "<img src=x onerror=alert(1)>";
const HOSTILE_PAGE = 'https://shop.example/"><script>alert(2)</script>';
const HOSTILE_LABEL = "Reject</button><script>alert(3)</script>";
/** A "colour" that would load a URL if it reached a style attribute as it is. */
const HOSTILE_COLOUR = "red;background-image:url(https://evil.example/x)";
const START = "https://shop.example/";

const accept: ScanButtonStyle = {
  label: "Accept all",
  width: 160,
  height: 44,
  fontSize: 16,
  fontWeight: 700,
  color: "rgb(255, 255, 255)",
  background: "rgb(11, 87, 208)",
  contrast: 6.8,
};
const reject: ScanButtonStyle = { label: HOSTILE_LABEL, width: 90, height: 24, fontSize: 12, fontWeight: 400, color: "rgb(170, 170, 170)", background: HOSTILE_COLOUR, contrast: 2.1 };

const FINDINGS: ScanFinding[] = [
  {
    rule: "before-choice/cookie",
    severity: "error",
    profile: "eu",
    state: "before",
    page: HOSTILE_PAGE,
    message: `Cookie ${HOSTILE_COOKIE} was there before any choice (not declared).`,
    evidence: { kind: "cookie", cookie: { name: HOSTILE_COOKIE, domain: ".shop.example", thirdParty: false, expiresDays: 390.4 } },
  },
  {
    rule: "reject/storage",
    severity: "error",
    profile: "eu",
    state: "reject-reload",
    page: START,
    message: "localStorage key _hjSession was there after Reject all (category analytics).",
    evidence: { kind: "storage", item: { area: "localStorage", key: "_hjSession" } },
  },
  {
    rule: "before-choice/third-party",
    severity: "error",
    profile: "eu",
    state: "before",
    page: START,
    message: "www.google-analytics.com was contacted was there before any choice (script; category analytics).",
    evidence: { kind: "request", request: { url: "https://www.google-analytics.com/analytics.js", host: "www.google-analytics.com", type: "script", thirdParty: true } },
  },
  {
    rule: "consent-mode/default-late",
    severity: "error",
    profile: "eu",
    state: "before",
    page: START,
    message: "A Consent Mode config or event command ran before the consent default.",
    evidence: {
      kind: "consent-mode",
      calls: [
        { command: "config", target: "G-TEST123" },
        { command: "consent", target: "default", values: { ad_storage: "denied", analytics_storage: "denied" } },
      ],
    },
  },
  {
    rule: "banner/reject-weaker",
    severity: "error",
    profile: "eu",
    state: "before",
    page: START,
    message: `"${HOSTILE_LABEL}" is weaker than "Accept all": it is 30% of accept's size.`,
    evidence: { kind: "buttons", accept, reject },
  },
  {
    rule: "banner/pre-ticked",
    severity: "error",
    profile: "eu",
    state: "before",
    page: START,
    message: '"Analytics" is on before the visitor chose.',
    evidence: { kind: "control", label: "Analytics", checked: true },
  },
  {
    rule: "gpc/not-honoured",
    severity: "error",
    profile: "us-ca-gpc",
    state: null,
    page: START,
    message: "With GPC on, the visitor's record grants marketing.",
    evidence: { kind: "record", categories: { necessary: true, marketing: true, analytics: false } },
  },
  {
    rule: "declared/undeclared",
    severity: "warning",
    profile: "eu",
    state: "accept",
    page: START,
    message: "Cookie _ga_ABC123 is not in the site config.",
    evidence: { kind: "cookie", cookie: { name: "_ga_ABC123", domain: ".shop.example", thirdParty: false, expiresDays: null } },
  },
  {
    rule: "declared/stale",
    severity: "info",
    profile: "eu",
    state: null,
    page: START,
    message: 'cookie _fbp (category "marketing") was declared but never seen.',
    evidence: { kind: "declared", name: "_fbp", type: "cookie", category: "marketing", durationDays: 90, thirdParty: false },
  },
  {
    rule: "scan/location",
    severity: "info",
    profile: "us-ca-gpc",
    state: null,
    page: START,
    message: "The site's Worker placed this visitor in DE (opt-in); the profile stands for US-CA (opt-out).",
    evidence: { kind: "text", text: "regime opt-in, jurisdiction DE" },
  },
];

const count = (severity: ScanFinding["severity"], findings: ScanFinding[]) => findings.filter((f) => f.severity === severity).length;

function makeReport(findings: ScanFinding[] = FINDINGS): ScanReport {
  return ScanReport.parse({
    schema: SCAN_SCHEMA,
    tool: "assent-scan 0.1.0",
    url: START,
    site: "demo",
    startedAt: "2026-07-02T10:00:00.000Z",
    finishedAt: "2026-07-02T10:00:12.500Z",
    profiles: [
      {
        profile: "eu",
        regime: "opt-in",
        jurisdiction: "DE",
        gpc: false,
        observations: [
          {
            state: "before",
            page: HOSTILE_PAGE,
            cookies: [
              { name: HOSTILE_COOKIE, domain: ".shop.example", thirdParty: false, expiresDays: 390.4 },
              { name: "assent_session", domain: "shop.example", thirdParty: false, expiresDays: null },
            ],
            storage: [{ area: "localStorage", key: "_hjSession" }],
            requests: [
              { url: "https://www.google-analytics.com/analytics.js", host: "www.google-analytics.com", type: "script", thirdParty: true },
              { url: "https://www.google-analytics.com/g/collect", host: "www.google-analytics.com", type: "fetch", thirdParty: true },
              { url: START, host: "shop.example", type: "document", thirdParty: false },
            ],
            consentMode: [{ command: "config", target: "G-TEST123" }],
          },
          { state: "reject", page: START, cookies: [], storage: [], requests: [], consentMode: [] },
          {
            state: "accept",
            page: START,
            cookies: [{ name: "_ga_ABC123", domain: ".shop.example", thirdParty: false, expiresDays: null }],
            storage: [],
            requests: [],
            consentMode: [{ command: "consent", target: "update", values: { analytics_storage: "granted" } }],
          },
        ],
        buttons: { accept, reject },
      },
      {
        profile: "us-ca-gpc",
        regime: "opt-in",
        jurisdiction: "DE",
        gpc: true,
        observations: [{ state: "before", page: START, cookies: [], storage: [], requests: [], consentMode: [] }],
        buttons: null,
      },
    ],
    findings,
    suggestions: [
      {
        category: "analytics",
        purpose: "analytics",
        vendor: { id: "google-analytics", name: "Google Analytics", policyUrl: "https://policies.google.com/privacy", source: "https://support.google.com/analytics/answer/11397207" },
        storage: { name: "_ga_*", type: "cookie", durationDays: 400, thirdParty: false },
        host: null,
        observed: ["_ga_ABC123"],
      },
      {
        category: "unknown",
        purpose: "unknown",
        vendor: null,
        storage: { name: HOSTILE_COOKIE, type: "cookie", durationDays: 391, thirdParty: false },
        host: null,
        observed: [HOSTILE_COOKIE],
      },
      {
        category: "marketing",
        purpose: "marketing",
        // A vendor whose "source" is not an http(s) URL must not become a link.
        vendor: { id: "evil", name: "Evil Ads", policyUrl: "javascript:alert(4)", source: "javascript:alert(4)" },
        storage: null,
        host: "ads.evil.example",
        observed: ["ads.evil.example"],
      },
    ],
    summary: {
      errors: count("error", findings),
      warnings: count("warning", findings),
      infos: count("info", findings),
      pages: [HOSTILE_PAGE, START],
    },
  });
}

const SCREENSHOTS: ScanScreenshot[] = [
  { profile: "eu", state: "before", page: HOSTILE_PAGE, png: PNG_1X1 },
  // An empty PNG (a screenshot that failed) is skipped.
  { profile: "eu", state: "reject", page: START, png: Buffer.alloc(0) },
];

describe("htmlReport", () => {
  const report = makeReport();
  const html = htmlReport(report, SCREENSHOTS);

  it("is one self-contained document with no script, and escapes every hostile string", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport"');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    // No event handler attribute in any tag (the escaped cookie name holds "onerror=" as text).
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);

    for (const hostile of [HOSTILE_COOKIE, HOSTILE_PAGE, HOSTILE_LABEL]) {
      expect(html).not.toContain(hostile);
      expect(html).toContain(escapeHtml(hostile));
    }
    expect(escapeHtml(HOSTILE_COOKIE)).toBe("&lt;img src=x onerror=alert(1)&gt;");
    // The JSON to paste is escaped too.
    expect(html).toContain(escapeHtml(JSON.stringify({ name: HOSTILE_COOKIE, type: "cookie", durationDays: 391, thirdParty: false })));
    // A colour that is not a plain colour never reaches a style attribute; a plain one does.
    expect(html).not.toMatch(/style="[^"]*evil/);
    expect(html).toContain('style="background-color: rgb(11, 87, 208)"');
    // Only http(s) links.
    expect(html).not.toMatch(/href="(?!https?:|#)/);
    expect(html).toContain('<a href="https://support.google.com/analytics/answer/11397207" rel="noreferrer">Google Analytics</a>');
  });

  it("shows every finding, the verdict, the suggestions and the screenshot", () => {
    for (const f of report.findings) {
      expect(html).toContain(f.rule);
      expect(html).toContain(escapeHtml(f.message));
    }
    expect(html).toContain("7 errors: the site breaks at least one rule.");
    expect(html).not.toContain("No rule broken");
    expect(html).toContain("EU visitor (Germany)");
    expect(html).toContain("Californian with Global Privacy Control");
    expect(html).toContain("unknown");
    expect(html).toContain(`data:image/png;base64,${PNG_1X1.toString("base64")}`);
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain("<pre>");

    const clean = makeReport(FINDINGS.filter((f) => f.severity !== "error"));
    const cleanHtml = htmlReport(clean, []);
    expect(cleanHtml).toContain("No rule broken (1 warning and 2 notes to look at).");
    expect(cleanHtml).toContain("No screenshots were taken.");
    expect(cleanHtml).not.toContain("<img");
  });

  describe("in Chromium", () => {
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
    });

    it("passes axe (WCAG 2.2 AA and best practice), runs nothing and shows the screenshot", { timeout: 60_000 }, async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      // AxeBuilder needs a page of an explicit context (browser.newPage()'s own context is refused).
      const page = await (await browser.newContext()).newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.setContent(html, { waitUntil: "load" });
      // Open every <details> so axe checks what is inside them too.
      await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");

      expect(await page.evaluate("Array.from(document.images, (i) => i.naturalWidth)")).toEqual([1]);
      expect(await page.evaluate("document.querySelectorAll('script').length")).toBe(0);
      expect(dialogs).toEqual([]);

      // @axe-core/playwright 4.13 types its page with playwright-core's Page, the type launched here.
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      expect(results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join(" | ")}`)).toEqual([]);
      expect(results.passes.length).toBeGreaterThan(0);
    });
  });
});

/**
 * The compliance scanner end to end, in Debian's Chromium, through its command line
 * (scripts/scan.ts): the demo site scans clean as all three profiles, and a deliberately leaky
 * fixture site (test/fixtures/leaky-site) fails with every planted leak found, each with its
 * rule id and evidence. The fixture's "third party" is a loopback server reached through
 * Chromium's host-resolver rules: no request leaves the machine.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../local/chromium";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import { CliError } from "../../scripts/cli-error";
import { exitCodeFor, main } from "../../scripts/scan";
import { type ScanFinding, ScanReport } from "../../worker/contract";
import { type LeakySite, startLeakySite } from "../fixtures/leaky-site/server";

const out = mkdtempSync(join(tmpdir(), "assent-scan-"));
const readReport = (file: string) => ScanReport.parse(JSON.parse(readFileSync(file, "utf8")));
/** What a finding is about, for matching: the cookie, key, host, control or button it names. */
function subject(f: ScanFinding): string {
  const e = f.evidence;
  switch (e.kind) {
    case "cookie":
      return e.cookie.name;
    case "storage":
      return e.item.key;
    case "request":
      return e.request.host;
    case "control":
      return e.label;
    case "buttons":
      return e.reject?.label ?? "";
    case "consent-mode":
      return e.calls.map((c) => `${c.command}:${c.target}`).join(" ");
    default:
      return "";
  }
}
const quiet = () => vi.spyOn(console, "log").mockImplementation(() => undefined);

describe("the leaky fixture", () => {
  let site: LeakySite;
  let report: ScanReport;
  let html: string;
  let code: number;
  beforeAll(async () => {
    site = await startLeakySite();
    const log = quiet();
    code = await main([site.url.href, "--config", site.configPath, "--host-rules", site.hostRules, "--json", join(out, "leaky.json"), "--html", join(out, "leaky.html")]);
    log.mockRestore();
    report = readReport(join(out, "leaky.json"));
    html = readFileSync(join(out, "leaky.html"), "utf8");
  }, 120_000);
  afterAll(() => site?.close());

  const found = (rule: string, profile: string, what: string | RegExp) =>
    report.findings.filter((f) => f.rule === rule && f.profile === profile && (typeof what === "string" ? subject(f) === what : what.test(subject(f))));

  it("fails the run (exit code 1) and writes both reports", () => {
    expect(code).toBe(1);
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(html).toContain("<h1>");
    expect(html).not.toMatch(/<script/i);
  });

  it.each([
    ["_ga set before any choice", "before-choice/cookie", "eu", "_ga"],
    ["a third-party pixel before consent", "before-choice/third-party", "eu", "pixel.tracker.test"],
    ["a cookie kept after Reject all", "reject/cookie", "eu", "_fbp"],
    ["the pixel again after Reject all", "reject/third-party", "eu", "pixel.tracker.test"],
    ["a pre-ticked box", "banner/pre-ticked", "eu", "Marketing cookies"],
    ["a smaller, paler Reject all", "banner/reject-weaker", "eu", "Reject all"],
    ["gtag('config') before the Consent Mode default", "consent-mode/default-late", "eu", /^js:null config:G-LEAKY00001 consent:default$/],
    ["no Consent Mode update after Reject all", "consent-mode/update-count", "eu", ""],
    ["GPC ignored", "gpc/not-honoured", "us-ca-gpc", "_fbp"],
    ["GPC not shown", "gpc/not-shown", "us-ca-gpc", ""],
    ["no Do Not Sell or Share for a Californian", "banner/no-reject", "us-ca", ""],
    ["a cookie the config never declared", "declared/undeclared", "eu", "mystery_pref"],
    ["a vendor's cookie the config never declared", "declared/undeclared", "eu", "_hjSessionUser_4242"],
    ["_ga living longer than declared", "declared/lifetime", "eu", "_ga"],
  ])("finds %s: %s", (_what, rule, profile, what) => {
    const hits = found(rule, profile, what);
    expect(hits, JSON.stringify(report.findings.map((f) => [f.rule, f.profile, subject(f)]))).toHaveLength(1);
    expect(hits[0]!.severity).toBe(rule.startsWith("declared/") || rule === "consent-mode/update-count" ? "warning" : "error");
    expect(html).toContain(hits[0]!.rule);
  });

  it("shows the evidence: the reject button's computed style next to accept's, and the kept cookie after a reload too", () => {
    const [weaker] = found("banner/reject-weaker", "eu", "Reject all");
    expect(weaker!.evidence).toMatchObject({ kind: "buttons", accept: { fontSize: 18, fontWeight: 700 }, reject: { fontSize: 11, fontWeight: 400 } });
    expect(weaker!.evidence.kind === "buttons" && weaker!.evidence.reject!.contrast).toBeLessThan(2);
    expect(found("reject/cookie", "eu", "_fbp")[0]!.message).toMatch(/also reject-reload, reject-next-page/);
    // Removed on reject and not set again: _ga is not a leak after Reject all.
    expect(found("reject/cookie", "eu", "_ga")).toEqual([]);
  });

  it("suggests a config entry: the vendor from the table when known, 'unknown' otherwise", () => {
    expect(report.suggestions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: "analytics", category: "usage", vendor: expect.objectContaining({ id: "hotjar" }), storage: expect.objectContaining({ name: "_hjSessionUser_*", durationDays: 365 }) }),
        expect.objectContaining({ purpose: "unknown", category: "unknown", vendor: null, storage: { name: "mystery_pref", type: "cookie", durationDays: 30, thirdParty: false } }),
      ]),
    );
  });

  it("refuses to judge a site without Assent when no config is given (exit code 2)", async () => {
    const log = quiet();
    await expect(main([site.url.href, "--profiles", "eu", "--pages", "0", "--host-rules", site.hostRules])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--config/) });
    log.mockRestore();
  }, 60_000);
});

describe("the demo site", () => {
  let assent: LocalAssent;
  let report: ScanReport;
  let code: number;
  beforeAll(async () => {
    assent = await createLocalAssent({});
    const log = quiet();
    code = await main([assent.url.href, "--site", "demo", "--json", join(out, "demo.json"), "--html", join(out, "demo.html")]);
    log.mockRestore();
    report = readReport(join(out, "demo.json"));
  }, 120_000);
  afterAll(() => assent?.dispose());

  it("scans clean as all three profiles, each placed where it stands for (R1.1, R1.3, R1.4, R1.7, R2.2, R2.4, R2.5, R3.1, R3.3)", () => {
    expect(code).toBe(0);
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(report.site).toBe("demo");
    expect(report.profiles.map((p) => [p.profile, p.regime, p.jurisdiction, p.gpc])).toEqual([
      ["eu", "opt-in", "DE", false],
      ["us-ca", "opt-out", "US-CA", false],
      ["us-ca-gpc", "opt-out", "US-CA", true],
    ]);
    // It really went through the states: reject, reload, next page and accept for the EU visitor.
    const eu = report.profiles[0]!;
    expect(new Set(eu.observations.map((o) => o.state))).toEqual(new Set(["before", "escape", "reject", "reject-reload", "reject-next-page", "accept"]));
    expect(eu.observations.find((o) => o.state === "accept")!.cookies.map((c) => c.name)).toContain("pg_usage");
    expect(eu.buttons?.reject).toMatchObject({ label: "Reject all" });
  });

  it("writes an HTML report that passes axe", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.setContent(readFileSync(join(out, "demo.html"), "utf8"));
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/scan/i);
      expect(await page.locator("img").count()).toBeGreaterThan(3);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe("the command line", () => {
  it.each([
    [["not a url"], /not an http\(s\) URL/],
    [["ftp://example.test/"], /not an http\(s\) URL/],
    [["http://127.0.0.1:9/", "--profiles", "eu,mars"], /not: mars/],
    [["http://127.0.0.1:9/", "--pages", "21"], /--pages/],
    [["http://127.0.0.1:9/", "--pages", ""], /--pages/],
    [["http://127.0.0.1:9/", "--fail-on", "info"], /--fail-on/],
    [["http://127.0.0.1:9/", "--config", "package.json"], /not a valid site config/],
    [["http://127.0.0.1:9/", "--wat"], /Unknown option/],
    [[], /usage/],
  ])("refuses %j with exit code 2 before starting a browser", async (args, message) => {
    const error = await main(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it.each([
    [{ errors: 0, warnings: 0 }, "error", 0],
    [{ errors: 0, warnings: 3 }, "error", 0],
    [{ errors: 0, warnings: 3 }, "warning", 1],
    [{ errors: 1, warnings: 0 }, "error", 1],
    [{ errors: 1, warnings: 0 }, "warning", 1],
  ] as const)("--fail-on: %j with %s exits %i", (summary, failOn, expected) => {
    expect(exitCodeFor(summary, failOn)).toBe(expected);
  });
});

/**
 * `npm run privacy-notice` (scripts/privacy-notice.ts), run as a site owner runs it: the demo's
 * notice in a language, for a given Worker origin, as HTML or Markdown; a config file of one's
 * own; and the refusals (no such language, a broken config, bad usage) with their exit codes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoWith, runCli } from "./cli";

const work = mkdtempSync(join(tmpdir(), "assent-notice-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npm run privacy-notice -- …`. */
const notice = (...args: string[]) => runCli("privacy-notice.ts", ...args);



describe("npm run privacy-notice (R9.11)", () => {
  it("prints the demo's German notice, linted, with links to the local Worker's rights pages (R9.11, R2.9)", () => {
    const run = notice("--site", "demo", "--lang", "de");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<div class="assent-notice" lang="de" dir="ltr">/);
    expect(run.stdout).toContain('<section id="assent-gpc">');
    expect(run.stdout).toContain("responds to and abides by opt-out preference signals");
    expect(run.stdout).toContain('href="http://127.0.0.1:8787/r/demo/access?lang=de"');
  });

  it("links to the Worker named by --worker, and prints Markdown with --format md (R9.11)", () => {
    const run = notice("--site", "demo", "--format", "md", "--worker", "https://consent.example.com");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("## Your rights and how to use them");
    expect(run.stdout).toContain("[Get a copy of your data](<https://consent.example.com/r/demo/access?lang=en>)");
    expect(run.stdout).not.toContain("127.0.0.1:8787/r/");
  });

  it("reads a config file of one's own, escaping its text (R9.11)", () => {
    const file = demoWith(work, (c) => {
      c.id = "acme";
      c.name = "Acme <script>alert(1)</script>";
    });
    const run = notice("--config", file, "--lang", "fr");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Acme &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(run.stdout).not.toContain("<script>");
    expect(run.stdout).toContain("/r/acme/access?lang=fr");
  });

  it("refuses a language the site has no notice in, a broken config and bad usage, with exit codes (R9.11)", () => {
    const lang = notice("--site", "demo", "--lang", "ja");
    expect(lang.code).toBe(1);
    expect(lang.stderr).toContain('No privacy notice in "ja" for site "demo"; its notice languages: en, de, fr, es, ar.');
    const broken = notice("--config", demoWith(work, (c) => (c.consent.proofRetentionDays = 5)));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("consent.proofRetentionDays");
    expect(broken.stdout).toBe("");
    expect(notice("--site", "demo", "--format", "pdf").code).toBe(2);
    expect(notice("--site", "demo", "--worker", "https://consent.example.com/path").code).toBe(2);
    expect(notice().code).toBe(2);
  });
});

/**
 * The sites CLI, run as a site owner runs it (`npm run sites -- …` is `tsx scripts/sites.ts`),
 * against a throwaway local persistence directory. A config it accepts must then be served by
 * the Worker from that same storage; a config it refuses must leave the storage untouched.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalAssent } from "../../local/index";
import { demoWith, sites } from "./cli";

const work = mkdtempSync(join(tmpdir(), "assent-cli-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));



/** Every file under a directory (the local KV store), to prove a refused push wrote nothing. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe("npm run sites -- validate", () => {
  it("accepts the shipped demo config", () => {
    const run = sites("validate", "examples/sites/demo.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('valid config for site "demo"');
  });

  it("lists every problem with its path: a low-contrast theme, a category without its text, a lifetime over 395 days (R0.1, R1.13, R8.6)", () => {
    const file = demoWith(work, (c) => {
      c.theme.accent = "#999999";
      delete c.texts.de.categories.usage;
      c.consent.lifetimeDays = 400;
    });
    const run = sites("validate", file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("theme.onAccent: accent and onAccent need a contrast ratio");
    expect(run.stderr).toContain("texts.de.categories.usage");
    expect(run.stderr).toContain("consent.lifetimeDays");
  });
});

describe("npm run sites -- push", () => {
  const persist = join(work, "state");

  it("refuses an invalid config (no necessary category) and writes nothing (R0.1)", () => {
    const before = filesUnder(persist);
    const file = demoWith(work, (c) => {
      c.id = "broken";
      c.categories = c.categories.filter((cat: { id: string }) => cat.id !== "necessary");
    });
    const run = sites("push", file, "--persist-to", persist);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("nothing was written");
    expect(run.stderr).toContain('a category "necessary" with required: true is mandatory');
    expect(filesUnder(persist)).toEqual(before);
  });

  it("refuses a file that is not JSON, and a missing file, with a clear message", () => {
    const file = join(work, "not-json.json");
    writeFileSync(file, "{ id: demo");
    const bad = sites("push", file, "--persist-to", persist);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not valid JSON");
    const missing = sites("push", join(work, "nope.json"), "--persist-to", persist);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read");
  });

  it("explains its usage when called wrongly", () => {
    const run = sites("publish", "examples/sites/demo.json");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage:");
  });

  it("writes a valid config where the Worker reads it", async () => {
    const file = demoWith(work, (c) => {
      c.id = "pushed-site";
      c.name = "Pushed by the CLI";
    });
    const run = sites("push", file, "--persist-to", persist);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Pushed site "pushed-site"');

    // wrangler keeps local state under <persist-to>/v3, the layout createLocalAssent also uses.
    const assent = await createLocalAssent({ sites: [], persist: join(persist, "v3") });
    try {
      const res = await fetch(new URL("/v1/sites/pushed-site/bootstrap", assent.url));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { site: { name: string } };
      expect(body.site.name).toBe("Pushed by the CLI");
      const broken = await fetch(new URL("/v1/sites/broken/bootstrap", assent.url));
      expect(broken.status).toBe(404);
    } finally {
      await assent.dispose();
    }
  });
});

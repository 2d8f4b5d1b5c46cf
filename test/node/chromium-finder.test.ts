/**
 * How the browser tests find Chromium (local/chromium.ts) and what `npm test` does when there is
 * none (scripts/ensure-chromium.ts), decided from injected facts: no file system, no apt, no sudo.
 */
import { describe, expect, it } from "vitest";
import { CHROMIUM_CANDIDATES, ChromiumPathError, findChromium } from "../../local/chromium";
import { type EnsureDeps, type MachineFacts, ensureChromium, planWhenMissing } from "../../scripts/ensure-chromium";

/** An `isExecutable` that knows only these paths. */
const only = (...paths: string[]) => (path: string) => paths.includes(path);

describe("findChromium", () => {
  it("uses CHROMIUM_PATH when it is executable, even when a usual place also has one", () => {
    const found = findChromium(CHROMIUM_CANDIDATES, only("/opt/chrome/chrome", "/usr/bin/chromium"), { CHROMIUM_PATH: "/opt/chrome/chrome" });
    expect(found).toBe("/opt/chrome/chrome");
  });

  it("looks a bare CHROMIUM_PATH name up on PATH", () => {
    const found = findChromium(CHROMIUM_CANDIDATES, only("/opt/bin/my-chrome"), { CHROMIUM_PATH: "my-chrome", PATH: "/usr/bin:/opt/bin" });
    expect(found).toBe("/opt/bin/my-chrome");
  });

  it("refuses a CHROMIUM_PATH that is not executable, naming it, instead of using another browser", () => {
    const search = () => findChromium(CHROMIUM_CANDIDATES, only("/usr/bin/chromium"), { CHROMIUM_PATH: "/nowhere/chromium" });
    expect(search).toThrow(ChromiumPathError);
    expect(search).toThrow(/CHROMIUM_PATH=\/nowhere\/chromium is not an executable file/);
  });

  it("ignores an empty CHROMIUM_PATH", () => {
    expect(findChromium(CHROMIUM_CANDIDATES, only("/usr/bin/chromium"), { CHROMIUM_PATH: "" })).toBe("/usr/bin/chromium");
  });

  it("takes the first existing candidate, in order", () => {
    expect(findChromium(CHROMIUM_CANDIDATES, only("/snap/bin/chromium", "/usr/bin/google-chrome"), {})).toBe("/snap/bin/chromium");
    expect(findChromium(CHROMIUM_CANDIDATES, only("/usr/bin/chromium", "/usr/bin/chromium-browser"), {})).toBe("/usr/bin/chromium");
    expect(findChromium(["/a/chromium", "/b/chromium"], only("/b/chromium"), {})).toBe("/b/chromium");
  });

  it("tries Debian's path first and bare names on PATH last", () => {
    expect(CHROMIUM_CANDIDATES[0]).toBe("/usr/bin/chromium");
    expect(CHROMIUM_CANDIDATES.slice(-2)).toEqual(["chromium", "chromium-browser"]);
  });

  it("finds bare names in PATH's directories in order, skipping empty entries", () => {
    const env = { PATH: "::/home/me/bin:/usr/local/bin" };
    expect(findChromium(["chromium"], only("/home/me/bin/chromium", "/usr/local/bin/chromium"), env)).toBe("/home/me/bin/chromium");
    expect(findChromium(["chromium"], only("chromium"), env)).toBeNull();
  });

  it("returns null when nothing is found", () => {
    expect(findChromium(CHROMIUM_CANDIDATES, only(), { PATH: "/usr/bin:/bin" })).toBeNull();
    expect(findChromium(CHROMIUM_CANDIDATES, only(), {})).toBeNull();
  });
});

describe("planWhenMissing", () => {
  const facts = (over: Partial<MachineFacts>): MachineFacts => ({ isRoot: false, hasApt: true, sudoWorks: false, ...over });

  it("as root with apt-get: installs Debian's chromium directly, non-interactively and quietly", () => {
    const plan = planWhenMissing(facts({ isRoot: true }));
    expect(plan).toEqual({
      action: "install",
      notice: expect.stringMatching(/^Chromium not found: installing Debian's "chromium" package with apt-get \(/),
      commands: [
        ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update", "-qq"],
        ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "chromium"],
      ],
    });
  });

  it("with password-less sudo: installs through sudo -n", () => {
    const plan = planWhenMissing(facts({ sudoWorks: true }));
    if (plan.action !== "install") throw new Error(`expected an install plan, got ${plan.action}`);
    expect(plan.notice).toContain("with sudo apt-get");
    for (const argv of plan.commands) expect(argv.slice(0, 4)).toEqual(["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]);
    expect(plan.commands.map((argv) => argv.slice(4, 6))).toEqual([["apt-get", "update"], ["apt-get", "install"]]);
  });

  it("without root or usable sudo: stops with the exact commands to run", () => {
    const plan = planWhenMissing(facts({}));
    if (plan.action !== "stop") throw new Error(`expected a stop plan, got ${plan.action}`);
    expect(plan.message).toContain("sudo apt-get install -y chromium");
    expect(plan.message).toContain("CHROMIUM_PATH=/path/to/chromium npm test");
  });

  it("without apt-get: stops with the CHROMIUM_PATH command, even as root", () => {
    for (const over of [{ hasApt: false }, { hasApt: false, isRoot: true }, { hasApt: false, sudoWorks: true }]) {
      const plan = planWhenMissing(facts(over));
      if (plan.action !== "stop") throw new Error(`expected a stop plan for ${JSON.stringify(over)}`);
      expect(plan.message).toContain("CHROMIUM_PATH=/path/to/chromium npm test");
      expect(plan.message).not.toContain("sudo apt-get");
    }
  });

  it("never mentions Playwright's browser download as a way out", () => {
    const all = [facts({}), facts({ hasApt: false }), facts({ isRoot: true }), facts({ sudoWorks: true })].map((f) => JSON.stringify(planWhenMissing(f)));
    for (const text of all) expect(text).not.toMatch(/playwright\s+install/i);
  });
});

describe("ensureChromium", () => {
  /** Fake world: `locate` answers in turn, every command recorded and answered by `ok`. */
  function world(answers: Array<string | null | Error>, facts: MachineFacts, ok = true) {
    const out: string[] = [];
    const err: string[] = [];
    const ran: string[][] = [];
    let factsAsked = 0;
    const deps: EnsureDeps = {
      locate: () => {
        const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
      facts: () => {
        factsAsked++;
        return facts;
      },
      run: (argv) => {
        ran.push(argv);
        return { ok, output: ok ? "" : "E: Unable to locate package chromium\n" };
      },
      log: (line) => out.push(line),
      error: (text) => err.push(text),
    };
    return { deps, out, err, ran, factsAsked: () => factsAsked };
  }
  const root: MachineFacts = { isRoot: true, hasApt: true, sudoWorks: false };

  it("found: one line naming it, exit 0, nothing else asked or run", () => {
    const w = world(["/usr/bin/chromium"], root);
    expect(ensureChromium(w.deps)).toBe(0);
    expect(w.out).toEqual(["Chromium for the browser tests: /usr/bin/chromium"]);
    expect(w.err).toEqual([]);
    expect(w.ran).toEqual([]);
    expect(w.factsAsked()).toBe(0);
  });

  it("a bad CHROMIUM_PATH: its message, exit 1, no install", () => {
    const w = world([new ChromiumPathError("/nowhere/chromium")], root);
    expect(ensureChromium(w.deps)).toBe(1);
    expect(w.err.join("\n")).toContain("CHROMIUM_PATH=/nowhere/chromium");
    expect(w.ran).toEqual([]);
  });

  it("missing and installable: one notice, update then install, checked again", () => {
    const w = world([null, "/usr/bin/chromium"], root);
    expect(ensureChromium(w.deps)).toBe(0);
    expect(w.out[0]).toMatch(/^Chromium not found: installing Debian's "chromium" package/);
    expect(w.out[1]).toBe("Chromium for the browser tests: /usr/bin/chromium (Debian's package, just installed)");
    expect(w.ran.map((argv) => argv.slice(2, 4))).toEqual([["apt-get", "update"], ["apt-get", "install"]]);
  });

  it("a failing apt-get: its output and the failed command, exit 1, nothing more run", () => {
    const w = world([null], root, false);
    expect(ensureChromium(w.deps)).toBe(1);
    expect(w.ran).toHaveLength(1);
    expect(w.err.join("\n")).toMatch(/E: Unable to locate package chromium\nFailed: env DEBIAN_FRONTEND=noninteractive apt-get update -qq/);
  });

  it("installed but still not found: exit 1 with the CHROMIUM_PATH command", () => {
    const w = world([null, null], root);
    expect(ensureChromium(w.deps)).toBe(1);
    expect(w.err.join("\n")).toContain("CHROMIUM_PATH=/path/to/chromium npm test");
  });

  it("missing and not installable: stops at once with the command, running nothing", () => {
    const w = world([null], { isRoot: false, hasApt: true, sudoWorks: false });
    expect(ensureChromium(w.deps)).toBe(1);
    expect(w.ran).toEqual([]);
    expect(w.out).toEqual([]);
    expect(w.err.join("\n")).toContain("sudo apt-get install -y chromium");
  });
});

/**
 * The README's "Five-minute tour" is a test: every ```sh block between the heading
 * "## Five-minute tour" and the next "## " heading runs, in order, in ONE `bash -euo pipefail`
 * (so variables set in one block are used in the next, and any failing command fails the tour),
 * against a fresh `npm start`: the README's own command, with its local KV and D1 in a temporary
 * directory (`npm start -- --persist-to <dir>`) so the developer's state is left alone. So the
 * newcomer's path — generated secrets, migrations, the demo site pushed, `wrangler dev` — runs
 * here as it runs for them. Ports 8787 and 8788 must be free (stop your own `npm start` first).
 * The same server then runs the scheduled-job command of docs/local-development.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../local/chromium";
import { ROOT } from "../../local/index";

const HOST = "127.0.0.1";
const PORTS = [8787, 8788];
const TOUR_HEADING = /^## Five-minute tour[ \t]*$/m;

/** The tour's ```sh blocks, in order: from its heading to the next `## ` heading. */
function tourBlocks(markdown: string): string[] {
  const start = markdown.search(TOUR_HEADING);
  if (start < 0) throw new Error('README.md has no "## Five-minute tour" heading');
  const afterHeading = markdown.indexOf("\n", start) + 1;
  const next = markdown.slice(afterHeading).search(/^## /m);
  const section = next < 0 ? markdown.slice(afterHeading) : markdown.slice(afterHeading, afterHeading + next);
  return [...section.matchAll(/^```sh[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]!);
}

/** Resolves when nothing listens on host:port, else rejects saying what to do. */
function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === "EADDRINUSE"
            ? `Port ${port} on ${host} is in use (is \`npm start\` running?). The README tour test runs ` +
                `\`npm start\`, which serves on ports ${PORTS.join(" and ")}: stop whatever listens there and run it again.`
            : `Cannot check port ${port} on ${host}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The ```sh blocks of a docs page that contain `needle`. */
function shBlocksWith(markdown: string, needle: string): string[] {
  return [...markdown.matchAll(/^```sh[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]!).filter((b) => b.includes(needle));
}

/** `npm start -- --persist-to <dir>` in its own process group, its output collected. */
class NpmStart {
  readonly child: ChildProcess;
  output = "";
  private readonly closed: Promise<void>;

  constructor(stateDir: string) {
    this.child = spawn("npm", ["start", "--", "--persist-to", stateDir], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.closed = new Promise((resolve) => this.child.once("close", () => resolve()));
  }

  /** Resolves once `npm start` prints that Assent is running; rejects if it exits or stalls first. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes("Assent is running at")) {
      if (this.child.exitCode !== null) throw new Error(`npm start exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not up within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Waits until `text` shows in the output (the server logs after it answers). */
  async shows(text: string, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return this.output.includes(text);
  }

  /** Ctrl-C for the whole group (npm, tsx, wrangler, workerd); SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    const group = -this.child.pid;
    try {
      process.kill(group, "SIGINT");
    } catch {
      return;
    }
    const timedOut = await Promise.race([this.closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
    if (timedOut) {
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** Runs a script file in one strict bash process. */
function runBash(file: string, cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", file], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("README five-minute tour, against a fresh npm start", () => {
  let dir: string;
  let server: NpmStart | undefined;

  beforeAll(async () => {
    for (const port of PORTS) await assertPortFree(HOST, port);
    dir = mkdtempSync(join(tmpdir(), "assent-tour-"));
    server = new NpmStart(join(dir, "state"));
    await server.ready(90_000);
  }, 100_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  it("finds the tour's blocks in README.md", () => {
    const blocks = tourBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    expect(blocks.join("\n")).toContain("/dev/outbox?format=json");
  });

  it("runs every block, in order, in one strict bash: unsubscribed, then the access request's download says so", async () => {
    const blocks = tourBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    const script = join(dir, "tour.sh");
    // Each block announces itself, so a failure's output says which block broke.
    writeFileSync(script, blocks.map((b, i) => `echo '### tour block ${i + 1}'\n${b}`).join("\n"));
    // In the repository's folder, as the README says (step 4 uses its `jose` and `npm run ledger`).
    const run = await runBash(script, ROOT, 45_000);
    const report = `exit ${run.code}${run.signal ? ` (${run.signal})` : ""}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, report).toBe(0);
    expect(run.stdout, report).toContain(`### tour block ${blocks.length}`);

    const out = run.stdout;
    // 1–3: a decision was recorded and reads back with usage off.
    expect(out, report).toMatch(/fingerprint fp1-[0-9a-f]+/);
    expect(out, report).toMatch(/"categories":\{"necessary":true,"usage":false\}/);
    // 4: the receipt's signature verifies with jose and with the project's command.
    expect(out, report).toMatch(/^s1 \{\n?\s*format: 'assent-receipt\/1',/m);
    expect(out, report).toMatch(/The receipt rcpt_[0-9a-z]+ of site "demo" is signed by key "s1" \(http:\/\/127\.0\.0\.1:8787\/\.well-known\/assent\/demo\/jwks\.json\)/);
    // 5–6: the signup is pending and its message holds both links.
    expect(out, report).toMatch(/"status":"pending","lists":\["blog"\]/);
    expect(out, report).toMatch(/http:\/\/127\.0\.0\.1:8787\/e\/demo\/confirm\/\S+/);
    expect(out, report).toMatch(/http:\/\/127\.0\.0\.1:8787\/u\/\S+/);
    // 7: confirmed by the POST; 8: unsubscribed by one click.
    expect(out, report).toContain("confirmation: HTTP 200");
    expect(out, report).toContain("unsubscribe: HTTP 200");
    const confirmed = out.indexOf('{"lists":{"blog":"confirmed"}}');
    const unsubscribed = out.lastIndexOf('{"lists":{"blog":"unsubscribed"}}');
    expect(confirmed, report).toBeGreaterThan(-1);
    expect(unsubscribed, report).toBeGreaterThan(confirmed);
    // 9: the rights page took the access request, and the verified download holds the address
    // and its (now unsubscribed) subscription — that is where the tour ends.
    expect(out, report).toContain("request: HTTP 200");
    const last = JSON.parse(out.trimEnd().split("\n").at(-1)!) as { email: string; subscriptions: [string, string][] };
    expect(last.email, report).toMatch(/^reader-\d+@example\.com$/);
    expect(last.subscriptions, report).toEqual([["blog", "unsubscribed"]]);
  });

  it("runs the retention job with docs/local-development.md's command", async () => {
    const blocks = shBlocksWith(readFileSync(join(ROOT, "docs/local-development.md"), "utf8"), "/__scheduled");
    expect(blocks).toHaveLength(1);
    const script = join(dir, "scheduled.sh");
    writeFileSync(script, blocks[0]!);
    const run = await runBash(script, dir, 15_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("Ran scheduled event");
    // The page says the terminal shows what the job deleted: the tour's data is all recent.
    expect(await server!.shows("retention: deleted 0 receipts"), server!.output).toBe(true);
  });

  it("prints a Console: line whose one-time link signs the local owner in, in Chromium, once", async () => {
    const line = server!.output.split("\n").find((l) => l.startsWith("Console: "));
    expect(line, server!.output).toMatch(/^Console: http:\/\/127\.0\.0\.1:8787\/console\/sign-in\?token=[A-Za-z0-9_-]{43}$/);
    const link = new URL(line!.slice("Console: ".length));
    // The newcomer's way: open the printed link in a browser and press Sign in.
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(link.href);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { level: 1, name: "Your sites" }).waitFor({ timeout: 15_000 });
      const demo = page.getByRole("row").filter({ hasText: "Penguin Softphone" });
      expect(await demo.textContent()).toContain("owner");
    } finally {
      await browser.close();
    }
    // Used: the same link again gets no session.
    const again = await fetch(new URL("/console/sign-in", link), {
      method: "POST",
      redirect: "manual",
      headers: { Origin: link.origin, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: link.searchParams.get("token")! }),
    });
    expect(again.status).toBe(400);
    expect(again.headers.get("Set-Cookie")).toBeNull();
  });

});

/**
 * `npm test`'s vitest step: the `worker` and `node` projects in two processes at once, each
 * printed whole when it ends, failing when either fails.
 *
 * Why not one `vitest run`: on a 2-core CI machine Vitest runs one test file at a time, so the
 * Worker tests (workerd, mostly waiting on storage and timers) and the Node tests (mostly
 * wrangler and browser processes) took turns and the suite passed the 15-minute line. As two
 * processes each project keeps its one-file-at-a-time order, which the CLI and tour tests need
 * (they start wrangler and servers on fixed ports), and the two share the machine's two cores.
 * Extra arguments go to both (e.g. `-- --reporter=dot`).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./util";

const extra = process.argv.slice(2);

/** Runs one project; resolves with its exit code and everything it printed. */
function run(project: string): Promise<{ project: string; code: number; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(join(ROOT, "node_modules/.bin/vitest"), ["run", "--project", project, ...extra], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? "1" : "0") },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => done({ project, code: code ?? 1, output, ms: Date.now() - started }));
  });
}

const results = await Promise.all(["worker", "node"].map((p) => run(p).then((r) => (process.stdout.write(`\n== vitest --project ${r.project} (${Math.round(r.ms / 1000)} s)\n${r.output}`), r))));
const failed = results.filter((r) => r.code !== 0);
if (failed.length > 0) console.error(`\nvitest failed in: ${failed.map((r) => r.project).join(", ")}`);
process.exit(failed.length > 0 ? 1 : 0);

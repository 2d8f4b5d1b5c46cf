/**
 * The sites CLI runs wrangler against the same local SQLite files `npm start` writes to; while
 * that process writes, wrangler can fail with SQLITE_BUSY. The CLI then tries again after a
 * short pause, and gives up on any other failure at once.
 */
import { describe, expect, it } from "vitest";
import { type RunResult, retryWhileBusy } from "../../scripts/util";

/** A command that answers the given results in turn (the last one repeats). */
function answering(results: RunResult[]) {
  let calls = 0;
  return { run: () => results[Math.min(calls++, results.length - 1)]!, calls: () => calls };
}

const ok: RunResult = { status: 0, stdout: "done", stderr: "" };
const busy: RunResult = { status: 1, stdout: "", stderr: "✘ [ERROR] D1_ERROR: database is locked: SQLITE_BUSY" };
const pauses: number[] = [];
const pause = (ms: number) => void pauses.push(ms);

describe("retryWhileBusy", () => {
  it("runs again while the local database is busy, with growing pauses, and returns the success", () => {
    pauses.length = 0;
    const cmd = answering([busy, busy, ok]);
    expect(retryWhileBusy(cmd.run, 6, pause)).toEqual(ok);
    expect(cmd.calls()).toBe(3);
    expect(pauses).toEqual([200, 400]);
  });

  it("gives up after the attempts, answering the last failure", () => {
    pauses.length = 0;
    const cmd = answering([busy]);
    expect(retryWhileBusy(cmd.run, 4, pause)).toEqual(busy);
    expect(cmd.calls()).toBe(4);
  });

  it("does not run again for any other failure", () => {
    const other: RunResult = { status: 1, stdout: "", stderr: "✘ [ERROR] no such table: api_keys" };
    const cmd = answering([other, ok]);
    expect(retryWhileBusy(cmd.run, 6, pause)).toEqual(other);
    expect(cmd.calls()).toBe(1);
  });
});

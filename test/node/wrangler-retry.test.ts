/**
 * The CLIs read and write the same local SQLite files `npm start` writes to, through wrangler or
 * their own Miniflare; while that process writes, either can fail with SQLITE_BUSY. The CLI then
 * tries again after a short pause, and gives up on any other failure at once.
 */
import { describe, expect, it } from "vitest";
import { type RunResult, retryWhileBusy, whileBusy } from "../../scripts/util";

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

describe("whileBusy (the CLIs' own Miniflare)", () => {
  /** An operation that throws the given errors in turn, then answers "done". */
  function throwing(errors: Error[]) {
    let calls = 0;
    return {
      op: async () => {
        const err = errors[calls++];
        if (err) throw err;
        return "done";
      },
      calls: () => calls,
    };
  }
  const locked = () => new Error("D1_ERROR: database is locked: SQLITE_BUSY");
  const waited: number[] = [];
  const wait = async (ms: number) => void waited.push(ms);

  it("runs again while the local database is busy, with the same growing pauses, and answers", async () => {
    waited.length = 0;
    const op = throwing([locked(), locked()]);
    await expect(whileBusy(op.op, 6, wait)).resolves.toBe("done");
    expect(op.calls()).toBe(3);
    expect(waited).toEqual([200, 400]);
  });

  it("gives up after the attempts with the last error, and at once on any other error", async () => {
    const busy = throwing([locked(), locked(), locked(), locked()]);
    await expect(whileBusy(busy.op, 3, wait)).rejects.toThrow("SQLITE_BUSY");
    expect(busy.calls()).toBe(3);
    const other = throwing([new Error("D1_ERROR: no such table: api_keys")]);
    await expect(whileBusy(other.op, 6, wait)).rejects.toThrow("no such table");
    expect(other.calls()).toBe(1);
  });
});

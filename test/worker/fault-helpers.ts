/**
 * Storage faults, injected: the real KV and D1 bindings with one operation failing, as an outage
 * or a 429 on that operation would; everything else is the real KV and D1. Requests go through
 * the app with the faulty env; `captureStorageFaults` keeps the operator's log of the faults
 * out of the run and asserts the 503 a fault must give.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type MockInstance, afterEach, beforeEach, expect, vi } from "vitest";
import { app } from "../../worker/app";
import type { Env } from "../../worker/env";
import { expectProblem } from "./helpers";

/** The real env with some bindings replaced. */
export function envWith(over: Partial<Env>): Env {
  return { ...(env as unknown as Env), ...over };
}

/** The real binding with one method failing; every other method is the real one. */
export function failing<T extends object>(binding: T, method: keyof T & string): T {
  return new Proxy(binding, {
    get(target, prop) {
      if (prop === method) return () => Promise.reject(new Error(`${method} failed (injected)`));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The real D1 binding whose statements matching `sql` fail when run (`first`, `all`, `run`,
 * `raw`) and inside a batch; every other statement is real.
 */
export function failingStatements(db: D1Database, sql: RegExp): D1Database {
  const fault = () => Promise.reject(new Error(`D1 statement failed (injected)`));
  const broken = (): D1PreparedStatement => {
    const statement: D1PreparedStatement = { bind: () => statement, first: fault, all: fault, run: fault, raw: fault } as unknown as D1PreparedStatement;
    return statement;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => (sql.test(query) ? broken() : target.prepare(query));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A request through the app with `faultyEnv`, waiting for what it does after the response. */
export async function fetchWith(request: Request, faultyEnv: Env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, faultyEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * Captures the storage faults the Worker logs for the operator (so the run stays quiet) around
 * each test of the file; returns the assertion of a storage fault's answer: 503
 * `storage_unavailable` with Retry-After, logged.
 */
export function captureStorageFaults(): (res: Response) => Promise<void> {
  let logged: MockInstance<typeof console.error>;
  beforeEach(() => {
    logged = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    logged.mockRestore();
  });
  return async function expectStorageFault(res: Response) {
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    const problem = await expectProblem(res, 503, "storage_unavailable");
    expect(problem.detail).toMatch(/retry/i);
    expect(logged).toHaveBeenCalledWith("storage fault:", expect.objectContaining({ message: expect.stringContaining("(injected)") }));
    logged.mockClear();
  };
}

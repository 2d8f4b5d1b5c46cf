/**
 * GET /v1/health answers without touching storage, so a monitor can tell "the Worker runs"
 * apart from "KV or D1 is down". Unknown paths get a problem document.
 */
import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { ASSENT_VERSION } from "../../worker/lib/version";
import { BASE, call, expectProblem } from "./helpers";

/** A binding that throws on any use at all: touching it fails the request. */
function untouchable(name: string): never {
  return new Proxy(
    {},
    {
      get(_target, prop) {
        throw new Error(`${name}.${String(prop)} was touched`);
      },
      has(_target, prop) {
        throw new Error(`${name} was probed for ${String(prop)}`);
      },
    },
  ) as never;
}

describe("GET /v1/health", () => {
  it("→ 200 {status: ok, version}", async () => {
    const res = await call("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: ASSENT_VERSION });
  });

  it("touches no storage: it answers with KV, D1 and the rate limiter unusable", async () => {
    const noStorage: Env = {
      ...(env as unknown as Env),
      PREFS: untouchable("PREFS"),
      SITES: untouchable("SITES"),
      LEDGER: untouchable("LEDGER"),
      WRITE_LIMIT: untouchable("WRITE_LIMIT"),
      ADMIN_LIMIT: untouchable("ADMIN_LIMIT"),
      AUTH_FAIL_LIMIT: untouchable("AUTH_FAIL_LIMIT"),
    };
    const res = await app.fetch(new Request(`${BASE}/v1/health`), noStorage, createExecutionContext());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: ASSENT_VERSION });

    // The same env does fail a request that needs storage, so the check above means something.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const site = await app.fetch(new Request(`${BASE}/v1/sites/demo/bootstrap`), noStorage, createExecutionContext());
      expect(site.status).toBe(503);
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("unknown paths", () => {
  it.each(["/nowhere", "/v1", "/v1/sites", "/v2/health", "/v1/health/x"])("%s → 404 not_found problem", async (path) => {
    await expectProblem(await call(path), 404, "not_found");
  });
});

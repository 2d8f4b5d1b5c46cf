/**
 * Failed API-key attempts are rate limited per client network: 150 wrong keys used to cost 150
 * D1 reads and never a 429. Now, past AUTH_FAIL_LIMIT (10 a minute, wrangler.toml), the network
 * gets 429 with Retry-After, and the lookups stop.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { BASE, b64url, expectProblem, freshSite, insertApiKey, withinOneRateWindow } from "./helpers";

/** The real env with D1 wrapped to count the statements prepared (each lookup prepares one). */
function countingD1() {
  const counts = { prepare: 0 };
  const real = env as unknown as Env;
  const ledger = new Proxy(real.LEDGER, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === "prepare") return (sql: string) => (counts.prepare++, target.prepare(sql));
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { counts, env: { ...real, LEDGER: ledger } as Env };
}

async function adminCall(e: Env, siteId: string, key: string, ip: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}/v1/sites/${siteId}/admin/webhooks`, { headers: { Authorization: `Bearer ${key}`, "CF-Connecting-IP": ip } }), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const wrongKey = () => `ask_${b64url(crypto.getRandomValues(new Uint8Array(32)))}`;

describe("failed API-key attempts", () => {
  it("150 wrong keys from one network: 10 answered 401, then 429; 11 lookups in all instead of 150", async () => {
    await withinOneRateWindow(60, 8000);
    const site = await freshSite();
    const { counts, env: counted } = countingD1();
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const res = await adminCall(counted, site.id, wrongKey(), "203.0.113.7");
      statuses.push(res.status);
      if (i === 149) {
        expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
        await expectProblem(res, 429, "rate_limited");
      }
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // The limit's 10 lookups, and the one of the attempt that crossed it; none for the 139 after.
    expect(counts.prepare).toBe(11);
  });

  it("malformed keys and missing keys count too", async () => {
    await withinOneRateWindow(60, 3000);
    const site = await freshSite();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await adminCall(env as unknown as Env, site.id, i % 2 ? "nonsense" : "", "198.51.100.9")).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("another network is not affected, and a valid key from it works", async () => {
    await withinOneRateWindow(60, 3000);
    const site = await freshSite();
    const { secret } = await insertApiKey(site.id);
    for (let i = 0; i < 12; i++) await adminCall(env as unknown as Env, site.id, wrongKey(), "192.0.2.44");
    expect((await adminCall(env as unknown as Env, site.id, wrongKey(), "192.0.2.44")).status).toBe(429);
    expect((await adminCall(env as unknown as Env, site.id, wrongKey(), "100.64.9.9")).status).toBe(401);
    expect((await adminCall(env as unknown as Env, site.id, secret, "100.64.9.9")).status).toBe(200);
  });
});

/**
 * KV's limit of one write a second per key (R6.2), met by a real visitor: two decisions within a
 * fraction of a second, or the settling of their record after them. The real KV namespace is
 * wrapped so that it refuses what KV refuses — a second write to a key within a second, with
 * the 429 KV answers — and everything else is real. The Worker retries such a write after a
 * second (worker/lib/errors.ts `kvWrite`), so the visitor sees normal answers; only a write
 * refused after every retry, or any other failure, is the 503 a storage fault gives.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsentResponse, Preferences } from "../../worker/contract";
import { prefKey } from "../../worker/consent/store/keys";
import { captureStorageFaults, envWith, fetchWith } from "./fault-helpers";
import { BASE, ORIGIN, auth, decisionBody, decisionRequest, freshSite, ledgerRows } from "./helpers";

const expectStorageFault = captureStorageFaults();

/** The real PREFS namespace, refusing (or failing) writes as `refuse` says; counts every write attempt. */
function prefsThat(refuse: (key: string, now: number, lastWrite: number | undefined) => Error | null) {
  const last = new Map<string, number>();
  const attempts: string[] = [];
  const write =
    (method: "put" | "delete") =>
    (key: string, ...rest: unknown[]): Promise<unknown> => {
      attempts.push(`${method} ${key}`);
      const now = Date.now();
      const error = refuse(key, now, last.get(key));
      if (error) return Promise.reject(error);
      last.set(key, now);
      return (env.PREFS[method] as (...args: unknown[]) => Promise<unknown>).call(env.PREFS, key, ...rest);
    };
  const kv = new Proxy(env.PREFS, {
    get(target, prop) {
      if (prop === "put" || prop === "delete") return write(prop);
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: envWith({ PREFS: kv }), attempts };
}

const tooMany = () => new Error("KV PUT failed: 429 Too Many Requests (injected)");

/** KV's own rule: one write a second per key. */
const oneWriteASecond = () => prefsThat((_key, now, lastWrite) => (lastWrite !== undefined && now - lastWrite < 1000 ? tooMany() : null));

/** A visitor with a decision whose record is kept in KV (their GET /me put it there), so every change writes KV. */
async function keptVisitor(site: Awaited<ReturnType<typeof freshSite>>) {
  const first = await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" })), envWith({}));
  expect(first.status).toBe(201);
  const { token } = (await first.json()) as ConsentResponse;
  const me = await fetchWith(new Request(`${BASE}/v1/sites/${site.id}/me`, { headers: { Origin: ORIGIN, ...auth(token!) } }), envWith({}));
  expect(me.status).toBe(200);
  return token!;
}

describe("KV's one write a second per key (R6.2)", () => {
  it("two decisions of one visitor within a fraction of a second both succeed, and the record ends as the last", async () => {
    const site = await freshSite();
    const token = await keptVisitor(site);
    const limited = oneWriteASecond();
    const [a, b] = await Promise.all([
      fetchWith(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token }), limited.env),
      fetchWith(decisionRequest(site.id, decisionBody(site, { action: "custom", choices: { necessary: true, usage: false } }), { token }), limited.env),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // The limit was met: some write was refused and then retried.
    const key = prefKey(site.id, ((await a.json()) as ConsentResponse).visitorId);
    expect(limited.attempts.filter((w) => w === `put ${key}`).length).toBeGreaterThan(2);

    const rows = await ledgerRows(site.id);
    expect(rows).toHaveLength(3);
    const lastReceipt = rows.at(-1)!.receipt_id as string;
    const stored = await env.PREFS.get<Preferences>(key, "json");
    expect(stored?.receiptId).toBe(lastReceipt);
  });

  it("a write refused after every retry is a storage fault: 503 with Retry-After, after three attempts", async () => {
    const site = await freshSite();
    const token = await keptVisitor(site);
    const refusing = prefsThat(() => tooMany());
    const res = await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token }), refusing.env);
    await expectStorageFault(res);
    expect(refusing.attempts.filter((w) => w.startsWith("put "))).toHaveLength(3);
  });

  it("any other failure of a write is not retried: 503 at once, after one attempt", async () => {
    const site = await freshSite();
    const token = await keptVisitor(site);
    const failing = prefsThat(() => new Error("KV PUT failed: 500 Internal Server Error (injected)"));
    const res = await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token }), failing.env);
    await expectStorageFault(res);
    expect(failing.attempts.filter((w) => w.startsWith("put "))).toHaveLength(1);
  });
});

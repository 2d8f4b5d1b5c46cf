/**
 * createLocalAssent(): the programmatic local server our end-to-end tests and site developers
 * use. Real workerd, real KV and D1, over real HTTP on loopback.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BootstrapResponse, ConsentResponse, ReceiptsResponse } from "../../worker/contract";
import { DEMO_SITE, type LocalAssent, createLocalAssent } from "../../local/index";

const ORIGIN = "http://127.0.0.1:8788";

async function decide(assent: LocalAssent, action: "accept_all" | "reject_all", token?: string) {
  const boot = (await (await fetch(new URL("/v1/sites/demo/bootstrap", assent.url))).json()) as BootstrapResponse;
  return fetch(new URL("/v1/sites/demo/consents", assent.url), {
    method: "POST",
    headers: {
      Origin: ORIGIN,
      "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID(),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ action, policyFingerprint: boot.policy.fingerprint, locale: "en", widgetVersion: "node-test", textHash: boot.textHash }),
  });
}

describe("createLocalAssent", () => {
  let assent: LocalAssent;
  beforeAll(async () => {
    assent = await createLocalAssent();
  });
  afterAll(() => assent.dispose());

  it("serves the API, the demo site config and the static page; an unknown location gets the strictest regime (R0.4)", async () => {
    expect((await fetch(new URL("/v1/health", assent.url))).status).toBe(200);
    const boot = await fetch(new URL("/v1/sites/demo/bootstrap?lang=de", assent.url), { headers: { Origin: ORIGIN } });
    expect(boot.status).toBe(200);
    expect(boot.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const body = (await boot.json()) as BootstrapResponse;
    expect(body.locale).toBe("de");
    expect(body.site.name).toBe("Penguin Softphone");
    // no location known locally unless asked for: the strictest regime
    expect(body.edge).toMatchObject({ regime: "opt-in", country: null });
    const page = await fetch(assent.url);
    expect(page.headers.get("content-type")).toContain("text/html");
  });

  it("serves the widget's TypeScript declarations as text, not as a video (.ts is MPEG-TS to a MIME table)", async () => {
    const res = await fetch(new URL("/assent.d.ts", assent.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toContain("interface");
  });

  it("records a decision over HTTP from the second origin without setting a cookie (R7.1)", async () => {
    const res = await decide(assent, "accept_all");
    expect(res.status).toBe(201);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const body = (await res.json()) as ConsentResponse;
    expect(body.preferences.categories).toEqual({ necessary: true, usage: true });
  });

  it("refuses an invalid site config in pushSite", async () => {
    await expect(assent.pushSite({ id: "Not A Site" } as never)).rejects.toThrow();
  });
});

describe("createLocalAssent options", () => {
  it("simulates a visitor's location with geo", async () => {
    const assent = await createLocalAssent({ geo: { country: "US", regionCode: "CA" } });
    try {
      const body = (await (await fetch(new URL("/v1/sites/demo/bootstrap", assent.url))).json()) as BootstrapResponse;
      expect(body.edge).toMatchObject({ regime: "opt-out", jurisdiction: "US-CA", country: "US" });
    } finally {
      await assent.dispose();
    }
  });

  it("keeps decisions across a restart when persist is set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "assent-persist-"));
    const tokenKey = "p1:persisted-signing-key-0123456789abcdefghijklmnop";
    try {
      const first = await createLocalAssent({ persist: dir, tokenKey });
      let decision: ConsentResponse;
      try {
        decision = (await (await decide(first, "reject_all")).json()) as ConsentResponse;
      } finally {
        await first.dispose();
      }
      const second = await createLocalAssent({ persist: dir, tokenKey });
      try {
        const res = await fetch(new URL("/v1/sites/demo/me/receipts", second.url), {
          headers: { Authorization: `Bearer ${decision.token}` },
        });
        expect(res.status).toBe(200);
        const { receipts } = (await res.json()) as ReceiptsResponse;
        expect(receipts.map((r) => r.id)).toEqual([decision.receipt.id]);
        expect(receipts[0]!.categories).toEqual({ necessary: true, usage: false });
      } finally {
        await second.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("createLocalAssent from another project's directory", () => {
  it("reads site files and keeps its state relative to the caller's directory, as persist always did", async () => {
    const project = mkdtempSync(join(tmpdir(), "assent-caller-"));
    const before = process.cwd();
    const demo = JSON.parse(readFileSync(DEMO_SITE, "utf8")) as { id: string };
    writeFileSync(join(project, "my-site.json"), JSON.stringify({ ...demo, id: "my-site" }));
    process.chdir(project);
    let assent: LocalAssent | undefined;
    try {
      assent = await createLocalAssent({ sites: ["my-site.json"], persist: ".assent-state" });
      expect((await fetch(new URL("/v1/sites/my-site/bootstrap", assent.url))).status).toBe(200);
      expect(existsSync(join(project, ".assent-state"))).toBe(true);
    } finally {
      await assent?.dispose();
      process.chdir(before);
      rmSync(project, { recursive: true, force: true });
    }
  });
});


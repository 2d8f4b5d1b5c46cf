/**
 * Identity across devices in Chromium: two browser contexts are two devices of one person. A
 * small "site backend" on its own loopback origin renders the demo page and, for a logged-in
 * user (`/app?user=…`), signs their subject id with the site's identity secret (node:crypto,
 * exactly as docs/identity.md shows) into `data-identity`. The secret comes from the admin API with an
 * API key, as a site owner's server would get it.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { ROOT } from "../../local/index";
import type { AdminSubjectResponse, IdentitySecretResponse, ReceiptsResponse } from "../../worker/contract";
import { sendDemoPage, sendPublicFile } from "./demo-files";
import { type AssentServers, expect, test } from "./fixtures";
import { analyticsRuns, localRecord, syncedRecord } from "./helpers";


/** The signing snippet of docs/identity.md. */
function signIdentity(secret: string, siteId: string, subject: string, ttlSeconds = 3600): string {
  const sub = Buffer.from(subject, "utf8").toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const mac = createHmac("sha256", secret).update(`id1.${siteId}.${sub}.${exp}`).digest("base64url");
  return `id1.${sub}.${exp}.${mac}`;
}

interface SiteBackend {
  origin: string;
  /** The admin API with the site's API key. */
  admin<T>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * Starts the site's backend: `/app?user=<id>` is the demo page for that logged-in user (with
 * `data-identity`), `/app` the same page logged out; everything else is served from public/.
 */
async function siteBackend(assent: AssentServers): Promise<SiteBackend> {
  const worker = assent.worker.url.origin;
  // An API key, inserted by hash as `npm run sites -- key create demo` does.
  const apiKey = `ask_${randomBytes(32).toString("base64url")}`;
  const db = await assent.worker.mf.getD1Database("LEDGER");
  await db
    .prepare(`INSERT INTO api_keys (id, site_id, key_hash, label, created_at) VALUES (?1, 'demo', ?2, 'e2e', ?3)`)
    .bind(`ak_${randomBytes(6).toString("hex")}`, createHash("sha256").update(apiKey).digest("hex"), new Date().toISOString())
    .run();
  const admin = async <T>(path: string) => {
    const res = await fetch(`${worker}/v1/sites/demo/admin${path}`, { headers: { Authorization: `Bearer ${apiKey}` } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const { body } = await admin<IdentitySecretResponse>("/identity-secret");
  const secret = body.secret;

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/app") {
        const user = url.searchParams.get("user");
        const attr = user ? ` data-identity="${signIdentity(secret, "demo", user)}"` : "";
        await sendDemoPage(res, (html) => html.replace('src="/assent.js"', `src="${worker}/assent.js"${attr}`));
        return;
      }
      await sendPublicFile(res, url.pathname);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await assent.pushDemo((c) => c.allowedOrigins.push(origin));
  return {
    origin,
    admin,
    close: async () => {
      server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
      await new Promise<void>((ok) => server.close(() => ok()));
      await assent.pushDemo();
    },
  };
}

/** A fresh user id per test: the Worker is shared by this test worker's tests. */
const newUser = () => `user-${randomBytes(4).toString("hex")}`;
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** Records on the page whether the banner was ever shown, and every `assent-change` surface. */
async function watch(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __bannerShown: boolean; __surfaces: string[] };
    w.__bannerShown = false;
    w.__surfaces = [];
    new MutationObserver(() => {
      if (document.querySelector("assent-banner")) w.__bannerShown = true;
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener("assent-change", (e) => w.__surfaces.push((e as CustomEvent<{ surface: string }>).detail.surface));
  });
}
const bannerShown = (page: Page) => page.evaluate(() => (window as unknown as { __bannerShown: boolean }).__bannerShown);
const surfaces = (page: Page) => page.evaluate(() => (window as unknown as { __surfaces: string[] }).__surfaces);
const decided = (page: Page) => page.waitForFunction(() => window.assent?.get().decided === true);
const banner = (page: Page) => page.locator("assent-banner");

async function newDevice(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await watch(page);
  return page;
}

test("a person's choice follows them to a second device: no banner there, and no request on return", async ({ page, browser, assent, workerRequests }) => {
  const site = await siteBackend(assent);
  try {
    const user = newUser();
    // Device A: nobody has decided anything for this person yet, so the banner asks.
    await page.goto(`${site.origin}/app?user=${user}`);
    await banner(page).getByRole("button", { name: "Reject all" }).click();
    const a = await syncedRecord(page);
    expect(a.subject).toBe(b64(user));
    const stored = await site.admin<AdminSubjectResponse>(`/subjects/${user}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ subject: user, visitorId: a.visitorId, preferences: { categories: { necessary: true, usage: false } } });

    // Device B: the same person logs in; their choice is applied with no banner at all.
    const b = await newDevice(browser);
    await b.goto(`${site.origin}/app?user=${user}`);
    await decided(b);
    await expect(b.locator("#analytics-status")).toHaveText(/you said no/);
    expect(await bannerShown(b)).toBe(false);
    const recordB = await localRecord(b);
    expect(recordB).toMatchObject({ subject: b64(user), visitorId: a.visitorId, categories: { necessary: true, usage: false } });
    expect(await surfaces(b)).toContain("sync");
    expect(await analyticsRuns(b)).toBe(0);

    // Returning on device B: the record is this person's already, so nothing is asked of the Worker.
    const requests = workerRequests(b);
    await b.reload();
    await decided(b);
    await b.waitForTimeout(500);
    expect(requests.filter((r) => new URL(r.url()).pathname.startsWith("/v1/")).map((r) => r.url())).toEqual([]);
    expect(await bannerShown(b)).toBe(false);
    await b.context().close();
  } finally {
    await site.close();
  }
});

test("a change on one device reaches the other at its next background check; identify(null) forgets the person here (R6.1)", async ({ page, browser, assent }) => {
  const site = await siteBackend(assent);
  try {
    const user = newUser();
    const start = Date.now();
    await page.clock.install({ time: start });
    await watch(page);
    await page.goto(`${site.origin}/app?user=${user}`);
    await banner(page).getByRole("button", { name: "Reject all" }).click();
    const a = await syncedRecord(page);

    // Device B (via the JavaScript API this time) accepts everything.
    const b = await newDevice(browser);
    await b.goto(`${site.origin}/app`);
    await expect(banner(b).getByRole("button", { name: "Accept all" })).toBeVisible();
    const signed = signIdentity((await site.admin<IdentitySecretResponse>("/identity-secret")).body.secret, "demo", user);
    await b.evaluate((s) => window.assent!.identify(s), signed);
    // The person's refusal was adopted: the banner closed by itself.
    await expect(banner(b)).toHaveCount(0);
    await b.evaluate(() => window.assent!.acceptAll());
    await expect(b.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
    expect((await syncedRecord(b)).visitorId).toBe(a.visitorId);

    // Device A, past revalidateMinutes: the background check finds the newer choice and applies it.
    await page.clock.setSystemTime(start + 61 * 60_000);
    await page.reload();
    await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/, { timeout: 10_000 });
    expect((await localRecord(page))?.categories).toEqual({ necessary: true, usage: true });
    expect(await surfaces(page)).toContain("sync");

    // Logout: identify(null) removes the person's record from this browser; the banner asks again.
    const tokenBefore = (await localRecord(page))!.token!;
    const meWith = (token: string) => fetch(new URL("/v1/sites/demo/me", assent.worker.url), { headers: { Authorization: `Bearer ${token}` } });
    expect((await meWith(tokenBefore)).status).toBe(200);
    await page.evaluate(() => window.assent!.identify(null));
    await expect(banner(page).getByRole("button", { name: "Accept all" })).toBeVisible();
    expect(await localRecord(page)).toBeNull();
    expect(await page.evaluate(() => window.assent!.get())).toMatchObject({ decided: false, categories: { necessary: true, usage: false } });
    await page.goto(`${site.origin}/app`);
    await expect(banner(page).getByRole("button", { name: "Accept all" })).toBeVisible();
    // The token this browser held is revoked on the Worker (a copy of it reads nothing)…
    await expect.poll(async () => (await meWith(tokenBefore)).status).toBe(401);
    // …while their record is still there for their other devices, whose token still works.
    const stored = await site.admin<AdminSubjectResponse>(`/subjects/${user}`);
    expect(stored.body.preferences?.categories).toEqual({ necessary: true, usage: true });
    expect((await meWith((await localRecord(b))!.token!)).status).toBe(200);
    await b.context().close();
  } finally {
    await site.close();
  }
});

test("a choice made before logging in becomes the person's: the first device keeps its record, a newer one elsewhere wins (R6.1)", async ({ page, browser, assent }) => {
  const site = await siteBackend(assent);
  try {
    const user = newUser();
    // Device C decides anonymously, then the person logs in there: C's own record becomes theirs.
    await page.goto(`${site.origin}/app`);
    await banner(page).getByRole("button", { name: "Accept all" }).click();
    const anonymous = await syncedRecord(page);
    await page.goto(`${site.origin}/app?user=${user}`);
    await page.waitForFunction(() => JSON.parse(localStorage.getItem("assent:v1:demo") ?? "{}").subject);
    const c = (await localRecord(page))!;
    expect(c).toMatchObject({ visitorId: anonymous.visitorId, receiptId: anonymous.receiptId, subject: b64(user) });
    expect((await site.admin<AdminSubjectResponse>(`/subjects/${user}`)).body.visitorId).toBe(anonymous.visitorId);

    // Device D refuses anonymously, later than C's choice, then logs in: its newer choice is
    // recorded for the person (surface "sync") and the person's record now refuses.
    const d = await newDevice(browser);
    await d.goto(`${site.origin}/app`);
    await banner(d).getByRole("button", { name: "Reject all" }).click();
    const own = await syncedRecord(d);
    expect(own.visitorId).not.toBe(anonymous.visitorId);
    await d.goto(`${site.origin}/app?user=${user}`);
    await d.waitForFunction((v) => {
      const r = JSON.parse(localStorage.getItem("assent:v1:demo") ?? "{}");
      return r.visitorId === v && r.receiptId && !r.pending;
    }, anonymous.visitorId);
    expect(await bannerShown(d)).toBe(false);
    await expect(d.locator("#analytics-status")).toHaveText(/you said no/);
    const person = await site.admin<AdminSubjectResponse>(`/subjects/${user}`);
    expect(person.body.preferences?.categories).toEqual({ necessary: true, usage: false });
    const token = (await localRecord(d))!.token!;
    const answer = await fetch(new URL("/v1/sites/demo/me/receipts", assent.worker.url), { headers: { Authorization: `Bearer ${token}` } });
    const text = await answer.text();
    expect(answer.status, text).toBe(200);
    const receipts = JSON.parse(text) as ReceiptsResponse;
    expect(receipts.receipts.map((r) => [r.action, r.surface])).toEqual([
      ["accept_all", "banner"],
      ["reject_all", "sync"],
    ]);
    await d.context().close();
  } finally {
    await site.close();
  }
});

test("a shared browser never carries one person's choice over to the next", async ({ page, assent }) => {
  const site = await siteBackend(assent);
  try {
    const alice = newUser();
    const bob = newUser();
    await watch(page);
    await page.goto(`${site.origin}/app?user=${alice}`);
    await banner(page).getByRole("button", { name: "Accept all" }).click();
    await syncedRecord(page);
    // Nobody called identify(null); the next person logs in on the same browser.
    await page.goto(`${site.origin}/app?user=${bob}`);
    await expect(banner(page).getByRole("button", { name: "Accept all" })).toBeVisible();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem("assent:v1:demo") ?? "null") === null);
    expect((await site.admin<AdminSubjectResponse>(`/subjects/${bob}`)).body.preferences).toBeNull();
    expect((await site.admin<AdminSubjectResponse>(`/subjects/${alice}`)).body.preferences?.categories).toEqual({ necessary: true, usage: true });
    // Bob's own decision is his, on a record of his own.
    await banner(page).getByRole("button", { name: "Reject all" }).click();
    const record = await syncedRecord(page);
    expect(record.subject).toBe(b64(bob));
    expect(record.visitorId).toBe((await site.admin<AdminSubjectResponse>(`/subjects/${bob}`)).body.visitorId);
    expect(record.visitorId).not.toBe((await site.admin<AdminSubjectResponse>(`/subjects/${alice}`)).body.visitorId);
  } finally {
    await site.close();
  }
});

test("malformed, forged or expired identities change nothing and never throw into the page", async ({ page, assent }) => {
  const site = await siteBackend(assent);
  try {
    const warnings: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "warning" && m.text().startsWith("assent: identify failed")) warnings.push(m.text());
    });
    await page.goto(`${site.origin}/app`);
    await banner(page).getByRole("button", { name: "Accept all" }).click();
    const before = await syncedRecord(page);
    const forged = signIdentity(`idsec_${"A".repeat(43)}`, "demo", newUser());
    const secret = (await site.admin<IdentitySecretResponse>("/identity-secret")).body.secret;
    const expired = signIdentity(secret, "demo", newUser(), -60);
    const results = await page.evaluate(
      async ([f, e]) => {
        const out: string[] = [];
        for (const input of ["garbage", 42, { identity: "id1.a.b.c" }, "id1..1.x", f, e] as unknown as string[])
          out.push(String(await window.assent!.identify(input).then(() => "resolved", () => "rejected")));
        return out;
      },
      [forged, expired],
    );
    expect(results).toEqual(Array(6).fill("resolved"));
    expect(warnings).toHaveLength(6);
    expect(warnings.filter((w) => w.includes("identify() takes a signed identity (id1.…) or null"))).toHaveLength(4);
    expect(warnings[4]).toContain("401 invalid_identity");
    expect(warnings[5]).toContain("401 identity_expired");
    expect(await localRecord(page)).toEqual(before);
    expect(await page.evaluate(() => window.assent!.get().categories.usage)).toBe(true);
    await expect(banner(page)).toHaveCount(0);
  } finally {
    await site.close();
  }
});

test("logging out in one tab forgets the person in the site's other open tabs too", async ({ page, assent }) => {
  const site = await siteBackend(assent);
  try {
    const user = newUser();
    // Steps, so that a timeout says where it waited.
    const other = await test.step("the person accepts in one tab and opens another", async () => {
      await page.goto(`${site.origin}/app?user=${user}`);
      await banner(page).getByRole("button", { name: "Accept all" }).click();
      await syncedRecord(page);
      const other = await page.context().newPage();
      await other.goto(`${site.origin}/app?user=${user}`);
      await expect(other.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
      return other;
    });
    await test.step("logging out in the first tab forgets the person in the other", async () => {
      await page.evaluate(() => window.assent!.identify(null));
      await other.waitForFunction(() => window.assent!.get().decided === false);
      // Nothing optional is allowed any more (the tab has no bootstrap: no categories are known).
      expect(await other.evaluate(() => window.assent!.get().categories.usage)).not.toBe(true);
      expect(await localRecord(other)).toBeNull();
    });
    // A later decision in that tab is nobody's but this browser's: it carries no subject.
    const record = await test.step("a decision in the other tab is recorded for nobody", async () => {
      await other.evaluate(() => window.assent!.rejectAll());
      return syncedRecord(other);
    });
    expect(record.subject).toBeUndefined();
    expect(record.visitorId).not.toBe((await site.admin<AdminSubjectResponse>(`/subjects/${user}`)).body.visitorId);
  } finally {
    await site.close();
  }
});

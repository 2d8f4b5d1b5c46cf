/**
 * Honest limits, in the browser (issue #14):
 *
 * - Assent is no IAB CMP (R3.8, R4.1, R4.3): on a first visit, after a decision and on return,
 *   `__tcfapi`, `__gpp` and `__uspapi` are never defined, no `euconsent-v2` (or `usprivacy`)
 *   cookie is written and no TC string, GPP string or US Privacy String is stored anywhere. The
 *   built files are checked for the same names by test/node/no-tcf.test.ts.
 * - Safari's storage eviction (R7.8): when the site's storage is gone the banner asks again, and
 *   the Worker is asked for nothing that could find the visitor (bootstrap only: no token, no
 *   visitor id, no cookie), so a new decision is a new visitor. The returning visitor *with* a
 *   record makes no request at all: decisions.spec.ts, "a returning visitor sees no banner and
 *   causes no request to the Worker".
 * - The site owner's own HttpOnly cookie mirror, exactly as docs/limits.md shows it, survives
 *   the eviction on the site's server and never reaches the Worker.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Page, Request } from "@playwright/test";
import { DEMO_SITE, loadSiteConfig } from "../../local/index";
import { sendDemoPage, sendPublicFile } from "./demo-files";
import { expect, test } from "./fixtures";
import { bannerOf, enableGpc, localRecord, sentHeaders, serverReceipts, syncedRecord } from "./helpers";

/** A TCF TC string (core segment, version 2: base64url starting with "C"), per R4.1's test. */
const TC_STRING = /^C[A-Za-z0-9_-]{20,}/;
/** A GPP string: its header section starts with "D", then "~" before each section. */
const GPP_STRING = /^D[A-Za-z0-9_.-]{3,}~/;
/** A legacy US Privacy String (`uspv1`): version 1, then Y, N or - three times (e.g. "1YYN"). */
const US_PRIVACY_STRING = /^1[YN-]{3}$/i;

/** What a page offers ad tech, and every string it keeps where ad tech would look for a signal. */
interface Signals {
  apis: Record<"__tcfapi" | "__gpp" | "__uspapi" | "__cmp", string>;
  /** Names of iframes the IAB stubs add so that frames can find the CMP (`__tcfapiLocator` …). */
  locatorFrames: string[];
  /** Cookie names (every cookie of the browser context, HttpOnly ones too). */
  cookieNames: string[];
  /** Every storage key, value and string inside a JSON value, and every cookie value. */
  strings: string[];
}

async function signalsOf(page: Page): Promise<Signals> {
  const inPage = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") strings.push(v);
      else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
    };
    for (const store of [localStorage, sessionStorage])
      for (const key of Object.keys(store)) {
        const value = store.getItem(key) ?? "";
        strings.push(key, value);
        try {
          walk(JSON.parse(value));
        } catch {
          // not JSON: the value itself is checked
        }
      }
    return {
      apis: { __tcfapi: typeof w.__tcfapi, __gpp: typeof w.__gpp, __uspapi: typeof w.__uspapi, __cmp: typeof w.__cmp },
      locatorFrames: [...document.querySelectorAll("iframe")].map((f) => f.name).filter((n) => n.endsWith("Locator")),
      strings,
    };
  });
  const cookies = await page.context().cookies();
  for (const c of cookies) inPage.strings.push(c.value, decodeURIComponent(c.value));
  return { ...inPage, cookieNames: cookies.map((c) => c.name) };
}

/** Checks that `signals` hold nothing of TCF, GPP or the US Privacy String. */
function expectNoIabSignal(signals: Signals, when: string): void {
  expect(signals.apis, when).toEqual({ __tcfapi: "undefined", __gpp: "undefined", __uspapi: "undefined", __cmp: "undefined" });
  expect(signals.locatorFrames, when).toEqual([]);
  expect(signals.cookieNames, when).not.toContain("euconsent-v2");
  expect(signals.cookieNames, when).not.toContain("usprivacy");
  expect(signals.strings.filter((s) => TC_STRING.test(s) || GPP_STRING.test(s) || US_PRIVACY_STRING.test(s)), when).toEqual([]);
}

/** The widget's UI names no certification and no IAB framework (R3.8). */
async function expectNoCertificationClaim(page: Page): Promise<void> {
  // getByText looks inside the widget's shadow roots.
  await expect(page.getByText(/certifi|\bTCF\b|\bIAB\b|Transparency (and|&) Consent/i)).toHaveCount(0);
}

test.describe("no IAB TCF, GPP or US Privacy String, ever (R3.8, R4.1, R4.3)", () => {
  test("first visit, after Accept all and on return: no __tcfapi, __gpp or __uspapi, no euconsent-v2 cookie, no TC string stored (R3.8, R4.1, R4.3)", async ({ page, assent }) => {
    await page.goto(assent.worker.url.href);
    await expect(bannerOf(page).getByRole("button", { name: "Accept all" })).toBeVisible();
    expectNoIabSignal(await signalsOf(page), "first visit");
    await expectNoCertificationClaim(page);

    // Accept all is where a TCF CMP would write its TC string with every purpose consented.
    await bannerOf(page).getByRole("button", { name: "Accept all" }).click();
    const record = await syncedRecord(page);
    const afterDecision = await signalsOf(page);
    // The scan saw the widget's own record (so the checks below could fail) …
    expect(afterDecision.strings).toEqual(expect.arrayContaining(["assent:v1:demo", record.visitorId!, record.receiptId!]));
    // … and nothing in it, or anywhere else, is an IAB signal.
    expectNoIabSignal(afterDecision, "after a decision");
    await page.evaluate(() => window.assent!.open());
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoCertificationClaim(page);

    await page.reload();
    await page.waitForFunction(() => window.assent?.get().decided === true);
    await expect(page.locator("#analytics-status")).toHaveText(/^Usage analytics: running/);
    expectNoIabSignal(await signalsOf(page), "returning visit");
  });

  test("a US opt-out state with GPC: the opt-out is honoured, yet no __uspapi, no __gpp (usnat) and no US Privacy String (R4.1, R4.3)", async ({ page, assentAt }) => {
    // Where a US CMP would answer __uspapi("getUSPData") or a GPP usnat section.
    const ca = await assentAt({ country: "US", regionCode: "CA" });
    await enableGpc(page);
    await page.goto(ca.worker.url.href);
    await expect(bannerOf(page).getByRole("status")).toContainText("Opt-Out Request Honored");
    expectNoIabSignal(await signalsOf(page), "GPC honoured, before sync");
    const record = await syncedRecord(page);
    expect(record).toMatchObject({ gpc: true, regime: "opt-out", categories: { necessary: true, usage: false } });
    expectNoIabSignal(await signalsOf(page), "GPC recorded");
    await page.reload();
    await page.waitForFunction(() => window.assent?.get().decided === true);
    expectNoIabSignal(await signalsOf(page), "returning visit");
  });
});

/** A request the page sent to the Worker, with the headers the network stack added too. */
interface SeenRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | null;
}

/** Records every request `page` sends to `origin` from now on; read with `await list()`. */
function recordRequests(page: Page, origin: string): () => Promise<SeenRequest[]> {
  const seen: Promise<SeenRequest>[] = [];
  page.on("request", (r: Request) => {
    if (new URL(r.url()).origin !== origin) return;
    seen.push(sentHeaders(r).then((headers) => ({ method: r.method(), url: new URL(r.url()), headers, body: r.postData() })));
  });
  return () => Promise.all(seen);
}

/**
 * What Safari's ITP does after seven days of browsing without a visit to the site: every
 * script-writable store of the site is gone. The HTTP cache goes too here, so that every
 * request of the next load reaches the Worker and is seen by the test.
 */
async function evictSiteStorage(page: Page, { cookies }: { cookies: boolean }): Promise<void> {
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  if (cookies) await page.context().clearCookies();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.clearBrowserCache");
  await cdp.detach();
}

/** The visitor's own values that a lookup would have to carry. */
const secretsOf = (r: { visitorId?: string; token?: string; receiptId?: string }) => [r.visitorId!, r.token!, r.receiptId!];

/**
 * Checks that requests to the Worker are the script, its modules and bootstrap only, and that
 * none carries anything of the visitor: no token, no cookie, no id, nothing in a body.
 */
function expectNoLookup(requests: SeenRequest[], siteId: string, secrets: string[]): void {
  const api = requests.filter((r) => r.url.pathname.startsWith("/v1/"));
  expect(api.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`GET /v1/sites/${siteId}/bootstrap`]);
  for (const r of requests) {
    expect(r.url.pathname, "static files of the widget, besides bootstrap").toMatch(/^\/(assent\.js|v\/[^/]+\/[\w-]+\.js|v1\/sites\/[\w-]+\/bootstrap)$/);
    expect(r.method).toBe("GET");
    expect(r.body).toBeNull();
    expect(Object.keys(r.headers).filter((h) => ["authorization", "x-consent-token", "cookie"].includes(h))).toEqual([]);
    for (const secret of secrets) {
      expect(r.url.href).not.toContain(secret);
      expect(Object.values(r.headers).join("\n")).not.toContain(secret);
    }
  }
}

test.describe("Safari's storage eviction: asked again, never looked up (R7.8)", () => {
  test("with the site's storage cleared, the banner asks again and the Worker gets bootstrap only, with nothing to find the visitor by (R7.8, R1.2, R7.1)", async ({ page, assent }) => {
    // Cross-origin, as on a customer's site: every request to the Worker's origin is the widget's.
    await page.goto(assent.second.url.href);
    await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
    const before = await syncedRecord(page);
    expect(before.visitorId && before.token && before.receiptId).toBeTruthy();

    await evictSiteStorage(page, { cookies: true });
    const requests = recordRequests(page, assent.worker.url.origin);
    const bootstrap = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/sites/demo/bootstrap");
    await page.reload();
    await expect(bannerOf(page).getByRole("button", { name: "Reject all" })).toBeVisible();
    // Room for anything the widget might do in the background after the banner shows.
    await page.waitForTimeout(1000);

    // The widget starts over: no record, no visitor id, nothing stored until a decision (R1.2).
    expect(await page.evaluate(() => window.assent!.get())).toMatchObject({ decided: false, receiptId: null, categories: { usage: false } });
    expect(await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage), document.cookie])).toEqual([[], [], ""]);
    await expect(page.locator("#analytics-status")).toHaveText(/not running/);

    // The Worker was asked for bootstrap alone, with no token, id or cookie: there was nothing
    // to look the visitor up by but IP address and user agent, and its answer holds nothing of
    // them either (no id, no receipt, no cookie set).
    expectNoLookup(await requests(), "demo", secretsOf(before));
    const answer = await bootstrap;
    expect(answer.status()).toBe(200);
    expect(await answer.headerValue("set-cookie")).toBeNull();
    const body = await answer.text();
    for (const secret of secretsOf(before)) expect(body).not.toContain(secret);

    // Deciding again makes a new visitor; the old record stays apart, untouched.
    await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
    const after = await syncedRecord(page);
    expect(after.visitorId).not.toBe(before.visitorId);
    expect((await serverReceipts(assent.worker.url, after.token!)).map((r) => r.id)).toEqual([after.receiptId]);
    expect((await serverReceipts(assent.worker.url, before.token!)).map((r) => r.id)).toEqual([before.receiptId]);
  });

  test("another browser profile with the same IP address and user agent is a new visitor: banner, bootstrap only, a new visitor id (R7.8, R7.2)", async ({ page, browser, assent }) => {
    await page.goto(assent.second.url.href);
    await bannerOf(page).getByRole("button", { name: "Accept all" }).click();
    const first = await syncedRecord(page);

    // A second context: nothing of the first one's storage or HTTP cache, the same machine.
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      const requests = recordRequests(other, assent.worker.url.origin);
      await other.goto(assent.second.url.href);
      expect(await other.evaluate(() => navigator.userAgent)).toBe(await page.evaluate(() => navigator.userAgent));
      await expect(bannerOf(other).getByRole("button", { name: "Accept all" })).toBeVisible();
      await other.waitForTimeout(500);
      expectNoLookup(await requests(), "demo", secretsOf(first));
      expect(await localRecord(other)).toBeNull();

      await bannerOf(other).getByRole("button", { name: "Accept all" }).click();
      const second = await syncedRecord(other);
      expect(second.visitorId).not.toBe(first.visitorId);
      expect((await serverReceipts(assent.worker.url, second.token!)).map((r) => r.id)).toEqual([second.receiptId]);
    } finally {
      await context.close();
    }
  });

  test("the site owner's own HttpOnly cookie mirror (docs/limits.md) outlives the eviction on the site's server and never reaches the Worker (R7.8, R7.1)", async ({ page, assent }) => {
    const site = await mirrorSite(assent.worker.url.origin);
    const siteId = `mirror-${Date.now().toString(36)}`;
    try {
      await assent.worker.pushSite({ ...loadSiteConfig(DEMO_SITE), id: siteId, allowedOrigins: [site.origin] });
      const toWorker = recordRequests(page, assent.worker.url.origin);
      await page.goto(`${site.origin}/?site=${siteId}`);
      await bannerOf(page).getByRole("button", { name: "Reject all" }).click();
      const record = await syncedRecord(page, siteId);

      // The snippet sent the recorded choice once; the site's server set its cookie.
      await expect.poll(() => mirrorCookie(page)).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true });
      expect(decodeMirror((await mirrorCookie(page))!.value)).toEqual({ c: { necessary: true, usage: false }, r: record.receiptId, e: record.expiresAt });
      // HttpOnly: no script on the page (the widget included) can read it, or forge it.
      expect(await page.evaluate(() => document.cookie)).not.toContain("consent_mirror");
      // A plain returning visit writes nothing (counted below).
      await page.reload();
      await page.waitForFunction(() => window.assent?.get().decided === true);
      await page.waitForTimeout(300);

      // Safari deletes what scripts wrote; a cookie the site's own server set stays.
      await evictSiteStorage(page, { cookies: false });
      await page.reload();
      // The widget asks again: it never restores a choice, not even from the site's cookie …
      await expect(bannerOf(page).getByRole("button", { name: "Reject all" })).toBeVisible();
      expect(await localRecord(page, siteId)).toBeNull();
      // … while the site's server still knows the last recorded choice, from its own cookie.
      expect(site.mirrorOnLastPage()).toEqual({ c: { necessary: true, usage: false }, r: record.receiptId, e: record.expiresAt });

      // The new decision replaces the mirror; "Delete my data" removes it.
      await bannerOf(page).getByRole("button", { name: "Accept all" }).click();
      const accepted = await syncedRecord(page, siteId, record.receiptId);
      await expect.poll(async () => decodeMirror((await mirrorCookie(page))?.value)).toEqual({ c: { necessary: true, usage: true }, r: accepted.receiptId, e: accepted.expiresAt });
      await page.evaluate(() => window.assent!.open());
      const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
      await dialog.getByRole("button", { name: "Delete my data" }).click();
      await dialog.getByRole("button", { name: "Yes, delete" }).click();
      await expect(dialog.getByRole("status").filter({ hasText: "Your data was deleted." })).toBeVisible();
      await expect.poll(() => mirrorCookie(page)).toBeUndefined();
      // One write per recorded decision and one removal: never a write on a plain page load.
      expect(site.mirrorRequests).toEqual(["PUT 204", "PUT 204", "DELETE 204"]);

      // The Worker never saw the site's cookie: it is another host, and the widget's calls omit
      // credentials anyway.
      const seen = await toWorker();
      expect(seen.filter((r) => r.url.pathname.startsWith("/v1/")).length).toBeGreaterThan(2);
      expect(seen.filter((r) => r.url.pathname.startsWith("/v1/") && r.headers.cookie !== undefined)).toEqual([]);
    } finally {
      await site.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The site owner's cookie mirror: the page snippet and the server endpoint of docs/limits.md
// ("Keep the choice in your own cookie"), copied here verbatim so the docs show code that runs.
// ---------------------------------------------------------------------------------------------

/** The page snippet, as docs/limits.md shows it. */
const MIRROR_SNIPPET = `<script>
  // Mirror each choice the Worker recorded into a cookie your own server sets.
  (() => {
    let mirrored = null; // the receipt this page last sent
    document.addEventListener("assent-change", ({ detail: { state, surface } }) => {
      if (surface === "load") return; // the page's start-up: nothing new
      if (state.decided && (state.pendingSync || !state.receiptId)) return; // wait for the receipt ("sync")
      const receipt = state.decided ? state.receiptId : null; // not decided (data deleted): remove it
      if (receipt === mirrored) return;
      mirrored = receipt;
      fetch("/consent-mirror", {
        method: receipt ? "PUT" : "DELETE",
        headers: { "Content-Type": "application/json" },
        body: receipt ? JSON.stringify({ categories: state.categories, receiptId: receipt, expiresAt: state.expiresAt }) : null,
        keepalive: true,
      });
    });
  })();
</script>`;

/**
 * The endpoint, as docs/limits.md shows it (Node's http): PUT stores the choice in a
 * first-party HttpOnly cookie, DELETE removes it. `SITE_ORIGIN` is the page's origin.
 */
function consentMirror(SITE_ORIGIN: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    // Only your own pages: a PUT or DELETE from a page always carries Origin.
    if (req.headers.origin !== SITE_ORIGIN) return res.writeHead(403).end();
    const cookie = (value: string, maxAge: number) =>
      `consent_mirror=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;
    if (req.method === "DELETE") return res.writeHead(204, { "Set-Cookie": cookie("", 0) }).end();
    if (req.method !== "PUT") return res.writeHead(405).end();
    let body = "";
    for await (const chunk of req) if ((body += chunk).length > 2048) return res.writeHead(413).end();
    let m;
    try {
      m = JSON.parse(body);
    } catch {
      return res.writeHead(400).end();
    }
    const valid =
      typeof m?.receiptId === "string" && /^rcpt_[a-z0-9]{1,64}$/.test(m.receiptId) &&
      m.categories && typeof m.categories === "object" && Object.values(m.categories).every((v) => typeof v === "boolean") &&
      Date.parse(m.expiresAt) > Date.now();
    if (!valid) return res.writeHead(400).end();
    // Until the choice expires; browsers cap cookies at 400 days anyway.
    const maxAge = Math.min(400 * 86400, Math.floor((Date.parse(m.expiresAt) - Date.now()) / 1000));
    const value = Buffer.from(JSON.stringify({ c: m.categories, r: m.receiptId, e: m.expiresAt })).toString("base64url");
    return res.writeHead(204, { "Set-Cookie": cookie(value, maxAge) }).end();
  };
}

/** The mirror's content (what the site's server reads from its cookie), or undefined. */
function decodeMirror(value: string | undefined): unknown {
  return value ? JSON.parse(Buffer.from(value, "base64url").toString("utf8")) : undefined;
}

/** The site's mirror cookie in the browser (HttpOnly, so only the context can show it). */
async function mirrorCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === "consent_mirror");
}

interface MirrorSite {
  /** `http://localhost:<port>`: another host than the Worker's 127.0.0.1, as a real site is. */
  origin: string;
  /** What the server read from its cookie on the last page request. */
  mirrorOnLastPage(): unknown;
  /** `METHOD status` of every /consent-mirror request, in order. */
  mirrorRequests: string[];
  close(): Promise<void>;
}

/**
 * A site with its own backend: the demo page (for the site `?site=`) with the mirror snippet and
 * the Worker's script tag, the mirror endpoint, and public/ for the page's assets.
 */
async function mirrorSite(workerOrigin: string): Promise<MirrorSite> {
  const mirrorRequests: string[] = [];
  let lastPageMirror: unknown;
  let handleMirror: ReturnType<typeof consentMirror> | undefined;
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/consent-mirror") {
        await handleMirror!(req, res);
        mirrorRequests.push(`${req.method} ${res.statusCode}`);
        return;
      }
      if (url.pathname === "/") {
        const raw = /(?:^|;\s*)consent_mirror=([^;]*)/.exec(req.headers.cookie ?? "")?.[1];
        lastPageMirror = decodeMirror(raw || undefined);
        // The snippet before the Assent tag, as the docs place it.
        const tag = `<script src="${workerOrigin}/assent.js" data-site="${url.searchParams.get("site")}" defer></script>`;
        await sendDemoPage(res, (html) => html.replace('<script src="/assent.js" data-site="demo" defer></script>', `${MIRROR_SNIPPET}\n${tag}`));
        return;
      }
      await sendPublicFile(res, url.pathname);
    } catch {
      if (!res.headersSent) res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  handleMirror = consentMirror(origin);
  return {
    origin,
    mirrorOnLastPage: () => lastPageMirror,
    mirrorRequests,
    close: () => {
      server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/**
 * Turnstile on the email signup, in Chromium (R6.11). There is no internet here, so Cloudflare's
 * two ends are fakes, and everything between them is real:
 *
 * - `https://challenges.cloudflare.com/turnstile/v0/api.js` is served by `page.route` with a
 *   small `window.turnstile` (render / reset / remove) that hands the `callback` a token
 *   `fake-token-N`;
 * - the Worker (createLocalAssent, with a Turnstile secret) calls a fake siteverify on a
 *   loopback port, which accepts exactly those tokens for the action `assent-signup` and host
 *   `127.0.0.1`.
 *
 * Checked: the script is not requested before the visitor uses the signup form (not on load,
 * not for consent decisions, not when the preference center opens); the signup POST carries
 * the token, siteverify sees it, and every attempt gets a fresh one; a script that cannot load
 * and a refused token are shown clearly and nothing is sent or recorded; the demo page's own
 * form passes a token too; with no secret on the Worker the signup fails closed.
 */
import { type Page, type Request, expect, test } from "@playwright/test";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type LocalAssent, createLocalAssent } from "../../local/index";
import type { SiteConfigInput } from "../../worker/contract";
import { demoConfig, test as withAssent } from "./fixtures";

const SITE_KEY = "1x00000000000000000000AA";
const CHALLENGE_HOST = "https://challenges.cloudflare.com/";

/** The fake `api.js`: records what the widget asked for, issues a token 30 ms after each render or reset. */
const FAKE_API_JS = `(() => {
  const log = (window.__fakeTurnstile = { renders: [], resets: 0, removes: 0, issued: 0 });
  const widgets = {};
  let n = 0;
  const issue = (id) => setTimeout(() => {
    const w = widgets[id];
    if (w) w.params.callback("fake-token-" + ++log.issued);
  }, 30);
  window.turnstile = {
    render(el, params) {
      const id = "fake-" + ++n;
      const box = document.createElement("div");
      box.setAttribute("data-fake-turnstile", id);
      box.textContent = "Fake Turnstile: you are human";
      el.append(box);
      widgets[id] = { box, params };
      log.renders.push({
        sitekey: params.sitekey,
        action: params.action,
        inShadowRoot: el.getRootNode() !== document,
        callbacks: ["callback", "error-callback", "expired-callback"].filter((k) => typeof params[k] === "function"),
      });
      issue(id);
      return id;
    },
    reset(id) { log.resets++; issue(id); },
    remove(id) { log.removes++; widgets[id]?.box.remove(); delete widgets[id]; },
  };
})();`;

interface FakeLog {
  renders: { sitekey: string; action: string; inShadowRoot: boolean; callbacks: string[] }[];
  resets: number;
  removes: number;
  issued: number;
}

const fakeLog = (page: Page) => page.evaluate(() => (window as unknown as { __fakeTurnstile?: FakeLog }).__fakeTurnstile ?? null);

/** Serves the fake api.js (or fails it); returns the list of requests to Cloudflare's host. */
async function routeChallenge(page: Page, mode: "serve" | "fail" = "serve"): Promise<Request[]> {
  const requests: Request[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(CHALLENGE_HOST)) requests.push(r);
  });
  await page.route(`${CHALLENGE_HOST}**`, (route) =>
    mode === "fail" ? route.abort("connectionrefused") : route.fulfill({ contentType: "text/javascript", body: FAKE_API_JS }),
  );
  return requests;
}

/** Every signup POST the page sends, with its body. */
function signupPosts(page: Page): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname.endsWith("/subscriptions")) bodies.push(r.postDataJSON() as Record<string, unknown>);
  });
  return bodies;
}

interface OutboxMessage {
  to_address: string;
}

async function outbox(workerUrl: URL): Promise<OutboxMessage[]> {
  const res = await fetch(new URL("/dev/outbox?format=json", workerUrl));
  return ((await res.json()) as { messages: OutboxMessage[] }).messages;
}

const turnstileOn = (c: SiteConfigInput) => {
  c.turnstile = { siteKey: SITE_KEY };
};

test.describe("with a Turnstile secret and a fake siteverify (R6.11)", () => {
  let assent: LocalAssent;
  let siteverify: Server;
  let verdict: "pass" | "fail" = "pass";
  const verified: URLSearchParams[] = [];

  test.beforeAll(async () => {
    siteverify = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        verified.push(form);
        const ok = verdict === "pass" && form.get("secret") === "fake-secret" && /^fake-token-\d+$/.test(form.get("response") ?? "");
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify(
            ok
              ? { success: true, hostname: "127.0.0.1", action: "assent-signup", challenge_ts: new Date().toISOString(), "error-codes": [] }
              : { success: false, "error-codes": ["invalid-input-response"] },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => siteverify.listen(0, "127.0.0.1", resolve));
    assent = await createLocalAssent({
      sites: [],
      turnstileSecretKey: "fake-secret",
      turnstileVerifyUrl: `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`,
    });
    await assent.pushSite(demoConfig([assent.url.origin], turnstileOn));
  });
  test.afterAll(async () => {
    await assent?.dispose();
    await new Promise<void>((resolve) => siteverify.close(() => resolve()));
  });
  test.beforeEach(() => {
    verdict = "pass";
    verified.length = 0;
  });

  test("the preference center loads Turnstile only once the signup form is used, and sends a fresh token each time", async ({ page }) => {
    const challengeRequests = await routeChallenge(page);
    const posts = signupPosts(page);
    await page.goto(assent.url.href);
    // A consent decision: no challenge script, no siteverify.
    await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
    await page.waitForFunction(() => {
      const r = JSON.parse(localStorage.getItem("assent:v1:demo") ?? "null") as { receiptId?: string; pending?: unknown } | null;
      return Boolean(r?.receiptId && !r.pending);
    });
    await page.getByRole("link", { name: "Privacy choices" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Email" })).toBeVisible();
    // The preference center is open, and a cookie choice saved from it: still nothing.
    await dialog.getByRole("button", { name: "Save choices" }).click();
    await page.getByRole("link", { name: "Privacy choices" }).click();
    await expect(dialog.getByRole("heading", { name: "Email" })).toBeVisible();
    expect(challengeRequests).toHaveLength(0);
    expect(verified).toHaveLength(0);

    // The visitor starts using the signup: now the script comes, and the widget renders.
    await dialog.getByRole("checkbox", { name: "Blog updates" }).check();
    await expect(page.locator('assent-preferences > [slot="turnstile"] [data-fake-turnstile]')).toBeVisible();
    expect(challengeRequests.map((r) => r.url())).toEqual(["https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit"]);
    const log = (await fakeLog(page))!;
    expect(log.renders).toEqual([
      { sitekey: SITE_KEY, action: "assent-signup", inShadowRoot: false, callbacks: ["callback", "error-callback", "expired-callback"] },
    ]);
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile: FakeLog }).__fakeTurnstile.issued >= 1));

    const first = `ts-one-${Date.now()}@example.com`;
    await dialog.getByRole("textbox", { name: "Email address" }).fill(first);
    await dialog.getByRole("button", { name: "Sign up" }).click();
    await expect(dialog.getByText(`We sent a confirmation link to ${first}.`)).toBeVisible();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ email: first, lists: ["blog"], turnstileToken: "fake-token-1" });
    expect(verified.map((f) => f.get("response"))).toEqual(["fake-token-1"]);
    expect(verified[0]!.get("idempotency_key")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await outbox(assent.url)).some((m) => m.to_address === first)).toBe(true);

    // Tokens are single use: the widget was reset, and the next signup carries a new one.
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile: FakeLog }).__fakeTurnstile.issued >= 2));
    expect((await fakeLog(page))!.resets).toBe(1);
    const second = `ts-two-${Date.now()}@example.com`;
    await dialog.getByRole("checkbox", { name: "Marketing email" }).check();
    await dialog.getByRole("textbox", { name: "Email address" }).fill(second);
    await dialog.getByRole("button", { name: "Sign up" }).click();
    await expect(dialog.getByText(`We sent a confirmation link to ${second}.`)).toBeVisible();
    expect(posts[1]).toMatchObject({ email: second, turnstileToken: "fake-token-2" });
    expect(challengeRequests).toHaveLength(1); // the script is loaded once per page

    // Closing the dialog removes the widget.
    await page.keyboard.press("Escape");
    await expect(page.locator('assent-preferences > [slot="turnstile"]')).toHaveCount(0);
    expect((await fakeLog(page))!.removes).toBe(1);
  });

  test("a token siteverify refuses: a clear message, nothing recorded, and a fresh token for the retry", async ({ page }) => {
    await routeChallenge(page);
    const posts = signupPosts(page);
    await page.goto(assent.url.href);
    await page.locator("assent-banner").getByRole("button", { name: "Customize" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Email address" }).focus();
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile?: FakeLog }).__fakeTurnstile?.issued ?? 0) >= 1);
    verdict = "fail";
    const email = `ts-refused-${Date.now()}@example.com`;
    await dialog.getByRole("checkbox", { name: "Blog updates" }).check();
    await dialog.getByRole("textbox", { name: "Email address" }).fill(email);
    await dialog.getByRole("button", { name: "Sign up" }).click();
    await expect(dialog.getByText("The security check did not pass. Please try again.")).toBeVisible();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.turnstileToken).toBe("fake-token-1");
    expect((await outbox(assent.url)).some((m) => m.to_address === email)).toBe(false);
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile: FakeLog }).__fakeTurnstile.issued >= 2));

    verdict = "pass";
    await dialog.getByRole("button", { name: "Sign up" }).click();
    await expect(dialog.getByText(`We sent a confirmation link to ${email}.`)).toBeVisible();
    expect(posts[1]!.turnstileToken).toBe("fake-token-2");
  });

  test("Turnstile cannot load: the form says so and sends nothing", async ({ page }) => {
    const challengeRequests = await routeChallenge(page, "fail");
    const posts = signupPosts(page);
    await page.goto(assent.url.href);
    await page.locator("assent-banner").getByRole("button", { name: "Customize" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("checkbox", { name: "Blog updates" }).check();
    const unavailable = dialog.getByText("The security check is unavailable right now, so signing up is not possible.", { exact: false });
    await expect(unavailable).toBeVisible();
    await dialog.getByRole("textbox", { name: "Email address" }).fill("blocked@example.com");
    await dialog.getByRole("button", { name: "Sign up" }).click();
    // Sign up tries to load it again, fails again, and still sends nothing.
    await expect.poll(() => challengeRequests.length).toBeGreaterThanOrEqual(2);
    await expect(unavailable).toBeVisible();
    expect(posts).toHaveLength(0);
  });

  test("the demo page's own blog form renders Turnstile on use and passes the token", async ({ page }) => {
    const challengeRequests = await routeChallenge(page);
    const posts = signupPosts(page);
    await page.goto(assent.url.href);
    await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
    expect(challengeRequests).toHaveLength(0);
    const form = page.locator("#blog-signup");
    const email = `ts-form-${Date.now()}@example.com`;
    await form.getByRole("checkbox").check();
    await expect(form.locator("[data-fake-turnstile]")).toBeVisible();
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile: FakeLog }).__fakeTurnstile.issued >= 1));
    await form.getByRole("textbox", { name: "Email address" }).fill(email);
    await form.getByRole("button", { name: "Sign up" }).click();
    await expect(form.getByRole("status")).toHaveText(`Almost done: we sent a confirmation link to ${email}.`);
    expect(posts[0]).toMatchObject({ email, lists: ["blog"], turnstileToken: "fake-token-1" });
    expect(verified.map((f) => f.get("response"))).toEqual(["fake-token-1"]);
  });
});

withAssent("no Turnstile secret on the Worker: the signup fails closed, and consent still works (R6.11)", async ({ page, assent }) => {
  await assent.pushDemo(turnstileOn);
  try {
    await routeChallenge(page);
    const posts = signupPosts(page);
    await page.goto(assent.worker.url.href);
    await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
    await page.waitForFunction(() => {
      const r = JSON.parse(localStorage.getItem("assent:v1:demo") ?? "null") as { receiptId?: string; pending?: unknown } | null;
      return Boolean(r?.receiptId && !r.pending);
    });
    await page.getByRole("link", { name: "Privacy choices" }).click();
    const dialog = page.getByRole("dialog");
    const email = `ts-nosecret-${Date.now()}@example.com`;
    await dialog.getByRole("checkbox", { name: "Blog updates" }).check();
    await page.waitForFunction(() => ((window as unknown as { __fakeTurnstile?: FakeLog }).__fakeTurnstile?.issued ?? 0) >= 1);
    await dialog.getByRole("textbox", { name: "Email address" }).fill(email);
    // The Worker's answer first (on a loaded CI machine it has taken over 5 s), then what the form says of it.
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.endsWith("/subscriptions"), { timeout: 20_000 });
    await dialog.getByRole("button", { name: "Sign up" }).click();
    expect((await answer).status()).toBe(503);
    await expect(dialog.getByText("The security check is unavailable right now", { exact: false })).toBeVisible();
    expect(posts[0]!.turnstileToken).toBe("fake-token-1");
    expect((await outbox(assent.worker.url)).some((m) => m.to_address === email)).toBe(false);
  } finally {
    await assent.pushDemo();
  }
});

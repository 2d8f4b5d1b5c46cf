/**
 * The site owner's console in Chromium: signing in with a one-time link (and not twice), what
 * a signed-out browser sees, an owner adding a member and finding it in the audit log, what a
 * viewer cannot do, a compliance member answering a privacy request, sign-out, keyboard use, 320 px, and axe on every page, light and dark.
 */
import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expectNoAxeViolations, freshEmail, signIn } from "./axe-and-sign-in";
import { expect, test } from "./fixtures";
import { outbox, syncedRecord } from "./helpers";


test.describe("the console", () => {
  test("an owner signs in with a link, adds a viewer, and finds the change in the audit log", async ({ page, assent }) => {
    const owner = freshEmail("owner");
    const viewer = freshEmail("viewer");
    await assent.worker.grantConsole("demo", owner, "owner");
    const link = await assent.worker.consoleLink(owner);

    // The link's page is accessible too, and signing in is a button, not the GET.
    await page.goto(link);
    await expectNoAxeViolations(page, "sign-in page");
    await signIn(page, link);
    await expect(page.getByRole("rowheader", { name: /Assent demo shop|demo/ })).toBeVisible();
    await expectNoAxeViolations(page, "sites");

    await page.getByRole("link", { name: /^Members of / }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Members of / })).toBeFocused();
    await page.getByLabel("Email address").fill(viewer);
    await page.getByLabel("Role").selectOption("viewer");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("status")).toHaveText(`${viewer} is now a viewer.`);
    await expect(page.getByRole("rowheader", { name: viewer })).toBeVisible();
    await expectNoAxeViolations(page, "members");

    // A refused change is shown, and changes nothing: the last owner cannot step down.
    await page.getByRole("button", { name: `Make ${owner} a viewer` }).click();
    await expect(page.getByText(/A site needs an owner/).first()).toBeVisible();

    await page.getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: /^Audit log of / }).click();
    const added = page.getByRole("row").filter({ hasText: "added a member" }).filter({ hasText: viewer });
    await expect(added).toHaveCount(1);
    await expect(added).toContainText(owner);
    await expectNoAxeViolations(page, "audit log");

    await page.getByRole("link", { name: "Account" }).click();
    await expect(page.getByText("signed in with a link").first()).toBeVisible();
    await expectNoAxeViolations(page, "account");
  });

  test("a used link is refused; a signed-out browser gets the sign-in page and no data", async ({ page, assent }) => {
    const owner = freshEmail("owner");
    await assent.worker.grantConsole("demo", owner, "owner");
    const link = await assent.worker.consoleLink(owner);
    await signIn(page, link);

    // The same link in a fresh browser: refused.
    const other = await page.context().browser()!.newContext();
    const second = await other.newPage();
    await second.goto(link);
    await second.getByRole("button", { name: "Sign in" }).click();
    await expect(second.getByRole("heading", { level: 1 })).toHaveText("This sign-in link cannot be used");
    // Signed out: the console's address leads to the sign-in page; its API answers 401.
    await second.goto(new URL("/console", assent.worker.url).href);
    await expect(second).toHaveURL(/\/console\/sign-in$/);
    const api = await second.request.get(new URL("/console/api/me", assent.worker.url).href);
    expect(api.status()).toBe(401);
    expect(await api.text()).not.toContain(owner);
    await other.close();
  });

  test("a viewer sees members but gets no way to change them", async ({ page, assent }) => {
    const viewer = freshEmail("viewer");
    await assent.worker.grantConsole("demo", viewer, "viewer");
    await signIn(page, await assent.worker.consoleLink(viewer));
    await page.getByRole("link", { name: /^Members of / }).click();
    await expect(page.getByRole("rowheader", { name: viewer })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Add a member" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
    // And the API refuses what the page does not offer.
    const res = await page.evaluate(async (email) => {
      const r = await fetch(`/console/api/sites/demo/members/${encodeURIComponent(email)}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ role: "owner" }),
      });
      return { status: r.status, body: (await r.json()) as { code: string } };
    }, viewer);
    expect(res).toEqual({ status: 403, body: expect.objectContaining({ code: "owner_only" }) });
  });

  test("sign-out ends the session; the keyboard reaches everything; 320 px and dark mode hold", async ({ page, assent }) => {
    test.setTimeout(60_000);
    const owner = freshEmail("owner");
    await assent.worker.grantConsole("demo", owner, "owner");
    await page.setViewportSize({ width: 320, height: 640 });
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page, await assent.worker.consoleLink(owner));
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "sites, dark, 320 px");

    // Keyboard only: the navigation first.
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Sites" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Account" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeFocused();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "account, dark, 320 px");
    // Every page of a site holds at 320 px too: wide tables scroll inside their own region.
    for (const p of ["config", "versions", "stats", "ledger", "lists", "integrations", "members", "audit"]) {
      await page.goto(new URL(`/console#/sites/demo/${p}`, assent.worker.url).href);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      expect(await overflow(), p).toBeLessThanOrEqual(0);
    }
    await page.getByRole("link", { name: "Account" }).click();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/console\/sign-in$/);
    await page.goto(new URL("/console", assent.worker.url).href);
    await expect(page).toHaveURL(/\/console\/sign-in$/);
  });

  test("edit the banner title in the form, publish, and see it in bootstrap; a new category gets the material warning; roll back (R9.12)", async ({ page, assent }) => {
    // axe over the whole configuration form (every field of a site config) takes seconds.
    test.setTimeout(120_000);
    const owner = freshEmail("owner");
    await assent.pushDemo();
    await assent.worker.grantConsole("demo", owner, "owner");
    await signIn(page, await assent.worker.consoleLink(owner));
    const bootstrapTitle = async () =>
      ((await (await fetch(new URL("/v1/sites/demo/bootstrap?lang=en", assent.worker.url), { headers: { Origin: assent.worker.url.origin } })).json()) as { texts: { banner: { title: string } } }).texts.banner.title;
    const before = await bootstrapTitle();

    await page.getByRole("link", { name: /^Configuration of / }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Configuration of / })).toBeFocused();
    await expectNoAxeViolations(page, "configuration form");
    const title = page.getByLabel("Banner title").first();
    await title.fill("Your privacy, your call");

    // The live preview: the real widget shows the draft before anything is published.
    await page.getByRole("button", { name: "Show the preview" }).click();
    const preview = page.frameLocator('iframe[title="Preview of the draft in the widget"]');
    await expect(preview.locator("assent-banner").getByText("Your privacy, your call")).toBeVisible();
    expect(await bootstrapTitle()).toBe(before);
    // As a Californian with Global Privacy Control, in the preference center: GPC is honoured.
    await page.getByLabel("Visitor", { exact: true }).selectOption("gpc");
    await page.getByLabel("View", { exact: true }).selectOption("preferences");
    await expect(preview.getByRole("dialog")).toContainText("Global Privacy Control");

    await page.getByRole("button", { name: "Review and publish" }).click();
    const review = page.getByRole("region", { name: /^Publish as version \d+\?$/ });
    await expect(review).toContainText("Nobody will be asked again");
    await expectNoAxeViolations(page, "review");
    await review.getByRole("button", { name: /^Publish version/ }).click();
    await expect(page.getByRole("status").first()).toHaveText(/^Published version \d+\.$/);
    expect(await bootstrapTitle()).toBe("Your privacy, your call");

    // Form and JSON side by side: an edit in one shows in the other at once.
    await page.getByRole("button", { name: "Form and JSON side by side" }).click();
    await title.fill("Side by side");
    await expect(page.getByLabel(/The configuration as JSON/)).toHaveValue(/"title": "Side by side"/);
    await page.getByRole("button", { name: "Form", exact: true }).click();

    // A problem is shown at its field, and nothing is published.
    await title.fill("");
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByRole("status").first()).toContainText("1 problem");
    await expect(title).toHaveAttribute("aria-invalid", "true");
    await page.getByRole("button", { name: "Discard changes" }).click();
    // Discarding reloads the live document: wait for it, or the JSON below would be the old draft.
    await expect(page.getByRole("status").first()).toHaveText("Reloaded the live configuration.");

    // A new category, in the raw JSON view: the warning names it.
    await page.getByRole("button", { name: "JSON", exact: true }).click();
    const json = page.getByLabel(/The configuration as JSON/);
    const doc = JSON.parse(await json.inputValue()) as { categories: unknown[]; texts: Record<string, { categories: Record<string, unknown> }> };
    doc.categories.push({ id: "ads", vendors: [], storage: [] });
    for (const t of Object.values(doc.texts)) t.categories.ads = { title: "Ads", description: "Advertising." };
    await json.fill(JSON.stringify(doc, null, 2));
    await page.getByRole("button", { name: "Review and publish" }).click();
    await expect(review).toContainText("every visitor who has decided will be asked again");
    await expect(review).toContainText("Category “ads” added");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Discard changes" }).click();

    // Roll back to the version before the edit.
    await page.getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: /^Versions of / }).click();
    const rows = page.getByRole("row");
    await expect(rows.filter({ hasText: "(live)" })).toHaveCount(1);
    await page.getByRole("button", { name: "Compare" }).click();
    await expect(page.getByRole("region", { name: "Differences" })).toContainText("texts.en.banner.title");
    await expectNoAxeViolations(page, "versions");
    const previous = page.getByRole("button", { name: /^Roll back to \d+$/ }).first();
    await previous.click();
    await page.getByRole("region", { name: /^Make version \d+ live again\?$/ }).getByRole("button", { name: /^Roll back to version/ }).click();
    await expect(page.getByRole("status").first()).toContainText("is live again");
    expect(await bootstrapTitle()).toBe(before);
  });

  test("a viewer can check a draft but gets no publish or rollback", async ({ page, assent }) => {
    const viewer = freshEmail("viewer");
    await assent.worker.grantConsole("demo", viewer, "viewer");
    await signIn(page, await assent.worker.consoleLink(viewer));
    await page.getByRole("link", { name: /^Configuration of / }).click();
    await expect(page.getByRole("button", { name: "Check" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Review and publish" })).toHaveCount(0);
    await page.getByRole("button", { name: "Check" }).click();
    await expect(page.getByRole("status").first()).toContainText("valid");
    await page.getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: /^Versions of / }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Versions of / })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
  });

  test("creates a site from the template and becomes its owner", async ({ page, assent }) => {
    const owner = freshEmail("owner");
    await assent.worker.grantConsole("demo", owner, "owner");
    await signIn(page, await assent.worker.consoleLink(owner));
    const id = `shop-${Date.now().toString(36)}`;
    await page.getByLabel("Site id").fill(id);
    await page.getByLabel("Name").fill("The Shop");
    await page.getByLabel("Website address").fill("https://shop.example");
    await page.getByRole("button", { name: "Create the site" }).click();
    await expect(page.getByRole("status").first()).toContainText(`Created the site “${id}”`);
    await expect(page.getByRole("row").filter({ hasText: "The Shop" })).toContainText("owner");
    // The same id again: refused at the field.
    await page.getByLabel("Site id").fill(id);
    await page.getByLabel("Name").fill("Again");
    await page.getByLabel("Website address").fill("https://again.example");
    await page.getByRole("button", { name: "Create the site" }).click();
    await expect(page.getByLabel("Site id")).toHaveAttribute("aria-invalid", "true");
  });

  test("a decision made through the widget is in the ledger search, its chain verifies, and the CSV export has its receipt id (R1.14)", async ({ page, browser, assent }) => {
    // A visitor accepts on the demo site.
    const visitor = await browser.newContext();
    const site = await visitor.newPage();
    await site.goto(assent.worker.url.href);
    await site.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
    const record = await syncedRecord(site);
    await visitor.close();
    // The per-minute cron links the decision into the site's chain.
    await assent.worker.runCron();

    const owner = freshEmail("owner");
    await assent.worker.grantConsole("demo", owner, "owner");
    await signIn(page, await assent.worker.consoleLink(owner));
    await page.getByRole("link", { name: /^Proof ledger of / }).click();
    // The chain, verified on demand: it holds, and says what it checked.
    const chain = page.getByRole("region", { name: "Proof chain" });
    await expect(chain).toContainText("Not verified yet.");
    await chain.getByRole("button", { name: "Verify now" }).click();
    await expect(chain).toContainText(/The chain holds\. Verified .+ \(started by owner-.+\): [1-9]\d* entries checked, 0 removed by erasure or retention, 0 not linked yet; 0 sealed segments of the archive checked\./);
    await page.getByLabel("Receipt id").fill(record.receiptId!);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page.getByRole("status").first()).toHaveText("1 decision found.");
    await page.getByRole("button", { name: `Open receipt ${record.receiptId}` }).click();
    const receipt = page.getByRole("region", { name: /^Receipt / });
    await expect(receipt).toContainText(record.visitorId!);
    await expect(receipt).toContainText("accept_all");
    await expectNoAxeViolations(page, "ledger");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the export" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^assent-demo-ledger-.+\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.split("\r\n")[0]).toMatch(/^receiptId,recordedAt,visitorId,/);
    expect(csv).toContain(`${record.receiptId},`);
  });

  test("API keys and webhooks: a key's secret shown once and revoked; a test event delivered to an endpoint", async ({ page, assent }) => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const owner = freshEmail("owner");
      await assent.worker.grantConsole("demo", owner, "owner");
      await signIn(page, await assent.worker.consoleLink(owner));
      await page.getByRole("link", { name: /^API keys and webhooks of / }).click();

      await page.getByLabel("Label of a new key").fill("Newsletter tool");
      await page.getByRole("button", { name: "Create a key" }).click();
      const secret = (await page.locator("code.secret").textContent())!;
      expect(secret).toMatch(/^ask_[A-Za-z0-9_-]{43}$/);
      const subscribers = () => fetch(new URL("/v1/sites/demo/admin/lists/blog/subscribers", assent.worker.url), { headers: { Authorization: `Bearer ${secret}` } });
      expect((await subscribers()).status).toBe(200);
      await page.getByRole("button", { name: "I have stored it" }).click();
      await expect(page.locator("code.secret")).toHaveCount(0);
      await expectNoAxeViolations(page, "API keys and webhooks");
      const keyRow = page.getByRole("row").filter({ hasText: "Newsletter tool" });
      await keyRow.getByRole("button", { name: /^Revoke/ }).click();
      await expect(keyRow).toContainText("revoked");
      expect((await subscribers()).status).toBe(401);

      const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await page.getByLabel("Endpoint URL (https)").fill(hook);
      await page.getByRole("button", { name: "Add the endpoint" }).click();
      await page.getByRole("button", { name: "Send a test event" }).click();
      await expect.poll(() => received.some((b) => b.includes('"webhook.test"')), { timeout: 10_000 }).toBe(true);
      await expect(async () => {
        await page.getByRole("button", { name: "Delivery log" }).click();
        await expect(page.getByRole("region", { name: `Deliveries to ${hook}` })).toContainText("delivered", { timeout: 1_000 });
      }).toPass({ timeout: 10_000 });
      await page.getByRole("button", { name: `Delete ${hook}` }).click();
      await expect(page.getByText("No webhook endpoints yet.")).toBeVisible();
    } finally {
      server.close();
    }
  });

  test("email lists: counts per list, looking up an address, the export link for owners", async ({ page, assent }) => {
    const owner = freshEmail("owner");
    await assent.worker.grantConsole("demo", owner, "owner");
    await signIn(page, await assent.worker.consoleLink(owner));
    await page.getByRole("link", { name: /^Email lists of / }).click();
    const table = page.getByRole("region", { name: "Email lists" });
    await expect(table.getByRole("rowheader")).toHaveCount(2);
    await expect(table.getByRole("link", { name: /^Download the confirmed subscribers of / })).toHaveCount(2);
    await page.getByLabel("Email address").fill("nobody-here@example.com");
    await page.getByRole("button", { name: "Look up" }).click();
    await expect(page.getByRole("status").first()).toHaveText("Nothing is on record about nobody-here@example.com.");
    await expectNoAxeViolations(page, "email lists");
  });

  test("privacy requests: a compliance member starts and completes one, extends and denies another; a viewer has no such page (R9.5)", async ({ page, assent }) => {
    const officer = freshEmail("compliance");
    const viewer = freshEmail("viewer");
    await assent.worker.grantConsole("demo", officer, "compliance");
    await assent.worker.grantConsole("demo", viewer, "viewer");
    // A visitor's opt-out with an address, as the rights page's form files it.
    const filed = await fetch(new URL("/r/demo/opt_out", assent.worker.url), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: freshEmail("requester"), locale: "en" }),
    });
    expect(filed.status).toBe(200);

    await signIn(page, await assent.worker.consoleLink(officer));
    await page.getByRole("link", { name: /^Privacy requests of / }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Privacy requests of / })).toBeFocused();
    const table = page.getByRole("region", { name: "Privacy requests" });
    await expect(table.getByRole("button", { name: /^Open Opt-out of sale\/sharing rr_/ }).first()).toBeVisible();
    await expectNoAxeViolations(page, "privacy requests");
    await table.getByRole("button", { name: /^Open Opt-out of sale\/sharing rr_/ }).first().click();
    await expect(page.getByRole("heading", { level: 2, name: /^Opt-out of sale\/sharing rr_/ })).toBeFocused();
    await expect(page.getByText("privacy contact emailed")).toBeVisible();
    await page.getByRole("button", { name: "Mark in progress" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/is in progress\.$/);
    await page.getByLabel("Note to the requester (optional)").fill("Removed from the partner feed.");
    await page.getByRole("button", { name: "Complete" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/is completed\.$/);
    await expect(page.getByText("This request is closed.")).toBeVisible();
    await expectNoAxeViolations(page, "a closed privacy request");

    // An access request, verified from the mailbox: extended with the reason the requester is
    // sent, then denied with a stated basis.
    const requester = freshEmail("access");
    await fetch(new URL("/r/demo/access", assent.worker.url), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: requester, locale: "en" }),
    });
    const verify = (await outbox(assent.worker.url)).find((m) => m.to_address === requester)!;
    expect((await fetch(/https?:\/\/\S+\/r\/demo\/verify\/\S+/.exec(verify.text_body)![0], { method: "POST" })).status).toBe(200);
    await page.getByRole("button", { name: "Filter" }).click();
    await table.getByRole("button", { name: /^Open Access \(right to know\) rr_/ }).first().click();
    await expect(page.getByRole("heading", { level: 2, name: /^Access \(right to know\) rr_/ })).toBeFocused();
    await page.getByLabel("Why more time is needed (sent to the requester)").fill("Your records are spread over three systems");
    await page.getByRole("button", { name: "Extend" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/, due \d{4}-\d{2}-\d{2}\.$/);
    const notice = (await outbox(assent.worker.url)).find((m) => m.to_address === requester && m.subject.includes("needs more time"));
    expect(notice?.text_body).toContain("Your records are spread over three systems");
    await expect(page.getByRole("button", { name: "Extend" })).toHaveCount(0);
    await page.getByLabel("Basis for the denial (sent to the requester)").fill("We hold nothing else under this address");
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page.getByRole("status").first()).toHaveText(/is denied\.$/);
    expect((await outbox(assent.worker.url)).find((m) => m.to_address === requester && m.text_body.includes("We hold nothing else under this address"))).toBeDefined();
    await expectNoAxeViolations(page, "a denied privacy request");

    await page.context().clearCookies();
    await signIn(page, await assent.worker.consoleLink(viewer));
    await expect(page.getByRole("link", { name: /^Email lists of / }).first()).toBeVisible();
    await expect(page.getByRole("link", { name: /^Privacy requests of / })).toHaveCount(0);
  });

  test("decisions made through the widget appear in what visitors chose: cards, charts and CSV; fewer than 10 is not shown", async ({ page, browser, assent }) => {
    test.setTimeout(90_000);
    const siteId = `stats-${Date.now().toString(36)}`;
    // A page of the site's own, with the one tag (no request interception: Playwright turns the
    // HTTP cache off when it intercepts, and a no-cache bootstrap is a returning visitor's check).
    const pageServer = createServer((_req, res) =>
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(
        `<!doctype html><html lang="en"><head><title>Stats test</title></head><body><main><h1>Stats test</h1></main><script src="${assent.worker.url.origin}/assent.js" data-site="${siteId}"></script></body></html>`,
      ),
    );
    await new Promise<void>((r) => pageServer.listen(0, "127.0.0.1", r));
    const pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    const config = JSON.parse(readFileSync("examples/sites/demo.json", "utf8")) as { id: string; allowedOrigins: string[] };
    await assent.worker.pushSite({ ...config, id: siteId, allowedOrigins: [pageOrigin] } as never);
    const owner = freshEmail("owner");
    await assent.worker.grantConsole(siteId, owner, "owner");
    const visit = async (button: string) => {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.goto(pageOrigin);
      await p.locator("assent-banner").getByRole("button", { name: button }).click();
      await p.waitForFunction((key) => Boolean(JSON.parse(localStorage.getItem(key) ?? "{}").receiptId), `assent:v1:${siteId}`);
      await context.close();
    };
    for (let i = 0; i < 3; i++) await visit("Reject all");
    await signIn(page, await assent.worker.consoleLink(owner));
    await page.goto(new URL(`/console#/sites/${siteId}/stats`, assent.worker.url).href);
    const cards = page.getByRole("list", { name: "Totals" });
    await expect(cards.getByRole("listitem").filter({ hasText: "Decisions" })).toContainText("fewer than 10");
    for (let i = 0; i < 10; i++) await visit("Accept all");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await expect(cards.getByRole("listitem").filter({ hasText: /^Decisions/ })).toContainText("13");
    await expect(cards.getByRole("listitem").filter({ hasText: "Banners shown" })).toContainText("13");
    await expect(page.locator("console-chart").first().locator("canvas")).toHaveCount(1);
    await expectNoAxeViolations(page, "what visitors chose");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "By regime as CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8").split("\r\n");
    // 13 shown, 13 decided (none left unanswered), 10 accept all, 3 reject all (fewer than 10).
    expect(csv[1]).toBe("opt-in,13,13,0,10,<10,0,0,10,0,0");
    pageServer.close();
  });
});

/**
 * Privacy rights requests in a real browser (R9.1, R9.4, R9.7, R9.8): the preference center links
 * to the rights page and its California section; the page's forms work with a keyboard and a
 * screen reader's view of them (axe, zero violations, in every state: the index, a form, its
 * errors, the result, the verification page); an access request goes from the form to the
 * mailbox to the download; a deletion request takes an address off its lists.
 */
import { expectNoAxeViolations } from "./axe-and-sign-in";
import { expect, test } from "./fixtures";
import { outbox } from "./helpers";

test.describe.configure({ timeout: 60_000 });

test("the preference center links to the rights page and its California section (R9.7)", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Customize" }).click();
  const dialog = page.getByRole("dialog", { name: "Privacy preferences" });
  const rights = dialog.getByRole("link", { name: "Your privacy rights" });
  await expect(rights).toHaveAttribute("href", `${assent.worker.url.origin}/r/demo?lang=en`);
  await expect(dialog.getByRole("link", { name: "Your California Privacy Rights" })).toHaveAttribute("href", `${assent.worker.url.origin}/r/demo?lang=en#california`);
  await rights.click();
  await expect(page.getByRole("heading", { level: 1, name: "Your privacy rights" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Your California Privacy Rights" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the demo's privacy policy sends each \"contact us\" to the rights page (R9.11)", async ({ page, assent }) => {
  await page.goto(new URL("/privacy", assent.worker.url).href);
  await expect(page.getByRole("link", { name: "make a Shine the Light request" })).toHaveAttribute("href", "/r/demo/shine_the_light");
  await expect(page.getByRole("link", { name: "ask us to remove content you posted publicly" })).toHaveAttribute("href", "/r/demo/minor_content_removal");
  await page.getByRole("link", { name: "our privacy rights page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your privacy rights" })).toBeVisible();
});

test("an access request, by keyboard: errors on the form, the mailbox, the verification page, the download (R9.1, R8.15)", async ({ page, assent }) => {
  const email = `rights-${Date.now()}@example.com`;
  await page.goto(new URL("/r/demo", assent.worker.url).href);
  await page.getByRole("link", { name: "Get a copy of your data" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Get a copy of your data" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A bad address comes back with a summary and the field marked, the typed text kept.
  const field = page.getByRole("textbox", { name: "Your email address" });
  await field.fill("not an address");
  await field.press("Enter");
  await expect(page.getByRole("alert")).toContainText("Please correct the fields marked below.");
  await expect(page.getByRole("textbox", { name: "Your email address" })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("textbox", { name: "Your email address" })).toHaveValue("not an address");
  await expectNoAxeViolations(page);

  await page.getByRole("textbox", { name: "Your email address" }).fill(email);
  await page.getByRole("button", { name: "Send request" }).press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Check your inbox" })).toBeVisible();
  await expectNoAxeViolations(page);

  const message = (await outbox(assent.worker.url)).find((m) => m.to_address === email);
  expect(message?.subject).toBe("Confirm your privacy request to Penguin Softphone");
  const link = /https?:\/\/\S+\/r\/demo\/verify\/\S+/.exec(message!.text_body)![0];
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Confirm your request" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Yes, this is my request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Request confirmed" })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data (JSON)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("demo-my-data.json");
});

test("a deletion request removes the subscriptions: the address's email page shows it on no list (R9.2)", async ({ page, assent }) => {
  const email = `erase-${Date.now()}@example.com`;
  // Subscribed to the blog, confirmed from the mailbox.
  const signup = await fetch(new URL("/v1/sites/demo/subscriptions", assent.worker.url), {
    method: "POST",
    headers: { Origin: assent.worker.url.origin, "Content-Type": "application/json" },
    body: JSON.stringify({ email, lists: ["blog"], textVersion: "2026-11-01", locale: "en" }),
  });
  expect(signup.status).toBe(202);
  const confirmation = (await outbox(assent.worker.url)).find((m) => m.to_address === email)!;
  const confirm = /https?:\/\/\S+\/e\/demo\/confirm\/\S+/.exec(confirmation.text_body)![0];
  expect((await fetch(confirm, { method: "POST" })).status).toBe(200);
  const unsubscribePage = /https?:\/\/\S+\/u\/\S+/.exec(confirmation.text_body)![0];
  await page.goto(unsubscribePage);
  await expect(page.getByText("Blog updates — subscribed")).toBeVisible();

  await page.goto(new URL("/r/demo?lang=en", assent.worker.url).href);
  await page.getByRole("link", { name: "Delete your data" }).click();
  await page.getByRole("textbox", { name: "Your email address" }).fill(email);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your inbox" })).toBeVisible();
  const message = (await outbox(assent.worker.url)).find((m) => m.to_address === email && m.subject.startsWith("Confirm your privacy request"))!;
  await page.goto(/https?:\/\/\S+\/r\/demo\/verify\/\S+/.exec(message.text_body)![0]);
  await page.getByRole("button", { name: "Yes, this is my request" }).click();
  await expect(page.getByText("Your subscriptions and the records linked to your address are deleted.")).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto(unsubscribePage);
  await expect(page.getByText("Blog updates — not subscribed")).toBeVisible();
});

test("the minors' form shows the notice and asks for residence, not age; an opt-out needs nothing (R9.4, R9.8)", async ({ page, assent }) => {
  await page.goto(new URL("/r/demo/minor_content_removal", assent.worker.url).href);
  await expect(page.getByText("removal may not ensure complete or comprehensive removal")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "I live in California." })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto(new URL("/r/demo/opt_out", assent.worker.url).href);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your opt-out is recorded" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the rights page in Arabic is right to left", async ({ page, assent }) => {
  await page.goto(new URL("/r/demo?lang=ar", assent.worker.url).href);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expectNoAxeViolations(page);
});

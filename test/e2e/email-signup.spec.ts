/**
 * The double opt-in from the preference center (R5.1, R5.2, R0.2): sign up → the confirmation
 * message is in the local outbox → its link opens a page whose button confirms → the preference
 * center shows "Subscribed". Banner choices never touch the lists.
 */
import { expect, test } from "./fixtures";
import { outbox, syncedRecord } from "./helpers";

test("sign up for the blog, confirm from the outbox, see it subscribed (R0.2, R5.1, R5.2)", async ({ page, assent }) => {
  const email = `reader-${Date.now()}@example.com`;
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Accept all" }).click();
  await syncedRecord(page);
  await page.getByRole("link", { name: "Privacy choices" }).click();
  const dialog = page.getByRole("dialog");
  const blog = dialog.getByRole("checkbox", { name: "Blog updates" });
  await expect(blog).not.toBeChecked(); // never pre-ticked
  await expect(dialog.getByRole("checkbox", { name: "Marketing email" })).not.toBeChecked();
  await blog.check();
  await dialog.getByRole("textbox", { name: "Email address" }).fill(email);
  const sent = page.waitForRequest((r) => r.url().endsWith("/subscriptions") && r.method() === "POST");
  await dialog.getByRole("button", { name: "Sign up" }).click();
  // The page it was made on goes with the signup, as its proof (R5.2).
  expect((await sent).postDataJSON()).toMatchObject({ email, lists: ["blog"], sourceUrl: assent.worker.url.href });
  await expect(dialog.getByText(`We sent a confirmation link to ${email}.`)).toBeVisible();
  await expect(dialog.getByText("Check your inbox to confirm")).toBeVisible();

  const message = (await outbox(assent.worker.url)).find((m) => m.to_address === email);
  expect(message).toBeDefined();
  const link = /https?:\/\/\S+\/e\/demo\/confirm\/\S+/.exec(message!.text_body)![0];

  // The link opens a page; only its button confirms (mail scanners follow links).
  const confirmPage = await page.context().newPage();
  await confirmPage.goto(link);
  await expect(confirmPage.getByRole("heading", { name: "Confirm your subscription" })).toBeVisible();
  await confirmPage.getByRole("button", { name: "Yes, confirm my subscription" }).click();
  await expect(confirmPage.getByRole("heading", { name: "Subscription confirmed" })).toBeVisible();
  await confirmPage.close();

  await page.reload();
  await page.getByRole("link", { name: "Privacy choices" }).click();
  await expect(page.getByRole("dialog").locator('[part="list-status"]').nth(1)).toHaveText("Subscribed");
  await expect(page.getByRole("dialog").locator('[part="list-status"]').nth(0)).toHaveText("Not subscribed");
});

test("the email section refuses an empty choice or a bad address without sending anything", async ({ page, assent }) => {
  await page.goto(assent.worker.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Customize" }).click();
  const dialog = page.getByRole("dialog");
  const before = (await outbox(assent.worker.url)).length;
  await dialog.getByRole("textbox", { name: "Email address" }).fill("someone@example.com");
  await dialog.getByRole("button", { name: "Sign up" }).click();
  await expect(dialog.getByText("Choose at least one list.")).toBeVisible();
  await dialog.getByRole("checkbox", { name: "Marketing email" }).check();
  await dialog.getByRole("textbox", { name: "Email address" }).fill("not an address");
  await dialog.getByRole("button", { name: "Sign up" }).click();
  await expect(dialog.getByText("Enter a valid email address.")).toBeVisible();
  expect((await outbox(assent.worker.url)).length).toBe(before);
});

test("the demo site's own blog form signs up through the API, from the second origin too", async ({ page, assent }) => {
  const email = `form-${Date.now()}@example.com`;
  await page.goto(assent.second.url.href);
  await page.locator("assent-banner").getByRole("button", { name: "Reject all" }).click();
  const form = page.locator("#blog-signup");
  await form.getByRole("textbox", { name: "Email address" }).fill(email);
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(form.getByRole("status")).toHaveText("Tick the box to sign up.");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Sign up" }).click();
  await expect(form.getByRole("status")).toHaveText(`Almost done: we sent a confirmation link to ${email}.`);
  const message = (await outbox(assent.worker.url)).find((m) => m.to_address === email);
  expect(message?.subject).toContain("Please confirm");
});

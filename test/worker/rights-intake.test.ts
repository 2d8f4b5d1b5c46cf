/**
 * Filing privacy rights requests (R9.1–R9.9, R2): the rights page `/r/{siteId}` and its forms,
 * and `POST /v1/sites/{siteId}/rights/requests`. What each type asks for and does at once, what
 * is mailed, what the owner hears, and what a careless or hostile request gets: a clear error
 * and nothing written.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import type { Env } from "../../worker/env";
import { MAX_MESSAGES_PER_ADDRESS_PER_DAY } from "../../worker/rights/store";
import { newAddress, outboxRows, workerEnv } from "./email-helpers";
import { SiteConfig } from "../../worker/contract";
import { ORIGIN, auth, call, demoInput, expectProblem, flippedByte, freshSite, getMe, ledgerRows, newVisitor, randomIp } from "./helpers";
import { fileRights, historyKinds, mailTo, postForm, postRights, rightsEvents, rightsRow, rightsRows, rightsSite } from "./rights-helpers";
import { receiver, settled, storedEvents, useFakeReceiver } from "./webhook-helpers";

useFakeReceiver();

const OWNER = "privacy@penguin.example";

describe("the rights page", () => {
  it("lists the site's request types, with a California section, as a script-free page under a strict CSP (R9.7)", async () => {
    const site = await freshSite();
    const res = await call(`/r/${site.id}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    const html = await res.text();
    expect(html).not.toContain("<script");
    expect(html).toContain("<h1>Your privacy rights</h1>");
    expect(html).toContain('<h2 id="california">Your California Privacy Rights</h2>');
    for (const type of ["access", "deletion", "correction", "opt_out", "child_data_deletion", "shine_the_light", "minor_content_removal"])
      expect(html).toContain(`/r/${site.id}/${type}?lang=en`);
  });

  it("speaks the visitor's language when the site has it, and says nothing about California where it is off (R9.7)", async () => {
    const site = await freshSite((c) => {
      c.rights = { california: false };
    });
    const html = await (await call(`/r/${site.id}`, { headers: { "Accept-Language": "de-DE,de;q=0.9" } })).text();
    expect(html).toContain('<html lang="de"');
    expect(html).not.toContain("California");
    expect(html).not.toContain(`/r/${site.id}/shine_the_light`);
    expect((await call(`/r/${site.id}/shine_the_light`)).status).toBe(404);
  });

  it("a site directed to children offers only the opt-out and a parent's deletion (R9.9)", async () => {
    const site = await freshSite((c) => {
      c.childDirected = true;
      c.communications = [];
      for (const t of Object.values(c.texts)) t.communications = {};
    });
    const html = await (await call(`/r/${site.id}`)).text();
    expect(html).toContain(`/r/${site.id}/opt_out`);
    expect(html).toContain(`/r/${site.id}/child_data_deletion`);
    expect(html).not.toContain(`/r/${site.id}/access`);
    expect((await call(`/r/${site.id}/access`)).status).toBe(404);
    // The parent's form asks for the parent's own address: the site collected none of the child's.
    const form = await (await call(`/r/${site.id}/child_data_deletion`)).text();
    expect(form).toContain(">Your email address</label>");
    expect(form).not.toContain("your child used");
    await expectProblem(await postRights(site.id, { type: "access", email: newAddress() }), 422, "request_type_unavailable");
    expect(await rightsRows(site.id)).toEqual([]);
  });

  it("an unknown site or type is a plain 404 page", async () => {
    expect((await call(`/r/no-such-site`)).status).toBe(404);
    const site = await freshSite();
    expect((await call(`/r/${site.id}/age_check`)).status).toBe(404);
    expect((await postForm(site.id, "age_check", { email: newAddress() })).status).toBe(404);
  });

  it("the minors' form shows the removal notice and asks for no age (R9.8)", async () => {
    const site = await freshSite();
    const html = await (await call(`/r/${site.id}/minor_content_removal`)).text();
    expect(html).toContain("removal may not ensure complete or comprehensive removal");
    expect(html).toContain('name="contentLocation"');
    expect(html).toContain('name="californiaResident"');
    expect(html.toLowerCase()).not.toMatch(/name="[^"]*(age|birth)[^"]*"/);
  });
});

describe("the rights configuration", () => {
  it("a site with California rights must say how it meets Shine the Light; disclosure needs each direct-marketing vendor's address (R9.7)", () => {
    const missingMode = SiteConfig.safeParse({ ...demoInput(), rights: { california: true } });
    expect(missingMode.success).toBe(false);
    expect(missingMode.error!.issues.map((i) => i.path.join("."))).toContain("rights.shineTheLightMode");
    const input = demoInput();
    input.categories[1]!.vendors[0]!.directMarketing = true;
    const missingAddress = SiteConfig.safeParse({ ...input, rights: { california: true, shineTheLightMode: "disclosure" } });
    expect(missingAddress.success).toBe(false);
    expect(missingAddress.error!.issues.some((i) => i.path.join(".").endsWith("postalAddress"))).toBe(true);
    expect(SiteConfig.safeParse({ ...input, rights: { california: true, shineTheLightMode: "optout-exemption" } }).success).toBe(true);
    expect(SiteConfig.safeParse({ ...demoInput(), rights: { timeZone: "Mars/Olympus" } }).success).toBe(false);
  });
});

describe("the form", () => {
  it("an opt-out needs nothing: no address, no verification, complete at once, nothing mailed (R2.5, R2.6, R9.4, R9.5)", async () => {
    const { site } = await rightsSite();
    const res = await postForm(site.id, "opt_out", { locale: "en" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Your opt-out is recorded");
    const [row] = await rightsRows(site.id);
    expect(row).toMatchObject({ type: "opt_out", status: "completed", verification: "none", channel: "web_form", email: null, email_hash: null, outcome: "opted_out" });
    expect(row!.responded_at).toBe(row!.received_at);
    expect(await outboxRows(site.id)).toEqual([]);
    expect((await rightsEvents(site.id)).map((e) => e.type)).toEqual(["rights.request.received", "rights.request.completed"]);
  });

  it("a form over the body cap gets a page in the requester's language saying to shorten it, and nothing is written (R6.3)", async () => {
    const { site } = await rightsSite();
    const res = await postForm(site.id, "access", { email: "reader@example.com", details: "x".repeat(9000), locale: "de" }, { "Accept-Language": "de-DE" });
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain("Ihre Anfrage ist zu lang");
    expect(await rightsRows(site.id)).toEqual([]);
    expect(await outboxRows(site.id)).toEqual([]);
  });

  it("a missing or malformed address comes back on the same form, field by field, and nothing is written", async () => {
    const site = await freshSite();
    const res = await postForm(site.id, "access", { email: "not an address" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain("Enter an email address such as name@example.com.");
    expect(html).toContain('value="not an address"');
    const minor = await (await postForm(site.id, "minor_content_removal", { email: newAddress() })).text();
    expect(minor).toContain("This field is required.");
    expect(minor).toContain("Tick this box to confirm.");
    expect(await rightsRows(site.id)).toEqual([]);
    expect(await outboxRows(site.id)).toEqual([]);
  });

  it("an access request sends a verification link that names the due date, and does nothing else yet (R9.1, R9.4)", async () => {
    const { site } = await rightsSite();
    const email = newAddress();
    const res = await postForm(site.id, "access", { email, locale: "en" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Check your inbox");
    const [row] = await rightsRows(site.id);
    expect(row).toMatchObject({ type: "access", status: "awaiting_verification", verification: "email", email: email.toLowerCase(), mailed: 1 });
    const [message] = await mailTo(site.id, email);
    expect(message!.subject).toBe(`Confirm your privacy request to ${site.config.name}`);
    expect(message!.text_body).toContain(`/r/${site.id}/verify/`);
    expect(message!.text_body).toContain("You will have an answer by");
    // Until verified, the owner's webhook does not carry the address.
    const events = await rightsEvents(site.id);
    expect(events.map((e) => e.type)).toEqual(["rights.request.received"]);
    expect(events[0]!.data).toMatchObject({ requestId: row!.id, type: "access", status: "awaiting_verification", email: null });
    expect(await mailTo(site.id, OWNER)).toEqual([]);
  });
});

describe("POST /v1/sites/{siteId}/rights/requests", () => {
  it("an opt-out with an address is open for the owner, who is told, and needs no verification (R2.5, R9.4)", async () => {
    const { site } = await rightsSite();
    const email = newAddress();
    const receipt = await fileRights(site.id, { type: "opt_out", email });
    expect(receipt).toMatchObject({ status: "open", next: "owner" });
    const row = await rightsRow(receipt.id);
    expect(row).toMatchObject({ channel: "api", verification: "none", email: email.toLowerCase(), acknowledge_by: null });
    // CCPA: 15 business days, no extension.
    expect(row.extendable_to).toBeNull();
    expect(await mailTo(site.id, email)).toEqual([]);
    const [notice] = await mailTo(site.id, OWNER);
    expect(notice!.subject).toBe(`[${site.config.name}] New privacy request`);
    expect(notice!.text_body).toContain(receipt.id);
    expect(notice!.text_body).toContain(`/console/#/sites/${site.id}/rights`);
    // Signed as what it is: a notice to the privacy contact, not a message to a requester.
    expect(notice!.text_body).toContain("Sent by Assent to the privacy contact");
    expect(notice!.text_body).not.toContain("privacy request made with this address");
    expect(await historyKinds(receipt.id)).toEqual(["received", "owner_notified"]);
    const [event] = await rightsEvents(site.id);
    expect(event!.data.email).toBe(email.toLowerCase());
  });

  it("an opt-out with the browser's visitor token records a decision in the proof ledger too, like any opt-out (R1.14, R9.4)", async () => {
    const { site } = await rightsSite();
    const visitor = await newVisitor(site, { action: "accept_all", choices: {} });
    expect(visitor.receipt.categories).toEqual({ necessary: true, usage: true });
    const res = await postRights(site.id, { type: "opt_out" }, auth(visitor.token!));
    expect(res.status).toBe(201);
    const receipt = (await res.json()) as { id: string; status: string; decisionReceiptId: string };
    expect(receipt.status).toBe("completed");
    const rows = (await ledgerRows(site.id)).filter((r) => r.visitor_id === visitor.receipt.visitorId);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ receipt_id: receipt.decisionReceiptId, action: "custom", surface: "api", widget_version: "rights-request", categories: '{"necessary":true,"usage":false}' });
    const me = (await (await getMe(site.id, visitor.token!)).json()) as { categories: Record<string, boolean> };
    expect(me.categories).toEqual({ necessary: true, usage: false });
    expect(await historyKinds(receipt.id)).toEqual(["received", "completed", "decision_recorded"]);
    expect((await storedEvents(site.id)).map((e) => e.type)).toEqual(expect.arrayContaining(["consent.updated", "rights.request.received", "rights.request.completed"]));
    // A forged token is refused before anything is written.
    const before = (await rightsRows(site.id)).length;
    const parts = visitor.token!.split(".");
    const forged = [...parts.slice(0, -1), flippedByte(parts.at(-1)!)].join(".");
    await expectProblem(await postRights(site.id, { type: "opt_out" }, auth(forged)), 401, "token_invalid");
    expect(await rightsRows(site.id)).toHaveLength(before);
    await settled(site.id);
  });

  it("an access request is 202 with check_email and a due date by both laws (the earlier wins) (R9.6)", async () => {
    const site = await freshSite();
    const receipt = await fileRights(site.id, { type: "access", email: newAddress() });
    expect(receipt).toMatchObject({ status: "awaiting_verification", next: "check_email" });
    const row = await rightsRow(receipt.id);
    const received = new Date(row.received_at);
    // GDPR's month is never later than CCPA's 45 days: due within a month (+ a weekend's roll).
    const due = Date.parse(`${receipt.dueBy}T00:00:00Z`);
    expect(due).toBeGreaterThan(received.getTime());
    expect(due - received.getTime()).toBeLessThan(35 * 86_400_000);
    expect(row.acknowledge_by).not.toBeNull();
    expect(row.extendable_to).not.toBeNull();
  });

  it("Shine the Light: the answer is mailed at once, due in 30 days; a second request the same year is answered that it was (R9.7)", async () => {
    const site = await freshSite((c) => {
      const v = c.categories[1]!.vendors[0]!;
      v.directMarketing = true;
      v.postalAddress = "1 Market St, San Francisco, CA 94105, USA";
      v.personalInformation = ["name", "email address"];
    });
    const email = newAddress();
    const first = await fileRights(site.id, { type: "shine_the_light", email });
    expect(first).toMatchObject({ status: "completed", next: "answer_emailed" });
    const row = await rightsRow(first.id);
    // Due 30 days after the day it was received, in the site's time zone (R9.7).
    const receivedOn = new Intl.DateTimeFormat("en-CA", { timeZone: site.config.rights.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(row.received_at));
    expect(Date.parse(`${row.due_by}T00:00:00Z`) - Date.parse(`${receivedOn}T00:00:00Z`)).toBe(30 * 86_400_000);
    expect(row).toMatchObject({ acknowledge_by: null, extendable_to: null });
    expect(row).toMatchObject({ outcome: "answered", verification: "none", email: null });
    const [answer] = await mailTo(site.id, email);
    expect(answer!.text_body).toContain("1 Market St, San Francisco, CA 94105, USA");
    expect(answer!.text_body).toContain("name, email address");

    const second = await fileRights(site.id, { type: "shine_the_light", email: email.toUpperCase() });
    expect(second.status).toBe("denied");
    expect(await rightsRow(second.id)).toMatchObject({ outcome: "denied", denial_basis: expect.stringContaining("calendar year") });
    expect((await mailTo(site.id, email)).at(-1)!.text_body).toContain("already received this year's answer");
  });

  it("with the opt-out exemption, the Shine the Light answer says so (R9.7)", async () => {
    const site = await freshSite((c) => {
      c.rights = { california: true, shineTheLightMode: "optout-exemption" };
    });
    const email = newAddress();
    await fileRights(site.id, { type: "shine_the_light", email });
    expect((await mailTo(site.id, email))[0]!.text_body).toContain("1798.83(c)(2)");
  });

  it(`at most ${MAX_MESSAGES_PER_ADDRESS_PER_DAY} messages to one address a day: the next request is recorded with the same answer and no message`, async () => {
    const site = await freshSite();
    const email = newAddress();
    for (let i = 0; i <= MAX_MESSAGES_PER_ADDRESS_PER_DAY; i++) expect((await fileRights(site.id, { type: "deletion", email })).next).toBe("check_email");
    expect(await mailTo(site.id, email)).toHaveLength(MAX_MESSAGES_PER_ADDRESS_PER_DAY);
    const rows = await rightsRows(site.id);
    expect(rows).toHaveLength(MAX_MESSAGES_PER_ADDRESS_PER_DAY + 1);
    expect(rows.at(-1)!.mailed).toBe(0);
  });

  it("beyond the site's daily cap: 429 email_quota_exceeded and nothing recorded; an opt-out is never capped", async () => {
    const site = await freshSite((c) => {
      c.email!.dailyConfirmationLimit = 1;
    });
    await fileRights(site.id, { type: "access", email: newAddress() });
    await expectProblem(await postRights(site.id, { type: "access", email: newAddress() }), 429, "email_quota_exceeded");
    expect(await rightsRows(site.id)).toHaveLength(1);
    expect((await fileRights(site.id, { type: "opt_out" })).status).toBe("completed");
  });

  it("refuses what a hostile or careless client sends, with a problem and nothing written (R6.3, R7.9)", async () => {
    const site = await freshSite();
    const cases: [unknown, number, string][] = [
      [{ type: "access" }, 422, "invalid_body"],
      [{ type: "access", email: "x" }, 422, "invalid_body"],
      [{ type: "access", email: newAddress(), age: 15 }, 422, "invalid_body"],
      [{ type: "minor_content_removal", email: newAddress(), contentLocation: "https://x.example/post/1", californiaResident: false }, 422, "invalid_body"],
      [{ type: "child_data_deletion", email: newAddress() }, 422, "invalid_body"],
      [{ type: "erase_everyone" }, 422, "invalid_body"],
      [{ type: "correction", email: newAddress(), correction: "x".repeat(2001) }, 422, "invalid_body"],
      [[], 422, "invalid_body"],
    ];
    for (const [body, status, code] of cases) await expectProblem(await postRights(site.id, body), status, code);
    await expectProblem(await postRights(site.id, "{not json"), 400, "malformed_json");
    await expectProblem(await postRights(site.id, JSON.stringify({ type: "opt_out", pad: "x".repeat(9000) })), 413, "body_too_large");
    const foreign = await call(`/v1/sites/${site.id}/rights/requests`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://evil.example", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({ type: "opt_out" }),
    });
    expect(foreign.status).toBe(403);
    expect(await rightsRows(site.id)).toEqual([]);
    expect(await outboxRows(site.id)).toEqual([]);
  });

  it("a site with Turnstile needs a token for every type but the opt-out (R2.8, R6.11)", async () => {
    const site = await freshSite((c) => {
      c.turnstile = { siteKey: "0x4AAAAAAAtest" };
    });
    await expectProblem(await postRights(site.id, { type: "access", email: newAddress() }), 403, "turnstile_required");
    expect((await fileRights(site.id, { type: "opt_out" })).status).toBe("completed");
    expect((await rightsRows(site.id)).map((r) => r.type)).toEqual(["opt_out"]);
  });

  it("a message that cannot be sent takes the request back: 503 with Retry-After, no row, no history, no webhook event", async () => {
    const { site } = await rightsSite();
    vi.spyOn(console, "error").mockImplementation(() => {});
    // The fake receiver plays the mail provider too, refusing the message as a 4xx.
    receiver.answer = (url) => (url.startsWith("https://hooks.test/postmark/") ? 422 : 200);
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`http://assent.test/v1/sites/${site.id}/rights/requests`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: ORIGIN, "CF-Connecting-IP": randomIp() },
        body: JSON.stringify({ type: "deletion", email: newAddress() }),
      }),
      { ...workerEnv, MAIL_PROVIDER: "postmark", POSTMARK_SERVER_TOKEN: "test-server-token", POSTMARK_API_URL: "https://hooks.test/postmark" } as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(receiver.received.filter((r) => r.url.startsWith("https://hooks.test/postmark/"))).toHaveLength(1);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(res, 503, "email_unavailable");
    expect(await rightsRows(site.id)).toEqual([]);
    expect(await rightsEvents(site.id)).toEqual([]);
    const left = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM rights_request_events WHERE site_id = ?1`).bind(site.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    // The retry is a fresh request and sends.
    expect((await fileRights(site.id, { type: "deletion", email: newAddress() })).next).toBe("check_email");
    await settled(site.id);
  });
});

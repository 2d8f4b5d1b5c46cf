/**
 * Double opt-in (R5.2): the link from the confirmation message opens a page whose button
 * confirms; a GET never confirms (mail scanners follow links). The click turns the signup
 * request into a subscription (with the request's address, wording, language and page) and
 * spends the request. A link confirms once, expires, and twenty simultaneous confirmations of
 * one link confirm once (R6.8). Re-subscribing after an unsubscribe needs a new confirmation
 * (R5.7). Requests never confirmed are purged once their link expired, the send log after a day.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { emailHash } from "../../worker/email/address";
import { sha256Hex } from "../../worker/lib/sha256";
import { type SignupRequestRow, confirm, findSignupRequest, purgeEmailData } from "../../worker/email/store";
import { ORIGIN, call, freshSite, randomIp } from "./helpers";
import {
  ageSendLog,
  TEXT_VERSION,
  confirmToken,
  confirmedSubscriber,
  eventRows,
  outboxRows,
  postConfirm,
  postSignup,
  requestRows,
  sendRows,
  signupBody,
  signupForToken,
  subscriptionRows,
  suppressionRows,
  oneClick,
  unsubscribePath,
  workerEnv,
} from "./email-helpers";

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const getConfirm = (siteId: string, token: string) => call(`/e/${siteId}/confirm/${token}`);

/** The confirm form POSTed from a network of its own (the per-network limit is not under test). */
const postConfirmFrom = (siteId: string, token: string) =>
  call(`/e/${siteId}/confirm/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp() }, body: "" });

/** Makes every signup request of a site expire (as if the days had passed). */
async function expireTokens(siteId: string, at = iso(Date.now() - 60_000)) {
  await env.LEDGER.prepare("UPDATE signup_requests SET expires_at = ?1 WHERE site_id = ?2").bind(at, siteId).run();
}

/** Signs an address up again and returns the token of the new message, failing if none was sent. */
async function resignup(siteId: string, listId: string, email: string): Promise<string> {
  const before = (await outboxRows(siteId)).length;
  const { token } = await signupForToken(siteId, listId, email);
  expect(await outboxRows(siteId)).toHaveLength(before + 1);
  return token;
}

/** A request as stored, by its link's token. */
async function requestOf(siteId: string, token: string): Promise<SignupRequestRow> {
  const row = await findSignupRequest(workerEnv, siteId, await sha256Hex(token));
  if (!row) throw new Error("no such request");
  return row;
}

function expectHtmlPage(res: Response) {
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  // The token is in the URL: it must not leak to the stylesheet's or any other request's Referer.
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("Set-Cookie")).toBeNull();
}

describe("GET of the confirmation link", () => {
  it("→ 200 page with a POST button; nothing is confirmed, the request stays unspent (R5.2)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    for (let i = 0; i < 3; i++) {
      const res = await getConfirm(site.id, token);
      expect(res.status).toBe(200);
      expectHtmlPage(res);
      const html = await res.text();
      expect(html).toMatch(/<form method="post">\s*<button type="submit">Yes, confirm my subscription<\/button><\/form>/);
      expect(html).toContain("Marketing email");
      expect(html).toContain(site.config.name);
    }
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ used_at: null, email: expect.any(String) }]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });

  it("speaks the signup's language", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ locale: "fr" }));
    const [m] = await outboxRows(site.id);
    const html = await (await getConfirm(site.id, confirmToken(m!, site.id))).text();
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(html).toContain("Oui, je confirme mon abonnement");
  });
});

describe("POST of the confirmation form", () => {
  it("→ 200 confirmed, with the time, and a confirm event with the wording version (R5.1, R5.2)", async () => {
    const site = await freshSite();
    const email = `Confirm.${crypto.randomUUID().slice(0, 8)}@Example.COM`;
    expect((await postSignup(site.id, signupBody({ email, locale: "fr", sourceUrl: `${ORIGIN}/join?ref=x` }))).status).toBe(202);
    const token = confirmToken((await outboxRows(site.id))[0]!, site.id);
    const request = await requestOf(site.id, token);
    const before = new Date().toISOString();
    const res = await postConfirm(site.id, token);
    const after = new Date().toISOString();
    expect(res.status).toBe(200);
    expectHtmlPage(res);
    const html = await res.text();
    // In the signup's language.
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(html).toContain("Abonnement confirmé");
    expect(html).toContain("Vous recevrez désormais E-mails marketing");

    // The subscription is what the request asked for.
    const [row] = await subscriptionRows(site.id);
    expect(row).toMatchObject({
      id: expect.stringMatching(/^sub_[0-9a-f]{32}$/),
      list_id: "marketing-email",
      email: email.toLowerCase(),
      email_hash: request.email_hash,
      status: "confirmed",
      text_version: TEXT_VERSION,
      locale: "fr",
      source_url: `${ORIGIN}/join`,
      unsubscribed_at: null,
    });
    expect(row!.confirmed_at! >= before && row!.confirmed_at! <= after).toBe(true);
    // The request is spent and forgot the address.
    expect(await requestRows(site.id)).toMatchObject([{ token_hash: request.token_hash, used_at: row!.confirmed_at, email: null }]);
    const events = await eventRows(site.id);
    expect(events.map((e) => [e.kind, e.source, e.text_version])).toEqual([
      ["signup", "preferences", TEXT_VERSION],
      ["confirm", "email_link", TEXT_VERSION],
    ]);
    expect(events[1]).toMatchObject({ list_id: "marketing-email", email_hash: row!.email_hash, at: row!.confirmed_at });
  });

  it("confirms only the list of its own message (R5.1)", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ lists: ["marketing-email", "blog"] }));
    const blogMessage = (await outboxRows(site.id)).find((m) => m.text_body.includes("Blog updates"))!;
    expect((await postConfirm(site.id, confirmToken(blogMessage, site.id))).status).toBe(200);
    expect((await subscriptionRows(site.id)).map((r) => [r.list_id, r.status])).toEqual([["blog", "confirmed"]]);
    expect((await requestRows(site.id)).map((r) => [r.list_id, r.used_at === null])).toEqual([
      ["blog", false],
      ["marketing-email", true],
    ]);
  });

  it("a second POST → 410 and nothing changes (R5.2, R6.8)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const first = await postConfirm(site.id, token);
    expect(first.status).toBe(200);
    const confirmedPage = await first.text();
    expect(confirmedPage).toContain("Subscription confirmed");
    expect(confirmedPage).toContain("You will now receive Marketing email");
    const rows = await subscriptionRows(site.id);
    const events = await eventRows(site.id);
    const requests = await requestRows(site.id);

    const again = await postConfirm(site.id, token);
    expect(again.status).toBe(410);
    expectHtmlPage(again);
    expect(await again.text()).toContain("This link no longer works");
    const page = await getConfirm(site.id, token);
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain("<form");

    expect(await subscriptionRows(site.id)).toEqual(rows);
    expect(await eventRows(site.id)).toEqual(events);
    expect(await requestRows(site.id)).toEqual(requests);
  });

  it("an expired token → 410 on GET and POST; nothing is subscribed, the request stays unspent (R5.2)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    await expireTokens(site.id);

    const page = await getConfirm(site.id, token);
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain("<form");
    const res = await postConfirm(site.id, token);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("This link no longer works");

    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ used_at: null }]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });

  it("a token works until its expiry and not after (the boundary is the stored time) (R5.2)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    await expireTokens(site.id, iso(Date.now() + 60_000));
    expect((await getConfirm(site.id, token)).status).toBe(200);
    expect((await postConfirm(site.id, token)).status).toBe(200);
  });

  it("an unknown token, a token of another site, an unknown site → the same generic 400 page", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const { token } = await signupForToken(site.id);
    const responses = [
      await getConfirm(site.id, "A".repeat(43)),
      await postConfirm(site.id, "A".repeat(43)),
      await getConfirm(other.id, token),
      await postConfirm(other.id, token),
      await getConfirm("no-such-site", token),
      await postConfirm("no-such-site", token),
    ];
    const bodies = await Promise.all(responses.map((r) => r.text()));
    for (const res of responses) {
      expect(res.status).toBe(400);
      expectHtmlPage(res);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain("This link is not valid.");
    // None of them confirmed the real request, and its token still works.
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ used_at: null }]);
    expect(await subscriptionRows(other.id)).toEqual([]);
    expect((await postConfirm(site.id, token)).status).toBe(200);
  });
});

describe("twenty simultaneous confirmations of one token (R6.8)", () => {
  it("→ exactly one 200, nineteen 410, one confirm event", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const responses = await Promise.all(Array.from({ length: 20 }, () => postConfirm(site.id, token)));
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(19);

    const [row] = await subscriptionRows(site.id);
    expect(row!.status).toBe("confirmed");
    const confirms = (await eventRows(site.id)).filter((e) => e.kind === "confirm");
    expect(confirms).toHaveLength(1);
    expect(confirms[0]!.at).toBe(row!.confirmed_at);
  });

  it("of a re-subscription with a suppression → one confirm event, the suppression gone", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    await ageSendLog(site.id);
    const token = await resignup(site.id, "marketing-email", email);

    const responses = await Promise.all(Array.from({ length: 20 }, () => postConfirmFrom(site.id, token)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(410)]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm", "unsubscribe", "signup", "confirm"]);
    expect(await suppressionRows(site.id)).toEqual([]);
  });
});

describe("the confirmation SQL (one D1 batch)", () => {
  // Workers clocks stand still between I/O, so two requests can stamp the same millisecond: the
  // outcome must not depend on the timestamps being different.
  it("twenty confirmations in the same millisecond → one confirmed, one confirm event (R6.8)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const request = await requestOf(site.id, token);
    const at = new Date().toISOString();
    const outcomes = (await Promise.all(Array.from({ length: 20 }, () => confirm(workerEnv, request, at)))).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === "confirmed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "used")).toHaveLength(19);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm"]);
    expect(await subscriptionRows(site.id)).toHaveLength(1);
  });

  it("a replay in the same millisecond changes nothing: no second event, no lifted suppression (R5.7, R6.8)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const hash = await emailHash(workerEnv, email);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    await ageSendLog(site.id);
    const request = await requestOf(site.id, await resignup(site.id, "marketing-email", email));
    const at = new Date().toISOString();

    expect((await confirm(workerEnv, request, at)).outcome).toBe("confirmed");
    expect(await suppressionRows(site.id)).toEqual([]);
    // Unsubscribed again in that same millisecond, then the confirmation replayed.
    await env.LEDGER.batch([
      env.LEDGER.prepare("UPDATE subscriptions SET status = 'unsubscribed', email = NULL, unsubscribed_at = ?2 WHERE site_id = ?1").bind(site.id, at),
      env.LEDGER.prepare("INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, 'marketing-email', ?2, 'unsubscribe', ?3)").bind(site.id, hash, at),
    ]);
    const events = await eventRows(site.id);
    // The row read before the first confirmation (as a racing request holds it), and a fresh read.
    expect((await confirm(workerEnv, request, at)).outcome).toBe("used");
    expect((await confirm(workerEnv, await requestOf(site.id, confirmToken((await outboxRows(site.id)).at(-1)!, site.id)), at)).outcome).toBe("used");
    expect(await eventRows(site.id)).toEqual(events);
    expect(await suppressionRows(site.id)).toHaveLength(1);
    expect((await subscriptionRows(site.id))[0]).toMatchObject({ status: "unsubscribed", email: null });
  });

  it("an unknown and another site's token are not found; an expired one → expired; nothing written", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const { token } = await signupForToken(site.id);
    const tokenHash = await sha256Hex(token);
    const now = new Date().toISOString();
    expect(await findSignupRequest(workerEnv, site.id, await sha256Hex("nope"))).toBeNull();
    expect(await findSignupRequest(workerEnv, other.id, tokenHash)).toBeNull();
    await expireTokens(site.id);
    // Expired by the time of the click, whether the row was read before or after it expired.
    expect((await confirm(workerEnv, await requestOf(site.id, token), now)).outcome).toBe("expired");
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ used_at: null }]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });

  it("a request read while live but expired at the click → expired, nothing written (R5.2)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const request = await requestOf(site.id, token);
    const outcome = await confirm(workerEnv, request, iso(Date.parse(request.expires_at) + 1));
    expect(outcome.outcome).toBe("expired");
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });
});

describe("re-subscribing after an unsubscribe (R5.2, R5.7)", () => {
  it("→ the same answer, no second message within 10 minutes; later a new double opt-in whose click lifts the suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const oldToken = confirmToken((await outboxRows(site.id))[0]!, site.id);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    expect((await subscriptionRows(site.id))[0]).toMatchObject({ status: "unsubscribed", email: null });
    expect(await suppressionRows(site.id)).toHaveLength(1);

    // The same signup at once: the same answer as for anyone, but the unsubscribe did not reset
    // the limit, so no second message within 10 minutes (the request is recorded, unconfirmable).
    const res = await postSignup(site.id, signupBody({ email }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "pending", lists: ["marketing-email"] });
    expect(await outboxRows(site.id)).toHaveLength(1);
    expect(await requestRows(site.id)).toHaveLength(2);

    // Later: a new double opt-in. Until its click, the subscription stays unsubscribed, without
    // the address, and suppressed.
    await ageSendLog(site.id);
    const newToken = await resignup(site.id, "marketing-email", email);
    expect((await subscriptionRows(site.id))[0]).toMatchObject({ status: "unsubscribed", email: null });
    expect(await suppressionRows(site.id)).toHaveLength(1);

    // The first link, already used, cannot bring the subscription back.
    expect((await postConfirm(site.id, oldToken)).status).toBe(410);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("unsubscribed");

    expect((await postConfirm(site.id, newToken)).status).toBe(200);
    const [row] = await subscriptionRows(site.id);
    expect(row).toMatchObject({ status: "confirmed", email: email.toLowerCase(), unsubscribed_at: null });
    expect(await suppressionRows(site.id)).toEqual([]);
    // The signup within 10 minutes was logged (the visitor asked) though no message went out.
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm", "unsubscribe", "signup", "signup", "confirm"]);
  });

  it("unsubscribing voids a confirmation link still waiting in the inbox", async () => {
    const site = await freshSite();
    const { token, email } = await signupForToken(site.id, "blog", `pending-${crypto.randomUUID()}@example.com`);
    expect((await oneClick(await unsubscribePath(site.id, "blog", email))).status).toBe(200);
    expect((await postConfirm(site.id, token)).status).toBe(410);
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await requestRows(site.id)).toMatchObject([{ list_id: "blog", email: null, used_at: expect.any(String) }]);
    expect(await suppressionRows(site.id)).toHaveLength(1);
  });

  it("confirming one list lifts only that list's suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    expect((await oneClick(`${await unsubscribePath(site.id, "blog", email)}?all=1`)).status).toBe(200);
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["blog", "marketing-email"]);

    await ageSendLog(site.id);
    const token = await resignup(site.id, "blog", email);
    expect((await postConfirm(site.id, token)).status).toBe(200);
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["marketing-email"]);
    expect((await subscriptionRows(site.id)).map((r) => [r.list_id, r.status, r.email])).toEqual([
      ["blog", "confirmed", email.toLowerCase()],
      ["marketing-email", "unsubscribed", null],
    ]);
  });
});

describe("requests never confirmed are purged", () => {
  let logged: MockInstance<typeof console.log>;
  beforeEach(() => {
    logged = vi.spyOn(console, "log").mockImplementation(() => {});
  });
  afterEach(() => {
    logged.mockRestore();
  });

  async function runScheduledJob() {
    const worker = (await import("../../worker/index")).default;
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), workerEnv, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("the daily job deletes requests whose link expired and keeps subscriptions and live requests (R5.2)", async () => {
    const site = await freshSite();
    const expired = await signupForToken(site.id, "marketing-email");
    const confirmed = await confirmedSubscriber(site.id, ["marketing-email"]);
    await expireTokens(site.id); // every request so far: the expired signup's and the confirmed one's
    const live = await signupForToken(site.id, "marketing-email");

    await runScheduledJob();

    expect((await subscriptionRows(site.id)).map((r) => [r.email, r.status])).toEqual([[confirmed.toLowerCase(), "confirmed"]]);
    expect((await requestRows(site.id)).map((r) => r.email)).toEqual([live.email.toLowerCase()]);
    // The expired link now leads nowhere; the live one still confirms.
    expect((await postConfirm(site.id, expired.token)).status).toBe(400);
    expect((await postConfirm(site.id, live.token)).status).toBe(200);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(
        /^retention: deleted \d+ receipts, \d+ archived receipts, \d+ erasure records, [1-9]\d* signup requests, \d+ send-log entries, \d+ webhook events, \d+ token revocations, \d+ kept-record marks, \d+ console links, \d+ console sessions, \d+ console previews, \d+ rights requests, \d+ rights links(; more next run)?$/,
      ),
    );
  });

  it("keeps a request while its link still works, and deletes an older expired one of the same address (R5.2)", async () => {
    const site = await freshSite();
    const email = (await signupForToken(site.id)).email;
    await expireTokens(site.id);
    await ageSendLog(site.id);
    const second = await resignup(site.id, "marketing-email", email); // a new link, 7 days
    expect(await requestRows(site.id)).toHaveLength(2);

    expect(await purgeEmailData(workerEnv, new Date(), 5000)).toMatchObject({ requests: expect.any(Number) });
    expect(await requestRows(site.id)).toMatchObject([{ email: email.toLowerCase(), used_at: null }]); // the expired one went
    expect((await postConfirm(site.id, second)).status).toBe(200);
  });

  it("deletes a re-subscription that was never confirmed, and keeps the unsubscribed row (hash only) and the suppression (R5.2, R5.7)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const hash = await emailHash(workerEnv, email);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    await ageSendLog(site.id);
    await resignup(site.id, "marketing-email", email);
    await expireTokens(site.id);

    expect((await purgeEmailData(workerEnv, new Date(Date.now() + 1000), 5000)).requests).toBeGreaterThanOrEqual(2);
    expect(await requestRows(site.id)).toEqual([]);
    expect(await subscriptionRows(site.id)).toMatchObject([{ status: "unsubscribed", email: null, email_hash: hash }]);
    expect(await suppressionRows(site.id)).toMatchObject([{ list_id: "marketing-email", email_hash: hash, reason: "unsubscribe" }]);
  });

  it("leaves unexpired requests of 7 days' grace alone even when run later in the week (R5.2)", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    await purgeEmailData(workerEnv, new Date(Date.now() + 6 * DAY_MS), 5000);
    expect(await requestRows(site.id)).toMatchObject([{ used_at: null }]);
    expect((await postConfirm(site.id, token)).status).toBe(200);
  });

  it("keeps the send log for a day, whatever became of the request, then deletes it", async () => {
    const site = await freshSite();
    const { email, token } = await signupForToken(site.id);
    expect((await postConfirm(site.id, token)).status).toBe(200);
    await purgeEmailData(workerEnv, new Date(Date.now() + DAY_MS - 60_000), 5000);
    expect(await sendRows(site.id)).toMatchObject([{ email_hash: await emailHash(workerEnv, email) }]);

    await purgeEmailData(workerEnv, new Date(Date.now() + DAY_MS + 60_000), 5000);
    expect(await sendRows(site.id)).toEqual([]);
  });

  it("deletes at most `batch` rows of each kind per step", async () => {
    // Other tests' expired rows first, so the step below can only find this site's.
    await purgeEmailData(workerEnv, new Date(), 100_000);
    const site = await freshSite();
    for (let i = 0; i < 3; i++) await signupForToken(site.id);
    await expireTokens(site.id);
    await ageSendLog(site.id, 2 * 24 * 60);
    const step = await purgeEmailData(workerEnv, new Date(), 1);
    expect(step).toEqual({ requests: 1, sends: 1 });
    expect(await requestRows(site.id)).toHaveLength(2);
    expect(await sendRows(site.id)).toHaveLength(2);
  });
});

/**
 * Double opt-in (R5.2): the link from the confirmation message opens a page whose button
 * confirms; a GET never confirms (mail scanners follow links). A token confirms once, expires,
 * and twenty simultaneous confirmations of one token confirm once (R6.8). Re-subscribing after
 * an unsubscribe needs a new confirmation (R5.7). Signups never confirmed are purged.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { emailHash } from "../../worker/email/address";
import { sha256Hex } from "../../worker/fingerprint";
import { confirm, purgeExpiredPending } from "../../worker/store/subscriptions";
import { call, freshSite } from "./helpers";
import {
  TEXT_VERSION,
  confirmToken,
  confirmedSubscriber,
  eventRows,
  outboxRows,
  postConfirm,
  postSignup,
  signupBody,
  signupForToken,
  subscriptionRows,
  suppressionRows,
  tokenRows,
  oneClick,
  unsubscribePath,
  workerEnv,
} from "./email-helpers";

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const getConfirm = (siteId: string, token: string) => call(`/e/${siteId}/confirm/${token}`);

/** Makes every confirmation token of a site expire (as if the days had passed). */
async function expireTokens(siteId: string, at = iso(Date.now() - 60_000)) {
  await env.LEDGER.prepare("UPDATE confirm_tokens SET expires_at = ?1 WHERE site_id = ?2").bind(at, siteId).run();
}

function expectHtmlPage(res: Response) {
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  // The token is in the URL: it must not leak to the stylesheet's or any other request's Referer.
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("Set-Cookie")).toBeNull();
}

describe("GET of the confirmation link", () => {
  it("→ 200 page with a POST button; the subscription stays pending", async () => {
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
    const [row] = await subscriptionRows(site.id);
    expect(row).toMatchObject({ status: "pending", confirmed_at: null });
    expect((await tokenRows(site.id))[0]!.used_at).toBeNull();
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });

  it("speaks the signup's language", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ locale: "fr" }));
    const [m] = await outboxRows(site.id);
    const html = await (await getConfirm(site.id, confirmToken(m!, site.id))).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Oui, je confirme mon abonnement");
  });
});

describe("POST of the confirmation form", () => {
  it("→ 200 confirmed, with the time, and a confirm event with the wording version", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const before = new Date().toISOString();
    const res = await postConfirm(site.id, token);
    const after = new Date().toISOString();
    expect(res.status).toBe(200);
    expectHtmlPage(res);
    const html = await res.text();
    expect(html).toContain("Subscription confirmed");
    expect(html).toContain("You will now receive Marketing email");

    const [row] = await subscriptionRows(site.id);
    expect(row!.status).toBe("confirmed");
    expect(row!.confirmed_at! >= before && row!.confirmed_at! <= after).toBe(true);
    const [tok] = await tokenRows(site.id);
    expect(tok!.used_at).toBe(row!.confirmed_at);
    const events = await eventRows(site.id);
    expect(events.map((e) => [e.kind, e.source, e.text_version])).toEqual([
      ["signup", "preferences", TEXT_VERSION],
      ["confirm", "email_link", TEXT_VERSION],
    ]);
    expect(events[1]).toMatchObject({ list_id: "marketing-email", email_hash: row!.email_hash, at: row!.confirmed_at });
  });

  it("confirms only the list of its own message", async () => {
    const site = await freshSite();
    await postSignup(site.id, signupBody({ lists: ["marketing-email", "blog"] }));
    const blogMessage = (await outboxRows(site.id)).find((m) => m.text_body.includes("Blog updates"))!;
    expect((await postConfirm(site.id, confirmToken(blogMessage, site.id))).status).toBe(200);
    expect((await subscriptionRows(site.id)).map((r) => [r.list_id, r.status])).toEqual([
      ["blog", "confirmed"],
      ["marketing-email", "pending"],
    ]);
  });

  it("a second POST → 410 and nothing changes", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    expect((await postConfirm(site.id, token)).status).toBe(200);
    const rows = await subscriptionRows(site.id);
    const events = await eventRows(site.id);
    const tokens = await tokenRows(site.id);

    const again = await postConfirm(site.id, token);
    expect(again.status).toBe(410);
    expectHtmlPage(again);
    expect(await again.text()).toContain("This link no longer works");
    const page = await getConfirm(site.id, token);
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain("<form");

    expect(await subscriptionRows(site.id)).toEqual(rows);
    expect(await eventRows(site.id)).toEqual(events);
    expect(await tokenRows(site.id)).toEqual(tokens);
  });

  it("an expired token → 410 on GET and POST; the subscription stays pending", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    await expireTokens(site.id);

    const page = await getConfirm(site.id, token);
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain("<form");
    const res = await postConfirm(site.id, token);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("This link no longer works");

    expect((await subscriptionRows(site.id))[0]).toMatchObject({ status: "pending", confirmed_at: null });
    expect((await tokenRows(site.id))[0]!.used_at).toBeNull();
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });

  it("a token works until its expiry and not after (the boundary is the stored time)", async () => {
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
    // None of them confirmed the real subscription, and its token still works.
    expect((await subscriptionRows(site.id))[0]!.status).toBe("pending");
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
    const { token } = await signupForToken(site.id, "marketing-email", email);

    const responses = await Promise.all(Array.from({ length: 20 }, () => postConfirm(site.id, token)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(410)]);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm", "unsubscribe", "signup", "confirm"]);
    expect(await suppressionRows(site.id)).toEqual([]);
  });
});

describe("the confirmation SQL (one D1 batch)", () => {
  // Workers clocks stand still between I/O, so two requests can stamp the same millisecond: the
  // outcome must not depend on the timestamps being different.
  it("twenty confirmations in the same millisecond → one confirmed, one confirm event", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    const tokenHash = await sha256Hex(token);
    const at = new Date().toISOString();
    const outcomes = (await Promise.all(Array.from({ length: 20 }, () => confirm(workerEnv, site.id, tokenHash, at)))).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === "confirmed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "used")).toHaveLength(19);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup", "confirm"]);
  });

  it("a replay in the same millisecond changes nothing: no second event, no lifted suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const hash = await emailHash(workerEnv, email);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    const { token } = await signupForToken(site.id, "marketing-email", email);
    const tokenHash = await sha256Hex(token);
    const at = new Date().toISOString();

    expect((await confirm(workerEnv, site.id, tokenHash, at)).outcome).toBe("confirmed");
    expect(await suppressionRows(site.id)).toEqual([]);
    // Unsubscribed again in that same millisecond, then the confirmation replayed.
    await env.LEDGER.batch([
      env.LEDGER.prepare("UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = ?2 WHERE site_id = ?1").bind(site.id, at),
      env.LEDGER.prepare("INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, 'marketing-email', ?2, 'unsubscribe', ?3)").bind(site.id, hash, at),
    ]);
    const events = await eventRows(site.id);
    expect((await confirm(workerEnv, site.id, tokenHash, at)).outcome).toBe("used");
    expect(await eventRows(site.id)).toEqual(events);
    expect(await suppressionRows(site.id)).toHaveLength(1);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("unsubscribed");
  });

  it("an unknown, an expired and another site's token → unknown, expired, unknown; nothing written", async () => {
    const site = await freshSite();
    const other = await freshSite();
    const { token } = await signupForToken(site.id);
    const tokenHash = await sha256Hex(token);
    const now = new Date().toISOString();
    expect((await confirm(workerEnv, site.id, await sha256Hex("nope"), now)).outcome).toBe("unknown");
    expect((await confirm(workerEnv, other.id, tokenHash, now)).outcome).toBe("unknown");
    await expireTokens(site.id);
    expect((await confirm(workerEnv, site.id, tokenHash, now)).outcome).toBe("expired");
    expect((await subscriptionRows(site.id))[0]!.status).toBe("pending");
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
  });
});

describe("re-subscribing after an unsubscribe (R5.7)", () => {
  it("→ pending again, never confirmed directly; confirming lifts the suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const oldToken = confirmToken((await outboxRows(site.id))[0]!, site.id);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("unsubscribed");
    expect(await suppressionRows(site.id)).toHaveLength(1);

    // The same signup again: the same answer as for anyone, and a new double opt-in.
    const res = await postSignup(site.id, signupBody({ email }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "pending", lists: ["marketing-email"] });
    let [row] = await subscriptionRows(site.id);
    expect(row!.status).toBe("pending");
    expect(await suppressionRows(site.id)).toHaveLength(1); // still suppressed until confirmed
    const messages = await outboxRows(site.id);
    expect(messages).toHaveLength(2);

    // The first link, already used, cannot bring the subscription back.
    expect((await postConfirm(site.id, oldToken)).status).toBe(410);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("pending");

    const newToken = confirmToken(messages[1]!, site.id);
    expect((await postConfirm(site.id, newToken)).status).toBe(200);
    [row] = await subscriptionRows(site.id);
    expect(row).toMatchObject({ status: "confirmed", unsubscribed_at: null });
    expect(await suppressionRows(site.id)).toEqual([]);
  });

  it("unsubscribing voids a confirmation link still waiting in the inbox", async () => {
    const site = await freshSite();
    const { token, email } = await signupForToken(site.id, "blog", `pending-${crypto.randomUUID()}@example.com`);
    expect((await oneClick(await unsubscribePath(site.id, "blog", email))).status).toBe(200);
    expect((await postConfirm(site.id, token)).status).toBe(410);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("unsubscribed");
    expect(await suppressionRows(site.id)).toHaveLength(1);
  });

  it("confirming one list lifts only that list's suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
    expect((await oneClick(`${await unsubscribePath(site.id, "blog", email)}?all=1`)).status).toBe(200);
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["blog", "marketing-email"]);

    const { token } = await signupForToken(site.id, "blog", email);
    expect((await postConfirm(site.id, token)).status).toBe(200);
    expect((await suppressionRows(site.id)).map((s) => s.list_id)).toEqual(["marketing-email"]);
    expect((await subscriptionRows(site.id)).map((r) => [r.list_id, r.status])).toEqual([
      ["blog", "confirmed"],
      ["marketing-email", "unsubscribed"],
    ]);
  });
});

describe("signups never confirmed are purged", () => {
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

  it("the daily job deletes pending signups whose link expired and keeps confirmed and live ones", async () => {
    const site = await freshSite();
    const expired = await signupForToken(site.id, "marketing-email");
    const confirmed = await confirmedSubscriber(site.id, ["marketing-email"]);
    await expireTokens(site.id); // every token so far: the expired signup's and the confirmed one's
    const live = await signupForToken(site.id, "marketing-email");

    await runScheduledJob();

    const rows = await subscriptionRows(site.id);
    expect(rows.map((r) => [r.email, r.status]).sort()).toEqual(
      [
        [confirmed.toLowerCase(), "confirmed"],
        [live.email.toLowerCase(), "pending"],
      ].sort(),
    );
    expect(rows.map((r) => r.email)).not.toContain(expired.email.toLowerCase());
    // The expired link now leads nowhere; the live one still confirms.
    expect((await postConfirm(site.id, expired.token)).status).toBe(400);
    expect((await postConfirm(site.id, live.token)).status).toBe(200);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^retention: deleted \d+ receipts, \d+ erasure records, [1-9]\d* unconfirmed signups, \d+ webhook events$/));
  });

  it("keeps a pending signup while any of its links still works", async () => {
    const site = await freshSite();
    const email = (await signupForToken(site.id)).email;
    await expireTokens(site.id);
    const second = await signupForToken(site.id, "marketing-email", email); // a new link, 7 days
    expect(await tokenRows(site.id)).toHaveLength(2);

    await purgeExpiredPending(workerEnv, new Date().toISOString());
    expect((await subscriptionRows(site.id))[0]!.status).toBe("pending");
    expect(await tokenRows(site.id)).toHaveLength(1); // the expired token went
    expect((await postConfirm(site.id, second.token)).status).toBe(200);
  });

  it("deletes a re-subscription that was never confirmed, and keeps the suppression", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const hash = await emailHash(workerEnv, email);
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    await signupForToken(site.id, "marketing-email", email);
    await expireTokens(site.id);

    expect(await purgeExpiredPending(workerEnv, iso(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await subscriptionRows(site.id)).toEqual([]);
    expect(await tokenRows(site.id)).toEqual([]);
    expect(await suppressionRows(site.id)).toMatchObject([{ list_id: "marketing-email", email_hash: hash, reason: "unsubscribe" }]);
  });

  it("leaves unexpired pending signups of 7 days' grace alone even when run later in the week", async () => {
    const site = await freshSite();
    const { token } = await signupForToken(site.id);
    await purgeExpiredPending(workerEnv, iso(Date.now() + 6 * DAY_MS));
    expect((await subscriptionRows(site.id))[0]!.status).toBe("pending");
    expect((await postConfirm(site.id, token)).status).toBe(200);
  });
});

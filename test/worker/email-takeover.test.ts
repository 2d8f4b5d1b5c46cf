/**
 * What a hostile user can do with someone else's address, and what they cannot.
 *
 * The hole that was closed: a signup with a visitor token of one's own and a victim's address
 * used to re-point the victim's subscription at the attacker's browser (rewriting its wording,
 * language and page), show the attacker the victim's status and history in /me, and let the
 * attacker's erasure unsubscribe and suppress the victim. Now a signup only adds a request of its
 * own; the answer is the same whatever the address's history; the attacker's /me sees only their
 * own pending request; and only a click in the victim's mailbox on the link the attacker's signup
 * triggered links the attacker's browser (that click proves control of the mailbox: the
 * documented model).
 *
 * Also: an unsubscribe forgets the clear-text address; the limits that keep the signup form from
 * pestering a mailbox (one message per address and list per 10 minutes, three per address per
 * day, a per-site daily cap), which nothing in between resets; and a failed send that leaves
 * nothing behind.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExportDocument, Preferences, SubscriptionResponse, VisitorSubscriptions } from "../../worker/contract";
import { emailHash } from "../../worker/email/address";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { putSite } from "../../worker/sites/store";
import { ORIGIN, auth, call, expectProblem, freshSite, getMe, insertApiKey, newVisitor, prefEntry } from "./helpers";
import {
  ageSendLog,
  confirmToken,
  confirmedSubscriber,
  eventRows,
  expectNoEmailState,
  linkRows,
  newAddress,
  oneClick,
  outboxRows,
  postConfirm,
  postSignup,
  requestRows,
  sendRows,
  signupBody,
  signupRequest,
  subscriptionRows,
  suppressionRows,
  unsubscribePath,
  workerEnv,
} from "./email-helpers";

type Site = Awaited<ReturnType<typeof freshSite>>;

const DAY_MS = 86_400_000;

afterEach(() => {
  vi.restoreAllMocks();
});

/** The site owner changes a list's consent wording (a new version), as a config deploy does. */
async function reword(site: Site, listId: string, textVersion: string): Promise<void> {
  const config = structuredClone(site.config);
  config.communications.find((l) => l.id === listId)!.textVersion = textVersion;
  await putSite(workerEnv, config);
}

/** Messages to an address, oldest first. */
async function messagesTo(siteId: string, email: string) {
  return (await outboxRows(siteId)).filter((m) => m.to_address === email.toLowerCase());
}

/** A visitor's `GET /me/subscriptions`. */
async function listsOf(siteId: string, token: string): Promise<VisitorSubscriptions["lists"]> {
  const res = await getMe(siteId, token, "/subscriptions");
  expect(res.status).toBe(200);
  return ((await res.json()) as VisitorSubscriptions).lists;
}

/** A visitor's `DELETE /me` (browser writes need the site's Origin). */
function eraseMe(siteId: string, token: string): Promise<Response> {
  return call(`/v1/sites/${siteId}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(token) } });
}

/** The answer to a signup, without the parts that depend on the moment (confirmBy, Date). */
async function answerShape(res: Response) {
  const body = (await res.json()) as SubscriptionResponse;
  const confirmBy = Date.parse(body.confirmBy);
  // Seven days out, from now: never the date of an earlier signup.
  expect(Math.abs(confirmBy - (Date.now() + 7 * DAY_MS))).toBeLessThan(60_000);
  return {
    status: res.status,
    headers: [...res.headers.keys()].filter((h) => h !== "date").sort(),
    cacheControl: res.headers.get("Cache-Control"),
    contentType: res.headers.get("Content-Type"),
    body: { ...body, confirmBy: "<time>" },
  };
}

/**
 * The victim: a visitor of their own who signed up from their browser, in German, on a page of
 * their own, and confirmed from their mailbox — long enough ago that the address may get a new
 * message.
 */
async function victimOf(site: Site) {
  const visitor = await newVisitor(site);
  const email = newAddress();
  const res = await postSignup(site.id, signupBody({ email, locale: "de", sourceUrl: `${ORIGIN}/victim/newsletter` }), { headers: auth(visitor.token!) });
  expect(res.status).toBe(202);
  const [message] = await messagesTo(site.id, email);
  expect((await postConfirm(site.id, confirmToken(message!, site.id))).status).toBe(200);
  await ageSendLog(site.id, 60);
  return { email, visitor };
}

describe("a signup with someone else's address (the closed takeover)", () => {
  it("leaves the victim's confirmed subscription byte for byte as it was (R0.2)", async () => {
    const site = await freshSite();
    const victim = await victimOf(site);
    const before = await subscriptionRows(site.id);
    expect(before).toMatchObject([{ status: "confirmed", email: victim.email.toLowerCase(), locale: "de", source_url: `${ORIGIN}/victim/newsletter` }]);
    // New wording since: the attacker's signup carries another version, language and page.
    await reword(site, "marketing-email", "2027-02-01");
    const attacker = await newVisitor(site);

    const res = await postSignup(
      site.id,
      signupBody({ email: victim.email.toUpperCase(), textVersion: "2027-02-01", locale: "fr", sourceUrl: `${ORIGIN}/attacker/page` }),
      { headers: auth(attacker.token!) },
    );
    expect(res.status).toBe(202);
    expect(await subscriptionRows(site.id)).toEqual(before);
    // It became a request of its own (and a message to the victim's mailbox), nothing more.
    expect(await linkRows(site.id)).toEqual([expect.objectContaining({ visitor_id: victim.visitor.visitorId })]);
    expect((await requestRows(site.id)).filter((r) => r.used_at === null)).toEqual([
      expect.objectContaining({ visitor_id: attacker.visitorId, text_version: "2027-02-01", locale: "fr", source_url: `${ORIGIN}/attacker/page` }),
    ]);
    expect(await messagesTo(site.id, victim.email)).toHaveLength(2);
  });

  it("answers exactly what a never-seen address gets", async () => {
    const site = await freshSite();
    const victim = await victimOf(site);
    const attacker = await newVisitor(site);
    const forVictim = await answerShape(await postSignup(site.id, signupBody({ email: victim.email }), { headers: auth(attacker.token!) }));
    const forNew = await answerShape(await postSignup(site.id, signupBody(), { headers: auth(attacker.token!) }));
    expect(forVictim).toEqual(forNew);
    expect(forVictim).toMatchObject({ status: 202, body: { status: "pending", lists: ["marketing-email"] } });
  });

  it("the attacker's /me shows only their own pending request, never the victim's status or details (R0.2)", async () => {
    const site = await freshSite();
    const victim = await victimOf(site);
    const [victimRow] = await subscriptionRows(site.id);
    const attacker = await newVisitor(site);
    const sourceUrl = `${ORIGIN}/attacker/page`;
    expect((await postSignup(site.id, signupBody({ email: victim.email, locale: "fr", sourceUrl }), { headers: auth(attacker.token!) })).status).toBe(202);

    expect(await listsOf(site.id, attacker.token!)).toEqual({ "marketing-email": "pending" });
    // The KV copy (GET /me) says the same.
    expect(((await (await getMe(site.id, attacker.token!)).json()) as Preferences).lists).toEqual({ "marketing-email": "pending" });
    expect((await prefEntry(site.id, attacker.visitorId)).value!.lists).toEqual({ "marketing-email": "pending" });

    const exported = (await (await getMe(site.id, attacker.token!, "/export")).json()) as ExportDocument;
    // Only what the attacker typed and asked for: no date, page or language of the victim's.
    expect(exported.subscriptions).toEqual([
      {
        list: "marketing-email",
        email: victim.email.toLowerCase(),
        status: "pending",
        textVersion: victimRow!.text_version,
        locale: "fr",
        sourceUrl,
        createdAt: expect.any(String),
        confirmedAt: null,
        unsubscribedAt: null,
      },
    ]);
    const text = JSON.stringify(exported);
    expect(text).not.toContain(victimRow!.confirmed_at!);
    expect(text).not.toContain(victimRow!.created_at);
    expect(text).not.toContain(victimRow!.source_url!);
    expect(text).not.toContain(victimRow!.id);
    expect(exported.subscriptions.map((s) => s.locale)).not.toContain(victimRow!.locale);

    // The victim's own view is untouched.
    expect(await listsOf(site.id, victim.visitor.token!)).toEqual({ "marketing-email": "confirmed" });
  });

  it("the attacker's erasure leaves the victim confirmed, unsuppressed, with their proof (R0.2)", async () => {
    const site = await freshSite();
    const victim = await victimOf(site);
    const attacker = await newVisitor(site);
    expect((await postSignup(site.id, signupBody({ email: victim.email, lists: ["marketing-email", "blog"] }), { headers: auth(attacker.token!) })).status).toBe(202);
    const subscriptions = await subscriptionRows(site.id);
    const events = await eventRows(site.id);

    const erased = await eraseMe(site.id, attacker.token!);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ erased: true, subscriptionsDeleted: 0 });

    expect(await subscriptionRows(site.id)).toEqual(subscriptions);
    expect(subscriptions).toMatchObject([{ status: "confirmed", email: victim.email.toLowerCase() }]);
    expect(await suppressionRows(site.id)).toEqual([]);
    expect(await eventRows(site.id)).toEqual(events);
    expect(await linkRows(site.id)).toEqual([expect.objectContaining({ visitor_id: victim.visitor.visitorId })]);
    // Only the attacker's own requests went (with the address they typed).
    expect((await requestRows(site.id)).map((r) => r.visitor_id)).toEqual([victim.visitor.visitorId]);
    // The site keeps mailing the victim, and the victim still sees their subscription.
    const key = (await insertApiKey(site.id)).secret;
    const page = (await (await call(`/v1/sites/${site.id}/admin/lists/marketing-email/subscribers`, { headers: auth(key) })).json()) as { subscribers: { email: string }[] };
    expect(page.subscribers.map((s) => s.email)).toEqual([victim.email.toLowerCase()]);
    expect(await listsOf(site.id, victim.visitor.token!)).toEqual({ "marketing-email": "confirmed" });
  });

  it("only the victim's click on the link the attacker's signup triggered links the attacker's browser (R0.2)", async () => {
    const site = await freshSite();
    const victim = await victimOf(site);
    const attacker = await newVisitor(site);
    expect((await postSignup(site.id, signupBody({ email: victim.email, locale: "fr" }), { headers: auth(attacker.token!) })).status).toBe(202);
    // The link went to the victim's mailbox, not to the attacker.
    const message = (await messagesTo(site.id, victim.email)).at(-1)!;
    expect(await linkRows(site.id)).toEqual([expect.objectContaining({ visitor_id: victim.visitor.visitorId })]);
    expect(await listsOf(site.id, attacker.token!)).toEqual({ "marketing-email": "pending" });

    // The mailbox confirms the attacker's request: that proves control of the mailbox, so the
    // browser that asked is linked, and the subscription takes that request's language.
    expect((await postConfirm(site.id, confirmToken(message, site.id))).status).toBe(200);
    expect((await linkRows(site.id)).map((l) => l.visitor_id).sort()).toEqual([attacker.visitorId, victim.visitor.visitorId].sort());
    expect(await listsOf(site.id, attacker.token!)).toEqual({ "marketing-email": "confirmed" });
    expect(await subscriptionRows(site.id)).toMatchObject([{ status: "confirmed", email: victim.email.toLowerCase(), locale: "fr" }]);
  });

  it("the same answer for an address that is unknown, pending, confirmed, unsubscribed, suppressed or erased", async () => {
    const site = await freshSite();
    const signup = (email: string, token?: string) => postSignup(site.id, signupBody({ email, lists: ["marketing-email", "blog"] }), token ? { headers: auth(token) } : {});
    // Each history, built through the public API (or, for a bare suppression, as an import would leave it).
    const histories: Record<string, () => Promise<string>> = {
      unknown: async () => newAddress(),
      pending: async () => {
        const email = newAddress();
        expect((await signup(email)).status).toBe(202);
        return email;
      },
      confirmed: async () => confirmedSubscriber(site.id, ["marketing-email", "blog"]),
      "confirmed for one list": async () => confirmedSubscriber(site.id, ["blog"]),
      unsubscribed: async () => {
        const email = await confirmedSubscriber(site.id, ["marketing-email", "blog"]);
        expect((await oneClick(`${await unsubscribePath(site.id, "blog", email)}?all=1`)).status).toBe(200);
        return email;
      },
      suppressed: async () => {
        const email = newAddress();
        for (const list of ["marketing-email", "blog"])
          await env.LEDGER.prepare(`INSERT INTO suppressions (site_id, list_id, email_hash, reason, created_at) VALUES (?1, ?2, ?3, 'erase', ?4)`)
            .bind(site.id, list, await emailHash(workerEnv, email), new Date().toISOString())
            .run();
        return email;
      },
      erased: async () => {
        const visitor = await newVisitor(site);
        const email = newAddress();
        expect((await signup(email, visitor.token!)).status).toBe(202);
        for (const m of await messagesTo(site.id, email)) expect((await postConfirm(site.id, confirmToken(m, site.id))).status).toBe(200);
        expect((await eraseMe(site.id, visitor.token!)).status).toBe(200);
        return email;
      },
    };
    const attacker = await newVisitor(site);
    const answers = new Map<string, unknown>();
    for (const [history, make] of Object.entries(histories)) {
      const email = await make();
      // Right after the history, and again: throttled or not, the answer does not change.
      for (const attempt of [1, 2]) {
        answers.set(`${history} #${attempt}`, await answerShape(await signup(email, attacker.token!)));
        answers.set(`${history} #${attempt} without a token`, await answerShape(await signup(email.toUpperCase())));
      }
    }
    const distinct = new Set([...answers.values()].map((a) => JSON.stringify(a)));
    expect(distinct.size, JSON.stringify([...answers], null, 1)).toBe(1);
    expect([...answers.values()][0]).toMatchObject({ status: 202, body: { status: "pending", lists: ["marketing-email", "blog"] } });
    // Whatever the histories, the attacker's browser sees its own requests as pending, nothing else.
    expect(await listsOf(site.id, attacker.token!)).toEqual({ blog: "pending", "marketing-email": "pending" });
  });
});

describe("an unsubscribe forgets the address", () => {
  it("removes the clear-text address from subscriptions and from the requests it voids; the proof stays, by hash (R5.7)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["marketing-email"]);
    const hash = await emailHash(workerEnv, email);
    // A renewal asked for later, still waiting in the inbox.
    await ageSendLog(site.id, 11);
    expect((await postSignup(site.id, signupBody({ email }))).status).toBe(202);
    expect((await subscriptionRows(site.id))[0]!.email).toBe(email.toLowerCase());
    expect((await requestRows(site.id)).filter((r) => r.email !== null)).toHaveLength(1);

    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);

    expect(await subscriptionRows(site.id)).toMatchObject([{ status: "unsubscribed", email: null, email_hash: hash }]);
    const requests = await requestRows(site.id);
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.email === null && r.used_at !== null && r.email_hash === hash)).toBe(true);
    const events = await eventRows(site.id);
    expect(events.map((e) => e.kind)).toEqual(["signup", "confirm", "signup", "unsubscribe"]);
    expect(events.every((e) => e.email_hash === hash)).toBe(true);
    // Nowhere in the email tables (the outbox aside: it is what was sent) is the address left.
    const stored = JSON.stringify({
      subscriptions: await subscriptionRows(site.id),
      requests,
      events,
      suppressions: await suppressionRows(site.id),
      sends: await sendRows(site.id),
      links: await linkRows(site.id),
    });
    expect(stored.toLowerCase()).not.toContain(email.toLowerCase());
    expect(stored).toContain(hash);
  });
});

describe("the signup form cannot pester a mailbox", () => {
  it("signup → unsubscribe → signup within 10 minutes: one message; the second is recorded as pending without one", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const email = newAddress();
    const first = await answerShape(await postSignup(site.id, signupBody({ email })));
    expect((await oneClick(await unsubscribePath(site.id, "marketing-email", email))).status).toBe(200);
    const sends = await sendRows(site.id);

    const second = await answerShape(await postSignup(site.id, signupBody({ email }), { headers: auth(visitor.token!) }));
    expect(second).toEqual(first);
    expect(await messagesTo(site.id, email)).toHaveLength(1);
    expect(await sendRows(site.id)).toEqual(sends);
    // The browser that asked sees "pending", as after any signup: whether the address got a
    // message lately does not show. Without a message the request can never be confirmed.
    expect(((await (await getMe(site.id, visitor.token!, "/subscriptions")).json()) as VisitorSubscriptions).lists).toEqual({ "marketing-email": "pending" });
    expect((await requestRows(site.id)).filter((r) => r.used_at === null)).toHaveLength(1);
  });

  it("an erasure does not reset the limit either", async () => {
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const email = newAddress();
    expect((await postSignup(site.id, signupBody({ email }), { headers: auth(visitor.token!) })).status).toBe(202);
    expect((await postConfirm(site.id, confirmToken((await messagesTo(site.id, email))[0]!, site.id))).status).toBe(200);
    expect((await eraseMe(site.id, visitor.token!)).status).toBe(200);
    expect(await subscriptionRows(site.id)).toEqual([]);

    const again = await newVisitor(site);
    expect((await postSignup(site.id, signupBody({ email }), { headers: auth(again.token!) })).status).toBe(202);
    expect(await messagesTo(site.id, email)).toHaveLength(1);
    expect(await sendRows(site.id)).toHaveLength(1);
  });

  it("four signups of one address across lists and time → at most 3 messages in a day; the next day one more", async () => {
    const site = await freshSite();
    const email = newAddress();
    const steps: [string, number][] = [
      ["marketing-email", 0],
      ["blog", 0],
      ["marketing-email", 11],
      ["blog", 11],
    ];
    const answers = [];
    for (const [list, minutes] of steps) {
      await ageSendLog(site.id, minutes);
      answers.push(await answerShape(await postSignup(site.id, signupBody({ email, lists: [list] }))));
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    expect(await messagesTo(site.id, email)).toHaveLength(3);
    expect(await sendRows(site.id)).toHaveLength(3);
    // All four are recorded (the same answer and /me for each), one of them without a message.
    expect(await requestRows(site.id)).toHaveLength(4);
    // The limit counts every list: the fourth (blog, 11 minutes after its first) sent nothing.
    expect((await messagesTo(site.id, email)).filter((m) => m.text_body.includes("Blog updates"))).toHaveLength(1);

    // A day later the address may get a message again.
    await ageSendLog(site.id, 24 * 60);
    expect((await postSignup(site.id, signupBody({ email, lists: ["blog"] }))).status).toBe(202);
    expect(await messagesTo(site.id, email)).toHaveLength(4);
  });

  it("the site's daily cap → 429 email_quota_exceeded for the next signup, which writes and sends nothing", async () => {
    const site = await freshSite((c) => {
      c.email!.dailyConfirmationLimit = 2;
    });
    for (let i = 0; i < 2; i++) expect((await postSignup(site.id, signupBody())).status).toBe(202);
    const state = { requests: await requestRows(site.id), sends: await sendRows(site.id), events: await eventRows(site.id), outbox: await outboxRows(site.id) };
    expect(state.outbox).toHaveLength(2);

    const third = newAddress();
    const res = await postSignup(site.id, signupBody({ email: third }));
    const retryAfter = res.headers.get("Retry-After");
    await expectProblem(res, 429, "email_quota_exceeded");
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect({ requests: await requestRows(site.id), sends: await sendRows(site.id), events: await eventRows(site.id), outbox: await outboxRows(site.id) }).toEqual(state);

    // The cap is the site's: another site is not held up.
    const other = await freshSite();
    expect((await postSignup(other.id, signupBody({ email: third }))).status).toBe(202);
  });
});

describe("a confirmation message that cannot be sent", () => {
  async function fetchWith(request: Request, over: Partial<Env> = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await app.fetch(request, { ...workerEnv, ...over }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("no working mail provider → 503 email_unavailable with Retry-After, nothing written; the retry sends", async () => {
    const site = await freshSite();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const body = signupBody();
    const res = await fetchWith(signupRequest(site.id, body), { MAIL_PROVIDER: "nope" });
    const retryAfter = res.headers.get("Retry-After");
    await expectProblem(res, 503, "email_unavailable");
    expect(Number(retryAfter)).toBeGreaterThan(0);
    await expectNoEmailState(site.id);
    expect(logged).toHaveBeenCalled();

    expect((await fetchWith(signupRequest(site.id, body))).status).toBe(202);
    expect(await messagesTo(site.id, body.email)).toHaveLength(1);
  });

  it("the provider refuses the message → 503; the request, send-log entry, event and webhook event are withdrawn; an immediate retry sends", async () => {
    const site = await freshSite();
    const key = (await insertApiKey(site.id)).secret;
    const hook = `https://hooks.test/${crypto.randomUUID()}`;
    const created = await call(`/v1/sites/${site.id}/admin/webhooks`, {
      method: "POST",
      headers: { ...auth(key), "Content-Type": "application/json" },
      body: JSON.stringify({ url: hook, events: ["subscription.pending"] }),
    });
    expect(created.status).toBe(201);
    const postmark = { MAIL_PROVIDER: "postmark", POSTMARK_SERVER_TOKEN: "test-server-token", POSTMARK_API_URL: "https://postmark.test" };
    const providerCalls: string[] = [];
    const hookCalls: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      if (request.url === "https://postmark.test/email") {
        providerCalls.push(await request.text());
        return Response.json({ ErrorCode: 406, Message: "You tried to send to a recipient that has been marked as inactive." }, { status: 422 });
      }
      if (request.url === hook) {
        hookCalls.push(await request.text());
        return new Response(null, { status: 204 });
      }
      throw new Error(`unexpected fetch of ${request.url}`);
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const visitor = await newVisitor(site);
    const email = newAddress();
    const body = signupBody({ email });
    const events = async () =>
      (await env.LEDGER.prepare(`SELECT type FROM webhook_events WHERE site_id = ?1 AND type LIKE 'subscription.%'`).bind(site.id).all<{ type: string }>()).results;

    const res = await fetchWith(signupRequest(site.id, body, { headers: auth(visitor.token!) }), postmark);
    const retryAfter = res.headers.get("Retry-After");
    await expectProblem(res, 503, "email_unavailable");
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // A 4xx is the message's fault: one attempt, not retried.
    expect(providerCalls).toHaveLength(1);
    expect(JSON.parse(providerCalls[0]!)).toMatchObject({ To: email.toLowerCase() });
    await expectNoEmailState(site.id);
    expect(await events()).toEqual([]);
    expect(hookCalls).toEqual([]);
    expect(await listsOf(site.id, visitor.token!)).toEqual({});
    // The log says what failed, never to whom.
    const lines = logged.mock.calls.map((c) => c.map(String).join(" ")).join("\n");
    expect(lines).toContain("confirmation email failed");
    expect(lines.toLowerCase()).not.toContain(email.toLowerCase());

    // At once, with a working provider: the throttle log was withdrawn too, so it sends.
    expect((await fetchWith(signupRequest(site.id, body, { headers: auth(visitor.token!) }))).status).toBe(202);
    expect(await messagesTo(site.id, email)).toHaveLength(1);
    expect(await requestRows(site.id)).toHaveLength(1);
    expect(await sendRows(site.id)).toHaveLength(1);
    expect((await eventRows(site.id)).map((e) => e.kind)).toEqual(["signup"]);
    expect(await events()).toEqual([{ type: "subscription.pending" }]);
    expect(await listsOf(site.id, visitor.token!)).toEqual({ "marketing-email": "pending" });
  });
});

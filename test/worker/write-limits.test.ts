/**
 * Every state-changing endpoint is rate limited (wrangler.toml WRITE_LIMIT: 20 per 10 s per
 * key), including the ones outside the per-site API: the confirmation and one-click unsubscribe
 * POSTs and the logout. A limited request changes nothing and says when to retry.
 */
import { describe, expect, it } from "vitest";
import { confirmToken, confirmedSubscriber, oneClick, outboxRows, postConfirm, postSignup, requestRows, signupBody, subscriptionRows, unsubscribePath } from "./email-helpers";
import { ORIGIN, auth, call, decisionBody, expectProblem, freshSite, getMe, ledgerRows, newVisitor, postDecision, randomIp, withinOneRateWindow } from "./helpers";
import { identified, sign, siteWithSecret } from "./identity-helpers";

async function statuses(n: number, send: () => Promise<Response>): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < n; i++) answers.push(await send());
  return answers;
}

describe("rate limits of decisions and signups (R6.10)", () => {
  it("decisions with one token: 20 per 10 s, then 429 with nothing recorded; another visitor is not held up", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const other = await newVisitor(site);
    // Each from another network: the limit is the visitor's, not the network's.
    const answers = await statuses(21, () => postDecision(site.id, decisionBody(site, { action: "reject_all" }), { token: visitor.token!, headers: { "CF-Connecting-IP": randomIp() } }));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(200));
    await expectProblem(answers[20]!, 429, "rate_limited");
    expect((await ledgerRows(site.id)).filter((r) => r.visitor_id === visitor.visitorId)).toHaveLength(21);
    expect((await postDecision(site.id, decisionBody(site), { token: other.token! })).status).toBe(200);
  });

  it("a visitor's history reads (/me/receipts and /me/export, which may read archived segments) with one token: 20 per 10 s together, then 429; another visitor is not held up", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const visitor = await newVisitor(site);
    const other = await newVisitor(site);
    let n = 0;
    const answers = await statuses(21, () => getMe(site.id, visitor.token!, n++ % 2 ? "/export" : "/receipts"));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(answers[20]!.headers.get("Retry-After")).toBe("10");
    await expectProblem(answers[20]!, 429, "rate_limited");
    expect((await getMe(site.id, other.token!, "/receipts")).status).toBe(200);
    // The visitor's current state is not a history read: it is not held up.
    expect((await getMe(site.id, visitor.token!)).status).toBe(200);
  });

  it("signups from one network: 20 per 10 s, then 429 with nothing recorded or sent; another network is not held up", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const answers = await statuses(21, () => postSignup(site.id, signupBody(), { headers: { "CF-Connecting-IP": "203.0.113.50" } }));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(202));
    await expectProblem(answers[20]!, 429, "rate_limited");
    expect(await requestRows(site.id)).toHaveLength(20);
    expect(await outboxRows(site.id)).toHaveLength(20);
    // The same /24 shares the limit; another network does not.
    await expectProblem(await postSignup(site.id, signupBody(), { headers: { "CF-Connecting-IP": "203.0.113.51" } }), 429, "rate_limited");
    expect((await postSignup(site.id, signupBody(), { headers: { "CF-Connecting-IP": "198.51.100.50" } })).status).toBe(202);
  });
});

describe("rate limits outside the per-site API (R6.10)", () => {
  it("one-click unsubscribe: 20 POSTs of one link per 10 s, then 429 with Retry-After", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const path = await unsubscribePath(site.id, "blog", await confirmedSubscriber(site.id, ["blog"]));
    const answers = await statuses(22, () => oneClick(path));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of answers.slice(20)) {
      expect(r.status).toBe(429);
      expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(r.headers.get("Content-Type")).toContain("text/html");
    }
    // Another address's link on the same site is not limited by that flood.
    expect((await oneClick(await unsubscribePath(site.id, "blog", await confirmedSubscriber(site.id, ["blog"])))).status).toBe(200);
  });

  it("confirmation: 20 POSTs of one link per 10 s, then 429; a limited POST confirms nothing", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await freshSite();
    const body = signupBody({ lists: ["blog"] });
    expect((await postSignup(site.id, body)).status).toBe(202);
    const token = confirmToken((await outboxRows(site.id))[0]!, site.id);
    const answers = await statuses(21, () => postConfirm(site.id, `${token}x`));
    expect(answers.slice(0, 20).every((r) => r.status === 400)).toBe(true);
    expect(answers[20]!.status).toBe(429);
    expect(await subscriptionRows(site.id)).toEqual([]);
  });

  it("logout (DELETE /identify): limited per visitor like decisions", async () => {
    await withinOneRateWindow(10, 4000);
    const site = await siteWithSecret();
    const person = await identified(site.id, await sign(site.secret, site.id, "limit-1"));
    const logout = () => call(`/v1/sites/${site.id}/identify`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(person.token) } });
    const answers = await statuses(21, logout);
    expect(answers[0]!.status).toBe(204);
    // Already revoked: refused; and past the limit, refused before any lookup.
    for (const r of answers.slice(1, 20)) await expectProblem(r, 401, "token_revoked");
    await expectProblem(answers[20]!, 429, "rate_limited");
  });
});

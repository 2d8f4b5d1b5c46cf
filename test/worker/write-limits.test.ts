/**
 * Every state-changing endpoint is rate limited (wrangler.toml WRITE_LIMIT: 20 per 10 s per
 * key), including the ones outside the per-site API: the confirmation and one-click unsubscribe
 * POSTs and the logout. A limited request changes nothing and says when to retry.
 */
import { describe, expect, it } from "vitest";
import { confirmToken, oneClick, outboxRows, postConfirm, postSignup, signupBody, subscriptionRows, unsubscribePath } from "./email-helpers";
import { ORIGIN, auth, call, expectProblem, freshSite } from "./helpers";
import { identified, sign, siteWithSecret } from "./identity-helpers";

async function statuses(n: number, send: () => Promise<Response>): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < n; i++) answers.push(await send());
  return answers;
}

describe("rate limits outside the per-site API", () => {
  it("one-click unsubscribe: 20 POSTs of one link per 10 s, then 429 with Retry-After", async () => {
    const site = await freshSite();
    const path = await unsubscribePath(site.id, "blog", "flood@example.com");
    const answers = await statuses(22, () => oneClick(path));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of answers.slice(20)) {
      expect(r.status).toBe(429);
      expect(Number(r.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(r.headers.get("Content-Type")).toContain("text/html");
    }
    // Another address's link on the same site is not limited by that flood.
    expect((await oneClick(await unsubscribePath(site.id, "blog", "someone.else@example.com"))).status).toBe(200);
  });

  it("confirmation: 20 POSTs of one link per 10 s, then 429; a limited POST confirms nothing", async () => {
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

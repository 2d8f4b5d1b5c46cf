/**
 * No visitor request lists KV (R6.9): a KV `list()` costs a billed operation, is eventually
 * consistent and grows with the site, so it belongs to bounded admin jobs only
 * (worker/lib/kv-pages.ts). Here every request a visitor's browser, inbox or rights form makes
 * goes through the app with `list()` failing on both KV namespaces (everything else real): each
 * one still answers as usual. The erase-all job, which does list, answers 503 under the same
 * fault (bulk-erasure.test.ts), so the fault is one a lister would meet.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConsentResponse } from "../../worker/contract";
import { confirmToken, outboxRows, signupBody, signupRequest } from "./email-helpers";
import { envWith, failing, fetchWith } from "./fault-helpers";
import { BASE, ORIGIN, auth, decisionBody, decisionRequest, freshSite, randomIp } from "./helpers";

const noList = () => envWith({ PREFS: failing(env.PREFS, "list"), SITES: failing(env.SITES, "list") });

describe("a visitor's requests never list KV keys (R6.9)", () => {
  it("bootstrap, decisions, /me and its exports, a signup and its confirmation, a rights request and erasure all answer with list() broken", async () => {
    const site = await freshSite();
    const broken = noList();
    const send = async (label: string, request: Request, expected: number[]) => {
      const res = await fetchWith(request, broken);
      const body = await res.text();
      expect(expected, `${label}: ${res.status} ${body.slice(0, 200)}`).toContain(res.status);
      return body;
    };
    const get = (path: string, token?: string) =>
      new Request(`${BASE}${path}`, { headers: { Origin: ORIGIN, "CF-Connecting-IP": randomIp(), ...(token ? auth(token) : {}) } });

    await send("bootstrap", get(`/v1/sites/${site.id}/bootstrap?lang=en`), [200]);
    const first = JSON.parse(await send("first decision", decisionRequest(site.id, decisionBody(site, { action: "reject_all" })), [201])) as ConsentResponse;
    const token = first.token!;
    await send("changed decision", decisionRequest(site.id, decisionBody(site, { action: "accept_all" }), { token }), [200]);
    for (const sub of ["", "/receipts", "/subscriptions", "/export"]) await send(`GET /me${sub}`, get(`/v1/sites/${site.id}/me${sub}`, token), [200]);

    const signup = signupBody();
    await send("signup", signupRequest(site.id, signup, { headers: auth(token) }), [202]);
    const message = (await outboxRows(site.id)).filter((m) => m.to_address === signup.email.toLowerCase()).at(-1)!;
    const confirm = confirmToken(message, site.id);
    await send("confirm page", get(`/e/${site.id}/confirm/${confirm}`), [200]);
    await send(
      "confirm",
      new Request(`${BASE}/e/${site.id}/confirm/${confirm}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" }),
      [200, 303],
    );
    await send("rights page", get(`/r/${site.id}`), [200]);
    await send(
      "rights request",
      new Request(`${BASE}/v1/sites/${site.id}/rights/requests`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: ORIGIN, "CF-Connecting-IP": randomIp() },
        body: JSON.stringify({ type: "opt_out", email: signup.email }),
      }),
      [201, 202],
    );
    await send("erasure", new Request(`${BASE}/v1/sites/${site.id}/me`, { method: "DELETE", headers: { Origin: ORIGIN, ...auth(token) } }), [200, 204]);
  });
});

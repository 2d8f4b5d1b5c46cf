/**
 * One-click unsubscribe links live for years in inboxes (R5.6), so they have a key ring of their
 * own: they keep working after any number of visitor-token key rotations, and after rotations
 * of their own ring as long as the old key stays in it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailHash } from "../../worker/email/address";
import { openUnsubscribeToken, signUnsubscribeToken } from "../../worker/email/links";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { confirmedSubscriber, subscriptionRows, workerEnv } from "./email-helpers";
import { BASE, b64url, freshSite, keySetting } from "./helpers";

const secret = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
const withKeys = (over: Partial<Env>): Env => ({ ...workerEnv, ...over });

async function oneClickWith(e: Env, token: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}/u/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the unsubscribe link key ring", () => {
  it("a link keeps working after three rotations of the visitor-token keys (R5.6)", async () => {
    const site = await freshSite();
    const email = await confirmedSubscriber(site.id, ["blog"]);
    const token = await signUnsubscribeToken(workerEnv, site.id, "blog", await emailHash(workerEnv, email));
    let rotated = workerEnv;
    for (let i = 0; i < 3; i++) rotated = withKeys({ ...rotated, TOKEN_KEY_PREVIOUS: rotated.TOKEN_KEY_CURRENT, TOKEN_KEY_CURRENT: `r${i}:${secret()}` });
    expect((await oneClickWith(rotated, token)).status).toBe(200);
    expect((await subscriptionRows(site.id))[0]!.status).toBe("unsubscribed");
  });

  it("its own ring rotates by adding keys in front: every key in the ring verifies, the newest signs (R5.6, R6.12)", async () => {
    const k1 = `k1:${secret()}`;
    const one = withKeys({ UNSUBSCRIBE_KEYS: k1 });
    const old = await signUnsubscribeToken(one, "s", "blog", "hash");
    const three = withKeys({ UNSUBSCRIBE_KEYS: `k3:${secret()},k2:${secret()},${k1}` });
    expect(await openUnsubscribeToken(three, old)).toMatchObject({ s: "s", l: "blog", e: "hash" });
    const fresh = await signUnsubscribeToken(three, "s", "blog", "hash");
    expect(fresh.split(".")[1]).toBe("k3");
    // A key taken out of the ring (it leaked) stops verifying.
    expect(await openUnsubscribeToken(withKeys({ UNSUBSCRIBE_KEYS: `k3:${secret()}` }), old)).toBeNull();
  });

  it("without UNSUBSCRIBE_KEYS a key derived from EMAIL_HASH_KEY signs; `e1` in a later ring keeps those links (R5.6, R6.12)", async () => {
    const derived = withKeys({ UNSUBSCRIBE_KEYS: undefined });
    const token = await signUnsubscribeToken(derived, "s", "blog", "hash");
    expect(token.split(".")[1]).toBe("e1");
    expect(await openUnsubscribeToken(withKeys({ UNSUBSCRIBE_KEYS: `k9:${secret()},e1` }), token)).toMatchObject({ e: "hash" });
  });

  it("links made before the ring existed (u1, visitor-token keys) still verify (R5.6)", async () => {
    const { kid, secret: key } = keySetting(env.TOKEN_KEY_CURRENT);
    const enc = new TextEncoder();
    const signed = `u1.${kid}.${b64url(enc.encode(JSON.stringify({ s: "s", l: "blog", e: "hash", iat: 1 })))}`;
    const hmac = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const legacy = `${signed}.${b64url(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, enc.encode(signed))))}`;
    expect(await openUnsubscribeToken(workerEnv, legacy)).toMatchObject({ s: "s", l: "blog", e: "hash" });
  });

  it("a malformed ring is a deployment mistake: 500 server_misconfigured, never a silently invalid link", async () => {
    await expect(signUnsubscribeToken(withKeys({ UNSUBSCRIBE_KEYS: "k1:short" }), "s", "blog", "hash")).rejects.toMatchObject({ code: "server_misconfigured" });
  });
});

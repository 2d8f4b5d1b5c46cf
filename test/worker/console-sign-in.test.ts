/**
 * The console without Cloudflare Access: one-time sign-in links, sessions, the Origin check,
 * and what a signed-out or signed-in person can reach.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { app } from "../../worker/app";
import { describe, expect, it } from "vitest";
import { createSession } from "../../worker/console/store";
import type { ConsoleMe } from "../../worker/contract";
import { sha256Hex } from "../../worker/lib/sha256";
import { auditRows, consoleCall, freshEmail, grant, linkToken, postSignIn, signIn } from "./console-helpers";
import { BASE, call, expectProblem, freshSite, randomIp } from "./helpers";

describe("one-time sign-in links", () => {
  it("the link's page signs nobody in; its button does, once, with a strict session cookie", async () => {
    const site = await freshSite();
    const email = freshEmail();
    await grant(site.id, email, "owner");
    const token = await linkToken(email);

    // A GET (a mail scanner, a link preview) shows a button and uses nothing.
    const page = await call(`/console/sign-in?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Set-Cookie")).toBeNull();
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/console/sign-in">');
    expect(html).not.toContain(email);

    const res = await postSignIn(token);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/console");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^assent_console=[A-Za-z0-9_-]{43};/);
    for (const attr of ["Path=/console", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=28800"]) expect(cookie).toContain(attr);
    const session = cookie.split(";")[0]!;

    const me = await consoleCall(session, "/api/me");
    expect(me.status).toBe(200);
    expect(me.headers.get("Cache-Control")).toBe("no-store");
    const body = (await me.json()) as ConsoleMe;
    expect(body).toMatchObject({ email, via: "link", sites: [{ id: site.id, role: "owner", name: site.config.name }] });
    expect(Date.parse(body.sessionExpiresAt!)).toBeGreaterThan(Date.now() + 7 * 3600_000);

    // Used: the same link again gets the refusal page, and no cookie.
    const again = await postSignIn(token);
    expect(again.status).toBe(400);
    expect(again.headers.get("Set-Cookie")).toBeNull();
    expect(await again.text()).toContain("This sign-in link cannot be used");

    // The sign-in is in the person's own activity.
    expect((await auditRows(null, email)).map((r) => r.action)).toEqual(["session.sign_in"]);
  });

  it("refuses a link older than ten minutes, an unknown one and a malformed one alike", async () => {
    const email = freshEmail();
    const old = await linkToken(email, 10 * 60_000 + 1_000);
    const unknown = "A".repeat(43);
    for (const token of [old, unknown, "short", `${old}x`]) {
      const res = await postSignIn(token);
      expect(res.status, token).toBe(400);
      expect(res.headers.get("Set-Cookie")).toBeNull();
    }
    expect(await auditRows(null, email)).toEqual([]);
  });

  it("two sign-ins racing with one link: exactly one gets a session", async () => {
    const email = freshEmail();
    const token = await linkToken(email);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postSignIn(token)));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400]);
    const { results } = await env.LEDGER.prepare(`SELECT COUNT(*) AS n FROM console_sessions WHERE email = ?1`).bind(email).all<{ n: number }>();
    expect(results[0]!.n).toBe(1);
  });

  it("a sign-in form posted from another origin, or without one, is refused and leaves the link usable", async () => {
    const email = freshEmail();
    const token = await linkToken(email);
    await expectProblem(await postSignIn(token, { Origin: "https://evil.example" }), 403, "origin_refused");
    await expectProblem(await postSignIn(token, {}), 403, "origin_refused");
    expect((await postSignIn(token)).status).toBe(303);
  });
});

describe("signed out", () => {
  it("gets the sign-in page or a 401 problem, never data", async () => {
    const site = await freshSite();
    const home = await call("/console", { redirect: "manual" });
    expect(home.status).toBe(303);
    expect(home.headers.get("Location")).toBe("/console/sign-in");
    const signInPage = await call("/console/sign-in");
    expect(signInPage.status).toBe(401);
    expect(await signInPage.text()).toContain("npm run sites -- console-link");
    for (const path of ["/api/me", `/api/sites/${site.id}/audit`, `/api/sites/${site.id}/members`, "/api/nothing-here"])
      await expectProblem(await consoleCall(null, path), 401, "signed_out");
    // A cookie that is no session of ours is signed out too, whatever its shape.
    for (const cookie of ["assent_console=" + "B".repeat(43), "assent_console=../../etc", "assent_console="])
      await expectProblem(await consoleCall(cookie, "/api/me"), 401, "signed_out");
  });

  it("an expired session is signed out", async () => {
    const email = freshEmail();
    const value = "C".repeat(42) + String(Math.floor(Math.random() * 10));
    await createSession(env, await sha256Hex(value), email, new Date(Date.now() - 8 * 3600_000 - 1_000));
    await expectProblem(await consoleCall(`assent_console=${value}`, "/api/me"), 401, "signed_out");
  });
});

describe("sessions", () => {
  it("sign-out revokes the session on the server, not only the cookie", async () => {
    const email = freshEmail();
    const session = await signIn(email);
    const out = await consoleCall(session, "/sign-out", { method: "POST" });
    expect(out.status).toBe(303);
    expect(out.headers.get("Location")).toBe("/console/sign-in");
    expect(out.headers.get("Set-Cookie")).toMatch(/^assent_console=;.*Max-Age=0/);
    // The old cookie, replayed, is worth nothing.
    await expectProblem(await consoleCall(session, "/api/me"), 401, "signed_out");
  });

  it("sign out everywhere ends every session of the person, and no one else's", async () => {
    const email = freshEmail();
    const other = freshEmail();
    const [a, b, c] = [await signIn(email), await signIn(email), await signIn(other)];
    const out = await consoleCall(a, "/sign-out", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "everywhere=1",
    });
    expect(out.status).toBe(303);
    await expectProblem(await consoleCall(b, "/api/me"), 401, "signed_out");
    expect((await consoleCall(c, "/api/me")).status).toBe(200);
    expect((await auditRows(null, email)).map((r) => r.action)).toEqual(["session.sign_in", "session.sign_in", "session.sign_out_everywhere"]);
  });

  it("a sign-out from another origin is refused: the session lives on", async () => {
    const session = await signIn(freshEmail());
    await expectProblem(await consoleCall(session, "/sign-out", { method: "POST", origin: "https://evil.example" }), 403, "origin_refused");
    expect((await consoleCall(session, "/api/me")).status).toBe(200);
  });

  it("the shell loads the app for a signed-in person, under a strict CSP", async () => {
    const session = await signIn(freshEmail());
    const res = await consoleCall(session, "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toMatch(/script-src 'self';/);
    expect(await res.text()).toMatch(/<script type="module" src="\/console\/v\/[^"]+\/app\.js"><\/script>/);
  });
});

describe("visitors", () => {
  it("still never get a cookie: a Set-Cookie outside /console is dropped (R7.1)", async () => {
    const site = await freshSite();
    const res = await call(`/v1/sites/${site.id}/bootstrap`, { headers: { Origin: BASE, Cookie: "assent_console=" + "D".repeat(43) } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("email me a link", () => {
  /** The app with CONSOLE_MAIL_FROM set (the outbox mailer, as in development). */
  async function requestLink(email: string, from: string | null = "console@example.com"): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/console/sign-in/email`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: BASE, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp() },
        body: new URLSearchParams({ email }).toString(),
      }),
      { ...env, CONSOLE_MAIL_FROM: from ?? undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }
  const outbox = async (to: string) =>
    (await env.LEDGER.prepare(`SELECT from_address, subject, text_body FROM outbox WHERE to_address = ?1`).bind(to).all<{ from_address: string; subject: string; text_body: string }>()).results;

  it("sends a working link to a member, and answers a stranger the same without sending anything", async () => {
    const site = await freshSite();
    const member = freshEmail();
    const stranger = freshEmail("stranger");
    await grant(site.id, member, "viewer");

    const [a, b] = [await requestLink(member.toUpperCase()), await requestLink(stranger)];
    expect([a.status, b.status]).toEqual([200, 200]);
    const [pageA, pageB] = [await a.text(), await b.text()];
    expect(pageA.replace(member, "X")).toBe(pageB.replace(stranger, "X"));

    expect(await outbox(stranger)).toEqual([]);
    const [message] = await outbox(member);
    expect(message).toMatchObject({ from_address: "console@example.com", subject: "Your sign-in link for the Assent console" });
    const token = /\/console\/sign-in\?token=([A-Za-z0-9_-]{43})/.exec(message!.text_body)![1]!;
    expect((await postSignIn(token)).status).toBe(303);
  });

  it("is not offered when no sender is configured, and refuses what is not an address", async () => {
    await expectProblem(await requestLink(freshEmail(), null), 404, "not_found");
    const res = await requestLink("not an address");
    expect(res.status).toBe(400);
  });
});

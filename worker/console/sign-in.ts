/**
 * Signing in to the console without Cloudflare Access: one-time links.
 *
 * - `GET /console/sign-in?token=…`: a page whose button signs in. A GET never uses the link, so
 *   a mail scanner or a link preview that follows it signs nobody in.
 * - `POST /console/sign-in` (form `token`): uses the link once (ten minutes after it was made at
 *   most; ./store.ts `useLink`), starts a session of SESSION_TTL_MS and sets its cookie
 *   (./auth.ts), then 303 to /console. A used, expired or unknown link gets the same 400 page.
 * - `POST /console/sign-in/email` (form `email`): "email me a link", when CONSOLE_MAIL_FROM is
 *   set. The answer is the same whether or not the address has a role anywhere (no one learns
 *   who uses the console); a link is made and sent only when it has.
 * - `POST /console/sign-out`: revokes this session (or, with `everywhere=1`, every session of
 *   the person), clears the cookie, 303 to the sign-in page.
 *
 * Links are made by `npm run sites -- console-link <email>` (scripts/console-cli.ts, which
 * `npm start` runs for the local owner) or by the form above. With Access configured, links
 * are refused: Access's policy decides who gets in.
 */
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { ConsoleLinkRequestForm, ConsoleSignInForm } from "../contract";
import { mailerFor } from "../email/mailer";
import { escapeHtml } from "../email/messages";
import { base64url } from "../lib/base64url";
import { ApiError } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { type ConsoleEnv, SESSION_COOKIE, usesAccess } from "./auth";
import { consolePage } from "./pages";
import { LINK_TTL_MS, SESSION_TTL_MS, createLink, createSession, revokeSessions, rolesOf, useLink } from "./store";

/** A new random secret (link token or session value): 32 bytes, base64url. */
export function newSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Makes a sign-in link for `email` on `origin` and stores its hash; returns the URL. */
export async function makeSignInLink(env: ConsoleEnv["Bindings"], origin: string, email: string, now = new Date()): Promise<string> {
  const token = newSecret();
  await createLink(env, await sha256Hex(token), email, now);
  return `${origin}/console/sign-in?token=${token}`;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The form fields of a urlencoded or multipart body, or {} when it has none. */
async function formOf(req: Request): Promise<Record<string, string>> {
  try {
    const form = await req.formData();
    const out: Record<string, string> = {};
    for (const [k, v] of form) if (typeof v === "string" && v.length <= 1_000) out[k] = v;
    return out;
  } catch {
    return {};
  }
}

const linkHelp = (c: { env: ConsoleEnv["Bindings"] }) =>
  `<p>Ask for a sign-in link: <code>npm run sites -- console-link you@example.com</code> prints one (add <code>--remote --origin https://your-worker</code> for a deployed Worker).</p>` +
  (c.env.CONSOLE_MAIL_FROM
    ? `<form method="post" action="/console/sign-in/email"><label for="email">Or have one emailed to you</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254"><button type="submit">Email me a sign-in link</button></form>`
    : "");

export const signInRoutes = new Hono<ConsoleEnv>()
  .get("/sign-in", (c) => {
    if (usesAccess(c))
      return consolePage(c, "Sign in through Cloudflare Access", `<p>This console is behind Cloudflare Access. Open it through your Access application; sign-in links are not used here.</p>`, 401);
    const token = c.req.query("token") ?? "";
    if (c.get("user")) return c.redirect("/console", 303);
    if (!TOKEN_SHAPE.test(token)) return consolePage(c, "Sign in to the Assent console", linkHelp(c), 401);
    return consolePage(
      c,
      "Sign in to the Assent console",
      `<p>This link signs you in once, on this browser.</p>
<form method="post" action="/console/sign-in"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Sign in</button></form>`,
    );
  })
  .post("/sign-in", async (c) => {
    if (usesAccess(c)) throw new ApiError(403, "access_required", "Sign in through Cloudflare Access", { detail: "Sign-in links are not used when the console is behind Access." });
    await enforceRateLimit(c.env, rateLimitKey(null, "console-sign-in", clientNetwork(c.req)));
    const form = ConsoleSignInForm.safeParse(await formOf(c.req.raw));
    const now = new Date();
    const email = form.success ? await useLink(c.env, await sha256Hex(form.data.token), now) : null;
    if (!email)
      return consolePage(
        c,
        "This sign-in link cannot be used",
        `<p>It was used already, it is more than ${LINK_TTL_MS / 60_000} minutes old, or it is not a link we made. Ask for a new one.</p>${linkHelp(c)}`,
        400,
      );
    const value = newSecret();
    await createSession(c.env, await sha256Hex(value), email, now);
    setCookie(c, SESSION_COOKIE, value, { path: "/console", httpOnly: true, secure: true, sameSite: "Strict", maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect("/console", 303);
  })
  .post("/sign-in/email", async (c) => {
    const from = c.env.CONSOLE_MAIL_FROM;
    if (!from || usesAccess(c)) throw new ApiError(404, "not_found", "Not found", { detail: "This console does not email sign-in links." });
    await enforceRateLimit(c.env, rateLimitKey(null, "console-link-email", clientNetwork(c.req)));
    const form = ConsoleLinkRequestForm.safeParse(await formOf(c.req.raw));
    if (!form.success) return consolePage(c, "That is not an email address", `<p>Type the address you use for the console.</p>${linkHelp(c)}`, 400);
    const email = form.data.email;
    await enforceRateLimit(c.env, rateLimitKey(null, "console-link-email", { account: email }));
    if ((await rolesOf(c.env, email)).length > 0) {
      const url = await makeSignInLink(c.env, new URL(c.req.url).origin, email);
      await mailerFor(c.env).send({
        siteId: "console",
        from,
        to: email,
        subject: "Your sign-in link for the Assent console",
        text: `Open this link within ${LINK_TTL_MS / 60_000} minutes to sign in to the Assent console. It works once.\n\n${url}\n\nIf you did not ask for it, ignore this message.`,
        html: `<p>Open this link within ${LINK_TTL_MS / 60_000} minutes to sign in to the Assent console. It works once.</p><p><a href="${escapeHtml(url)}">Sign in</a></p><p>If you did not ask for it, ignore this message.</p>`,
        headers: {},
        stream: "transactional",
      });
    }
    return consolePage(c, "Check your inbox", `<p>If ${escapeHtml(email)} may use this console, a sign-in link is on its way. It works once, for ${LINK_TTL_MS / 60_000} minutes.</p>`);
  })
  .post("/sign-out", async (c) => {
    const user = c.get("user");
    if (user?.via === "link") {
      const everywhere = (await formOf(c.req.raw)).everywhere === "1";
      await revokeSessions(c.env, user.email, everywhere ? null : user.sessionHash, new Date());
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: true });
    return c.redirect("/console/sign-in", 303);
  });

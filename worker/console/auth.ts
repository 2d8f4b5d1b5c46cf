/**
 * Who is using the console, and may they do this:
 *
 * - `consoleUser`: resolves the person once per request. With Cloudflare Access configured,
 *   from the verified `Cf-Access-Jwt-Assertion` (./access.ts); otherwise from the session
 *   cookie a one-time sign-in link set (./sign-in.ts). Sets `c.var.user`, or null.
 * - `sameOrigin`: every state-changing request (anything but GET, HEAD, OPTIONS) must carry an
 *   `Origin` equal to the Worker's own: a page elsewhere cannot make a signed-in browser change
 *   anything (the SameSite=Strict cookie already keeps it from being sent; this is the second
 *   lock, and the one that also holds for Access, whose cookie is not ours to set).
 * - `requireUser`: the JSON API answers 401 problem+json to a signed-out request; never data.
 * - `requireRole`: the person's role on the site in the path; no role is a 404 (an owner of one
 *   site learns nothing of another's existence), a viewer doing an owner's thing a 403.
 *
 * The session cookie (`assent_console`) is the one cookie the Worker sets, only here: HttpOnly,
 * Secure, SameSite=Strict, Path=/console, on the Worker's own origin. Visitors never get one.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ConsoleRole } from "../contract";
import { ConsoleSitePath } from "../contract";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import { type AccessRefusal, accessSettings, verifyAccessJwt } from "./access";
import { findSession, roleOn } from "./store";

/** The cookie holding a console session's secret. */
export const SESSION_COOKIE = "assent_console";

/** A signed-in person. */
export interface ConsoleUser {
  email: string;
  via: "access" | "link";
  /** SHA-256 of the session cookie (links); null with Access. */
  sessionHash: string | null;
  sessionExpiresAt: string | null;
}

/** Hono generic for the console: the person (null when signed out) and, under a site, their role. */
export interface ConsoleEnv extends AppEnv {
  Variables: { user: ConsoleUser | null; accessRefusal: AccessRefusal | null; role: ConsoleRole };
}

/** A session cookie's value: 32 random bytes, base64url. Anything else is not looked up. */
const SESSION_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** Whether this deployment signs in through Cloudflare Access (throws when half configured). */
export function usesAccess(c: Context<ConsoleEnv>): boolean {
  return accessSettings(c.env) !== null;
}

/** Resolves `c.var.user` (see the module comment). */
export const consoleUser = createMiddleware<ConsoleEnv>(async function consoleUser(c, next) {
  c.set("user", null);
  c.set("accessRefusal", null);
  let access;
  try {
    access = accessSettings(c.env);
  } catch (err) {
    throw new ApiError(503, "console_misconfigured", "The console is not configured correctly", {
      detail: err instanceof Error ? err.message : String(err),
    });
  }
  if (access) {
    const result = await verifyAccessJwt(c.req.header("Cf-Access-Jwt-Assertion"), access);
    if (result.ok) c.set("user", { email: result.email, via: "access", sessionHash: null, sessionExpiresAt: null });
    else c.set("accessRefusal", result.reason);
  } else {
    const value = getCookie(c, SESSION_COOKIE);
    if (value && SESSION_VALUE.test(value)) {
      const sessionHash = await sha256Hex(value);
      const session = await findSession(c.env, sessionHash, new Date());
      if (session) c.set("user", { email: session.email, via: "link", sessionHash, sessionExpiresAt: session.expires_at });
    }
  }
  await next();
});

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Refuses a state-changing request whose Origin is not the Worker's own (see the module comment). */
export const sameOrigin = createMiddleware<ConsoleEnv>(async function sameOrigin(c, next) {
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header("Origin");
    const own = new URL(c.req.url).origin;
    if (origin !== own)
      throw new ApiError(403, "origin_refused", "This request must come from the console itself", {
        detail: origin ? `Requests from ${origin.slice(0, 200)} cannot change anything here.` : "A change needs an Origin header (browsers send one).",
      });
  }
  await next();
});

/** 401 problem+json for a signed-out request to the JSON API. */
export const requireUser = createMiddleware<ConsoleEnv>(async function requireUser(c, next) {
  if (!c.get("user"))
    throw new ApiError(401, "signed_out", "Sign in to use the console", {
      detail: usesAccess(c) ? "Open the console through your Cloudflare Access application." : "Open a sign-in link: `npm run sites -- console-link <email>` prints one.",
    });
  await next();
});

/**
 * The person's role on the site of the path (`:siteId`), at least `needed`: any role for
 * `viewer`, `owner` or `compliance` for `compliance` (the rights requests), `owner` for `owner`.
 */
export function requireRole(needed: ConsoleRole) {
  return createMiddleware<ConsoleEnv>(async function requireRole(c, next) {
    const path = ConsoleSitePath.safeParse({ siteId: c.req.param("siteId") });
    const user = c.get("user")!;
    const role = path.success ? await roleOn(c.env, path.data.siteId, user.email) : null;
    if (!role) throw new ApiError(404, "not_found", "Not found", { detail: "There is no site with this id that you have a role on." });
    if (needed === "owner" && role !== "owner")
      throw new ApiError(403, "owner_only", "Only an owner of this site can do that", { detail: `Your role on this site is ${role}: you can look, not change.` });
    if (needed === "compliance" && role === "viewer")
      throw new ApiError(403, "compliance_only", "Only an owner or a compliance member of this site can do that", {
        detail: "Privacy rights requests are for the people who answer them: ask an owner for the compliance role.",
      });
    c.set("role", role);
    await next();
  });
}

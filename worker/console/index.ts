/**
 * worker/console: the site owner's console at `/console`, on the Worker's own origin.
 *
 * - access.ts: Cloudflare Access JWT verification (jose), when the console is behind Access
 * - auth.ts: who is signed in (Access or session cookie), the Origin check, roles per site
 * - sign-in.ts: one-time sign-in links, sessions, sign-out
 * - api.ts: the JSON API the console's Lit app (console/) calls: who is signed in, members,
 *   the audit log; config-api.ts: the configuration, its versions, new sites
 * - preview.ts: the live preview of a draft in the real widget
 * - pages.ts: the server-rendered pages and the app's shell
 * - store.ts: every D1 statement about members, links, sessions and the audit log
 *
 * A signed-out request gets the sign-in page (HTML) or a 401 problem (API), never data.
 */
import { Hono } from "hono";
import { ApiError } from "../lib/errors";
import { noStore } from "../middleware/no-store";
import { consoleSizeGuard } from "../middleware/size-guard";
import { consoleApi } from "./api";
import { type ConsoleEnv, consoleUser, requireUser, sameOrigin, usesAccess } from "./auth";
import { consolePage, consoleShell } from "./pages";
import { previewRoutes } from "./preview";
import { signInRoutes } from "./sign-in";

export { makeSignInLink } from "./sign-in";
export { purgeConsoleData } from "./store";

export const consoleApp = new Hono<ConsoleEnv>({ strict: false })
  .use(noStore, consoleSizeGuard, consoleUser, sameOrigin)
  .route("/", signInRoutes)
  .route("/preview", previewRoutes)
  .use("/api/*", requireUser)
  .route("/api", consoleApi)
  .all("/api/*", (c) => {
    throw new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` });
  })
  .get("/", (c) => {
    if (c.get("user")) return consoleShell(c);
    return usesAccess(c)
      ? consolePage(c, "Sign in through Cloudflare Access", "<p>Open the console through your Cloudflare Access application.</p>", 401)
      : c.redirect("/console/sign-in", 303);
  });

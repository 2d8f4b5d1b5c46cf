/**
 * The Assent Worker: the Hono app (`/v1/...`) and the scheduled retention job.
 * Static assets (the widget, the demo site) are served by Workers Static Assets before the
 * Worker runs; only paths no asset matches reach this app.
 */
import { Hono } from "hono";
import type { AppEnv, Env } from "./env";
import { ApiError, problemResponse, renderError } from "./errors";
import { adminRoutes } from "./routes/admin";
import { bootstrapRoutes } from "./routes/bootstrap";
import { consentRoutes } from "./routes/consents";
import { emailPages } from "./routes/email-pages";
import { identifyRoutes } from "./routes/identify";
import { meRoutes } from "./routes/me";
import { subscriptionRoutes } from "./routes/subscriptions";
import { type SiteEnv, siteCors, siteLoader, writeGuard } from "./security";
import { DAILY_STEPS, MINUTE_STEPS, runRetention } from "./retention";
import { WEBHOOK_CRON, deliverDue } from "./webhooks/deliver";
import { ASSENT_VERSION } from "./version";

/** Routes under /v1/sites/{siteId}: site loaded, CORS applied, writes guarded. */
const siteApp = new Hono<SiteEnv>()
  .use(siteLoader, siteCors, writeGuard)
  .route("/", bootstrapRoutes)
  .route("/", consentRoutes)
  .route("/", meRoutes)
  .route("/", identifyRoutes)
  .route("/", subscriptionRoutes);

// Not strict about a trailing slash: `…/admin/webhooks/` is `…/admin/webhooks`.
export const app = new Hono<AppEnv>({ strict: false })
  .use(async function baseHeaders(c, next) {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    // Nothing in Assent sets cookies (R7.1); make sure nothing ever does.
    c.res.headers.delete("Set-Cookie");
  })
  .get("/v1/health", (c) => c.json({ status: "ok" as const, version: ASSENT_VERSION }))
  // Before siteApp, whose guards also match /admin paths: the admin API is server to server
  // (API key, no Origin, no CORS), and its routes answer every /admin path themselves.
  .route("/v1/sites/:siteId/admin", adminRoutes)
  .route("/v1/sites/:siteId", siteApp)
  .route("/", emailPages);

app.notFound((c) =>
  problemResponse(c, new ApiError(404, "not_found", "Not found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` })),
);
app.onError(renderError);

export default {
  fetch: app.fetch,
  /**
   * Every minute: sends due webhook deliveries (retries, and whatever the immediate attempt
   * after a change missed), and takes a few steps of the retention job, which continues any
   * backlog the daily run left. Daily (`17 3 * * *`): the retention job's big run
   * (worker/retention.ts). `scheduledTime` is the "now" retries and retention are due against.
   */
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const now = new Date(controller.scheduledTime);
    const webhooks = deliverDue(env, now, { maxBatches: 8 }).then((r) => {
      if (r.attempted > 0) console.log(`webhooks: ${r.attempted} attempted, ${r.delivered} delivered, ${r.failed} gave up`);
    });
    ctx.waitUntil(webhooks);
    const steps = controller.cron === WEBHOOK_CRON ? MINUTE_STEPS : DAILY_STEPS;
    ctx.waitUntil(
      runRetention(env, now, steps).then((r) => {
        const deleted = r.receipts + r.erasures + r.signupRequests + r.confirmationSends + r.webhookEvents + r.revocations + r.keptRecords;
        if (deleted > 0 || controller.cron !== WEBHOOK_CRON)
          console.log(
            `retention: deleted ${r.receipts} receipts, ${r.erasures} erasure records, ${r.signupRequests} signup requests, ` +
              `${r.confirmationSends} send-log entries, ${r.webhookEvents} webhook events, ${r.revocations} token revocations, ` +
              `${r.keptRecords} kept-record marks` +
              (r.backlog ? "; more next run" : ""),
          );
      }),
    );
  },
} satisfies ExportedHandler<Env>;

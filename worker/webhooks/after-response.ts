/**
 * The one after-response step of webhook delivery. A handler whose change queued events says
 * so with `queuedWebhooks(c, siteId, count)`; `deliverQueuedWebhooks`, mounted once on the app,
 * then tries that site's due deliveries after the response (`waitUntil`), so receivers usually
 * hear within a second. Failures stay queued for the per-minute cron; nothing here can fail the
 * request.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { deliverDue } from "./deliver";

declare module "hono" {
  interface ContextVariableMap {
    /** Sites whose changes in this request queued webhook events. */
    queuedWebhookSites: Set<string>;
  }
}

/** Notes that this request queued `count` events of `siteId` (nothing when count is 0). */
export function queuedWebhooks(c: Context, siteId: string, count: number): void {
  if (count <= 0) return;
  const sites = c.get("queuedWebhookSites") ?? new Set<string>();
  sites.add(siteId);
  c.set("queuedWebhookSites", sites);
}

/** After the response: one delivery run per site whose events this request queued. */
export const deliverQueuedWebhooks: MiddlewareHandler<{ Bindings: Env }> = async function deliverQueuedWebhooks(c, next) {
  await next();
  const sites = c.get("queuedWebhookSites");
  if (!sites) return;
  for (const siteId of sites) {
    const work = deliverDue(c.env, new Date(), { siteId, maxBatches: 1 }).catch((err: unknown) =>
      console.error("webhook delivery (immediate) failed; the cron will retry:", err),
    );
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // No execution context (not a Worker request): the delivery just runs on.
    }
  }
};

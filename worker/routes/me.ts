/**
 * The visitor's own data, token required (R9.1, R9.2): GET /me (current state),
 * GET /me/receipts (decision history), GET /me/export (everything, as a download) and
 * DELETE /me (erasure).
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { type ErasureResponse, type ExportDocument, ReceiptsQuery, type ReceiptsResponse, type VisitorSubscriptions } from "../contract";
import { ApiError } from "../errors";
import type { SiteEnv } from "../security";
import { eraseDecisions, listDecisions } from "../store/ledger";
import { eraseVisitorSubscriptions, statusesByVisitor, subscriptionsByVisitor } from "../store/subscriptions";
import { deletePreferences, getPreferences } from "../store/prefs";
import { subjectOfVisitor } from "../store/subjects";
import { bearer, verifyToken } from "../tokens";
import { deliverSoon } from "../webhooks/deliver";

interface MeEnv extends SiteEnv {
  Variables: SiteEnv["Variables"] & { visitorId: string };
}

/** Export pages through the ledger in steps of this many rows. */
const EXPORT_PAGE = 200;

/** Verifies the visitor token (401/403) and puts the visitor id in the context. */
const visitorAuth = createMiddleware<MeEnv>(async function visitorAuth(c, next) {
    const token = bearer(c.req.header("Authorization"));
    if (!token)
      throw new ApiError(401, "token_required", "A visitor token is required", {
        detail: "Send the token from your first decision as `Authorization: Bearer <token>`.",
      });
    const payload = await verifyToken(c.env, token, c.get("site").config.id);
    c.set("visitorId", payload.v);
    c.header("Cache-Control", "no-store");
    await next();
});

export const meRoutes = new Hono<MeEnv>()
  .get("/me", visitorAuth, async (c) => {
    const prefs = await getPreferences(c.env, c.get("site").config.id, c.get("visitorId"));
    if (!prefs)
      throw new ApiError(404, "no_record", "No current decision is stored", {
        detail: "The decision expired, was erased, or was never recorded.",
      });
    return c.json(prefs);
  })
  .get("/me/receipts", visitorAuth, async (c) => {
    const query = ReceiptsQuery.safeParse(c.req.query());
    if (!query.success)
      throw new ApiError(400, "invalid_query", "The query is not valid", { detail: "limit is 1–200; cursor comes from `next`." });
    const { limit, cursor } = query.data;
    const rows = await listDecisions(c.env, c.get("site").config.id, c.get("visitorId"), limit, cursor ? Number(cursor) : 0);
    const body: ReceiptsResponse = {
      receipts: rows.map((r) => r.receipt),
      next: rows.length === limit ? String(rows[rows.length - 1]!.version) : null,
    };
    return c.json(body);
  })
  .get("/me/subscriptions", visitorAuth, async (c) => {
    const body: VisitorSubscriptions = { lists: await statusesByVisitor(c.env, c.get("site").config.id, c.get("visitorId")) };
    return c.json(body);
  })
  .get("/me/export", visitorAuth, async (c) => {
    const siteId = c.get("site").config.id;
    const visitorId = c.get("visitorId");
    const receipts = [];
    for (let after = 0; ; ) {
      const rows = await listDecisions(c.env, siteId, visitorId, EXPORT_PAGE, after);
      receipts.push(...rows.map((r) => r.receipt));
      if (rows.length < EXPORT_PAGE) break;
      after = rows[rows.length - 1]!.version;
    }
    const body: ExportDocument = {
      format: "assent-export/1",
      exportedAt: new Date().toISOString(),
      siteId,
      visitorId,
      subject: await subjectOfVisitor(c.env, siteId, visitorId),
      preferences: await getPreferences(c.env, siteId, visitorId),
      receipts,
      subscriptions: (await subscriptionsByVisitor(c.env, siteId, visitorId)).map((r) => ({
        list: r.list_id,
        email: r.email,
        status: r.status,
        textVersion: r.text_version,
        locale: r.locale,
        sourceUrl: r.source_url,
        createdAt: r.created_at,
        confirmedAt: r.confirmed_at,
        unsubscribedAt: r.unsubscribed_at,
      })),
    };
    c.header("Content-Disposition", `attachment; filename="assent-${siteId}-export.json"`);
    return c.json(body);
  })
  .delete("/me", visitorAuth, async (c) => {
    const siteId = c.get("site").config.id;
    const visitorId = c.get("visitorId");
    // State first: if the ledger step then fails, the retry finds no state and finishes the job.
    await deletePreferences(c.env, siteId, visitorId);
    const at = new Date().toISOString();
    const erasedSubscriptions = await eraseVisitorSubscriptions(c.env, siteId, visitorId, at);
    // Also deletes the subject mapping, after its `consent.erased` event has read it: the
    // person's next identification starts a new, empty record.
    const { receiptsDeleted, webhooksQueued } = await eraseDecisions(c.env, siteId, visitorId, crypto.randomUUID(), at);
    deliverSoon(c, siteId, webhooksQueued + erasedSubscriptions.webhooksQueued);
    const subscriptionsDeleted = erasedSubscriptions.deleted;
    const body: ErasureResponse = {
      erased: true,
      receiptsDeleted,
      subscriptionsDeleted,
      propagation: "Deleted here now; other Cloudflare locations may serve the old state for up to about 60 seconds.",
    };
    return c.json(body);
  });

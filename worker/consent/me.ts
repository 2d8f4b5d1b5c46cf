/**
 * The visitor's own data, token required (R9.1, R9.2): GET /me (current state),
 * GET /me/receipts (decision history), GET /me/subscriptions, GET /me/export (everything, as a
 * download) and DELETE /me (erasure). Receipts come signed (worker/proof/receipts.ts).
 *
 * Every route checks the token's signature, expiry and revocation (worker/middleware/visitor-auth.ts).
 * The history reads (/me/receipts, /me/export) share a per-visitor rate limit: rows older than the
 * hot window come from archived segments, up to one read a day of history, and a page of
 * receipts reads at most PAGE_SEGMENTS of them (worker/proof/archived-rows.ts); the export reads all.
 * Email data appears only where the mailbox confirmed this browser's signup (a link,
 * worker/email/store.ts) or as this browser's own pending requests.
 *
 * DELETE /me is idempotent: the erasure revokes the visitor's tokens, and a second DELETE with
 * the same token (a retry, a double click, a flood) answers the same success with zero counts,
 * changes nothing and queues nothing; it only deletes the KV record again, in case the first
 * attempt failed after D1. It is rate limited per visitor like decisions.
 */
import { Hono } from "hono";
import { type ErasureResponse, type ExportDocument, ReceiptsQuery, type ReceiptsResponse, type VisitorSubscriptions } from "../contract";
import { statusesByVisitor, visitorSubscriptions } from "../email/store";
import { ApiError, parseQuery } from "../lib/errors";
import { PAGE_SEGMENTS } from "../proof/archived-rows";
import { receiptSigner } from "../proof/receipts";
import { noStore } from "../middleware/no-store";
import { enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import { type VisitorEnv, tokenRevoked, visitorToken } from "../middleware/visitor-auth";
import { queuedWebhooks } from "../webhooks/after-response";
import { eraseVisitor } from "./store/erasure";
import { allDecisions, listDecisions } from "./store/ledger";
import { deletePreferences } from "./store/prefs";
import { revocationOf } from "./store/revocations";
import { subjectOfVisitor } from "./store/subjects";
import { readVisitorRecord } from "./visitor-record";

/** Export pages through the ledger in steps of this many rows. */
const EXPORT_PAGE = 200;

/** What a request without a token is told. */
const TOKEN_REQUIRED = "Send the token from your first decision as `Authorization: Bearer <token>`.";

/** The reading routes: the visitor's token required, revocation checked. */
const visitorAuth = visitorToken({ required: TOKEN_REQUIRED });

const PROPAGATION = "Deleted here now; other Cloudflare locations may serve the old state for up to about 60 seconds.";

export const meRoutes = new Hono<VisitorEnv>()
  .use("/me", noStore)
  .use("/me/*", noStore)
  .get("/me", visitorAuth, async (c) => {
    const prefs = await readVisitorRecord(c.env, c.get("site").config.id, c.var.visitor!.v);
    if (!prefs)
      throw new ApiError(404, "no_record", "No current decision is stored", {
        detail: "The decision expired, was erased, or was never recorded.",
      });
    return c.json(prefs);
  })
  .get("/me/receipts", visitorAuth, async (c) => {
    const { limit, cursor } = parseQuery(ReceiptsQuery, c.req.query(), "limit is 1–200; cursor comes from `next`.");
    const siteId = c.get("site").config.id;
    await enforceRateLimit(c.env, rateLimitKey(siteId, "history", { visitor: c.var.visitor!.v }));
    const signer = await receiptSigner(c.env, siteId);
    const page = await listDecisions(c.env, siteId, c.var.visitor!.v, limit, cursor ? Number(cursor) : 0, PAGE_SEGMENTS);
    const body: ReceiptsResponse = {
      receipts: await Promise.all(page.rows.map((r) => signer.signed(r))),
      next: page.next === null ? null : String(page.next),
    };
    return c.json(body);
  })
  .get("/me/subscriptions", visitorAuth, async (c) => {
    const body: VisitorSubscriptions = { lists: await statusesByVisitor(c.env, c.get("site").config.id, c.var.visitor!.v) };
    return c.json(body);
  })
  .get("/me/export", visitorAuth, async (c) => {
    const siteId = c.get("site").config.id;
    const visitorId = c.var.visitor!.v;
    await enforceRateLimit(c.env, rateLimitKey(siteId, "history", { visitor: visitorId }));
    const signer = await receiptSigner(c.env, siteId);
    const { rows } = await allDecisions(c.env, siteId, visitorId, EXPORT_PAGE);
    const receipts = await Promise.all(rows.map((r) => signer.signed(r)));
    const body: ExportDocument = {
      format: "assent-export/1",
      exportedAt: new Date().toISOString(),
      siteId,
      visitorId,
      subject: await subjectOfVisitor(c.env, siteId, visitorId),
      preferences: await readVisitorRecord(c.env, siteId, visitorId),
      receipts,
      subscriptions: await visitorSubscriptions(c.env, siteId, visitorId),
    };
    c.header("Content-Disposition", `attachment; filename="assent-${siteId}-export.json"`);
    return c.json(body);
  })
  // The erasure checks revocation itself, after its rate limit: a token of an erased visitor
  // is answered like the first erasure (idempotent), not refused.
  .delete("/me", visitorToken({ required: TOKEN_REQUIRED, revocation: "route" }), async (c) => {
    const siteId = c.get("site").config.id;
    const now = new Date();
    const credential = c.var.visitor!;
    await enforceRateLimit(c.env, rateLimitKey(siteId, "erase", { visitor: credential.v }));
    const revoked = await revocationOf(c.env, siteId, credential.subjects, credential.iat);
    if (revoked && revoked !== "erased") throw tokenRevoked(revoked);
    // Already erased: the same answer, nothing changed or queued (only the KV copy deleted
    // again, in case the first attempt failed after D1).
    const outcome = revoked
      ? { claimed: false, receiptsDeleted: 0, subscriptionsDeleted: 0, webhooksQueued: 0 }
      : await eraseVisitor(c.env, siteId, credential.v, now);
    await deletePreferences(c.env, siteId, credential.v);
    queuedWebhooks(c, siteId, outcome.webhooksQueued);
    const body: ErasureResponse = {
      erased: true,
      receiptsDeleted: outcome.receiptsDeleted,
      subscriptionsDeleted: outcome.subscriptionsDeleted,
      propagation: PROPAGATION,
    };
    return c.json(body);
  });

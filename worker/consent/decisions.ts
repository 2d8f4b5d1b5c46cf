/**
 * POST /v1/sites/{siteId}/consents: records one decision.
 *
 * Order of work, and why:
 * 1. Everything that can refuse the request runs before storage is touched: origin and
 *    content type (middleware), body size, token, rate limit, JSON and zod, policy fingerprint,
 *    categories. A refused request writes nothing.
 * 2. The ledger row goes to D1 first, in one batch that also settles idempotency and the
 *    `prev_receipt_id` chain. If D1 fails, nothing was written: 503.
 *    The `consent.updated` webhook event is queued in that same batch (transactional outbox);
 *    it is sent right after the response (worker/webhooks/after-response.ts) and retried by the cron.
 *    With a token, the same batch checks that the token is not revoked (an erasure, a logout,
 *    an identification): a revoked token records nothing and gets 401 `token_revoked`.
 * 3. When the visitor's record is kept in KV (it was read before; the same batch says), the
 *    state goes to KV (one write, no read), with the visitor's email list statuses read in the
 *    same D1 batch, and is then settled against D1 (worker/consent/visitor-record.ts), so a slower write
 *    of an older decision can never be the one KV keeps. A record nobody read costs no KV write.
 *    If KV fails after D1 succeeded, the answer is 503 too; the client's retry with the same
 *    Idempotency-Key finds the ledger row, settles the KV state from D1 and answers as the first
 *    attempt would have: recorded exactly once.
 * 4. The answer's receipt is signed (worker/proof/receipts.ts: a compact JWS the visitor can
 *    verify offline); the site's key is loaded before step 2, so a key ring that cannot sign
 *    refuses the request before anything is written.
 * 5. Every answer carries a fresh token (renewal: tokens expire, worker/consent/tokens.ts), except a
 *    replay without a token more than REPLAY_TOKEN_HOURS after the decision it replays, or of
 *    a visitor whose tokens were revoked since: whoever holds only an old Idempotency-Key gets
 *    the receipt, never a credential.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { expiresAt as expiresAtOf, lifetimeDays, usOptOutOf } from "../../shared/consent-rules";
import { ConsentRequest, type ConsentResponse, Uuid } from "../contract";
import { canonicalJson } from "../lib/canonical-json";
import { ApiError } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { sha256Hex } from "../lib/sha256";
import { clientNetwork, rateLimit, rateLimitKey } from "../middleware/rate-limit";
import { sizeGuard } from "../middleware/size-guard";
import { type VisitorEnv, tokenRevoked, visitorToken } from "../middleware/visitor-auth";
import { receiptSigner } from "../proof/receipts";
import { queuedWebhooks } from "../webhooks/after-response";
import { decide } from "./decide";
import { edgeDecision, requestGeo, uaFamily } from "./policy";
import { newReceiptId, recordDecision, retainUntil } from "./store/ledger";
import { putPreferences } from "./store/prefs";
import { revocationOf, tokenSubjects } from "./store/revocations";
import { signToken } from "./tokens";
import { preferencesOf, settleVisitorRecord } from "./visitor-record";

/**
 * When a renewed token is issued: now, but never before the token it renews. Token times are
 * whole seconds, and an identification issues its token for the next second, above the floor it
 * sets for the browser's older tokens (worker/consent/store/subjects.ts); a decision made with
 * that token in the same second must not get back a token the floor refuses.
 */
export function renewedAt(now: Date, renewedIat: number | undefined): Date {
  return renewedIat === undefined ? now : new Date(Math.max(now.getTime(), renewedIat * 1000));
}

/** How long after a first decision its replay without a token still returns a token. */
export const REPLAY_TOKEN_HOURS = 24;

/** The `Idempotency-Key` header: a UUID, required, checked before the token and the limit. */
const idempotencyKeyHeader = createMiddleware<VisitorEnv>(async function idempotencyKeyHeader(c, next) {
  const idempotencyKey = c.req.header("Idempotency-Key");
  if (!idempotencyKey)
    throw new ApiError(400, "idempotency_key_required", "An Idempotency-Key header is required", {
      detail: "Send a random UUID per decision, and the same one when retrying it.",
    });
  if (idempotencyKey.length > 64 || !Uuid.safeParse(idempotencyKey).success)
    throw new ApiError(400, "invalid_idempotency_key", "The Idempotency-Key is not a UUID", {
      detail: "Use crypto.randomUUID().",
    });
  await next();
});

export const consentRoutes = new Hono<VisitorEnv>().post(
  "/consents",
  sizeGuard,
  idempotencyKeyHeader,
  // Revocation is checked inside the decision's own batch (worker/consent/store/ledger.ts).
  visitorToken({ revocation: "route" }),
  // Per visitor, or per network before a visitor exists.
  rateLimit<VisitorEnv>((c) => rateLimitKey(c.get("site").config.id, "decision", c.var.visitor ? { visitor: c.var.visitor.v } : clientNetwork(c.req))),
  async (c) => {
    const { config, fingerprint, consentModeMapping } = c.get("site");
    const env = c.env;
    const idempotencyKey = c.req.header("Idempotency-Key")!;
    const now = new Date();
    const payload = c.var.visitor;

    const request = await parseJsonBody(c.req.raw, ConsentRequest);
    if (request.policyFingerprint !== fingerprint)
      throw new ApiError(409, "policy_changed", "The policy changed since the banner was shown", {
        detail: "Fetch bootstrap again and ask the visitor again; the decision was not recorded.",
      });

    const edge = edgeDecision(config.regimes, requestGeo(c.req.raw, c.env), c.req.header("Sec-GPC"));
    const gpc = edge.gpc || request.gpc;
    const decision = decide(config.categories, request, gpc);

    const usOptOut = usOptOutOf(config.categories, decision.categories, edge.regime, gpc);
    const expiresAt = expiresAtOf(now.getTime(), lifetimeDays("decision", config.categories, decision.categories, config.consent, usOptOut));
    const keepUntil = retainUntil(now, expiresAt, config.consent.proofRetentionDays, usOptOut);
    const requestHash = await sha256Hex(
      canonicalJson({
        action: request.action,
        categories: decision.categories,
        policyFingerprint: request.policyFingerprint,
        locale: request.locale,
        gpc,
        widgetVersion: request.widgetVersion,
        textHash: request.textHash,
        surface: request.surface,
      }),
    );
    const visitorId = payload?.v ?? crypto.randomUUID();
    // Before anything is written: a key ring that cannot sign refuses the decision instead.
    const signer = await receiptSigner(env, config.id);

    const { stored, created, webhooksQueued, lists, kept, revoked } = await recordDecision(env, {
      receiptId: newReceiptId(),
      siteId: config.id,
      visitorId,
      idempotencyKey,
      requestHash,
      recordedAt: now.toISOString(),
      action: request.action,
      surface: request.surface,
      categories: decision.categories,
      policyVersion: config.policy.version,
      policyLastUpdated: config.policy.lastUpdated,
      policyFingerprint: fingerprint,
      textHash: request.textHash,
      widgetVersion: request.widgetVersion,
      locale: request.locale,
      regime: edge.regime,
      jurisdiction: edge.jurisdiction,
      country: edge.country,
      gpc,
      gpcApplied: decision.gpcApplied,
      usOptOut,
      consentModeMapping,
      uaFamily: uaFamily(c.req.header("User-Agent")),
      expiresAt: expiresAt.toISOString(),
      retainUntil: keepUntil.toISOString(),
    }, payload ? { subjects: payload.subjects, iat: payload.iat } : null, now);
    if (revoked || !stored) throw tokenRevoked(revoked ?? "erased");

    let preferences = preferencesOf(stored, stored.receipt.visitorId === visitorId ? lists : {});
    let issueToken = true;
    if (created) {
      // The KV record is written only when it is kept there (something read it before), and then
      // settled against D1 (worker/consent/visitor-record.ts). A visitor's first decision never is: nobody
      // can have read the record of a visitor id this request just made up.
      if (kept) {
        await putPreferences(env, preferences);
        await settleVisitorRecord(env, config.id, visitorId, preferences);
      }
      queuedWebhooks(c, config.id, webhooksQueued);
    } else {
      // A retry of a request that was recorded before. It must be the same decision, by the same
      // visitor; a tokenless retry may only replay the decision that created its visitor.
      const sameVisitor = payload ? stored.receipt.visitorId === payload.v : stored.receipt.prevId === null;
      if (!sameVisitor || stored.requestHash !== requestHash)
        throw new ApiError(422, "idempotency_key_reused", "The Idempotency-Key was used for another decision", {
          detail: "Use a new random UUID for every new decision.",
        });
      // Complete a write that may have failed the first time; never to an older state than D1's.
      await settleVisitorRecord(env, config.id, stored.receipt.visitorId);
      if (!payload) {
        const fresh = now.getTime() - Date.parse(stored.receipt.recordedAt) < REPLAY_TOKEN_HOURS * 3_600_000;
        issueToken = fresh && !(await revocationOf(env, config.id, await tokenSubjects(stored.receipt.visitorId, undefined), 0));
      }
      preferences = preferencesOf(stored, lists);
    }

    const body: ConsentResponse = {
      visitorId: stored.receipt.visitorId,
      ...(issueToken ? { token: await signToken(env, config.id, stored.receipt.visitorId, renewedAt(now, payload?.iat)) } : {}),
      receipt: await signer.signed(stored),
      preferences,
      replayed: !created,
    };
    c.header("Cache-Control", "no-store");
    return c.json(body, payload ? 200 : 201);
  },
);

/**
 * POST /v1/sites/{siteId}/identify: identity across devices.
 *
 * The widget sends `{ identity }`, a subject id the site's backend signed (worker/consent/identity.ts),
 * and, when this browser already has a visitor record, its visitor token. The answer names the
 * person's one visitor record (the same on every device) with a token for it and its current
 * state; the widget then keeps whichever of its own and that state is newer (R6.1).
 *
 * - The first device a person is identified on keeps its own visitor record: its earlier choices
 *   become the person's. Every later device switches to that record.
 * - A device whose visitor record already belongs to another subject (a shared browser) never
 *   has it taken over: the new subject gets a fresh record (worker/consent/store/subjects.ts).
 * - A device token that no longer verifies (rotated out, another site's) is ignored rather than
 *   refused: it only says which record to start from, and the identity alone authorizes.
 *
 * - When the device's own record becomes the person's, every token of it issued before is
 *   revoked (worker/consent/store/subjects.ts): whoever used this browser before cannot read the person's
 *   record with a token they kept. The answer carries a new token.
 * - A revoked device token (an erased visitor, a signed-out token) is ignored like an invalid one.
 *
 * `DELETE /identify` (with the token) is the server half of `identify(null)`, the logout of a
 * shared device: that one token is revoked, the person's other devices keep theirs.
 *
 * Browser-facing, so it runs behind the site guards (allowed Origin, JSON, CORS), is size
 * capped and rate limited like decisions, and is never cached.
 */
import { Hono } from "hono";
import { IdentifyRequest, type IdentifyResponse } from "../contract";
import { parseJsonBody } from "../lib/json-body";
import { clientNetwork, enforceRateLimit, rateLimit, rateLimitKey } from "../middleware/rate-limit";
import { sizeGuard } from "../middleware/size-guard";
import { type VisitorEnv, tokenRevoked, visitorToken } from "../middleware/visitor-auth";
import { verifyIdentity } from "./identity";
import { revocationOf, revokeToken } from "./store/revocations";
import { identificationTokenTime, linkSubject } from "./store/subjects";
import { signToken } from "./tokens";
import { readVisitorRecord } from "./visitor-record";

export const identifyRoutes = new Hono<VisitorEnv>().post(
  "/identify",
  sizeGuard,
  // Every attempt counts, forged ones included.
  rateLimit<VisitorEnv>((c) => rateLimitKey(c.get("site").config.id, "identify", clientNetwork(c.req))),
  // The device's token only says which record to start from: an invalid or revoked one is ignored.
  visitorToken({ invalid: "ignore" }),
  async (c) => {
    const siteId = c.get("site").config.id;
    const device = c.var.visitor?.v ?? null;
    const { identity } = await parseJsonBody(c.req.raw, IdentifyRequest);
    const now = new Date();
    const subject = await verifyIdentity(c.env, siteId, identity, now);
    const visitorId = await linkSubject(c.env, siteId, subject, device, now);
    const body: IdentifyResponse = {
      subject,
      visitorId,
      token: await signToken(c.env, siteId, visitorId, new Date(identificationTokenTime(now) * 1000)),
      preferences: await readVisitorRecord(c.env, siteId, visitorId),
    };
    c.header("Cache-Control", "no-store");
    return c.json(body);
  },
).delete("/identify", visitorToken({ required: "Send the token to sign out as `Authorization: Bearer <token>`.", revocation: "route" }), async (c) => {
  const siteId = c.get("site").config.id;
  const credential = c.var.visitor!;
  // Limited before the revocation check, so a flood with a revoked token costs no D1 reads.
  await enforceRateLimit(c.env, rateLimitKey(siteId, "logout", { visitor: credential.v }));
  const revoked = await revocationOf(c.env, siteId, credential.subjects, credential.iat);
  if (revoked) throw tokenRevoked(revoked);
  // Tokens from before token ids existed cannot be revoked one by one; they expire.
  if (credential.j) await revokeToken(c.env, siteId, credential.j, credential.exp);
  c.header("Cache-Control", "no-store");
  return c.body(null, 204);
});

/**
 * The consent part of the site owner's API, under /v1/sites/{siteId}/admin (mounted by
 * worker/app.ts, so the API key, `no-store` and the no-CORS rules apply):
 *
 * - `GET /visitors/{visitorId}`: a visitor's current preferences and list statuses.
 * - `POST /visitors/erase-all` `{ confirm, cursor?, limit? }`: erases every visitor of the site,
 *   one bounded chunk per call (worker/consent/erase-all.ts).
 *
 * And the site owner's side of identity across devices:
 *
 * - `GET /subjects/{subject}`: the person's visitor id, current preferences and list statuses
 *   (the subject percent-encoded as one path segment).
 * - `GET /identity-secret`: the secret the site's backend signs identities with, and the format.
 * - `POST /identities` `{ subject, ttlSeconds? }`: an identity signed by Assent, for backends
 *   that would rather make one API call than compute an HMAC.
 */
import { Hono } from "hono";
import {
  type AdminSubjectResponse,
  type AdminVisitorResponse,
  IdentityIssueRequest,
  type IdentityIssueResponse,
  type IdentitySecretResponse,
  Subject,
  Uuid,
} from "../contract";
import { statusesByVisitor } from "../email/store";
import { ApiError } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import type { AdminEnv } from "../middleware/api-key-auth";
import { sizeGuard } from "../middleware/size-guard";
import { eraseAllRoutes } from "./erase-all";
import { IDENTITY_FORMAT, IDENTITY_MAX_TTL_SECONDS, identitySecret, signIdentity } from "./identity";
import { visitorOfSubject } from "./store/subjects";
import { readVisitorRecord } from "./visitor-record";

const noRecord = () =>
  new ApiError(404, "no_record", "No record of this visitor", { detail: "This site holds no preferences or subscriptions for that visitor id." });

export const consentAdminRoutes = new Hono<AdminEnv>()
  .route("/", eraseAllRoutes)
  .get("/visitors/:visitorId", async (c) => {
    const visitorId = c.req.param("visitorId");
    if (!Uuid.safeParse(visitorId).success) throw noRecord();
    const siteId = c.get("site").config.id;
    // Both reads are keyed by this site: another site's visitor id finds nothing (no oracle).
    const [preferences, lists] = await Promise.all([readVisitorRecord(c.env, siteId, visitorId), statusesByVisitor(c.env, siteId, visitorId)]);
    if (!preferences && Object.keys(lists).length === 0) throw noRecord();
    const body: AdminVisitorResponse = { visitorId, preferences, lists };
    return c.json(body);
  })
  .get("/subjects/:subject", async (c) => {
    const subject = c.req.param("subject");
    const siteId = c.get("site").config.id;
    // Keyed by this site: another site's subject finds nothing, and says nothing more.
    const visitorId = Subject.safeParse(subject).success ? await visitorOfSubject(c.env, siteId, subject) : null;
    if (!visitorId)
      throw new ApiError(404, "no_record", "No record of this subject", {
        detail: "This site has not identified anyone with that subject id (or their record was erased).",
      });
    const [preferences, lists] = await Promise.all([readVisitorRecord(c.env, siteId, visitorId), statusesByVisitor(c.env, siteId, visitorId)]);
    const body: AdminSubjectResponse = { subject, visitorId, preferences, lists };
    return c.json(body);
  })
  .get("/identity-secret", async (c) => {
    const body: IdentitySecretResponse = {
      secret: await identitySecret(c.env, c.get("site").config.id),
      format: IDENTITY_FORMAT,
      maxTtlSeconds: IDENTITY_MAX_TTL_SECONDS,
    };
    return c.json(body);
  })
  .post("/identities", sizeGuard, async (c) => {
    const request = await parseJsonBody(c.req.raw, IdentityIssueRequest);
    const exp = Math.floor(Date.now() / 1000) + request.ttlSeconds;
    const body: IdentityIssueResponse = {
      identity: await signIdentity(c.env, c.get("site").config.id, request.subject, exp),
      expiresAt: new Date(exp * 1000).toISOString(),
    };
    return c.json(body);
  });

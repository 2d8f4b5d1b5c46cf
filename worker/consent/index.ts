/**
 * worker/consent: the visitor's consent, from the banner to the proof.
 *
 * - bootstrap.ts: `GET /bootstrap`, the site config resolved for one visitor
 * - decisions.ts: `POST /consents`, recording a decision (decide.ts checks it against the rules)
 * - me.ts: `/me`, the visitor's own data: state, receipts, export, erasure
 * - identify.ts, identity.ts: identity across devices (signed subject ids)
 * - admin.ts: the site owner's `/admin/visitors`, `/admin/subjects` and identity routes
 * - erase-all.ts, bulk-erasure.ts: the owner's `/admin/visitors/erase-all`, every visitor of a
 *   site erased in chunks that resume by cursor (R6.5, R6.6)
 * - tokens.ts: visitor tokens, signed and verified (read by worker/middleware/visitor-auth.ts)
 * - policy.ts: what the edge decides from a request (GPC, regime, language, browser family)
 * - fingerprint.ts: the policy fingerprint, text hashes and Consent Mode mapping version a
 *   decision is tied to
 * - visitor-record.ts: the visitor's record in KV, kept equal to D1
 * - store/: every KV and D1 statement about consent (ledger, record, revocations, subjects,
 *   the erasure's batch)
 */
export { consentAdminRoutes } from "./admin";
export { bootstrapRoutes } from "./bootstrap";
export { consentRoutes } from "./decisions";
export { identifyRoutes } from "./identify";
export { meRoutes } from "./me";

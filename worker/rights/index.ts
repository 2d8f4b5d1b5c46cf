/**
 * worker/rights: privacy rights requests (R9.1–R9.9, R2), from the form to the owner's answer:
 *
 * - pages.ts: the rights pages `/r/{siteId}/…` (index, forms, verification, download)
 * - api.ts: `POST /v1/sites/{siteId}/rights/requests` and the owner's `/admin/rights/…`
 * - intake.ts: filing a request (what each type needs, verification links, limits)
 * - fulfil.ts: what Assent does itself once a request is verified (access, deletion, correction)
 * - owner.ts: the owner's queue and actions (admin API and console)
 * - access.ts: the access request's export
 * - deadlines.ts: the deadline calculator (GDPR, CCPA, Shine the Light)
 * - notify.ts, messages.ts, i18n/: what is sent to the requester and the owner
 * - jobs.ts: the scheduled work (expiry, reminders, overdue flags)
 * - store.ts: every SQL statement about rights requests
 */
export { rightsAdminRoutes, rightsRoutes } from "./api";
export { rightsPages } from "./pages";

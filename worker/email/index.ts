/**
 * worker/email: email lists, everything from the signup to the unsubscribe (R5):
 *
 * - signup.ts: `POST /v1/sites/{siteId}/subscriptions`, a signup and its confirmation message
 * - pages.ts: the pages people reach from an email (`/e/…/confirm/…`, `/u/…`, `/dev/outbox`)
 * - admin.ts: the site owner's `/admin/lists/{id}/subscribers` and `/admin/unsubscribe-headers`
 * - links.ts: the confirmation and one-click unsubscribe links
 * - store.ts: every SQL statement about email (requests, subscriptions, links, suppressions)
 * - mailer.ts, messages.ts: sending, and what is sent (texts, headers, the pages' HTML)
 * - address.ts: normalised addresses and their keyed hashes
 * - turnstile.ts: the signup's bot check, when a site enables it
 */
export { emailAdminRoutes } from "./admin";
export { emailPages } from "./pages";
export { subscriptionRoutes } from "./signup";

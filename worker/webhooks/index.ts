/**
 * worker/webhooks: telling the site owner's servers what changed (consent, erasure, email
 * lists), at least once, signed per the Standard Webhooks specification:
 *
 * - events.ts: every event payload, built in one place
 * - outbox.ts: the statements that queue an event inside the batch of the change (and redact
 *   events on erasure); the one module other features use to emit events
 * - after-response.ts: the one step that starts delivery after a response that queued events
 * - deliver.ts: signing and sending, retries and the cron's run
 * - store.ts: endpoints and deliveries in D1
 * - admin.ts: the site owner's `/admin/webhooks` routes
 * - url-policy.ts: which URLs may receive events (no loopback, metadata or private networks)
 */
export { webhookAdminRoutes } from "./admin";
export { deliverQueuedWebhooks } from "./after-response";

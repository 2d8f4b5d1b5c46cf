/**
 * The webhook events Assent emits, built from the records that cause them. Payload shapes are
 * in the contract (`WebhookEvent`, worker/contract.ts). The store modules (ledger.ts,
 * subscriptions.ts) queue them in the same transaction as each change through
 * `enqueueStatements()` (store/webhooks.ts), filling in with `json_set` only what the database
 * alone knows at that moment (a subject id, an address before it is forgotten).
 */
import type { ConsentUpdatedData, SubscriptionChangedData, WebhookEvent } from "../contract";
import type { DecisionRecord } from "../store/ledger";

/** `consent.updated` for a decision; `subject` is filled in by SQL from the subjects table. */
export function consentUpdatedEvent(id: string, d: DecisionRecord): WebhookEvent & { data: ConsentUpdatedData } {
  return {
    id,
    type: "consent.updated",
    siteId: d.siteId,
    createdAt: d.recordedAt,
    data: {
      visitorId: d.visitorId,
      subject: null,
      receiptId: d.receiptId,
      action: d.action,
      surface: d.surface,
      categories: d.categories,
      gpc: d.gpc,
      gpcApplied: d.gpcApplied,
      regime: d.regime,
      jurisdiction: d.jurisdiction,
      policyVersion: d.policyVersion,
      policyFingerprint: d.policyFingerprint,
      recordedAt: d.recordedAt,
      expiresAt: d.expiresAt,
    },
  };
}

/** A `subscription.*` event; fields that only the database knows are filled in by SQL (`json_set`). */
export function subscriptionChangedEvent(
  id: string,
  type: "subscription.pending" | "subscription.confirmed" | "subscription.unsubscribed",
  siteId: string,
  at: string,
  data: SubscriptionChangedData,
): WebhookEvent & { data: SubscriptionChangedData } {
  return { id, type, siteId, createdAt: at, data };
}

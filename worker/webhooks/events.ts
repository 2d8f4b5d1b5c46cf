/**
 * The webhook events Assent emits, built from the records that cause them. Payload shapes are
 * in the contract (`WebhookEvent`, worker/contract.ts); the SQL that queues them, in the same
 * transaction as each change, is in the store modules (ledger.ts, subscriptions.ts) through
 * `enqueueStatements()` (store/webhooks.ts).
 */
import type { ConsentUpdatedData, WebhookEvent } from "../contract";
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

/**
 * SQL (anonymous `?`) for a `subscription.*` payload read from the subscriptions row aliased `s`
 * after the change. `emailExpr` is the SQL for the address (NULL for `pending`).
 */
export function subscriptionPayloadSql(type: string, emailExpr: string): string {
  return `json_object('id', ?, 'type', '${type}', 'siteId', s.site_id, 'createdAt', ?,
    'data', json_object('list', s.list_id, 'status', s.status, 'email', ${emailExpr}, 'visitorId', s.visitor_id,
      'textVersion', s.text_version, 'source', ?, 'reason', ?, 'at', ?))`;
}

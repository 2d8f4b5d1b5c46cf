/**
 * Every webhook event Assent emits is built here, in TypeScript, from the change that causes
 * it; payload shapes are in the contract (`WebhookEvent`, worker/contract/webhooks.ts). The
 * stores queue them with the outbox (outbox.ts) in the same transaction as the change; fields
 * only the database knows at that moment (a subject id, an address before it is forgotten) are
 * left null here and filled in by the outbox's SQL fills.
 */
import type { ConsentAction, ConsentSurface, ConsentUpdatedData, Regime, RightsRequestEventData, SubscriptionChangedData, WebhookEvent } from "../contract";

/** A new event id: `evt_` and 16 random bytes, hex. */
export function newEventId(): string {
  return `evt_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** What a `consent.updated` event tells about a decision (a recorded decision has all of it). */
export interface DecisionFacts {
  siteId: string;
  visitorId: string;
  receiptId: string;
  action: ConsentAction;
  surface: ConsentSurface;
  categories: Record<string, boolean>;
  gpc: boolean;
  gpcApplied: boolean;
  usOptOut: { saleSharing: boolean; targetedAds: boolean };
  regime: Regime;
  jurisdiction: string | null;
  policyVersion: string;
  policyFingerprint: string;
  recordedAt: string;
  expiresAt: string;
}

/** `consent.updated` for a decision; `subject` is filled in by SQL from the subjects table. */
export function consentUpdatedEvent(d: DecisionFacts): WebhookEvent & { data: ConsentUpdatedData } {
  return {
    id: newEventId(),
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
      usOptOut: d.usOptOut,
      regime: d.regime,
      jurisdiction: d.jurisdiction,
      policyVersion: d.policyVersion,
      policyFingerprint: d.policyFingerprint,
      recordedAt: d.recordedAt,
      expiresAt: d.expiresAt,
    },
  };
}

/** `consent.erased`: a visitor erased their record; `subject` is filled in by SQL. */
export function consentErasedEvent(siteId: string, visitorId: string, at: string): WebhookEvent {
  return { id: newEventId(), type: "consent.erased", siteId, createdAt: at, data: { visitorId, subject: null, erasedAt: at } };
}

/** A `subscription.*` event; fields that only the database knows are filled in by SQL. */
export function subscriptionChangedEvent(
  type: "subscription.pending" | "subscription.confirmed" | "subscription.unsubscribed",
  siteId: string,
  at: string,
  data: SubscriptionChangedData,
): WebhookEvent & { data: SubscriptionChangedData } {
  return { id: newEventId(), type, siteId, createdAt: at, data };
}

/** The `rights.request.*` event types, one per transition of a request (worker/rights/). */
export type RightsEventType = Extract<WebhookEvent["type"], `rights.request.${string}`>;

/** A `rights.request.*` event; `email` is filled in by SQL while the request still holds it. */
export function rightsRequestEvent(type: RightsEventType, siteId: string, at: string, data: RightsRequestEventData): WebhookEvent & { data: RightsRequestEventData } {
  return { id: newEventId(), type, siteId, createdAt: at, data };
}

/** `webhook.test`, sent on request to one endpoint only. */
export function webhookTestEvent(siteId: string, endpointId: string, at: string): WebhookEvent {
  return { id: newEventId(), type: "webhook.test", siteId, createdAt: at, data: { endpointId } };
}

/**
 * Webhooks: /v1/sites/{siteId}/admin/webhooks (API key), and what Assent POSTs to endpoints.
 * Deliveries follow the Standard Webhooks specification (headers `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`), so receivers can verify with its libraries.
 */
import * as z from "zod";
import { ConsentAction, ConsentSurface, UsOptOutFlags } from "./consents";
import { param } from "./fields";
import { RightsRequestEventData } from "./rights";
import { Regime } from "./site-config";

/** Every event type. `webhook.test` is only sent on request, to one endpoint. */
export const WebhookEventType = z.enum([
  "consent.updated",
  "consent.erased",
  "subscription.pending",
  "subscription.confirmed",
  "subscription.unsubscribed",
  "rights.request.received",
  "rights.request.verified",
  "rights.request.in_progress",
  "rights.request.extended",
  "rights.request.completed",
  "rights.request.denied",
  "rights.request.not_verified",
  "webhook.test",
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** An endpoint id: `wh_` and 24 hex digits. */
export const WebhookEndpointId = z.string().regex(/^wh_[0-9a-f]{24}$/, "an endpoint id is wh_ followed by 24 hex digits");

/** An event id: `evt_` and 32 hex digits; the receiver's idempotency key (`webhook-id`). */
export const WebhookEventId = z.string().regex(/^evt_[0-9a-f]{32}$/, "an event id is evt_ followed by 32 hex digits");

export const WebhookEndpointCreate = z.strictObject({
  /** Where to POST events: https (http only to localhost in local development). */
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** Event types to receive; `["*"]` (the default) is every type. */
  events: z
    .array(z.union([WebhookEventType.exclude(["webhook.test"]), z.literal("*")]))
    .min(1)
    .max(20)
    .default(["*"]),
  description: z.string().max(200).optional(),
});
export type WebhookEndpointCreate = z.input<typeof WebhookEndpointCreate>;

export const WebhookEndpoint = z.object({
  id: WebhookEndpointId,
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  createdAt: z.string(),
  /** The signing secret (`whsec_` + base64), for Standard Webhooks verification. */
  secret: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointList = z.object({ endpoints: z.array(WebhookEndpoint) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;

export const WebhookDeliveryStatus = z.enum(["pending", "delivered", "failed", "cancelled"]);

export const WebhookDeliveriesQuery = z.strictObject({
  status: param(WebhookDeliveryStatus.optional()),
  limit: param(z.coerce.number().int().min(1).max(100).default(50)),
  /** Cursor from a previous page's `next` (newest event first). */
  cursor: param(WebhookEventId.optional()),
});

export const WebhookDeliveriesResponse = z.object({
  deliveries: z.array(
    z.object({
      eventId: z.string(),
      type: z.string(),
      createdAt: z.string(),
      status: WebhookDeliveryStatus,
      attempts: z.int(),
      nextAttemptAt: z.string().nullable(),
      lastStatus: z.int().nullable(),
      lastError: z.string().nullable(),
      deliveredAt: z.string().nullable(),
      /** The event exactly as sent. */
      event: z.unknown(),
    }),
  ),
  next: z.string().nullable(),
});
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponse>;

export const WebhookRedeliverRequest = z.strictObject({
  /** Failed events to send again; omitted = every failed delivery of the endpoint. */
  eventIds: z.array(WebhookEventId).min(1).max(100).optional(),
});

export const WebhookRedeliverResponse = z.object({ requeued: z.int() });
export type WebhookRedeliverResponse = z.infer<typeof WebhookRedeliverResponse>;

/** `consent.updated`: a visitor's decision was recorded (banner, preferences, GPC, API). */
export const ConsentUpdatedData = z.object({
  visitorId: z.string(),
  /** The site's own id for the person, when the visitor was identified (`assent.identify`). */
  subject: z.string().nullable(),
  receiptId: z.string(),
  action: ConsentAction,
  surface: ConsentSurface,
  categories: z.record(z.string(), z.boolean()),
  gpc: z.boolean(),
  gpcApplied: z.boolean(),
  /** The US opt-out the decision states (R0.3): stop selling or sharing server-side too (R2.5). */
  usOptOut: UsOptOutFlags,
  regime: Regime,
  jurisdiction: z.string().nullable(),
  policyVersion: z.string(),
  policyFingerprint: z.string(),
  recordedAt: z.string(),
  expiresAt: z.string(),
});

/** `consent.erased`: a visitor erased their record; erase what you hold about them too. */
export const ConsentErasedData = z.object({
  visitorId: z.string(),
  subject: z.string().nullable(),
  erasedAt: z.string(),
});

/**
 * `subscription.*`: a list's status for an address changed. `pending` carries no address: it
 * is not confirmed, and may have been typed by someone else, so it must not be mailed.
 */
export const SubscriptionChangedData = z.object({
  list: z.string(),
  status: z.enum(["pending", "confirmed", "unsubscribed"]),
  email: z.string().nullable(),
  visitorId: z.string().nullable(),
  textVersion: z.string().nullable(),
  /** How the change was made: preferences, email_link, one_click or api. */
  source: z.string(),
  /** For `subscription.unsubscribed`: the visitor left (`unsubscribe`) or erased their data (`erase`). */
  reason: z.enum(["unsubscribe", "erase"]).nullable(),
  at: z.string(),
});

/** The JSON body of every delivery. */
export const WebhookEvent = z.object({
  id: WebhookEventId,
  type: WebhookEventType,
  siteId: z.string(),
  createdAt: z.string(),
  data: z.union([ConsentUpdatedData, ConsentErasedData, SubscriptionChangedData, RightsRequestEventData, z.object({ endpointId: z.string() })]),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type ConsentUpdatedData = z.infer<typeof ConsentUpdatedData>;
export type ConsentErasedData = z.infer<typeof ConsentErasedData>;
export type SubscriptionChangedData = z.infer<typeof SubscriptionChangedData>;

/**
 * Email lists: POST /v1/sites/{siteId}/subscriptions and the visitor's list statuses.
 */
import * as z from "zod";
import { text } from "./fields";
import { Locale, Slug } from "./ids";

/** A signup from the preference center or the site's own form. Never implied by a banner action. */
export const SubscriptionRequest = z.strictObject({
  email: z.email().max(254),
  lists: z.array(Slug).min(1).max(10),
  /** The consent wording version the visitor saw; must be each list's current one (R5.1). */
  textVersion: text(32),
  locale: Locale,
  /** The Turnstile widget's token; required when the site enables Turnstile (R6.11). */
  turnstileToken: z.string().min(1).max(2048).optional(),
  /**
   * The page the signup was made on (R5.2 proof). Kept only when its origin is the request's
   * Origin, and without query or fragment; otherwise the Origin is kept instead.
   */
  sourceUrl: z.string().max(1024).optional(),
});
export type SubscriptionRequest = z.infer<typeof SubscriptionRequest>;

/**
 * Always the same answer, whatever the address's history: the confirmation email decides, so
 * the endpoint never tells whether an address is known (no enumeration).
 */
export const SubscriptionResponse = z.object({
  status: z.literal("pending"),
  lists: z.array(z.string()),
  /** ISO time the confirmation link stops working. */
  confirmBy: z.string(),
});
export type SubscriptionResponse = z.infer<typeof SubscriptionResponse>;

/** GET /me/subscriptions: the status of each list the visitor signed up to from this browser. */
export const VisitorSubscriptions = z.object({
  lists: z.record(z.string(), z.enum(["pending", "confirmed", "unsubscribed"])),
});
export type VisitorSubscriptions = z.infer<typeof VisitorSubscriptions>;

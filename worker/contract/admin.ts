/**
 * Site owner API: /v1/sites/{siteId}/admin/..., server to server, `Authorization: Bearer ask_…`.
 */
import * as z from "zod";
import { Preferences } from "./consents";
import { param } from "./fields";
import { Slug, Uuid } from "./ids";

/** An API key secret: `ask_` and 32 random bytes in base64url. Only its SHA-256 is stored. */
export const ApiKeySecret = z.string().regex(/^ask_[A-Za-z0-9_-]{43}$/, "an API key is ask_ followed by 43 base64url characters");

/** An API key's public id, safe to show and log. */
export const ApiKeyId = z.string().regex(/^ak_[0-9a-f]{12}$/, "a key id is ak_ followed by 12 hex digits");

export const SubscribersQuery = z.strictObject({
  limit: param(z.coerce.number().int().min(1).max(500).default(100)),
  /** Opaque cursor from a previous page's `next`. */
  cursor: param(z.string().regex(/^sub_[0-9a-f]{32}$/).optional()),
});

/** One page of a list's sendable subscribers: confirmed and not suppressed. */
export const SubscribersResponse = z.object({
  subscribers: z.array(
    z.object({
      email: z.string(),
      status: z.literal("confirmed"),
      confirmedAt: z.string(),
      /** The consent wording version the subscriber agreed to (R5.1). */
      textVersion: z.string(),
      locale: z.string(),
      /** The page they signed up on (R5.2); null for signups older than this field. */
      sourceUrl: z.string().nullable(),
    }),
  ),
  /** Cursor of the next page; null on the last page. */
  next: z.string().nullable(),
});
export type SubscribersResponse = z.infer<typeof SubscribersResponse>;

/** A visitor's current state and the status of each list they signed up to from their browser. */
export const AdminVisitorResponse = z.object({
  visitorId: Uuid,
  /** Null when the decision expired or was never stored, but the visitor has subscriptions. */
  preferences: Preferences.nullable(),
  lists: z.record(z.string(), z.enum(["pending", "confirmed", "unsubscribed"])),
});
export type AdminVisitorResponse = z.infer<typeof AdminVisitorResponse>;

export const UnsubscribeHeadersRequest = z.strictObject({
  email: z.email().max(254),
  list: Slug,
});
export type UnsubscribeHeadersRequest = z.infer<typeof UnsubscribeHeadersRequest>;

/** The RFC 2369 / RFC 8058 headers to put on every message of a list to one address (R5.4). */
export const UnsubscribeHeadersResponse = z.object({
  headers: z.object({
    "List-Unsubscribe": z.string(),
    "List-Unsubscribe-Post": z.literal("List-Unsubscribe=One-Click"),
    "List-Id": z.string(),
  }),
  /** The one-click URL itself, also for a link in the message body. */
  url: z.string(),
});
export type UnsubscribeHeadersResponse = z.infer<typeof UnsubscribeHeadersResponse>;

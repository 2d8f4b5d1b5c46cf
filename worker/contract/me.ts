/**
 * /me: the visitor's own data (state, receipts, export, erasure).
 */
import * as z from "zod";
import { Preferences, VisitorReceipt } from "./consents";
import { param } from "./fields";
import { SiteId, Uuid } from "./ids";

export const ReceiptsQuery = z.strictObject({
  limit: param(z.coerce.number().int().min(1).max(200).default(50)),
  /** Opaque cursor from a previous page's `next`. */
  cursor: param(z.string().regex(/^\d{1,18}$/).optional()),
});

export const ReceiptsResponse = z.object({
  receipts: z.array(VisitorReceipt),
  next: z.string().nullable(),
});
export type ReceiptsResponse = z.infer<typeof ReceiptsResponse>;

export const ExportDocument = z.object({
  format: z.literal("assent-export/1"),
  exportedAt: z.string(),
  siteId: SiteId,
  visitorId: Uuid,
  /** The site's id for the person, when this visitor record was identified (`assent.identify`). */
  subject: z.string().nullable(),
  preferences: Preferences.nullable(),
  receipts: z.array(VisitorReceipt),
  /**
   * Email lists linked to this browser (its signup was confirmed from the mailbox) and its own
   * signups still waiting for that click (`pending`): the address (null once unsubscribed: only
   * a keyed hash is kept then), the wording version, the dates.
   */
  subscriptions: z.array(
    z.object({
      list: z.string(),
      email: z.string().nullable(),
      status: z.enum(["pending", "confirmed", "unsubscribed"]),
      textVersion: z.string(),
      locale: z.string(),
      /** The page the signup was made on (null for signups older than this field). */
      sourceUrl: z.string().nullable(),
      createdAt: z.string(),
      confirmedAt: z.string().nullable(),
      unsubscribedAt: z.string().nullable(),
    }),
  ),
});
export type ExportDocument = z.infer<typeof ExportDocument>;

export const ErasureResponse = z.object({
  erased: z.literal(true),
  receiptsDeleted: z.int(),
  /** Email subscriptions removed; only a keyed hash per list remains, to honour the objection. */
  subscriptionsDeleted: z.int(),
  /** KV is eventually consistent: other locations may serve the old state for about 60 s. */
  propagation: z.string(),
});
export type ErasureResponse = z.infer<typeof ErasureResponse>;

export const HealthResponse = z.object({ status: z.literal("ok"), version: z.string() });

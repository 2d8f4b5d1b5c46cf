/**
 * Privacy rights requests (R9.1–R9.9, R2): what a person files on a site's rights page
 * (`/r/{siteId}`) or through the browser-facing API (`POST /v1/sites/{siteId}/rights/requests`),
 * and what the site owner reads and does with them (admin API, console).
 *
 * Each type asks for the minimum it needs: an email address (none at all for an opt-out), what
 * is wrong for a correction, where the content is and a statement of California residence for a
 * minor's removal. No age is ever asked or stored.
 */
import * as z from "zod";
import { param, text } from "./fields";

/** Every request type a person can file. */
export const RightsRequestType = z.enum([
  "access",
  "deletion",
  "correction",
  "opt_out",
  "shine_the_light",
  "minor_content_removal",
  "child_data_deletion",
]);
export type RightsRequestType = z.infer<typeof RightsRequestType>;

/**
 * Where a request stands.
 * - `awaiting_verification`: an email loop is pending (access, deletion, correction, a minor's
 *   removal, a parent's deletion); nothing acts on it before the click.
 * - `open`: received (and verified where needed), waiting for the site owner.
 * - `in_progress`: the owner is working on it.
 * - `completed`, `denied`: closed, with a response date; `not_verified`: the verification link
 *   expired unused (closed, nothing done).
 */
export const RightsRequestStatus = z.enum(["awaiting_verification", "open", "in_progress", "completed", "denied", "not_verified"]);
export type RightsRequestStatus = z.infer<typeof RightsRequestStatus>;

/** The statuses of a closed request. */
export const CLOSED_RIGHTS_STATUSES = ["completed", "denied", "not_verified"] as const satisfies readonly RightsRequestStatus[];

/** How a request reached Assent. */
export const RightsChannel = z.enum(["web_form", "api"]);
export type RightsChannel = z.infer<typeof RightsChannel>;

/** How the requester was verified: not at all (opt-out, Shine the Light), or by an email loop. */
export const RightsVerification = z.enum(["none", "email"]);
export type RightsVerification = z.infer<typeof RightsVerification>;

const address = z.email().max(254);
const common = {
  /** The requester's language; one of the site's, else the site's default. */
  locale: z.string().max(35).optional(),
  /** Turnstile token, when the site enables Turnstile. */
  turnstileToken: z.string().max(2048).optional(),
};

/** A new request: exactly the fields its type needs (a discriminated union on `type`). */
export const RightsRequestCreate = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("access"), email: address, ...common }),
  z.strictObject({ type: z.literal("deletion"), email: address, ...common }),
  z.strictObject({
    type: z.literal("correction"),
    email: address,
    /** What is wrong, and what it should say. */
    correction: text(2000),
    /** A new address for the subscriptions: confirmed by its own link before anything moves (R9.3). */
    newEmail: address.optional(),
    ...common,
  }),
  /** An opt-out of sale/sharing needs nothing (R9.4); an address is optional, to find the site's own records. */
  z.strictObject({ type: z.literal("opt_out"), email: address.optional(), ...common }),
  z.strictObject({ type: z.literal("shine_the_light"), email: address, ...common }),
  z.strictObject({
    type: z.literal("minor_content_removal"),
    email: address,
    /** Where the content is: links or a description. */
    contentLocation: text(2000),
    /** The statement of California residence the law asks for. */
    californiaResident: z.literal(true, { error: "the request needs your statement that you live in California" }),
    ...common,
  }),
  z.strictObject({
    type: z.literal("child_data_deletion"),
    /** The address the child used on this site (or the parent's, when the child used none). */
    email: address,
    /** The statement that the requester is the child's parent or legal guardian. */
    parentOrGuardian: z.literal(true, { error: "the request needs your statement that you are the parent or guardian" }),
    details: text(2000).optional(),
    ...common,
  }),
]);
export type RightsRequestCreate = z.infer<typeof RightsRequestCreate>;
export type RightsRequestCreateInput = z.input<typeof RightsRequestCreate>;

/** A request id: `rr_` and 24 hex digits. */
export const RightsRequestId = z.string().regex(/^rr_[0-9a-f]{24}$/, "a request id is rr_ followed by 24 hex digits");

/** The answer to a new request. */
export interface RightsRequestReceipt {
  id: string;
  type: RightsRequestType;
  status: RightsRequestStatus;
  receivedAt: string;
  /** The answer is due by the end of this date (the site's time zone). */
  dueBy: string;
  /** What happens next, in words. */
  next: "check_email" | "done" | "answer_emailed" | "owner";
  /** An opt-out sent with the browser's visitor token: the receipt of the decision recorded for it (R9.4). */
  decisionReceiptId?: string;
}

/** One step in a request's history. */
export interface RightsRequestEvent {
  at: string;
  kind: string;
  /** "requester", "assent" (automatic), or the owner's email. */
  actor: string;
  note: string | null;
}

/** A request as the site owner sees it. Email and details are gone once it is closed (R9.5). */
export interface RightsRequest {
  id: string;
  type: RightsRequestType;
  status: RightsRequestStatus;
  channel: RightsChannel;
  verification: RightsVerification;
  locale: string;
  email: string | null;
  details: Record<string, string | boolean> | null;
  receivedAt: string;
  verifiedAt: string | null;
  acknowledgeBy: string | null;
  dueBy: string;
  /** The due date after an extension (null: not extended). */
  extendedTo: string | null;
  /** Whether the owner may still extend it today. */
  canExtend: boolean;
  extensionReason: string | null;
  respondedAt: string | null;
  outcome: string | null;
  denialBasis: string | null;
  note: string | null;
  /** Calendar days to the (extended) due date, negative when overdue; null once closed. */
  daysLeft: number | null;
  overdue: boolean;
  events?: RightsRequestEvent[];
}

export interface RightsRequestList {
  requests: RightsRequest[];
  next: string | null;
}

/** The owner's queue filters. */
export const RightsQueueQuery = z.strictObject({
  type: param(RightsRequestType.optional()),
  /** A status, `active` (anything not closed, the default) or `all`. */
  status: param(z.union([RightsRequestStatus, z.enum(["active", "all"])]).default("active")),
  /** Only requests due by this date (YYYY-MM-DD), or already overdue with `overdue`. */
  due: param(z.union([z.iso.date(), z.literal("overdue")]).optional()),
  limit: param(z.coerce.number().int().min(1).max(200).default(50)),
  /** From a previous page's `next`. */
  cursor: param(z.string().max(200).optional()),
});
export type RightsQueueQuery = z.infer<typeof RightsQueueQuery>;

/** Mark a request as being worked on. */
export const RightsStart = z.strictObject({ note: text(2000).optional() });
/** Extend the deadline; the requester is told why (the notice the law requires). */
export const RightsExtend = z.strictObject({ reason: text(1000) });
/** Close with the work done. */
export const RightsComplete = z.strictObject({ note: text(2000).optional() });
/** Close with a refusal and its basis, which the requester is told. */
export const RightsDeny = z.strictObject({ basis: text(1000), note: text(2000).optional() });

/**
 * The owner's "delete a child's data" (R9.9): on a parent's request made elsewhere, or on actual
 * knowledge, the address is erased and suppressed at once.
 */
export const RightsChildDeletion = z.strictObject({ email: address });

/** `rights.request.*` webhook payload: what changed, never more than the owner needs to act. */
export const RightsRequestEventData = z.object({
  requestId: z.string(),
  type: RightsRequestType,
  status: RightsRequestStatus,
  channel: RightsChannel,
  /** The requester's address once verified (or for types that need none); otherwise null. */
  email: z.string().nullable(),
  receivedAt: z.string(),
  dueBy: z.string(),
  outcome: z.string().nullable(),
  at: z.string(),
});
export type RightsRequestEventData = z.infer<typeof RightsRequestEventData>;

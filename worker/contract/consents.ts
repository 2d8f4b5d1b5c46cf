/**
 * POST /v1/sites/{siteId}/consents: a decision, its receipt and the visitor's current record.
 */
import * as z from "zod";
import { text } from "./fields";
import { Locale, SiteId, Slug, Uuid } from "./ids";
import { Regime } from "./site-config";

export const ConsentAction = z.enum(["accept_all", "reject_all", "custom", "withdraw"]);
export type ConsentAction = z.infer<typeof ConsentAction>;

/**
 * Where the decision was made: the banner, the preference center, an embed placeholder's
 * "Load" button, the automatic record of a GPC signal (R2.2), a program through the API, or
 * `sync`: a choice made earlier in this browser, carried over to the person's record when the
 * browser was identified (`assent.identify`) and its choice was newer than the record's.
 */
export const ConsentSurface = z.enum(["banner", "preferences", "embed", "gpc", "api", "sync"]);
export type ConsentSurface = z.infer<typeof ConsentSurface>;

export const ConsentRequest = z.strictObject({
  action: ConsentAction,
  /** Every category stated: required for `custom`, optional (and then checked) otherwise. */
  choices: z.record(Slug, z.boolean()).optional(),
  /** The fingerprint of the policy the visitor saw; must equal the current one. */
  policyFingerprint: z.string().min(1).max(128),
  locale: Locale,
  /** `navigator.globalPrivacyControl`, which the Sec-GPC header cannot tell a script (R7.6). */
  gpc: z.boolean().default(false),
  widgetVersion: text(64),
  /** The `textHash` from bootstrap: which wording the visitor saw. */
  textHash: z.string().regex(/^th1-[0-9a-f]{32}$/, "textHash is the value bootstrap returned"),
  surface: ConsentSurface.default("banner"),
});
export type ConsentRequest = z.infer<typeof ConsentRequest>;
export type ConsentRequestInput = z.input<typeof ConsentRequest>;

/** The proof of one decision, as stored in the ledger (R1.14). No IP, no full user agent. */
/**
 * The US opt-out a decision states (R0.3), apart from the consent booleans: from GPC, an opt-out
 * request, or refusing a sale-or-sharing category where opt-out rules apply.
 */
export const UsOptOutFlags = z.object({ saleSharing: z.boolean(), targetedAds: z.boolean() });

export const Receipt = z.object({
  id: z.string(),
  siteId: SiteId,
  visitorId: Uuid,
  /** Server time, ISO 8601. */
  recordedAt: z.string(),
  action: ConsentAction,
  surface: ConsentSurface,
  /** Every category of the site, stated true or false. */
  categories: z.record(z.string(), z.boolean()),
  policyVersion: z.string(),
  policyLastUpdated: z.string(),
  policyFingerprint: z.string(),
  textHash: z.string(),
  widgetVersion: z.string(),
  locale: z.string(),
  regime: Regime,
  jurisdiction: z.string().nullable(),
  country: z.string().nullable(),
  gpc: z.boolean(),
  /** True when GPC turned off a category the visitor would otherwise have granted. */
  gpcApplied: z.boolean(),
  /** The US opt-out this decision states (R0.3). */
  usOptOut: UsOptOutFlags,
  /**
   * Which category-to-Consent-Mode mapping was in force (R3.4): `gcm1-` and a hash of every
   * category's Consent Mode types, so the proof says what each granted category let Google do.
   */
  consentModeMapping: z.string(),
  /** Coarse browser family ("Chrome", "Firefox" …), never the full user agent. */
  uaFamily: z.string(),
  prevId: z.string().nullable(),
  /** When the decision stops counting and the visitor is asked again. */
  expiresAt: z.string(),
});
export type Receipt = z.infer<typeof Receipt>;

/**
 * A receipt as the visitor gets it: with `jws`, the receipt signed by the Worker (a compact JWS,
 * ./signed-receipts.ts), verifiable offline against the site's JWK Set. Absent only for a
 * decision recorded before receipts were signed that the chaining step has not salted yet.
 */
export const VisitorReceipt = Receipt.extend({ jws: z.string().optional() });
export type VisitorReceipt = z.infer<typeof VisitorReceipt>;

/** The visitor's current state, as kept in PREFS and returned to the widget. */
export const Preferences = z.object({
  siteId: SiteId,
  visitorId: Uuid,
  categories: z.record(z.string(), z.boolean()),
  action: ConsentAction,
  gpc: z.boolean(),
  /**
   * The US opt-out state (R0.3), kept apart from `categories`: the flags of the latest decision,
   * and the last GPC value a decision saw, with its time. Absent in records written before it
   * existed.
   */
  usOptOut: UsOptOutFlags.extend({ gpcSeen: z.object({ value: z.boolean(), at: z.string() }) }).optional(),
  policyFingerprint: z.string(),
  policyVersion: z.string(),
  receiptId: z.string(),
  /** Monotonic per visitor: a larger version is a later decision (R6.1). */
  version: z.int(),
  updatedAt: z.string(),
  expiresAt: z.string(),
  /**
   * The status of each email list the visitor signed up to from their browser, so consent and
   * both communication preferences are in one record per visitor. A copy: the subscriptions in
   * D1 (keyed by address, R0.2) are the truth (see worker/consent/visitor-record.ts). Absent in
   * records written before this field existed.
   */
  lists: z.record(z.string(), z.enum(["pending", "confirmed", "unsubscribed"])).optional(),
});
export type Preferences = z.infer<typeof Preferences>;

export const ConsentResponse = z.object({
  visitorId: Uuid,
  /**
   * A fresh token for the visitor: keep it in place of the one sent (tokens expire, and each
   * answer renews them). Absent only on a replay without a token of a decision older than 24
   * hours, or of a visitor whose tokens were revoked since.
   */
  token: z.string().optional(),
  receipt: VisitorReceipt,
  preferences: Preferences,
  /** True when this answers a retried request that was already recorded. */
  replayed: z.boolean(),
});
export type ConsentResponse = z.infer<typeof ConsentResponse>;

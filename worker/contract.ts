/**
 * The Assent API contract: every request, response and configuration document as a zod schema,
 * with the TypeScript type inferred from it.
 *
 * The Worker validates with these schemas; the widget imports the *types* only
 * (`import type { … } from "../worker/contract"`), so zod never ships in the embed.
 * `import * as z` (not `import { z }`) keeps zod's locales out of the Worker bundle.
 */
import * as z from "zod";

// ---------------------------------------------------------------------------------------------
// Identifiers and small building blocks
// ---------------------------------------------------------------------------------------------

/** Site ids: lowercase letters, digits and dashes, 1–48 characters. Part of every storage key. */
export const SiteId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "a site id is 1–48 of a-z, 0-9 and '-'");

/** Category, vendor and list ids. Keys of `choices`, so kept short and plain. */
export const Slug = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "an id is 1–32 of a-z, 0-9, '_' and '-', starting with a letter");

/**
 * A BCP 47 language tag as sent by browsers ("en", "de-CH", "zh-Hant-TW"): one rule everywhere a
 * locale comes in. Well-formed by `Intl.getCanonicalLocales` (which refuses what `Intl`
 * formatters would throw on later, such as "en-US-US") and returned in its canonical spelling
 * ("en-us" → "en-US"), so nothing stored can break a page or a message.
 */
export const Locale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, "a locale is a BCP 47 tag such as en or de-CH")
  .transform((tag, ctx) => {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      ctx.addIssue({ code: "custom", message: "a locale is a well-formed BCP 47 tag such as en or de-CH" });
      return z.NEVER;
    }
  });

/** A locale as a site config names it: well-formed and already in its canonical spelling. */
export const ConfigLocale = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) && Intl.getCanonicalLocales(tag)[0] === tag;
    } catch {
      return false;
    }
  }, "a locale is a BCP 47 tag in its canonical spelling, such as en, de-CH or zh-Hant-TW");

/** The server- or client-made UUID (v4) used for visitor ids and idempotency keys. */
export const Uuid = z.uuid();

const text = (max: number) => z.string().trim().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const isoDate = z.iso.date();
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour is #rrggbb");

/** An exact web origin: scheme, host and optional port, nothing else (R7.4). */
export const Origin = z
  .string()
  .max(253)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "an origin is scheme://host[:port] with no path, e.g. https://www.example.com");

// ---------------------------------------------------------------------------------------------
// Site configuration (a JSON document in the SITES namespace)
// ---------------------------------------------------------------------------------------------

/** The seven Google Consent Mode v2 types (R3.1). */
export const ConsentModeType = z.enum([
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
]);
export type ConsentModeType = z.infer<typeof ConsentModeType>;

/** One cookie or storage entry a category may set, with its lifetime (R0.1, CJEU Planet49). */
export const StorageItem = z.strictObject({
  name: text(100),
  type: z.enum(["cookie", "localStorage", "sessionStorage", "indexedDB"]),
  /** Lifetime in days; `null` means it lasts for the browser session. */
  durationDays: z.int().min(0).max(3650).nullable(),
  /** Set by the site itself (first party) or by a vendor's domain (third party). */
  thirdParty: z.boolean().default(false),
  /** Cookie domain the widget deletes it from on withdrawal, when JS can reach it. */
  domain: z.string().max(253).optional(),
});
export type StorageItem = z.infer<typeof StorageItem>;

/** A company that receives or processes data for a category. Its purpose wording is in `texts`. */
export const Vendor = z.strictObject({
  id: Slug,
  name: text(100),
  /** The vendor's privacy policy. */
  policyUrl: httpUrl,
  thirdParty: z.boolean(),
  /** How long the vendor keeps the data, in days (R0.1 "retention"). */
  retentionDays: z.int().min(0).max(36500),
});
export type Vendor = z.infer<typeof Vendor>;

/** A purpose the visitor can grant or refuse. Its title and description live in `texts`. */
export const Category = z.strictObject({
  id: Slug,
  /** Only `necessary` is required: always on, shown on and locked (R1.4). */
  required: z.boolean().default(false),
  /** Sale, sharing or targeted advertising in US terms: forced off by GPC (R2.2). */
  saleOrSharing: z.boolean().default(false),
  /** Consent Mode types this category grants (R3.4). */
  consentMode: z.array(ConsentModeType).max(7).default([]),
  vendors: z.array(Vendor).max(50),
  storage: z.array(StorageItem).max(100),
});
export type Category = z.infer<typeof Category>;

/** An email list (marketing email, blog). Consent is separate from the banner's (R0.2). */
export const CommunicationList = z.strictObject({
  id: Slug,
  kind: z.enum(["marketing", "newsletter"]),
  /** Version of the consent wording; stored with every signup (R5.1). */
  textVersion: text(32),
  /** A distinct sender for this list (R5.3); default: the site's `email.fromAddress`. */
  fromAddress: z.email().max(254).optional(),
});

/** How the site's email is sent and signed off (required when it has lists). */
export const EmailSettings = z.strictObject({
  fromAddress: z.email().max(254),
  fromName: text(100),
  replyTo: z.email().max(254).optional(),
  /** The sender's postal address, in every message (CAN-SPAM, R5.6). */
  postalAddress: text(300),
  /** How long a confirmation link works (R5.2). */
  confirmDays: z.int().min(1).max(30).default(7),
  /**
   * At most this many confirmation messages in 24 hours for the whole site; signups beyond it
   * get 429 `email_quota_exceeded`. A guard against bots using the signup form as a mail
   * cannon (besides Turnstile and the per-address limits).
   */
  dailyConfirmationLimit: z.int().min(1).max(1_000_000).default(1000),
});
export type EmailSettings = z.infer<typeof EmailSettings>;
export type CommunicationList = z.infer<typeof CommunicationList>;

export const Regime = z.enum(["opt-in", "opt-out", "notice"]);
export type Regime = z.infer<typeof Regime>;

/** ISO 3166-1 alpha-2 country code, e.g. "DE". */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, "a country is an ISO 3166-1 code such as DE");
/** ISO 3166-2 subdivision code, e.g. "US-CA". */
export const RegionCode = z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, "a region is an ISO 3166-2 code such as US-CA");

/**
 * One regime rule. A rule with `regions` matches only when the visitor's region is known and
 * listed; a rule with `countries` matches the country. The first matching rule wins.
 */
export const RegimeRule = z
  .strictObject({
    regime: Regime,
    countries: z.array(CountryCode).max(300).optional(),
    regions: z.array(RegionCode).max(300).optional(),
  })
  .refine((r) => (r.countries?.length ?? 0) + (r.regions?.length ?? 0) > 0, "a rule names countries or regions");

/** Countries whose visitors must always get opt-in: EU, EEA, UK and Switzerland (R0.4, R3.2). */
export const OPT_IN_COUNTRIES = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
  "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB", "CH",
] as const;

export const Regimes = z
  .strictObject({
    rules: z.array(RegimeRule).max(50),
    /** Regime for a known location that no rule matches. Unknown locations always get opt-in. */
    otherwise: Regime.default("opt-in"),
  })
  .superRefine((regimes, ctx) => {
    const strict = new Set<string>(OPT_IN_COUNTRIES);
    regimes.rules.forEach((rule, i) => {
      if (rule.regime === "opt-in") return;
      const weakened = [
        ...(rule.countries ?? []).filter((c) => strict.has(c)),
        ...(rule.regions ?? []).filter((r) => strict.has(r.slice(0, 2))),
      ];
      if (weakened.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["rules", i],
          message: `EU/EEA/UK/CH visitors must get opt-in, not ${rule.regime}: ${weakened.join(", ")}`,
        });
    });
  });
export type Regimes = z.infer<typeof Regimes>;

export const Policy = z.strictObject({
  /** The site's own policy version label, e.g. "2026-11". Stored with every decision (R9.12). */
  version: text(32),
  url: httpUrl,
  lastUpdated: isoDate,
  cookiePolicyUrl: httpUrl.optional(),
  /**
   * Bump to ask everyone again after a material change that the categories, vendors and regimes
   * do not show (for example a new use of data already collected). Part of the fingerprint.
   */
  materialRevision: z.int().min(0).max(1_000_000).default(0),
});

export const ConsentSettings = z.strictObject({
  /** How long a decision that grants something is kept before asking again (R1.13). */
  lifetimeDays: z.int().min(1).max(395).default(180),
  /** How long a refusal is kept before asking again; at least 6 months (R1.12). */
  refusalDays: z.int().min(180).max(395).default(180),
  /** Evidence period: proof rows are kept this long after the decision expires (R1.15). */
  proofRetentionDays: z.int().min(30).max(3650).default(1095),
});

/** The wording of one locale. Only wording lives here, so it never changes the fingerprint. */
export const SiteTexts = z.strictObject({
  banner: z.strictObject({ title: text(120), description: text(1200) }),
  categories: z.record(Slug, z.strictObject({ title: text(80), description: text(1200) })),
  vendors: z.record(Slug, z.strictObject({ purpose: text(400) })),
  communications: z.record(
    Slug,
    z.strictObject({ title: text(80), description: text(600), consentText: text(1200) }),
  ),
  /** Shown when GPC was honoured (R2.4). */
  gpcHonored: text(200),
});
export type SiteTexts = z.infer<typeof SiteTexts>;

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const Theme = z
  .strictObject({
    colorScheme: z.enum(["light", "dark", "system"]).default("system"),
    /** Button background. Checked against `onAccent` at config time (R8.6). */
    accent: hexColor.default("#1d4ed8"),
    onAccent: hexColor.default("#ffffff"),
    radiusPx: z.int().min(0).max(24).default(8),
  })
  .refine((t) => contrastRatio(t.accent, t.onAccent) >= 4.5, {
    message: "accent and onAccent need a contrast ratio of at least 4.5:1 (WCAG 1.4.3)",
    path: ["onAccent"],
  });

/** How the embed behaves on the site's pages. Not material: never changes the fingerprint. */
export const WidgetSettings = z.strictObject({
  /** Show a small floating button on every page that reopens the preferences (R1.10). */
  floatingButton: z.boolean().default(false),
  /**
   * Also mirror the visitor's choice into a first-party cookie of this name on the site's own
   * domain, so the site's backend can read it. Off by default: localStorage is enough for the
   * page, and a cookie travels with every request.
   */
  cookieMirror: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a cookie name of letters, digits, _ and -").optional(),
  /**
   * A returning visitor's record is applied with no request; at most this often (minutes) the
   * widget checks in the background whether the policy fingerprint changed.
   */
  revalidateMinutes: z.int().min(5).max(10_080).default(60),
});
export type WidgetSettings = z.infer<typeof WidgetSettings>;

/**
 * Cloudflare Turnstile on the email signup (R6.11): present = enabled. Only the public site key
 * lives here; the secret is the Wrangler secret TURNSTILE_SECRET_KEY (R6.12). Never used on
 * consent saves. Not material: never changes the fingerprint.
 */
/** The Turnstile action of the signup when the config names none. */
export const DEFAULT_TURNSTILE_ACTION = "assent-signup";

export const TurnstileSettings = z.strictObject({
  /** The widget's public site key from the Cloudflare dashboard (e.g. 0x4AAAAAAA…). */
  siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "a Turnstile site key is 8–100 of A-Z, a-z, 0-9, _ and -"),
  /** The action the widget renders with; siteverify must echo it. */
  action: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "a Turnstile action is 1–32 of A-Z, a-z, 0-9, _ and -")
    .default(DEFAULT_TURNSTILE_ACTION),
});
export type TurnstileSettings = z.infer<typeof TurnstileSettings>;

/** An array, or [] for anything else (for rules that read a possibly malformed document). */
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** An object, or {} for anything else. */
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The whole site configuration document. */
export const SiteConfig = z
  .strictObject({
    id: SiteId,
    name: text(100),
    defaultLocale: ConfigLocale,
    allowedOrigins: z.array(Origin).min(1).max(50),
    policy: Policy,
    categories: z.array(Category).min(1).max(20),
    communications: z.array(CommunicationList).max(10).default([]),
    regimes: Regimes,
    consent: ConsentSettings.prefault({}),
    consentMode: z
      .strictObject({ waitForUpdateMs: z.int().min(0).max(10_000).default(500) })
      .prefault({}),
    texts: z.record(ConfigLocale, SiteTexts),
    theme: Theme.prefault({}),
    widget: WidgetSettings.prefault({}),
    email: EmailSettings.optional(),
    /** Turnstile on the email signup; absent = off (R6.11). */
    turnstile: TurnstileSettings.optional(),
    /** A site directed to children under 13: no email capture at all (COPPA, R9.9). */
    childDirected: z.boolean().default(false),
  })
  // Cross-field rules. They run even when a field is malformed, so a site owner sees every
  // problem of a file at once, not the next one after each fix: the document is read through
  // the guards below, which treat a malformed part as empty (its own issue is already listed).
  .superRefine(
    (input, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
      const site = input as unknown as Record<string, unknown>;
      const categories = list(site.categories).map(record);
      const ids = categories.map((c) => c.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) issue(["categories"], `category "${String(dup)}" appears twice`);
      const necessary = categories.find((c) => c.id === "necessary");
      if (!necessary || necessary.required !== true)
        issue(["categories"], 'a category "necessary" with required: true is mandatory');
      categories.forEach((c, i) => {
        if (c.required === true && c.id !== "necessary")
          issue(["categories", i, "required"], "only the necessary category may be required");
      });
      const vendorIds = categories.flatMap((c) => list(c.vendors).map((v) => record(v).id));
      const listIds = list(site.communications).map((l) => record(l).id);
      if (new Set(listIds).size !== listIds.length) issue(["communications"], "a list id appears twice");
      if (listIds.length > 0 && !site.email)
        issue(["email"], "a site with communications lists needs email settings (sender, postal address)");
      const texts = record(site.texts);
      if (typeof site.defaultLocale === "string" && !(site.defaultLocale in texts))
        issue(["texts"], `texts for the default locale "${site.defaultLocale}" are missing`);
      for (const [locale, raw] of Object.entries(texts)) {
        const t = record(raw);
        const [cats, vendors, comms] = [record(t.categories), record(t.vendors), record(t.communications)];
        for (const id of ids)
          if (typeof id === "string" && !cats[id]) issue(["texts", locale, "categories", id], "title and description missing");
        for (const id of Object.keys(cats))
          if (!ids.includes(id)) issue(["texts", locale, "categories", id], "no such category");
        for (const id of vendorIds)
          if (typeof id === "string" && !vendors[id]) issue(["texts", locale, "vendors", id], "vendor purpose missing");
        for (const id of listIds)
          if (typeof id === "string" && !comms[id]) issue(["texts", locale, "communications", id], "list wording missing");
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
export type SiteConfig = z.infer<typeof SiteConfig>;
/** What a site owner writes: defaults may be left out. */
export type SiteConfigInput = z.input<typeof SiteConfig>;

// ---------------------------------------------------------------------------------------------
// GET /v1/sites/{siteId}/bootstrap
// ---------------------------------------------------------------------------------------------

/** What the edge decided for this request (R0.4, R2.1). */
export const EdgeDecision = z.object({
  regime: Regime,
  /** "DE", "US-CA" … or null when the location is unknown. */
  jurisdiction: z.string().nullable(),
  country: z.string().nullable(),
  gpc: z.boolean(),
});
export type EdgeDecision = z.infer<typeof EdgeDecision>;

export const BootstrapResponse = z.object({
  site: z.object({ id: SiteId, name: z.string() }),
  locale: Locale,
  locales: z.array(Locale),
  dir: z.enum(["ltr", "rtl"]),
  texts: SiteTexts,
  /** Hash of the wording in `texts`; the widget echoes it in its decision. */
  textHash: z.string(),
  categories: z.array(Category),
  communications: z.array(CommunicationList),
  policy: z.object({
    version: z.string(),
    url: z.string(),
    cookiePolicyUrl: z.string().optional(),
    lastUpdated: z.string(),
    /** Hash of what is material; a change means the visitor must be asked again (R9.12). */
    fingerprint: z.string(),
  }),
  consent: z.object({ lifetimeDays: z.int(), refusalDays: z.int() }),
  consentMode: z.object({ waitForUpdateMs: z.int() }),
  theme: z.object({
    colorScheme: z.enum(["light", "dark", "system"]),
    accent: z.string(),
    onAccent: z.string(),
    radiusPx: z.int(),
  }),
  widget: z.object({
    floatingButton: z.boolean(),
    cookieMirror: z.string().optional(),
    revalidateMinutes: z.int(),
  }),
  /** Present when the site protects its email signup with Turnstile (public values only). */
  turnstile: z.object({ siteKey: z.string(), action: z.string() }).optional(),
  edge: EdgeDecision,
});
export type BootstrapResponse = z.infer<typeof BootstrapResponse>;

// ---------------------------------------------------------------------------------------------
// POST /v1/sites/{siteId}/consents
// ---------------------------------------------------------------------------------------------

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
  /** Coarse browser family ("Chrome", "Firefox" …), never the full user agent. */
  uaFamily: z.string(),
  prevId: z.string().nullable(),
  /** When the decision stops counting and the visitor is asked again. */
  expiresAt: z.string(),
});
export type Receipt = z.infer<typeof Receipt>;

/** The visitor's current state, as kept in PREFS and returned to the widget. */
export const Preferences = z.object({
  siteId: SiteId,
  visitorId: Uuid,
  categories: z.record(z.string(), z.boolean()),
  action: ConsentAction,
  gpc: z.boolean(),
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
   * D1 (keyed by address, R0.2) are the truth (see worker/visitor-record.ts). Absent in
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
  receipt: Receipt,
  preferences: Preferences,
  /** True when this answers a retried request that was already recorded. */
  replayed: z.boolean(),
});
export type ConsentResponse = z.infer<typeof ConsentResponse>;

// ---------------------------------------------------------------------------------------------
// /me: the visitor's own data
// ---------------------------------------------------------------------------------------------

/**
 * A query parameter that may be given empty: `?cursor=` (a script's first page, a cleared form
 * field) means the same as no parameter.
 */
const param = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema);

export const ReceiptsQuery = z.strictObject({
  limit: param(z.coerce.number().int().min(1).max(200).default(50)),
  /** Opaque cursor from a previous page's `next`. */
  cursor: param(z.string().regex(/^\d{1,18}$/).optional()),
});

export const ReceiptsResponse = z.object({
  receipts: z.array(Receipt),
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
  receipts: z.array(Receipt),
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

// ---------------------------------------------------------------------------------------------
// Email lists: POST /v1/sites/{siteId}/subscriptions and the confirmation / unsubscribe pages
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Site owner API: /v1/sites/{siteId}/admin/..., server to server, `Authorization: Bearer ask_…`
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Identity across devices: POST /v1/sites/{siteId}/identify (widget) and the site owner's
// /admin/subjects, /admin/identity-secret, /admin/identities. See worker/identity.ts.
// ---------------------------------------------------------------------------------------------

/**
 * A site's own id for a person (a "subject"), as its backend signs it: 1–128 characters
 * (UTF-16 code units), no control characters and no unpaired surrogates. Use an opaque user
 * id, not an email address: it is stored as given.
 */
export const Subject = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, "a subject has no control characters");

/** `{ identity }`: the signed subject id, `id1.<base64url(subject)>.<exp>.<base64url(mac)>`. */
export const IdentifyRequest = z.strictObject({
  /** Any string: a malformed one is refused like a forged one (401 invalid_identity). */
  identity: z.string().max(2048),
});
export type IdentifyRequest = z.infer<typeof IdentifyRequest>;

/** The person's one visitor record, for this browser to use from now on. */
export const IdentifyResponse = z.object({
  subject: z.string(),
  /** The canonical visitor: the same on every device identified as this subject. */
  visitorId: Uuid,
  /** A visitor token for the canonical visitor (replaces this browser's own). */
  token: z.string(),
  /** The canonical visitor's current state, or null when it has none. */
  preferences: Preferences.nullable(),
});
export type IdentifyResponse = z.infer<typeof IdentifyResponse>;

/** GET /admin/subjects/{subject}: the person's visitor record, its state and list statuses. */
export const AdminSubjectResponse = z.object({
  subject: z.string(),
  visitorId: Uuid,
  preferences: Preferences.nullable(),
  lists: z.record(z.string(), z.enum(["pending", "confirmed", "unsubscribed"])),
});
export type AdminSubjectResponse = z.infer<typeof AdminSubjectResponse>;

/** GET /admin/identity-secret: what the site's backend signs identities with. */
export const IdentitySecretResponse = z.object({
  /** `idsec_` and 43 base64url characters; the whole string, prefix included, is the HMAC key. */
  secret: z.string(),
  /** The identity format, as a reminder. */
  format: z.string(),
  /** Largest allowed `exp - now`, in seconds (30 days). */
  maxTtlSeconds: z.int(),
});
export type IdentitySecretResponse = z.infer<typeof IdentitySecretResponse>;

/** POST /admin/identities: let Assent sign an identity (for backends that cannot HMAC). */
export const IdentityIssueRequest = z.strictObject({
  subject: Subject,
  /** Lifetime in seconds: 60 s to 30 days, default one hour. */
  ttlSeconds: z.int().min(60).max(30 * 86_400).default(3600),
});
export type IdentityIssueRequest = z.input<typeof IdentityIssueRequest>;

export const IdentityIssueResponse = z.object({
  identity: z.string(),
  /** ISO time after which `/identify` refuses it (401 identity_expired). */
  expiresAt: z.string(),
});
export type IdentityIssueResponse = z.infer<typeof IdentityIssueResponse>;

// ---------------------------------------------------------------------------------------------
// Webhooks: /v1/sites/{siteId}/admin/webhooks (API key), and what Assent POSTs to endpoints.
// Deliveries follow the Standard Webhooks specification (headers `webhook-id`,
// `webhook-timestamp`, `webhook-signature`), so receivers can verify with its libraries.
// ---------------------------------------------------------------------------------------------

/** Every event type. `webhook.test` is only sent on request, to one endpoint. */
export const WebhookEventType = z.enum([
  "consent.updated",
  "consent.erased",
  "subscription.pending",
  "subscription.confirmed",
  "subscription.unsubscribed",
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
    .max(10)
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
  data: z.union([ConsentUpdatedData, ConsentErasedData, SubscriptionChangedData, z.object({ endpointId: z.string() })]),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type ConsentUpdatedData = z.infer<typeof ConsentUpdatedData>;
export type ConsentErasedData = z.infer<typeof ConsentErasedData>;
export type SubscriptionChangedData = z.infer<typeof SubscriptionChangedData>;

// ---------------------------------------------------------------------------------------------
// Errors (RFC 9457 problem details)
// ---------------------------------------------------------------------------------------------

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  /** Stable snake_case code for programs; titles and details may change. */
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

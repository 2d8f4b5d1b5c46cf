/**
 * Site configuration: the JSON document in the SITES namespace (scripts/sites.ts writes it).
 */
import * as z from "zod";
import { CONSENT_MODE_TYPES } from "../../shared/consent-mode-types";
import { contrastRatio } from "../lib/contrast";
import { hexColor, httpUrl, isoDate, text } from "./fields";
import { ConfigLocale, Origin, SiteId, Slug } from "./ids";

/** The seven Google Consent Mode v2 types (R3.1). */
export const ConsentModeType = z.enum(CONSENT_MODE_TYPES);
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

/** A host name such as "www.google-analytics.com": lowercase labels, no scheme, port or path. */
export const Hostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "a host is a name such as www.example.com");

/** A company that receives or processes data for a category. Its purpose wording is in `texts`. */
export const Vendor = z.strictObject({
  id: Slug,
  name: text(100),
  /** The vendor's privacy policy. */
  policyUrl: httpUrl,
  thirdParty: z.boolean(),
  /** How long the vendor keeps the data, in days (R0.1 "retention"). */
  retentionDays: z.int().min(0).max(36500),
  /**
   * The vendor receives personal information for *its own* direct marketing: it is named, with
   * its postal address, in the site's "Shine the Light" answers (R9.7). Not material.
   */
  directMarketing: z.boolean().default(false),
  /** The vendor's postal address (required for a direct-marketing vendor of a disclosure-mode site). */
  postalAddress: text(300).optional(),
  /** The categories of personal information disclosed to it, e.g. "email address" (Shine the Light). */
  personalInformation: z.array(text(80)).max(20).default([]),
  /**
   * Hosts the site's pages contact for this vendor (a host covers its subdomains), e.g.
   * "google-analytics.com". The scanner (`npm run scan`) compares them with the hosts it sees;
   * not material: the vendor itself is.
   */
  hosts: z.array(Hostname).max(20).default([]),
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

/** The privacy laws whose deadlines a site's rights requests follow (R9.6). */
export const PrivacyLaw = z.enum(["gdpr", "ccpa"]);

/** Whether an IANA time zone name is one the runtime knows. */
function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Privacy rights requests (R9, worker/rights/): the rights page `/r/{siteId}`, who hears of
 * requests, and the calendar their deadlines follow. Not material: never changes the fingerprint.
 */
export const RightsSettings = z.strictObject({
  /** Where the site owner is told of new requests and reminded of due dates; default `email.replyTo`. */
  contactEmail: z.email().max(254).optional(),
  /** The laws whose deadlines apply; with several, the strictest date wins. */
  laws: z.array(PrivacyLaw).min(1).max(2).default(["gdpr", "ccpa"]),
  /** The time zone due dates are counted in (IANA name). */
  timeZone: z.string().max(64).refine(knownTimeZone, "an IANA time zone such as America/Los_Angeles").default("UTC"),
  /** Days that are not business days besides weekends (YYYY-MM-DD). */
  holidays: z.array(isoDate).max(200).default([]),
  /** California: a "Your California Privacy Rights" section and link, Shine the Light, minors' removal (R9.7, R9.8). */
  california: z.boolean().default(false),
  /**
   * How the site meets Shine the Light (R9.7): `disclosure` answers requests with the vendors
   * marked `directMarketing`; `optout-exemption` says the site lets customers opt out of such
   * disclosures instead (Civ. Code 1798.83(c)(2)). Required when `california` is on.
   */
  shineTheLightMode: z.enum(["disclosure", "optout-exemption"]).optional(),
  /**
   * Close access and deletion requests as soon as Assent has fulfilled them. Leave off (the
   * default) when the site holds personal data elsewhere: the request then stays in the owner's
   * queue until they have done their part.
   */
  completeAutomatically: z.boolean().default(false),
  /** Remind the owner this many days before a request is due. */
  remindDaysBefore: z.int().min(1).max(30).default(5),
});
export type RightsSettings = z.infer<typeof RightsSettings>;

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
    /** Privacy rights requests (R9). */
    rights: RightsSettings.prefault({}),
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
      const rights = record(site.rights);
      if (rights.california === true && rights.shineTheLightMode === undefined)
        issue(["rights", "shineTheLightMode"], 'a site with California rights on says how it meets Shine the Light: "disclosure" or "optout-exemption"');
      if (rights.shineTheLightMode === "disclosure")
        categories.forEach((c, i) =>
          list(c.vendors).forEach((raw, j) => {
            const v = record(raw);
            if (v.directMarketing === true && typeof v.postalAddress !== "string")
              issue(["categories", i, "vendors", j, "postalAddress"], "a vendor that receives data for its own direct marketing needs its postal address (Shine the Light)");
          }),
        );
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

/**
 * The compliance scanner's report (`npm run scan`, scanner/): what it observed on a site as each
 * visitor profile, in each consent state, and what it found. The scanner writes it as JSON; the
 * admin API accepts it (`POST /v1/sites/{siteId}/admin/scans`) so a CI run feeds the console.
 * Bounded everywhere: a report is evidence, not a crawl dump.
 */
import * as z from "zod";
import { param } from "./fields";
import { SiteId } from "./ids";
import { Regime } from "./site-config";

/** The most a report may weigh as JSON for the admin API (`POST …/admin/scans`). */
export const SCAN_REPORT_MAX_BYTES = 1024 * 1024;

/** Report format marker; a new major version is a new literal. */
export const SCAN_SCHEMA = "assent.scan/1";

/** The visitors the scanner plays (R0.4, R2.1): an EU visitor, a Californian, a Californian with GPC. */
export const ScanProfileId = z.enum(["eu", "us-ca", "us-ca-gpc"]);
export type ScanProfileId = z.infer<typeof ScanProfileId>;

/**
 * When an observation was made: before any choice, after "Reject all" (on that page, after a
 * reload, on a second page of the site), after "Accept all", and after Escape on the banner.
 */
export const ScanState = z.enum(["before", "reject", "reject-reload", "reject-next-page", "accept", "escape"]);
export type ScanState = z.infer<typeof ScanState>;

/**
 * The rules, by stable id. The explanation of each (and the requirement it comes from) is in
 * scanner/rules.ts and in docs/scanner.md; an id never changes meaning once published.
 */
export const SCAN_RULE_IDS = [
  "before-choice/cookie",
  "before-choice/storage",
  "before-choice/third-party",
  "reject/cookie",
  "reject/storage",
  "reject/third-party",
  "gpc/not-honoured",
  "gpc/not-shown",
  "banner/missing",
  "banner/no-reject",
  "banner/reject-weaker",
  "banner/pre-ticked",
  "banner/escape-grants",
  "consent-mode/default-late",
  "consent-mode/update-count",
  "declared/undeclared",
  "declared/stale",
  "declared/lifetime",
  "declared/party",
  "scan/location",
] as const;
export const ScanRuleId = z.enum(SCAN_RULE_IDS);
export type ScanRuleId = z.infer<typeof ScanRuleId>;

export const ScanSeverity = z.enum(["error", "warning", "info"]);
export type ScanSeverity = z.infer<typeof ScanSeverity>;

const url = z.string().max(2048);
const name = z.string().max(256);

/** A cookie as the browser held it. `expiresDays` null: a session cookie. */
export const ScanCookie = z.object({
  name,
  domain: z.string().max(253),
  /** Its domain is not the scanned site's registrable domain (nor a subdomain of the page's host). */
  thirdParty: z.boolean(),
  expiresDays: z.number().nullable(),
});
export type ScanCookie = z.infer<typeof ScanCookie>;

export const ScanStorageKey = z.object({
  area: z.enum(["localStorage", "sessionStorage"]),
  key: name,
});
export type ScanStorageKey = z.infer<typeof ScanStorageKey>;

/** One request the page made (its query string is dropped: it may carry identifiers). */
export const ScanRequest = z.object({
  url,
  host: z.string().max(253),
  /** Playwright's resource type: document, script, image, xhr, fetch, … */
  type: z.string().max(32),
  thirdParty: z.boolean(),
});
export type ScanRequest = z.infer<typeof ScanRequest>;

/** One Consent Mode command seen in `dataLayer`: `gtag('consent', 'default', …)`, `('config', …)`, `('event', …)`. */
export const ScanConsentModeCall = z.object({
  command: z.string().max(32),
  /** The second argument: "default" / "update" for consent, the tag id or event name otherwise. */
  target: z.string().max(128).nullable(),
  /** For consent commands, the types and their values. */
  values: z.record(z.string().max(64), z.string().max(16)).optional(),
});
export type ScanConsentModeCall = z.infer<typeof ScanConsentModeCall>;

/** What the scanner saw in one state on one page. */
export const ScanObservation = z.object({
  state: ScanState,
  page: url,
  cookies: z.array(ScanCookie).max(500),
  storage: z.array(ScanStorageKey).max(500),
  requests: z.array(ScanRequest).max(2000),
  consentMode: z.array(ScanConsentModeCall).max(500),
});
export type ScanObservation = z.infer<typeof ScanObservation>;

/** The computed look of a banner button, compared for symmetry (R1.9, R2.8). */
export const ScanButtonStyle = z.object({
  label: z.string().max(200),
  width: z.number(),
  height: z.number(),
  fontSize: z.number(),
  fontWeight: z.number(),
  color: z.string().max(64),
  background: z.string().max(64),
  /** Contrast of the label against the button's background (or the banner's, when transparent). */
  contrast: z.number(),
});
export type ScanButtonStyle = z.infer<typeof ScanButtonStyle>;

/** What a finding points at. */
export const ScanEvidence = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cookie"), cookie: ScanCookie }),
  z.object({ kind: z.literal("storage"), item: ScanStorageKey }),
  z.object({ kind: z.literal("request"), request: ScanRequest }),
  z.object({ kind: z.literal("consent-mode"), calls: z.array(ScanConsentModeCall).max(50) }),
  z.object({ kind: z.literal("buttons"), accept: ScanButtonStyle, reject: ScanButtonStyle.nullable() }),
  z.object({ kind: z.literal("control"), label: z.string().max(200), checked: z.boolean() }),
  z.object({ kind: z.literal("record"), categories: z.record(z.string().max(64), z.boolean()) }),
  z.object({
    kind: z.literal("declared"),
    name,
    type: z.enum(["cookie", "localStorage", "sessionStorage", "indexedDB", "host"]),
    category: z.string().max(64).nullable(),
    durationDays: z.number().nullable(),
    thirdParty: z.boolean(),
  }),
  z.object({ kind: z.literal("text"), text: z.string().max(500) }),
]);
export type ScanEvidence = z.infer<typeof ScanEvidence>;

export const ScanFinding = z.object({
  rule: ScanRuleId,
  severity: ScanSeverity,
  profile: ScanProfileId,
  state: ScanState.nullable(),
  page: url,
  /** One plain sentence about this finding (the rule's general explanation is in the docs). */
  message: z.string().max(500),
  evidence: ScanEvidence,
});
export type ScanFinding = z.infer<typeof ScanFinding>;

/** A config entry proposed for something observed but not declared. */
export const ScanSuggestion = z.object({
  /** The category it would go in: the site's own id when one matches the purpose, else the purpose. */
  category: z.string().max(64),
  /** What it is for, from the vendor table, or "unknown". */
  purpose: z.enum(["analytics", "marketing", "functional", "necessary", "unknown"]),
  vendor: z.object({ id: z.string().max(64), name: z.string().max(100), policyUrl: z.string().max(2048), source: z.string().max(2048) }).nullable(),
  /** A `storage` entry of the site config (a name with `*` when a family of names was seen); null for a host. */
  storage: z
    .object({
      name,
      type: z.enum(["cookie", "localStorage", "sessionStorage"]),
      durationDays: z.int().nullable(),
      thirdParty: z.boolean(),
    })
    .nullable(),
  /** A host to list under the vendor's `hosts`; null for storage. */
  host: z.string().max(253).nullable(),
  /** The observed names this entry covers. */
  observed: z.array(name).max(100),
});
export type ScanSuggestion = z.infer<typeof ScanSuggestion>;

export const ScanProfileResult = z.object({
  profile: ScanProfileId,
  /** What the site's Worker decided for this visitor (bootstrap's `edge`), when it runs Assent. */
  regime: Regime.nullable(),
  jurisdiction: z.string().max(16).nullable(),
  gpc: z.boolean(),
  observations: z.array(ScanObservation).max(60),
  /** The buttons of the banner's first layer, measured. */
  buttons: z.object({ accept: ScanButtonStyle.nullable(), reject: ScanButtonStyle.nullable() }).nullable(),
});
export type ScanProfileResult = z.infer<typeof ScanProfileResult>;

export const ScanReport = z.object({
  schema: z.literal(SCAN_SCHEMA),
  /** The scanner's version (package.json). */
  tool: z.string().max(64),
  url,
  site: SiteId.nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  profiles: z.array(ScanProfileResult).min(1).max(3),
  findings: z.array(ScanFinding).max(2000),
  suggestions: z.array(ScanSuggestion).max(500),
  summary: z.object({
    errors: z.int().min(0),
    warnings: z.int().min(0),
    infos: z.int().min(0),
    /** Every page visited, across profiles. */
    pages: z.array(url).max(200),
  }),
})
  // The counts are those of the findings (the console lists them without reading the report),
  // and each profile appears once.
  .superRefine((r, ctx) => {
    for (const severity of ["error", "warning", "info"] as const) {
      const key = severity === "info" ? "infos" : (`${severity}s` as const);
      const counted = r.findings.filter((f) => f.severity === severity).length;
      if (r.summary[key] !== counted) ctx.addIssue({ code: "custom", path: ["summary", key], message: `the findings hold ${counted} of severity ${severity}` });
    }
    if (new Set(r.profiles.map((p) => p.profile)).size !== r.profiles.length) ctx.addIssue({ code: "custom", path: ["profiles"], message: "each profile appears once" });
  });
export type ScanReport = z.infer<typeof ScanReport>;

// The site owner's side: reports sent by CI (`/v1/sites/{siteId}/admin/scans`) and read in the console.

/** A stored report's id: `scan_` and 8 random bytes, hex. */
export const ScanId = z.string().regex(/^scan_[0-9a-f]{16}$/, "a scan id is scan_ followed by 16 hex digits");

/** A report's finding counts, by severity (the report's own summary, over every finding). */
export const ScanCounts = z.object({ errors: z.int().min(0), warnings: z.int().min(0), infos: z.int().min(0) });
export type ScanCounts = z.infer<typeof ScanCounts>;

/** The answer to `POST …/admin/scans` (201, with a `Location` header naming the stored report). */
export const ScanCreated = z.object({ id: ScanId, receivedAt: z.iso.datetime(), summary: ScanCounts });
export type ScanCreated = z.infer<typeof ScanCreated>;

/** One report in a site's history: what it is, when it arrived, and its counts. */
export const ScanListItem = z.object({
  id: ScanId,
  receivedAt: z.iso.datetime(),
  url,
  tool: z.string().max(64),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  errors: z.int().min(0),
  warnings: z.int().min(0),
  infos: z.int().min(0),
});
export type ScanListItem = z.infer<typeof ScanListItem>;

/** A page of a site's history, newest first; `next` is the following page's cursor, or null. */
export const ScanList = z.object({ scans: z.array(ScanListItem), next: z.string().nullable() });
export type ScanList = z.infer<typeof ScanList>;

/** The history's query: `limit` 1–100 (default 20) and `cursor` from a previous page's `next`. */
export const ScanListQuery = z.strictObject({
  limit: param(z.coerce.number().int().min(1).max(100).default(20)),
  cursor: param(z.string().max(200).optional()),
});
export type ScanListQuery = z.infer<typeof ScanListQuery>;

/** One stored report: its id, when it arrived, and the report as it was sent (unknown keys dropped). */
export const StoredScan = z.object({ id: ScanId, receivedAt: z.iso.datetime(), report: ScanReport });
export type StoredScan = z.infer<typeof StoredScan>;

/**
 * The retention schedule (R9.10, R1.15, R9.9's written retention policy): every kind of data
 * Assent stores, how long it is kept and what deletes it, as data. Three things are built from
 * it so they cannot drift apart:
 *
 * - docs/retention.md (its table is `retentionScheduleMarkdown()`, checked by a test and
 *   rewritten by `npm run privacy-notice -- --write-retention-doc`);
 * - the retention section of the privacy notice (./generate.ts), with the site's own periods;
 * - the retention job's comment table (worker/scheduled/retention.ts), whose rows are the
 *   entries the job enforces (checked by a test).
 *
 * Periods come from the site config where it sets them (defaults from the config schema), and
 * from the constants the stores use otherwise: they are imported, never copied. The one-day
 * grace of a few purges is written inline in their statements, so it is stated here in words.
 */
import { OPT_OUT_HOLD_DAYS } from "../../shared/consent-rules";
import { ERASURE_RETENTION_DAYS, OPT_OUT_PROOF_DAYS } from "../consent/store/ledger";
import { TOKEN_TTL_SECONDS } from "../consent/tokens";
import { LINK_TTL_MS, PREVIEW_TTL_MS, SESSION_TTL_MS } from "../console/store";
import { ConsentSettings, EmailSettings, type SiteConfig } from "../contract";
import { DOWNLOAD_DAYS } from "../rights/fulfil";
import { LOG_RETENTION_DAYS } from "../rights/store";
import { MAX_SCANS_PER_SITE } from "../scans/store";
import type { RetentionRun } from "../scheduled/retention";
import { WEBHOOK_RETENTION_DAYS } from "../webhooks/store";

/** A counter of the retention job: one kind of rows it deletes. */
export type RetentionKind = Exclude<keyof RetentionRun, "backlog">;

/** What deletes a kind of data when its period ends. */
export type Enforcement =
  | "kv-expiration"
  | "retention-job"
  | "widget-expiry"
  | "on-confirmation"
  | "on-unsubscribe"
  | "on-erasure"
  | "on-close"
  | "newer-write"
  | "reseal"
  | "kept-on-purpose";

/** Each enforcement in words (docs/retention.md). */
export const ENFORCEMENT_TEXT: Record<Enforcement, string> = {
  "kv-expiration": "KV `expiration`, set on every write",
  "retention-job": "the retention job (worker/scheduled/retention.ts)",
  "widget-expiry": "the widget: an expired record no longer counts and the next choice replaces it; \"Delete my data\" removes it",
  "on-confirmation": "the confirmation (the address moves to the subscription)",
  "on-unsubscribe": "the unsubscribe (the address is removed, a keyed hash stays)",
  "on-erasure": "erasure (`DELETE /me`, a deletion request)",
  "on-close": "closing the request (the address and the form's fields are removed)",
  "newer-write": "the write of a newer one",
  reseal: "the resealing step (worker/proof/seal.ts), about a minute after erasure or the retention job removed the row it copies",
  "kept-on-purpose": "nothing: kept on purpose (see why)",
};

/** The periods of one site (or the defaults), in days unless named otherwise. */
export interface RetentionPeriods {
  /** A choice that grants something counts this long (`consent.lifetimeDays`). */
  grantDays: number;
  /** A refusal counts this long (`consent.refusalDays`). */
  refusalDays: number;
  /** A US opt-out of sale or sharing counts at least this long (R2.7). */
  optOutDays: number;
  /** Proof is kept this long after the choice expires (`consent.proofRetentionDays`). */
  proofDays: number;
  /** The proof of a US opt-out is kept at least this long from when it was made (R2.6). */
  optOutProofDays: number;
  /** A confirmation or verification link works this long (`email.confirmDays`). */
  confirmDays: number;
  /** A closed rights request stays in the log this long. */
  rightsLogDays: number;
  /** An access request's download link works this long. */
  downloadDays: number;
  erasureDays: number;
  webhookDays: number;
  tokenDays: number;
  maxScans: number;
  consoleLinkMinutes: number;
  consoleSessionHours: number;
  consolePreviewMinutes: number;
}

/** The defaults of the config schema: what a site that sets nothing gets. */
const CONSENT_DEFAULTS = ConsentSettings.parse({});
const CONFIRM_DAYS_DEFAULT = EmailSettings.shape.confirmDays.parse(undefined);

/** The periods of `site`, or the defaults without one. */
export function retentionPeriods(site?: SiteConfig): RetentionPeriods {
  const consent = site?.consent ?? CONSENT_DEFAULTS;
  return {
    grantDays: consent.lifetimeDays,
    refusalDays: consent.refusalDays,
    optOutDays: Math.max(consent.refusalDays, OPT_OUT_HOLD_DAYS),
    proofDays: consent.proofRetentionDays,
    optOutProofDays: OPT_OUT_PROOF_DAYS,
    confirmDays: site?.email?.confirmDays ?? CONFIRM_DAYS_DEFAULT,
    rightsLogDays: LOG_RETENTION_DAYS,
    downloadDays: DOWNLOAD_DAYS,
    erasureDays: ERASURE_RETENTION_DAYS,
    webhookDays: WEBHOOK_RETENTION_DAYS,
    tokenDays: TOKEN_TTL_SECONDS / 86_400,
    maxScans: MAX_SCANS_PER_SITE,
    consoleLinkMinutes: LINK_TTL_MS / 60_000,
    consoleSessionHours: SESSION_TTL_MS / 3_600_000,
    consolePreviewMinutes: PREVIEW_TTL_MS / 60_000,
  };
}

/** The kinds of data in the schedule; stable, the privacy notice's wording is keyed by them. */
export const RETENTION_ENTRY_IDS = [
  "browser-record",
  "preference-state",
  "proof",
  "kept-record-marks",
  "identity-links",
  "erasure-records",
  "token-revocations",
  "signup-requests",
  "confirmation-sends",
  "subscriptions",
  "subscription-history",
  "suppressions",
  "proof-chain",
  "proof-archive-index",
  "proof-verifications",
  "proof-segments",
  "rights-requests",
  "rights-links",
  "webhook-events",
  "console-sign-in",
  "console-audit",
  "site-versions",
  "stats",
  "scan-reports",
] as const;
/** The id of a kind of data in the schedule. */
export type RetentionEntryId = (typeof RETENTION_ENTRY_IDS)[number];

/** One kind of data, its period and what enforces it. */
export interface RetentionEntry {
  id: RetentionEntryId;
  /** What is kept, in English (docs/retention.md, the retention job's comment table). */
  data: string;
  /** Where it is kept. */
  store: string;
  /** How long, in English, with the config field that sets it where one does. */
  kept: string;
  /** Why something is kept without an end, or kept at all where that is not obvious. */
  why?: string;
  enforcedBy: readonly Enforcement[];
  /** The retention job's counters for it (`RetentionRun`); empty when the job does not delete it. */
  purges: readonly RetentionKind[];
  /**
   * Stated in the privacy notice: data about the site's visitors and subscribers. `email`: only
   * for a site that collects addresses (lists, email settings, not directed to children).
   */
  notice: "always" | "email" | false;
  /** The module that stores it and deletes it. */
  source: string;
}

const days = (n: number) => (n === 1 ? "1 day" : `${n.toLocaleString("en-US")} days`);

/** The schedule, with `site`'s periods (or the defaults). */
export function retentionSchedule(site?: SiteConfig): RetentionEntry[] {
  const p = retentionPeriods(site);
  const choice = `${days(p.grantDays)} for a choice that grants something (\`consent.lifetimeDays\`), ${days(p.refusalDays)} for a refusal (\`consent.refusalDays\`), at least ${days(p.optOutDays)} for a US opt-out of sale or sharing`;
  return [
    {
      id: "browser-record",
      data: "the visitor's choice in their browser (localStorage `assent:v1:{siteId}`, optional cookie mirror)",
      store: "the visitor's browser",
      kept: `counts ${choice}`,
      enforcedBy: ["widget-expiry"],
      purges: [],
      notice: "always",
      source: "widget/core/storage.ts",
    },
    {
      id: "preference-state",
      data: "visitor state (KV; only records something read)",
      store: "KV PREFS",
      kept: `until the choice expires: ${choice}`,
      enforcedBy: ["kv-expiration", "on-erasure"],
      purges: [],
      notice: "always",
      source: "worker/consent/store/prefs.ts",
    },
    {
      id: "proof",
      data: "proof rows (ledger)",
      store: "D1 ledger",
      kept: `until \`retain_until\`: the choice's expiry + ${days(p.proofDays)} (\`consent.proofRetentionDays\`); an opt-out's at least ${days(p.optOutProofDays)} after it was made`,
      why: "the evidence period: proof that consent was given must outlive the consent itself (GDPR 7(1))",
      enforcedBy: ["retention-job", "on-erasure"],
      purges: ["receipts"],
      notice: "always",
      source: "worker/consent/store/ledger.ts",
    },
    {
      id: "kept-record-marks",
      data: "marks of records kept in KV",
      store: "D1 kv_records",
      kept: "until the visitor has no live decision (the KV record expired)",
      enforcedBy: ["retention-job", "on-erasure"],
      purges: ["keptRecords"],
      notice: false,
      source: "worker/consent/store/kv-records.ts",
    },
    {
      id: "identity-links",
      data: "links between a site's id for a person and their visitor record (identity across devices)",
      store: "D1 subjects",
      kept: "until erasure",
      why: "the person's choices follow them to every device for as long as the site identifies them",
      enforcedBy: ["on-erasure"],
      purges: [],
      notice: false,
      source: "worker/consent/store/subjects.ts",
    },
    {
      id: "erasure-records",
      data: "erasure records",
      store: "D1 erasures",
      kept: `${days(p.erasureDays)} (no visitor id, only the time, the site and how many rows)`,
      why: "the site can show that it erased, and when",
      enforcedBy: ["retention-job"],
      purges: ["erasures"],
      notice: false,
      source: "worker/consent/store/ledger.ts",
    },
    {
      id: "token-revocations",
      data: "token revocations",
      store: "D1 token_revocations",
      kept: `until every token they refuse has expired (${days(p.tokenDays)})`,
      enforcedBy: ["retention-job"],
      purges: ["revocations"],
      notice: false,
      source: "worker/consent/store/revocations.ts",
    },
    {
      id: "signup-requests",
      data: "signup requests (pending double opt-in)",
      store: "D1 signup_requests",
      kept: `until confirmed, or until their link expires: ${days(p.confirmDays)} (\`email.confirmDays\`)`,
      enforcedBy: ["on-confirmation", "retention-job", "on-erasure"],
      purges: ["signupRequests"],
      notice: "email",
      source: "worker/email/store.ts",
    },
    {
      id: "confirmation-sends",
      data: "confirmation-send log (keyed hashes)",
      store: "D1 confirmation_sends",
      kept: "1 day",
      enforcedBy: ["retention-job"],
      purges: ["confirmationSends"],
      notice: false,
      source: "worker/email/store.ts",
    },
    {
      id: "subscriptions",
      data: "email subscriptions (the address)",
      store: "D1 subscriptions",
      kept: "until unsubscribe (then without the address) or erasure",
      enforcedBy: ["on-unsubscribe", "on-erasure"],
      purges: [],
      notice: "email",
      source: "worker/email/store.ts",
    },
    {
      id: "subscription-history",
      data: "subscription history (keyed hashes, the wording version agreed to)",
      store: "D1 subscription_events",
      kept: "until the address's erasure",
      why: "proof of each email consent and its withdrawal (R5.1), without the address",
      enforcedBy: ["on-erasure"],
      purges: [],
      notice: "email",
      source: "worker/email/store.ts",
    },
    {
      id: "suppressions",
      data: "suppression hashes (keyed)",
      store: "D1 suppressions",
      kept: "indefinitely",
      why: "the minimum needed to honour an objection: without it an address that unsubscribed or was erased could be added again",
      enforcedBy: ["kept-on-purpose"],
      purges: [],
      notice: "email",
      source: "worker/email/store.ts",
    },
    {
      id: "proof-chain",
      data: "the proof's hash chain (per row: a position, a salted digest, a link; no content, and a removed row's receipt id replaced)",
      store: "D1 ledger_chain",
      kept: "in D1 for the hot window (`LEDGER_HOT_DAYS`, default 90 days); then only in the day's sealed segment, whose signed manifest keeps the stretch's hashes indefinitely",
      why: "the chain is what makes the proof verifiable; an entry holds nothing about the person once its row and salt are gone (docs/proof.md)",
      enforcedBy: ["kept-on-purpose"],
      purges: [],
      notice: false,
      source: "worker/proof/evict.ts",
    },
    {
      id: "proof-archive-index",
      data: "the index of proof rows that left D1 for the archive (visitor id, receipt id, dates, segment)",
      store: "D1 ledger_archived",
      kept: "as long as the proof row it stands for: the retention job removes it at the row's `retain_until`, an erasure with the row",
      why: "how the visitor's receipts and export, rights requests, the console and erasure find a row older than the hot window (docs/proof.md)",
      enforcedBy: ["retention-job", "on-erasure"],
      purges: ["archivedReceipts"],
      notice: false,
      source: "worker/proof/archive-store.ts",
    },
    {
      id: "proof-verifications",
      data: "the last verification of each site's proof chain (counts, the head hash, the first break; who started it: \"daily job\" or a console user's address)",
      store: "D1 ledger_verifications",
      kept: "until the next verification of the site finishes (daily)",
      why: "what the console shows as the chain's last verification",
      enforcedBy: ["newer-write"],
      purges: [],
      notice: false,
      source: "worker/proof/store.ts",
    },
    {
      id: "proof-segments",
      data: "sealed segments of the proof (R2: a past day's proof rows of a site as they are in D1, tombstones for removed ones) and their signed manifests",
      store: "R2 ARCHIVE ledger/{site}/{yyyy}/{mm}/{dd}.jsonl.gz",
      kept: "each row as long as the proof row it copies: when erasure or the retention job removes the row, its segment is rewritten with a tombstone within about a minute, and a segment whose every row was removed is deleted (its manifest, which holds no row, stays with the chain)",
      why: "the archive the proof is verified against; the same data and period as the proof rows, which the notice states",
      enforcedBy: ["reseal"],
      purges: [],
      notice: false,
      source: "worker/proof/seal.ts",
    },
    {
      id: "rights-requests",
      data: "rights requests and their history (R9.5)",
      store: "D1 rights_requests, rights_request_events",
      kept: `while open: the address and the form's fields; once closed, only dates, type, outcome and the address's keyed hash, for ${days(p.rightsLogDays)} (24 months)`,
      why: "the request log the law asks for (CCPA 7101: at least 24 months)",
      enforcedBy: ["on-close", "retention-job"],
      purges: ["rightsRequests"],
      notice: "always",
      source: "worker/rights/store.ts",
    },
    {
      id: "rights-links",
      data: "rights links (verification, download, new address)",
      store: "D1 rights_links",
      kept: `1 day past their expiry (verification ${days(p.confirmDays)}, download ${days(p.downloadDays)})`,
      enforcedBy: ["retention-job"],
      purges: ["rightsLinks"],
      notice: false,
      source: "worker/rights/store.ts",
    },
    {
      id: "webhook-events",
      data: "webhook events and deliveries",
      store: "D1 webhook_events, webhook_deliveries",
      kept: `${days(p.webhookDays)}, longer only while a delivery is pending`,
      enforcedBy: ["retention-job", "on-erasure"],
      purges: ["webhookEvents"],
      notice: false,
      source: "worker/webhooks/store.ts",
    },
    {
      id: "console-sign-in",
      data: "console sign-in links, sessions and previews",
      store: "D1 console_links, console_sessions, console_previews",
      kept: `1 day past their end (links work ${p.consoleLinkMinutes} minutes, sessions ${p.consoleSessionHours} hours, previews ${p.consolePreviewMinutes} minutes)`,
      enforcedBy: ["retention-job"],
      purges: ["consoleLinks", "consoleSessions", "consolePreviews"],
      notice: false,
      source: "worker/console/store.ts",
    },
    {
      id: "console-audit",
      data: "the console's audit log",
      store: "D1 console_audit",
      kept: "indefinitely",
      why: "the record of who changed a site's configuration, keys and members, and when",
      enforcedBy: ["kept-on-purpose"],
      purges: [],
      notice: false,
      source: "worker/console/store.ts",
    },
    {
      id: "site-versions",
      data: "site configuration versions",
      store: "D1 site_versions",
      kept: "indefinitely",
      why: "proof rows name the configuration they were made under (R1.14): its wording must stay retrievable",
      enforcedBy: ["kept-on-purpose"],
      purges: [],
      notice: false,
      source: "worker/sites/versions.ts",
    },
    {
      id: "stats",
      data: "daily counters (no identifier: a row is a number)",
      store: "D1 stats_daily",
      kept: "indefinitely",
      why: "sums that name nobody; the console's charts",
      enforcedBy: ["kept-on-purpose"],
      purges: [],
      notice: false,
      source: "migrations/0012_stats_daily.sql",
    },
    {
      id: "scan-reports",
      data: "compliance scan reports (page URLs, cookie and storage names, hosts; no visitor's data)",
      store: "D1 scans",
      kept: `the site's ${p.maxScans} newest`,
      enforcedBy: ["newer-write"],
      purges: [],
      notice: false,
      source: "worker/scans/store.ts",
    },
  ];
}

/**
 * Which entry each counter of the retention job belongs to. A Record over every counter, so a
 * counter added to `RetentionRun` without a place in the schedule fails the typecheck.
 */
export const PURGED_BY: Record<RetentionKind, RetentionEntryId> = {
  receipts: "proof",
  archivedReceipts: "proof-archive-index",
  erasures: "erasure-records",
  signupRequests: "signup-requests",
  confirmationSends: "confirmation-sends",
  webhookEvents: "webhook-events",
  revocations: "token-revocations",
  keptRecords: "kept-record-marks",
  consoleLinks: "console-sign-in",
  consoleSessions: "console-sign-in",
  consolePreviews: "console-sign-in",
  rightsRequests: "rights-requests",
  rightsLinks: "rights-links",
};

/** Escapes a table cell of Markdown. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The schedule with the default periods as a Markdown table: the body of docs/retention.md. */
export function retentionScheduleMarkdown(): string {
  const rows = retentionSchedule().map(
    (e) =>
      `| ${cell(e.data)} | ${cell(e.store)} | ${cell(e.kept)}${e.why ? `. Why: ${cell(e.why)}` : ""} | ${cell(e.enforcedBy.map((x) => ENFORCEMENT_TEXT[x]).join("; "))} | ${e.notice === false ? "no" : e.notice === "email" ? "yes, with email lists" : "yes"} | \`${e.source}\` |`,
  );
  return ["| data | where | kept (defaults) | deleted by | in the privacy notice | code |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

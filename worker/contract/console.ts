/**
 * The site owner's console (`/console`): its JSON API under `/console/api/…` and the forms of
 * its sign-in pages. Who may do what is in worker/console/roles.ts.
 */
import * as z from "zod";
import { ConsentAction } from "./consents";
import { text } from "./fields";
import { Subject } from "./identity";
import { Origin, SiteId, Uuid } from "./ids";
import { Regime } from "./site-config";

/** A console user's address: how they sign in (link or Cloudflare Access) and are shown. Lower-cased. */
export const ConsoleEmail = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export type ConsoleEmail = z.infer<typeof ConsoleEmail>;

/**
 * `owner` changes a site's config, keys, webhooks and members, and answers its rights
 * requests; `compliance` reads what a viewer reads and reads and answers the rights requests
 * (R9.5: the request log is for the people who answer it); `viewer` reads, rights requests
 * excepted.
 */
export const ConsoleRole = z.enum(["owner", "compliance", "viewer"]);
export type ConsoleRole = z.infer<typeof ConsoleRole>;

/** The token of a one-time sign-in link: 32 random bytes, base64url (43 characters). */
export const ConsoleLinkToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a sign-in link token is 43 base64url characters");

/** POST /console/sign-in (a form): the link's token. */
export const ConsoleSignInForm = z.object({ token: ConsoleLinkToken });

/** POST /console/sign-in/email (a form): "email me a link". */
export const ConsoleLinkRequestForm = z.object({ email: ConsoleEmail });

/** GET /console/api/me: who is signed in, how, and their sites. */
export interface ConsoleMe {
  email: string;
  /** `access`: Cloudflare Access vouched for the address; `link`: a one-time sign-in link did. */
  via: "access" | "link";
  /** When this session ends (links), or null (Access decides). */
  sessionExpiresAt: string | null;
  sites: { id: string; name: string | null; role: ConsoleRole }[];
}

/** PUT /console/api/sites/{siteId}/members/{email}: add a member or change their role (owner only). */
export const ConsoleMemberInput = z.strictObject({ role: ConsoleRole });
export type ConsoleMemberInput = z.infer<typeof ConsoleMemberInput>;

/** One member of a site, as listed. */
export interface ConsoleMember {
  email: string;
  role: ConsoleRole;
  addedAt: string;
  addedBy: string;
}

/** One row of the audit log. */
export interface ConsoleAuditEntry {
  id: number;
  siteId: string | null;
  actor: string;
  action: string;
  target: string | null;
  beforeFingerprint: string | null;
  afterFingerprint: string | null;
  at: string;
}

/** GET /console/api/sites/{siteId}/audit?before=<id>&limit=<n>: newest first. */
export const ConsoleAuditQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A page of the audit log; `next` is the `before` of the next page, or null at the end. */
export interface ConsoleAuditPage {
  entries: ConsoleAuditEntry[];
  next: number | null;
}

/** The site id in a console path. */
export const ConsoleSitePath = z.object({ siteId: SiteId });

/** A config hash: SHA-256 of the normalized document's canonical JSON, hex. */
export const ConfigHash = z.string().regex(/^[0-9a-f]{64}$/, "a config hash is 64 hex digits");

/** POST /console/api/sites/{siteId}/config/check: a draft to validate and compare. */
export const ConsoleConfigCheckInput = z.strictObject({ config: z.unknown() });

/**
 * PUT /console/api/sites/{siteId}/config: publish a draft. `basedOn` is the hash of the latest
 * version the editor loaded (null: the site had none); another publish in between is a 409.
 */
export const ConsolePublishInput = z.strictObject({ config: z.unknown(), basedOn: ConfigHash.nullable() });

/** POST /console/api/sites/{siteId}/versions/{version}/rollback. */
export const ConsoleRollbackInput = z.strictObject({ basedOn: ConfigHash.nullable() });

/** A version number in a path. */
export const VersionNumber = z.coerce.number().int().min(1).max(1_000_000_000);

/** POST /console/api/sites: a new site from the template (the demo site's config). */
export const ConsoleCreateSiteInput = z.strictObject({ id: SiteId, name: text(100), origin: Origin });
export type ConsoleCreateSiteInput = z.infer<typeof ConsoleCreateSiteInput>;

/** One reason a change is material (worker/consent/material-change.ts). */
export interface ConsoleMaterialReason {
  subject: "category" | "vendor" | "storage" | "list" | "regimes" | "revision";
  change: "added" | "removed" | "changed";
  name: string;
  fields?: string[];
}

/** What the console learns of a draft before publishing it. */
export interface ConsoleDraftCheck {
  valid: true;
  /** The document as it would be stored (defaults filled in). */
  config: unknown;
  configHash: string;
  fingerprint: string;
  liveFingerprint: string;
  changed: boolean;
  material: { changes: boolean; reasons: ConsoleMaterialReason[] };
}

/** GET /console/api/sites/{siteId}/config: the live document and the version it is. */
export interface ConsoleLiveConfig {
  config: unknown;
  configHash: string;
  fingerprint: string;
  /** The latest recorded version (null: none yet); `basedOn` for the next publish. */
  latest: { version: number; configHash: string } | null;
  /** The live document is not the latest version (it was written outside the console and the CLI). */
  outOfSync: boolean;
}

/** A published version, as listed. */
export interface ConsoleVersion {
  version: number;
  configHash: string;
  fingerprint: string;
  publishedBy: string;
  publishedAt: string;
  source: "console" | "rollback" | "cli" | "create";
  restoredFrom: number | null;
}

/** A receipt id as the ledger makes them (`rcpt_` and 30 base-36 digits). */
export const ReceiptId = z.string().regex(/^rcpt_[0-9a-z]{30}$/, "a receipt id is rcpt_ and 30 digits or letters");

/** A time bound of a ledger query: a date (midnight UTC) or an ISO 8601 instant, as ISO 8601. */
const TimeBound = z.union([z.iso.date().transform((d) => `${d}T00:00:00.000Z`), z.iso.datetime().transform((t) => new Date(t).toISOString())]);

/** A page cursor of the ledger search: `<recordedAt>~<seq>`. */
export const LedgerCursorParam = z
  .string()
  .max(64)
  .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z~\d{1,15}$/, "not a cursor this API made")
  .transform((c) => {
    const [recordedAt, seq] = c.split("~") as [string, string];
    return { recordedAt, seq: Number(seq) };
  })
  // A time that is not one (month 13, hour 25) would compare as text in D1 but not as the archive index's milliseconds.
  .refine((c) => !Number.isNaN(Date.parse(c.recordedAt)), "not a cursor this API made");

/** GET /console/api/sites/{siteId}/ledger: search, newest first. */
export const ConsoleLedgerQuery = z.strictObject({
  receipt: ReceiptId.optional(),
  visitor: Uuid.optional(),
  subject: Subject.optional(),
  from: TimeBound.optional(),
  to: TimeBound.optional(),
  action: ConsentAction.optional(),
  regime: Regime.optional(),
  cursor: LedgerCursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The longest date range one export covers. */
export const MAX_EXPORT_DAYS = 366;

/** GET /console/api/sites/{siteId}/ledger/export: a date range, as CSV or JSON Lines. */
export const ConsoleLedgerExportQuery = z
  .strictObject({ from: TimeBound, to: TimeBound, format: z.enum(["csv", "jsonl"]).default("csv") })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["to"] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_EXPORT_DAYS * 86_400_000, { message: `an export covers at most ${MAX_EXPORT_DAYS} days`, path: ["to"] });

/**
 * GET (and POST, "verify now") /console/api/sites/{siteId}/ledger/verification: the last finished
 * verification of the site's proof chain and the pass in progress (worker/proof/verifications.ts).
 */
export const ConsoleLedgerVerification = z.object({
  last: z
    .object({
      /** When the pass finished, and when it started (a long chain is walked over several runs). */
      finishedAt: z.string(),
      startedAt: z.string(),
      /** Who started it: the daily job, or a console user ("Verify now"). */
      by: z.string(),
      ok: z.boolean(),
      checked: z.int(),
      linked: z.int(),
      removed: z.int(),
      /** Sealed segments of the archive checked (after the chain in D1 held). */
      segments: z.int(),
      /** Rows the chaining step had not linked yet when the pass ended. */
      pending: z.int(),
      /** The hash of the last entry checked. */
      head: z.string(),
      broken: z.object({ position: z.int(), reason: z.string(), detail: z.string() }).nullable(),
    })
    .nullable(),
  inProgress: z.object({ startedAt: z.string(), by: z.string(), position: z.int() }).nullable(),
});
export type ConsoleLedgerVerification = z.infer<typeof ConsoleLedgerVerification>;

/** POST /console/api/sites/{siteId}/keys: a label for a new API key (the CLI's charset). */
export const ConsoleApiKeyCreate = z.strictObject({ label: z.string().regex(/^[A-Za-z0-9 ._:@()+-]{1,64}$/, "a label is 1–64 of letters, digits, spaces and . _ : @ ( ) + -") });

/**
 * The site owner's console (`/console`): its JSON API under `/console/api/…` and the forms of
 * its sign-in pages. Who may do what is in worker/console/roles.ts.
 */
import * as z from "zod";
import { SiteId } from "./ids";

/** A console user's address: how they sign in (link or Cloudflare Access) and are shown. Lower-cased. */
export const ConsoleEmail = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export type ConsoleEmail = z.infer<typeof ConsoleEmail>;

/** `owner` changes a site's config, keys, webhooks and members; `viewer` reads. */
export const ConsoleRole = z.enum(["owner", "viewer"]);
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

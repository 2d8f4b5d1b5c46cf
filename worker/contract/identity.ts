/**
 * Identity across devices: POST /v1/sites/{siteId}/identify (widget) and the site owner's
 * /admin/subjects, /admin/identity-secret, /admin/identities (worker/consent/identity.ts).
 */
import * as z from "zod";
import { Preferences } from "./consents";
import { Uuid } from "./ids";

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

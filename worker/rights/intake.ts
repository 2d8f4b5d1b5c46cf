/**
 * Filing a rights request (R9.1–R9.9, R2): the one path both the rights page's form and the
 * browser-facing API take. What happens depends on the type:
 *
 * | type                                           | verification | at once                                    |
 * | ---------------------------------------------- | ------------ | ------------------------------------------ |
 * | opt_out, no address                            | none         | completed (nothing to look up)             |
 * | opt_out with an address                        | none         | open: the owner applies it to their records |
 * | shine_the_light                                | none         | the answer is mailed; completed (or denied: one a year) |
 * | access, deletion, correction, minor's removal, parent's deletion | email loop | a verification link is mailed; nothing acts before the click |
 *
 * An opt-out never asks for anything (R9.4). The answer never tells whether an address is known.
 * Messages to one address are limited (MAX_MESSAGES_PER_ADDRESS_PER_DAY): a request beyond the
 * limit is recorded like any other, only without a message; beyond the site's daily cap
 * (`email.dailyConfirmationLimit`, shared in spirit with signups) nothing is recorded and the
 * answer is 429. A message that cannot be sent takes its request back (503).
 */
import { negotiateLocale } from "../consent/policy";
import type { RightsChannel, RightsRequestCreate, RightsRequestReceipt, RightsRequestStatus, RightsRequestType, SiteConfig } from "../contract";
import type { Env } from "../env";
import { emailHash, normalizeEmail } from "../email/address";
import { newConfirmToken } from "../email/links";
import { configuredMailer, sendFailure } from "../email/mailer";
import { ApiError } from "../lib/errors";
import { sha256Hex } from "../lib/sha256";
import { computeDeadlines } from "./deadlines";
import { canMail, shineTheLightMessage, verifyMessage } from "./messages";
import { tellOwner } from "./notify";
import { type NewRightsRequest, createRightsRequest, newRequestId, shineTheLightAnswered, withdrawRightsRequest } from "./store";

const DAY_MS = 86_400_000;

/** Types that mail the requester, so the site must have email settings to offer them. */
const MAILING_TYPES: readonly RightsRequestType[] = ["access", "deletion", "correction", "shine_the_light", "minor_content_removal", "child_data_deletion"];

/**
 * The request types a site offers, in the order the rights page lists them. A site directed to
 * children collects no addresses, so it offers only the opt-out and a parent's deletion; the
 * California types need `rights.california`; every type that mails the requester needs the
 * site's email settings.
 */
export function offeredTypes(site: SiteConfig): RightsRequestType[] {
  const all: RightsRequestType[] = site.childDirected
    ? ["opt_out", "child_data_deletion"]
    : ["access", "deletion", "correction", "opt_out", "child_data_deletion", ...(site.rights.california ? (["shine_the_light", "minor_content_removal"] as const) : [])];
  return all.filter((t) => canMail(site) || !MAILING_TYPES.includes(t));
}

/** Days a verification link works: the site's confirmation window, as for signups. */
export const verifyDays = (site: SiteConfig) => site.email?.confirmDays ?? 7;

/** The verification link of a request, on the Worker's own origin. */
export const verifyUrl = (origin: string, siteId: string, token: string) => `${origin}/r/${siteId}/verify/${token}`;

/** Where and how a request arrived. */
export interface IntakeContext {
  channel: RightsChannel;
  /** The Worker's own origin, for links. */
  origin: string;
  now: Date;
  acceptLanguage?: string | null;
}

/** What filing did: the requester's receipt and the webhook events it queued. */
export interface Filed {
  receipt: RightsRequestReceipt;
  webhooksQueued: number;
}

const unavailable = (type: string) =>
  new ApiError(422, "request_type_unavailable", "This site does not take this kind of request", {
    detail: `The site offers no "${type}" requests (see GET /r/{siteId} for the ones it does).`,
  });

const siteLimit = () =>
  new ApiError(429, "email_quota_exceeded", "This site sent as many messages as it may today", {
    detail: "Try again later.",
    headers: { "Retry-After": "3600" },
  });

/** The details a type keeps (only what it asked for; never an age). */
function detailsOf(input: RightsRequestCreate): Record<string, string | boolean> | null {
  switch (input.type) {
    case "correction":
      return { correction: input.correction, ...(input.newEmail ? { newEmail: normalizeEmail(input.newEmail) } : {}) };
    case "minor_content_removal":
      return { contentLocation: input.contentLocation, californiaResident: true };
    case "child_data_deletion":
      return { parentOrGuardian: true, ...(input.details ? { details: input.details } : {}) };
    default:
      return null;
  }
}

/** Files a validated request for a site (see the module comment). */
export async function fileRequest(env: Env, site: SiteConfig, input: RightsRequestCreate, ctx: IntakeContext): Promise<Filed> {
  if (!offeredTypes(site).includes(input.type)) throw unavailable(input.type);
  const locale = negotiateLocale(Object.keys(site.texts), site.defaultLocale, input.locale, ctx.acceptLanguage);
  const at = ctx.now.toISOString();
  const deadlines = computeDeadlines(input.type, ctx.now, { laws: site.rights.laws, holidays: site.rights.holidays, timeZone: site.rights.timeZone });
  const address = input.email ? normalizeEmail(input.email) : null;
  const hash = address ? await emailHash(env, address) : null;
  const base = {
    id: newRequestId(),
    siteId: site.id,
    type: input.type,
    channel: ctx.channel,
    locale,
    email: address,
    emailHash: hash,
    details: detailsOf(input),
    receivedAt: at,
    deadlines,
    origin: ctx.origin,
  };
  const receipt = (status: RightsRequestStatus, next: RightsRequestReceipt["next"]): RightsRequestReceipt => ({
    id: base.id, type: input.type, status, receivedAt: at, dueBy: deadlines.dueBy, next,
  });

  // An opt-out: no verification, nothing to send. Without an address there is nothing the
  // site could look up, so it is complete at once; with one, the owner applies it to their records.
  if (input.type === "opt_out") {
    const r: NewRightsRequest = address
      ? { ...base, status: "open", verification: "none", emailShared: true }
      : { ...base, status: "completed", verification: "none", emailShared: true, closed: { status: "completed", outcome: "opted_out" } };
    const recorded = await createRightsRequest(env, r);
    if (recorded.outcome === "site_limit") throw siteLimit();
    if (address) await tellOwner(env, site, base.id, "new", ctx.now);
    return { receipt: receipt(r.status, address ? "owner" : "done"), webhooksQueued: recorded.webhooksQueued };
  }

  if (!canMail(site) || !address || !hash) throw unavailable(input.type);
  const mailer = configuredMailer(env);
  const mail = { siteDailyLimit: site.email.dailyConfirmationLimit };

  // Shine the Light: answered at once from the site config, once per calendar year (R9.7).
  if (input.type === "shine_the_light") {
    const year = Number(deadlines.receivedOn.slice(0, 4));
    const repeat = await shineTheLightAnswered(env, site.id, hash, year);
    const r: NewRightsRequest = {
      ...base,
      status: repeat ? "denied" : "completed",
      verification: "none",
      emailShared: true,
      mail,
      closed: repeat
        ? { status: "denied", outcome: "denied", denialBasis: "Already answered this calendar year (Civ. Code 1798.83(b)(1): once per customer per year)" }
        : { status: "completed", outcome: "answered" },
    };
    const recorded = await createRightsRequest(env, r);
    if (recorded.outcome === "site_limit") throw siteLimit();
    if (recorded.outcome === "send") {
      try {
        await mailer.send(shineTheLightMessage(site, address, locale, year - 1, repeat));
      } catch (err) {
        await withdrawRightsRequest(env, base.id, recorded.eventIds);
        throw sendFailure(err, "rights email");
      }
    }
    return { receipt: receipt(r.status, "answer_emailed"), webhooksQueued: recorded.webhooksQueued };
  }

  // Everything else: a verification link first; nothing acts before the click (R9.4).
  const token = newConfirmToken();
  const days = verifyDays(site);
  const r: NewRightsRequest = {
    ...base,
    status: "awaiting_verification",
    verification: "email",
    emailShared: false,
    mail,
    link: { tokenHash: await sha256Hex(token), purpose: "verify", expiresAt: new Date(ctx.now.getTime() + days * DAY_MS).toISOString() },
  };
  const recorded = await createRightsRequest(env, r);
  if (recorded.outcome === "site_limit") throw siteLimit();
  if (recorded.outcome === "send") {
    try {
      await mailer.send(verifyMessage(site, address, locale, input.type, deadlines.receivedOn, deadlines.dueBy, verifyUrl(ctx.origin, site.id, token), days));
    } catch (err) {
      await withdrawRightsRequest(env, base.id, recorded.eventIds);
      throw sendFailure(err, "rights email");
    }
  }
  return { receipt: receipt(r.status, "check_email"), webhooksQueued: recorded.webhooksQueued };
}

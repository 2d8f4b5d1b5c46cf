/**
 * What happens when a requester clicks "Confirm" on their verification page (R9.1–R9.3, R9.9):
 * the link is spent (once, atomically, only while it is live) and the request is open; then
 * Assent does what it can itself, and the site owner is told about the rest.
 *
 * | type                  | Assent does                                                        | closes itself with `completeAutomatically` |
 * | --------------------- | ------------------------------------------------------------------ | --- |
 * | access                | a download link (page and message) to everything it holds          | yes |
 * | deletion              | erases the address and the browsers linked to it (as `DELETE /me`); suppression hashes stay | yes |
 * | child_data_deletion   | the same erasure (delete and suppress, R9.9)                        | yes |
 * | correction            | with a new address: a confirmation link to it; the subscriptions move when it is clicked (R9.3) | no: what is wrong is for the owner |
 * | minor_content_removal | nothing: content lives in the site's own systems                    | no |
 *
 * Otherwise the request stays open in the owner's queue, and their privacy contact gets a message.
 */
import { eraseVisitor } from "../consent/store/erasure";
import { deletePreferences } from "../consent/store/prefs";
import { refreshVisitorRecord } from "../consent/visitor-record";
import type { SiteConfig } from "../contract";
import type { Env } from "../env";
import { emailHash, normalizeEmail } from "../email/address";
import { newConfirmToken } from "../email/links";
import { sendQuietly } from "../email/mailer";
import { addressRecords, eraseAddress, moveSubscriptions, unsubscribe } from "../email/store";
import { sha256Hex } from "../lib/sha256";
import { verifyDays } from "./intake";
import { accessMessage, newAddressMessage } from "./messages";
import { tellOwner } from "./notify";
import { computeDeadlines } from "./deadlines";
import { type RightsLinkRow, type RightsRow, addRightsLink, createRightsRequest, findRightsRequest, newRequestId, noteRequest, spendLink, transitionRequest } from "./store";

const DAY_MS = 86_400_000;

/** Days a download link works. */
export const DOWNLOAD_DAYS = 7;

/** What the verification did, for the page that answers the click. */
export type Verified =
  | { kind: "gone" }
  | { kind: "download"; url: string }
  | { kind: "erased" }
  | { kind: "new_address_sent" }
  | { kind: "owner" };

export const downloadUrl = (origin: string, siteId: string, token: string) => `${origin}/r/${siteId}/download/${token}`;
export const newAddressUrl = (origin: string, siteId: string, token: string) => `${origin}/r/${siteId}/new-address/${token}`;

/** Erases an address and every browser linked to it; the KV copies too. */
async function eraseEverything(env: Env, site: SiteConfig, hash: string, now: Date): Promise<{ webhooksQueued: number; subscriptions: number; browsers: number }> {
  const { visitorIds } = await addressRecords(env, site.id, hash);
  let webhooksQueued = 0;
  for (const visitorId of visitorIds) {
    webhooksQueued += (await eraseVisitor(env, site.id, visitorId, now)).webhooksQueued;
    await deletePreferences(env, site.id, visitorId);
  }
  const erased = await eraseAddress(env, site.id, hash, site.communications.map((l) => l.id), now.toISOString());
  return { webhooksQueued: webhooksQueued + erased.webhooksQueued, subscriptions: erased.subscriptionsDeleted, browsers: visitorIds.length };
}

/** Closes a request Assent fulfilled on its own, when the site asks for that. */
async function maybeComplete(env: Env, site: SiteConfig, id: string, outcome: string, now: Date): Promise<number> {
  const request = await findRightsRequest(env, site.id, id);
  if (!request) return 0;
  if (site.rights.completeAutomatically) return (await transitionRequest(env, request, { kind: "completed", outcome, note: null }, "assent", now.toISOString())).webhooksQueued;
  await tellOwner(env, site, id, "new", now);
  return 0;
}

/** Spends a verification link and fulfils what Assent can (see the module comment). */
export async function verifyRequest(env: Env, site: SiteConfig, link: RightsLinkRow, request: RightsRow, origin: string, now: Date): Promise<{ result: Verified; webhooksQueued: number }> {
  const at = now.toISOString();
  if (link.purpose !== "verify") return { result: { kind: "gone" }, webhooksQueued: 0 };
  const spent = await spendLink(env, link, request, at, { from: ["awaiting_verification"], to: "open", kind: "verified", webhook: "rights.request.verified", verified: true });
  if (!spent.spent || !request.email || !request.email_hash) return { result: { kind: "gone" }, webhooksQueued: spent.webhooksQueued };
  let queued = spent.webhooksQueued;
  const email = request.email;
  const hash = request.email_hash;
  switch (request.type) {
    case "access": {
      const token = newConfirmToken();
      await addRightsLink(env, request.id, site.id, { tokenHash: await sha256Hex(token), purpose: "download", expiresAt: new Date(now.getTime() + DOWNLOAD_DAYS * DAY_MS).toISOString() }, at);
      const url = downloadUrl(origin, site.id, token);
      // The page shows the link too, so a message that fails is logged, not fatal.
      if (site.email) await sendQuietly(env, accessMessage({ ...site, email: site.email }, email, request.locale, url, DOWNLOAD_DAYS), `access message for ${request.id}`);
      await noteRequest(env, request, "download_ready", "assent", `A download link, valid ${DOWNLOAD_DAYS} days`, at);
      queued += await maybeComplete(env, site, request.id, "download_provided", now);
      return { result: { kind: "download", url }, webhooksQueued: queued };
    }
    case "deletion":
    case "child_data_deletion": {
      const erased = await eraseEverything(env, site, hash, now);
      queued += erased.webhooksQueued;
      await noteRequest(env, request, "erased", "assent", `Subscriptions deleted: ${erased.subscriptions}; browsers erased: ${erased.browsers}; the address is suppressed on every list`, at);
      queued += await maybeComplete(env, site, request.id, "erased", now);
      return { result: { kind: "erased" }, webhooksQueued: queued };
    }
    case "correction": {
      const details = request.details ? (JSON.parse(request.details) as { newEmail?: string }) : {};
      await tellOwner(env, site, request.id, "new", now);
      if (!details.newEmail || !site.email) return { result: { kind: "owner" }, webhooksQueued: queued };
      const token = newConfirmToken();
      const days = verifyDays(site);
      await addRightsLink(env, request.id, site.id, { tokenHash: await sha256Hex(token), purpose: "new_address", expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString() }, at);
      const sent = await sendQuietly(env, newAddressMessage({ ...site, email: site.email }, details.newEmail, request.locale, newAddressUrl(origin, site.id, token), days), `new-address message for ${request.id}`);
      await noteRequest(env, request, sent ? "new_address_sent" : "new_address_send_failed", "assent", sent ? "A confirmation link went to the new address" : "The message to the new address could not be sent", at);
      return { result: { kind: "new_address_sent" }, webhooksQueued: queued };
    }
    default:
      await tellOwner(env, site, request.id, "new", now);
      return { result: { kind: "owner" }, webhooksQueued: queued };
  }
}

/**
 * Spends a new-address link of a correction (R9.3): the old address's subscriptions move to the
 * new one, then the old address is unsubscribed from them. The request stays with the owner.
 */
export async function confirmNewAddress(env: Env, site: SiteConfig, link: RightsLinkRow, request: RightsRow, now: Date): Promise<{ moved: boolean; webhooksQueued: number }> {
  const at = now.toISOString();
  if (link.purpose !== "new_address") return { moved: false, webhooksQueued: 0 };
  const details = request.details ? (JSON.parse(request.details) as { newEmail?: string }) : {};
  if (!details.newEmail || !request.email_hash) return { moved: false, webhooksQueued: 0 };
  const spent = await spendLink(env, link, request, at, { from: ["open", "in_progress"], kind: "new_address_confirmed", webhook: null });
  if (!spent.spent) return { moved: false, webhooksQueued: 0 };
  const to = { email: details.newEmail, emailHash: await emailHash(env, details.newEmail) };
  const moved = await moveSubscriptions(env, site.id, request.email_hash, to, at);
  let queued = moved.webhooksQueued;
  for (const listId of moved.lists)
    queued += (await unsubscribe(env, { siteId: site.id, listId, emailHash: request.email_hash, at, source: "email_link" })).webhooksQueued;
  const { visitorIds } = await addressRecords(env, site.id, to.emailHash);
  for (const visitorId of visitorIds) await refreshVisitorRecord(env, site.id, visitorId);
  await noteRequest(env, request, "address_corrected", "assent", `Subscriptions moved to the new address: ${moved.lists.join(", ") || "none"}`, at);
  return { moved: true, webhooksQueued: queued };
}

/**
 * The owner's "delete a child's data" (R9.9: on a parent's request made elsewhere, or on actual
 * knowledge that an address belongs to a child under 13): erases the address and its browsers at
 * once and suppresses it on every list, and logs a completed `child_data_deletion` request.
 */
export async function eraseChildData(env: Env, site: SiteConfig, email: string, origin: string, now: Date): Promise<{ id: string; webhooksQueued: number }> {
  const address = normalizeEmail(email);
  const hash = await emailHash(env, address);
  const erased = await eraseEverything(env, site, hash, now);
  const id = newRequestId();
  const recorded = await createRightsRequest(env, {
    id,
    siteId: site.id,
    type: "child_data_deletion",
    status: "completed",
    channel: "api",
    verification: "none",
    locale: site.defaultLocale,
    email: address,
    emailHash: hash,
    details: null,
    receivedAt: now.toISOString(),
    deadlines: computeDeadlines("child_data_deletion", now, { laws: site.rights.laws, holidays: site.rights.holidays, timeZone: site.rights.timeZone }),
    closed: { status: "completed", outcome: "erased" },
    emailShared: false,
    origin,
  });
  return { id, webhooksQueued: erased.webhooksQueued + (recorded.outcome === "site_limit" ? 0 : recorded.webhooksQueued) };
}

/**
 * Telling the site owner's privacy contact (`rights.contactEmail`, else `email.replyTo`) about a
 * request that needs them: a new one, one due soon, one overdue. Webhooks and the console are the
 * record; this mail is the nudge, so a failure to send it is logged and does not undo anything.
 *
 * At most OWNER_MAILS_PER_DAY such messages per site in 24 hours, counted from the requests'
 * histories: a flood of opt-outs with made-up addresses cannot flood the owner's mailbox too
 * (they still see every request in the console and get every webhook).
 */
import type { SiteConfig } from "../contract";
import type { Env } from "../env";
import { sendQuietly } from "../email/mailer";
import { formatDate, canMail, ownerAddress, ownerMessage, typeName } from "./messages";
import { countHistorySince, findRightsRequest, noteRequest } from "./store";

/** The most owner messages a site sends in 24 hours. */
export const OWNER_MAILS_PER_DAY = 50;
const DAY_MS = 86_400_000;

/** Why the owner is told. */
export type OwnerNotice = "new" | "reminder" | "overdue";

const SUBJECTS: Record<OwnerNotice, string> = {
  new: "New privacy request",
  reminder: "A privacy request is due soon",
  overdue: "A privacy request is overdue",
};

/** The console page of a site's rights requests. */
export const queueUrl = (origin: string, siteId: string) => `${origin}/console/#/sites/${siteId}/rights`;

/**
 * Mails the owner about a request and notes it in the request's history. Returns whether a
 * message went out (no contact address, the daily cap, or a failed send: false).
 */
export async function tellOwner(env: Env, site: SiteConfig, requestId: string, notice: OwnerNotice, now: Date): Promise<boolean> {
  const to = ownerAddress(site);
  if (!to || !canMail(site)) return false;
  const request = await findRightsRequest(env, site.id, requestId);
  if (!request) return false;
  if ((await countHistorySince(env, site.id, "owner_notified", new Date(now.getTime() - DAY_MS).toISOString())) >= OWNER_MAILS_PER_DAY) {
    console.warn(`site ${site.id}: ${OWNER_MAILS_PER_DAY} owner notices in 24 hours; the rest are in the console only`);
    return false;
  }
  const due = request.extended_to ?? request.due_by;
  const lines = [
    `${typeName(request.type, "en")} (${request.id}), received ${request.received_at.slice(0, 10)}, ${request.verification === "email" ? "address verified" : "no verification needed"}.`,
    `Due by ${formatDate(due, "en")}${request.acknowledge_by ? `; acknowledged to the requester on receipt` : ""}.`,
    notice === "overdue" ? "It is past its due date: answer it, or record why not, now." : "Open it in the console to see what it asks and to record what you do.",
  ];
  if (!(await sendQuietly(env, ownerMessage(site, to, SUBJECTS[notice], lines, queueUrl(request.origin, site.id)), `owner notice for ${request.id}`))) return false;
  await noteRequest(env, request, "owner_notified", "assent", notice, now.toISOString());
  return true;
}

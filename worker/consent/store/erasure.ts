/**
 * A visitor's erasure (R9.2), as one D1 batch — one transaction — made of the statements each
 * store module owns:
 *
 * 1. the claim (worker/consent/store/revocations.ts): the visitor's tokens are revoked for good, and only one
 *    erasure of a visitor can claim it, so a second or concurrent erasure changes nothing and
 *    queues nothing; every statement after it is guarded by "this erasure won";
 * 2. the webhook events that name the visitor or one of their addresses are removed
 *    (webhooks/outbox.ts `redactStatements`);
 * 3. the email data (worker/email/store.ts): linked addresses unsubscribed and suppressed
 *    (keyed hash only), subscriptions, links and the visitor's own signup requests deleted;
 * 4. the proof rows and a record that an erasure happened (worker/consent/store/ledger.ts); the
 *    rows' entries in the site's hash chain stay, marked erased (worker/proof/store.ts); rows that
 *    left D1 for the archive lose their index entry, and their segments are rewritten with
 *    tombstones by the resealing step (worker/proof/archive-store.ts, seal.ts);
 * 5. `consent.erased` for the site owner, with the person's subject id if they were identified,
 *    and then the subject mapping (worker/consent/store/subjects.ts);
 * 6. the mark that the visitor's record is kept in KV (worker/consent/store/kv-records.ts).
 *
 * The KV record is deleted by the caller after the batch; a decision that raced the erasure
 * settles its own KV write against D1 (worker/consent/visitor-record.ts) and deletes it again.
 * Limit: a subscription confirmed in the instant between the read of the visitor's linked
 * addresses and the batch is not erased with them (its link is to a visitor whose tokens are
 * revoked, so nothing can read it through this browser).
 */
import { eraseVisitorEmailParts, linkedAddresses } from "../../email/store";
import type { Env } from "../../env";
import { runNamedBatch } from "../../lib/d1-batch";
import { consentErasedEvent } from "../../webhooks/events";
import { outboxPart, redactStatements, subjectFill } from "../../webhooks/outbox";
import { forgetStatement } from "./kv-records";
import { eraseDecisionStatements } from "./ledger";
import { CLAIMED, eraseClaimStatement, visitorSubject } from "./revocations";
import { eraseSubjectsStatement } from "./subjects";

/** What an erasure did. `claimed` is false when another erasure of the visitor came first. */
export interface ErasureOutcome {
  claimed: boolean;
  receiptsDeleted: number;
  subscriptionsDeleted: number;
  webhooksQueued: number;
}

/** Erases everything Assent holds about a visitor of a site (see the module comment). */
export async function eraseVisitor(env: Env, siteId: string, visitorId: string, now: Date): Promise<ErasureOutcome> {
  const at = now.toISOString();
  const erasureId = crypto.randomUUID();
  const visitor = await visitorSubject(visitorId);
  const guardBinds = [siteId, visitor, erasureId];
  const addresses = await linkedAddresses(env, siteId, visitorId);
  const { chainMarks, erasureRecord, ledgerDelete } = eraseDecisionStatements(env, siteId, visitorId, erasureId, at, CLAIMED, guardBinds);
  // `consent.erased`, with the person's subject id, read before the subject mapping is erased.
  const erasedEvent = { event: consentErasedEvent(siteId, visitorId, at), fills: [subjectFill(siteId, visitorId)], when: { sql: CLAIMED, binds: guardBinds } };

  const batch = await runNamedBatch(env.LEDGER, "erasure", [
    ["claim", [eraseClaimStatement(env, siteId, visitor, erasureId, Math.floor(now.getTime() / 1000))]],
    ["redact", redactStatements(env, siteId, visitorId, addresses.map((a) => a.email_hash), CLAIMED, guardBinds)],
    ...eraseVisitorEmailParts(env, { siteId, visitorId, at, addresses }, CLAIMED, guardBinds),
    ["chainMarks", chainMarks],
    ["erasureRecord", [erasureRecord]],
    ["ledger", ledgerDelete],
    outboxPart("erasedEvent", env, [erasedEvent]),
    ["subject", [eraseSubjectsStatement(env, siteId, visitorId, CLAIMED, guardBinds)]],
    ["kvRecord", [forgetStatement(env, siteId, visitorId, CLAIMED, guardBinds)]],
  ]);
  return {
    claimed: batch.changes("claim") === 1,
    receiptsDeleted: batch.rows<{ receipts_deleted: number }>("erasureRecord")[0]?.receipts_deleted ?? 0,
    subscriptionsDeleted: batch.changes("subscriptions"),
    webhooksQueued: batch.changes("emailWebhookEvents") + batch.changes("erasedEvent"),
  };
}

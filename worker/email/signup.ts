/**
 * POST /v1/sites/{siteId}/subscriptions: a signup to one or more email lists (R5.1, R5.2).
 *
 * Each list gets a signup request and its own confirmation message; nothing is confirmed or
 * changed here, and no existing subscription is read out or touched (worker/email/store.ts):
 * only the click in the mailbox links this browser to a subscription. The answer is the same
 * whatever the address's history (no enumeration).
 *
 * Limits, all without changing the answer: one confirmation message per address and list per
 * 10 minutes and three per address per day, whatever happens in between (unsubscribes and
 * erasures do not reset them); a request beyond them is recorded like any other, only without
 * a message. Beyond the site's daily cap (`email.dailyConfirmationLimit`) the signup is refused
 * with 429 `email_quota_exceeded`, since that tells nothing about an address.
 * A message that cannot be sent takes its request back: a refused signup leaves nothing, and the
 * retry sends at once. Banner decisions never come through here (R0.2).
 */
import { Hono } from "hono";
import { negotiateLocale } from "../consent/policy";
import { refreshVisitorRecord } from "../consent/visitor-record";
import { SubscriptionRequest, type SubscriptionResponse } from "../contract";
import { ApiError } from "../lib/errors";
import { parseJsonBody } from "../lib/json-body";
import { sha256Hex } from "../lib/sha256";
import { clientNetwork, enforceRateLimit, rateLimitKey } from "../middleware/rate-limit";
import type { SiteEnv } from "../middleware/site";
import { sizeGuard } from "../middleware/size-guard";
import { authenticateVisitor } from "../middleware/visitor-auth";
import { queuedWebhooks } from "../webhooks/after-response";
import { emailHash, normalizeEmail } from "./address";
import { confirmUrl, newConfirmToken, unsubscribeUrl } from "./links";
import { configuredMailer, sendFailure } from "./mailer";
import { confirmationMessage } from "./messages";
import { type SignupRequest, recordSignupRequest, withdrawSignupRequest } from "./store";
import { requireTurnstile } from "./turnstile";

const DAY_MS = 86_400_000;

/**
 * The page a signup was made on, for its proof (R5.2): the URL the widget sent, without query
 * and fragment (they can carry personal data, such as an address in a tracking link), kept only
 * when it belongs to the request's Origin, which writeGuard already checked against the site's
 * allowed origins. Otherwise the Origin itself: a page cannot claim another site's URL.
 */
export function signupSource(sourceUrl: string | undefined, origin: string): string {
  try {
    const url = new URL(sourceUrl ?? "");
    if (url.origin === origin) return `${url.origin}${url.pathname}`;
  } catch {
    // Not a URL: the Origin stands for the page.
  }
  return origin;
}

const UNSENT = "The confirmation email could not be sent";

export const subscriptionRoutes = new Hono<SiteEnv>().post("/subscriptions", sizeGuard, async (c) => {
  const { config } = c.get("site");
  if (config.childDirected)
    throw new ApiError(403, "email_capture_disabled", "This site does not collect email addresses", {
      detail: "The site is directed to children, so it collects no email addresses (COPPA).",
    });
  const email = config.email;
  if (!email || config.communications.length === 0)
    throw new ApiError(404, "no_lists", "This site has no email lists");

  await enforceRateLimit(c.env, rateLimitKey(config.id, "signup", clientNetwork(c.req)));
  const request = await parseJsonBody(c.req.raw, SubscriptionRequest);
  const lists = [...new Set(request.lists)];
  for (const id of lists) {
    const list = config.communications.find((l) => l.id === id);
    if (!list)
      throw new ApiError(422, "unknown_list", "No such email list", { detail: `This site has no list "${id}".` });
    if (list.textVersion !== request.textVersion)
      throw new ApiError(422, "text_version_mismatch", "The consent wording changed", {
        detail: `The list "${id}" asks for consent with wording version ${list.textVersion}; reload and show it.`,
      });
  }
  // Turnstile, when the site enables it (R6.11): verified before anything is written or sent;
  // fails closed (403 turnstile_required / turnstile_failed, 503 turnstile_unavailable).
  await requireTurnstile(c.env, config, request.turnstileToken, c.req.header("CF-Connecting-IP"));
  // A visitor token is optional: the browser that asked, linked only if the mailbox confirms.
  // Read here rather than by the visitorToken middleware: a signup refused by the checks above
  // answers as it always did, whatever token it carried, and costs no token verification.
  const visitorId = (await authenticateVisitor(c.env, c.req.header("Authorization"), config.id))?.v ?? null;
  const mailer = configuredMailer(c.env, UNSENT);

  const address = normalizeEmail(request.email);
  const hash = await emailHash(c.env, address);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + email.confirmDays * DAY_MS).toISOString();
  const origin = new URL(c.req.url).origin;
  // One of the site's own languages, so every page and message of this address has its texts.
  const locale = negotiateLocale(Object.keys(config.texts), config.defaultLocale, request.locale, undefined);
  let webhooksQueued = 0;
  for (const listId of lists) {
    const confirmToken = newConfirmToken();
    const signup: SignupRequest = {
      tokenHash: await sha256Hex(confirmToken),
      siteId: config.id,
      listId,
      email: address,
      emailHash: hash,
      visitorId,
      textVersion: request.textVersion,
      locale,
      sourceUrl: signupSource(request.sourceUrl, c.req.header("Origin")!),
      at: now.toISOString(),
      expiresAt,
      siteDailyLimit: email.dailyConfirmationLimit,
    };
    const recorded = await recordSignupRequest(c.env, signup);
    if (recorded.outcome === "site_limit") {
      console.warn(`site ${config.id}: daily confirmation limit (${email.dailyConfirmationLimit}) reached`);
      throw new ApiError(429, "email_quota_exceeded", "This site sent as many confirmation messages as it may today", {
        detail: "Try again later.",
        headers: { "Retry-After": "3600" },
      });
    }
    webhooksQueued += recorded.webhooksQueued;
    // Recorded, but the address had its share of messages: the same answer, no message.
    if (recorded.outcome === "quiet") continue;
    const link = confirmUrl(origin, config.id, confirmToken);
    try {
      const list = config.communications.find((l) => l.id === listId)!;
      const unsubscribe = { url: await unsubscribeUrl(c.env, origin, config.id, listId, hash), listIdDomain: new URL(origin).hostname };
      await mailer.send(confirmationMessage(config, email, address, list, locale, link, unsubscribe));
    } catch (err) {
      await withdrawSignupRequest(c.env, signup, recorded.eventId);
      throw sendFailure(err, "confirmation email", UNSENT);
    }
  }
  // One delivery run for all lists' events, after the response.
  queuedWebhooks(c, config.id, webhooksQueued);
  // The visitor's KV record shows its pending requests (worker/consent/visitor-record.ts).
  if (visitorId) await refreshVisitorRecord(c.env, config.id, visitorId);
  const body: SubscriptionResponse = { status: "pending", lists, confirmBy: expiresAt };
  c.header("Cache-Control", "no-store");
  return c.json(body, 202);
});

/**
 * POST /v1/sites/{siteId}/subscriptions: a signup to one or more email lists (R5.1, R5.2).
 * Each list gets a pending subscription and its own confirmation message; nothing is confirmed
 * here. The answer is the same whatever the address's history (no enumeration). A second
 * signup within RESEND_AFTER_MINUTES sends no second message (no inbox flooding). Banner
 * decisions never come through here (R0.2).
 */
import { Hono } from "hono";
import { SubscriptionRequest, type SubscriptionResponse } from "../contract";
import { emailHash, normalizeEmail } from "../email/address";
import { MailError, mailerFor } from "../email/mailer";
import { confirmationMessage } from "../email/messages";
import { unsubscribeUrl } from "./email-pages";
import { parseJsonBody } from "../body";
import { ApiError } from "../errors";
import { sha256Hex } from "../fingerprint";
import { type SiteEnv, enforceRateLimit, ipPrefix, sizeGuard } from "../security";
import { confirmationSentSince, recordSignup } from "../store/subscriptions";
import { base64url, bearer, verifyToken } from "../tokens";
import { refreshVisitorRecord } from "../visitor-record";
import { deliverSoon } from "../webhooks/deliver";
import { requireTurnstile } from "../turnstile";

const DAY_MS = 86_400_000;
/** At most one confirmation message per address and list in this many minutes. */
export const RESEND_AFTER_MINUTES = 10;

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

/** A confirmation token: 32 random bytes; only its SHA-256 is stored. */
function newConfirmToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export const subscriptionRoutes = new Hono<SiteEnv>().post("/subscriptions", sizeGuard, async (c) => {
  const { config } = c.get("site");
  if (config.childDirected)
    throw new ApiError(403, "email_capture_disabled", "This site does not collect email addresses", {
      detail: "The site is directed to children, so it collects no email addresses (COPPA).",
    });
  const email = config.email;
  if (!email || config.communications.length === 0)
    throw new ApiError(404, "no_lists", "This site has no email lists");

  await enforceRateLimit(c.env, `site:${config.id}:ip:${ipPrefix(c.req.header("CF-Connecting-IP"))}:signup`);
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
  // A visitor token is optional: it links the signup to the visitor's preference record.
  const token = bearer(c.req.header("Authorization"));
  const visitorId = token ? (await verifyToken(c.env, token, config.id)).v : null;

  const address = normalizeEmail(request.email);
  const hash = await emailHash(c.env, address);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + email.confirmDays * DAY_MS).toISOString();
  const origin = new URL(c.req.url).origin;
  const mailer = mailerFor(c.env);
  const resendAfter = new Date(now.getTime() - RESEND_AFTER_MINUTES * 60_000).toISOString();
  let webhooksQueued = 0;
  for (const listId of lists) {
    if (await confirmationSentSince(c.env, config.id, listId, hash, resendAfter, email.confirmDays)) continue;
    const confirmToken = newConfirmToken();
    const signup = await recordSignup(c.env, {
      id: `sub_${crypto.randomUUID().replaceAll("-", "")}`,
      siteId: config.id,
      listId,
      email: address,
      emailHash: hash,
      textVersion: request.textVersion,
      locale: request.locale,
      visitorId,
      sourceUrl: signupSource(request.sourceUrl, c.req.header("Origin")!),
      at: now.toISOString(),
      tokenHash: await sha256Hex(confirmToken),
      expiresAt,
    });
    webhooksQueued += signup.webhooksQueued;
    const link = `${origin}/e/${config.id}/confirm/${confirmToken}`;
    try {
      const list = config.communications.find((l) => l.id === listId)!;
      const unsubscribe = { url: await unsubscribeUrl(c.env, origin, config.id, listId, hash), listIdDomain: new URL(origin).hostname };
      await mailer.send(confirmationMessage(config, email, address, list, request.locale, link, unsubscribe));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      console.error("confirmation email failed:", err);
      throw new ApiError(503, "email_unavailable", "The confirmation email could not be sent", {
        detail: "Nothing was confirmed. Try again in a moment.",
        headers: { "Retry-After": "30" },
        cause: err instanceof MailError ? err : undefined,
      });
    }
  }
  // One delivery run for all lists' events, after the response.
  deliverSoon(c, config.id, webhooksQueued);
  // The visitor's KV record shows the lists' new statuses (worker/visitor-record.ts).
  if (visitorId) await refreshVisitorRecord(c.env, config.id, visitorId);
  const body: SubscriptionResponse = { status: "pending", lists, confirmBy: expiresAt };
  c.header("Cache-Control", "no-store");
  return c.json(body, 202);
});

/**
 * Webhook delivery: signs and POSTs queued events to the site owner's endpoints, at least once.
 *
 * Signatures follow the Standard Webhooks specification (https://www.standardwebhooks.com):
 * `webhook-id` (the event id, for the receiver's deduplication), `webhook-timestamp` (seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key
 * being the base64 part of the endpoint's `whsec_…` secret. Receivers can verify with any
 * Standard Webhooks library (our tests use the `standardwebhooks` npm package) or ten lines of
 * code (docs/webhooks.md).
 *
 * Who sends: right after a change, the request that made it tries that site's due deliveries in
 * `waitUntil` (after-response.ts, so receivers usually hear within a second), and the per-minute cron sends every
 * due delivery (retries, and anything the first attempt missed). Both claim deliveries with a
 * lease (worker/webhooks/store.ts), so they never send the same one at the same time.
 *
 * A 2xx answer is success. Anything else — another status, a redirect (never followed), a
 * network error, no answer within ATTEMPT_TIMEOUT_MS — is retried on RETRY_DELAYS_SECONDS; after
 * the last one the delivery is `failed`, kept for WEBHOOK_RETENTION_DAYS and can be redelivered
 * through the API. A failing receiver never loses an event.
 *
 * Every attempt first re-checks the endpoint URL against the webhook URL policy
 * (url-policy.ts), so an endpoint stored before a rule existed is never fetched; it fails as
 * "address not allowed" like any other failure. What an attempt records is a fixed vocabulary
 * (AttemptError), never the runtime's error text: the deliveries API must not tell an API key
 * holder what a host or port answered, or it would be a scanner of networks the Worker can see.
 */
import type { Env } from "../env";
import { fromBase64url } from "../lib/base64url";
import { deriveSiteSecret } from "../lib/site-secrets";
import { ASSENT_VERSION } from "../lib/version";
import { type AttemptOutcome, type ClaimedDelivery, claimDue, recordAttempts } from "./store";
import { judgeWebhookUrl } from "./url-policy";

/** The cron that drains the webhook outbox (wrangler.toml `[triggers]`); the other is retention. */
export const WEBHOOK_CRON = "* * * * *";

/** Seconds to wait after the 1st, 2nd, … failed attempt; one attempt more than entries. */
export const RETRY_DELAYS_SECONDS = [60, 300, 1800, 7200, 18_000, 36_000, 36_000, 86_400, 86_400] as const;
/** Attempts before a delivery is marked failed (about 3.15 days of retries). */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** How long one POST may take. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claim outlives the slowest attempt, so no other run takes a delivery still being sent. */
const LEASE_SECONDS = 60;
/** Deliveries sent in parallel per batch (well under the Free plan's 50 subrequests). */
const BATCH_SIZE = 25;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function endpointKey(env: Env, siteId: string, endpointId: string): Promise<Uint8Array<ArrayBuffer>> {
  return fromBase64url(await deriveSiteSecret(env, siteId, `webhook/${endpointId}`));
}

/** The endpoint's signing secret as shown to the site owner: `whsec_` + base64 of the key. */
export async function endpointSecret(env: Env, siteId: string, endpointId: string): Promise<string> {
  return `whsec_${toBase64(await endpointKey(env, siteId, endpointId))}`;
}

/** The `webhook-signature` value for one message. */
export async function signatureFor(key: Uint8Array<ArrayBuffer>, id: string, timestamp: number, body: string): Promise<string> {
  const hmac = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", hmac, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** When to try again after `attempts` failed attempts, with ±10 % jitter; null = give up. */
export function nextAttemptAt(attempts: number, now: Date): string | null {
  const delay = RETRY_DELAYS_SECONDS[attempts - 1];
  if (delay === undefined) return null;
  const jitter = 0.9 + Math.random() * 0.2;
  return new Date(now.getTime() + Math.round(delay * jitter * 1000)).toISOString();
}

/** The only error texts an attempt records (shown as `lastError` by the deliveries API). */
export type AttemptError = "timeout" | "network error" | `HTTP ${number}` | "redirects are not followed" | "address not allowed";

async function attempt(env: Env, d: ClaimedDelivery, now: Date): Promise<AttemptOutcome> {
  // The signed timestamp is the real time of sending (receivers reject stale or future ones);
  // `now` only decides what is due, and is later than the clock in tests of retries.
  const timestamp = Math.floor(Date.now() / 1000);
  const base = { eventId: d.event_id, endpointId: d.endpoint_id };
  const failed = (error: AttemptError, httpStatus: number | null = null): AttemptOutcome => ({
    ...base,
    ok: false,
    httpStatus,
    error,
    retryAt: nextAttemptAt(d.attempts, now),
  });
  // Judged again at every attempt: the URL may predate a rule, and what is fetched is the URL
  // exactly as judged (its normalised form).
  const target = judgeWebhookUrl(d.url, env.DEV_MODE === "true");
  if (!target.ok) return failed("address not allowed");
  const signal = AbortSignal.timeout(ATTEMPT_TIMEOUT_MS);
  try {
    const signature = await signatureFor(await endpointKey(env, d.site_id, d.endpoint_id), d.event_id, timestamp, d.payload);
    const res = await fetch(target.url.href, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": `Assent-Webhooks/${ASSENT_VERSION}`,
        "webhook-id": d.event_id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      },
      body: d.payload,
      redirect: "manual",
      signal,
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ...base, ok: true, httpStatus: res.status, error: null, retryAt: null };
    return failed(res.status >= 300 && res.status < 400 ? "redirects are not followed" : `HTTP ${res.status}`, res.status);
  } catch {
    // Whatever was thrown (DNS failure, refused connection, TLS error…) stays here: its text can
    // name hosts, addresses and errno codes.
    return failed(signal.aborted ? "timeout" : "network error");
  }
}

/** What one delivery run did. */
export interface DeliveryRun {
  attempted: number;
  delivered: number;
  failed: number;
}

/**
 * Sends due deliveries (all sites, or one), in batches of BATCH_SIZE, until none is due or
 * `maxBatches` batches were sent. `now` is the time retries are due against.
 */
export async function deliverDue(env: Env, now: Date, options: { siteId?: string; maxBatches?: number } = {}): Promise<DeliveryRun> {
  const run: DeliveryRun = { attempted: 0, delivered: 0, failed: 0 };
  for (let i = 0; i < (options.maxBatches ?? 4); i++) {
    const due = await claimDue(env, now, BATCH_SIZE, LEASE_SECONDS, options.siteId);
    if (due.length === 0) break;
    const outcomes = await Promise.all(due.map((d) => attempt(env, d, now)));
    await recordAttempts(env, outcomes, now.toISOString());
    run.attempted += outcomes.length;
    run.delivered += outcomes.filter((o) => o.ok).length;
    run.failed += outcomes.filter((o) => !o.ok && o.retryAt === null).length;
    if (due.length < BATCH_SIZE) break;
  }
  return run;
}

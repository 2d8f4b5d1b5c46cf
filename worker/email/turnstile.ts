/**
 * Cloudflare Turnstile on abuse-prone, identity-creating endpoints (R6.11): today the email
 * signup, `POST /v1/sites/{siteId}/subscriptions`, when the site config has a `turnstile`
 * block. Never on consent saves or opt-outs (R1.3, R2.8): a challenge there would add friction
 * to a refusal and a third-party script before a choice.
 *
 * The widget's token is checked server-side with siteverify, and everything that is not a clear
 * pass is a refusal (fail closed):
 *
 * | what happened                                                        | answer                      |
 * | -------------------------------------------------------------------- | --------------------------- |
 * | no token in the request                                              | 403 `turnstile_required`    |
 * | `success: false` (incl. `timeout-or-duplicate`: expired or reused), a token over 2048 characters, a `hostname` outside the site's `allowedOrigins`, an `action` other than the configured one | 403 `turnstile_failed` |
 * | no `TURNSTILE_SECRET_KEY`, siteverify unreachable, timed out (TURNSTILE_TIMEOUT_MS), a non-2xx or unreadable answer, `internal-error`, or siteverify says our secret is wrong | 503 `turnstile_unavailable` with `Retry-After` |
 *
 * Each call sends the secret, the token, the visitor's IP (`CF-Connecting-IP`, as `remoteip`)
 * and a fresh `idempotency_key` (a random UUID). The secret is a Wrangler secret, never part of
 * the site config or the client bundle (R6.12); the config holds only the public site key.
 */
import type { SiteConfig } from "../contract";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";

/** Cloudflare's siteverify endpoint (`TURNSTILE_VERIFY_URL` overrides it, for tests). */
export const DEFAULT_TURNSTILE_VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/** Longest token Cloudflare issues; a longer one is refused without asking siteverify. */
export const MAX_TURNSTILE_TOKEN_LENGTH = 2048;

/** How long siteverify may take before the request fails closed (503). */
export const TURNSTILE_TIMEOUT_MS = 4_000;

/** Seconds a client is told to wait after `turnstile_unavailable`. */
export const TURNSTILE_RETRY_AFTER_SECONDS = 10;

/** The fields of a siteverify answer this module reads. */
export interface SiteverifyResponse {
  success: boolean;
  "error-codes"?: string[];
  hostname?: string;
  action?: string;
  challenge_ts?: string;
  cdata?: string;
}

/** Why a token was not accepted; logged, and mapped to the 403/503 above. */
export type TurnstileFailure =
  | "missing_token"
  | "token_too_long"
  | "rejected"
  | "hostname_mismatch"
  | "action_mismatch"
  | "no_secret"
  | "network_error"
  | "timeout"
  | "bad_response"
  | "siteverify_error";

export type TurnstileResult =
  | { ok: true; hostname: string; action: string }
  | { ok: false; reason: TurnstileFailure; errorCodes: string[] };

export interface TurnstileCheck {
  /** The token the widget's callback produced (`turnstileToken` in the request body). */
  token: string | undefined;
  /** The visitor's IP address (`CF-Connecting-IP`); sent as `remoteip` when known. */
  remoteIp: string | undefined;
  /** Host names the token may have been solved on (from the site's allowedOrigins). */
  hostnames: string[];
  /** The action the token must carry. */
  action: string;
}

export interface TurnstileOptions {
  /** Abort siteverify after this many milliseconds (default TURNSTILE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** The host names of a site's allowed origins, lower case, without port. */
export function allowedHostnames(config: Pick<SiteConfig, "allowedOrigins">): string[] {
  return [...new Set(config.allowedOrigins.map((origin) => new URL(origin).hostname.toLowerCase()))];
}

/** Error codes siteverify uses for our own misconfiguration or its own fault: not the visitor's. */
const SERVER_SIDE_CODES = new Set(["missing-input-secret", "invalid-input-secret", "internal-error"]);

/**
 * Validates a token with siteverify. Never throws: every outcome is a result, and only
 * `{ ok: true }` lets the request through.
 */
export async function verifyTurnstile(env: Env, check: TurnstileCheck, options: TurnstileOptions = {}): Promise<TurnstileResult> {
  const fail = (reason: TurnstileFailure, errorCodes: string[] = []): TurnstileResult => ({ ok: false, reason, errorCodes });
  const token = check.token ?? "";
  if (!token) return fail("missing_token");
  if (token.length > MAX_TURNSTILE_TOKEN_LENGTH) return fail("token_too_long");
  const secret = env.TURNSTILE_SECRET_KEY;
  if (!secret) return fail("no_secret");

  // application/x-www-form-urlencoded, which siteverify has always accepted.
  const form = new URLSearchParams({ secret, response: token });
  if (check.remoteIp) form.set("remoteip", check.remoteIp);
  // Lets siteverify recognize a retry of this same check instead of reporting a duplicate.
  form.set("idempotency_key", crypto.randomUUID());

  let res: Response;
  try {
    res = await fetch(env.TURNSTILE_VERIFY_URL || DEFAULT_TURNSTILE_VERIFY_URL, {
      method: "POST",
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs ?? TURNSTILE_TIMEOUT_MS),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return fail(name === "TimeoutError" || name === "AbortError" ? "timeout" : "network_error");
  }
  let body: SiteverifyResponse;
  try {
    if (!res.ok) return fail("siteverify_error", [`http-${res.status}`]);
    body = (await res.json()) as SiteverifyResponse;
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return fail(name === "TimeoutError" || name === "AbortError" ? "timeout" : "bad_response");
  }
  if (typeof body !== "object" || body === null || typeof body.success !== "boolean") return fail("bad_response");
  const errorCodes = Array.isArray(body["error-codes"]) ? body["error-codes"].map(String) : [];
  if (body.success !== true || errorCodes.includes("timeout-or-duplicate")) {
    // Our secret is missing or wrong, or siteverify failed: not something the visitor can fix.
    if (errorCodes.some((code) => SERVER_SIDE_CODES.has(code))) return fail("siteverify_error", errorCodes);
    // Includes timeout-or-duplicate: an expired token, or one that was already used.
    return fail("rejected", errorCodes);
  }
  const hostname = typeof body.hostname === "string" ? body.hostname.toLowerCase() : "";
  if (!check.hostnames.includes(hostname)) return fail("hostname_mismatch", errorCodes);
  if (body.action !== check.action) return fail("action_mismatch", errorCodes);
  return { ok: true, hostname, action: body.action };
}

/** The ApiError a failed check is answered with (see the table at the top). */
export function turnstileError(result: Extract<TurnstileResult, { ok: false }>): ApiError {
  switch (result.reason) {
    case "missing_token":
      return new ApiError(403, "turnstile_required", "A Turnstile challenge is required", {
        detail: "This site protects signups with Cloudflare Turnstile: complete the challenge and send its token as turnstileToken.",
      });
    case "token_too_long":
    case "rejected":
    case "hostname_mismatch":
    case "action_mismatch":
      return new ApiError(403, "turnstile_failed", "The Turnstile challenge was not accepted", {
        detail:
          result.reason === "rejected" && result.errorCodes.includes("timeout-or-duplicate")
            ? "The challenge token expired or was already used. Complete the challenge again."
            : "The challenge token is not valid for this signup. Complete the challenge again.",
      });
    default:
      return new ApiError(503, "turnstile_unavailable", "The anti-abuse check is unavailable", {
        detail: "The Turnstile challenge could not be verified, so nothing was recorded. Try again in a moment.",
        headers: { "Retry-After": String(TURNSTILE_RETRY_AFTER_SECONDS) },
      });
  }
}

/**
 * Checks a request's token when the site enables Turnstile; does nothing when it does not.
 * Throws the ApiError to answer with; call it before anything is written or sent.
 */
export async function requireTurnstile(
  env: Env,
  config: SiteConfig,
  token: string | undefined,
  remoteIp: string | undefined,
  options: TurnstileOptions = {},
): Promise<void> {
  if (!config.turnstile) return;
  const result = await verifyTurnstile(
    env,
    { token, remoteIp, hostnames: allowedHostnames(config), action: config.turnstile.action },
    options,
  );
  if (result.ok) return;
  if (result.reason !== "missing_token")
    console.warn(`turnstile: refused for site ${config.id}: ${result.reason}${result.errorCodes.length ? ` (${result.errorCodes.join(",")})` : ""}`);
  throw turnstileError(result);
}

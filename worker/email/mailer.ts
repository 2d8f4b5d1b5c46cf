/**
 * Sending email: one interface, two adapters.
 * - `OutboxMailer` (development and tests): stores each message in D1's `outbox` table; the
 *   development-only page /dev/outbox shows them.
 * - `PostmarkMailer` (production): Postmark's JSON HTTP API (`POST /email`), chosen because it is
 *   a widely used transactional email service with a plain JSON interface, message streams that
 *   keep transactional and broadcast mail apart (R5.3), and custom headers (List-Unsubscribe).
 *   Retries 5xx and network failures with backoff; a 4xx is the message's fault and is not retried.
 */
import type { Env } from "../env";
import { ApiError, storage } from "../lib/errors";

/** A message ready to send. */
export interface EmailMessage {
  siteId: string;
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Id, List-Unsubscribe, List-Unsubscribe-Post …). */
  headers: Record<string, string>;
  /** Transactional (confirmations) or broadcast (lists): separate streams and senders. */
  stream: "transactional" | "broadcast";
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** A send that failed after its retries. */
export class MailError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class OutboxMailer implements Mailer {
  constructor(private readonly env: Env) {}

  async send(m: EmailMessage): Promise<void> {
    await storage("outbox write", () =>
      this.env.LEDGER.prepare(
        `INSERT INTO outbox (id, site_id, to_address, from_address, subject, headers, text_body, html_body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
      )
        .bind(crypto.randomUUID(), m.siteId, m.to, m.from, m.subject, JSON.stringify({ ...(m.replyTo ? { "Reply-To": m.replyTo } : {}), ...m.headers }), m.text, m.html, new Date().toISOString())
        .run(),
    );
  }
}

export interface PostmarkOptions {
  token: string;
  /** Default https://api.postmarkapp.com; tests use a local fake. */
  baseUrl?: string;
  /** Attempts in all (first try included). */
  attempts?: number;
  /** Delay before the second attempt, doubled each time. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

/**
 * Postmark's numeric `ErrorCode` from an error answer (", ErrorCode 300"), or "". Never the
 * answer's text: Postmark's messages quote the recipient ("Invalid 'To' address: …"), and
 * what a mailer error says ends up in logs.
 */
async function postmarkErrorCode(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { ErrorCode?: unknown };
    return Number.isInteger(body.ErrorCode) ? `, ErrorCode ${String(body.ErrorCode)}` : "";
  } catch {
    return "";
  }
}

export class PostmarkMailer implements Mailer {
  private readonly baseUrl: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PostmarkOptions) {
    this.baseUrl = (options.baseUrl ?? "https://api.postmarkapp.com").replace(/\/$/, "");
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    // Never the bare global stored as a property: called as `this.fetchImpl(…)`, workerd throws
    // "Illegal invocation" when fetch's `this` is not the global scope.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async send(m: EmailMessage): Promise<void> {
    const body = JSON.stringify({
      From: m.from,
      To: m.to,
      ...(m.replyTo ? { ReplyTo: m.replyTo } : {}),
      Subject: m.subject,
      TextBody: m.text,
      HtmlBody: m.html,
      Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })),
      MessageStream: m.stream === "broadcast" ? "broadcast" : "outbound",
    });
    let last = "";
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let status = 0;
      try {
        const res = await this.fetchImpl(`${this.baseUrl}/email`, {
          method: "POST",
          headers: { Accept: "application/json", "Content-Type": "application/json", "X-Postmark-Server-Token": this.options.token },
          body,
        });
        status = res.status;
        if (res.ok) return;
        last = `HTTP ${res.status}${await postmarkErrorCode(res)}`;
        if (status < 500) throw new MailError(`the email provider refused the message: ${last}`, status);
      } catch (err) {
        if (err instanceof MailError) throw err;
        last = "network error";
      }
      if (attempt < this.attempts) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
    }
    throw new MailError(`the email provider failed after ${this.attempts} attempts: ${last}`, 503);
  }
}

/**
 * The mailer the environment asks for: `MAIL_PROVIDER` "postmark" or "outbox". Unset means the
 * outbox only in local development (DEV_MODE); a deployed Worker without a provider refuses to
 * "send" rather than silently keep messages nobody receives.
 */
export function mailerFor(env: Env): Mailer {
  if (env.MAIL_PROVIDER === "postmark") {
    if (!env.POSTMARK_SERVER_TOKEN) throw new MailError("MAIL_PROVIDER is postmark but POSTMARK_SERVER_TOKEN is not set", 500);
    return new PostmarkMailer({ token: env.POSTMARK_SERVER_TOKEN, ...(env.POSTMARK_API_URL ? { baseUrl: env.POSTMARK_API_URL } : {}) });
  }
  if (env.MAIL_PROVIDER === "outbox" || (env.MAIL_PROVIDER === undefined && env.DEV_MODE === "true")) return new OutboxMailer(env);
  throw new MailError(`MAIL_PROVIDER is ${env.MAIL_PROVIDER ? `"${env.MAIL_PROVIDER}", not a known provider` : "not set"}; set it to "postmark"`, 500);
}

/** 503 `email_unavailable`: a message could not be sent (or no provider is set), and nothing of the request was kept. */
export function emailUnavailable(title = "The email could not be sent"): ApiError {
  return new ApiError(503, "email_unavailable", title, { detail: "Nothing was recorded. Try again in a moment.", headers: { "Retry-After": "30" } });
}

/** The mailer, or 503 `email_unavailable` when none is configured: asked before anything is written. */
export function configuredMailer(env: Env, title?: string): Mailer {
  try {
    return mailerFor(env);
  } catch (err) {
    console.error(`email is not configured: ${err instanceof Error ? err.message : String(err)}`);
    throw emailUnavailable(title);
  }
}

/**
 * What a failed send becomes: an ApiError as it is, anything else 503 `email_unavailable`. The
 * provider's error text can quote the address, so only `what` and the status are logged.
 */
export function sendFailure(err: unknown, what: string, title?: string): ApiError {
  if (err instanceof ApiError) return err;
  console.error(`${what} failed: ${err instanceof MailError ? err.message : "unexpected error"}`);
  return emailUnavailable(title);
}

/**
 * Sends a message whose failure must not undo what was done (a notice after a change is
 * recorded): a missing provider or a failed send is logged, by `what` only, and answered false.
 */
export async function sendQuietly(env: Env, message: EmailMessage, what: string): Promise<boolean> {
  try {
    await mailerFor(env).send(message);
    return true;
  } catch (err) {
    console.error(`${what} failed: ${err instanceof MailError ? err.message : err instanceof Error ? err.name : "unexpected error"}`);
    return false;
  }
}

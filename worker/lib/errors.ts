/**
 * One error type and one renderer: every failure leaves the Worker as RFC 9457
 * `application/problem+json` with a stable snake_case `code`.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod";
import type { Problem } from "../contract";

/** Seconds a client should wait before retrying after a storage fault. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

export interface ApiErrorOptions {
  detail?: string;
  headers?: Record<string, string>;
  errors?: Problem["errors"];
  cause?: unknown;
}

/** A failure with an HTTP status and a stable code; thrown anywhere, rendered by `onError`. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly title: string;
  readonly headers: Record<string, string>;
  readonly errors: Problem["errors"];

  constructor(status: ContentfulStatusCode, code: string, title: string, options: ApiErrorOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.title = title;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }
}

/**
 * A KV or D1 operation failed. Rendered as 503 with Retry-After; the caller's retry (with the
 * same Idempotency-Key) completes the decision exactly once.
 */
export class StorageError extends ApiError {
  constructor(operation: string, cause: unknown) {
    super(503, "storage_unavailable", "Storage is temporarily unavailable", {
      detail: `The ${operation} failed; nothing was lost. Retry the same request after the Retry-After delay.`,
      headers: { "Retry-After": String(STORAGE_RETRY_AFTER_SECONDS) },
      cause,
    });
  }
}

/** Runs a storage call and turns any failure into a StorageError. */
export async function storage<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new StorageError(operation, err);
  }
}

/**
 * How long a KV write refused for KV's limit of one write a second per key waits before each
 * retry: a second, then two (R6.2). Waiting costs wall time, not CPU time.
 */
const KV_WRITE_RETRY_DELAYS_MS: readonly number[] = [1000, 2000];

/** Whether a KV write failed for the one-write-a-second limit (KV answers 429 Too Many Requests). */
function isKvWriteLimited(err: unknown): boolean {
  return err instanceof Error && /\b429\b|too many requests/i.test(err.message);
}

/**
 * A KV write (`put` or `delete`) as `storage` runs it, except that a refusal for the one write a
 * second KV allows per key is retried after each of `delays` (R6.2): a visitor who changes their
 * mind twice within a second, or the settling of their record after two close writers
 * (worker/consent/visitor-record.ts), gets a normal answer instead of a 503. Any other failure,
 * or a refusal after the last delay, is a StorageError as before.
 */
export async function kvWrite<T>(operation: string, fn: () => Promise<T>, delays: readonly number[] = KV_WRITE_RETRY_DELAYS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (attempt >= delays.length || !isKvWriteLimited(err)) throw new StorageError(operation, err);
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

/** Every zod issue as `{ path, message }`. */
const issuesOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));

/** A 422 listing every zod issue as `{ path, message }`. */
export function invalidBody(error: z.ZodError, code = "invalid_body"): ApiError {
  const errors = issuesOf(error);
  return new ApiError(422, code, "The request body is not valid", {
    detail: errors.map((e) => `${e.path}: ${e.message}`).join("; ").slice(0, 1000),
    errors,
  });
}

/**
 * A 400 `invalid_query`: `detail` says in the route's own words what its query takes; `errors`
 * lists what was wrong, when that is known.
 */
export function invalidQuery(detail: string, errors?: z.ZodError | { path: string; message: string }[]): ApiError {
  return new ApiError(400, "invalid_query", "The query is not valid", {
    detail,
    ...(errors ? { errors: Array.isArray(errors) ? errors : issuesOf(errors) } : {}),
  });
}

/** `query` (a request's query parameters) as `schema` reads it, or a 400 `invalid_query` with `detail` and every issue. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>, detail: string): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw invalidQuery(detail, parsed.error);
  return parsed.data;
}

/**
 * The console's own API (/console/api, worker/console/): `query` as `schema` reads it, or a 422
 * `invalid_query` listing every issue, as the console's forms expect of every field it sends.
 * (The public API's is a 400 with the route's own words: `parseQuery`.)
 */
export function parseConsoleQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw invalidBody(parsed.error, "invalid_query");
  return parsed.data;
}

/** Renders a problem document; also used by `notFound`. */
export function problemResponse(c: Context, err: ApiError): Response {
  const body: Problem = {
    type: `urn:assent:problem:${err.code}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
  };
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  c.header("Cache-Control", "no-store");
  return c.body(JSON.stringify(body), err.status, { "Content-Type": "application/problem+json" });
}

/** The app's `onError`: known errors as they are, Hono's as their status, the rest as 500. */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    if (err instanceof StorageError) console.error("storage fault:", err.cause);
    return problemResponse(c, err);
  }
  if (err instanceof HTTPException) {
    const code = err.status === 400 ? "bad_request" : `http_${err.status}`;
    return problemResponse(c, new ApiError(err.status as ContentfulStatusCode, code, err.message || "Bad request"));
  }
  console.error("unhandled error:", err);
  return problemResponse(c, new ApiError(500, "internal_error", "Internal error", { detail: "An unexpected error occurred." }));
}

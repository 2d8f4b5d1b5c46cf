/**
 * The widget's calls to the Worker. Always `credentials: "omit"` (no cookies either way, R7.1);
 * the visitor token travels only in the Authorization header, never in a URL (R7.3).
 */
import type { ConsentResponse, ErasureResponse, Problem } from "../worker/contract";
import type { BootstrapResponse, PendingSync } from "./types";

/** A failed call: `status` 0 means the Worker could not be reached at all. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  /** Worth retrying later: network failures, 408, 425, 429 and 5xx. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 425 || this.status === 429 || this.status >= 500;
  }
}

/** A JSON call to the Worker; a failure becomes an ApiFailure with the problem's code. */
export async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: "omit", mode: "cors", cache: "no-store" });
  } catch (err) {
    throw new ApiFailure(0, "network_error", err instanceof Error ? err.message : "network error");
  }
  if (res.ok) return (await res.json()) as T;
  let problem: Partial<Problem> = {};
  try {
    problem = (await res.json()) as Problem;
  } catch {
    // not a problem document
  }
  const retryAfter = Number(res.headers.get("Retry-After"));
  throw new ApiFailure(res.status, problem.code ?? `http_${res.status}`, problem.detail ?? res.statusText, retryAfter > 0 ? retryAfter : undefined);
}

/** The URL of a per-site API path. */
export const siteUrl = (endpoint: string, siteId: string, path: string) =>
  new URL(`v1/sites/${encodeURIComponent(siteId)}/${path}`, endpoint).href;

/**
 * GET bootstrap, in the visitor's language when the site has it. It may come from the browser's
 * cache (private, max-age=60), except for the background policy check, which must see the
 * current fingerprint (`fresh`).
 */
export function fetchBootstrap(endpoint: string, siteId: string, lang: string | null, fresh = false): Promise<BootstrapResponse> {
  const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
  return fetch(siteUrl(endpoint, siteId, `bootstrap${query}`), { credentials: "omit", mode: "cors", ...(fresh ? { cache: "no-store" as const } : {}) }).then(
    async (res) => {
      if (!res.ok) throw new ApiFailure(res.status, `http_${res.status}`, `bootstrap failed (${res.status})`);
      return (await res.json()) as BootstrapResponse;
    },
    (err: unknown) => {
      throw new ApiFailure(0, "network_error", err instanceof Error ? err.message : "network error");
    },
  );
}

/** POST a decision; the idempotency key makes a retry safe (recorded exactly once). */
export function postDecision(endpoint: string, siteId: string, pending: PendingSync, token?: string): Promise<ConsentResponse> {
  return call<ConsentResponse>(siteUrl(endpoint, siteId, "consents"), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Idempotency-Key": pending.idempotencyKey,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(pending.body),
    keepalive: true,
  });
}

/** GET /me/export as a Blob (the JSON download). */
export async function fetchExport(endpoint: string, siteId: string, token: string): Promise<Blob> {
  const doc = await call<unknown>(siteUrl(endpoint, siteId, "me/export"), { headers: { Authorization: `Bearer ${token}` } });
  return new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
}

/** DELETE /me: erases the visitor's state and proof on the Worker. */
export function eraseVisitor(endpoint: string, siteId: string, token: string): Promise<ErasureResponse> {
  return call<ErasureResponse>(siteUrl(endpoint, siteId, "me"), { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
}

/**
 * Every call the widget makes to the Worker, and the one place that adds authorization: the
 * visitor token travels only in the Authorization header, never in a URL (R7.3), and always
 * with `credentials: "omit"` (no cookies either way, R7.1). Core and lazily loaded chunks alike
 * reach the Worker through the controller's one `ApiClient` (`controller.api`).
 */
import type { ConsentResponse, ErasureResponse, IdentifyResponse, Preferences, Problem, SubscriptionResponse, VisitorSubscriptions } from "../../worker/contract";
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

/** What a call sends besides its path: method, JSON body, the visitor token, extra headers. */
interface CallOptions {
  method?: string;
  body?: unknown;
  /** The visitor token: the only way authorization is added (see `request`). */
  token?: string | undefined;
  headers?: Record<string, string>;
  keepalive?: boolean;
}

/** The Worker's per-site API for one site, at one base URL. */
export class ApiClient {
  constructor(
    /** The Worker's base URL, ending in "/". */
    readonly endpoint: string,
    readonly siteId: string,
  ) {}

  /** The URL of a per-site API path. */
  url(path: string): string {
    return new URL(`v1/sites/${encodeURIComponent(this.siteId)}/${path}`, this.endpoint).href;
  }

  /**
   * GET bootstrap, in the visitor's language when the site has it. It may come from the
   * browser's cache (private, max-age=60), except for the background policy check, which must
   * see the current fingerprint (`fresh`).
   */
  bootstrap(lang: string | null, fresh = false): Promise<BootstrapResponse> {
    const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
    // A failure is a plain Error: nothing retries bootstrap on its own (the banner offers
    // Retry), and the core need not carry the ApiFailure class for it.
    return fetch(this.url(`bootstrap${query}`), { credentials: "omit", mode: "cors", ...(fresh ? { cache: "no-store" as const } : {}) }).then(async (res) => {
      if (!res.ok) throw Error(`bootstrap failed (${res.status})`);
      return (await res.json()) as BootstrapResponse;
    });
  }
}

// Every other call is made only by a lazily loaded module (sync, identity, the preference
// center): functions, not methods, so the core's bundle does not carry them.

/**
 * The one request every call goes through: it adds the token as a Bearer header, sends a
 * JSON body, and turns a failure into an ApiFailure with the problem's code.
 */
export async function request<T>(api: ApiClient, path: string, { method, body, token, headers, keepalive }: CallOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(api.url(path), {
      method,
      headers: {
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      keepalive,
      credentials: "omit",
      mode: "cors",
      cache: "no-store",
    });
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


/** POST a decision; the idempotency key makes a retry safe (recorded exactly once). */
export const postDecision = (api: ApiClient, pending: PendingSync, token?: string) =>
  request<ConsentResponse>(api, "consents", { method: "POST", body: pending.body, token, headers: { "Idempotency-Key": pending.idempotencyKey }, keepalive: true });

/** GET /me/export: the visitor's data as the Worker exports it. */
export const exportData = (api: ApiClient, token: string) => request<unknown>(api, "me/export", { token });

/** DELETE /me: erases the visitor's state and proof on the Worker. */
export const erase = (api: ApiClient, token: string) => request<ErasureResponse>(api, "me", { method: "DELETE", token });

/** GET /me: the person's stored choice (an identified browser's background check). */
export const fetchMe = (api: ApiClient, token: string) => request<Preferences>(api, "me", { token });

/** POST /identify with the signed identity (and this browser's token, if any). */
export const identify = (api: ApiClient, identity: string, token?: string) =>
  request<IdentifyResponse>(api, "identify", { method: "POST", body: { identity }, token });

/** DELETE /identify: revokes this browser's token (the person's other devices keep theirs). */
export const unidentify = (api: ApiClient, token: string) => request<unknown>(api, "identify", { method: "DELETE", token, keepalive: true });

/** POST /subscriptions: an email signup (its own consent, confirmed from the inbox). */
export const subscribe = (api: ApiClient, body: Record<string, unknown>, token?: string) =>
  request<SubscriptionResponse>(api, "subscriptions", { method: "POST", body, token });

/** GET /me/subscriptions: each list's status for this visitor. */
export const fetchSubscriptions = (api: ApiClient, token: string) => request<VisitorSubscriptions>(api, "me/subscriptions", { token });

/**
 * Email list signups from the preference center (loaded with it, never in the first-visit
 * bundle). A signup is its own consent, keyed by the address and confirmed from the inbox;
 * nothing the banner does touches it (R0.2). The visitor token, when there is one, links the
 * signup to this browser so the preference center can show each list's status.
 */
import type { SubscriptionResponse, VisitorSubscriptions } from "../worker/contract";
import { ApiFailure } from "./api-client";
import type { Controller } from "./controller";

export type ListStatus = "none" | "pending" | "confirmed" | "unsubscribed";

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: "omit", mode: "cors", cache: "no-store" });
  } catch (err) {
    throw new ApiFailure(0, "network_error", err instanceof Error ? err.message : "network error");
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiFailure(res.status, problem.code ?? `http_${res.status}`, problem.detail ?? res.statusText);
  }
  return (await res.json()) as T;
}

const url = (c: Controller, path: string) => new URL(`v1/sites/${encodeURIComponent(c.siteId)}/${path}`, c.endpoint).href;

/** Signs `email` up to `lists` (one confirmation message per list). */
export function subscribe(c: Controller, email: string, lists: string[], textVersion: string): Promise<SubscriptionResponse> {
  const token = c.record?.token;
  return call<SubscriptionResponse>(url(c, "subscriptions"), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ email, lists, textVersion, locale: c.bootstrap?.locale ?? "en" }),
  });
}

/** Each list's status for this browser's visitor; empty before the first decision. */
export async function listStatuses(c: Controller): Promise<Record<string, ListStatus>> {
  const token = c.record?.token;
  if (!token) return {};
  const body = await call<VisitorSubscriptions>(url(c, "me/subscriptions"), { headers: { Authorization: `Bearer ${token}` } });
  return body.lists;
}

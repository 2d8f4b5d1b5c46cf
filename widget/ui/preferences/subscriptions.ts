/**
 * Email list signups from the preference center (loaded with it, never in the first-visit
 * bundle). A signup is its own consent, keyed by the address and confirmed from the inbox;
 * nothing the banner does touches it (R0.2). The visitor token, when there is one, links the
 * signup to this browser so the preference center can show each list's status.
 */
import type { SubscriptionResponse } from "../../../worker/contract";
import { fetchSubscriptions, subscribe as postSubscription } from "../../core/api-client";
import type { Controller } from "../../core/controller";

export type ListStatus = "none" | "pending" | "confirmed" | "unsubscribed";

/**
 * Signs `email` up to `lists` (one confirmation message per list). `turnstileToken` is the
 * Turnstile widget's single-use token, when the site protects its signup with Turnstile.
 */
export function subscribe(
  c: Controller,
  email: string,
  lists: string[],
  textVersion: string,
  turnstileToken?: string,
): Promise<SubscriptionResponse> {
  return postSubscription(
    c.api,
    {
      email,
      lists,
      textVersion,
      locale: c.bootstrap?.locale ?? "en",
      // The page, for the signup's proof; the Worker drops query and fragment.
      sourceUrl: location.origin + location.pathname,
      ...(turnstileToken ? { turnstileToken } : {}),
    },
    c.record?.token,
  );
}

/** Each list's status for this browser's visitor; empty before the first decision. */
export async function listStatuses(c: Controller): Promise<Record<string, ListStatus>> {
  const token = c.record?.token;
  if (!token) return {};
  return (await fetchSubscriptions(c.api, token)).lists;
}

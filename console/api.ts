/**
 * The console app's one way to its Worker: `/console/api/…` on the same origin, with the
 * session cookie (same-origin fetch sends it, and the browser adds the Origin header every
 * change must carry). A 401 sends the person to the sign-in page; any other problem is thrown
 * as a ConsoleApiError carrying the Worker's problem+json, so a form can show it at its field.
 */
import type { Problem } from "../worker/contract";

/** A problem+json answer, thrown. */
export class ConsoleApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
}

/** Calls the console API; JSON in, JSON out (null for 204). */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`/console/api${path}`, {
    method: init.method ?? "GET",
    credentials: "same-origin",
    headers: init.body === undefined ? {} : { "Content-Type": "application/json" },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  if (res.status === 401) {
    location.assign("/console/sign-in");
    throw new ConsoleApiError({ type: "urn:assent:problem:signed_out", title: "Signed out", status: 401, code: "signed_out", detail: "Sign in again." });
  }
  if (res.status === 204) return null as T;
  const type = res.headers.get("Content-Type") ?? "";
  if (!res.ok) {
    if (type.includes("problem+json")) throw new ConsoleApiError((await res.json()) as Problem);
    throw new ConsoleApiError({ type: "about:blank", title: `The console's server answered ${res.status}`, status: res.status, code: "http_error", detail: "Try again in a moment." });
  }
  return (await res.json()) as T;
}

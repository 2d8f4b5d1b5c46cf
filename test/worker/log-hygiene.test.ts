/**
 * What the Worker writes to its logs (R7.12): the operator learns what failed, never whom it
 * concerned. Requests carrying a visitor token, an API key, an address and a client IP go through
 * the app while storage and the mailer fail, so that every error path that logs runs; no line
 * holds any of those values (or a token's signature alone). docs/privacy-and-security.md says
 * what is logged and how long Cloudflare keeps it.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConsentResponse } from "../../worker/contract";
import { BASE, auth, decisionBody, decisionRequest, freshSite, insertApiKey, postDecision } from "./helpers";
import { signupBody, signupRequest } from "./email-helpers";
import { envWith, failing, failingStatements, fetchWith } from "./fault-helpers";

const IP = "203.0.113.77";
const IPV6 = "2001:db8:77::42";
const lines: string[] = [];

/** A log argument as the log would show it, an error with its message, stack and cause. */
function shown(arg: unknown): string {
  if (arg instanceof Error) return `${arg.name}: ${arg.message}\n${arg.stack ?? ""}\n${shown(arg.cause)}`;
  if (typeof arg === "string") return arg;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

beforeEach(() => {
  lines.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(shown).join(" "));
    });
});
afterEach(() => vi.restoreAllMocks());

describe("the Worker's logs (R7.12)", () => {
  it("name no token, API key, address or IP address, on any path that logs a failure", async () => {
    const site = await freshSite();
    const headers = { "CF-Connecting-IP": IP, "X-Forwarded-For": `${IPV6}, ${IP}` };
    const first = (await (await postDecision(site.id, decisionBody(site), { headers })).json()) as ConsentResponse;
    const token = first.token!;
    const key = await insertApiKey(site.id);
    const email = `logged.${crypto.randomUUID().slice(0, 8)}@example.com`;

    // A decision with the token while D1 fails, and while KV fails for a record kept in KV.
    await fetchWith(decisionRequest(site.id, decisionBody(site, { action: "reject_all" }), { token, headers }), envWith({ LEDGER: failing(env.LEDGER, "batch") }));
    await fetchWith(new Request(`${BASE}/v1/sites/${site.id}/me`, { headers: { ...auth(token), Origin: "http://127.0.0.1:8787", ...headers } }), envWith({ PREFS: failing(env.PREFS, "get") }));
    // The site owner's API with the key while recording its last use fails.
    await fetchWith(
      new Request(`${BASE}/v1/sites/${site.id}/admin/visitors/${first.visitorId}`, { headers: { ...auth(key.secret), ...headers } }),
      envWith({ LEDGER: failingStatements(env.LEDGER, /^UPDATE api_keys SET last_used_at/) }),
    );
    // A signup with the address while the mailer is not configured.
    await fetchWith(signupRequest(site.id, signupBody({ email }), { headers }), envWith({ MAIL_PROVIDER: "postmark" } as Partial<typeof env>));

    // Every path above logged something for the operator…
    const all = lines.join("\n");
    expect(all).toContain("storage fault");
    expect(all).toContain("last_used_at not updated");
    expect(all).toMatch(/email is not configured/);
    // …and nothing that says whom it concerned.
    const secrets = [token, token.split(".").at(-1)!, key.secret, key.secret.slice(4), email, email.split("@")[0]!, IP, IPV6, first.visitorId];
    for (const line of lines) for (const secret of secrets) expect(line, `a log line holds ${secret}`).not.toContain(secret);
  });
});

/**
 * Hostile input, as a suite: generated malformed bodies, headers, paths, tokens and query
 * strings (fast-check) against every public and admin endpoint. Whatever arrives, the answer is
 * never a 5xx and never a hang; a refusal is a 4xx `application/problem+json` with a stable,
 * documented code; and a refused request writes nothing to KV, D1 or the outbox.
 *
 * The pages people reach from an email (`/e/…/confirm/…`, `/u/…`) are HTML for a person, not
 * JSON for a program: there a refusal is the one generic 4xx page, with the same guarantees.
 *
 * Rate limiters are replaced by ones that always allow, so that the generated requests reach
 * the validation they are meant to test (the real limiters are tested in write-limits,
 * admin-auth-limit and erasure tests). Each property runs a bounded number of cases.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConsentResponse, Problem } from "../../worker/contract";
import type { Env } from "../../worker/env";
import { app } from "../../worker/app";
import { confirmedSubscriber } from "./email-helpers";
import { BASE, ORIGIN, b64url, decisionBody, freshSite, insertApiKey, keySetting, signTokenWith } from "./helpers";
import { useFakeReceiver } from "./webhook-helpers";

// Deliveries the suite's changes queue go to the fake receiver, never to the network.
useFakeReceiver();

/** Every code an error of the API may carry (docs/api.md, "Errors"). */
const STABLE_CODES = new Set([
  "bad_request", "invalid_site_id", "invalid_query", "malformed_json", "idempotency_key_required", "invalid_idempotency_key",
  "token_required", "token_invalid", "token_key_unknown", "token_expired", "token_revoked", "api_key_required", "api_key_invalid",
  "invalid_identity", "identity_expired", "origin_required", "origin_not_allowed", "token_wrong_site", "api_key_wrong_site",
  "email_capture_disabled", "turnstile_required", "turnstile_failed", "site_not_found", "no_record", "not_found", "no_lists",
  "unknown_webhook", "unknown_list", "policy_changed", "too_many_webhooks", "body_too_large", "unsupported_media_type", "invalid_body",
  "unknown_category", "necessary_required", "missing_category", "choices_contradict_action", "idempotency_key_reused",
  "text_version_mismatch", "invalid_webhook_url", "rate_limited", "email_quota_exceeded",
  "request_type_unavailable", "request_not_found", "request_changed", "extension_unavailable",
]);

const TABLES = [
  "ledger", "erasures", "subscriptions", "signup_requests", "subscription_links", "confirmation_sends", "suppressions",
  "subscription_events", "outbox", "api_keys", "webhook_endpoints", "webhook_events", "webhook_deliveries", "subjects", "token_revocations",
  "rights_requests", "rights_links", "rights_request_events",
];

const allow: RateLimit = { limit: async () => ({ success: true }) };
const real = env as unknown as Env;
const open: Env = { ...real, WRITE_LIMIT: allow, ADMIN_LIMIT: allow, AUTH_FAIL_LIMIT: allow };

/** Everything Assent stores: every D1 table (one batch) and every PREFS key with its value. */
async function snapshot(): Promise<string> {
  const tables = await real.LEDGER.batch(TABLES.map((t) => real.LEDGER.prepare(`SELECT * FROM ${t} ORDER BY rowid`)));
  const keys = (await real.PREFS.list()).keys.map((k) => k.name);
  const values = await Promise.all(keys.map((k) => real.PREFS.get(k)));
  return JSON.stringify([tables.map((r) => r.results), keys, values]);
}

/** Sends one request as the outside world would and waits for everything it started. */
async function send(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await Promise.race([
    app.fetch(request, open, ctx),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within 5 s: ${request.method} ${request.url}`)), 5000)),
  ]);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The properties every answer must have; a refusal must also have left storage as it was. */
async function expectSafe(request: Request, kind: "api" | "page" = "api"): Promise<void> {
  const before = await snapshot();
  const described = `${request.method} ${request.url.slice(0, 200)}`;
  const res = await send(request);
  const text = await res.text();
  expect(res.status, `${described} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  if (kind === "api") {
    expect(res.headers.get("Content-Type"), described).toBe("application/problem+json");
    const problem = JSON.parse(text) as Problem;
    expect(STABLE_CODES.has(problem.code), `${described}: unknown code ${problem.code}`).toBe(true);
    expect(problem.status).toBe(res.status);
  } else {
    // A page's refusal is the generic page; a path no page route matches is the API's not_found.
    const type = res.headers.get("Content-Type") ?? "";
    if (type === "application/problem+json") expect((JSON.parse(text) as Problem).code, described).toBe("not_found");
    else expect(type, described).toContain("text/html");
  }
  expect(await snapshot(), `${described} wrote something`).toBe(before);
}

// ---- Generators ------------------------------------------------------------------------------

/** Strings a hostile client sends: random text, control characters, huge, unicode, path tricks. */
const nasty = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "null", "undefined", "__proto__", "constructor", "../../etc/passwd", "%00", "\u0000", "\ud800", "ｅｎ", "😀", "a".repeat(5000)),
  fc.integer().map(String),
);

/** JSON values of every shape, including hostile keys. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom("__proto__", "constructor", "prototype", "action", "email", "lists", "url", "identity", "choices"), fc.jsonValue({ maxDepth: 2 })),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
);

/** A body: JSON of any shape, malformed JSON, or not JSON at all. */
const body = fc.oneof(
  anyJson.map((v) => JSON.stringify(v)),
  nasty,
  fc.constantFrom("{", '{"a":', "[".repeat(5000), '{"action":"accept_all"', "\ufeff{}", "{}".repeat(3000)),
);

/** Headers a hostile client may send with any request. */
function hostileHeaders(token: fc.Arbitrary<string | undefined>) {
  return fc.record(
    {
      authorization: fc.oneof(token.map((t) => (t ? `Bearer ${t}` : undefined)), nasty.map((s) => `Bearer ${s}`), nasty),
      origin: fc.oneof(fc.constant(ORIGIN), fc.constant("null"), fc.constant("https://evil.example"), nasty),
      contentType: fc.oneof(fc.constant("application/json"), fc.constant("text/plain"), fc.constant("application/json; charset=utf-8"), nasty),
      idempotencyKey: fc.oneof(fc.uuid().map((u) => u), nasty),
      secGpc: fc.oneof(fc.constant("1"), nasty),
      acceptLanguage: nasty,
      ip: fc.oneof(fc.ipV4(), fc.ipV6(), nasty),
    },
    { requiredKeys: [] },
  );
}

type HostileHeaders = { authorization?: string | undefined; origin?: string; contentType?: string; idempotencyKey?: string; secGpc?: string; acceptLanguage?: string; ip?: string };

function toHeaders(h: HostileHeaders): Headers {
  const headers = new Headers();
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    try {
      // What arrives over HTTP is bytes; non-ASCII text is sent as "?" (the runtime would only warn).
      headers.set(name, value.replace(/[^\x20-\x7e\t]/g, "?"));
    } catch {
      // A value no HTTP client could send: leave the header out.
    }
  };
  set("Authorization", h.authorization);
  set("Origin", h.origin);
  set("Content-Type", h.contentType);
  set("Idempotency-Key", h.idempotencyKey);
  set("Sec-GPC", h.secGpc);
  set("Accept-Language", h.acceptLanguage);
  set("CF-Connecting-IP", h.ip);
  return headers;
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD), so it can be a path segment. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

/** A path segment: usually the real one, sometimes garbage (encoded, so the URL stays a URL). */
const segment = (good: string) => fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: nasty.map(encode) });

/** A query string of random keys and values. */
const query = fc.dictionary(fc.oneof(fc.constantFrom("limit", "cursor", "status", "lang", "all"), fc.string({ maxLength: 8 })), nasty, { maxKeys: 3 }).map((q) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) params.append(k, v);
  const s = params.toString();
  return s ? `?${s}` : "";
});

// ---- The state a hostile request could try to damage ----------------------------------------

let site: Awaited<ReturnType<typeof freshSite>>;
let visitor: ConsentResponse;
let apiKey: string;
let tokens: fc.Arbitrary<string | undefined>;
let endpointId: string;

beforeAll(async () => {
  site = await freshSite();
  const res = await app.fetch(
    new Request(`${BASE}/v1/sites/${site.id}/consents`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify(decisionBody(site)),
    }),
    open,
    createExecutionContext(),
  );
  visitor = (await res.json()) as ConsentResponse;
  await confirmedSubscriber(site.id, ["blog"]);
  apiKey = (await insertApiKey(site.id)).secret;
  const created = await app.fetch(
    new Request(`${BASE}/v1/sites/${site.id}/admin/webhooks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ url: "https://hooks.test/hostile-input" }),
    }),
    open,
    createExecutionContext(),
  );
  endpointId = ((await created.json()) as { id: string }).id;
  const { kid, secret } = keySetting(real.TOKEN_KEY_CURRENT);
  const other = await freshSite();
  // Tokens that are not this visitor's valid token: forged bytes, another site's, expired, garbage.
  const forged = (() => {
    const parts = visitor.token!.split(".");
    const sig = Uint8Array.from(atob(parts[3]!.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
    sig[0]! ^= 0xff;
    return [...parts.slice(0, 3), b64url(sig)].join(".");
  })();
  tokens = fc.oneof(
    fc.constant(undefined),
    fc.constant(forged),
    fc.constant(await signTokenWith(kid, secret, { s: other.id, v: visitor.visitorId })),
    fc.constant(await signTokenWith(kid, secret, { s: site.id, v: visitor.visitorId, iat: 1 })),
    fc.constant(await signTokenWith("zz", secret, { s: site.id, v: visitor.visitorId })),
    nasty,
  );
});

const RUNS = { numRuns: 25 };

/** A request to a site API path with hostile headers (and `withBody`, a hostile body). */
function siteRequest(method: string, path: fc.Arbitrary<string>, withBody: boolean) {
  return fc
    .tuple(path, hostileHeaders(tokens), withBody ? body : fc.constant(undefined))
    .map(([p, h, b]) => new Request(`${BASE}${p}`, { method, headers: toHeaders(h), ...(b !== undefined ? { body: b } : {}) }));
}

describe("hostile input: the visitor API (R7.9)", () => {
  it("POST /consents", async () => {
    await fc.assert(fc.asyncProperty(siteRequest("POST", segment(site.id).map((s) => `/v1/sites/${s}/consents`), true), (r) => expectSafe(r)), RUNS);
  });

  it("POST /consents with a valid token and a well-formed envelope, but a hostile decision", async () => {
    const decision = fc.record({
      action: fc.oneof(fc.constantFrom("accept_all", "reject_all", "custom", "withdraw"), nasty),
      choices: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom("necessary", "usage", "ads"), nasty), fc.oneof(fc.boolean(), fc.jsonValue())), fc.jsonValue()),
      policyFingerprint: fc.oneof({ weight: 3, arbitrary: fc.constant(site.fingerprint) }, { weight: 1, arbitrary: nasty }),
      locale: fc.oneof(fc.constantFrom("en", "en-US-US", "x", "de-ch"), nasty),
      gpc: fc.oneof(fc.boolean(), fc.jsonValue()),
      widgetVersion: fc.oneof(fc.constant("fuzz"), nasty),
      textHash: fc.oneof({ weight: 3, arbitrary: fc.constant(site.textHash) }, { weight: 1, arbitrary: nasty }),
      surface: fc.oneof(fc.constantFrom("banner", "api"), nasty),
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(decision, async (d) => {
        const request = new Request(`${BASE}/v1/sites/${site.id}/consents`, {
          method: "POST",
          headers: { Origin: ORIGIN, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Authorization: `Bearer ${visitor.token}` },
          body: JSON.stringify(d),
        });
        await expectSafe(request);
      }),
      { numRuns: 40 },
    );
  });

  it("GET /bootstrap and the /me reads", async () => {
    const path = fc.tuple(segment(site.id), fc.constantFrom("bootstrap", "me", "me/receipts", "me/export", "me/subscriptions"), query).map(([s, p, q]) => `/v1/sites/${s}/${p}${q}`);
    await fc.assert(fc.asyncProperty(siteRequest("GET", path, false), (r) => expectSafe(r)), RUNS);
  });

  it("the receipt keys (GET /.well-known/assent/{siteId}/jwks.json), with any method", async () => {
    const request = fc
      .tuple(fc.constantFrom("GET", "POST", "DELETE", "PUT"), segment(site.id), query, hostileHeaders(tokens))
      .map(([method, s, q, h]) => new Request(`${BASE}/.well-known/assent/${s}/jwks.json${q}`, { method, headers: toHeaders(h) }));
    await fc.assert(fc.asyncProperty(request, (r) => expectSafe(r)), RUNS);
  });

  it("DELETE /me and DELETE /identify", async () => {
    const path = fc.tuple(segment(site.id), fc.constantFrom("me", "identify")).map(([s, p]) => `/v1/sites/${s}/${p}`);
    await fc.assert(fc.asyncProperty(siteRequest("DELETE", path, false), (r) => expectSafe(r)), RUNS);
  });

  it("POST /subscriptions and POST /identify", async () => {
    const path = fc.tuple(segment(site.id), fc.constantFrom("subscriptions", "identify")).map(([s, p]) => `/v1/sites/${s}/${p}`);
    await fc.assert(fc.asyncProperty(siteRequest("POST", path, true), (r) => expectSafe(r)), RUNS);
  });

  it("POST /rights/requests", async () => {
    await fc.assert(fc.asyncProperty(siteRequest("POST", segment(site.id).map((s) => `/v1/sites/${s}/rights/requests`), true), (r) => expectSafe(r)), RUNS);
  });

  it("POST /rights/requests with a well-formed envelope but hostile fields", async () => {
    const request = fc.record({
      type: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("access", "deletion", "correction", "opt_out", "shine_the_light", "minor_content_removal", "child_data_deletion") }, { weight: 1, arbitrary: nasty }),
      email: fc.oneof(fc.emailAddress(), nasty, fc.jsonValue()),
      newEmail: fc.oneof(fc.emailAddress(), nasty),
      correction: fc.oneof(nasty, fc.jsonValue()),
      contentLocation: fc.oneof(nasty, fc.webUrl()),
      californiaResident: fc.oneof(fc.boolean(), fc.jsonValue()),
      parentOrGuardian: fc.oneof(fc.boolean(), fc.jsonValue()),
      details: nasty,
      locale: fc.oneof(fc.constantFrom("en", "de-ch", "EN", "ar"), nasty),
      age: fc.integer(),
    }, { requiredKeys: ["type"] });
    await fc.assert(
      fc.asyncProperty(request, async (b) => {
        await expectSafe(
          new Request(`${BASE}/v1/sites/${site.id}/rights/requests`, { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "application/json" }, body: JSON.stringify(b) }),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("POST /subscriptions with a well-formed envelope but hostile fields", async () => {
    const signup = fc.record({
      email: fc.oneof(fc.emailAddress(), nasty),
      lists: fc.oneof({ weight: 3, arbitrary: fc.array(fc.constantFrom("blog", "marketing-email", "sms"), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.jsonValue() }),
      textVersion: fc.oneof({ weight: 3, arbitrary: fc.constant(site.config.communications[0]!.textVersion) }, { weight: 1, arbitrary: nasty }),
      locale: fc.oneof(fc.constantFrom("en", "en-US-US", "de-ch", "EN"), nasty),
      turnstileToken: fc.oneof(nasty, fc.jsonValue()),
      sourceUrl: fc.oneof(fc.webUrl(), nasty),
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(signup, async (s) => {
        await expectSafe(
          new Request(`${BASE}/v1/sites/${site.id}/subscriptions`, { method: "POST", headers: { Origin: ORIGIN, "Content-Type": "application/json" }, body: JSON.stringify(s) }),
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe("hostile input: the email pages (R7.9)", () => {
  it("GET and POST of confirmation and unsubscribe links", async () => {
    const link = fc.oneof(
      fc.tuple(segment(site.id), nasty).map(([s, t]) => `/e/${s}/confirm/${encode(t)}`),
      nasty.map((t) => `/u/${encode(t)}`),
      fc.tuple(fc.constantFrom("u1", "u2"), nasty, anyJson, nasty).map(([p, k, payload, sig]) => `/u/${p}.${encode(k)}.${b64url(new TextEncoder().encode(JSON.stringify(payload)))}.${encode(sig)}`),
    );
    const request = fc
      .tuple(fc.constantFrom("GET", "POST"), link, query, body, hostileHeaders(tokens))
      .map(([m, l, q, b, h]) => new Request(`${BASE}${l}${q}`, { method: m, headers: toHeaders(h), ...(m === "POST" ? { body: b } : {}) }));
    await fc.assert(fc.asyncProperty(request, (r) => expectSafe(r, "page")), { numRuns: 40 });
  });

  it("the rights pages: forms, verification, new-address and download links", async () => {
    const path = fc.oneof(
      segment(site.id).map((s) => `/r/${s}`),
      fc.tuple(segment(site.id), fc.oneof(fc.constantFrom("access", "deletion", "correction", "opt_out", "shine_the_light", "minor_content_removal", "child_data_deletion"), nasty.map(encode))).map(([s, t]) => `/r/${s}/${t}`),
      fc.tuple(segment(site.id), fc.constantFrom("verify", "new-address", "download"), nasty).map(([s, k, t]) => `/r/${s}/${k}/${encode(t)}`),
    );
    const form = fc.oneof(
      body,
      fc.dictionary(fc.constantFrom("email", "newEmail", "correction", "contentLocation", "californiaResident", "parentOrGuardian", "details", "locale", "age"), nasty).map((d) => new URLSearchParams(d).toString()),
    );
    const request = fc
      .tuple(fc.constantFrom("GET", "POST"), path, query, form, fc.constantFrom("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "text/plain"))
      .map(([m, p, q, b, ct]) => new Request(`${BASE}${p}${q}`, { method: m, headers: { "Content-Type": ct, "CF-Connecting-IP": "10.9.9.9" }, ...(m === "POST" ? { body: b } : {}) }));
    await fc.assert(fc.asyncProperty(request, (r) => expectSafe(r, "page")), { numRuns: 60 });
  });
});

describe("hostile input: the site owner API (R7.9)", () => {
  /** Admin paths, with hostile segments and queries. */
  const adminPath = () =>
    fc
      .tuple(
        segment(site.id),
        fc.oneof(
          fc.tuple(segment("blog"), query).map(([l, q]) => `lists/${l}/subscribers${q}`),
          segment(visitor.visitorId).map((v) => `visitors/${v}`),
          fc.constant("unsubscribe-headers"),
          fc.constant("webhooks"),
          fc.tuple(segment(endpointId), fc.constantFrom("", "/deliveries", "/redeliver", "/test"), query).map(([id, sub, q]) => `webhooks/${id}${sub}${q}`),
          nasty.map((s) => `subjects/${encode(s)}`),
          fc.constantFrom("identity-secret", "identities", "rights/requests", "rights/requests.csv", "rights/child-data-deletion"),
          fc.tuple(nasty, fc.constantFrom("", "/start", "/extend", "/complete", "/deny"), query).map(([id, a, q]) => `rights/requests/${encode(id)}${a}${q}`),
          query.map((q) => `rights/requests${q}`),
          nasty.map(encode),
        ),
      )
      .map(([s, p]) => `/v1/sites/${s}/admin/${p}`);

  it("every admin route, every method, with and without a valid key", async () => {
    const keys = fc.oneof(fc.constant(apiKey), nasty, fc.constant(`ask_${"A".repeat(43)}`));
    const request = fc
      .tuple(fc.constantFrom("GET", "POST", "DELETE", "PUT"), adminPath(), keys, body, fc.constantFrom("application/json", "text/plain"))
      .map(([m, p, k, b, ct]) => {
        const headers = toHeaders({ contentType: ct, authorization: `Bearer ${k}` });
        return new Request(`${BASE}${p}`, { method: m, headers, ...(m === "GET" || m === "DELETE" ? {} : { body: b }) });
      });
    await fc.assert(fc.asyncProperty(request, (r) => expectSafe(r)), { numRuns: 60 });
  });

  it("webhook and identity bodies with a valid key: hostile fields", async () => {
    const fields = fc.oneof(
      fc.record({ url: fc.oneof(fc.webUrl(), nasty, fc.constantFrom("https://127.0.0.1/", "https://[::1]/", "file:///etc/passwd")), events: fc.oneof(fc.array(nasty), fc.jsonValue()), description: fc.oneof(nasty, fc.jsonValue()) }, { requiredKeys: [] }).map((b) => ["webhooks", b] as const),
      fc.record({ eventIds: fc.oneof(fc.array(nasty, { maxLength: 120 }), fc.jsonValue()) }, { requiredKeys: [] }).map((b) => [`webhooks/${endpointId}/redeliver`, b] as const),
      fc.record({ subject: fc.oneof(nasty, fc.jsonValue()), ttlSeconds: fc.oneof(fc.integer(), fc.jsonValue()) }, { requiredKeys: [] }).map((b) => ["identities", b] as const),
      fc.record({ email: fc.oneof(fc.emailAddress(), nasty), list: fc.oneof(fc.constant("blog"), nasty) }, { requiredKeys: [] }).map((b) => ["unsubscribe-headers", b] as const),
    );
    await fc.assert(
      fc.asyncProperty(fields, async ([path, b]) => {
        await expectSafe(
          new Request(`${BASE}/v1/sites/${site.id}/admin/${path}`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body: JSON.stringify(b) }),
        );
      }),
      { numRuns: 60 },
    );
  });
});
